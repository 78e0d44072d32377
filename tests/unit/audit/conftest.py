"""A moto world for the audit steps: the template's tables, a mail bucket, a fake outbox."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from staycertified.domain.model import Certification, Cycle, Member, PostalAddress
from staycertified.domain.policy import Policy
from staycertified.policy import load_policy
from staycertified.store.members import cycle_item, put_certification, put_member

ADDRESS = PostalAddress(line1="1 Main St", city="Springfield", state="IL", postal_code="62701")


@dataclass
class Outbox:
    emails: list[dict[str, Any]] = field(default_factory=list)
    letters: dict[str, dict[str, Any]] = field(default_factory=dict)

    def send_email(self, **message: Any) -> str:
        self.emails.append(message)
        return f"msg-{len(self.emails)}"

    def post_letter(self, *, address_lines: list[str], kind: str, pdf: bytes, key: str) -> str:
        object_key = f"letters/{key}.pdf"
        self.letters[object_key] = {"address": address_lines, "kind": kind, "pdf": pdf}
        return object_key


@dataclass
class World:
    table: Any
    s3: Any
    outbox: Outbox
    policy: Policy

    def certified(
        self,
        member_id: str,
        *,
        certified_on: date = date(2022, 6, 10),
        advanced_on: date | None = date(2025, 6, 10),
        email: str | None = "member@example.com",
        address: PostalAddress | None = ADDRESS,
    ) -> Certification:
        """A member whose first cycle (3 years from `certified_on`) rolled over on `advanced_on`."""
        put_member(
            self.table,
            Member(
                member_id=member_id, first_name="Ann", last_name="Lee", email=email, address=address
            ),
        )
        cert = Certification(
            member_id=member_id,
            certificate_number=f"RMA-{member_id}",
            type="RMA",
            certified_on=certified_on,
        )
        put_certification(self.table, cert, "Lee")
        end = date(certified_on.year + 3, certified_on.month, certified_on.day).toordinal() - 1
        cycle = Cycle(
            certificate_number=cert.certificate_number,
            start=certified_on,
            end=date.fromordinal(end),
            points_required=Decimal(30),
            advanced_on=advanced_on,
        )
        self.table.put_item(Item=cycle_item(member_id, cycle))
        return cert

    def json(self, key: str) -> Any:
        import json

        return json.loads(self.s3.get_object(Bucket="mail", Key=key)["Body"].read())


@pytest.fixture
def world(ddb_tables: dict[str, Any]) -> World:
    import boto3

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="mail")
    return World(table=ddb_tables["Table"], s3=s3, outbox=Outbox(), policy=load_policy())
