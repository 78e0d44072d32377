"""What the demo's RECERTIFICATION_REQUIRED members and the recertification staff do
(R23, R28-R33), through the real routes: members apply
(`POST /members/{id}/recertifications`), upload a proof per activity through the
upload grants (`sb.upload`), pay the fee through the payment provider's signed
webhook, submit (`.../submit`); staff work the queues (`GET /staff/recertifications`),
open each proof (`GET /staff/documents/{id}`), decide the felony reviews and the
applications; the exam vendor reports attempts on its signed webhook (`sb.exam_result`).

The story, deterministic (members in member-id order, cast at the end of February):
one recertifies by CCP at once; one submits an incomplete application first (the
notice lists every missing item), completes it in March and is approved; one answers
yes to the felony question, is cleared in March and approved; one lapsed 10+ years
applies by exam, fails in March and passes in April; another lapsed 10+ years is
refused the CCP route (R23, RECERT_BY_EXAM_REQUIRED).
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .behaviour import MemberBehaviour
    from .sandbox import Sandbox

STAFF = "recert.reviewer"
PDF = b"%PDF-1.7\n% certificate of completion\n" + b"1 0 obj << >> endobj\n" * 40 + b"%%EOF\n"
CCP, INCOMPLETE, FELONY, EXAM, REFUSED = "CCP", "INCOMPLETE_FIRST", "FELONY", "EXAM", "REFUSED"
COURSES = [  # 48 contact hours: enough for every type's requirement (R29)
    ("Infection control essentials", "2025-02-12"),
    ("Phlebotomy safety update", "2025-05-20"),
    ("Clinical documentation", "2025-09-09"),
    ("Medical law and ethics", "2025-11-18"),
]
ELIGIBLE_BY_WORK = {  # R34 route C, on the current criteria (R31)
    "work": {
        "ma_months_in_last_84": 72,
        "instructor_months_in_last_84": 0,
        "clinical_duties": True,
        "administrative_duties": True,
        "high_school_diploma": True,
    }
}


class RecertBehaviour:
    def __init__(self, sb: Sandbox, members: MemberBehaviour, member_ids: list[str]) -> None:
        self.sb = sb
        self.members = members  # its provider_webhook pays the fee as the provider would
        self.member_ids = sorted(dict.fromkeys(member_ids))
        self.counts: Counter[str] = Counter()
        self.cast: dict[str, tuple[str, str]] = {}  # memberId -> (role, certificateNumber)
        self.applications: dict[str, dict[str, Any]] = {}  # memberId -> its application

    # ------------------------------------------------------------ the months

    def month_end(self, day: date) -> None:
        if (day.year, day.month) == (self.sb.today.year, 2) and not self.cast:
            self.cast = self._cast(day)
            for member_id, (role, certno) in self.cast.items():
                self._apply(member_id, role, certno)
            self._work_queues(clear_felonies=False)
        elif day.month == 3:
            for member_id, (role, _) in self.cast.items():
                if role == INCOMPLETE:
                    self._complete(member_id)
                    self._submit(member_id)
            self._work_queues(clear_felonies=True)
            self._exam_attempt(day.replace(day=20), "FAIL")
        elif day.month == 4:
            self._exam_attempt(day.replace(day=15), "PASS")

    def _cast(self, day: date) -> dict[str, tuple[str, str]]:
        """RECERTIFICATION_REQUIRED certifications, CCP open or not (R23), in id order."""
        from staycertified.domain.model import Standing
        from staycertified.domain.standing import evaluate_standing
        from staycertified.policy import load_policy
        from staycertified.store.members import load_member

        policy = load_policy()
        ccp_open: list[tuple[str, str]] = []
        exam_only: list[tuple[str, str, str]] = []
        for member_id in self.member_ids:
            record = load_member(self.sb.table, member_id)
            for cert in record.certifications if record else []:
                standing = evaluate_standing(cert, day, policy)
                if standing.status != Standing.RECERTIFICATION_REQUIRED:
                    continue
                number, kind = cert.certification.certificate_number, cert.certification.type
                if any(r.code == "RECERT_BY_EXAM_REQUIRED" for r in standing.reasons):
                    exam_only.append((member_id, number, kind))
                else:
                    ccp_open.append((member_id, number))
        cast: dict[str, tuple[str, str]] = {}
        for role, (member_id, number) in zip((CCP, INCOMPLETE, FELONY), ccp_open, strict=False):
            cast[member_id] = (role, number)
        by_exam = [m for m in exam_only if m[2] == "RMA"][:1]  # the assistant's type (R34)
        refused = [m for m in exam_only if m not in by_exam][:1]
        for role, found in ((EXAM, by_exam), (REFUSED, refused)):
            for member_id, number, _ in found:
                cast.setdefault(member_id, (role, number))
        for role, _ in cast.values():
            self.counts[f"recertification cast as {role}"] += 1
        return cast

    # ------------------------------------------------------------ the member

    def _apply(self, member_id: str, role: str, certno: str) -> None:
        body: dict[str, Any] = {
            "certificateNumber": certno,
            "route": "EXAM" if role == EXAM else "CCP",
            "felonyConviction": role == FELONY,
            "attestation": {"signedName": member_id, "signedOn": self.sb.today.isoformat()},
        }
        if role == FELONY:
            body["felonyExplanation"] = "A 2011 conviction; the sentence was served in full."
        if role == EXAM:
            body["eligibility"] = ELIGIBLE_BY_WORK
        else:
            body["activities"] = [
                {
                    "category": "PROFESSIONAL_EDUCATION",
                    "title": title,
                    "provider": "Regional health education council",
                    "completedOn": completed_on,
                    "quantity": 12,
                    "unit": "CONTACT_HOUR",
                    "qualifies": "HEALTHCARE_KNOWLEDGE",
                }
                for title, completed_on in COURSES
            ]
        path = f"/members/{member_id}/recertifications"
        status, answer = self.sb.api("POST", path, body, as_member=member_id)
        self.counts[f"applications {body['route']} answered {status} {answer.get('code', '')}"] += 1
        if status != 201:
            return
        self.applications[member_id] = answer
        if role != INCOMPLETE:  # the incomplete one submits first, completes in March
            self._complete(member_id)
        self._submit(member_id)

    def _complete(self, member_id: str) -> None:
        """A proof for each activity through the upload grants (R15), the fee paid (R29)."""
        sb, application = self.sb, self.applications[member_id]
        for activity in application["activities"]:
            status, grant = sb.api(
                "POST",
                f"/members/{member_id}/uploads",
                {
                    "purpose": "RECERTIFICATION",
                    "applicationId": application["applicationId"],
                    "itemId": activity["activityId"],
                    "kind": "PROOF",
                    "fileName": "certificate-of-completion.pdf",
                    "contentType": "application/pdf",
                    "size": len(PDF),
                },
                as_member=member_id,
            )
            self.counts[f"recertification upload grants {status}"] += 1
            if status == 201:
                posted, _ = sb.upload(grant, PDF)
                self.counts[f"recertification proofs posted to S3 ({posted})"] += 1
        fee = application["fee"]
        status, _ = self.members.provider_webhook(
            {
                "type": "payment.succeeded",
                "paymentId": f"pay_{fee['invoiceId']}",
                "invoiceId": fee["invoiceId"],
                "amount": fee["amount"],
                "currency": fee["currency"],
            }
        )
        self.counts[f"application fees paid through the provider webhook ({status})"] += 1

    def _submit(self, member_id: str) -> None:
        application = self.applications[member_id]
        path = f"/members/{member_id}/recertifications/{application['applicationId']}/submit"
        status, _ = self.sb.api("POST", path, as_member=member_id)
        # the review runs after the answer: what it made of the submission (R29, R30)
        _, now = self.sb.api("GET", path.removesuffix("/submit"), as_member=member_id)
        self.counts[f"submissions answered {status}, then {now.get('status', '?')}"] += 1

    def _exam_attempt(self, taken_on: date, result: str) -> None:
        for member_id, (role, _) in self.cast.items():
            application = self.applications.get(member_id)
            if role != EXAM or application is None:
                continue
            status, found = self.sb.api(
                "GET",
                f"/members/{member_id}/recertifications/{application['applicationId']}",
                as_member=member_id,
            )
            if status != 200 or not found.get("exam"):
                self.counts[f"exam not authorised ({found.get('status', status)})"] += 1
                continue
            answer = self.sb.exam_result(found["exam"]["authorizationId"], result, taken_on)
            self.counts[f"exam results {result} reported by the vendor ({answer[0]})"] += 1

    # ------------------------------------------------------------ staff

    def _queue(self, status_name: str) -> list[dict[str, Any]]:
        """One status's applications, oldest first, page by page."""
        found: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            query = {"status": status_name, "limit": "25", **({"cursor": cursor} if cursor else {})}
            status, page = self.sb.api(
                "GET", "/staff/recertifications", query=query, as_staff=STAFF
            )
            if status != 200:
                return found
            found += page["applications"]
            cursor = page.get("nextCursor")
            if not cursor:
                return found

    def _work_queues(self, *, clear_felonies: bool) -> None:
        sb = self.sb
        if clear_felonies:
            for application in self._queue("FELONY_REVIEW"):
                status, _ = sb.api(
                    "POST",
                    f"/staff/recertifications/{application['applicationId']}/felony-review",
                    {"decision": "CLEARED", "reason": "not related to the duties (R30)"},
                    as_staff=STAFF,
                )
                self.counts[f"felony reviews CLEARED by staff ({status})"] += 1
        for application in self._queue("AWAITING_STAFF_REVIEW"):
            for activity in application["activities"]:
                for document in activity["documents"]:
                    sb.api("GET", f"/staff/documents/{document['documentId']}", as_staff=STAFF)
            status, _ = sb.api(
                "POST",
                f"/staff/recertifications/{application['applicationId']}/decision",
                {"decision": "APPROVE", "reasons": []},
                as_staff=STAFF,
            )
            self.counts[f"applications APPROVED by staff ({application['route']}, {status})"] += 1

    # ------------------------------------------------------------ the report

    def lines(self) -> list[str]:
        """What happened, then each cast member's application and standing now."""
        from staycertified.store.members import load_member

        out = [f"{name:<60} {count:4d}" for name, count in sorted(self.counts.items())]
        for member_id, (role, certno) in self.cast.items():
            application = self.applications.get(member_id)
            if application is None:
                out.append(f"{member_id} {certno:<12} {role:<16} no application (refused)")
                continue
            _, found = self.sb.api(
                "GET",
                f"/members/{member_id}/recertifications/{application['applicationId']}",
                as_member=member_id,
            )
            record = load_member(self.sb.table, member_id)
            cert = record.certification(certno) if record else None
            anchor = cert.certification.recertified_on if cert else None
            events = " > ".join(h["event"] for h in found.get("history", []))
            out.append(
                f"{member_id} {certno:<12} {role:<16} {found.get('status')}"
                f" (recertified on {anchor or '-'}): {events}"
            )
        return out or ["none"]
