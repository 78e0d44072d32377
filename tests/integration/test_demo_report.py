"""The demo's report (issue 9, defect 10): every figure says what it counts, the start
of the year is the baseline, the same `--seed` prints the same figures, and the outbox
holds only the last run.

The demo runs twice in this process (January 2026, a small member base with a member
holding two certifications, an MDT certification whose fee the policy leaves unset
(R1), a member with neither email nor address (R4), a lapsed one), same seed, same
outbox folder; a third run with another seed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from staycertified_sandbox import demo

from .scenario_support import row

ROWS = [
    row("DM01", "2022-02-10"),
    row("DM02", "2019-02-14", certification_type="MT", certificate_number="MT-DM02"),
    row("DM02", "2021-02-03", certificate_number="RMA-DM02"),  # two certifications
    row("DM03", "2020-02-20", certification_type="MDT", certificate_number="MDT-DM03"),
    row("DM04", "2021-06-15", paid_through="2025-06-30"),  # LAPSED: 2025 unpaid
    row("DM05", "2022-03-01", email="", address_line1="", city="", postal_code=""),
    row("DM06", "2022-02-25", cycle_points=40),
]
WALL_TIME = re.compile(r"^.*(wall time|Deployed the template|Outbox).*$", re.MULTILINE)


def _csv(tmp: Path) -> Path:
    path = tmp / "members.csv"
    header = list(ROWS[0])
    lines = [",".join(header)] + [",".join(r[h] for h in header) for r in ROWS]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _run(members: Path, outbox: Path, seed: int) -> str:
    args = argparse.Namespace(
        members=members, outbox=outbox, start=date(2026, 1, 1), end=date(2026, 1, 31), seed=seed
    )
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert demo.run(args) == 0
    return printed.getvalue()


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, object]]:
    tmp = tmp_path_factory.mktemp("demo")
    members, outbox = _csv(tmp), tmp / "outbox"
    first = _run(members, outbox, seed=11)
    first_files = sorted(str(p.relative_to(outbox)) for p in outbox.rglob("*") if p.is_file())
    second = _run(members, outbox, seed=11)
    yield {
        "first": first,
        "second": second,
        "first_files": first_files,
        "files": sorted(p for p in outbox.rglob("*") if p.is_file()),
        "outbox": outbox,
        "other_seed": _run(members, tmp / "other", seed=12),
    }


def _figures(text: object) -> str:
    return WALL_TIME.sub("", str(text))


def _section(text: object, title: str) -> list[str]:
    body = str(text).split(f"== {title}", 1)[1].split("\n== ", 1)[0]
    return [line.strip() for line in body.splitlines()[1:] if line.strip()]


def test_r25_same_seed_same_figures(runs: dict[str, object]) -> None:
    assert _figures(runs["first"]) == _figures(runs["second"])
    assert "seed 11" in str(runs["first"]) and "seed 12" in str(runs["other_seed"])


def test_r5_the_outbox_holds_only_the_last_run(runs: dict[str, object]) -> None:
    files = runs["files"]
    assert isinstance(files, list) and files
    emails = [f for f in files if f.suffix == ".eml"]
    sent = _section(runs["second"], "Emails sent (SES messages), by notice kind")
    assert len(emails) == sum(int(line.split()[-2]) for line in sent)
    relative = sorted(str(f.relative_to(runs["outbox"])) for f in files)  # type: ignore[arg-type]
    assert relative == runs["first_files"]  # the same files, not twice as many


def test_r37_members_and_certifications_are_counted_apart(runs: dict[str, object]) -> None:
    [line] = [x for x in _section(runs["first"], "Run") if x.startswith("in the file")]
    assert "7 certification rows of 6 members" in line
    assert "import warning NO_CONTACT: 1 rows" in str(runs["first"])


def test_r20_start_of_year_baseline_beside_the_end(runs: dict[str, object]) -> None:
    title = "Certifications by status and CCP duty (R20-R22, R8): start of year -> end"
    lines = _section(runs["first"], title)
    assert "2026-01-01" in lines[0] and "2026-01-31" in lines[0]
    [lapsed] = [x for x in lines if x.startswith("LAPSED")]
    assert lapsed.split()[-2] == "1"  # at the start; the member may pay in January
    [total] = [x for x in lines if x.startswith("total certifications")]
    assert total.split()[-2:] == ["7", "7"]


def test_r22_reasons_count_certifications(runs: dict[str, object]) -> None:
    title = "Certifications by status and CCP duty (R20-R22, R8): start of year -> end"
    lines = _section(runs["first"], title)
    assert "certifications with each reason (one certification may have several):" in lines
    [fee] = [x for x in lines if x.startswith("R21 FEE_UNPAID")]
    assert fee.split()[-2] == "1"  # one certification at the start, however many reasons


def test_r17_ccp_notices_say_their_outcome(runs: dict[str, object]) -> None:
    lines = _section(
        runs["first"], "CCP compliance notices (R17): notices by step, channel and outcome"
    )
    assert lines and all(
        re.search(r" (sent|undeliverable|pending) +\d+ notices$", x) for x in lines
    )


def test_r1_fee_failures_say_what_they_count_and_what_staff_do(runs: dict[str, object]) -> None:
    lines = _section(runs["first"], "Renewal runs (R3-R5): notices by step, channel and outcome")
    text = "\n".join(lines)
    assert re.search(r"FEE_NOT_CONFIGURED +\d+ planned notices", text), text
    assert "MDT (1 certifications in the base)" in text
    assert "set the fee in the policy" in text
    assert "every notice-channel the runs handled, by outcome:" in text


def test_r11_imported_points_are_not_called_staff_activities(runs: dict[str, object]) -> None:
    lines = _section(runs["first"], "CCP points on record (R10-R14), by who recorded them")
    assert any(x.startswith("carried over at import (previous records system)") for x in lines)
    assert not any(x.startswith("STAFF") for x in lines)


def test_r16_imported_rollovers_are_imported_history(runs: dict[str, object]) -> None:
    title = "Cycle rollovers (R16; the audit pool of the next January, R25), by year"
    lines = _section(runs["first"], title)
    assert lines and all(
        x.startswith(("imported history, ", "during the demo, ")) and x.endswith(" cycles")
        for x in lines
    ), lines


def test_progress_lines_print_no_raw_dicts(runs: dict[str, object]) -> None:
    progress = [x for x in str(runs["first"]).splitlines() if x.startswith("2026-01-31")]
    assert progress and "{" not in progress[0] and "executions" in progress[0]
