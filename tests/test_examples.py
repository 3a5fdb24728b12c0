"""The four shared examples: copied unchanged, and each yields exactly its .expected findings.

specs/SHA256SUMS records the examples as the contract gives them, so a clone of the
project (which has no shared/ beside it) still checks that they are unchanged.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.conftest import SHARED_EXAMPLES, SPECS, run

EXAMPLES = sorted(SPECS.glob("[0-3]-*.yaml"))


def test_there_are_four_examples() -> None:
    assert [p.stem[0] for p in EXAMPLES] == ["0", "1", "2", "3"]


RECORDED = dict(reversed(line.split()) for line in (SPECS / "SHA256SUMS").read_text().splitlines())


def test_every_example_file_is_recorded() -> None:
    assert sorted(RECORDED) == sorted(p.name for p in SPECS.glob("[0-3]-*"))
    assert len(RECORDED) == 8  # four specs, four .expected files


@pytest.mark.parametrize("name", sorted(RECORDED))
def test_examples_are_unchanged(name: str) -> None:
    assert hashlib.sha256((SPECS / name).read_bytes()).hexdigest() == RECORDED[name]


@pytest.mark.skipif(not SHARED_EXAMPLES.is_dir(), reason="shared/ is not beside this checkout")
def test_the_recorded_examples_are_the_shared_ones() -> None:
    shared = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in SHARED_EXAMPLES.glob("*")}
    assert shared == RECORDED, "shared/spec/examples changed: copy them to specs/ and update specs/SHA256SUMS"


@pytest.mark.parametrize("spec", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_gives_exactly_its_expected_findings(spec: Path) -> None:
    expected = sorted(line.split() for line in spec.with_suffix(".expected").read_text().splitlines() if line.strip())
    result = run("check", "--format", "json", str(spec))
    assert result.exit_code == 0, result.stderr
    findings = json.loads(result.stdout)["specs"][0]["findings"]
    assert sorted([f["rule"], f["component"]] for f in findings) == expected
    for finding in findings:
        assert {"rule", "component", "severity", "category", "message", "why", "fix"} <= finding.keys()
        assert finding["message"] and finding["why"] and finding["fix"]
