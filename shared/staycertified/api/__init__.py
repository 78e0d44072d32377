"""The HTTP edge, outermost: nothing else in the layer imports it. The Powertools
resolvers, the wire shapes, auth, and the mapping of a use-case's refusal to its HTTP
answer (`errors.STATUS_BY_CODE`).

Nothing here decides a rule: routes parse the request into the use-case's terms, call
a use-case by noun (`staycertified.activities`, `attestations`, `standing`, `members`,
`payments.service`, `recertification`...) and shape what it returns. Import cost
matters (cold start): each function imports `api.resolver`, which builds its
resolver lazily and imports a route's mapping only when it registers it.
"""
