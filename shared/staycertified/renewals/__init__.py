"""The monthly renewal-notice run (R3-R5): start, plan, send, summarise.

The Lambda handlers in functions/renewal_* and functions/start_run only parse
and delegate here. See `send.py` for the exactly-once protocol of the ledger.
"""
