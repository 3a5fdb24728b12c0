"""``archdoc check --format``: the run's findings in the format asked for."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from archdoc.check import SpecOutcome, json_format, sarif, text

FORMATTERS: dict[str, Callable[[Sequence[SpecOutcome]], str]] = {
    "text": text.format_run,
    "json": json_format.format_run,
    "sarif": sarif.format_run,
}


def format_run(outcomes: Sequence[SpecOutcome], output_format: str) -> str:
    return FORMATTERS[output_format](outcomes)
