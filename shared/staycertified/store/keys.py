"""DynamoDB keys of the single table, designed from the access patterns.

One table (`TABLE_NAME`), generic keys `PK`/`SK` and three overloaded GSIs.
Every item about a member lives in the member's partition, so the status check
reads it all in one Query.

| access pattern                                   | key or index                                         |
|--------------------------------------------------|------------------------------------------------------|
| everything about a member (status check, R37)    | Query PK = MEMBER#<memberId>                         |
| member profile                                   | PK = MEMBER#<memberId>, SK = PROFILE                 |
| certification                                    | SK = CERT#<certNo>                                   |
| certification by certificate number (R38, APIs)  | GSI2: GSI2PK = CERTNO#<certNo>, GSI2SK = CERT        |
| certifications by anniversary month (R3, R4)     | GSI1: GSI1PK = ANNIV#<MM>, GSI1SK = CERT#<certNo>    |
| a certification's cycles                         | SK begins_with CERT#<certNo>#CYCLE#                  |
| cycles ending in a month (daily sweep, R16, R21) | GSI1: GSI1PK = CYCLEEND#<YYYY-MM>, GSI1SK = <end>#<certNo> |
| rollovers in a year (audit pool, R25)            | GSI3: GSI3PK = ROLLOVER#<YYYY>, GSI3SK = <advancedOn>#<certNo> |
| activities of a certification                    | SK begins_with CERT#<certNo>#ACT#                    |
| provider CE completion, once (R13)               | PK = PROVIDERCE#<completionId>, SK = COMPLETION (condition) |
| attestation of a cycle (R18)                     | SK = CERT#<certNo>#ATTEST#<cycleStart>               |
| invoice of a membership year, once (R3)          | SK = CERT#<certNo>#INV#<year> (condition)            |
| a recertification application's fee invoice (R29)| SK = CERT#<certNo>#RECERTFEE#<applicationId>         |
| invoice by id (webhook, staff payment)           | GSI2: GSI2PK = INVOICE#<invoiceId>, GSI2SK = INVOICE |
| payment, once per provider payment id (R7)       | PK = PAYMENT#<paymentId>, SK = PAYMENT (condition)   |
| notice ledger, once per step and channel (R5)    | SK = CERT#<certNo>#NOTICE#<period>#<step>#<channel> (condition) |
| member by certificate number, anonymous (R38)    | GSI2 as above (the certification item carries last name for the check) |
| audit case of a member (R26, R37)                | SK = AUDIT#<caseId> (store.audit_cases)              |
| recertification application (R28, R29)          | SK = RECERTAPP#<applicationId> (store.audit_cases)   |
| audit cases by status, oldest first (R27)        | GSI1: GSI1PK = AUDITSTATUS#<status>, GSI1SK = <openedOn>#<caseId> (store.audit_cases) |
| uploaded document, one per grant (R15)           | SK = DOC#<ownerId>#<documentId> (condition; store.documents) |
| document by id (staff review, R27)               | GSI2: GSI2PK = DOCUMENT#<documentId>, GSI2SK = DOCUMENT (store.documents) |
| the year's audit draw, once (R25)                | PK = AUDIT#<year>, SK = DRAW (condition; store.audit_draws) |
| activity write, once per Idempotency-Key         | PK = MEMBER#<memberId>, SK = IDEMPOTENCY#<sha256> (store.activities) |
| the daily sweep's watermark                      | PK = LIFECYCLE, SK = LAST_SWEEP (store.cycles)       |
| staff search by last name (prefix)               | GSI1: GSI1PK = MEMBERNAME#<initial>, GSI1SK = <last>#<first>#<memberId> (profile) |
| staff search by email (exact)                    | GSI3: GSI3PK = MEMBEREMAIL#<email>, GSI3SK = <memberId> (profile) |
| contact change, audited                          | PK = MEMBER#<memberId>, SK = CONTACT#<instant>#<id> (store.members) |
| recertification-required notices to send (R42)  | GSI3: GSI3PK = NOTICEDUE#RECERTIFICATION_REQUIRED, GSI3SK = <since>#<certNo> on the certification item (sparse, removed once sent; store.cycles) |
| lapse of a certification, once (R21)            | SK = CERT#<certNo>#LAPSE#<since>#<reason> (condition; store.lapses) |
| provider payments for void invoices, to refund (R42) | GSI3: GSI3PK = REFUNDDUE, GSI3SK = <receivedOn>#<paymentId> on the payment item (store.payments) |

Where a module other than this one builds a key, the row names it.

Identifiers are upper-cased where they are codes; dates are ISO `YYYY-MM-DD`,
so string order is date order.
"""

from __future__ import annotations

from datetime import date

PROFILE = "PROFILE"


def member_pk(member_id: str) -> str:
    return f"MEMBER#{member_id}"


def cert_sk(certificate_number: str) -> str:
    return f"CERT#{certificate_number}"


def cert_prefix(certificate_number: str) -> str:
    """Prefix of every item that belongs to one certification (its own item excluded)."""
    return f"CERT#{certificate_number}#"


def certno_gsi2pk(certificate_number: str) -> str:
    return f"CERTNO#{certificate_number}"


def anniversary_gsi1pk(month: int) -> str:
    return f"ANNIV#{month:02d}"


def lapse_sk(certificate_number: str, since: date, reason: str) -> str:
    return f"CERT#{certificate_number}#LAPSE#{since.isoformat()}#{reason}"


def cycle_sk(certificate_number: str, start: date) -> str:
    return f"CERT#{certificate_number}#CYCLE#{start.isoformat()}"


def cycle_end_gsi1pk(end: date) -> str:
    return f"CYCLEEND#{end.year:04d}-{end.month:02d}"


def cycle_end_gsi1sk(end: date, certificate_number: str) -> str:
    return f"{end.isoformat()}#{certificate_number}"


def rollover_gsi3pk(year: int) -> str:
    return f"ROLLOVER#{year:04d}"


def rollover_gsi3sk(advanced_on: date, certificate_number: str) -> str:
    return f"{advanced_on.isoformat()}#{certificate_number}"


def activity_sk(certificate_number: str, effective: date, activity_id: str) -> str:
    return f"CERT#{certificate_number}#ACT#{effective.isoformat()}#{activity_id}"


def provider_ce_pk(completion_id: str) -> str:
    return f"PROVIDERCE#{completion_id}"


def attestation_sk(certificate_number: str, cycle_start: date) -> str:
    return f"CERT#{certificate_number}#ATTEST#{cycle_start.isoformat()}"


def invoice_sk(certificate_number: str, membership_year: int) -> str:
    return f"CERT#{certificate_number}#INV#{membership_year:04d}"


def invoice_gsi2pk(invoice_id: str) -> str:
    return f"INVOICE#{invoice_id}"


def payment_pk(payment_id: str) -> str:
    return f"PAYMENT#{payment_id}"


def notice_sk(certificate_number: str, period: str, step: str, channel: str) -> str:
    return f"CERT#{certificate_number}#NOTICE#{period}#{step}#{channel}"


def search_text(text: str) -> str:
    """Names and emails as the staff search compares them: case and spaces folded."""
    return " ".join(text.split()).casefold()


def member_name_gsi1pk(last_name: str) -> str:
    initial = search_text(last_name)[:1] or "_"
    return f"MEMBERNAME#{initial}"


def member_name_gsi1sk(last_name: str, first_name: str, member_id: str) -> str:
    return f"{search_text(last_name)}#{search_text(first_name)}#{member_id}"


def member_email_gsi3pk(email: str) -> str:
    return f"MEMBEREMAIL#{search_text(email)}"


def contact_change_sk(instant: str, change_id: str) -> str:
    return f"CONTACT#{instant}#{change_id}"


RECERT_NOTICE_DUE_GSI3PK = "NOTICEDUE#RECERTIFICATION_REQUIRED"
REFUND_DUE_GSI3PK = "REFUNDDUE"


def recert_notice_due_gsi3sk(since: date, certificate_number: str) -> str:
    return f"{since.isoformat()}#{certificate_number}"


def refund_due_gsi3sk(received_on: date, payment_id: str) -> str:
    return f"{received_on.isoformat()}#{payment_id}"


def application_fee_sk(certificate_number: str, application_id: str) -> str:
    return f"CERT#{certificate_number}#RECERTFEE#{application_id}"
