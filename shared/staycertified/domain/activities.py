"""Recording a CCP activity (R10-R14, R19): validate a draft, collecting EVERY
violation, and compute its points with the rates in force on the activity date.

Employment (R11, R14): points = full years x rate, where the years are the
months of the period inside [cycle start, cutoff] / 12, rounded down to the
policy step (0.25); the member's stated quantity is an upper bound. The cutoff
(2020-12-31) is the policy version in force on the activity date (its period
end), effective 2021-01-01.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import ROUND_DOWN, Decimal

from staycertified.domain import errors
from staycertified.domain.dates import ONE_DAY, months_between
from staycertified.domain.decisions import Frozen, Reason
from staycertified.domain.errors import DomainError, raise_all
from staycertified.domain.model import (
    Activity,
    ActivitySource,
    Category,
    Cycle,
    Qualifies,
    Unit,
)
from staycertified.domain.policy import Policy

EXAM_CATEGORIES = frozenset({"EXAM", "EXAM_RETAKE"})  # R19


class ActivityDraft(Frozen):
    """What the member (or staff, or the learning platform) submits."""

    category: str
    unit: str
    title: str
    quantity: Decimal
    qualifies: Qualifies | None = None
    provider: str = ""
    completed_on: date | None = None
    period_start: date | None = None
    period_end: date | None = None
    first_delivery: bool | None = None  # R11: instructional presentation, first delivery only
    is_exam: bool = False  # R19
    source: ActivitySource = ActivitySource.MEMBER

    @property
    def effective_date(self) -> date | None:
        return self.completed_on or self.period_end


class PointsAward(Frozen):
    """The points an activity earns and why (R11, R14)."""

    category: Category
    unit: Unit
    effective_date: date
    quantity_claimed: Decimal
    quantity_counted: Decimal
    rate: Decimal
    points: Decimal
    rules: tuple[str, ...]
    notes: tuple[Reason, ...] = ()


def round_down(quantity: Decimal, step: Decimal) -> Decimal:
    """R11: quantities round down to the policy step (0.25)."""
    steps = (quantity / step).to_integral_value(rounding=ROUND_DOWN)
    return steps * step


def _error(code: str, message: str, rule: str) -> DomainError:
    return DomainError(code, message, rule)


def _parse_category(draft: ActivityDraft) -> tuple[Category | None, list[DomainError]]:
    if draft.is_exam or draft.category.upper() in EXAM_CATEGORIES:
        msg = "retaking the exam never satisfies CCP"
        return None, [_error(errors.EXAM_NOT_VALID_FOR_CCP, msg, "R19")]
    try:
        return Category(draft.category), []
    except ValueError:
        msg = f"{draft.category!r} is not a CCP category"
        return None, [_error(errors.INVALID_CATEGORY, msg, "R10")]


def _check_unit(
    draft: ActivityDraft, category: Category, day: date, policy: Policy
) -> tuple[Unit | None, Decimal, list[DomainError]]:
    rates = policy.category_rule(category).rates.at(day)
    unit = Unit(draft.unit) if draft.unit in Unit.__members__ else None
    if unit is None or unit not in rates:
        allowed = ", ".join(sorted(rates))
        msg = f"unit {draft.unit!r} is not valid for {category} (use {allowed})"
        return None, Decimal(0), [_error(errors.INVALID_UNIT, msg, "R11")]
    return unit, rates[unit], []


def _check_basics(draft: ActivityDraft) -> list[DomainError]:
    found = []
    if draft.quantity <= 0:
        found.append(_error(errors.INVALID_QUANTITY, "quantity must be positive", "R11"))
    if draft.qualifies is None:
        msg = "affirm how the activity qualifies"
        found.append(_error(errors.QUALIFICATION_NOT_AFFIRMED, msg, "R10"))
    return found


def _check_dates(draft: ActivityDraft, cycle: Cycle, today: date) -> list[DomainError]:
    """R12: inside the cycle it is recorded against, never in the future."""
    day = draft.effective_date
    if day is None:
        return [_error(errors.ACTIVITY_DATE_MISSING, "completion date is required", "R12")]
    found = []
    if day > today:
        found.append(_error(errors.ACTIVITY_IN_FUTURE, f"{day} is after {today}", "R12"))
    if day < cycle.start:
        msg = f"completed {day}, before the cycle start {cycle.start}"
        found.append(_error(errors.ACTIVITY_BEFORE_CYCLE_START, msg, "R12"))
    elif day > cycle.end and day <= today:
        msg = f"completed {day}, after the cycle end {cycle.end}"
        found.append(_error(errors.ACTIVITY_AFTER_CYCLE_END, msg, "R12"))
    return found


def _check_first_delivery(
    draft: ActivityDraft, category: Category, day: date, policy: Policy
) -> list[DomainError]:
    """R11: instructional presentations count on their first delivery only."""
    if (
        policy.category_rule(category).first_delivery_only.at(day)
        and draft.first_delivery is not True
    ):
        msg = "only the first delivery of a presentation earns points"
        return [_error(errors.NOT_FIRST_DELIVERY, msg, "R11")]
    return []


def employment_window(
    draft: ActivityDraft, cycle: Cycle, policy: Policy
) -> tuple[tuple[date, date] | None, list[DomainError], list[Reason]]:
    """R14: the part of the employment period between the cycle start and the cutoff."""
    start, end = draft.period_start, draft.period_end
    if start is None or end is None or start > end:
        msg = "employment needs a period start on or before its end"
        return None, [_error(errors.ACTIVITY_PERIOD_INVALID, msg, "R14")], []
    cutoff = policy.ccp.employment_eligible_until.at(end)
    if cutoff is not None and start > cutoff:
        msg = f"employment from {start} is after {cutoff}: not eligible"
        return None, [_error(errors.EMPLOYMENT_NOT_ELIGIBLE_AFTER_2020, msg, "R14")], []
    notes = []
    window_end = end
    if cutoff is not None and end > cutoff:
        window_end = cutoff
        msg = f"employment period cut at {cutoff}"
        notes.append(Reason(rule="R14", code="EMPLOYMENT_CUT", message=msg, since=cutoff))
    window_start = max(start, cycle.start)
    if window_start > window_end:
        msg = f"no part of the employment falls between {cycle.start} and {window_end}"
        code = (
            errors.EMPLOYMENT_NOT_ELIGIBLE_AFTER_2020
            if notes
            else errors.ACTIVITY_BEFORE_CYCLE_START
        )
        return None, [_error(code, msg, "R14")], notes
    return (window_start, window_end), [], notes


def _counted_quantity(
    draft: ActivityDraft, window: tuple[date, date] | None, step: Decimal
) -> tuple[Decimal, list[Reason]]:
    quantity = draft.quantity
    if window is not None:
        years = Decimal(months_between(window[0], window[1] + ONE_DAY)) / 12
        quantity = min(quantity, years)
    counted = round_down(quantity, step)
    notes = []
    if counted != draft.quantity:
        limit = " and at most the years of the period inside the cycle" if window else ""
        msg = (
            f"quantity {draft.quantity} counted as {counted}: quantities round down "
            f"to a multiple of {step}{limit}"
        )
        notes.append(Reason(rule="R11", code=errors.QUANTITY_ROUNDED_DOWN, message=msg))
    return counted, notes


def assess_activity(
    draft: ActivityDraft, cycle: Cycle, today: date, policy: Policy
) -> tuple[PointsAward | None, list[DomainError]]:
    """Every violation of R10-R14/R19, or the award. Rates: version in force on the activity date."""
    found = _check_basics(draft) + _check_dates(draft, cycle, today)
    category, category_errors = _parse_category(draft)
    found += category_errors
    day = draft.effective_date or today
    if category is None:
        return None, found
    unit, rate, unit_errors = _check_unit(draft, category, day, policy)
    found += unit_errors + _check_first_delivery(draft, category, day, policy)
    window: tuple[date, date] | None = None
    notes: list[Reason] = []
    if category == Category.EMPLOYMENT:
        window, window_errors, notes = employment_window(draft, cycle, policy)
        found += [e for e in window_errors if e.code not in {x.code for x in found}]
    if found or unit is None:
        return None, found
    counted, round_notes = _counted_quantity(draft, window, policy.ccp.quantity_step.at(day))
    rules = ("R11", "R12", "R14") if window else ("R11", "R12")
    award = PointsAward(
        category=category,
        unit=unit,
        effective_date=day,
        quantity_claimed=draft.quantity,
        quantity_counted=counted,
        rate=rate,
        points=counted * rate,
        rules=rules,
        notes=tuple(notes + round_notes),
    )
    return award, []


def record_activity(
    draft: ActivityDraft,
    cycle: Cycle,
    today: date,
    policy: Policy,
    activity_id: str,
) -> Activity:
    """The Activity to store, or `RuleViolations` listing every failed code."""
    return record_activity_noted(draft, cycle, today, policy, activity_id)[0]


def record_activity_noted(
    draft: ActivityDraft,
    cycle: Cycle,
    today: date,
    policy: Policy,
    activity_id: str,
) -> tuple[Activity, tuple[Reason, ...]]:
    """`record_activity` and what the member must be told about it although it is
    recorded: a quantity rounded down (R11 `QUANTITY_ROUNDED_DOWN`), an employment
    period cut (R14 `EMPLOYMENT_CUT`)."""
    award, found = assess_activity(draft, cycle, today, policy)
    raise_all(found)
    assert award is not None
    return _activity(draft, cycle, today, award, activity_id), award.notes


def _normalised(text: str) -> str:
    return " ".join(text.split()).casefold()


def possible_duplicates(activity: Activity, recorded: Sequence[Activity]) -> list[Reason]:
    """R13: one completion is recorded once. A member's activity recorded without an
    Idempotency-Key may be a resubmission: the same category, dates and quantity as
    one already recorded with the same title, or as the body's own online CE (R13,
    whatever its title). It is still recorded (two identical courses can be real);
    the answer says so (`ACTIVITY_POSSIBLE_DUPLICATE`)."""
    found = []
    for earlier in recorded:
        if earlier.activity_id == activity.activity_id:
            continue
        same = (
            earlier.category == activity.category
            and earlier.completed_on == activity.completed_on
            and earlier.period_start == activity.period_start
            and earlier.period_end == activity.period_end
            and earlier.quantity == activity.quantity
        )
        if not same:
            continue
        if earlier.source == ActivitySource.PROVIDER and activity.source != earlier.source:
            what = "the body's online CE already recorded it"
        elif _normalised(earlier.title) == _normalised(activity.title):
            what = "an activity with the same title is already recorded"
        else:
            continue
        found.append(
            Reason(
                rule="R13",
                code=errors.ACTIVITY_POSSIBLE_DUPLICATE,
                message=(
                    f"same category, date and quantity as {earlier.activity_id}: {what}; "
                    "this one is recorded too (send an Idempotency-Key so that a retry "
                    "is recorded once)"
                ),
            )
        )
    return found


def _activity(
    draft: ActivityDraft, cycle: Cycle, today: date, award: PointsAward, activity_id: str
) -> Activity:
    return Activity(
        activity_id=activity_id,
        certificate_number=cycle.certificate_number,
        category=award.category,
        title=draft.title,
        provider=draft.provider,
        completed_on=draft.completed_on,
        period_start=draft.period_start,
        period_end=draft.period_end,
        quantity=award.quantity_counted,
        unit=award.unit,
        qualifies=_affirmed(draft),
        source=draft.source,
        verified=draft.source == ActivitySource.PROVIDER,
        points=award.points,
        recorded_on=today,
    )


def _affirmed(draft: ActivityDraft) -> Qualifies:
    assert draft.qualifies is not None  # checked by _check_basics (R10)
    return draft.qualifies
