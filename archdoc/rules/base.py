"""What a rule is, and what it yields: findings.

A rule is a small class in a module of its own. Its id, name, category and severity
are class attributes; its docstring is its documentation, in four sections::

    One-line summary.

    Why it matters:
        ...
    How to fix:
        ...
    Bad:
        <a spec that triggers the rule>
    Good:
        <the same spec, fixed>

The sections feed ``archdoc rules ID``, the report, and each finding's ``why`` and
``fix`` (a rule may give a finding more specific text). The examples are tested.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import Enum
from typing import ClassVar, TypeVar

from archdoc.model import FailureAnalysis, Topology

T = TypeVar("T")


class Severity(str, Enum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """Higher is worse: high 3, medium 2, low 1."""
        return {"high": 3, "medium": 2, "low": 1}[self.value]


class Category(str, Enum):
    RELIABILITY = "reliability"
    PERFORMANCE = "performance"
    SECURITY = "security"
    OBSERVABILITY = "observability"
    DESIGN = "design"


@dataclass(frozen=True)
class Finding:
    """One (rule, component) pair and what to say about it."""

    rule: str
    component: str
    severity: Severity
    category: Category
    message: str
    why: str
    fix: str
    related: tuple[str, ...] = ()  # other components the finding involves

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "component": self.component,
            "severity": self.severity.value,
            "category": self.category.value,
            "message": self.message,
            "why": self.why,
            "fix": self.fix,
            "related": list(self.related),
        }


@dataclass(frozen=True)
class RuleDoc:
    summary: str
    why: str
    fix: str
    bad: str
    good: str


_SECTION = re.compile(r"^(Why it matters|How to fix|Bad|Good):\s*$", re.MULTILINE)
_SECTION_KEYS = {"Why it matters": "why", "How to fix": "fix", "Bad": "bad", "Good": "good"}


@dataclass(frozen=True)
class Context:
    """What rules read: the topology and its failure analysis, computed once per spec."""

    topology: Topology
    failures: FailureAnalysis = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "failures", FailureAnalysis(self.topology))


class Rule:
    """Base class of the rules; subclasses set the class attributes and ``check``."""

    id: ClassVar[str]
    name: ClassVar[str]
    category: ClassVar[Category]
    severity: ClassVar[Severity]

    def check(self, context: Context) -> Iterable[Finding]:
        raise NotImplementedError

    @classmethod
    def doc(cls) -> RuleDoc:
        return _parse_doc(cls)

    @classmethod
    def finding(cls, component: str, message: str, *, why: str | None = None, fix: str | None = None,
                related: Iterable[str] = ()) -> Finding:
        doc = cls.doc()
        return Finding(
            rule=cls.id,
            component=component,
            severity=cls.severity,
            category=cls.category,
            message=message,
            why=why or doc.why,
            fix=fix or doc.fix,
            related=tuple(related),
        )


_DOCS: dict[type[Rule], RuleDoc] = {}


def _parse_doc(rule: type[Rule]) -> RuleDoc:
    if rule not in _DOCS:
        _DOCS[rule] = _read_doc(rule)
    return _DOCS[rule]


def _read_doc(rule: type[Rule]) -> RuleDoc:
    text = inspect.cleandoc(rule.__doc__ or "")
    parts = _SECTION.split(text)
    sections = {"summary": parts[0].strip()}
    for title, body in zip(parts[1::2], parts[2::2], strict=True):
        body = inspect.cleandoc(body)
        sections[_SECTION_KEYS[title]] = body if title in ("Bad", "Good") else " ".join(body.split())
    missing = {"why", "fix", "bad", "good"} - sections.keys()
    if missing:
        raise TypeError(f"rule {rule.id}: docstring lacks {', '.join(sorted(missing))}")
    return RuleDoc(**sections)


def unique(items: Iterable[T]) -> Iterator[T]:
    """Items in first-seen order, each once."""
    yield from dict.fromkeys(items)
