"""Helpers of the API/lifecycle scenario tests: member rows and activity bodies."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any


@contextlib.contextmanager
def crashing(
    logical_id: str, when: Callable[[dict[str, Any]], bool], fault: Exception
) -> Iterator[None]:
    """While inside: the sandbox's handler of `logical_id` raises `fault` for every event
    `when` accepts (a fault no retry cures: its process killed every time)."""
    from staycertified_sandbox import runtime

    original = runtime._load_handler

    def load(spec: runtime.FunctionSpec) -> Any:
        handler = original(spec)
        if spec.logical_id != logical_id:
            return handler

        def crashing_handler(event: dict[str, Any], context: Any) -> Any:
            if when(event):
                raise fault
            return handler(event, context)

        return crashing_handler

    runtime._load_handler = load
    try:
        yield
    finally:
        runtime._load_handler = original


def row(member_id: str, certified_on: str, **overrides: Any) -> dict[str, str]:
    base = {
        "member_id": member_id,
        "first_name": "Zebulon",
        "last_name": f"Quixote{member_id}",
        "email": f"{member_id.lower()}.zq@members.example.org",
        "address_line1": f"{len(member_id)}77 Juniper Hollow Rd",
        "address_line2": "",
        "city": "Xanadu Springs",
        "state": "IL",
        "postal_code": "62999",
        "country": "US",
        "certification_type": "RMA",
        "certificate_number": f"RMA-{member_id}",
        "certified_on": certified_on,
        "recertified_on": "",
        "paid_through": "",
        "cycle_points": "",
    }
    base.update({k: str(v) for k, v in overrides.items()})
    return base


def education(completed_on: str, quantity: float, **overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "category": "PROFESSIONAL_EDUCATION",
        "title": "Phlebotomy update",
        "provider": "County college",
        "completedOn": completed_on,
        "quantity": quantity,
        "unit": "CONTACT_HOUR",
        "qualifies": "HEALTHCARE_KNOWLEDGE",
    }
    body.update(overrides)
    return body


def certification(body: dict[str, Any]) -> dict[str, Any]:
    [cert] = body["certifications"]
    return cert


def reason_codes(cert: dict[str, Any]) -> set[tuple[str, str]]:
    return {(r["rule"], r["code"]) for r in cert["reasons"]}


# R31 route by work experience: what an exam applicant's eligibility answers say.
ELIGIBLE_BY_WORK = {
    "work": {
        "ma_months_in_last_84": 70,
        "instructor_months_in_last_84": 0,
        "clinical_duties": True,
        "administrative_duties": True,
        "high_school_diploma": True,
    }
}
