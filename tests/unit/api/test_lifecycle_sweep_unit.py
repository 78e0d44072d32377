"""The daily sweep with fake email/letter ports (R16, R17, R21, R22)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

from staycertified.store.members import load_member

from .support import function_module, load_rows, member_row

sweep = function_module("lifecycle_sweep")


class Outbox:
    def __init__(self) -> None:
        self.emails: list[dict[str, Any]] = []
        self.letters: list[dict[str, Any]] = []

    def send_email(self, **message: Any) -> str:
        self.emails.append(message)
        return f"msg-{len(self.emails)}"

    def post_letter(self, **letter: Any) -> str:
        self.letters.append(letter)
        return f"letters/{letter['key']}.pdf"


@pytest.fixture
def outbox() -> Outbox:
    return Outbox()


def run(table: Any, outbox: Outbox, day: date) -> dict[str, Any]:
    event = {"scheduledTime": f"{day.isoformat()}T08:00:00Z"}  # 02:00 in Chicago
    return sweep.handle(
        event, None, table=table, send_email=outbox.send_email, post_letter=outbox.post_letter
    )


def run_days(table: Any, outbox: Outbox, first: date, last: date) -> list[dict[str, Any]]:
    reports, day = [], first
    while day <= last:
        reports.append(run(table, outbox, day))
        day += timedelta(days=1)
    return reports


def record_points(table: Any, member_id: str, points: int, on: date) -> None:
    from staycertified.domain.model import Activity, Qualifies, Unit
    from staycertified.store.members import activity_item

    certno = f"RMA-{member_id}"
    activity = Activity(
        activity_id=f"T-{on}",
        certificate_number=certno,
        category="PROFESSIONAL_EDUCATION",
        title="course",
        completed_on=on,
        quantity=points,
        unit=Unit.CONTACT_HOUR,
        qualifies=Qualifies.JOB_PERFORMANCE,
        points=points,
        recorded_on=on,
    )
    table.put_item(Item=activity_item(member_id, activity))


def test_ccp_notices_go_at_180_90_30_7_days_once_each_by_email_and_mail_r17(
    table: Any, outbox: Outbox
) -> None:
    load_rows(
        table, [member_row("M1", certified_on="2023-03-15", cycle_points="12")], date(2025, 9, 1)
    )
    run_days(table, outbox, date(2025, 9, 1), date(2026, 3, 14))
    run(table, outbox, date(2026, 3, 7))  # a re-run of a notice day sends nothing more
    assert [e["subject"] for e in outbox.emails] == ["CCP: 18 points outstanding by 2026-03-14"] * 4
    assert len(outbox.letters) == 4
    assert sorted(letter["key"].rsplit("/", 1)[1] for letter in outbox.letters) == [
        "CCP_180",
        "CCP_30",
        "CCP_7",
        "CCP_90",
    ]
    assert outbox.letters[0]["pdf"].startswith(b"%PDF")
    # R43: the four notices of the cycle differ, and only the last says it is the last.
    texts = [e["text"] for e in outbox.emails]
    assert len(set(texts)) == 4
    assert ["last notice" in text for text in texts] == [False, False, False, True]
    assert "ends in 180 days" in texts[0] and "ends in 30 days" in texts[2]


def test_r17_ccp_notices_go_while_a_fee_of_the_cycle_is_unpaid_and_the_last_says_so(
    table: Any, outbox: Outbox
) -> None:
    """Points met, the 2025 fee (due inside the cycle) unpaid: not compliant (R16), so the
    30- and 7-day notices go, stating 0 points outstanding and the unpaid fee (R17)."""
    row = member_row("M1", certified_on="2023-03-15", cycle_points="30", paid_through="2025-03-31")
    load_rows(table, [row], date(2026, 2, 1))
    run_days(table, outbox, date(2026, 2, 10), date(2026, 3, 8))
    texts = [e["text"] for e in outbox.emails]
    assert len(outbox.emails) == 2
    assert all("INV-RMA-M1-2025 (50.00 USD)" in text for text in texts)
    assert all("points for this cycle are met" in t and "You still need" not in t for t in texts)
    assert ["This is our last notice" in text for text in texts] == [False, True]
    assert sorted(letter["key"].rsplit("/", 1)[1] for letter in outbox.letters) == [
        "CCP_30",
        "CCP_7",
    ]


def test_no_notice_once_compliant_r17(table: Any, outbox: Outbox) -> None:
    load_rows(
        table, [member_row("M1", certified_on="2023-03-15", cycle_points="30")], date(2025, 9, 1)
    )
    run_days(table, outbox, date(2025, 9, 14), date(2025, 9, 16))
    assert outbox.emails == [] and outbox.letters == []


def test_compliant_cycle_rolls_over_the_day_after_its_end_r16(table: Any, outbox: Outbox) -> None:
    load_rows(
        table, [member_row("M1", certified_on="2023-03-15", cycle_points="30")], date(2026, 3, 1)
    )
    reports = run_days(table, outbox, date(2026, 3, 14), date(2026, 3, 16))
    assert [r["rolled_over"] for r in reports] == [0, 1, 0]
    cycles = load_member(table, "M1").certifications[0].cycles
    assert [(str(c.start), str(c.advanced_on)) for c in cycles] == [
        ("2023-03-15", "2026-03-15"),
        ("2026-03-15", "None"),
    ]
    pool = table.query(IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq("ROLLOVER#2026"))
    assert [i["GSI3SK"] for i in pool["Items"]] == ["2026-03-15#RMA-M1"]


def test_non_compliant_mandatory_cycle_lapses_and_the_next_cycle_is_written_r21(
    table: Any, outbox: Outbox
) -> None:
    load_rows(
        table, [member_row("M1", certified_on="2023-03-15", cycle_points="10")], date(2026, 3, 1)
    )
    report = run(table, outbox, date(2026, 3, 15))
    assert (report["rolled_over"], report["lapsed_for_points"], report["next_cycles_written"]) == (
        0,
        1,
        1,
    )
    cycles = load_member(table, "M1").certifications[0].cycles
    assert [c.advanced_on for c in cycles] == [None, None]
    assert str(cycles[1].start) == "2026-03-15"


def test_a_day_run_twice_changes_nothing(table: Any, outbox: Outbox) -> None:
    load_rows(
        table, [member_row("M1", certified_on="2023-03-15", cycle_points="30")], date(2026, 3, 1)
    )
    first = run(table, outbox, date(2026, 3, 15))
    again = run(table, outbox, date(2026, 3, 15))
    assert first["rolled_over"] == 1
    assert (again["rolled_over"], again["next_cycles_written"]) == (0, 0)


def test_three_years_unmet_records_recertification_required_r22(table: Any, outbox: Outbox) -> None:
    load_rows(
        table, [member_row("M1", certified_on="2020-03-15", cycle_points="0")], date(2023, 3, 1)
    )
    run(table, outbox, date(2023, 3, 15))  # cycle 2020-03-15..2023-03-14 ends short -> lapsed
    run(table, outbox, date(2026, 3, 15))  # 3 years after its end
    cert = load_member(table, "M1").certifications[0].certification
    assert cert.recertification_required_since == date(2026, 3, 14)


@pytest.mark.parametrize(
    ("last_run", "today", "expected"),
    [
        (None, date(2026, 3, 15), date(2026, 3, 9)),  # first run: a week back
        (date(2026, 3, 14), date(2026, 3, 15), date(2026, 3, 15)),  # the usual day
        (date(2026, 3, 11), date(2026, 3, 15), date(2026, 3, 12)),  # missed days caught up
        (date(2026, 1, 1), date(2026, 3, 15), date(2026, 3, 9)),  # at most a week back
        (date(2026, 3, 15), date(2026, 3, 15), date(2026, 3, 16)),  # done already: nothing
    ],
)
def test_a_run_covers_the_days_since_the_last_completed_run(last_run, today, expected) -> None:
    from staycertified.lifecycle.sweep import first_day_to_cover

    assert first_day_to_cover(last_run, today) == expected


def test_missed_days_are_caught_up_and_a_notice_day_is_read_once_r17(
    table: Any, outbox: Outbox
) -> None:
    load_rows(
        table, [member_row("M1", certified_on="2023-03-15", cycle_points="12")], date(2025, 9, 1)
    )
    # The 7-day notice is due 2026-03-07; the sweep is down from the 6th to the 9th.
    run(table, outbox, date(2026, 3, 5))
    run(table, outbox, date(2026, 3, 10))
    run_days(table, outbox, date(2026, 3, 11), date(2026, 3, 13))

    assert [letter["key"].rsplit("/", 1)[1] for letter in outbox.letters] == ["CCP_7"]
    assert len(outbox.emails) == 1


def test_r43_the_day_s_letters_are_in_one_print_house_manifest(
    table: Any, outbox: Outbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    import boto3

    from staycertified.notify.manifest import day_manifest_key, read_manifest

    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="mail")
    monkeypatch.setenv("MAIL_BUCKET", "mail")
    load_rows(
        table, [member_row("M1", certified_on="2023-03-15", cycle_points="12")], date(2025, 9, 1)
    )
    day = date(2025, 9, 15)  # 180 days before the cycle ends: CCP_180 by email and letter
    report = run(table, outbox, day)
    assert report["manifest_key"] == day_manifest_key(day.isoformat())
    [row] = read_manifest(s3, "mail", report["manifest_key"])
    assert row.letter_key == f"letters/{outbox.letters[0]['key']}.pdf"
    assert (
        row.kind == "CCP_NOTICE" and row.address_lines[0] == outbox.letters[0]["address_lines"][0]
    )
