"""The public verification route as HTTP (R38): `standing.verify` in, `VerificationOut`
out. Apart from `api.service`, so VerifyFunction imports only what this one answer
needs (the member store and the standing decision), not the member API's use-cases.
An unknown number and a wrong last name give the same 404.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from staycertified.api import errors
from staycertified.api.schemas import VerificationOut
from staycertified.refusals import Refused

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table


def verify(table: Table, certificate_number: str, last_name: str, today: date) -> VerificationOut:
    """R38: only name, type, Active / Not active, original date, valid-through."""
    from staycertified import standing
    from staycertified.policy import load_policy

    try:
        public = standing.verify(table, certificate_number, last_name, today, load_policy())
    except Refused as refusal:
        raise errors.from_refusal(refusal) from None
    return VerificationOut(
        name=public.name,
        type=public.certification_type,
        status=public.status,
        original_certification_date=public.original_certification_date,
        valid_through=public.valid_through,
    )
