"""R1, R2, R14 (first versioned rule), R35: the policy file and its loader."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from staycertified.domain.errors import DomainError
from staycertified.domain.model import Category, Channel, Unit
from staycertified.domain.policy import RecertRoute
from staycertified.policy import PolicyError, load_policy
from staycertified.policy.loader import BUNDLED_POLICY

POLICY = load_policy()
DAY = date(2026, 6, 1)

CATALOGUE = [
    ("RMA", 30, "50"),
    ("CMAS", 30, "50"),
    ("RDA", 30, "50"),
    ("CMLA", 30, "50"),
    ("AHI", 30, "30"),
    ("RPT", 24, "50"),
    ("MT", 45, "90"),
    ("MLT", 45, "90"),
    ("CLC", 45, "90"),
]


@pytest.mark.parametrize(("code", "points", "fee"), CATALOGUE)
def test_r1_catalogue_points_and_fee_per_type(code: str, points: int, fee: str) -> None:
    assert POLICY.points_required(code, DAY) == Decimal(points)
    assert POLICY.annual_fee(code, DAY) == Decimal(fee)


def test_r1_mdt_has_points_but_fee_not_configured() -> None:
    assert POLICY.points_required("MDT", DAY) == 36
    with pytest.raises(DomainError) as caught:
        POLICY.annual_fee("MDT", DAY)
    assert (caught.value.code, caught.value.rule) == ("FEE_NOT_CONFIGURED", "R1")


def test_r1_unknown_type_is_unknown_certification() -> None:
    with pytest.raises(DomainError) as caught:
        POLICY.points_required("XYZ", DAY)
    assert caught.value.code == "UNKNOWN_CERTIFICATION"


def test_r29_recertification_fee_per_type_and_route() -> None:
    assert POLICY.recertification_fee("RMA", RecertRoute.CCP, DAY) > 0
    assert POLICY.recertification_fee("MT", RecertRoute.EXAM, DAY) > 0


@pytest.mark.parametrize(
    ("day", "cutoff"),
    [(date(2020, 12, 31), None), (date(2021, 1, 1), date(2020, 12, 31))],
)
def test_r2_r14_employment_cutoff_is_versioned_from_2021(day: date, cutoff: date | None) -> None:
    assert POLICY.ccp.employment_eligible_until.at(day) == cutoff


def test_r4_default_cadence_and_grace() -> None:
    steps = POLICY.renewal.cadence.at(DAY)
    assert [(s.step, s.offset_months, s.channels) for s in steps] == [
        ("RENEWAL_NOTICE", -1, (Channel.EMAIL, Channel.MAIL)),
        ("REMINDER", 0, (Channel.EMAIL,)),
        ("PAST_DUE", 1, (Channel.EMAIL, Channel.MAIL)),
    ]
    assert POLICY.renewal.grace_days.at(DAY) == 0
    assert POLICY.renewal.due_day.at(DAY) == "LAST_DAY_OF_ANNIVERSARY_MONTH"


def test_r11_default_rates_rounding_and_no_caps() -> None:
    rates = {c: POLICY.category_rule(c).rates.at(DAY) for c in Category}
    assert rates[Category.PROFESSIONAL_EDUCATION] == {Unit.CONTACT_HOUR: 1, Unit.CEU: 10}
    assert rates[Category.FORMAL_EDUCATION] == {Unit.SEMESTER_CREDIT: 15, Unit.QUARTER_CREDIT: 10}
    assert rates[Category.EMPLOYMENT] == {Unit.YEAR: 4}
    assert rates[Category.AUTHORSHIP] == {Unit.ITEM: 5}
    assert rates[Category.INSTRUCTIONAL_PRESENTATION] == {Unit.HOUR: 2}
    assert rates[Category.ORGANIZATIONAL_PARTICIPATION] == {Unit.YEAR: 2}
    assert all(POLICY.category_rule(c).cap_per_cycle.at(DAY) is None for c in Category)
    assert POLICY.ccp.quantity_step.at(DAY) == Decimal("0.25")
    assert POLICY.ccp.notice_offsets_days.at(DAY) == (180, 90, 30, 7)


def test_r25_r26_audit_and_r29_r31_recert_defaults() -> None:
    audit = POLICY.audit
    assert audit.draw_on.at(DAY).month == 1
    assert (audit.rate.at(DAY), audit.minimum.at(DAY)) == (Decimal("0.05"), 1)
    assert (audit.notice_by.at(DAY).month, audit.notice_by.at(DAY).day) == (1, 15)
    assert (audit.response_days.at(DAY), audit.reminder_days_before.at(DAY)) == (60, 14)
    assert POLICY.recertification.window_years.at(DAY) == 3
    assert POLICY.recertification.application_valid_years.at(DAY) == 1


def test_r34_route_d_is_off_by_default() -> None:
    routes = {r.route: r.enabled for r in POLICY.eligibility["RMA"].at(DAY).routes}
    assert routes == {"A": True, "B": True, "C": True, "D": False}


def test_r2_every_versioned_value_is_strictly_increasing_in_date() -> None:
    values = list(POLICY.versioned_values())
    assert len(values) > 50
    for path, versioned in values:
        days = [v.effective_from for v in versioned.root]
        assert days == sorted(set(days)), path


def test_r2_value_before_its_first_version_is_not_in_force() -> None:
    with pytest.raises(DomainError) as caught:
        POLICY.annual_fee("RMA", date(1899, 12, 31))
    assert caught.value.code == "POLICY_NOT_IN_FORCE"


def _write(tmp_path: Path, mutate) -> Path:  # type: ignore[no-untyped-def]
    raw = json.loads(BUNDLED_POLICY.read_text())
    mutate(raw)
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(raw))
    return path


def test_r2_loader_refuses_versions_out_of_order(tmp_path: Path) -> None:
    def add_older(raw: dict) -> None:  # type: ignore[type-arg]
        raw["catalogue"]["RMA"]["annual_fee"].append({"effective_from": "1800-01-01", "value": "1"})

    with pytest.raises(PolicyError, match="strictly increasing"):
        load_policy(_write(tmp_path, add_older))


def test_r2_a_later_version_applies_from_its_date_only(tmp_path: Path) -> None:
    def raise_fee(raw: dict) -> None:  # type: ignore[type-arg]
        raw["catalogue"]["RMA"]["annual_fee"].append(
            {"effective_from": "2027-01-01", "value": "60"}
        )

    policy = load_policy(_write(tmp_path, raise_fee))
    assert policy.annual_fee("RMA", date(2026, 12, 31)) == 50
    assert policy.annual_fee("RMA", date(2027, 1, 1)) == 60


def test_loader_reports_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(PolicyError, match="not found"):
        load_policy(tmp_path / "nope.json")
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    with pytest.raises(PolicyError, match="not valid JSON"):
        load_policy(broken)


def test_loader_requires_every_category(tmp_path: Path) -> None:
    def drop(raw: dict) -> None:  # type: ignore[type-arg]
        del raw["ccp"]["categories"]["AUTHORSHIP"]

    with pytest.raises(PolicyError, match="AUTHORSHIP"):
        load_policy(_write(tmp_path, drop))


def test_policy_path_env_var_overrides_bundled_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def rename(raw: dict) -> None:  # type: ignore[type-arg]
        raw["policy_id"] = "override"

    monkeypatch.setenv("POLICY_PATH", str(_write(tmp_path, rename)))
    assert load_policy().policy_id == "override"
    monkeypatch.delenv("POLICY_PATH")
    assert load_policy().policy_id == "stay-certified"


def test_load_policy_is_cached() -> None:
    assert load_policy() is load_policy()


def test_r2_a_value_needs_at_least_one_version(tmp_path: Path) -> None:
    def empty(raw: dict) -> None:  # type: ignore[type-arg]
        raw["renewal"]["grace_days"] = []

    with pytest.raises(PolicyError, match="at least one version"):
        load_policy(_write(tmp_path, empty))


def test_r29_missing_recertification_fee_is_not_configured(tmp_path: Path) -> None:
    def drop(raw: dict) -> None:  # type: ignore[type-arg]
        del raw["catalogue"]["RMA"]["recertification_fee"]["EXAM"]

    policy = load_policy(_write(tmp_path, drop))
    with pytest.raises(DomainError) as caught:
        policy.recertification_fee("RMA", RecertRoute.EXAM, DAY)
    assert (caught.value.code, caught.value.rule) == ("FEE_NOT_CONFIGURED", "R29")
