"""The member import (`staycertified import FILE`, `Sandbox.load_members`)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from staycertified.store.importer import (
    import_members,
    paid_through_in_good_standing,
    read_csv,
)
from staycertified.store.members import find_certification, load_member
from staycertified_sandbox import moto_fixes

SAMPLE = Path(__file__).parents[3] / "data" / "sample_members.csv"
IMPORT_DAY = date(2026, 1, 1)


def row(**overrides: str) -> dict[str, str]:
    base = {
        "member_id": "M1", "first_name": "Rosa", "last_name": "Diaz",
        "email": "rosa@example.com", "address_line1": "1 Main St", "address_line2": "",
        "city": "Chicago", "state": "IL", "postal_code": "60601", "country": "US",
        "certification_type": "RMA", "certificate_number": "RMA-1",
        "certified_on": "2022-05-17", "recertified_on": "", "paid_through": "",
        "cycle_points": "",
    }  # fmt: skip
    return {**base, **overrides}


@pytest.fixture
def table(ddb_tables):
    # the sandbox's speed corrections of moto: moto deep-copies every table on each
    # TransactWriteItems, and the import writes each row in one (about 15 minutes for
    # the sample base without them)
    with moto_fixes.corrections():
        yield ddb_tables["Table"]


@pytest.mark.parametrize(
    ("anchor", "today", "expected"),
    [
        # R3/R7: May anniversary, on 2026-01-01 the 2025 fee (due May 2025) is paid -> May 2026.
        (date(2022, 5, 17), date(2026, 1, 1), date(2026, 5, 31)),
        # Certified last November: first fee due November 2026, so covered through then.
        (date(2025, 11, 3), date(2026, 1, 1), date(2026, 11, 30)),
        # The due month itself has not ended on its first day.
        (date(2020, 1, 15), date(2026, 1, 1), date(2026, 1, 31)),
        (date(2020, 1, 15), date(2026, 2, 1), date(2027, 1, 31)),
        # R39: a 29 February anniversary falls in February every year.
        (date(2024, 2, 29), date(2026, 3, 1), date(2027, 2, 28)),
        # December anniversary across the year boundary.
        (date(2019, 12, 31), date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_r3_r7_without_paid_through_the_member_is_in_good_standing(anchor, today, expected):
    assert paid_through_in_good_standing(anchor, today) == expected


def test_import_writes_profile_certification_cycle_and_points(table):
    report = import_members([row(cycle_points="12")], table=table, today=IMPORT_DAY)

    assert report.imported == 1 and report.errors == []
    record = load_member(table, "M1")
    assert record is not None
    assert record.member.address is not None and record.member.address.city == "Chicago"
    cert = record.certification("RMA-1")
    assert cert is not None
    assert cert.certification.paid_through == date(2026, 5, 31)
    # R9: the current cycle on 2026-01-01 started 2025-05-17.
    current = [c for c in cert.cycles if c.start == date(2025, 5, 17)]
    assert current and current[0].end == date(2028, 5, 16)
    assert current[0].points_required == Decimal(30)
    assert [a.points for a in cert.activities] == [Decimal(12)]


def test_r16_previous_cycle_is_stored_as_rolled_over_when_its_fees_were_paid(table):
    import_members([row()], table=table, today=IMPORT_DAY)

    cert = load_member(table, "M1").certification("RMA-1")  # type: ignore[union-attr]
    previous = [c for c in cert.cycles if c.start == date(2022, 5, 17)]  # type: ignore[union-attr]
    assert previous and previous[0].advanced_on == date(2025, 5, 17)


def test_r16_previous_cycle_rolled_over_when_its_last_fee_was_paid(table):
    # The last fee due inside 2022-05-17..2025-05-16 is May 2024's; paying it covers May 2025.
    import_members([row(paid_through="2025-05-31")], table=table, today=IMPORT_DAY)

    cert = load_member(table, "M1").certification("RMA-1")  # type: ignore[union-attr]
    assert date(2022, 5, 17) in [c.start for c in cert.cycles]  # type: ignore[union-attr]


def test_r16_previous_cycle_with_unpaid_fees_did_not_roll_over(table):
    # Paid through May 2024: the fee due May 2024, inside the cycle, is unpaid.
    import_members([row(paid_through="2024-05-31")], table=table, today=IMPORT_DAY)

    cert = load_member(table, "M1").certification("RMA-1")  # type: ignore[union-attr]
    previous = [c for c in cert.cycles if c.start == date(2022, 5, 17)]  # type: ignore[union-attr]
    assert previous[0].advanced_on is None
    # Its points were the previous system's business: settled, not a new obligation.
    assert previous[0].points_settled_on == IMPORT_DAY


def test_missing_address_imports_the_member_without_one(table):
    import_members([row(address_line1="", city="", postal_code="")], table=table, today=IMPORT_DAY)

    record = load_member(table, "M1")
    assert record is not None and record.member.address is None


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"certification_type": "XYZ"}, "UNKNOWN_CERTIFICATION"),  # R1
        ({"certified_on": "not-a-date"}, "INVALID_ROW"),
        ({"member_id": ""}, "INVALID_ROW"),
        ({"email": "no-at-sign"}, "INVALID_ROW"),
        ({"cycle_points": "-3"}, "INVALID_ROW"),
        ({"certified_on": "2026-06-01"}, "INVALID_DATES"),
    ],
)
def test_r1_bad_rows_are_reported_with_their_file_line_and_nothing_of_them_is_written(
    table, overrides, code
):
    report = import_members([row(**overrides)], table=table, today=IMPORT_DAY)

    assert report.imported == 0
    assert [(e.line, e.code) for e in report.errors] == [(2, code)]  # line 1 is the header
    assert load_member(table, overrides.get("member_id") or "M1") is None


def test_certification_is_found_by_number_with_the_last_name_for_r38(table):
    import_members([row()], table=table, today=IMPORT_DAY)

    found = find_certification(table, "RMA-1")
    assert found is not None and found[1] == "Diaz"
    assert find_certification(table, "RMA-2") is None


def test_sample_member_base_imports_cleanly(table):
    report = import_members(read_csv(SAMPLE), table=table, today=IMPORT_DAY)

    assert report.errors == []
    assert report.imported > 400
    assert report.members > 400


def test_r9_every_cycle_since_the_anchor_is_written_and_settled_history_keeps_standing(table):
    from staycertified.domain.standing import evaluate_standing
    from staycertified.policy import load_policy

    import_members(
        [row(certified_on="2013-12-31", certificate_number="RMA-9")], table=table, today=IMPORT_DAY
    )

    cert = load_member(table, "M1").certification("RMA-9")  # type: ignore[union-attr]
    starts = sorted(c.start for c in cert.cycles)  # type: ignore[union-attr]
    assert starts == [
        date(2013, 12, 31),
        date(2016, 12, 31),
        date(2019, 12, 31),
        date(2022, 12, 31),
        date(2025, 12, 31),
    ]
    decision = evaluate_standing(cert, IMPORT_DAY, load_policy())  # type: ignore[arg-type]
    assert decision.status == "ACTIVE", decision.reasons


def test_r21_unpaid_fee_years_get_open_invoices_the_member_can_pay(table):
    # Paid through May 2024: the fee of 2024 (due 2024-05-31) and of 2025 are owed.
    import_members([row(paid_through="2024-05-31")], table=table, today=IMPORT_DAY)

    cert = load_member(table, "M1").certification("RMA-1")  # type: ignore[union-attr]
    invoices = sorted(cert.invoices, key=lambda i: i.membership_year)  # type: ignore[union-attr]
    assert [(i.invoice_id, i.status, i.amount, i.due_date) for i in invoices] == [
        ("INV-RMA-1-2024", "OPEN", Decimal(50), date(2024, 5, 31)),
        ("INV-RMA-1-2025", "OPEN", Decimal(50), date(2025, 5, 31)),
    ]


def test_r1_no_invoice_for_a_type_without_a_fee(table):
    import_members(
        [row(certification_type="MDT", certificate_number="MDT-1", paid_through="2024-05-31")],
        table=table,
        today=IMPORT_DAY,
    )

    cert = load_member(table, "M1").certification("MDT-1")  # type: ignore[union-attr]
    assert cert.invoices == ()  # type: ignore[union-attr]


def test_members_in_good_standing_owe_no_invoice(table):
    import_members([row()], table=table, today=IMPORT_DAY)

    assert load_member(table, "M1").certification("RMA-1").invoices == ()  # type: ignore[union-attr]


def test_r7_importer_refuses_paid_through_before_the_certification_date_with_its_line(table):
    report = import_members(
        [row(), row(member_id="M2", certificate_number="RMA-2", paid_through="2021-05-31")],
        table=table,
        today=IMPORT_DAY,
    )
    assert [(e.line, e.code) for e in report.errors] == [(3, "PAID_THROUGH_BEFORE_CERTIFICATION")]
    assert report.imported == 1
    assert find_certification(table, "RMA-2") is None


def test_r38_importer_refuses_a_certificate_number_shared_by_two_member_ids(table):
    report = import_members(
        [row(), row(member_id="M2", first_name="Other")], table=table, today=IMPORT_DAY
    )
    assert [(e.line, e.code) for e in report.errors] == [
        (2, "CERTIFICATE_NUMBER_SHARED"),
        (3, "CERTIFICATE_NUMBER_SHARED"),
    ]
    assert report.imported == 0 and find_certification(table, "RMA-1") is None


def test_r4_importer_warns_about_a_member_with_neither_email_nor_address(table):
    no_contact = row(email="", address_line1="", city="", postal_code="")
    report = import_members([no_contact], table=table, today=IMPORT_DAY)
    assert report.imported == 1 and report.errors == []
    assert [(w.line, w.code) for w in report.warnings] == [(2, "NO_CONTACT")]


def _events(ddb_tables) -> dict[str, str]:
    """Outbox events by certificate number (CertificationActivated)."""
    items = ddb_tables["OutboxTable"].scan()["Items"]
    return {str(i["certificate_number"]): str(i["detail_type"]) for i in items}


def test_r36_an_import_that_dies_midway_leaves_no_active_certification_without_its_event(
    ddb_tables, monkeypatch
):
    """Given the import killed while writing the third row, every certification it wrote
    ACTIVE has its CertificationActivated event (same transaction as its items)."""
    from staycertified.store import importer

    table = ddb_tables["Table"]
    real = importer.items_for_row
    calls = {"n": 0}

    def dies_on_the_third_row(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("the import process was killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(importer, "items_for_row", dies_on_the_third_row)
    rows = [row(member_id=f"K{n}", certificate_number=f"RMA-K{n}") for n in range(4)]
    with pytest.raises(RuntimeError):
        import_members(rows, table=table, today=IMPORT_DAY, outbox_table=ddb_tables["OutboxTable"])
    written = {n for n in ("RMA-K0", "RMA-K1") if find_certification(table, n) is not None}
    assert written == {"RMA-K0", "RMA-K1"}
    assert _events(ddb_tables) == {n: "CertificationActivated" for n in written}


def test_r36_a_reimport_writes_the_rows_again_and_keeps_the_events(ddb_tables):
    table, box = ddb_tables["Table"], ddb_tables["OutboxTable"]
    rows = [row(member_id=f"R{n}", certificate_number=f"RMA-R{n}") for n in range(2)]
    first = import_members(rows, table=table, today=IMPORT_DAY, outbox_table=box)
    again = import_members(rows, table=table, today=IMPORT_DAY, outbox_table=box)
    assert (first.imported, first.activations) == (again.imported, again.activations) == (2, 2)
    assert not again.errors
    assert len(box.scan()["Items"]) == 2
