"""The versioned policy file and its loader (R1, R2, R35); the schema it is validated
against is the domain's (`staycertified.domain.policy`, re-exported here).

How the deployed system reads it
--------------------------------
`policy.json` lives inside this package, so the Lambda layer ships it with the
code. `load_policy()` reads it once per process (``functools.cache``) and
validates it with pydantic; a broken file fails the first call with a
`PolicyError` naming the offending field. An operator may point a deployment at
another file with the environment variable ``POLICY_PATH`` (read on first use,
never at import); tests pass an explicit ``path``.

How an operator changes it
--------------------------
Every value is a list of versions ``{"effective_from": "YYYY-MM-DD", "value": ...}``.
To change a value, APPEND a version with a later ``effective_from``; never edit
or delete a past version (decisions already taken used it; R2 "changing the
policy never rewrites past decisions"). The loader refuses versions that are not
strictly increasing in date, and a unit test walks every versioned value.
A decision asks for the version in force on the date that matters:
``policy.fee(type, invoice_date)``, ``policy.rate(category, unit, activity_date)``...
See docs/policy.md.
"""

from __future__ import annotations

from staycertified.domain.policy import Policy, Version, Versioned
from staycertified.policy.loader import PolicyError, load_policy

__all__ = ["Policy", "PolicyError", "Version", "Versioned", "load_policy"]
