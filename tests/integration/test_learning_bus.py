"""Finding 4: course completions count only from the learning bus, dated when received."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from staycertified_sandbox import Sandbox

from .scenario_support import row


def completion(completion_id: str, **overrides: object) -> dict[str, object]:
    detail: dict[str, object] = {
        "completionId": completion_id,
        "memberId": "BUSA",
        "courseId": "C",
        "title": "Infection control",
        "contactHours": 2,
        "completedOn": "2026-01-01",
    }
    detail.update(overrides)
    return detail


def provider_results(sb: Sandbox) -> list[object]:
    return [i.result for i in sb.invocations if i.function == "ProviderCeFunction"]


def test_r13_completions_are_taken_from_the_learning_bus_only(sandbox: Sandbox) -> None:
    sandbox.load_members([row("BUSA", "2023-02-21")])
    sandbox.put_event("staycertified.learning", "CourseCompleted", completion("BUS-1"))
    assert provider_results(sandbox)[-1]["status"] == "RECORDED"  # type: ignore[index]
    before = len(provider_results(sandbox))
    sandbox.client("events").put_events(  # anyone in the account, on the default bus
        Entries=[
            {
                "Source": "staycertified.learning",
                "DetailType": "CourseCompleted",
                "Detail": json.dumps(completion("BUS-2", contactHours=500)),
            }
        ]
    )
    assert len(provider_results(sandbox)) == before


def test_r40_a_senders_time_in_the_future_does_not_move_today_finding_4(sandbox: Sandbox) -> None:
    future = datetime(2030, 1, 1, tzinfo=UTC)
    sandbox.put_event(
        "staycertified.learning",
        "CourseCompleted",
        completion("BUS-3", completedOn="2029-12-31"),
        time=future,
    )
    assert provider_results(sandbox)[-1]["status"] == "REJECTED"  # type: ignore[index]


def test_one_completion_over_the_hours_cap_is_refused_finding_4(sandbox: Sandbox) -> None:
    sandbox.put_event(
        "staycertified.learning", "CourseCompleted", completion("BUS-4", contactHours=500)
    )
    assert provider_results(sandbox)[-1]["codes"] == ["COMPLETION_HOURS_OVER_CAP"]  # type: ignore[index]
