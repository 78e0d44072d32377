"""Finding 1 (R37): the pre-token-generation trigger puts in the token only the member id
the body's own record confirms (profile exists, email on file = the account's verified email)."""

from __future__ import annotations

from typing import Any

import pytest

from .support import function_module, load_rows, member_row
from .test_status_api import TODAY

trigger = function_module("pre_token")


def token_event(**attributes: str) -> dict[str, Any]:
    return {
        "version": "1",
        "triggerSource": "TokenGeneration_Authentication",
        "region": "us-east-1",
        "userPoolId": "us-east-1_pool",
        "userName": "someone",
        "request": {"userAttributes": {"sub": "abc", "email_verified": "true", **attributes}},
        "response": {"claimsOverrideDetails": None},
    }


@pytest.fixture
def members(table: Any) -> None:
    load_rows(table, [member_row("M1"), member_row("M2")], TODAY)


def decided(table: Any, event: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = trigger.handle(event, None, table=table)
    return result["response"]["claimsOverrideDetails"]


def test_r37_the_member_id_on_file_for_that_email_is_put_in_the_token(
    table: Any, members: None
) -> None:
    event = token_event(email="m1@example.org", **{"custom:member_id": "M1"})
    assert decided(table, event) == {"claimsToAddOrOverride": {"custom:member_id": "M1"}}


@pytest.mark.parametrize(
    "attributes",
    [
        {"email": "m1@example.org", "custom:member_id": "M2"},  # claims another member
        {"email": "attacker@example.org", "custom:member_id": "M1"},  # not the email on file
        {"email": "m1@example.org", "custom:member_id": "NOPE"},  # no such member
        {"email": "m1@example.org"},  # no member id at all
        {"custom:member_id": "M1"},  # no email
        {"email": "m1@example.org", "custom:member_id": "M1", "email_verified": "false"},
    ],
)
def test_r37_an_unconfirmed_member_id_is_suppressed(
    table: Any, members: None, attributes: dict[str, str]
) -> None:
    assert decided(table, token_event(**attributes)) == {"claimsToSuppress": ["custom:member_id"]}


def test_r37_the_trigger_never_grants_a_group(table: Any, members: None) -> None:
    event = token_event(email="m1@example.org", **{"custom:member_id": "M1"})
    assert "groupOverrideDetails" not in decided(table, event)
