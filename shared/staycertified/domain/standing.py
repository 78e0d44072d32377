"""Standing of a certification on a date (R20-R24, R37, R38).

Obligations. Since the anchor (certified_on or the latest recertified_on, R33):
* each membership-year fee (see `invoicing` for years owed without invoices) is
  unmet from its due date (last day of the anniversary month) when not paid by
  due date + grace; it is overdue from the day after due date + grace (R21);
* each ended cycle of a mandatory certification (R8) whose points were not met
  (recorded or attested, R18) by its end is unmet from its end (R21). Fees due in
  the cycle are their own obligations, so a cycle short only of fees lapses
  through those (R16's fee half).

Status on `today` (R20-R22), using only what was known on `today` (payments
`paid_at`, activities `recorded_on`, attestations `signed_on`, `advanced_on`
<= today), so evaluating later never improves a standing by time alone:
* RECERTIFICATION_REQUIRED when an obligation was still unmet 3 years after it
  started (the day `add_years(start, 3)`; meeting it on that day is in time) -
  fees for every certification, points only where CCP is mandatory, which for
  certifications first granted before 2006 means only after a recertification
  (R22.1, R22.2) - or the audit failed (R22.3, R27), or the lifecycle recorded
  it (`recertification_required_since`). Paying afterwards no longer cures it.
  10 years from the same start -> exam only (R23).
* LAPSED when an obligation is unmet on `today`; cured by meeting it (R21).
* ACTIVE otherwise (R20).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Literal, Protocol, TypeVar

from staycertified.domain import errors
from staycertified.domain.ccp import ccp_duty
from staycertified.domain.compliance import points_met_on, tally_points, valid_attestation
from staycertified.domain.cycles import cycles_until, merge_stored_cycles
from staycertified.domain.dates import ONE_DAY, add_years
from staycertified.domain.decisions import ActionKind, Frozen, NextAction, Reason
from staycertified.domain.errors import DomainError
from staycertified.domain.history import CertificationHistory
from staycertified.domain.invoicing import (
    FeeYear,
    due_date,
    effective_paid_through,
    fee_years,
    first_membership_year,
)
from staycertified.domain.model import (
    Activity,
    Attestation,
    AuditCase,
    CcpDuty,
    Certification,
    Cycle,
    Invoice,
    Member,
    Standing,
    invoice_id_for,
)
from staycertified.domain.policy import Policy

RECERTIFICATION_AFTER_YEARS = 3  # R22
EXAM_ONLY_AFTER_YEARS = 10  # R23
SEVERITY = {Standing.ACTIVE: 0, Standing.LAPSED: 1, Standing.RECERTIFICATION_REQUIRED: 2}


class _HasCertificate(Protocol):
    @property
    def certificate_number(self) -> str: ...


_Owned = TypeVar("_Owned", bound=_HasCertificate)


class Obligation(Frozen):
    """A fee or a cycle's points not met on time (R21, R22)."""

    kind: Literal["FEE", "POINTS"]
    unmet_from: date  # end of the due month, or the cycle's end: the R22 clock starts here
    overdue_from: date  # first day the member is lapsed for it (after grace)
    satisfied_on: date | None = None
    invoice_id: str | None = None
    membership_year: int | None = None
    cycle: Cycle | None = None
    points_outstanding: Decimal | None = None

    @property
    def recertification_threshold(self) -> date:
        return add_years(self.unmet_from, RECERTIFICATION_AFTER_YEARS)

    def unmet_on(self, day: date) -> bool:
        return self.overdue_from <= day and (self.satisfied_on is None or day < self.satisfied_on)

    def expired_on(self, day: date) -> bool:
        """R22: still unmet when 3 years have run."""
        threshold = self.recertification_threshold
        return threshold <= day and self.unmet_on(threshold)


def fee_obligations(fees: Iterable[FeeYear], grace_days: int) -> list[Obligation]:
    """R21: each fee not paid by its due date + grace."""
    found = []
    for fee in fees:
        late_from = fee.due_date + ONE_DAY * (grace_days + 1)
        on_time = fee.paid and (fee.paid_on is None or fee.paid_on < late_from)
        if fee.waived or on_time:
            continue
        found.append(
            Obligation(
                kind="FEE",
                unmet_from=fee.due_date,
                overdue_from=late_from,
                satisfied_on=fee.paid_on if fee.paid else None,
                invoice_id=fee.invoice_id,
                membership_year=fee.membership_year,
            )
        )
    return found


def fee_lapses_between(
    history: CertificationHistory,
    first: date,
    last: date,
    today: date,
    policy: Policy,
) -> list[Obligation]:
    """R21: the fees that lapsed the certification on a day in [first, last] (the day
    after due date + grace) and are still unpaid on `today`: one lapse each (the
    sweep records one while the standing is LAPSED; once R22 applies it is no lapse)."""
    certification = history.certification
    own = _of_certificate(history.invoices, certification.certificate_number)
    fees = fee_years(certification, own, today)
    return [
        obligation
        for obligation in fee_obligations(fees, policy.renewal.grace_days.at(today))
        if first <= obligation.overdue_from <= last and obligation.unmet_on(today)
    ]


def points_obligations(
    cycles: Iterable[Cycle],
    activities: list[Activity],
    attestations: list[Attestation],
    policy: Policy,
    today: date,
) -> list[Obligation]:
    """R21: each ended cycle whose points were not met by its end (mandatory CCP only)."""
    found = []
    for cycle in cycles:
        if cycle.end >= today:
            continue
        met = points_met_on(cycle, activities, attestations, policy, today)
        advanced = cycle.advanced_on if cycle.advanced_on and cycle.advanced_on <= today else None
        met = min((d for d in (met, advanced) if d is not None), default=None)
        if met is not None and met <= cycle.end + ONE_DAY:
            continue
        outstanding = tally_points(cycle, activities, policy, today).outstanding
        found.append(
            Obligation(
                kind="POINTS",
                unmet_from=cycle.end,
                overdue_from=cycle.end + ONE_DAY,
                satisfied_on=met,
                cycle=cycle,
                points_outstanding=Decimal(0) if met else outstanding,
            )
        )
    return found


class NextInvoice(Frozen):
    membership_year: int
    due_date: date
    invoice_id: str
    amount: Decimal | None = None  # None when the fee is not configured (R1)


class StandingDecision(Frozen):
    """R24/R37: the status on `as_of`, its reasons and the member's next actions."""

    certificate_number: str
    certification_type: str
    as_of: date
    status: Standing
    reasons: tuple[Reason, ...]
    next_actions: tuple[NextAction, ...]
    ccp_duty: CcpDuty
    paid_through: date
    next_invoice: NextInvoice
    current_cycle: Cycle
    points_counted: Decimal
    points_required: Decimal
    points_outstanding: Decimal
    days_left: int
    # R18: the points a filed attestation claims for the current cycle (None: none filed).
    points_attested: Decimal | None = None
    recertification_routes: tuple[str, ...] = ()
    unmet_since: date | None = None
    # R22: the day the 3 years ran out (the earliest R22 reason's date); None unless required.
    required_since: date | None = None
    open_audit_case: str | None = None

    @property
    def rules(self) -> tuple[str, ...]:
        return tuple(sorted({r.rule for r in self.reasons} | {a.rule for a in self.next_actions}))


def _obligation_reason(obligation: Obligation, rule: str, code: str) -> Reason:
    if obligation.kind == "FEE":
        msg = f"{obligation.membership_year} fee unpaid since {obligation.unmet_from}"
        return Reason(
            rule=rule, code=code or "FEE_UNPAID", message=msg, since=obligation.unmet_from
        )
    assert obligation.cycle is not None
    cycle = obligation.cycle
    msg = (
        f"cycle {cycle.start}..{cycle.end} ended with {obligation.points_outstanding} points "
        f"outstanding"
    )
    return Reason(rule=rule, code=code or "CYCLE_NOT_COMPLIANT", message=msg, since=cycle.end)


def _recertification_triggers(
    certification: Certification,
    obligations: list[Obligation],
    today: date,
) -> tuple[list[Reason], date | None]:
    """R22 reasons and the start of the R23 clock."""
    reasons, starts = [], []
    for obligation in obligations:
        if obligation.expired_on(today):
            reason = _obligation_reason(obligation, "R22", "")
            msg = f"{reason.message}: unmet 3 years on {obligation.recertification_threshold}"
            code = "OBLIGATION_UNMET_3_YEARS"
            since = obligation.recertification_threshold
            reasons.append(Reason(rule="R22", code=code, message=msg, since=since))
            starts.append(obligation.unmet_from)
    failed = certification.audit_failed_on
    if failed is not None and failed <= today:
        msg = f"audit failed on {failed}"
        reasons.append(Reason(rule="R22", code="AUDIT_FAILED", message=msg, since=failed))
        starts.append(failed)
    recorded = certification.recertification_required_since
    if recorded is not None and recorded <= today:
        msg = f"recertification required since {recorded}"
        reasons.append(
            Reason(rule="R22", code="RECERTIFICATION_REQUIRED", message=msg, since=recorded)
        )
        starts.append(recorded)
    return reasons, min(starts, default=None)


def _routes(clock_start: date, today: date) -> tuple[tuple[str, ...], list[Reason]]:
    """R23: 10 years or more from the start -> exam only."""
    if add_years(clock_start, EXAM_ONLY_AFTER_YEARS) <= today:
        msg = f"unmet since {clock_start}: 10 years or more, only recertification by exam"
        since = add_years(clock_start, EXAM_ONLY_AFTER_YEARS)
        reason = Reason(rule="R23", code=errors.RECERT_BY_EXAM_REQUIRED, message=msg, since=since)
        return ("EXAM",), [reason]
    return ("CCP", "EXAM"), []


def _next_invoice(
    certification: Certification, fees: list[FeeYear], today: date, policy: Policy
) -> NextInvoice:
    """R37: the first membership year not paid whose due date is today or later."""
    paid = {f.membership_year for f in fees if f.paid}
    covered_until = effective_paid_through(certification)
    year = first_membership_year(certification)
    while (
        due_date(certification, year) < today
        or year in paid
        or covered_until >= due_date(certification, year + 1)
    ):
        year += 1
    try:
        amount: Decimal | None = policy.annual_fee(certification.type, today)
    except DomainError:
        amount = None  # R1: FEE_NOT_CONFIGURED surfaces when the invoice is made
    invoice_id = invoice_id_for(certification.certificate_number, year)
    due = due_date(certification, year)
    return NextInvoice(membership_year=year, due_date=due, invoice_id=invoice_id, amount=amount)


def _cure_actions(
    obligations: list[Obligation], today: date, invoices: dict[str, Invoice]
) -> list[NextAction]:
    """R21/R24: pay each unpaid invoice, record each cycle's missing points (dated in it)."""
    actions = []
    for obligation in obligations:
        by = obligation.recertification_threshold - ONE_DAY
        if obligation.kind == "FEE":
            invoice = invoices.get(obligation.invoice_id or "")
            actions.append(
                NextAction(
                    kind=ActionKind.PAY_INVOICE,
                    rule="R21",
                    message=(
                        f"pay the {obligation.membership_year} fee now: overdue since "
                        f"{obligation.overdue_from}, the certification is lapsed until it is "
                        f"paid; the date given is the last day to pay it before "
                        f"recertification is required ({obligation.recertification_threshold})"
                    ),
                    invoice_id=obligation.invoice_id,
                    amount=invoice.amount if invoice else None,
                    by=by,
                )
            )
        else:
            assert obligation.cycle is not None
            cycle = obligation.cycle
            msg = (
                f"record (or attest, R18) {obligation.points_outstanding} points dated "
                f"{cycle.start}..{cycle.end} now: the certification is lapsed until then; the "
                f"date given is the last day before recertification is required "
                f"({obligation.recertification_threshold})"
            )
            actions.append(
                NextAction(
                    kind=ActionKind.RECORD_POINTS,
                    rule="R21",
                    message=msg,
                    points=obligation.points_outstanding,
                    by=by,
                )
            )
    return actions


def evaluate_standing(
    history: CertificationHistory, today: date, policy: Policy
) -> StandingDecision:
    """R20-R24, R37: the status of the certification on `today`, with reasons and next actions.

    The history's `cycles` are the stored cycles (their `advanced_on` counts as met
    points); cycles not stored are computed from the anchor. Obligations before the
    anchor are settled by the recertification (R33). Its open audit case asks for
    proof (R27); a failed audit requires recertification (R22.3).
    """
    certification = history.certification
    number = certification.certificate_number
    activity_list = _of_certificate(history.activities, number)
    attestation_list = _of_certificate(history.attestations, number)
    invoice_list = _of_certificate(history.invoices, number)
    all_cycles = merge_stored_cycles(
        cycles_until(certification, today, policy), list(history.cycles)
    )
    duty = ccp_duty(certification)
    fees = fee_years(certification, invoice_list, today)
    obligations = fee_obligations(fees, policy.renewal.grace_days.at(today))
    if duty == CcpDuty.MANDATORY:
        obligations += points_obligations(
            all_cycles, activity_list, attestation_list, policy, today
        )
    obligations.sort(key=lambda o: (o.unmet_from, o.kind))
    unmet = [o for o in obligations if o.unmet_on(today)]
    recert_reasons, clock_start = _recertification_triggers(certification, obligations, today)
    current = all_cycles[-1]
    tally = tally_points(current, activity_list, policy, today)
    attested = [
        a for a in attestation_list if valid_attestation(a, current) and a.signed_on <= today
    ]
    outstanding = Decimal(0) if attested else tally.outstanding  # R18: counts as compliance
    verdict = _verdict(recert_reasons, clock_start, unmet, invoice_list, today)
    reasons, actions = list(verdict.reasons), list(verdict.actions)
    if duty == CcpDuty.VOLUNTARY:
        msg = "CCP is voluntary: missing points never lapse this certification"
        reasons.append(Reason(rule="R8", code="CCP_VOLUNTARY", message=msg))
    next_invoice = _next_invoice(certification, fees, today, policy)
    if verdict.status != Standing.RECERTIFICATION_REQUIRED:
        actions += _current_actions(
            certification, current, outstanding, duty, next_invoice, fees, today
        )
    open_case = history.open_audit_case
    actions += _audit_actions(open_case)
    return StandingDecision(
        certificate_number=number,
        certification_type=certification.type,
        as_of=today,
        status=verdict.status,
        reasons=tuple(reasons),
        next_actions=tuple(actions),
        ccp_duty=duty,
        paid_through=effective_paid_through(certification),
        next_invoice=next_invoice,
        current_cycle=current,
        points_counted=tally.counted,
        points_required=current.points_required,
        points_outstanding=outstanding,
        points_attested=max((a.total_points for a in attested), default=None),
        days_left=max(0, (current.end - today).days),
        recertification_routes=verdict.routes,
        unmet_since=verdict.unmet_since,
        required_since=min((r.since for r in recert_reasons if r.since), default=None),
        open_audit_case=open_case.case_id if open_case else None,
    )


def _of_certificate(items: Iterable[_Owned], number: str) -> list[_Owned]:
    return [item for item in items if item.certificate_number == number]


class _Verdict(Frozen):
    status: Standing
    reasons: tuple[Reason, ...]
    actions: tuple[NextAction, ...]
    routes: tuple[str, ...] = ()
    unmet_since: date | None = None


def _verdict(
    recert_reasons: list[Reason],
    clock_start: date | None,
    unmet: list[Obligation],
    invoices: list[Invoice],
    today: date,
) -> _Verdict:
    """R20-R23: the status itself, its reasons and the action that changes it."""
    if recert_reasons:
        assert clock_start is not None
        routes, route_reasons = _routes(clock_start, today)
        recertify = NextAction(
            kind=ActionKind.RECERTIFY,
            rule="R23" if route_reasons else "R22",
            message=f"recertify by {' or '.join(routes)}",
            routes=routes,
        )
        return _Verdict(
            status=Standing.RECERTIFICATION_REQUIRED,
            reasons=tuple(recert_reasons + route_reasons),
            actions=(recertify,),
            routes=routes,
            unmet_since=clock_start,
        )
    if unmet:
        return _Verdict(
            status=Standing.LAPSED,
            reasons=tuple(_obligation_reason(o, "R21", "") for o in unmet),
            actions=tuple(_cure_actions(unmet, today, {i.invoice_id: i for i in invoices})),
            unmet_since=unmet[0].unmet_from,
        )
    msg = "every fee due is paid and no mandatory cycle ended non-compliant"
    good = Reason(rule="R20", code="IN_GOOD_STANDING", message=msg)
    return _Verdict(status=Standing.ACTIVE, reasons=(good,), actions=())


def _audit_actions(open_case: AuditCase | None) -> list[NextAction]:
    """R27: an open audit case asks for its proof."""
    if open_case is None:
        return []
    return [
        NextAction(
            kind=ActionKind.UPLOAD_AUDIT_DOCUMENTS,
            rule="R27",
            message="upload proof for each claimed activity",
            by=open_case.respond_by,
            case_id=open_case.case_id,
        )
    ]


def _current_actions(
    certification: Certification,
    current: Cycle,
    outstanding: Decimal,
    duty: CcpDuty,
    next_invoice: NextInvoice,
    fees: list[FeeYear],
    today: date,
) -> list[NextAction]:
    """R24: the current cycle's points, and the invoice due now (not yet overdue)."""
    actions = []
    if duty == CcpDuty.MANDATORY and outstanding > 0 and current.start <= today:
        msg = f"record {outstanding} points by {current.end} (the last day of the cycle)"
        actions.append(
            NextAction(
                kind=ActionKind.RECORD_POINTS,
                rule="R16",
                message=msg,
                points=outstanding,
                by=current.end,
            )
        )
    due_now = {f.membership_year for f in fees if not f.paid and today <= f.due_date}
    if next_invoice.membership_year in due_now:
        actions.append(
            NextAction(
                kind=ActionKind.PAY_INVOICE,
                rule="R3",
                message=(
                    f"pay the {next_invoice.membership_year} fee by {next_invoice.due_date} "
                    f"(its due date)"
                ),
                invoice_id=next_invoice.invoice_id,
                amount=next_invoice.amount,
                by=next_invoice.due_date,
            )
        )
    return actions


def worse_or_equal(before: Standing, after: Standing) -> bool:
    return SEVERITY[after] >= SEVERITY[before]


class PublicVerification(Frozen):
    """R38: only these fields; never points, audit, felony or contact data."""

    name: str
    certification_type: str
    status: Literal["Active", "Not active"]
    original_certification_date: date
    valid_through: date | None


def public_verification(
    certificate_number: str,
    last_name: str,
    found: tuple[Member, Certification, StandingDecision] | None,
) -> PublicVerification | None:
    """R38: None for an unknown number AND for a wrong last name (same answer)."""
    if found is None:
        return None
    member, certification, standing = found
    same_number = (
        certification.certificate_number.strip().upper() == certificate_number.strip().upper()
    )
    same_name = member.last_name.strip().casefold() == last_name.strip().casefold()
    if not (same_number and same_name):
        return None
    active = standing.status == Standing.ACTIVE
    # R38/R36: the badge expiry while Active; absent while Not active.
    valid_through = min(standing.paid_through, standing.current_cycle.end) if active else None
    return PublicVerification(
        name=member.full_name,
        certification_type=certification.type,
        status="Active" if active else "Not active",
        original_certification_date=certification.certified_on,
        valid_through=valid_through,
    )
