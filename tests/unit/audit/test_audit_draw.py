"""R25, R26: the year's draw is stored once and reused; one case per selected certification."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from staycertified.audits.draw import DrawInput, run_draw
from staycertified.store import audit_draws
from staycertified.store.members import load_member

from .conftest import World

RUN = DrawInput(runId="audit-2026", asOf=date(2026, 1, 2))


def draw(world: World, run: DrawInput = RUN, seed: str = "seed-one") -> dict[str, Any]:
    return run_draw(
        run,
        table=world.table,
        s3=world.s3,
        mail_bucket="mail",
        policy=world.policy,
        new_seed=lambda _bytes: seed,
    )


def test_r25_pool_is_mandatory_certifications_rolled_over_last_year(world: World) -> None:
    world.certified("A1")
    world.certified("A2")
    world.certified("OLD", certified_on=date(1998, 6, 10))  # R8: voluntary, never in the pool
    world.certified("B1", certified_on=date(2021, 3, 1), advanced_on=date(2024, 3, 1))
    world.certified("C1", advanced_on=None)  # ended, never rolled over

    result = draw(world)

    assert world.json("audits/2026/draw.json")["pool"] == ["RMA-A1", "RMA-A2"]
    assert result["poolSize"] == 2
    assert result["selectedCount"] == 1  # R25: 5 % of 2, at least 1


def test_r25_pool_is_read_without_a_scan(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    world.certified("A1")

    def no_scan(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("Scan on the audit path")

    monkeypatch.setattr(type(world.table), "scan", no_scan, raising=False)
    monkeypatch.setattr(type(world.table.meta.client), "scan", no_scan, raising=False)

    assert draw(world)["poolSize"] == 1


def test_r25_draw_is_stored_with_seed_pool_and_selection(world: World) -> None:
    for i in range(30):
        world.certified(f"A{i:02d}")

    result = draw(world, seed="abc123")

    stored = audit_draws.get_draw(world.table, 2026)
    assert stored is not None
    assert (stored.seed, stored.pool_size, stored.selected_count) == ("abc123", 30, 2)
    assert stored.draw_object == "audits/2026/draw.json" == result["drawKey"]
    body = world.json("audits/2026/draw.json")
    assert body["seed"] == "abc123" and body["rate"] == "0.05" and len(body["pool"]) == 30
    assert len(body["selected"]) == 2
    assert {s["memberId"] for s in body["selected"]} <= {f"A{i:02d}" for i in range(30)}


def test_r25_a_second_run_of_the_year_reuses_the_stored_draw(world: World) -> None:
    for i in range(40):
        world.certified(f"A{i:02d}")
    first = draw(world, seed="first-seed")
    chosen = _cases(world)
    world.certified("LATE")  # the pool as read now differs: the stored draw wins

    second = draw(world, DrawInput(runId="audit-2026-again", asOf=date(2026, 1, 9)), "other")

    assert (first["drawReused"], second["drawReused"]) == (False, True)
    assert second["seed"] == "first-seed" and second["poolSize"] == 40
    assert _cases(world) == chosen and len(chosen) == 2
    assert second["casesOpened"] == 0 and second["casesExisting"] == 2


def _cases(world: World) -> list[tuple[str, str, str]]:
    return [
        (item["memberId"], item["caseId"], item["respondBy"])
        for item in world.json("audits/2026/selected.json")
    ]


def test_r25_the_same_seed_selects_the_same_certifications_again(world: World) -> None:
    for i in range(40):
        world.certified(f"A{i:02d}")
    draw(world, seed="s1")
    selection = [s["certificateNumber"] for s in world.json("audits/2026/draw.json")["selected"]]
    world.table.delete_item(Key=audit_draws.draw_key(2026))  # as if the item were lost

    draw(world, seed="s1")

    again = [s["certificateNumber"] for s in world.json("audits/2026/draw.json")["selected"]]
    assert again == selection


def test_r26_one_open_case_per_selected_certification_covering_the_ended_cycle(
    world: World,
) -> None:
    world.certified("A1")

    result = draw(world)

    [item] = world.json("audits/2026/selected.json")
    assert item["caseId"] == "AUD-2026-RMA-A1" and item["memberId"] == "A1"
    record = load_member(world.table, "A1")
    assert record is not None
    [case] = record.certifications[0].audit_cases
    assert (case.cycle_start, case.cycle_end) == (date(2022, 6, 10), date(2025, 6, 9))
    assert case.respond_by == date(2026, 3, 3)  # R26: 60 days
    assert case.reminder_on == date(2026, 2, 17)  # 14 days before
    assert case.is_open and result["casesOpened"] == 1


def test_r26_a_second_run_keeps_the_first_cases_dates(world: World) -> None:
    world.certified("A1")
    draw(world)

    draw(world, DrawInput(runId="audit-2026-b", asOf=date(2026, 1, 20)))

    record = load_member(world.table, "A1")
    assert record is not None
    [case] = record.certifications[0].audit_cases
    assert case.opened_on == date(2026, 1, 2)
    assert world.json("audits/2026/selected.json")[0]["respondBy"] == "2026-03-03"


def test_r25_empty_pool_selects_nobody(world: World) -> None:
    world.certified("B1", certified_on=date(2021, 3, 1), advanced_on=date(2024, 3, 1))

    result = draw(world)

    assert (result["poolSize"], result["selectedCount"], result["casesOpened"]) == (0, 0, 0)
    assert world.json("audits/2026/selected.json") == []
