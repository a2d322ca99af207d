"""Meta-test: walk the registry; every rule is documented and has a failing and a passing fixture."""

from __future__ import annotations

import re

import pytest

from tests.test_audit_rules import CASES
from yusuan.audit import Config, Status, all_rules, check_disclosure
from yusuan.model import Severity

RULES = all_rules()


def test_every_rule_has_fixtures_and_every_fixture_a_rule() -> None:
    assert set(RULES) == set(CASES)


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_is_documented(code: str) -> None:
    r = RULES[code]
    assert re.fullmatch(r"[A-Z]{3}\d{3}", code)
    for text in (r.summary, r.what, r.why, r.failing, r.passing):
        assert text and re.search(r"[\u4e00-\u9fff]", text)
    assert "\n" not in r.summary


@pytest.mark.parametrize("code", sorted(RULES))
def test_rule_fails_on_failing_fixture_and_passes_on_passing(code: str) -> None:
    failing, passing = CASES[code]
    config = Config(select=(code,))
    bad = _check(failing(), config)
    good = _check(passing(), config)
    assert [e.rule for e in bad.coverage] == [code]
    assert bad.coverage[0].status == Status.FAILED, bad.coverage
    assert bad.findings and all(f.rule == code for f in bad.findings)
    for f in bad.findings:
        assert re.search(r"[\u4e00-\u9fff]", f.message)
        assert f.location.doc == "t"
    assert good.coverage[0].status == Status.PASSED, (good.coverage, [f.message for f in good.findings])
    assert not good.findings


def _check(fixture, config: Config):  # type: ignore[no-untyped-def]
    """A fixture is a Disclosure, or a Disclosure and the source text it was read from."""
    if isinstance(fixture, tuple):
        disclosure, lines = fixture
        return check_disclosure(disclosure, config, lines=lines)
    return check_disclosure(fixture, config)


def test_code_rules_report_information_only_for_loose_names() -> None:
    # the code lists are partial: an unknown code is no finding at all, and names are often
    # shortened legitimately, so a name unlike the list's is information only
    assert {c for c, r in RULES.items() if r.family == "COD" and r.severity == Severity.INFO} == {"COD002"}


def test_info_rules_are_only_the_known_informational_ones() -> None:
    # names are often shortened legitimately (COD002); growth from zero stated as 100% is a
    # convention, worth a note at most (NAR013). An unknown code is no finding at all.
    assert {c for c, r in RULES.items() if r.severity == Severity.INFO} == {"COD002", "NAR013"}
