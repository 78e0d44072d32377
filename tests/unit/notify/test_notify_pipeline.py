"""The notice pipeline (R5, R43): catalogue, templates, the per-message ledger with leases."""

from __future__ import annotations

from typing import Any

import pytest

from staycertified import config
from staycertified.domain.model import Channel, Member, PostalAddress
from staycertified.notify import catalogue, render
from staycertified.notify.ledger import Ledger
from staycertified.notify.outbox import Notice, Outbox
from staycertified.store import notices as store

ADDRESS = PostalAddress(line1="1 Main St", city="Springfield", state="IL", postal_code="62701")
MEMBER = Member(
    member_id="M1", first_name="Ann", last_name="Lee", email="ann@example.com", address=ADDRESS
)


class Killed(BaseException):
    """The process dies here: no handler, no cleanup runs after it."""


class Transports:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.kill_at: int | None = None

    def _count(self, what: str, key: str) -> None:
        if self.kill_at is not None and len(self.sent) + 1 == self.kill_at:
            raise Killed
        self.sent.append((what, key))

    def email(self, **message: Any) -> str:
        self._count("EMAIL", message["subject"])
        return f"msg-{len(self.sent)}"

    def letter(self, **letter: Any) -> str:
        self._count("MAIL", letter["key"])
        return f"letters/{letter['key']}.pdf"

    def by_channel(self) -> dict[Channel, Any]:
        return {Channel.EMAIL: self.email, Channel.MAIL: self.letter}


def audit_notice(n: int) -> Notice:
    return Notice(
        kind="AUDIT_NOTICE",
        member=MEMBER,
        certificate_number=f"RMA-{n}",
        period="2026",
        letter_key=f"audit/2026/RMA-{n}",
        letter_date="2026-01-02",
        context={
            "first_name": "Ann",
            "certification_name": "Registered Medical Assistant",
            "certificate_number": f"RMA-{n}",
            "case_id": f"AUD-{n}",
            "audit_year": 2026,
            "cycle_start": "2022-06-10",
            "cycle_end": "2025-06-09",
            "points_required": "60",
            "respond_by": "2026-03-03",
            "reminder_on": "2026-02-16",
            "upload_prefix": f"uploads/M1/AUD-{n}/",
        },
    )


def outbox(table: Any, transports: Transports, claimant: str, now: float = 1_000.0) -> Outbox:
    return Outbox(
        table,
        claimant=claimant,
        run_id=claimant,
        sent_on="2026-01-02",
        transports=transports.by_channel(),
        ledger=Ledger(table, claimant, now=lambda: now, lease=900),
    )


def entries(table: Any, n: int) -> dict[str, store.LedgerEntry | None]:
    return {
        channel: store.get_entry(
            table, store.notice_key("M1", f"RMA-{n}", "2026", "AUDIT_NOTICE", channel)
        )
        for channel in ("EMAIL", "MAIL")
    }


def test_r43_every_kind_of_the_catalogue_has_a_template_for_each_of_its_channels() -> None:
    env = render.environment()
    for kind in catalogue.KINDS:
        for channel in kind.channels:
            for name in render.CHANNEL_TEMPLATES[channel.value]:
                env.get_template(f"{kind.folder}/{name}")  # TemplateNotFound fails the test


def test_r43_a_kind_or_channel_not_in_the_catalogue_is_refused_before_any_claim(
    ddb_tables: dict[str, Any],
) -> None:
    table = ddb_tables["Table"]
    transports = Transports()
    notice = Notice(
        kind="REMINDER",
        member=MEMBER,
        certificate_number="RMA-1",
        period="2026",
        letter_key="x",
        letter_date="2026-01-02",
        channels=(Channel.EMAIL, Channel.MAIL),  # a reminder has no letter
        context={},
    )
    with outbox(table, transports, "run-1") as box, pytest.raises(catalogue.NoticeNotConfigured):
        box.send(notice)
    with outbox(table, transports, "run-1") as box, pytest.raises(catalogue.NoticeNotConfigured):
        box.send(Notice(**{**notice.__dict__, "kind": "NO_SUCH_KIND", "channels": ()}))
    assert transports.sent == []
    assert table.scan()["Items"] == []


def test_r43_every_notice_carries_the_organisation_profile(ddb_tables: dict[str, Any]) -> None:
    table = ddb_tables["Table"]
    org = config.organisation()
    seen: list[dict[str, Any]] = []
    transports = {Channel.EMAIL: lambda **m: seen.append(m) or "id", Channel.MAIL: lambda **m: "k"}
    with Outbox(
        table, claimant="r", run_id="r", sent_on="2026-01-02", transports=transports
    ) as box:
        box.send(audit_notice(1))
    [email] = seen
    for part in (email["text"], email["html"]):
        assert org.name in part and org.email in part and org.portal_url in part
        assert org.postal_lines[1] in part


def test_r5_a_killed_process_leaves_one_claim_pending_and_every_message_before_it_marked(
    ddb_tables: dict[str, Any],
) -> None:
    table = ddb_tables["Table"]
    transports = Transports()
    transports.kill_at = 4  # dies sending the 4th message (notice 2, letter)
    box = outbox(table, transports, "run-1")
    with pytest.raises(Killed):
        for n in (1, 2, 3):
            box.send(audit_notice(n))  # no `with`: a killed process runs no cleanup
    assert {c: e.status for c, e in entries(table, 1).items() if e} == {
        "EMAIL": "SENT",
        "MAIL": "SENT",
    }
    after = entries(table, 2)
    assert after["EMAIL"] is not None and after["EMAIL"].status == store.NoticeStatus.SENT
    assert after["MAIL"] is not None and after["MAIL"].status == store.NoticeStatus.PENDING
    assert entries(table, 3) == {"EMAIL": None, "MAIL": None}


def test_r5_a_pending_claim_of_another_run_waits_for_its_lease_then_is_resent_once(
    ddb_tables: dict[str, Any],
) -> None:
    table = ddb_tables["Table"]
    first = Transports()
    first.kill_at = 2  # dies sending the letter
    with pytest.raises(Killed):
        outbox(table, first, "run-1", now=1_000.0).send(audit_notice(1))

    later = Transports()
    with outbox(table, later, "run-2", now=1_500.0) as box:  # within the lease
        early = {d.channel.value: d.outcome for d in box.send(audit_notice(1))}
    assert early == {"EMAIL": "ALREADY_SENT", "MAIL": "CLAIMED_ELSEWHERE"}
    assert later.sent == []

    with outbox(table, later, "run-2", now=2_000.0) as box:  # the lease ran out
        resumed = box.send(audit_notice(1))
    assert [(d.channel.value, d.outcome, d.resent) for d in resumed] == [
        ("EMAIL", "ALREADY_SENT", False),
        ("MAIL", "SENT", True),
    ]
    assert later.sent == [("MAIL", "audit/2026/RMA-1")]
    mail = entries(table, 1)["MAIL"]
    assert mail is not None and mail.status == store.NoticeStatus.SENT
    assert store.RESENT_AFTER_INTERRUPTION in mail.flags


def test_r5_two_runs_never_both_resume_the_same_claim(ddb_tables: dict[str, Any]) -> None:
    table = ddb_tables["Table"]
    dead = Transports()
    dead.kill_at = 1
    with pytest.raises(Killed):
        outbox(table, dead, "run-1", now=0.0).send(audit_notice(1))
    pending = entries(table, 1)["EMAIL"]
    assert pending is not None
    a, b = Ledger(table, "run-a", now=lambda: 5_000.0), Ledger(table, "run-b", now=lambda: 5_000.0)
    claims = [a.claim(pending, pending)[0], b.claim(pending, pending)[0]]
    assert sorted(claims) == ["ELSEWHERE", "RESUMED"]


def test_a_missing_template_value_fails_before_anything_is_claimed(
    ddb_tables: dict[str, Any],
) -> None:
    table = ddb_tables["Table"]
    notice = audit_notice(1)
    broken = Notice(**{**notice.__dict__, "context": {"first_name": "Ann"}})
    with outbox(table, Transports(), "run-1") as box, pytest.raises(KeyError):
        box.send(broken)
    assert table.scan()["Items"] == []


def test_html_parts_escape_the_values_text_parts_keep_them() -> None:
    kind = catalogue.notice_kind("AUDIT_NOTICE")
    context = {**audit_notice(1).context, "first_name": "Ann <b>", "org": config.organisation()}
    email = render.render_email(kind, context)
    assert "Ann <b>" in email.text
    assert "Ann &lt;b&gt;" in email.html and "Ann <b>" not in email.html
