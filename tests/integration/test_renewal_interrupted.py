"""R5 under a killed process: a renewal batch dies part-way, and every notice still goes.

A Lambda timeout or an out-of-memory kills the send function mid-batch: no
handler, no cleanup runs after it. The fault is injected into the letter
transport (`notify.mailroom.post_letter`), once per test, at one of two moments:

- **after the k-th letter**: the k-th letter is stored and the next message is
  about to go (the kill hits the next send);
- **between send and mark**: the k-th letter is stored, its `SENT` mark is not.

The function answers like a timed-out Lambda (`Sandbox.Timedout`). Then the
month is run again (a fresh manual start, after the claims' lease). Every
notice was delivered, at most one message twice (the one in flight when the
process died), every letter is in a print-house manifest, and the run reports
count what was resent (`resentAfterInterruption`).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from staycertified_sandbox import Sandbox
from staycertified_sandbox.template import load_template

from .renewal_support import renewal_emails, rerun_month, row, run_report

MEMBERS = [row(f"K{n:03d}", f"RMA-8{n:05d}", "RMA", f"2023-02-{n + 1:02d}") for n in range(12)]
KILL_AFTER_LETTER = 6
LEASE_SECONDS = 1


class Killed(BaseException):
    """The process is gone: nothing in the function catches it or cleans up after it."""


@contextmanager
def killed_once(at_letter: int, *, between_send_and_mark: bool) -> Iterator[Counter[str]]:
    """Kill the send function once, at the `at_letter`-th letter; count every letter put
    (the key ``"kills"`` counts the processes that died)."""
    import staycertified.notify.mailroom as mailroom
    from staycertified_sandbox import runtime

    puts: Counter[str] = Counter()
    state = {"letters": 0, "dead": False, "done": False}
    original_post, original_call = mailroom.post_letter, runtime._call_handler

    def post_letter(**letter: Any) -> str:
        if state["dead"]:
            raise Killed
        key = original_post(**letter)
        puts[key] += 1
        state["letters"] += 1
        if not state["done"] and state["letters"] == at_letter:
            state["done"] = True
            if between_send_and_mark:
                die()
            state["kill_next"] = True
        return key

    def die() -> None:
        state["dead"] = True
        raise Killed

    def call_handler(spec: Any, event: Any, request_id: str, record: Any) -> tuple[str, bool]:
        try:
            return original_call(spec, event, request_id, record)
        except Killed:
            state["dead"] = False
            puts["kills"] += 1
            record.error_type = "Sandbox.Timedout"
            timed_out = {"errorType": "Sandbox.Timedout", "errorMessage": "Task timed out"}
            return json.dumps(timed_out), True

    with _no_cleanup_when_dead(state), _kill_next_send(state, die):
        mailroom.post_letter = post_letter  # type: ignore[assignment]
        runtime._call_handler = call_handler  # type: ignore[assignment]
        try:
            yield puts
        finally:
            mailroom.post_letter = original_post  # type: ignore[assignment]
            runtime._call_handler = original_call  # type: ignore[assignment]


@contextmanager
def _kill_next_send(state: dict[str, Any], die: Any) -> Iterator[None]:
    """After the k-th letter: the next SES send is where the process dies."""
    import staycertified.notify.email as email

    original = email._sesv2

    class Client:
        def __init__(self, real: Any) -> None:
            self.real = real

        def send_email(self, **request: Any) -> Any:
            if state.pop("kill_next", False):
                die()
            return self.real.send_email(**request)

    email._sesv2 = lambda: Client(original())  # type: ignore[assignment]
    try:
        yield
    finally:
        email._sesv2 = original


@contextmanager
def _no_cleanup_when_dead(state: dict[str, Any]) -> Iterator[None]:
    """A dead process writes nothing more (the pipeline's final flush included)."""
    try:
        from staycertified.notify.ledger import Ledger
    except ImportError:  # before the notice pipeline existed: nothing to hold back
        yield
        return
    original = Ledger.flush

    def flush(self: Any) -> None:
        if not state["dead"]:
            original(self)

    Ledger.flush = flush  # type: ignore[method-assign]
    try:
        yield
    finally:
        Ledger.flush = original  # type: ignore[method-assign]


def sandbox_parameters() -> dict[str, str]:
    template = Path(__file__).resolve().parents[2] / "template.yaml"
    parameters = load_template(template)["Parameters"]
    return {"NoticeLeaseSeconds": str(LEASE_SECONDS)} if "NoticeLeaseSeconds" in parameters else {}


def manifest_keys(sb: Sandbox, run_id: str) -> set[str]:
    try:
        body = sb.client("s3").get_object(
            Bucket=sb.env("MAIL_BUCKET"), Key=f"runs/{run_id}/manifest.csv"
        )
    except sb.client("s3").exceptions.NoSuchKey:
        return set()
    lines = body["Body"].read().decode().splitlines()[1:]
    return {line.split(",")[0] for line in lines}


def run_month_killed(between_send_and_mark: bool) -> dict[str, Any]:
    with Sandbox(start=date(2026, 1, 1), parameters=sandbox_parameters()) as sb:
        assert not sb.load_members(MEMBERS).errors
        with killed_once(
            KILL_AFTER_LETTER, between_send_and_mark=between_send_and_mark
        ) as letter_puts:
            sb.advance_to(date(2026, 1, 2))
            sb.wait_for_executions()
            time.sleep(LEASE_SECONDS + 0.5)  # the dead run's claims are past their lease
            answer = rerun_month(sb, "2026-01", "again")
        assert answer["status"] == "STARTED"
        runs = ("renewals-2026-01", "renewals-2026-01-again")
        return {
            "emails": renewal_emails(sb),
            "letter_puts": letter_puts,
            "manifests": set().union(*(manifest_keys(sb, run) for run in runs)),
            "resent": sum(_report(sb, run).get("resentAfterInterruption", 0) for run in runs),
            "reports": [_report(sb, run) for run in runs],
        }


def _report(sb: Sandbox, run_id: str) -> dict[str, Any]:
    try:
        return run_report(sb, run_id)
    except Exception:
        return {}


@pytest.mark.parametrize(
    "between_send_and_mark", [False, True], ids=["after-kth-letter", "between-send-and-mark"]
)
def test_r5_a_batch_killed_part_way_then_run_again_delivers_every_notice_with_at_most_one_duplicate(
    between_send_and_mark: bool,
) -> None:
    seen = run_month_killed(between_send_and_mark)

    emails, letters = seen["emails"], seen["letter_puts"]
    assert letters.pop("kills") == 1  # the process really died, once
    expected = {(f"{m['member_id'].lower()}@example.com", "RENEWAL_NOTICE") for m in MEMBERS}
    assert set(emails) == expected  # every email delivered
    assert len(letters) == len(MEMBERS)  # every letter delivered
    duplicates = sum(n - 1 for n in emails.values()) + sum(n - 1 for n in letters.values())
    assert duplicates <= 1  # one killed process: at most the message in flight
    assert set(letters) <= seen["manifests"]  # every letter in a print-house manifest
    assert seen["resent"] >= duplicates and seen["resent"] >= 1  # the report says so
