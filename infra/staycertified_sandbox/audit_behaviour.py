"""What the demo's audited members and the audit staff do (R15, R27), through the
real routes: members ask for upload grants and post PDFs to S3 (`sb.upload`),
submit their case; staff work the queue (`GET /staff/audits`), open each document
(`GET /staff/documents/{id}`) and decide each item.

The story, deterministic (cases in case-id order): the first case never answers
and fails the day after its deadline (the daily sweep); the second is rejected in
January and re-uploaded and passed in February; every other one uploads, submits
and passes in January.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .sandbox import Sandbox

STAFF = "audit.reviewer"
PDF = b"%PDF-1.7\n% proof of CE for the audit\n" + b"1 0 obj << >> endobj\n" * 40 + b"%%EOF\n"
SILENT, REUPLOAD, PASS = "SILENT", "REUPLOAD", "PASS"


class AuditBehaviour:
    def __init__(self, sb: Sandbox) -> None:
        self.sb = sb
        self.counts: Counter[str] = Counter()
        self._roles: dict[str, tuple[str, str]] = {}  # caseId -> (memberId, role)

    def month_end(self, day: date) -> None:
        if day.month == 1:
            self._roles = self._cast(day.year)
            for case_id, (member_id, role) in self._roles.items():
                if role != SILENT:
                    self._answer(member_id, case_id)
            self._review(reject_first={c for c, (_, r) in self._roles.items() if r == REUPLOAD})
        elif day.month == 2:
            for case_id, (member_id, role) in self._roles.items():
                if role == REUPLOAD:
                    self._answer(member_id, case_id)
            self._review(reject_first=set())

    def _cast(self, year: int) -> dict[str, tuple[str, str]]:
        s3 = self.sb.client("s3")
        try:
            body = s3.get_object(
                Bucket=self.sb.env("MAIL_BUCKET"), Key=f"audits/{year:04d}/selected.json"
            )["Body"].read()
        except s3.exceptions.NoSuchKey:
            return {}
        selected = sorted(json.loads(body), key=lambda item: item["caseId"])
        roles = {}
        for n, item in enumerate(selected):
            role = SILENT if n == 0 else REUPLOAD if n == 1 else PASS
            roles[item["caseId"]] = (item["memberId"], role)
            self.counts[f"audit cases cast as {role}"] += 1
        return roles

    def _answer(self, member_id: str, case_id: str) -> None:
        """The member uploads a PDF for every item still needing proof, then submits."""
        sb = self.sb
        status, case = sb.api("GET", f"/members/{member_id}/audits/{case_id}", as_member=member_id)
        if status != 200:
            self.counts[f"audit case read {status}"] += 1
            return
        for item in case["items"]:
            if item["verification"] not in ("NEEDS_PROOF", "REJECTED"):
                continue
            status, grant = sb.api(
                "POST",
                f"/members/{member_id}/uploads",
                {
                    "purpose": "AUDIT",
                    "caseId": case_id,
                    "itemId": item["itemId"],
                    "kind": "TRANSCRIPT",
                    "fileName": "ce-transcript.pdf",
                    "contentType": "application/pdf",
                    "size": len(PDF),
                },
                as_member=member_id,
            )
            self.counts[f"upload grants {status}"] += 1
            if status == 201:
                posted, _ = sb.upload(grant, PDF)
                self.counts[f"documents posted to S3 ({posted})"] += 1
        status, _ = sb.api(
            "POST", f"/members/{member_id}/audits/{case_id}/submit", as_member=member_id
        )
        self.counts[f"audit submissions {status}"] += 1

    def _review(self, reject_first: set[str]) -> None:
        """Staff work the SUBMITTED queue, oldest first, one page at a time."""
        sb = self.sb
        cursor: str | None = None
        queue: list[dict[str, Any]] = []
        while True:
            query = {"status": "SUBMITTED", "limit": "25", **({"cursor": cursor} if cursor else {})}
            status, page = sb.api("GET", "/staff/audits", query=query, as_staff=STAFF)
            if status != 200:
                return
            queue += page["cases"]
            cursor = page.get("next")
            if not cursor:
                break
        for summary in queue:
            case_id, member_id = summary["caseId"], summary["memberId"]
            _, case = sb.api("GET", f"/members/{member_id}/audits/{case_id}", as_staff=STAFF)
            for item in case["items"]:
                if item["verification"] != "PROOF_RECEIVED":
                    continue
                for document in item["documents"]:
                    sb.api("GET", f"/staff/documents/{document}", as_staff=STAFF)
                if case_id in reject_first:
                    body = {"decision": "REJECTED", "reason": "the transcript is not legible"}
                else:
                    body = {"decision": "VERIFIED"}
                status, _ = sb.api(
                    "POST",
                    f"/staff/audits/{case_id}/items/{item['itemId']}/decision",
                    body,
                    as_staff=STAFF,
                )
                self.counts[f"staff item decisions {body['decision']} {status}"] += 1
