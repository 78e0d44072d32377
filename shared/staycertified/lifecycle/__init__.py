"""Event-driven and scheduled work on members' CCP records: provider CE
completions (R13) and the daily lifecycle sweep (R16, R17, R21-R23).
Owned by the API capability; handlers in functions/provider_ce and
functions/lifecycle_sweep stay thin and call these.
"""
