"""The end of a render run: a table of every spec (findings, status, time) and the totals."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from archdoc.run.job import RENDERED, SKIPPED, UNCHANGED, RenderResult
from archdoc.wording import plural


def _reason(result: RenderResult) -> str:
    if result.problems:
        first = str(result.problems[0])
        more = len(result.problems) - 1
        return first + (f" (and {more} more)" if more else "")
    return result.error or ""


def format_table(results: Sequence[RenderResult], out_root: str) -> str:
    """One row per spec, then the reason of each spec that failed."""
    header = ("spec", "output", "high", "medium", "low", "status", "time")
    rows: list[tuple[str, ...]] = [header]
    for r in results:
        counts = [str(r.counts.get(s, "")) if r.counts else "-" for s in ("high", "medium", "low")]
        output = f"{out_root.rstrip('/')}/{r.folder}/" if r.status in (RENDERED, UNCHANGED) else "-"
        rows.append((r.name, output, *counts, r.status, f"{r.seconds:.1f} s" if r.seconds else "-"))
    widths = [max(len(row[i]) for row in rows) for i in range(len(header))]
    numeric = {2, 3, 4, 6}
    lines = []
    for row in rows:
        cells = [cell.rjust(w) if i in numeric else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * w for w in widths))
    failures = [r for r in results if r.status not in (RENDERED, UNCHANGED)]
    if failures:
        lines.append("")
        lines += [f"{r.name}: {r.status}: {_reason(r)}" for r in failures]
    return "\n".join(lines)


def format_failures(results: Sequence[RenderResult]) -> str:
    """One line per spec that was not rendered, with why (what -q prints)."""
    return "".join(f"{r.name}: {r.status}: {_reason(r)}\n" for r in results
                   if r.status not in (RENDERED, UNCHANGED, SKIPPED))


def format_totals(results: Sequence[RenderResult], seconds: float) -> str:
    statuses = Counter(r.status for r in results)
    parts = ", ".join(f"{n} {status}" for status, n in statuses.most_common())
    return f"{plural(len(results), 'spec')}: {parts or 'none'} in {seconds:.1f} s"
