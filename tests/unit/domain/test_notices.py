"""R3-R5, R17: renewal steps per run month, send-time re-check, CCP notices."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from staycertified.domain.model import (
    Channel,
    Cycle,
    InvoiceStatus,
    Member,
    NoticeKey,
    PostalAddress,
)
from staycertified.domain.notices import ccp_notice_due, deliveries, renewal_steps_due, still_due
from staycertified.policy import Policy

from .builders import cert, invoice

D = date


def steps(c, year: int, month: int, policy: Policy) -> list[tuple[int, str]]:  # type: ignore[no-untyped-def]
    return [(p.membership_year, p.step) for p in renewal_steps_due(c, year, month, policy)]


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2024, 4, [(2024, "RENEWAL_NOTICE")]),
        (2024, 5, [(2024, "REMINDER")]),
        (2024, 6, [(2024, "PAST_DUE")]),
        (2024, 7, []),
        (2024, 3, []),
    ],
)
def test_r4_cadence_offsets_from_the_due_month(
    policy: Policy, year: int, month: int, expected
) -> None:  # type: ignore[no-untyped-def]
    assert steps(cert(D(2022, 5, 17)), year, month, policy) == expected


@pytest.mark.parametrize(
    ("year", "month", "expected"),
    [
        (2025, 11, [(2025, "RENEWAL_NOTICE")]),
        (2025, 12, [(2025, "REMINDER")]),
        (2026, 1, [(2025, "PAST_DUE")]),
        (2025, 1, [(2024, "PAST_DUE")]),
    ],
)
def test_r4_december_anniversary_crosses_the_year_boundary(
    policy: Policy, year: int, month: int, expected
) -> None:  # type: ignore[no-untyped-def]
    assert steps(cert(D(2020, 12, 31)), year, month, policy) == expected


def test_r39_29_february_anniversary_is_due_in_february_every_year(policy: Policy) -> None:
    c = cert(D(2020, 2, 29))
    assert steps(c, 2023, 1, policy) == [(2023, "RENEWAL_NOTICE")]
    reminder = renewal_steps_due(c, 2023, 2, policy)
    assert [(p.step, p.due_date) for p in reminder] == [("REMINDER", D(2023, 2, 28))]
    assert renewal_steps_due(c, 2024, 2, policy)[0].due_date == D(2024, 2, 29)


def test_r3_no_notice_for_the_year_the_certification_covers(policy: Policy) -> None:
    c = cert(D(2022, 5, 17))
    assert steps(c, 2022, 4, policy) == []
    assert steps(c, 2022, 6, policy) == []
    assert steps(c, 2023, 4, policy) == [(2023, "RENEWAL_NOTICE")]


def test_r4_r5_channels_and_one_key_per_channel(policy: Policy) -> None:
    (notice,) = renewal_steps_due(cert(D(2022, 5, 17)), 2024, 4, policy)
    assert notice.channels == (Channel.EMAIL, Channel.MAIL)
    assert notice.keys() == [
        NoticeKey(
            certificate_number="C-1", period="2024", step="RENEWAL_NOTICE", channel=Channel.EMAIL
        ),
        NoticeKey(
            certificate_number="C-1", period="2024", step="RENEWAL_NOTICE", channel=Channel.MAIL
        ),
    ]
    assert {"R4", "R5"} <= set(notice.rules)


def test_r4_step_is_skipped_when_paid_at_send_time(policy: Policy) -> None:
    (notice,) = renewal_steps_due(cert(D(2022, 5, 17)), 2024, 5, policy)
    assert still_due(notice, None)
    assert still_due(notice, invoice(2024, D(2024, 5, 31)))
    assert not still_due(notice, invoice(2024, D(2024, 5, 31), paid_at=D(2024, 5, 2)))
    assert not still_due(notice, invoice(2024, D(2024, 5, 31), status=InvoiceStatus.VOID))
    assert still_due(notice, invoice(2023, D(2023, 5, 31), paid_at=D(2023, 5, 2)))


ADDRESS = PostalAddress(line1="1 Main St", city="Chicago", state="IL", postal_code="60601")


@pytest.mark.parametrize(
    ("email", "address", "expected"),
    [
        ("a@example.org", ADDRESS, [(Channel.EMAIL, True, None), (Channel.MAIL, True, None)]),
        (
            "a@example.org",
            None,
            [(Channel.EMAIL, True, None), (Channel.MAIL, False, "POSTAL_ADDRESS_MISSING")],
        ),
        (
            None,
            ADDRESS,
            [(Channel.EMAIL, False, "EMAIL_ADDRESS_MISSING"), (Channel.MAIL, True, None)],
        ),
    ],
)
def test_r4_missing_address_still_sends_the_other_channel(email, address, expected) -> None:  # type: ignore[no-untyped-def]
    member = Member(member_id="M-1", first_name="A", last_name="B", email=email, address=address)
    result = deliveries(member, [Channel.EMAIL, Channel.MAIL])
    assert [(d.channel, d.deliver, d.note) for d in result] == expected


CYCLE = Cycle(
    certificate_number="C-1", start=D(2019, 5, 17), end=D(2022, 5, 16), points_required=Decimal(30)
)


END = D(2022, 5, 16)


@pytest.mark.parametrize(
    ("days_before", "step"),
    [
        (181, None),
        (180, "CCP_180"),
        (91, "CCP_180"),
        (90, "CCP_90"),
        (30, "CCP_30"),
        (7, "CCP_7"),
        (0, "CCP_7"),  # the cycle's last day
        (-1, None),  # the cycle has ended
    ],
)
def test_r17_ccp_notice_at_policy_offsets_before_the_end(
    policy: Policy, days_before: int, step: str | None
) -> None:
    today = END - timedelta(days=days_before)
    notice = ccp_notice_due(CYCLE, True, False, Decimal(12), today, policy)
    assert (notice.key.step if notice else None) == step
    if notice:
        assert notice.key.period == "2022-05-16"
        assert notice.points_outstanding == 12
        assert notice.send_on == END - timedelta(days=notice.days_before_end) <= today


def test_r17_no_ccp_notice_once_compliant_or_voluntary(policy: Policy) -> None:
    today = D(2022, 5, 9)
    assert ccp_notice_due(CYCLE, True, True, Decimal(0), today, policy) is None
    assert ccp_notice_due(CYCLE, False, False, Decimal(5), today, policy) is None


def test_r17_outstanding_points_never_below_zero(policy: Policy) -> None:
    notice = ccp_notice_due(CYCLE, True, False, Decimal(-3), D(2022, 5, 9), policy)
    assert notice is not None and notice.points_outstanding == 0
    assert notice.days_before_end == 7 and notice.send_on == D(2022, 5, 9)
