"""``archdoc check --format json``: one object for the whole run, as docs/format.md gives it."""

from __future__ import annotations

import json
from collections.abc import Sequence

from archdoc import __version__
from archdoc.check import SpecOutcome


def outcome_to_dict(outcome: SpecOutcome) -> dict[str, object]:
    analysis = outcome.analysis
    return {
        "path": outcome.path,
        "ok": analysis is not None and not analysis.crashes,
        "errors": [p.to_dict() for p in outcome.problems],
        **(analysis.to_dict() if analysis else {"title": None, "counts": {}, "findings": [], "scenarios": [], "availability": []}),
        "internal_errors": [str(c) for c in analysis.crashes] if analysis else [],
        "warnings": [w.to_dict() for w in analysis.warnings] if analysis else [],
        "timeout": outcome.timeout,
    }


def format_run(outcomes: Sequence[SpecOutcome]) -> str:
    document = {
        "archdoc": __version__,
        "specs": [outcome_to_dict(o) for o in outcomes if not o.skipped],
        "skipped": [{"path": o.path, "reason": o.skipped} for o in outcomes if o.skipped],
    }
    return json.dumps(document, indent=2, ensure_ascii=False)
