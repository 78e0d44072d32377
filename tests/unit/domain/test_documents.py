"""R15: the upload grant and the check of what reached the bucket (domain.documents).

Pure: the owner (an audit case or recertification application) is described by an
`UploadOwner`; the policy gives the accepted types, the size limit and the grant's life.
"""

from __future__ import annotations

from datetime import date

import pytest

from staycertified.domain import errors
from staycertified.domain.documents import (
    ObjectCheck,
    UploadOwner,
    UploadPurpose,
    check_object,
    decide_grant,
    sniff_type,
)
from staycertified.domain.errors import DomainError
from staycertified.policy import Policy

TODAY = date(2027, 3, 10)
DEADLINE = date(2027, 3, 31)
PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def owner(
    *,
    open_: bool = True,
    deadline: date | None = DEADLINE,
    item_ids: frozenset[str] | None = frozenset({"I-1", "I-2"}),
    reason: str = "",
) -> UploadOwner:
    return UploadOwner(
        purpose=UploadPurpose.AUDIT,
        owner_id="AUD-2027-C-1",
        open=open_,
        deadline=deadline,
        item_ids=item_ids,
        reason=reason,
    )


def refusal(policy: Policy, the_owner: UploadOwner | None, **overrides: object) -> DomainError:
    request: dict[str, object] = {
        "item_id": "I-1",
        "content_type": "application/pdf",
        "size": 1000,
        "today": TODAY,
        "policy": policy,
    }
    request.update(overrides)
    with pytest.raises(DomainError) as raised:
        decide_grant(the_owner, **request)
    assert raised.value.rule == "R15"
    return raised.value


# ---------------------------------------------------------------- the grant


def test_r15_a_grant_for_an_open_case_fixes_the_type_size_limit_and_minutes(
    policy: Policy,
) -> None:
    grant = decide_grant(
        owner(), item_id="I-2", content_type="image/png", size=2048, today=TODAY, policy=policy
    )
    assert grant.content_type == "image/png"
    assert grant.max_bytes == policy.documents.max_bytes.at(TODAY) == 10 * 1024 * 1024
    assert grant.minutes == policy.documents.grant_minutes.at(TODAY) == 15
    assert grant.rules == ("R15",)


def test_r15_no_owner_means_no_upload(policy: Policy) -> None:
    error = refusal(policy, None)
    assert error.code == errors.DOCUMENT_UPLOAD_NOT_ALLOWED
    assert "own open audit case or recertification application" in error.message


def test_r15_a_closed_owner_takes_no_documents_and_says_why(policy: Policy) -> None:
    error = refusal(policy, owner(open_=False, reason="PASSED"))
    assert error.code == errors.DOCUMENT_UPLOAD_NOT_ALLOWED
    assert error.message == "AUD-2027-C-1 does not take documents (PASSED)"


def test_r15_a_closed_owner_without_a_reason_is_called_closed(policy: Policy) -> None:
    assert refusal(policy, owner(open_=False)).message.endswith("(closed)")


def test_r15_the_deadline_day_itself_still_takes_documents(policy: Policy) -> None:
    grant = decide_grant(
        owner(),
        item_id="I-1",
        content_type="application/pdf",
        size=1,
        today=DEADLINE,
        policy=policy,
    )
    assert grant.content_type == "application/pdf"


def test_r15_the_day_after_the_deadline_is_refused_with_the_deadline(policy: Policy) -> None:
    error = refusal(policy, owner(), today=date(2027, 4, 1))
    assert error.code == errors.DOCUMENT_DEADLINE_PASSED
    assert "2027-03-31" in error.message


def test_r15_an_owner_without_a_deadline_takes_documents_any_day(policy: Policy) -> None:
    grant = decide_grant(
        owner(deadline=None),
        item_id="I-1",
        content_type="image/jpeg",
        size=5,
        today=date(2030, 1, 1),
        policy=policy,
    )
    assert grant.content_type == "image/jpeg"


def test_r15_an_item_the_owner_does_not_have_is_refused(policy: Policy) -> None:
    error = refusal(policy, owner(), item_id="I-9")
    assert error.code == errors.DOCUMENT_ITEM_UNKNOWN
    assert "I-9" in error.message


def test_r15_an_owner_without_items_refuses_every_item_id(policy: Policy) -> None:
    assert refusal(policy, owner(item_ids=None)).code == errors.DOCUMENT_ITEM_UNKNOWN


def test_r15_an_owner_without_items_takes_a_document_for_no_item(policy: Policy) -> None:
    grant = decide_grant(
        owner(item_ids=None),
        item_id=None,
        content_type="application/pdf",
        size=10,
        today=TODAY,
        policy=policy,
    )
    assert grant.max_bytes == policy.documents.max_bytes.at(TODAY)


def test_r15_a_type_outside_the_policy_is_refused_and_the_accepted_types_listed(
    policy: Policy,
) -> None:
    error = refusal(policy, owner(), content_type="application/zip")
    assert error.code == errors.DOCUMENT_TYPE_NOT_ACCEPTED
    assert error.message == "accepted types are application/pdf, image/jpeg, image/png"


def test_r15_an_empty_file_is_refused(policy: Policy) -> None:
    error = refusal(policy, owner(), size=0)
    assert (error.code, error.message) == (errors.DOCUMENT_EMPTY, "the file is empty")
    assert refusal(policy, owner(), size=-1).code == errors.DOCUMENT_EMPTY


def test_r15_the_size_limit_is_inclusive(policy: Policy) -> None:
    limit = policy.documents.max_bytes.at(TODAY)
    grant = decide_grant(
        owner(),
        item_id="I-1",
        content_type="application/pdf",
        size=limit,
        today=TODAY,
        policy=policy,
    )
    assert grant.max_bytes == limit
    error = refusal(policy, owner(), size=limit + 1)
    assert error.code == errors.DOCUMENT_TOO_LARGE
    assert str(limit) in error.message


def test_r15_the_owner_is_judged_before_the_file(policy: Policy) -> None:
    error = refusal(policy, owner(open_=False), content_type="application/zip", size=0)
    assert error.code == errors.DOCUMENT_UPLOAD_NOT_ALLOWED


# ---------------------------------------------------------------- the object's content


@pytest.mark.parametrize(
    ("head", "kind"),
    [(PDF_HEAD, "application/pdf"), (JPEG_HEAD, "image/jpeg"), (PNG_HEAD, "image/png")],
)
def test_r15_the_type_is_judged_by_the_content(head: bytes, kind: str) -> None:
    assert sniff_type(head) == kind


@pytest.mark.parametrize("head", [b"", b"PK\x03\x04zip", b"<html>", b"%PD", b"\x89PNG\r\n"])
def test_r15_content_that_is_none_of_the_accepted_types_has_no_type(head: bytes) -> None:
    assert sniff_type(head) is None


def check(**overrides: object) -> ObjectCheck:
    request: dict[str, object] = {
        "size": 1000,
        "head": PDF_HEAD,
        "granted_type": "application/pdf",
        "max_bytes": 2000,
        "owner": owner(),
        "today": TODAY,
    }
    request.update(overrides)
    return check_object(**request)


def test_r15_an_object_that_matches_its_grant_passes_with_its_detected_type() -> None:
    verdict = check()
    assert verdict.passed
    assert verdict.code is None
    assert verdict.detected_type == "application/pdf"


@pytest.mark.parametrize("the_owner", [None, owner(open_=False)])
def test_r15_an_object_for_an_owner_no_longer_open_fails(the_owner: UploadOwner | None) -> None:
    verdict = check(owner=the_owner)
    assert not verdict.passed
    assert verdict.code == errors.DOCUMENT_UPLOAD_NOT_ALLOWED
    assert verdict.reason == "the audit case or application no longer takes documents"


def test_r15_an_object_received_after_the_deadline_fails() -> None:
    assert check(today=DEADLINE).passed
    verdict = check(today=date(2027, 4, 1))
    assert verdict.code == errors.DOCUMENT_DEADLINE_PASSED
    assert "2027-03-31" in verdict.reason


def test_r15_an_object_of_an_owner_without_a_deadline_is_never_late() -> None:
    assert check(owner=owner(deadline=None), today=date(2031, 1, 1)).passed


def test_r15_an_empty_object_fails_and_a_one_byte_object_is_judged_by_its_content() -> None:
    verdict = check(size=0)
    assert (verdict.code, verdict.reason) == (errors.DOCUMENT_EMPTY, "the file is empty")
    assert check(size=1).passed


def test_r15_an_object_over_its_grant_fails_and_at_the_limit_passes() -> None:
    assert check(size=2000).passed
    verdict = check(size=2001)
    assert verdict.code == errors.DOCUMENT_TOO_LARGE
    assert verdict.reason == "the file is 2001 bytes; at most 2000 are allowed"


def test_r15_an_object_whose_content_is_no_accepted_type_fails() -> None:
    verdict = check(head=b"MZ\x90\x00 an executable")
    assert verdict.code == errors.DOCUMENT_TYPE_NOT_ACCEPTED
    assert verdict.reason == "the file's content is not a PDF, JPEG or PNG"
    assert verdict.detected_type is None


def test_r15_an_object_whose_content_differs_from_the_granted_type_fails_naming_both() -> None:
    verdict = check(head=PNG_HEAD)
    assert verdict.code == errors.DOCUMENT_TYPE_NOT_ACCEPTED
    assert verdict.detected_type == "image/png"
    assert verdict.reason == "the file's content is image/png, not the application/pdf granted"


def test_r15_the_owner_is_checked_before_the_size_and_content() -> None:
    verdict = check(owner=None, size=0, head=b"")
    assert verdict.code == errors.DOCUMENT_UPLOAD_NOT_ALLOWED
