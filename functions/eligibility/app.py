"""EligibilityFunction: the public Eligibility Assistant (R34, R35), throttled in the template.

Reads only the policy file (no table, no AWS permission): the questions of a type,
and which routes an applicant's answers meet.
"""

from __future__ import annotations

from typing import Any

from staycertified.observability import lambda_entry


def handle(event: dict[str, Any], context: Any) -> dict[str, Any]:
    from staycertified.api import resolver

    return resolver.answer(resolver.eligibility_api(), event, context, table=None, uses_table=False)


lambda_handler = lambda_entry(handle, with_context=True)
