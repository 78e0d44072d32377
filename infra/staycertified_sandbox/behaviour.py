"""What the demo's members (and their payment provider) do during the simulated year.

Everything goes through the system's real doors: the member lists their invoices
(`GET /members/{id}/invoices` as that member) and pays through the provider's
signed webhook (`POST /payments/webhook`) or by check, recorded by staff
(`POST /staff/invoices/{id}/payments`); members record CCP activities
(`POST /members/{id}/activities`), and the learning platform reports completed
online CE as EventBridge events (R13).

Deterministic: each choice is a hash of (seed, certificate number, year, what), so
the same `--seed` tells the same story. Fictional people, fictional money.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from staycertified.payments.signature import sign

if TYPE_CHECKING:  # pragma: no cover
    from .sandbox import Sandbox

# Shares of the members whose renewal notice went out this month (R4 cadence):
PAY_AFTER_NOTICE = 0.60  # pay in the notice month
PAY_AFTER_REMINDER = 0.20  # pay in the due month
PAY_AFTER_PAST_DUE = 0.08  # pay in the month after
BY_CHECK = 0.15  # of those who pay: a check, recorded by staff
LAPSED_MEMBER_PAYS = 0.04  # a month, a member with older open invoices settles them
RECORDS_AN_ACTIVITY = 0.07  # a month, a member records a CE activity
TAKES_ONLINE_CE = 0.03  # a month, a member completes the body's own online CE (R13)
COURSES = [
    ("Infection control essentials", 8),
    ("HIPAA privacy in practice", 6),
    ("Phlebotomy safety update", 12),
    ("Clinical documentation", 15),
    ("Medical law and ethics", 10),
]


@dataclass
class Certification:
    member_id: str
    certificate_number: str
    anniversary_month: int


@dataclass
class BehaviourReport:
    counts: Counter[str] = field(default_factory=Counter)

    def lines(self) -> list[str]:
        return [f"{name:<44} {count:6d}" for name, count in sorted(self.counts.items())]


def chance(*parts: object) -> float:
    """A stable number in [0, 1) for these parts."""
    digest = hashlib.sha256(":".join(str(p) for p in parts).encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64


class MemberBehaviour:
    def __init__(self, sb: Sandbox, rows: list[dict[str, str]], *, seed: int = 2026) -> None:
        self.sb = sb
        self.seed = seed
        self.certifications = [_certification(row) for row in rows]
        self.report = BehaviourReport()
        self._secret: str | None = None

    def _chance(self, *parts: object) -> float:
        return chance(self.seed, *parts)

    def month_end(self, day: date) -> None:
        """What members do by the end of the month that ends on `day`."""
        for cert in self.certifications:
            if self._pays_this_month(cert, day):
                self._pay_open_invoices(cert, day)
            if self._chance(cert.certificate_number, day, "activity") < RECORDS_AN_ACTIVITY:
                self._record_activity(cert, day)
            elif self._chance(cert.certificate_number, day, "online") < TAKES_ONLINE_CE:
                self._complete_online_ce(cert, day)

    # ------------------------------------------------------------ payments (R6, R7)

    def _pays_this_month(self, cert: Certification, day: date) -> bool:
        months_to_due = (cert.anniversary_month - day.month) % 12
        due_year = day.year + (day.month + months_to_due - 1) // 12 - (months_to_due == 11)
        roll = self._chance(cert.certificate_number, due_year, "pays")  # one roll per fee year
        if months_to_due == 1:  # the renewal notice went out this month
            return roll < PAY_AFTER_NOTICE
        if months_to_due == 0:  # the due month: the reminder
            return PAY_AFTER_NOTICE <= roll < PAY_AFTER_NOTICE + PAY_AFTER_REMINDER
        if months_to_due == 11:  # the month after: past due
            low = PAY_AFTER_NOTICE + PAY_AFTER_REMINDER
            return low <= roll < low + PAY_AFTER_PAST_DUE
        return self._chance(cert.certificate_number, day, "settles") < LAPSED_MEMBER_PAYS

    def _pay_open_invoices(self, cert: Certification, day: date) -> None:
        status, body = self.sb.api(
            "GET", f"/members/{cert.member_id}/invoices", as_member=cert.member_id
        )
        if status != 200:
            self.report.counts[f"invoice list answered {status}"] += 1
            return
        for invoice in body["invoices"]:
            if (
                invoice["certificateNumber"] == cert.certificate_number
                and invoice["status"] == "OPEN"
            ):
                self._pay(invoice, by_check=self._chance(invoice["invoiceId"], "check") < BY_CHECK)

    def _pay(self, invoice: dict[str, Any], *, by_check: bool) -> None:
        if by_check:
            status, answer = self.sb.api(
                "POST",
                f"/staff/invoices/{invoice['invoiceId']}/payments",
                {"amount": invoice["amount"], "method": "CHECK", "reference": "check"},
                as_staff="cashier",
            )
            channel = "paid by check (staff)"
        else:
            status, answer = self.provider_webhook(
                {
                    "type": "payment.succeeded",
                    "paymentId": f"pay_{invoice['invoiceId']}",
                    "invoiceId": invoice["invoiceId"],
                    "amount": invoice["amount"],
                    "currency": invoice["currency"],
                }
            )
            channel = "paid through the provider webhook"
        key = channel if status < 300 else f"payment refused {answer.get('code', status)}"
        self.report.counts[key] += 1

    def provider_webhook(self, body: dict[str, Any]) -> tuple[int, Any]:
        """The payment provider's call: HMAC-SHA256 over "<timestamp>.<body>" (R6)."""
        raw = json.dumps(body)
        stamp = int(self.sb.now.timestamp())
        headers = {
            "Content-Type": "application/json",
            "X-Payment-Timestamp": str(stamp),
            "X-Payment-Signature": sign(self._webhook_secret(), stamp, raw),
        }
        return self.sb.api("POST", "/payments/webhook", raw, headers=headers)

    def _webhook_secret(self) -> str:
        if self._secret is None:
            secrets = self.sb.client("secretsmanager")
            answer = secrets.get_secret_value(SecretId=self.sb.env("PAYMENT_SECRET_ID"))
            self._secret = str(answer["SecretString"])
        return self._secret

    # ------------------------------------------------------------ CCP (R10-R13)

    def _record_activity(self, cert: Certification, day: date) -> None:
        title, hours = COURSES[
            int(self._chance(cert.certificate_number, day, "course") * len(COURSES))
        ]
        body = {
            "certificateNumber": cert.certificate_number,
            "category": "PROFESSIONAL_EDUCATION",
            "title": title,
            "provider": "Regional health education council",
            "completedOn": day.replace(day=min(day.day, 15)).isoformat(),
            "quantity": hours,
            "unit": "CONTACT_HOUR",
            "qualifies": "HEALTHCARE_KNOWLEDGE",
        }
        key = f"demo-{self.seed}-{cert.certificate_number}-{day.isoformat()}"  # one per activity
        status, answer = self.sb.api(
            "POST",
            f"/members/{cert.member_id}/activities",
            body,
            as_member=cert.member_id,
            headers={"Idempotency-Key": key},
        )
        if status < 300:
            self.report.counts["activities recorded by members"] += 1
        else:
            self.report.counts[f"activity refused {answer.get('code', status)}"] += 1

    def _complete_online_ce(self, cert: Certification, day: date) -> None:
        detail = {
            "completionId": f"LMS-{cert.certificate_number}-{day.isoformat()}",
            "memberId": cert.member_id,
            "certificateNumber": cert.certificate_number,
            "courseId": "ONLINE-CE-101",
            "title": "Online CE: patient communication",
            "contactHours": 3,
            "completedOn": day.replace(day=min(day.day, 20)).isoformat(),
        }
        self.sb.put_event("staycertified.learning", "CourseCompleted", detail)
        self.report.counts["online CE completions sent (R13)"] += 1


def _certification(row: dict[str, str]) -> Certification:
    anchor = date.fromisoformat(row.get("recertified_on") or row["certified_on"])
    return Certification(row["member_id"], row["certificate_number"], anchor.month)
