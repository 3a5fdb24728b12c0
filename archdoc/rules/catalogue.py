"""The rule catalogue as text, generated from the registry and the rules' docstrings."""

from __future__ import annotations

import textwrap

from archdoc.rules import RULES, Rule


def describe_catalogue() -> str:
    width = max(len(rule_id) for rule_id in RULES)
    lines = [f"{'id':<{width}}  {'severity':<8}  {'category':<13}  what it finds"]
    for rule in RULES.values():
        lines.append(f"{rule.id:<{width}}  {rule.severity.value:<8}  {rule.category.value:<13}  {rule.doc().summary}")
    lines.append("")
    lines.append("'archdoc rules ID' prints a rule's documentation.")
    return "\n".join(lines)


def describe_rule(rule: type[Rule]) -> str:
    doc = rule.doc()
    wrap = lambda text: textwrap.fill(text, 88, initial_indent="  ", subsequent_indent="  ")  # noqa: E731
    return "\n".join([
        f"{rule.id}: {rule.name}",
        f"severity {rule.severity.value}, category {rule.category.value}",
        "",
        doc.summary,
        "",
        "Why it matters:",
        wrap(doc.why),
        "",
        "How to fix:",
        wrap(doc.fix),
        "",
        "Bad:",
        textwrap.indent(doc.bad, "  "),
        "",
        "Good:",
        textwrap.indent(doc.good, "  "),
    ])
