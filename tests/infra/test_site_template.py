"""The web site's hosting in template.yaml (S3 + CloudFront) and its files:
HTTPS only, origin access control, the same security headers as `staycertified
serve`, no inline script or style anywhere, config injected at deploy time."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from staycertified_sandbox.template import load_template
from staycertified_sandbox.web import CONTENT_SECURITY_POLICY, SITE_ROOT, site_config

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def resources() -> dict[str, Any]:
    return load_template(ROOT / "template.yaml")["Resources"]


def _directives(policy: str) -> dict[str, list[str]]:
    found = {}
    for part in policy.split(";"):
        name, *values = part.split()
        found[name] = values
    return found


def _of_type(resources: dict[str, Any], kind: str) -> dict[str, Any]:
    return {k: v for k, v in resources.items() if v["Type"] == kind}


def test_cloudfront_sends_the_local_csp_with_only_the_api_signin_and_uploads_added(
    resources: dict[str, Any],
) -> None:
    (policy,) = _of_type(resources, "AWS::CloudFront::ResponseHeadersPolicy").values()
    headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    deployed = _directives(headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"])
    local = _directives(CONTENT_SECURITY_POLICY)
    assert set(deployed) == set(local)
    for name, values in local.items():
        if name == "connect-src":
            assert deployed[name][0] == "'self'" and len(deployed[name]) == 4
            assert all(v.startswith("https://") for v in deployed[name][1:])
        else:
            assert deployed[name] == values, name
    assert "unsafe" not in headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]["Fn::Sub"]
    assert local["frame-ancestors"] == ["'none'"]
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    assert headers["FrameOptions"]["FrameOption"] == "DENY"


def test_every_cache_behaviour_is_https_only_with_the_security_headers(
    resources: dict[str, Any],
) -> None:
    (distribution,) = _of_type(resources, "AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    behaviours = [config["DefaultCacheBehavior"], *config.get("CacheBehaviors", [])]
    (policy_id,) = _of_type(resources, "AWS::CloudFront::ResponseHeadersPolicy")
    for behaviour in behaviours:
        assert behaviour["ViewerProtocolPolicy"] == "https-only"
        assert behaviour["ResponseHeadersPolicyId"] == {"Ref": policy_id}
    (oac,) = _of_type(resources, "AWS::CloudFront::OriginAccessControl")
    for origin in config["Origins"]:
        assert origin["OriginAccessControlId"] == {"Fn::GetAtt": [oac, "Id"]}


def test_the_site_bucket_is_private_and_read_by_this_distribution_only(
    resources: dict[str, Any],
) -> None:
    bucket = resources["SiteBucket"]["Properties"]
    assert all(bucket["PublicAccessBlockConfiguration"].values())
    statements = resources["SiteBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]
    allow = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allow) == 1 and allow[0]["Principal"] == {"Service": "cloudfront.amazonaws.com"}
    assert allow[0]["Action"] == "s3:GetObject"
    assert "SiteDistribution" in str(allow[0]["Condition"])


def test_config_json_is_injected_at_deploy_time_with_the_keys_the_site_reads(
    resources: dict[str, Any],
) -> None:
    (function,) = _of_type(resources, "AWS::CloudFront::Function").values()
    code = function["Properties"]["FunctionCode"]["Fn::Sub"]
    for variable in ("HttpApi", "UserPool", "UserPoolClient", "UserPoolDomain", "CheckoutUrl"):
        assert "${" + variable + "}" in code
    local = site_config(8000)
    for key in ("apiBase", "checkoutUrl", *local["auth"]):
        assert f"{key}:" in code, key


PAGES = sorted(SITE_ROOT.glob("*.html")) + sorted(
    (ROOT / "infra" / "staycertified_sandbox" / "checkout").glob("*.html")
)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_pages_have_no_inline_script_style_or_handler(page: Path) -> None:
    text = page.read_text()
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", text, re.S)
    assert scripts, "every page loads its module"
    for attributes, body in scripts:
        assert 'src="' in attributes and body.strip() == ""
    assert "<style" not in text and not re.search(r"\sstyle=", text)
    assert not re.search(r"\son[a-z]+=", text)


def test_modules_set_no_inline_style_attribute() -> None:
    for module in (SITE_ROOT / "assets" / "js").glob("*.mjs"):
        assert not re.search(r"\sstyle=", module.read_text()), module.name
