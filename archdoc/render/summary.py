"""One line per rendered spec: where it went and what was found, or why it failed."""

from __future__ import annotations

from archdoc.publish import RenderOutcome
from archdoc.render.check_text import count_phrase, counts_by_severity


def describe_outcome(outcome: RenderOutcome) -> str:
    if outcome.problems:
        return f"{outcome.path}: not rendered, {len(outcome.problems)} input error(s)"
    if outcome.error:
        return f"{outcome.path}: not rendered: {outcome.error}"
    return f"{outcome.path} -> {outcome.folder}/ ({count_phrase(counts_by_severity(outcome))}, {outcome.seconds:.1f} s)"
