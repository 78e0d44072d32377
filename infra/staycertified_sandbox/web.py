"""What `staycertified serve` adds for a browser, beside the API (same origin):

- the site (`web/site`: member portal, staff console, public pages) with the
  security headers CloudFront sends in AWS (`SECURITY_HEADERS`, the template's
  `SiteSecurityHeaders` policy: a test keeps the two equal);
- `/config.json`, the settings the site reads first (in AWS a CloudFront
  Function answers it with the values the template injects at deploy time);
- the development sign-in (`/_sandbox/accounts`, `/_sandbox/signin`): a few
  sample members and a staff account, each signed in through the sandbox's
  Cognito user pool (a real ID token, verified like API Gateway does);
- a stand-in for the payment provider's hosted checkout (`/_sandbox/checkout/`):
  a page that shows the invoice and, on "Pay", calls the signed payment webhook
  exactly as the provider would (HMAC-SHA256 with the stack's webhook secret).
"""

from __future__ import annotations

import csv
import json
import mimetypes
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from .sandbox import Sandbox

REPO_ROOT = Path(__file__).resolve().parents[2]
SITE_ROOT = REPO_ROOT / "web" / "site"
CHECKOUT_ROOT = Path(__file__).resolve().parent / "checkout"
CHECKOUT_PATH = "/_sandbox/checkout/"

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob:",
        "font-src 'self'",
        "connect-src 'self'",
        "frame-src 'self' blob:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
STAFF_ACCOUNT = "alice"
STATUS_WANTED = ("LAPSED", "ACTIVE", "RECERTIFICATION_REQUIRED")


@dataclass
class Answer:
    status: int
    body: bytes
    content_type: str
    headers: dict[str, str] = field(default_factory=dict)


def _json(status: int, value: Any) -> Answer:
    return Answer(status, json.dumps(value).encode(), "application/json")


def static_file(path: str) -> Answer | None:
    """A file of the site (or of the stand-in checkout) for a GET path, or None."""
    if path.startswith(CHECKOUT_PATH):
        root, relative = CHECKOUT_ROOT, path[len(CHECKOUT_PATH) :] or "index.html"
    else:
        root, relative = SITE_ROOT, path.lstrip("/") or "index.html"
    if relative.endswith("/"):
        relative += "index.html"
    target = (root / relative).resolve()
    if not target.is_relative_to(root.resolve()) or not target.is_file():
        return None
    content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
    if target.suffix in {".js", ".mjs"}:
        content_type = "text/javascript"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    return Answer(200, target.read_bytes(), content_type, {"Cache-Control": "no-cache"})


def site_config(port: int) -> dict[str, Any]:
    """What the site reads at start (in AWS: API URL, pool and client ids, checkout)."""
    return {
        "apiBase": "",
        "auth": {"mode": "development", "signInPage": "/signin.html"},
        "checkoutUrl": CHECKOUT_PATH,
        "environment": f"sandbox on 127.0.0.1:{port}",
    }


class WebStandIns:
    """The sandbox-only routes (sign-in, checkout), for one running sandbox."""

    def __init__(self, sb: Sandbox, members_csv: Path | None) -> None:
        self.sb = sb
        self.members_csv = members_csv
        self._accounts: dict[str, Any] | None = None

    # ------------------------------------------------------------ sign-in

    def accounts(self) -> Answer:
        if self._accounts is None:
            self._accounts = {"members": self._sample_members(), "staff": [STAFF_ACCOUNT]}
        return _json(200, self._accounts)

    def _sample_members(self) -> list[dict[str, Any]]:
        """The first member of each standing, then a few more: enough to try every page."""
        if self.members_csv is None or not self.members_csv.is_file():
            return []
        with self.members_csv.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        chosen: dict[str, dict[str, Any]] = {}
        extra: list[dict[str, Any]] = []
        seen: set[str] = set()
        for row in rows[:300]:
            member_id = row["member_id"]
            if member_id in seen:
                continue
            seen.add(member_id)
            status, body = self.sb.api("GET", f"/members/{member_id}/status", as_staff="sign-in")
            if status != 200 or not body["certifications"]:
                continue
            standing = body["certifications"][0]["status"]
            entry = {
                "memberId": member_id,
                "name": f"{row['first_name']} {row['last_name']}",
                "standing": standing,
                "certificate": body["certifications"][0]["certificateNumber"],
            }
            if standing in STATUS_WANTED and standing not in chosen:
                chosen[standing] = entry
            elif len(extra) < 3:
                extra.append(entry)
            if len(chosen) == len(STATUS_WANTED) and len(extra) >= 3:
                break
        return [chosen[s] for s in STATUS_WANTED if s in chosen] + extra

    def sign_in(self, body: bytes | None) -> Answer:
        """A real ID token of the sandbox's user pool (`sb.id_token`, the same as
        `POST /_sandbox/token`) for a sample member or the staff account."""
        try:
            request = json.loads(body or b"{}")
        except ValueError:
            request = {}
        if not isinstance(request, dict):
            request = {}
        member_id, staff = request.get("memberId"), request.get("staff")
        if isinstance(staff, str) and staff:
            token = self.sb.id_token(as_staff=staff)
            return _json(200, {"idToken": token, "role": "staff", "name": staff})
        if isinstance(member_id, str) and member_id:
            status, _ = self.sb.api("GET", f"/members/{member_id}/status", as_member=member_id)
            if status != 200:
                return _json(404, {"code": "NOT_FOUND", "message": "No such member."})
            token = self.sb.id_token(as_member=member_id)
            return _json(200, {"idToken": token, "role": "member", "memberId": member_id})
        return _json(400, {"code": "VALIDATION_FAILED", "message": "memberId or staff"})

    # ------------------------------------------------------------ hosted checkout

    def checkout_invoice(self, query: dict[str, str]) -> Answer:
        """What the provider's checkout page shows: the invoice's amount and status."""
        from staycertified.store.invoices import find_invoice

        invoice = find_invoice(self.sb.table, query.get("invoiceId", ""))
        if invoice is None:
            return _json(404, {"code": "NOT_FOUND", "message": "No such invoice."})
        return _json(
            200,
            {
                "invoiceId": invoice.invoice_id,
                "amount": f"{invoice.amount:.2f}",
                "currency": invoice.currency,
                "status": invoice.status.value,
                "membershipYear": invoice.membership_year,
            },
        )

    def checkout_pay(self, body: bytes | None) -> Answer:
        """Completes a payment as the provider does: a signed `payment.succeeded`
        webhook call for the invoice's amount."""
        from staycertified.payments.signature import sign
        from staycertified.store.invoices import find_invoice

        try:
            request = json.loads(body or b"{}")
            invoice_id = str(request["invoiceId"])
        except (ValueError, KeyError, TypeError):
            return _json(400, {"code": "VALIDATION_FAILED", "message": "invoiceId"})
        invoice = find_invoice(self.sb.table, invoice_id)
        if invoice is None:
            return _json(404, {"code": "NOT_FOUND", "message": "No such invoice."})
        event = {
            "type": "payment.succeeded",
            "paymentId": "pay_" + uuid.uuid4().hex[:16],
            "invoiceId": invoice.invoice_id,
            "amount": f"{invoice.amount:.2f}",
            "currency": invoice.currency,
            "paidAt": self.sb.now.isoformat().replace("+00:00", "Z"),
        }
        raw = json.dumps(event)
        stamp = int(self.sb.now.timestamp())
        headers = {
            "X-Payment-Timestamp": str(stamp),
            "X-Payment-Signature": sign(self._webhook_secret(), stamp, raw),
            "Content-Type": "application/json",
        }
        status, answer = self.sb.api("POST", "/payments/webhook", raw, headers=headers)
        return _json(200 if status < 300 else 502, {"webhookStatus": status, "webhook": answer})

    def _webhook_secret(self) -> str:
        secrets = self.sb.client("secretsmanager")
        return str(
            secrets.get_secret_value(SecretId=self.sb.env("PAYMENT_SECRET_ID"))["SecretString"]
        )

    def payment_webhook_signing(self, *, staff: bool) -> Answer:
        """What a test call to the payment webhook against `serve` needs (R6): this
        sandbox's shared secret (the one `PAYMENT_SECRET_ID` names) and the simulated
        time to sign at (the webhook accepts a timestamp within 300 s of the request's
        time, which is the simulated clock). Staff only, and on 127.0.0.1 only."""
        if not staff:
            return _json(401, {"message": "Unauthorized"})
        return _json(
            200,
            {
                "secretId": self.sb.env("PAYMENT_SECRET_ID"),
                "secret": self._webhook_secret(),
                "timestamp": int(self.sb.now.timestamp()),
                "signature": 'X-Payment-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>',
            },
        )


# ------------------------------------------------------------ the documents bucket

S3_PROXY_PATH = "/_sandbox/s3"


def _documents_bucket_url(sb: Sandbox, url: str) -> bool:
    """Only the documents bucket's own endpoints are relayed."""
    from urllib.parse import urlsplit

    bucket = sb.env("DOCUMENTS_BUCKET")
    parts = urlsplit(url)
    host = parts.hostname or ""
    return (
        parts.scheme == "https"
        and (
            host.startswith(f"{bucket}.s3")
            or (host.startswith("s3") and parts.path.startswith(f"/{bucket}"))
        )
        and host.endswith(".amazonaws.com")
    )


def relay_urls(sb: Sandbox, value: Any) -> Any:
    """API answers as the browser gets them: a presigned documents-bucket URL (upload
    grant, download link) is replaced by this server's relay to the embedded S3,
    which the browser cannot reach (in AWS the browser goes to S3 directly)."""
    from urllib.parse import quote

    if isinstance(value, dict):
        return {k: relay_urls(sb, v) for k, v in value.items()}
    if isinstance(value, list):
        return [relay_urls(sb, v) for v in value]
    if isinstance(value, str) and value.startswith("https://") and _documents_bucket_url(sb, value):
        return f"{S3_PROXY_PATH}?target={quote(value, safe='')}"
    return value


def s3_relay(
    sb: Sandbox, method: str, query: dict[str, str], body: bytes | None, content_type: str
) -> Answer:
    """The browser's form POST (upload grant) or GET (presigned download) of the
    documents bucket, relayed to the embedded S3 as it was sent."""
    import requests

    target = query.get("target", "")
    if not _documents_bucket_url(sb, target):
        return _json(400, {"code": "VALIDATION_FAILED", "message": "not the documents bucket"})
    if method == "POST":
        answer = requests.post(
            target, data=body or b"", headers={"Content-Type": content_type}, timeout=60
        )
    else:
        answer = requests.get(target, timeout=60)
    kind = answer.headers.get("Content-Type", "application/octet-stream")
    return Answer(answer.status_code, answer.content, kind)
