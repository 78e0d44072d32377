"""DynamoDB repositories: the only code that talks to the tables.

The key design (access pattern -> key or index) is in `keys.py`.
"""
