"""One source for the body's time zone (issue 8 item 3, R39): the template's
`TimeZone` parameter, reaching every function as BODY_TIME_ZONE through the
Globals and every schedule as its ScheduleExpressionTimezone. Nothing else may
name a zone, so changing the parameter cannot split the system."""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import Any

import pytest

from staycertified_sandbox.template import load_template

ROOT = Path(__file__).resolve().parents[2]
CODE = [ROOT / "shared" / "staycertified", ROOT / "functions"]
ZONE_LITERAL = re.compile(
    r"[\"'](?:Africa|America|Asia|Atlantic|Australia|Europe|Pacific|US)/[A-Za-z_]+[\"']"
)


def _code_files() -> list[Path]:
    return [p for folder in CODE for p in folder.rglob("*") if p.suffix in {".py", ".json"}]


def test_r39_only_the_settings_module_reads_the_zone_variable() -> None:
    readers = [p.relative_to(ROOT) for p in _code_files() if "BODY_TIME_ZONE" in p.read_text()]
    assert readers == [Path("shared/staycertified/config.py")]


def test_r39_no_code_or_policy_names_a_zone_of_its_own() -> None:
    named = {
        str(p.relative_to(ROOT)): ZONE_LITERAL.findall(p.read_text())
        for p in _code_files()
        if ZONE_LITERAL.search(p.read_text())
    }
    assert named == {}


def test_r39_every_function_and_every_schedule_gets_the_template_zone() -> None:
    template = load_template(ROOT / "template.yaml")
    globals_env = template["Globals"]["Function"]["Environment"]["Variables"]
    assert globals_env["BODY_TIME_ZONE"] == {"Ref": "TimeZone"}
    zones: list[Any] = []
    for name, resource in template["Resources"].items():
        properties = resource.get("Properties", {})
        own = (properties.get("Environment") or {}).get("Variables", {})
        assert "BODY_TIME_ZONE" not in own, f"{name} overrides the body's zone"
        for event in (properties.get("Events") or {}).values():
            if event.get("Type") in {"Schedule", "ScheduleV2"}:
                zones.append((name, event["Properties"].get("ScheduleExpressionTimezone")))
        if resource["Type"] == "AWS::Scheduler::Schedule":
            zones.append((name, properties.get("ScheduleExpressionTimezone")))
    assert zones, "the template has schedules"
    assert [z for z in zones if z[1] != {"Ref": "TimeZone"}] == []


@pytest.mark.parametrize(
    ("zone", "month"), [("America/Chicago", "2026-12"), ("Pacific/Kiritimati", "2027-01")]
)
def test_r39_the_start_run_function_dates_its_run_in_the_template_zone(
    monkeypatch: pytest.MonkeyPatch, zone: str, month: str
) -> None:
    monkeypatch.setenv("TABLE_NAME", "unused")
    monkeypatch.setenv("BODY_TIME_ZONE", zone)
    monkeypatch.setenv("RENEWAL_STATE_MACHINE_ARN", "arn:sm")
    sys.path.insert(0, str(ROOT / "functions" / "start_run"))
    try:
        import app as start_app  # type: ignore[import-not-found]
    finally:
        sys.path.pop(0)
        sys.modules.pop("app", None)

    class Client:
        def start_execution(self, **kwargs: Any) -> dict[str, str]:
            return {"executionArn": "arn:execution"}

    started = start_app.handle(
        {"workflow": "renewals", "scheduledTime": "2026-12-31T12:00:00Z"}, client=Client()
    )
    assert started["runMonth"] == month
