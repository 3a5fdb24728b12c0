"""``archdoc diff``: what changed between two designs, and what that did to the analysis."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from archdoc.errors import InputProblem, SpecError
from archdoc.model.topology import Link
from archdoc.rules import Analysis, Finding, analyse
from archdoc.specfile import DEFAULT_MAX_BYTES, load_spec


def _link_name(link: Link) -> str:
    port = f":{link.port}" if link.port else ""
    return f"{link.source} -> {link.target} ({link.protocol}{port})"


@dataclass(frozen=True)
class Comparison:
    before: Analysis
    after: Analysis

    @property
    def components_added(self) -> list[str]:
        return [i for i in self.after.topology.components if i not in self.before.topology.components]

    @property
    def components_removed(self) -> list[str]:
        return [i for i in self.before.topology.components if i not in self.after.topology.components]

    @property
    def components_changed(self) -> list[str]:
        """Ids in both whose fields differ, with the fields: 'mysql-1: host web-01 -> db-01'."""
        old, new = self.before.topology.components, self.after.topology.components
        changed = []
        for component_id in old:
            if component_id in new and old[component_id] != new[component_id]:
                was, now = old[component_id].model_dump(), new[component_id].model_dump()
                fields = [f"{name} {was.get(name)} -> {now.get(name)}" for name in dict.fromkeys([*was, *now])
                          if was.get(name) != now.get(name)]
                changed.append(f"{component_id}: {', '.join(fields)}")
        return changed

    @property
    def links_added(self) -> list[str]:
        old = {_link_name(link) for link in self.before.topology.links}
        return [_link_name(link) for link in self.after.topology.links if _link_name(link) not in old]

    @property
    def links_removed(self) -> list[str]:
        new = {_link_name(link) for link in self.after.topology.links}
        return [_link_name(link) for link in self.before.topology.links if _link_name(link) not in new]

    @property
    def findings_resolved(self) -> list[Finding]:
        new = {(f.rule, f.component) for f in self.after.findings}
        return [f for f in self.before.findings if (f.rule, f.component) not in new]

    @property
    def findings_introduced(self) -> list[Finding]:
        old = {(f.rule, f.component) for f in self.before.findings}
        return [f for f in self.after.findings if (f.rule, f.component) not in old]

    def availability(self) -> list[dict[str, object]]:
        """Per capability either design has: the availability before and after (None: absent)."""
        before = {a.capability: a for a in self.before.availability}
        after = {a.capability: a for a in self.after.availability}
        rows: list[dict[str, object]] = []
        for capability in dict.fromkeys([*before, *after]):
            old, new = before.get(capability), after.get(capability)
            rows.append({
                "capability": capability.value,
                "before": old.value if old else None,
                "after": new.value if new else None,
                "downtime_hours_per_year_before": round(old.downtime_hours, 3) if old else None,
                "downtime_hours_per_year_after": round(new.downtime_hours, 3) if new else None,
            })
        return rows

    @property
    def differs(self) -> bool:
        """Whether the designs differ in any component or link (findings and availability follow from them)."""
        return bool(self.components_added or self.components_removed or self.components_changed
                    or self.links_added or self.links_removed)

    def to_dict(self) -> dict[str, object]:
        return {
            "components": {"added": self.components_added, "removed": self.components_removed,
                           "changed": self.components_changed},
            "links": {"added": self.links_added, "removed": self.links_removed},
            "findings": {"resolved": [f.to_dict() for f in self.findings_resolved],
                         "introduced": [f.to_dict() for f in self.findings_introduced]},
            "availability": self.availability(),
        }

    def text(self, before_name: str, after_name: str) -> str:
        """The comparison for people: one section a kind of change, empty ones left out."""
        lines = [f"--- {before_name}", f"+++ {after_name}"]

        def section(title: str, added: list[str], removed: list[str], changed: Sequence[str] = ()) -> None:
            if added or removed or changed:
                lines.append(f"\n{title}:")
                lines.extend(f"  + {item}" for item in added)
                lines.extend(f"  - {item}" for item in removed)
                lines.extend(f"  ~ {item}" for item in changed)

        section("components", self.components_added, self.components_removed, self.components_changed)
        section("links", self.links_added, self.links_removed)
        if self.findings_resolved or self.findings_introduced:
            lines.append("\nfindings:")
            lines.extend(f"  resolved    {f.severity.value:<6} {f.rule} {f.component}" for f in self.findings_resolved)
            lines.extend(f"  introduced  {f.severity.value:<6} {f.rule} {f.component}"
                         for f in self.findings_introduced)
        if len(lines) == 2:
            lines.append("\nthe same components, links and findings")
        rows = self.availability()
        if rows:
            lines.append("\navailability:")
            for row in rows:
                lines.append(f"  {row['capability']:<6} {_percent(row['before'])} -> {_percent(row['after'])}")
        return "\n".join(lines) + "\n"


def _percent(value: object) -> str:
    return f"{value * 100:.4f} %" if isinstance(value, float) else "absent"


def compare_files(before: Path, after: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Comparison:
    """Load and analyse two specs and compare them; raises SpecError with both specs' problems."""
    analyses: list[Analysis] = []
    problems: list[InputProblem] = []
    for path in (before, after):
        try:
            analyses.append(analyse(load_spec(path, max_bytes)))
        except SpecError as error:
            problems.extend(error.problems)
    if problems:
        raise SpecError(problems)
    return Comparison(*analyses)
