"""R26: the audit notice by email and letter, each channel once (R5), through the ledger."""

from __future__ import annotations

from datetime import date
from typing import Any

from staycertified.audits.draw import DrawInput, run_draw
from staycertified.audits.notify import (
    AuditItem,
    CaseOutcome,
    CasePart,
    Ports,
    case_part_key,
    notify_case,
)
from staycertified.audits.summary import summarize
from staycertified.store import notices as ledger

from .conftest import World


def selected(world: World) -> list[AuditItem]:
    run_draw(
        DrawInput(runId="audit-2026", asOf=date(2026, 1, 2)),
        table=world.table,
        s3=world.s3,
        mail_bucket="mail",
        policy=world.policy,
        new_seed=lambda _bytes: "seed",
    )
    return [AuditItem.model_validate(i) for i in world.json("audits/2026/selected.json")]


def ports(world: World, *, with_bucket: bool = False) -> Ports:
    """The notice step's ports; `with_bucket`: it writes the case's part to "mail"."""
    return Ports(
        table=world.table,
        send_email=world.outbox.send_email,
        post_letter=world.outbox.post_letter,
        policy=world.policy,
        s3=world.s3 if with_bucket else None,
        mail_bucket="mail" if with_bucket else "",
    )


def ledger_entry(world: World, channel: str) -> ledger.LedgerEntry | None:
    key = ledger.notice_key("A1", "RMA-A1", "2026", "AUDIT_NOTICE", channel)
    return ledger.get_entry(world.table, key)


def test_r26_notice_goes_by_email_and_letter(world: World) -> None:
    world.certified("A1")
    [item] = selected(world)

    result = notify_case(item, ports(world))

    assert result["outcomes"] == {"EMAIL": "SENT", "MAIL": "SENT"}
    [email] = world.outbox.emails
    assert email["kind"] == "AUDIT_NOTICE" and email["to"] == "member@example.com"
    for words in ("2022-06-10 to 2025-06-09", "2026-03-03"):
        assert words in email["text"]
    assert "uploads/" not in email["text"]  # R43: no internal path (the defect of ab360fd)
    assert "employment verification form" in email["text"]
    assert "already verified" in email["text"]
    [(key, letter)] = world.outbox.letters.items()
    assert key == "letters/audit/2026/RMA-A1.pdf" and letter["kind"] == "AUDIT_NOTICE"
    assert letter["pdf"].startswith(b"%PDF") and letter["address"][0] == "Ann Lee"
    entry = ledger_entry(world, "MAIL")
    assert entry is not None and entry.status == ledger.NoticeStatus.SENT


def test_r26_r5_notifying_again_sends_nothing_twice(world: World) -> None:
    world.certified("A1")
    [item] = selected(world)
    notify_case(item, ports(world))

    again = notify_case(item, ports(world))

    assert again["outcomes"] == {"EMAIL": "ALREADY_SENT", "MAIL": "ALREADY_SENT"}
    assert len(world.outbox.emails) == 1 and len(world.outbox.letters) == 1


def test_r26_no_postal_address_the_email_still_goes_and_the_flag_is_recorded(
    world: World,
) -> None:
    world.certified("A1", address=None)
    [item] = selected(world)

    result = notify_case(item, ports(world))

    assert result["outcomes"] == {"EMAIL": "SENT", "MAIL": "UNDELIVERABLE"}
    assert result["flags"] == ["POSTAL_ADDRESS_MISSING"]
    assert len(world.outbox.emails) == 1 and world.outbox.letters == {}
    entry = ledger_entry(world, "MAIL")
    assert entry is not None and entry.status == ledger.NoticeStatus.UNDELIVERABLE


def test_r26_no_email_the_letter_still_goes(world: World) -> None:
    world.certified("A1", email=None)
    [item] = selected(world)

    result = notify_case(item, ports(world))

    assert result["outcomes"] == {"EMAIL": "UNDELIVERABLE", "MAIL": "SENT"}
    assert result["flags"] == ["EMAIL_ADDRESS_MISSING"]
    assert world.outbox.emails == [] and len(world.outbox.letters) == 1


def test_r5_a_claim_left_pending_is_sent_and_flagged(world: World) -> None:
    world.certified("A1")
    [item] = selected(world)
    pending = ledger.LedgerEntry(
        member_id="A1",
        certificate_number="RMA-A1",
        period="2026",
        step="AUDIT_NOTICE",
        channel="EMAIL",
        sent_on="2026-01-02",
        run_id="audit-2026",
    )
    world.table.put_item(Item=pending.item())  # an attempt died after its claim

    result = notify_case(item, ports(world))

    assert result["outcomes"]["EMAIL"] == "SENT" and len(world.outbox.emails) == 1
    assert ledger.RESENT_AFTER_INTERRUPTION in result["flags"]


def test_r26_a_closed_case_gets_no_notice(world: World) -> None:
    world.certified("A1")
    [item] = selected(world)
    world.table.update_item(
        Key={"PK": "MEMBER#A1", "SK": "AUDIT#AUD-2026-RMA-A1"},
        UpdateExpression="SET #s = :s",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":s": "PASSED"},
    )

    result = notify_case(item, ports(world))

    assert result["skipped"] == "CASE_CLOSED" and world.outbox.emails == []


def test_r25_r26_run_report_counts_notices_by_channel(world: World) -> None:
    """The totals come from the cases' parts; a selected case without one failed."""
    import json

    selected = [{"caseId": case_id} for case_id in ("X", "Y", "Z")]
    world.s3.put_object(Bucket="mail", Key="audits/2026/selected.json", Body=json.dumps(selected))
    draw: dict[str, Any] = {
        "runId": "audit-2026",
        "auditYear": 2026,
        "selectedCount": 3,
        "selectedKey": "audits/2026/selected.json",
    }
    parts = [
        CasePart(case_id="X", outcomes={"EMAIL": "SENT", "MAIL": "SENT"}),
        CasePart(
            case_id="Y",
            outcomes={"EMAIL": "SENT", "MAIL": "UNDELIVERABLE"},
            flags=["POSTAL_ADDRESS_MISSING"],
        ),
    ]  # Z failed after its retries: no part
    for part in parts:
        world.s3.put_object(
            Bucket="mail",
            Key=case_part_key("audit-2026", part.case_id),
            Body=part.model_dump_json(by_alias=True),
        )

    summary = summarize({"draw": draw}, s3=world.s3, mail_bucket="mail")

    report = world.json("audits/2026/report.json")
    assert summary["reportKey"] == "audits/2026/report.json"
    assert {(n["channel"], n["outcome"]): n["count"] for n in report["notices"]} == {
        ("EMAIL", "SENT"): 2,
        ("MAIL", "SENT"): 1,
        ("MAIL", "UNDELIVERABLE"): 1,
    }
    assert report["flags"] == {"POSTAL_ADDRESS_MISSING": 1} and report["failedItems"] == 1
    assert report["failed"] == [{"item": 3, "error": "NO_PART_WRITTEN"}]
    assert summary["failedItems"] == 1


def test_r26_the_notice_step_returns_counts_and_its_part_key_only(world: World) -> None:
    """STYLE 14: the iteration's result does not grow with what the case did."""
    world.certified("A1")
    [item] = selected(world)
    with_bucket = ports(world, with_bucket=True)

    outcome = CaseOutcome.of(notify_case(item, with_bucket))

    key = case_part_key(item.run_id, item.case_id)
    assert outcome.model_dump(by_alias=True) == {
        "sent": 2,
        "notSent": 0,
        "skipped": 0,
        "partKey": key,
    }
    part = CasePart.model_validate(world.json(key))
    assert part.outcomes == {"EMAIL": "SENT", "MAIL": "SENT"} and part.letter is not None


def test_r43_every_audit_letter_of_the_run_is_in_its_print_house_manifest(world: World) -> None:
    from staycertified.notify.manifest import read_manifest

    world.certified("A1")
    [item] = selected(world)
    with_bucket = ports(world, with_bucket=True)
    notify_case(item, with_bucket)

    draw = {"runId": item.run_id, "auditYear": 2026, "selectedKey": "audits/2026/selected.json"}
    summary = summarize({"draw": draw}, s3=world.s3, mail_bucket="mail")
    assert summary["runId"] == item.run_id
    [row] = read_manifest(world.s3, "mail", f"runs/{item.run_id}/manifest.csv")
    assert row.letter_key == "letters/audit/2026/RMA-A1.pdf" and row.kind == "AUDIT_NOTICE"
    assert row.address_lines[0] == "Ann Lee"
