"""The project documents itself: the rule catalogue is generated and current, and nothing
points outside the repository (a clone has no shared/ beside it)."""

from __future__ import annotations

import re

from archdoc.rules import RULES
from archdoc.rules.catalogue import catalogue_markdown
from tests.conftest import ROOT, run


def test_the_rule_catalogue_in_docs_is_current() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == catalogue_markdown(), "docs/rules.md is stale: archdoc rules --format markdown > docs/rules.md"
    assert run("rules", "--format", "markdown").stdout == committed
    for rule_id in RULES:
        assert f"\n## {rule_id}\n" in committed


def test_readme_and_docs_link_only_to_files_of_the_repository() -> None:
    for page in [ROOT / "README.md", *(ROOT / "docs").glob("*.md")]:
        text = page.read_text(encoding="utf-8")
        assert "shared/" not in text, page
        for target in re.findall(r"\]\(([^)#]+)", text):
            if not target.startswith(("http://", "https://")):
                assert (page.parent / target).exists(), f"{page.name} links to {target}, which is not there"


def test_no_docstring_points_outside_the_repository() -> None:
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / "archdoc").rglob("*.py")
                 if re.search(r"shared/|FORMAT\.md|RULES\.md", p.read_text(encoding="utf-8"))]
    assert not offenders


def test_every_spec_the_readme_shows_loads() -> None:
    from archdoc.specfile import loads

    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "README.md").read_text(encoding="utf-8"), re.DOTALL)
    specs = [block for block in blocks if block.startswith("archdoc: 1")]
    assert len(specs) >= 6
    for spec in specs:
        loads(spec, "README.md")  # raises on any input error
