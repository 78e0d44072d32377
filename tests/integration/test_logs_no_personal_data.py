"""Every log line of a scenario run is free of personal data (STYLE §8): no email
address, postal address or member name, whatever the path (API, errors,
verification, provider CE, uploads, daily sweeps with CCP notices, renewal runs)."""

from __future__ import annotations

import logging
from datetime import date
from typing import Any

import pytest

from staycertified_sandbox import Sandbox

from .scenario_support import education, row

MEMBERS = [
    row(
        "LOGA",
        "2023-02-21",
        first_name="Philippa",
        last_name="Wrightsonby",
        email="philippa.wrightsonby@mailbox.example.net",
        address_line1="4187 Marigold Terrace",
        city="Quillfeather",
        cycle_points=5,
    ),
    row(
        "LOGB",
        "2022-02-10",
        first_name="Ignatius",
        last_name="Bramblecote",
        email="ignatius.b@mailbox.example.net",
        address_line1="92 Harrowgate Close",
        city="Pennyworth Falls",
        paid_through="2024-02-29",
    ),
]
PERSONAL = [
    "philippa",
    "wrightsonby",
    "ignatius",
    "bramblecote",
    "@mailbox.example.net",
    "marigold terrace",
    "harrowgate close",
    "quillfeather",
    "pennyworth",
]


class Everything(logging.Handler):
    """Keeps every record, formatted with all its attributes (extra fields included)."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(f"{record.getMessage()} {record.__dict__!r}")


@pytest.fixture
def everything() -> Any:
    handler = Everything()
    loggers = [logging.getLogger(), logging.getLogger("staycertified")]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def test_no_personal_data_in_any_log_line(
    capfd: pytest.CaptureFixture[str], everything: Everything
) -> None:
    with Sandbox(start=date(2026, 1, 1)) as sb:
        assert sb.load_members(MEMBERS).errors == []
        sb.api("GET", "/members/LOGA/status", as_member="LOGA")
        sb.api("GET", "/members/LOGA/status", as_member="LOGB")  # not theirs
        sb.api("POST", "/members/LOGA/activities", education("2026-01-01", 2), as_member="LOGA")
        sb.api("POST", "/members/LOGA/activities", {"category": "Wrightsonby"}, as_member="LOGA")
        sb.api(
            "POST",
            "/members/LOGA/attestations",
            {"signedBy": "Philippa Wrightsonby"},
            as_member="LOGA",
        )
        sb.api("GET", "/verify/RMA-LOGA", query={"lastName": "Wrightsonby"})
        sb.api("GET", "/verify/RMA-LOGA", query={"lastName": "Bramblecote"})
        email = "philippa.wrightsonby@mailbox.example.net"
        sb.api("GET", "/benefits/ce-discount", query={"email": email}, as_platform=True)  # R41
        sb.api(
            "GET",
            "/benefits/ce-discount",
            query={"email": email, "certificateNumber": "RMA-LOGA"},
            as_platform=True,
        )
        sb.put_event(
            "staycertified.learning",
            "CourseCompleted",
            {
                "completionId": "LOG-1",
                "memberId": "LOGA",
                "courseId": "C",
                "title": "t",
                "contactHours": 1,
                "completedOn": "2026-01-01",
            },
        )
        sb.put_document("uploads/LOGA/NOCASE/Philippa Wrightsonby CV.pdf", b"%PDF")
        sb.advance_to(date(2026, 3, 2))  # CCP notices (30 and 7 days), renewal runs, rollover
        sent = [e for e in sb.emails if any("mailbox.example.net" in t for t in e.to)]
        letters = sb.letters
        failures = sb.failures
    captured = capfd.readouterr()
    assert failures == []
    assert any(e.kind == "CCP_NOTICE" for e in sent)  # the notices did go out...
    assert letters
    text = "\n".join([captured.out, captured.err, *everything.lines]).casefold()
    assert text.strip(), "nothing was captured: the test would prove nothing"
    leaked = [word for word in PERSONAL if word in text]
    assert leaked == [], leaked  # ...and nothing personal reached a log line
