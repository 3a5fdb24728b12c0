"""``archdoc check --format``: the run's findings in the format asked for."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from archdoc.check import SpecOutcome, github, gitlab, json_format, sarif, text

FORMATTERS: dict[str, Callable[[Sequence[SpecOutcome]], str]] = {
    "text": text.format_run,
    "json": json_format.format_run,
    "sarif": sarif.format_run,
    "github": github.format_run,
    "gitlab": gitlab.format_run,
}


def format_run(outcomes: Sequence[SpecOutcome], output_format: str, quiet: bool = False) -> str:
    """The run in ``output_format``; ``quiet`` applies to text."""
    if output_format == "text":
        return text.format_run(outcomes, quiet)
    return FORMATTERS[output_format](outcomes)
