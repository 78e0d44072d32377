"""Benchmark: one renewal month with N certifications due, in the sandbox, against a baseline.

    python -m bench.renewal_month [--certifications 10000]

Both runs share one process and one moto:

- **system**: N certifications with a February anniversary are due for their
  renewal notice (email + letter) in the January run; the schedule fires, the
  state machine plans, fans out and summarises, exactly as deployed;
- **baseline**: N other certifications, processed by a plain loop making only
  the calls that cannot be avoided per certification: read the certification
  (GetItem), write the invoice (PutItem), send the email (SES), write the
  letter (S3 PutObject). It renders the same email and PDF letter and sends
  them through the same adapters (`notify.email.send_email`,
  `notify.mailroom.post_letter`: one call each), so the comparison is of the
  AWS work and the orchestration, not of rendering.

AWS calls are counted with a botocore `before-call` hook on every client
(retries of one call are one call), only inside Lambda handlers for the
system run (the sandbox's own polling is not the system's work).
Targets: calls per certification <= 1.2 x baseline, wall time <= 1.5 x.
"""

from __future__ import annotations

import argparse
import contextlib
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
    # Clients cached by an earlier benchmark in this process would not carry the hook.
    from staycertified.notify import email, mailroom
    from staycertified.renewals import clients

    clients.reset()
    email._sesv2.cache_clear()
    mailroom._s3.cache_clear()


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


def _seed(sb: Any, count: int, prefix: str, anniversary_month: int) -> list[Any]:
    from staycertified.domain.model import Certification, Member, PostalAddress
    from staycertified.store.members import certification_item, member_item

    certs = []
    with sb.table.batch_writer() as writer:
        for n in range(count):
            member_id = f"{prefix}{n:06d}"
            member = Member(
                member_id=member_id,
                first_name="Pat",
                last_name=f"Bench{n}",
                email=f"{member_id.lower()}@example.com",
                address=PostalAddress(
                    line1=f"{n} Elm St", city="Springfield", state="IL", postal_code="62701"
                ),
            )
            cert = Certification(
                member_id=member_id,
                certificate_number=f"RMA-{prefix}{n:06d}",
                type="RMA",
                certified_on=date(2023, anniversary_month, 1 + n % 28),
                paid_through=date(2026, anniversary_month, 28),
            )
            writer.put_item(Item=member_item(member))
            writer.put_item(Item=certification_item(cert, member.last_name))
            certs.append((member, cert))
    return certs


def baseline(sb: Any, certs: list[Any]) -> float:
    """The unavoidable calls per certification, one by one, with plain boto3."""
    import boto3

    from staycertified import config
    from staycertified.domain.invoicing import make_invoice
    from staycertified.notify.catalogue import notice_kind
    from staycertified.notify.email import send_email
    from staycertified.notify.letters import render_letter
    from staycertified.notify.mailroom import post_letter
    from staycertified.notify.render import render_email, render_letter_body
    from staycertified.policy import load_policy
    from staycertified.store import keys
    from staycertified.store.invoices import invoice_item

    policy = load_policy()
    kind = notice_kind("RENEWAL_NOTICE")
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
        for member, cert in certs:
            ddb.get_item(
                Key={
                    "PK": keys.member_pk(member.member_id),
                    "SK": keys.cert_sk(cert.certificate_number),
                }
            )
            invoice = make_invoice(cert, 2026, as_of, policy)
            ddb.put_item(Item=invoice_item(invoice))
            values = {
                "first_name": member.first_name,
                "certification_name": "Registered Medical Assistant",
                "certificate_number": cert.certificate_number,
                "membership_year": "2026",
                "invoice_id": invoice.invoice_id,
                "amount": f"{invoice.amount.quantize(Decimal('0.01'))}",
                "currency": "USD",
                "due_date": str(invoice.due_date),
                "pay_url": "https://pay.example/" + invoice.invoice_id,
            }
            context = {**values, "org": org}
            email = render_email(kind, context)
            send_email(
                to=str(member.email),
                subject=email.subject,
                text=email.text,
                html=email.html,
                kind="RENEWAL_NOTICE",
                sender=sender,
            )
            assert member.address is not None
            body = render_letter_body(kind, context)
            letter = render_letter(
                title=body.title,
                address_lines=member.address.lines(member.full_name),
                letter_date=str(as_of),
                blocks=body.blocks,
                return_address=org.postal_lines,
                creator=org.name,
            )
            post_letter(
                address_lines=member.address.lines(member.full_name),
                kind="RENEWAL_NOTICE",
                pdf=letter.pdf,
                key=f"baseline/{cert.certificate_number}",
            )
    finally:
        _counting["all"] = False
    return time.perf_counter() - started


def run(certifications: int = 10_000, out: Any = None) -> dict[str, float]:
    out = out or sys.stdout
    install_counter()
    from staycertified_sandbox import Sandbox

    _count_handlers()
    _gentle_polling()
    with _quiet(), Sandbox(start=date(2026, 1, 1)) as sb:
        _seed(sb, certifications, "S", anniversary_month=2)  # due in February: January run
        base_certs = _seed(sb, certifications, "B", anniversary_month=7)  # untouched by January
        CALLS.clear()
        HANDLER_SECONDS.clear()
        started = time.perf_counter()
        sb.advance_to(date(2026, 1, 1))
        system_seconds = time.perf_counter() - started
        system_calls = Counter(CALLS)
        handler_seconds = Counter(HANDLER_SECONDS)
        [execution] = [e for e in sb.executions() if e.name == "renewals-2026-01"]
        CALLS.clear()
        baseline_seconds = baseline(sb, base_certs)
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
    print(f"renewal month: {certifications} certifications due (email + letter each)", file=out)
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
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--certifications", type=int, default=int(os.environ.get("BENCH_RENEWALS", 10_000))
    )
    args = parser.parse_args(argv)
    run(args.certifications)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
