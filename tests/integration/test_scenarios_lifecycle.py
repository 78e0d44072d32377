"""Members over simulated months, through the deployed template (sb.api, schedules).

One sandbox, one timeline (2021-02-01 .. 2021-07-06), run once by the `world`
fixture; each test checks what one member went through (R13-R23, R37).

| member    | story                                                                 |
|-----------|-----------------------------------------------------------------------|
| PAYER     | records points, pays, rolls over at the cycle end (R16)               |
| MISSER    | misses points: LAPSED at the end (R21), cured by points dated inside it |
| FEE3Y     | a fee unpaid 3 years: RECERTIFICATION_REQUIRED, paying no longer cures (R22) |
| FEECURED  | same, but pays before 3 years: cured (R21)                            |
| PRE2006   | certified 2003: CCP voluntary, never lapses for points (R8)           |
| TENYEARS  | a fee unpaid 10 years: recertification by exam only (R23)             |
| EMPLOYED  | employment across 2021-01-01 is cut at 2020-12-31 (R14)               |
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from boto3.dynamodb.conditions import Key

from staycertified.domain.invoicing import make_invoice
from staycertified.policy import load_policy
from staycertified.store.invoices import create_invoice_once
from staycertified.store.members import load_member
from staycertified_sandbox import Sandbox

from .scenario_support import certification, education, reason_codes, row

START = date(2021, 2, 1)
ROWS = [
    row("PAYER", "2018-05-10", cycle_points=10),
    row("MISSER", "2018-04-20", cycle_points=0),
    row("FEE3Y", "2015-06-10", paid_through="2018-06-30", cycle_points=30),
    row("FEECURED", "2015-06-10", paid_through="2019-06-30", cycle_points=30),
    row("PRE2006", "2003-04-01", cycle_points=0),
    row("TENYEARS", "2008-09-10", paid_through="2010-09-30"),
    row("EMPLOYED", "2019-06-01"),
]


class World:
    """What happened, recorded at checkpoints, for the tests to read."""

    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.seen: dict[str, Any] = {}

    def status(self, member: str) -> dict[str, Any]:
        code, body = self.sb.api("GET", f"/members/{member}/status", as_member=member)
        assert code == 200, body
        return certification(body)

    def snapshot(self, label: str, member: str) -> None:
        self.seen[label] = self.status(member)

    def issue_invoice(self, member: str, year: int) -> str:
        cert = load_member(self.sb.table, member).certifications[0].certification
        invoice = make_invoice(cert, year, self.sb.today, load_policy())
        create_invoice_once(self.sb.table, invoice)
        return invoice.invoice_id

    def pay(self, invoice_id: str) -> tuple[int, Any]:
        body = {"amount": "50.00", "method": "CHECK", "reference": "test"}
        return self.sb.api("POST", f"/staff/invoices/{invoice_id}/payments", body, as_staff=True)

    def record(self, member: str, body: dict[str, Any]) -> tuple[int, Any]:
        return self.sb.api("POST", f"/members/{member}/activities", body, as_member=member)


def run_timeline(w: World) -> None:
    sb = w.sb
    w.seen["import"] = sb.load_members(ROWS)
    w.snapshot("FEE3Y start", "FEE3Y")
    w.snapshot("TENYEARS start", "TENYEARS")
    # FEECURED pays its 2019 and 2020 fees before 3 years have run (R21)
    w.seen["FEECURED pays"] = [w.pay(w.issue_invoice("FEECURED", y)) for y in (2019, 2020)]
    w.snapshot("FEECURED after paying", "FEECURED")

    sb.advance_to(date(2021, 3, 1))
    w.seen["PAYER records"] = w.record("PAYER", education("2021-02-20", 20))
    w.seen["EMPLOYED cut"] = w.record(
        "EMPLOYED",
        education(
            None,
            2,
            category="EMPLOYMENT",
            unit="YEAR",
            completedOn=None,
            periodStart="2019-06-01",
            periodEnd="2021-02-28",
        ),
    )
    w.seen["EMPLOYED after 2020"] = w.record(
        "EMPLOYED",
        education(
            None,
            1,
            category="EMPLOYMENT",
            unit="YEAR",
            completedOn=None,
            periodStart="2021-01-01",
            periodEnd="2021-02-28",
        ),
    )

    sb.advance_to(date(2021, 4, 5))
    w.seen["MISSER pays"] = w.pay("INV-RMA-MISSER-2021")
    w.snapshot("PRE2006 after its cycle end", "PRE2006")
    w.seen["PAYER pays"] = w.pay("INV-RMA-PAYER-2021")

    sb.advance_to(date(2021, 4, 20))
    w.snapshot("MISSER after its cycle end", "MISSER")

    sb.advance_to(date(2021, 5, 3))
    w.seen["MISSER cures"] = w.record("MISSER", education("2021-04-01", 30))
    w.snapshot("MISSER cured", "MISSER")
    w.seen["MISSER cycles"] = load_member(sb.table, "MISSER").certifications[0].cycles

    sb.advance_to(date(2021, 5, 11))
    w.snapshot("PAYER rolled over", "PAYER")
    w.seen["PAYER cycles"] = load_member(sb.table, "PAYER").certifications[0].cycles
    w.seen["ROLLOVER#2021"] = sb.table.query(
        IndexName="GSI3", KeyConditionExpression=Key("GSI3PK").eq("ROLLOVER#2021")
    )["Items"]

    sb.advance_to(date(2021, 6, 29))
    w.snapshot("FEE3Y before 3 years", "FEE3Y")
    sb.advance_to(date(2021, 7, 2))
    w.snapshot("FEE3Y after 3 years", "FEE3Y")
    w.seen["FEE3Y pays old fees"] = [w.pay(w.issue_invoice("FEE3Y", y)) for y in (2018, 2019, 2020)]
    w.snapshot("FEE3Y after paying", "FEE3Y")
    w.seen["FEE3Y record"] = load_member(sb.table, "FEE3Y").certifications[0].certification
    w.seen["emails"] = sb.emails
    w.seen["letters"] = sb.letters
    w.seen["failures"] = sb.failures


@pytest.fixture(scope="module")
def world() -> Iterator[World]:
    with Sandbox(start=START) as sb:
        w = World(sb)
        run_timeline(w)
        yield w


def ccp_emails(world: World, member: str) -> list[Any]:
    return [
        e
        for e in world.seen["emails"]
        if e.kind == "CCP_NOTICE" and any(member.lower() in t for t in e.to)
    ]


def test_no_handler_failed(world: World) -> None:
    assert world.seen["import"].errors == []
    assert world.seen["failures"] == []


def test_member_who_records_points_and_pays_rolls_over_r16(world: World) -> None:
    code, recorded = world.seen["PAYER records"]
    assert code == 201 and recorded["pointsCounted"] == 20
    assert world.seen["PAYER pays"][0] == 201
    cert = world.seen["PAYER rolled over"]
    assert cert["status"] == "ACTIVE"
    assert (cert["cycle"]["start"], cert["cycle"]["pointsCounted"]) == ("2021-05-10", 0)
    ended = world.seen["PAYER cycles"][0]
    assert (str(ended.end), str(ended.advanced_on)) == ("2021-05-09", "2021-05-10")
    assert "2021-05-10#RMA-PAYER" in [i["GSI3SK"] for i in world.seen["ROLLOVER#2021"]]


def test_ccp_notice_states_the_outstanding_points_once_and_stops_when_compliant_r17(
    world: World,
) -> None:
    # cycle ends 2021-05-09: the 90-day notice (2021-02-08) goes; by the 30-day one it is compliant
    assert [e.subject for e in ccp_emails(world, "PAYER")] == [
        "CCP: 20 points outstanding by 2021-05-09"
    ]


def test_missed_points_lapse_at_the_cycle_end_r21(world: World) -> None:
    cert = world.seen["MISSER after its cycle end"]
    assert cert["status"] == "LAPSED"
    assert ("R21", "CYCLE_NOT_COMPLIANT") in reason_codes(cert)
    assert "RECORD_POINTS" in [a["action"] for a in cert["nextActions"]]
    subjects = [e.subject for e in ccp_emails(world, "MISSER")]
    assert subjects == ["CCP: 30 points outstanding by 2021-04-19"] * 2  # 30 and 7 days before
    ccp_letters = [x for x in world.seen["letters"] if x.kind == "CCP_NOTICE" and "MISSER" in x.key]
    assert len(ccp_letters) == 2


def test_points_dated_inside_the_lapsed_cycle_cure_it_r21(world: World) -> None:
    code, recorded = world.seen["MISSER cures"]
    assert code == 201, recorded
    assert recorded["cycleStart"] == "2018-04-20"
    assert world.seen["MISSER cured"]["status"] == "ACTIVE"
    ended = world.seen["MISSER cycles"][0]
    assert str(ended.advanced_on) == "2021-05-03"  # rolled over on the day it was cured


def test_fee_unpaid_three_years_requires_recertification_and_paying_no_longer_cures_r22(
    world: World,
) -> None:
    assert world.seen["FEE3Y start"]["status"] == "LAPSED"
    assert world.seen["FEE3Y before 3 years"]["status"] == "LAPSED"
    after = world.seen["FEE3Y after 3 years"]
    assert after["status"] == "RECERTIFICATION_REQUIRED"
    assert after["recertification"]["routes"] == ["CCP", "EXAM"]
    # R42: its open invoices became VOID: staff cannot take payment on them.
    assert [(code, body["code"]) for code, body in world.seen["FEE3Y pays old fees"]] == [
        (409, "INVOICE_VOID")
    ] * 3
    assert world.seen["FEE3Y after paying"]["status"] == "RECERTIFICATION_REQUIRED"
    assert str(world.seen["FEE3Y record"].recertification_required_since) == "2021-06-30"


def test_paying_before_three_years_cures_the_lapse_r21(world: World) -> None:
    assert [code for code, _ in world.seen["FEECURED pays"]] == [201, 201]
    assert world.seen["FEECURED after paying"]["status"] == "ACTIVE"


def test_certified_before_2006_never_lapses_for_points_r8(world: World) -> None:
    cert = world.seen["PRE2006 after its cycle end"]
    assert cert["ccp"] == "VOLUNTARY"
    assert cert["status"] == "ACTIVE"
    assert ("R8", "CCP_VOLUNTARY") in reason_codes(cert)
    assert ccp_emails(world, "PRE2006") == []


def test_ten_years_unmet_leaves_only_the_exam_r23(world: World) -> None:
    cert = world.seen["TENYEARS start"]
    assert cert["status"] == "RECERTIFICATION_REQUIRED"
    assert cert["recertification"]["routes"] == ["EXAM"]
    assert ("R23", "RECERT_BY_EXAM_REQUIRED") in reason_codes(cert)


def test_employment_across_2021_is_cut_at_2020_r14(world: World) -> None:
    code, body = world.seen["EMPLOYED cut"]
    assert code == 201, body
    assert (body["quantity"], body["points"]) == (1.5, 6)  # 2019-06..2020-12 = 19 months
    code, body = world.seen["EMPLOYED after 2020"]
    assert code == 422
    assert "EMPLOYMENT_NOT_ELIGIBLE_AFTER_2020" in [e["code"] for e in body["errors"]]
