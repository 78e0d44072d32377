"""The payment provider: webhook signatures (R6). See `signature.py`."""
