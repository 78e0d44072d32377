"""Finding 1 (R37): what AWS enforces about identity, proven by reading the template
(moto neither enforces an app client's WriteAttributes nor runs Cognito triggers)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from staycertified_sandbox.template import load_template, translate

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "template.yaml"
SAM = load_template(TEMPLATE)
CFN = translate(TEMPLATE, "staycertified", "us-east-1", "123456789012", {}).cfn


def resources(kind: str, template: dict[str, Any] = CFN) -> dict[str, dict[str, Any]]:
    return {lid: r for lid, r in template["Resources"].items() if r["Type"] == kind}


def test_r37_no_self_sign_up_accounts_are_created_by_the_body() -> None:
    pools = resources("AWS::Cognito::UserPool")
    assert pools
    for pool in pools.values():
        assert pool["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True


def test_r37_no_app_client_may_write_the_member_id() -> None:
    clients = resources("AWS::Cognito::UserPoolClient")
    assert clients
    for client in clients.values():
        writable = client["Properties"].get("WriteAttributes")
        # Without WriteAttributes a client may write every writable attribute.
        assert writable is not None and "custom:member_id" not in writable


def test_r37_the_member_id_attribute_cannot_change_once_set() -> None:
    for pool in resources("AWS::Cognito::UserPool").values():
        [member_id] = [a for a in pool["Properties"]["Schema"] if a["Name"] == "member_id"]
        assert member_id["Mutable"] is False


def test_r37_a_pre_token_generation_trigger_from_the_template_sets_the_member_id() -> None:
    for pool in resources("AWS::Cognito::UserPool").values():
        trigger = pool["Properties"]["LambdaConfig"]["PreTokenGeneration"]
        function_id = trigger["Fn::GetAtt"][0]
        assert SAM["Resources"][function_id]["Properties"]["CodeUri"] == "functions/pre_token/"
    permissions = [
        p["Properties"]
        for p in resources("AWS::Lambda::Permission").values()
        if p["Properties"]["Principal"] == "cognito-idp.amazonaws.com"
    ]
    assert permissions and all("SourceArn" in p for p in permissions)


def test_r37_staff_only_through_the_staff_group_which_no_function_manages() -> None:
    groups = {
        g["Properties"]["GroupName"] for g in resources("AWS::Cognito::UserPoolGroup").values()
    }
    assert groups == {"staff"}
    for role_id, role in resources("AWS::IAM::Role").items():
        text = json.dumps(role["Properties"].get("Policies", []))
        for action in (
            "cognito-idp:*",
            "AdminAddUserToGroup",
            "AdminUpdateUserAttributes",
            "CreateGroup",
            "UpdateGroup",
        ):
            assert action not in text, (role_id, action)


def test_r37_every_jwt_authorizer_trusts_only_the_templates_pool_and_client() -> None:
    for api in resources("AWS::Serverless::HttpApi", SAM).values():
        for authorizer in api["Properties"]["Auth"]["Authorizers"].values():
            config = authorizer["JwtConfiguration"]
            assert config["issuer"] == {
                "Fn::Sub": "https://cognito-idp.${AWS::Region}.amazonaws.com/${UserPool}"
            }
            assert config["audience"] == [{"Ref": "UserPoolClient"}]


def test_course_completions_come_only_on_the_learning_bus_from_its_platform_finding_4() -> None:
    [(rule_id, rule)] = [
        (lid, r)
        for lid, r in resources("AWS::Events::Rule").items()
        if "staycertified.learning" in json.dumps(r["Properties"].get("EventPattern", {}))
    ]
    bus = rule["Properties"]["EventBusName"]
    assert bus == {"Fn::GetAtt": ["LearningEventBus", "Name"]}, rule_id
    policies = [
        p["Properties"]
        for p in resources("AWS::Events::EventBusPolicy").values()
        if p["Properties"]["EventBusName"] == bus
    ]
    allows = [p["Statement"] for p in policies if p["Statement"]["Effect"] == "Allow"]
    denies = [p["Statement"] for p in policies if p["Statement"]["Effect"] == "Deny"]
    assert [a["Principal"] for a in allows] == [{"AWS": {"Ref": "LearningPlatformPrincipal"}}]
    assert [d["Condition"] for d in denies] == [
        {"ArnNotEquals": {"aws:PrincipalArn": {"Ref": "LearningPlatformPrincipal"}}}
    ]
    [target] = rule["Properties"]["Targets"]
    assert "<aws.events.event.ingestion-time>" in target["InputTransformer"]["InputTemplate"]
