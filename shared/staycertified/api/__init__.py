"""The HTTP edge: the Powertools resolver, request/response models, auth, error mapping.

Nothing here decides a rule: routes parse, call `staycertified.domain` and the
store, and answer. Import cost matters (cold start): `functions/api/app.py`
imports only `staycertified.api.handler`, which builds the resolver lazily.
"""
