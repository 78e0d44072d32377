"""R41: only the learning platform's IAM principal is answered (staycertified.benefits)."""

from __future__ import annotations

import pytest

from staycertified.benefits import is_platform

ROLE = "arn:aws:iam::123456789012:role/learning-platform"
ACCOUNT = "123456789012"


@pytest.mark.parametrize(
    "caller",
    [
        "arn:aws:sts::123456789012:assumed-role/learning-platform/checkout-1",
        "arn:aws:sts::123456789012:assumed-role/learning-platform/i-0abc",
    ],
)
def test_r41_any_session_of_the_platform_role_is_the_platform(caller: str) -> None:
    assert is_platform(caller, ACCOUNT, ROLE)


def test_r41_a_role_with_a_path_is_matched_by_its_name() -> None:
    role = "arn:aws:iam::123456789012:role/services/learning-platform"
    caller = "arn:aws:sts::123456789012:assumed-role/learning-platform/s"
    assert is_platform(caller, ACCOUNT, role)


@pytest.mark.parametrize(
    "caller",
    [
        "",
        "arn:aws:sts::123456789012:assumed-role/learning-platform-admin/s",
        "arn:aws:sts::123456789012:assumed-role/other/learning-platform",
        "arn:aws:sts::999999999999:assumed-role/learning-platform/s",
        "arn:aws-cn:sts::123456789012:assumed-role/learning-platform/s",
        "arn:aws:iam::123456789012:user/learning-platform",
        "arn:aws:iam::123456789012:root",
    ],
)
def test_r41_anyone_else_is_not_the_platform(caller: str) -> None:
    assert not is_platform(caller, ACCOUNT, ROLE)


def test_r41_an_account_root_principal_admits_that_account_only() -> None:
    root = "arn:aws:iam::123456789012:root"
    assert is_platform("arn:aws:sts::123456789012:assumed-role/any/s", ACCOUNT, root)
    assert not is_platform("arn:aws:sts::999999999999:assumed-role/any/s", "999999999999", root)


def test_r41_no_principal_configured_admits_nobody() -> None:
    caller = "arn:aws:sts::123456789012:assumed-role/learning-platform/s"
    assert not is_platform(caller, ACCOUNT, "")
