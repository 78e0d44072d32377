"""Domain errors (stable codes) and the cheap package import."""

from __future__ import annotations

import subprocess
import sys

import pytest

import staycertified.domain as domain
from staycertified.domain.errors import DomainError, RuleViolations, raise_all


def test_rule_violations_carry_every_code() -> None:
    errors = [DomainError("A", "first", "R1"), DomainError("B", "second", "R2")]
    caught = RuleViolations(errors)
    assert (caught.code, caught.rule, caught.codes) == ("A", "R1", ["A", "B"])
    assert caught.message == "first; second"
    assert errors[0].as_dict() == {"code": "A", "message": "first", "rule": "R1"}
    assert str(errors[0]) == "A (R1): first"
    with pytest.raises(ValueError):
        RuleViolations([])


def test_raise_all_raises_only_when_something_failed() -> None:
    raise_all([])
    with pytest.raises(RuleViolations) as caught:
        raise_all([DomainError("A", "m", "R1")])
    assert caught.value.codes == ["A"]


def test_package_exports_load_lazily() -> None:
    assert domain.evaluate_standing.__module__ == "staycertified.domain.standing"
    assert set(domain.__all__) >= {"evaluate_standing", "DomainError", "draw_sample"}
    with pytest.raises(AttributeError):
        domain.nothing_here  # noqa: B018


def test_importing_the_package_does_not_import_the_rules() -> None:
    code = "import sys, staycertified.domain; print('staycertified.domain.standing' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
