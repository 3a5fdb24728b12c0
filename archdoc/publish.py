"""Render specs into output folders: the diagram, the report in three formats, the findings.

Each spec is written into a temporary folder beside its final one and swapped into place
only when complete, so a failure or a kill leaves the previous outputs as they were and
no half-written file behind.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from archdoc import __version__
from archdoc.check import EXIT_INTERNAL_ERROR, SpecOutcome, find_specs
from archdoc.errors import SpecError
from archdoc.rules import Analysis, Severity, analyse
from archdoc.spec import DEFAULT_MAX_BYTES, load_spec

FORMATS = ("png", "svg", "md", "html", "pdf", "json")
FILES = {"png": "diagram.png", "svg": "diagram.svg", "md": "report.md", "html": "report.html",
         "pdf": "report.pdf", "json": "findings.json"}


class RenderError(Exception):
    """A valid spec that could not be rendered (dot or the PDF layout failed or ran too long)."""


@dataclass(frozen=True)
class RenderOutcome(SpecOutcome):
    folder: Path | None = None
    error: str | None = None
    seconds: float = 0.0

    def exit_status(self, fail_on: Severity | None) -> int:
        if self.error:
            return EXIT_INTERNAL_ERROR
        return super().exit_status(fail_on)


def folder_names(paths: Sequence[Path]) -> list[str]:
    """One output folder name per spec: its file stem made safe, numbered on a clash."""
    names: list[str] = []
    taken: set[str] = set()
    for path in paths:
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", path.stem).strip(".-") or "spec"
        name, number = base, 2
        while name.lower() in taken:
            name, number = f"{base}-{number}", number + 1
        taken.add(name.lower())
        names.append(name)
    return names


def findings_document(path: str, analysis: Analysis) -> dict[str, object]:
    return {
        "archdoc": __version__,
        "spec": path,
        "title": analysis.topology.title,
        "counts": {s.value: sum(1 for f in analysis.findings if f.severity is s) for s in Severity},
        "findings": [f.to_dict() for f in analysis.findings],
    }


def write_outputs(path: str, analysis: Analysis, folder: Path, formats: Iterable[str], direction: str,
                  timeout: float) -> None:
    """Write the chosen formats of one analysed spec into ``folder`` (which exists and is empty)."""
    from archdoc.explain import build_report
    from archdoc.render.diagram import DiagramError, render_diagram
    from archdoc.render.report import render_html, render_markdown

    formats = set(formats)
    spec_name = Path(path).name
    needs_diagram = formats & {"png", "svg", "md", "html", "pdf"}
    if needs_diagram:
        try:
            render_diagram(analysis.topology, folder, direction, timeout)
        except DiagramError as error:
            raise RenderError(str(error)) from None
    report = build_report(analysis)
    if "md" in formats:
        (folder / FILES["md"]).write_text(render_markdown(report, spec_name), encoding="utf-8")
    if formats & {"html", "pdf"}:
        html = render_html(report, spec_name, (folder / FILES["png"]).read_bytes())
        if "html" in formats:
            (folder / FILES["html"]).write_text(html, encoding="utf-8")
        if "pdf" in formats:
            from archdoc.render.pdf import write_pdf

            write_pdf(html, folder, folder / FILES["pdf"])
    if "json" in formats:
        document = findings_document(path, analysis)
        (folder / FILES["json"]).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    for fmt in ("png", "svg"):
        if fmt not in formats:
            (folder / FILES[fmt]).unlink(missing_ok=True)


def replace_folder(staged: Path, final: Path) -> None:
    """Put a complete folder in place of the old one, never leaving a mix of the two."""
    if final.exists():
        retired = Path(tempfile.mkdtemp(dir=final.parent, prefix=f".{final.name}.old-"))
        final.rename(retired / final.name)
        staged.rename(final)
        shutil.rmtree(retired, ignore_errors=True)
    else:
        staged.rename(final)


def render_spec(path: Path, out_root: Path, folder_name: str, formats: Iterable[str] = FORMATS,
                direction: str = "LR", timeout: float = 60, max_bytes: int = DEFAULT_MAX_BYTES) -> RenderOutcome:
    started = time.perf_counter()
    try:
        topology = load_spec(path, max_bytes)
    except SpecError as error:
        return RenderOutcome(str(path), problems=error.problems, seconds=time.perf_counter() - started)
    analysis = analyse(topology)
    final = out_root / folder_name
    staged = Path(tempfile.mkdtemp(dir=out_root, prefix=f".{folder_name}.new-"))
    try:
        write_outputs(str(path), analysis, staged, formats, direction, timeout)
        replace_folder(staged, final)
    except RenderError as error:
        return RenderOutcome(str(path), analysis=analysis, error=str(error), seconds=time.perf_counter() - started)
    except Exception as error:  # a bug must not stop the other specs of the run
        message = f"internal error: {type(error).__name__}: {error} (this is a bug in archdoc; please report it)"
        return RenderOutcome(str(path), analysis=analysis, error=message, seconds=time.perf_counter() - started)
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return RenderOutcome(str(path), analysis=analysis, folder=final, seconds=time.perf_counter() - started)


def render_paths(paths: Iterable[str], out_root: Path, formats: Iterable[str] = FORMATS, direction: str = "LR",
                 timeout: float = 60, max_bytes: int = DEFAULT_MAX_BYTES) -> list[RenderOutcome]:
    files, problems = find_specs(paths)
    out_root.mkdir(parents=True, exist_ok=True)
    outcomes = [RenderOutcome(p.file, problems=(p,)) for p in problems]
    for path, name in zip(files, folder_names(files), strict=True):
        outcomes.append(render_spec(path, out_root, name, formats, direction, timeout, max_bytes))
    return outcomes
