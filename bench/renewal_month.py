"""Benchmark: one renewal month of N certifications (a realistic mix) in the sandbox, against a baseline.

    python -m bench.renewal_month [--certifications 10000] [--planning 100000]

Both runs share one process and one moto, and the same mix: every
certification type of the policy in turn; a third of them due for the
renewal notice (email + letter, February anniversary), a third for the
reminder (email, January anniversary, invoice open), a third past due
(email + letter, December anniversary, invoice open); one member in ten has
no postal address (the email still goes, R4).

- **system**: the January run; the schedule fires, the state machine plans,
  fans out and summarises, exactly as deployed;
- **baseline**: N other certifications of the same mix, processed by a plain
  loop making only the calls that cannot be avoided per notice: read the
  certification (GetItem), write the invoice (PutItem) or read it (GetItem),
  send the email (SES), write the letter (S3 PutObject) where the step has
  one and the member an address. It renders the same email and PDF letter and
  sends them through the same adapters, so the comparison is of the AWS work
  and the orchestration, not of rendering.
- **planning only**: M certifications (default 100,000, same mix) are planned
  (the plan function, no sends) and the largest state payload is printed: the
  plan's output, the largest Map item (one batch), the largest iteration
  result (a batch's `BatchOutcome`, of its worst case) and the Map's output
  (ResultWriter details); Step Functions' limit is 256 KiB.

AWS calls are counted with a botocore `before-call` hook on every client
(retries of one call are one call), only inside Lambda handlers for the
system run (the sandbox's own polling is not the system's work).
Targets: calls per certification <= 1.2 x baseline, wall time <= 1.5 x.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

CALLS: Counter[str] = Counter()
HANDLER_SECONDS: Counter[str] = Counter()  # inside the handler, lock waits excluded
_state = threading.local()
_counting = {"all": False}


def _count(event_name: str, **_: Any) -> None:
    if _counting["all"] or getattr(_state, "in_handler", False):
        CALLS[event_name.removeprefix("before-call.")] += 1


def install_counter() -> None:
    """A `before-call` hook on every client created from now on (all sessions)."""
    import boto3
    import botocore.handlers

    if ("before-call", _count) not in botocore.handlers.BUILTIN_HANDLERS:
        botocore.handlers.BUILTIN_HANDLERS.append(("before-call", _count))
    if boto3.DEFAULT_SESSION is not None:  # a session made before (another benchmark)
        boto3.DEFAULT_SESSION._session.register("before-call", _count)
    # Clients cached by an earlier benchmark in this process would not carry the hook
    # (staycertified.aws builds every client the code uses).
    from staycertified import aws

    aws.reset()


def _count_handlers() -> None:
    """Count only what the Lambda handlers call (wraps the sandbox's in-process runtime)."""
    from staycertified_sandbox import runtime

    original = runtime._call_handler

    def call(spec: Any, *args: Any, **kwargs: Any) -> Any:
        _state.in_handler = True
        started = time.perf_counter()
        try:
            return original(spec, *args, **kwargs)
        finally:
            _state.in_handler = False
            HANDLER_SECONDS[spec.logical_id] += time.perf_counter() - started

    runtime._call_handler = call


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Handlers log JSON lines to stdout; a benchmark prints figures only."""
    import logging

    saved = sys.stdout
    sys.stdout = io.StringIO()
    logging.disable(logging.CRITICAL)
    try:
        yield
    finally:
        sys.stdout = saved
        logging.disable(logging.NOTSET)


def _gentle_polling(seconds: float = 0.25) -> None:
    """The sandbox waits for executions by polling Step Functions every 20 ms from the
    main thread; each poll lists and describes executions in moto and competes with the
    handlers for the GIL (~30% of the run). AWS has no such poller: poll every 250 ms."""
    import types

    from staycertified_sandbox import sandbox

    real = sandbox.time
    sandbox.time = types.SimpleNamespace(  # type: ignore[assignment]
        sleep=lambda s: real.sleep(max(s, seconds)),
        monotonic=real.monotonic,
        perf_counter=real.perf_counter,
        time=real.time,
    )


RENEWAL_SCHEDULE = "StartRunFunctionMonthlyRenewalRun"
STEPS = (  # (step, anniversary month, membership year, letter?) for the January 2026 run
    ("RENEWAL_NOTICE", 2, 2026, True),
    ("REMINDER", 1, 2026, False),
    ("PAST_DUE", 12, 2025, True),
)


def _types() -> list[str]:
    """Every certification type of the policy that has an annual fee (the others are
    never invoiced)."""
    from staycertified.domain.errors import DomainError
    from staycertified.policy import load_policy

    policy = load_policy()
    invoiced = []
    for kind in sorted(policy.catalogue):
        try:
            policy.annual_fee(kind, date(2025, 12, 1))
            policy.annual_fee(kind, date(2026, 1, 1))
        except DomainError:
            continue
        invoiced.append(kind)
    return invoiced


BASELINE_MONTHS = {2: 8, 1: 7, 12: 6}  # the baseline's own: anniversaries January never plans


def _seed(
    sb: Any, count: int, prefix: str, *, baseline: bool = False
) -> list[tuple[Any, Any, str, int, bool]]:
    """`count` certifications of the mix; (member, certification, step, year, letter).
    The baseline's are of anniversary months the January run does not touch."""
    from staycertified.domain.invoicing import due_date, make_invoice
    from staycertified.domain.model import Certification, Member, PostalAddress
    from staycertified.policy import load_policy
    from staycertified.store.invoices import invoice_item
    from staycertified.store.members import certification_item, member_item

    policy = load_policy()
    types = _types()
    planned = []
    with sb.table.batch_writer() as writer:
        for n in range(count):
            step, month, year, letter = STEPS[n % len(STEPS)]
            if baseline:
                month, year = BASELINE_MONTHS[month], 2026
            member_id = f"{prefix}{n:06d}"
            address = None
            if n % 10 != 9:  # one in ten without a postal address
                address = PostalAddress(
                    line1=f"{n} Elm St", city="Springfield", state="IL", postal_code="62701"
                )
            member = Member(
                member_id=member_id,
                first_name="Pat",
                last_name=f"Bench{n}",
                email=f"{member_id.lower()}@example.com",
                address=address,
            )
            kind = types[(n // len(STEPS)) % len(types)]
            cert = Certification(
                member_id=member_id,
                certificate_number=f"{kind}-{prefix}{n:06d}",
                type=kind,
                certified_on=date(2023, month, 1 + n % 28),
                paid_through=date(year, month, 1),
            )
            cert = cert.model_copy(update={"paid_through": due_date(cert, year)})
            writer.put_item(Item=member_item(member))
            writer.put_item(Item=certification_item(cert, member.last_name))
            if step != "RENEWAL_NOTICE":  # the notice month's run opened the invoice
                invoice_day = date(year, month, 1)
                writer.put_item(Item=invoice_item(make_invoice(cert, year, invoice_day, policy)))
            planned.append((member, cert, step, year, letter and address is not None))
    return planned


def baseline(sb: Any, planned: list[Any]) -> float:
    """The unavoidable calls per notice, one by one, with plain boto3."""
    import boto3
    from boto3.dynamodb.conditions import Key

    from staycertified import config
    from staycertified.domain import invoicing
    from staycertified.domain.invoicing import make_invoice
    from staycertified.domain.model import Invoice
    from staycertified.notify.catalogue import notice_kind
    from staycertified.notify.email import send_email
    from staycertified.notify.letters import render_letter
    from staycertified.notify.mailroom import post_letter
    from staycertified.notify.render import render_email, render_letter_body
    from staycertified.policy import load_policy
    from staycertified.renewals.send import money
    from staycertified.store import keys
    from staycertified.store.invoices import invoice_item
    from staycertified.store.table import from_item

    policy = load_policy()
    ddb = boto3.resource("dynamodb", region_name=sb.region).Table(sb.env("TABLE_NAME"))
    sender = sb.env("SENDER_EMAIL")
    os.environ["MAIL_BUCKET"] = sb.env("MAIL_BUCKET")
    for name in config.PROFILE_VARIABLES:
        os.environ[name] = sb.env(name)
    as_of = date(2026, 1, 1)
    org = config.organisation()
    started = time.perf_counter()
    _counting["all"] = True
    try:
        for member, cert, step, year, letter in planned:
            kind = notice_kind(step)
            pk = keys.member_pk(member.member_id)
            ddb.get_item(Key={"PK": pk, "SK": keys.cert_sk(cert.certificate_number)})
            invoice = make_invoice(cert, year, as_of, policy)
            if step == "RENEWAL_NOTICE":
                ddb.put_item(Item=invoice_item(invoice))
            unpaid = [invoice]
            if invoicing.effective_paid_through(cert) < invoicing.due_date(cert, year):
                # R4: a certification that may owe older years lists every unpaid
                # invoice (one Query of its invoices, as the system makes).
                found = ddb.query(
                    KeyConditionExpression=Key("PK").eq(pk)
                    & Key("SK").begins_with(f"{keys.cert_prefix(cert.certificate_number)}INV#")
                )["Items"]
                older = [i for i in found if i.get("status") == "OPEN"]
                older = [i for i in older if i.get("invoice_id") != invoice.invoice_id]
                unpaid = [*(from_item(Invoice, i) for i in older), invoice]
            elif step != "RENEWAL_NOTICE":
                ddb.get_item(Key={"PK": pk, "SK": keys.invoice_sk(cert.certificate_number, year)})
            values = {
                "first_name": member.first_name,
                "certification_name": policy.certification_type(cert.type).name,
                "certificate_number": cert.certificate_number,
                "membership_year": str(year),
                "invoice_id": invoice.invoice_id,
                "amount": money(invoice.amount),
                "currency": "USD",
                "due_date": str(invoice.due_date),
                "pay_url": org.pay_link(invoice.invoice_id),
                "older_unpaid": len(unpaid) > 1,
                "unpaid_invoices": [
                    {
                        "invoice_id": i.invoice_id,
                        "membership_year": str(i.membership_year),
                        "amount": money(i.amount),
                        "due_date": str(i.due_date),
                    }
                    for i in unpaid
                ],
                "total_owed": money(sum((i.amount for i in unpaid), Decimal(0))),
            }
            context = {**values, "org": org}
            email = render_email(kind, context)
            send_email(
                to=str(member.email),
                subject=email.subject,
                text=email.text,
                html=email.html,
                kind=step,
                sender=sender,
            )
            if not letter:
                continue
            assert member.address is not None
            body = render_letter_body(kind, context)
            rendered = render_letter(
                title=body.title,
                address_lines=member.address.lines(member.full_name),
                letter_date=str(as_of),
                blocks=body.blocks,
                return_address=org.postal_lines,
                creator=org.name,
            )
            post_letter(
                address_lines=member.address.lines(member.full_name),
                kind=step,
                pdf=rendered.pdf,
                key=f"baseline/{cert.certificate_number}/{step}",
            )
    finally:
        _counting["all"] = False
    return time.perf_counter() - started


def planning_only(certifications: int, out: Any) -> int:
    """Plans `certifications` of the mix (no sends); prints and returns the largest payload."""
    import json

    from staycertified.renewals.model import BatchOutcome, BatchResult, Tally
    from staycertified_sandbox import Sandbox

    with _quiet(), Sandbox(start=date(2025, 12, 31)) as sb:
        _seed(sb, certifications, "P")
        started = time.perf_counter()
        answer = sb.client("lambda").invoke(
            FunctionName=sb.functions["RenewalPlanFunction"].name,
            Payload=json.dumps(
                {"runId": "plan-only", "runMonth": "2026-01", "asOf": "2026-01-01"}
            ).encode(),
        )
        plan_seconds = time.perf_counter() - started
        plan = json.loads(answer["Payload"].read())
        body = sb.client("s3").get_object(Bucket=sb.env("MAIL_BUCKET"), Key=plan["batchesKey"])
        batches = json.loads(body["Body"].read())
        bucket = sb.env("MAIL_BUCKET")
    types = _types()
    worst = BatchResult(  # every step x channel x type x outcome counted: the largest result
        run_id="plan-only",
        batch_no=len(batches),
        certifications=100,
        invoices_created=100,
        tallies=tuple(
            Tally(step=s, channel=c, certification_type=t, outcome=o, count=100)
            for s, *_ in STEPS
            for c in ("EMAIL", "MAIL")
            for t in types
            for o in ("SENT", "ALREADY_SENT", "UNDELIVERABLE", "SKIPPED_PAID", "FAILED")
        ),
        failures={"SEND_FAILED": 1, "MEMBER_NOT_FOUND": 1, "FEE_NOT_CONFIGURED": 1},
        part_key="runs/plan-only/parts/batch-99999.json",
    )
    map_output = {  # the ResultWriter's details, the Map state's whole result
        "MapRunArn": "arn:aws:states:us-east-1:123456789012:mapRun:x-renewal-notices/"
        + "SendBatches:"
        + "0" * 36,
        "ResultWriterDetails": {"Bucket": bucket, "Key": "map-runs/" + "0" * 60},
    }
    sizes = {
        "plan output": len(json.dumps(plan)),
        "largest Map item (one batch)": max(len(json.dumps(b)) for b in batches),
        "iteration result (worst case)": len(BatchOutcome.of(worst).model_dump_json(by_alias=True)),
        "Map output (ResultWriter)": len(json.dumps(map_output)),
    }
    largest = max(sizes.values())
    print(
        f"planning only: {certifications} certifications, {plan['counts']['certifications']} "
        f"notices planned in {plan['batches']} batches ({plan_seconds:.1f} s)",
        file=out,
    )
    for name, size in sizes.items():
        print(f"  {name}: {size / 1024:.1f} KiB", file=out)
    print(
        f"  largest state payload: {largest / 1024:.1f} KiB of 256 KiB "
        f"({largest / (256 * 1024):.0%})",
        file=out,
    )
    return largest


def run(
    certifications: int = int(os.environ.get("BENCH_RENEWALS", 10_000)),
    out: Any = None,
    planning: int = int(os.environ.get("BENCH_PLANNING", 100_000)),
) -> dict[str, float]:
    out = out or sys.stdout
    if not certifications:  # planning only
        return {"largest_payload_bytes": float(planning_only(planning, out))} if planning else {}
    install_counter()
    from staycertified_sandbox import Sandbox

    _count_handlers()
    _gentle_polling()
    with _quiet(), Sandbox(start=date(2026, 1, 1)) as sb:
        _seed(sb, certifications, "S")
        base_planned = _seed(sb, certifications, "B", baseline=True)
        # a month of 10,000 takes minutes on a shared machine: wait as long as it runs
        sb.wait_for_executions = functools.partial(type(sb).wait_for_executions, sb, 7200.0)
        CALLS.clear()
        HANDLER_SECONDS.clear()
        # The renewal month alone: the sweep, the audit draw and the other schedules of
        # January 1st are other work (and would read the baseline's certifications too).
        every_schedule = sb.schedules
        sb.schedules = [s for s in every_schedule if s.logical_id == RENEWAL_SCHEDULE]
        started = time.perf_counter()
        try:
            sb.advance_to(date(2026, 1, 1))
        finally:
            sb.schedules = every_schedule
        system_seconds = time.perf_counter() - started
        system_calls = Counter(CALLS)
        handler_seconds = Counter(HANDLER_SECONDS)
        [execution] = [e for e in sb.executions() if e.name == "renewals-2026-01"]
        CALLS.clear()
        baseline_seconds = baseline(sb, base_planned)
        baseline_calls = Counter(CALLS)
    summary = execution.output or {}
    sent = summary.get("outcomes", {}).get("SENT", 0)
    figures = {
        "certifications": float(certifications),
        "system_calls_per_cert": sum(system_calls.values()) / certifications,
        "baseline_calls_per_cert": sum(baseline_calls.values()) / certifications,
        "system_seconds": system_seconds,
        "baseline_seconds": baseline_seconds,
    }
    figures["calls_ratio"] = figures["system_calls_per_cert"] / figures["baseline_calls_per_cert"]
    figures["time_ratio"] = system_seconds / baseline_seconds
    report = summary.get("reportKey")
    print(
        f"renewal month: {certifications} certifications of every type "
        f"(renewal notices, reminders, past due; 1 in 10 without a postal address)",
        file=out,
    )
    print(
        f"  execution {execution.status}, notices sent {sent}, letters {summary.get('letters')}",
        file=out,
    )
    print(
        f"  AWS calls per certification: system {figures['system_calls_per_cert']:.3f}, "
        f"baseline {figures['baseline_calls_per_cert']:.3f}, "
        f"ratio {figures['calls_ratio']:.2f}x (target <= 1.2x)",
        file=out,
    )
    print(
        f"  wall time: system {system_seconds:.1f} s, baseline {baseline_seconds:.1f} s, "
        f"ratio {figures['time_ratio']:.2f}x (target <= 1.5x)",
        file=out,
    )
    spent = ", ".join(f"{name} {seconds:.1f} s" for name, seconds in handler_seconds.most_common())
    print(f"  time in handlers: {spent}", file=out)
    top = ", ".join(f"{name} {count}" for name, count in system_calls.most_common(8))
    print(f"  system calls by operation: {top}", file=out)
    print(f"  report: {report}", file=out)
    if planning:
        figures["largest_payload_bytes"] = float(planning_only(planning, out))
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--certifications", type=int, default=int(os.environ.get("BENCH_RENEWALS", 10_000))
    )
    parser.add_argument(
        "--planning", type=int, default=int(os.environ.get("BENCH_PLANNING", 100_000))
    )
    args = parser.parse_args(argv)
    run(args.certifications, planning=args.planning)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
