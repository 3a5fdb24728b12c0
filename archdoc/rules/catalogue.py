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


def catalogue_markdown() -> str:
    """docs/rules.md: the whole catalogue, generated from the registry (a test keeps the
    committed file in step; ``archdoc rules --format markdown > docs/rules.md`` rewrites it)."""
    lines = [
        "# The rule catalogue",
        "",
        "Generated from archdoc's rule registry by `archdoc rules --format markdown`; do not edit by hand.",
        "Each finding is one `(rule, component)` pair with a severity, a category, a message naming the parts",
        "involved, why it matters and how to fix it. The ids are stable: reports, JSON, SARIF and tests use them.",
        "",
        "| id | severity | category | what it finds |",
        "|---|---|---|---|",
    ]
    lines += [f"| [`{rule.id}`](#{rule.id}) | {rule.severity.value} | {rule.category.value} | {rule.doc().summary} |"
              for rule in RULES.values()]
    for rule in RULES.values():
        doc = rule.doc()
        lines += [
            "", f"## {rule.id}", "",
            f"**{rule.name}**: severity {rule.severity.value}, category {rule.category.value}.", "",
            doc.summary, "",
            f"**Why it matters.** {doc.why}", "",
            f"**How to fix.** {doc.fix}", "",
            "A spec that triggers it:", "", "```yaml", doc.bad, "```", "",
            "The same design, fixed:", "", "```yaml", doc.good, "```",
        ]
    return "\n".join(lines) + "\n"
