"""A use-case's refusal: a stable code, a message and the rules broken, never an HTTP
status (STYLE §4). The edge maps the code: `staycertified.api.errors.STATUS_BY_CODE`
and `api.errors.from_refusal` for the HTTP API.

A rule the member can fix is a `domain.errors.DomainError` (422 on the API); a
`Refused` is what a use-case answers about the request as a whole: the member or
certification named does not exist (`Unknown`), the request repeats another one, or
what it asks for was done already. Nothing is written when one is raised.
"""

from __future__ import annotations

from collections.abc import Sequence

from staycertified.domain.errors import DomainError

NOT_FOUND = "NOT_FOUND"
IDEMPOTENCY_KEY_REUSED = "IDEMPOTENCY_KEY_REUSED"
CERTIFICATE_NUMBER_REQUIRED = "CERTIFICATE_NUMBER_REQUIRED"
ATTESTATION_ALREADY_FILED = "ATTESTATION_ALREADY_FILED"


class Refused(Exception):
    """Refused with a stable `code`; `reasons` lists each broken rule (rule, code, message)."""

    def __init__(self, code: str, message: str, reasons: Sequence[DomainError] = ()) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code
        self.message = message
        self.reasons = tuple(reasons)


class Unknown(Refused):
    """No such member (or certification, application): the same answer as one the caller
    may not read (R37, R38), so ids are no oracle."""

    def __init__(self, what: str = "member") -> None:
        super().__init__(NOT_FOUND, f"No such {what}.")
        self.what = what
