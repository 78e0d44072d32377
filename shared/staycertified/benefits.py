"""Member benefits: the CE discount the body's learning platform grants (R41).

The platform asks, machine to machine, whether a person holds at least one
`ACTIVE` certification, by email or by certificate number, and is told
`eligible` yes or no, and nothing else (`GET /benefits/ce-discount`, IAM
authorisation, the platform's principal a template parameter).

- `holds_active_certification`: the decision, on every certification of the
  people found (standing on "today", R20-R22);
- `people_by_email` / `person_by_certificate`: who the question is about, by the
  table's indexes (GSI3 MEMBEREMAIL#<email>, GSI2 CERTNO#<certNo>), never a Scan;
- `is_platform`: whether the IAM caller API Gateway authenticated is the
  platform's principal (a role, whatever session assumed it, or an account root).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from mypy_boto3_dynamodb.service_resource import Table

    from staycertified.domain.policy import Policy
    from staycertified.store.members import MemberRecord

PLATFORM_PRINCIPAL_ENV = "LEARNING_PLATFORM_PRINCIPAL"
EMAIL_LOOKUP_LIMIT = 10  # one email is one person; a few shared addresses at most

_ROLE = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):role/(?:.*/)?(?P<name>[^/]+)$"
)
_ROOT = re.compile(r"^arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):root$")
_ASSUMED = re.compile(
    r"^arn:(?P<partition>aws[a-z-]*):sts::(?P<account>\d{12}):assumed-role/(?P<name>[^/]+)/[^/]+$"
)


def holds_active_certification(
    records: Iterable[MemberRecord], today: date, policy: Policy
) -> bool:
    """R41: at least one certification of these people is ACTIVE on `today` (R20)."""
    from staycertified.domain.model import Standing
    from staycertified.domain.standing import evaluate_standing

    return any(
        evaluate_standing(cert, today, policy).status == Standing.ACTIVE
        for record in records
        for cert in record.certifications
    )


def is_platform(caller_arn: str, caller_account: str, principal: str) -> bool:
    """Whether the IAM caller is the learning platform's principal (R41).

    `principal` is a role ARN (`arn:aws:iam::<acct>:role/[path/]<name>`: callers
    present it as `arn:aws:sts::<acct>:assumed-role/<name>/<session>`) or an
    account root (`arn:aws:iam::<acct>:root`: any caller of that account).
    Anything else, an empty caller included, is not the platform.
    """
    if not caller_arn or not principal:
        return False
    root = _ROOT.fullmatch(principal)
    if root is not None:
        return caller_account == root["account"] and caller_arn.startswith(
            f"arn:{root['partition']}:"
        )
    role = _ROLE.fullmatch(principal)
    assumed = _ASSUMED.fullmatch(caller_arn)
    if role is None or assumed is None:
        return False
    return (role["partition"], role["account"], role["name"]) == (
        assumed["partition"],
        assumed["account"],
        assumed["name"],
    )


def people_by_email(table: Table, email: str) -> list[MemberRecord]:
    """The members whose email is `email` (case and spaces folded, like the staff search)."""
    from boto3.dynamodb.conditions import Key

    from staycertified.store import keys
    from staycertified.store.members import load_member

    text = keys.search_text(email)
    if not text:
        return []
    page = table.query(
        IndexName="GSI3",
        KeyConditionExpression=Key("GSI3PK").eq(keys.member_email_gsi3pk(text)),
        Limit=EMAIL_LOOKUP_LIMIT,
    )
    member_ids = dict.fromkeys(str(item["GSI3SK"]) for item in page.get("Items", []))
    records = [load_member(table, member_id) for member_id in member_ids]
    return [record for record in records if record is not None]


def person_by_certificate(table: Table, certificate_number: str) -> list[MemberRecord]:
    """The member holding this certificate (GSI2), as a list (empty when unknown)."""
    from staycertified.store.members import find_certification, load_member

    found = find_certification(table, certificate_number.strip())
    record = load_member(table, found[0].member_id) if found is not None else None
    return [record] if record is not None else []
