"""Rendering many specs: the run (``runner``: workers, Dask), one spec's job, the summary
table and the index.

Importing the package loads none of them: a render of one spec starts the PDF's process
(``pdf_process``) before it loads the rest, so that WeasyPrint loads in parallel with
them. Each name below comes from its module when first asked for.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archdoc.run.batch import Plan, plan
    from archdoc.run.job import Settings
    from archdoc.run.runner import Run, render_plan

_HOMES = {"Plan": "batch", "plan": "batch", "Settings": "job", "Run": "runner", "render_plan": "runner"}


def __getattr__(name: str) -> Any:
    if name not in _HOMES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module(f"{__name__}.{_HOMES[name]}"), name)


__all__ = ["Plan", "Run", "Settings", "plan", "render_plan"]
