"""A moto world for the renewal steps: the template's tables, a mail bucket, a fake outbox."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from staycertified.domain.model import Certification, Member, PostalAddress
from staycertified.policy import load_policy
from staycertified.renewals.send import Ports
from staycertified.store.members import put_certification, put_member

ADDRESS = PostalAddress(line1="1 Main St", city="Springfield", state="IL", postal_code="62701")


@dataclass
class Outbox:
    emails: list[dict[str, Any]] = field(default_factory=list)
    letters: dict[str, dict[str, Any]] = field(default_factory=dict)
    fail_email: Callable[[dict[str, Any]], Exception | None] | None = None

    def send_email(self, **message: Any) -> str:
        if self.fail_email is not None:
            error = self.fail_email(message)
            if error is not None:
                raise error
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
    ports: Ports

    def member(
        self,
        member_id: str,
        *,
        cert_type: str = "RMA",
        certified_on: date = date(2020, 2, 10),
        email: str | None = "member@example.com",
        address: PostalAddress | None = ADDRESS,
        paid_through: date | None = None,
    ) -> Certification:
        put_member(
            self.table,
            Member(
                member_id=member_id, first_name="Ann", last_name="Lee", email=email, address=address
            ),
        )
        cert = Certification(
            member_id=member_id,
            certificate_number=f"{cert_type}-{member_id}",
            type=cert_type,
            certified_on=certified_on,
            paid_through=paid_through,
        )
        put_certification(self.table, cert, "Lee")
        return cert


@pytest.fixture
def world(ddb_tables: dict[str, Any]) -> World:
    import boto3

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="mail")
    outbox = Outbox()
    table = ddb_tables["Table"]
    ports = Ports(
        table=table,
        s3=s3,
        mail_bucket="mail",
        send_email=outbox.send_email,
        post_letter=outbox.post_letter,
        policy=load_policy(),
    )
    return World(table=table, s3=s3, outbox=outbox, ports=ports)
