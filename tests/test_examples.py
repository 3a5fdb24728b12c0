"""The four shared examples: copied unchanged, and each yields exactly its .expected findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import SHARED_EXAMPLES, SPECS, run

EXAMPLES = sorted(SPECS.glob("[0-3]-*.yaml"))


def test_there_are_four_examples() -> None:
    assert [p.stem[0] for p in EXAMPLES] == ["0", "1", "2", "3"]


@pytest.mark.skipif(not SHARED_EXAMPLES.is_dir(), reason="shared/ is not beside this checkout")
@pytest.mark.parametrize("name", [p.name for p in SHARED_EXAMPLES.glob("*")] if SHARED_EXAMPLES.is_dir() else [])
def test_examples_are_copied_unchanged(name: str) -> None:
    assert (SPECS / name).read_bytes() == (SHARED_EXAMPLES / name).read_bytes()


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
