"""The report as data: sections of sentences, tables and grouped findings.

The renderers lay these out as Markdown, HTML and PDF; they add no sentences.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archdoc.rules import Finding


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()  # a numbered list
    bullets: tuple[str, ...] = ()
    table: Table | None = None
    subsections: tuple[Section, ...] = ()


@dataclass(frozen=True)
class RuleGroup:
    """The findings of one rule; why and fix are given once when they are the same for all."""

    rule: str
    name: str
    severity: str
    findings: tuple[Finding, ...]
    why: str | None
    fix: str | None


@dataclass(frozen=True)
class FindingGroup:
    category: str
    rules: tuple[RuleGroup, ...]


@dataclass(frozen=True)
class Report:
    title: str
    description: str | None
    summary: str
    overview: Section | None  # the servers and what runs on them, shown before the diagram
    sections: tuple[Section, ...]
    issues: tuple[FindingGroup, ...]
    references: tuple[tuple[str, str], ...]
    counts: dict[str, int] = field(default_factory=dict)
    accepted: tuple[str, ...] = ()  # the accepted risks, a sentence each
