"""Specs that are quick to write: what may be left out, the course's words, did-you-mean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from archdoc.rules import RULES, analyse
from archdoc.specfile import loads
from tests.conftest import ROOT, SPECS, run

_HTTP = re.compile(r",\s*protocol:\s*http(?=\s*[,}])|^\s*protocol:\s*http\s*\n", re.MULTILINE)


def all_test_specs() -> list[tuple[str, str]]:
    """Every spec of specs/, of the rule cases and of the rules' own examples."""
    specs = [(p.name, p.read_text()) for p in sorted(SPECS.glob("*.yaml"))]
    for path in sorted((ROOT / "tests" / "rules" / "cases").glob("*.yaml")):
        specs += [(f"{path.stem}: {case['name']}", case["spec"]) for case in yaml.safe_load(path.read_text())["cases"]]
    for rule in RULES.values():
        specs += [(f"{rule.id} bad", rule.doc().bad), (f"{rule.id} good", rule.doc().good)]
    return specs


SPECS_AND_NAMES = all_test_specs()


def findings(text: str, name: str) -> set[tuple[str, str]]:
    return {(f.rule, f.component) for f in analyse(loads(text, name)).findings}


@pytest.mark.parametrize(("name", "text"), SPECS_AND_NAMES, ids=[n for n, _ in SPECS_AND_NAMES])
def test_protocol_http_can_be_left_out(name: str, text: str) -> None:
    stripped = _HTTP.sub("", text)
    assert findings(stripped, name) == findings(text, name)


def test_the_mechanical_test_removes_something() -> None:
    assert sum(len(_HTTP.findall(text)) for _, text in SPECS_AND_NAMES) >= 38  # links in 27 of the specs


def test_a_left_out_protocol_is_the_targets_own(write_spec) -> None:  # type: ignore[no-untyped-def]
    path = write_spec("""
        archdoc: 1
        title: t
        components:
          user: {kind: client}
          web: {kind: web_server}
          db: {kind: database, software: Postgres}
          odd: {kind: database}
          cache: {kind: cache, software: redis}
        links:
          - {from: user, to: web}
          - {from: web, to: [db, odd, cache]}
          - {from: web, to: user, tls: true}
    """)
    topology = loads(path.read_text(), "t.yaml")
    protocols = {(link.target, link.protocol, link.encrypted) for link in topology.links}
    assert protocols == {("web", "http", False), ("db", "postgresql", False), ("odd", "tcp", False),
                         ("cache", "redis", False), ("user", "http", True)}


def test_master_and_slave_are_primary_and_replica(write_spec) -> None:  # type: ignore[no-untyped-def]
    path = write_spec("""
        archdoc: 1
        title: t
        components:
          m: {kind: database, role: master}
          s: {kind: database, role: slave, replica_of: m}
    """)
    topology = loads(path.read_text(), "t.yaml")
    assert [c.role for c in topology.components.values()] == ["primary", "replica"]
