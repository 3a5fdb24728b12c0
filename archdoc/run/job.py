"""Render one spec into its output folder: the diagram, the report in three formats, the findings.

Each spec is written into a temporary folder beside its final one and swapped into place
only when complete, so a failure or a kill leaves the previous outputs as they were and
no half-written file behind. The folder also gets ``.archdoc.json``: the key of what
was rendered (spec, archdoc and options), so an unchanged spec can be skipped next
time, and the summary the run's table and index show.
"""

from __future__ import annotations

import hashlib
import json
import re
import resource
import shutil
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import archdoc
from archdoc import __version__
from archdoc.check import findings_status
from archdoc.errors import (
    EXIT_INPUT_ERROR,
    EXIT_INTERNAL_ERROR,
    EXIT_OK,
    InputProblem,
    RenderError,
    RenderTimeout,
    SpecError,
)
from archdoc.files import (
    TEMPORARY_INFIX,
    FolderNotOurs,
    ordinary_permissions,
    replace_folder,
    sweep_temporaries,
    temporary_folder,
)
from archdoc.render.marks import NO_MARKS, Marks
from archdoc.render.picture import Picture
from archdoc.rules import Analysis, Rule, Severity, analyse
from archdoc.rules.no_firewall import NoFirewall
from archdoc.rules.no_https import NoHttps
from archdoc.rules.no_monitoring import NoMonitoring
from archdoc.rules.spof import Spof
from archdoc.run.options import DEFAULT_FORMATS
from archdoc.run.pdf_process import InProcess, PdfWriter
from archdoc.run.processes import near_memory_limit
from archdoc.specfile import DEFAULT_MAX_BYTES, loads
from archdoc.specfile.reading import STDIN, STDIN_FOLDER, display_name, is_stdin, read_spec_bytes
from archdoc.specfile.yaml_source import decode_utf8

if TYPE_CHECKING:
    from archdoc.explain import Report

FILES = {"png": "diagram.png", "svg": "diagram.svg", "md": "report.md", "html": "report.html",
         "pdf": "report.pdf", "json": "findings.json", "mermaid": "diagram.mmd"}
CACHE_FILE = ".archdoc.json"
PAGE_PICTURE = ".diagram-page.jpg"  # the diagram as the PDF shows it, while the PDF is written

RENDERED, UNCHANGED, INPUT_ERROR, TIMEOUT, FAILED = "rendered", "unchanged", "input error", "timeout", "failed"
SKIPPED = "skipped"  # a folder scan passed it over: not a spec, or a symbolic link


@dataclass(frozen=True)
class Settings:
    """What every spec of a run is rendered with."""

    out_root: Path
    formats: tuple[str, ...] = DEFAULT_FORMATS
    direction: str = "LR"
    timeout: float = 60
    max_bytes: int = DEFAULT_MAX_BYTES
    memory_mib: int = 2048  # the address space a worker (and the dot it runs) may use
    plain: bool = False  # draw the design without the findings' marks
    expand: bool = False  # draw every server, never a group of alike ones as one box
    task: str | None = None  # a course task (alx-N): the report says what was added since the task before
    theme: str = "light"  # the colours of the diagram and of the HTML page: light or dark
    md_diagram: str = "image"  # report.md's diagram: "image" (diagram.png) or "mermaid" (a ```mermaid block)

    def key(self, spec: bytes) -> str:
        """What an output folder was made from: the spec, archdoc itself and the options."""
        options = json.dumps([sorted(self.formats), self.direction, self.max_bytes, self.plain, self.expand, self.task,
                              self.theme, self.md_diagram])
        digest = hashlib.sha256()
        for part in (spec, code_fingerprint().encode(), options.encode()):
            digest.update(hashlib.sha256(part).digest())
        return digest.hexdigest()


@dataclass(frozen=True)
class Job:
    path: str
    folder: str  # the output folder's name under the run's out_root
    stdin: bytes | None = None  # the spec itself, when it came from standard input (read before the workers start)

    def spec_bytes(self, max_bytes: int) -> bytes:
        """The spec as given; raises SpecError (too large, not a regular file, unreadable)."""
        if self.stdin is not None:
            if len(self.stdin) > max_bytes:
                return read_spec_bytes(STDIN, max_bytes)  # says why, as for a file
            return self.stdin
        return read_spec_bytes(self.path, max_bytes)


@dataclass(frozen=True)
class RenderResult:
    """What became of one spec in a render run; small and picklable, for workers to send back."""

    path: str
    folder: str
    status: str
    title: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    problems: tuple[InputProblem, ...] = ()
    error: str | None = None
    seconds: float = 0.0
    thumbnail: str | None = None  # a small JPEG of the diagram, base64, for the index

    @property
    def name(self) -> str:
        """How the spec is named to people: its path as given, '<stdin>' for standard input."""
        return display_name(self.path)

    def exit_status(self, fail_on: Severity | None) -> int:
        if self.status == INPUT_ERROR:
            return EXIT_INPUT_ERROR
        if self.status in (TIMEOUT, FAILED):
            return EXIT_INTERNAL_ERROR
        if self.status == SKIPPED:
            return EXIT_OK
        return findings_status(self.counts, fail_on)

    def to_json(self) -> dict[str, object]:
        document = asdict(self)
        document["problems"] = [p.to_dict() for p in self.problems]
        return document

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> RenderResult:
        problems = tuple(InputProblem(**p) for p in document.get("problems", []))
        return cls(**{**document, "problems": problems})


@cache
def code_fingerprint() -> str:
    """A hash of archdoc's own code and templates: a changed archdoc re-renders everything."""
    root = Path(archdoc.__file__).parent
    digest = hashlib.sha256(__version__.encode())
    for path in sorted(p for p in root.rglob("*") if p.suffix in (".py", ".j2") and p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


RESERVED_NAMES = frozenset({"index.html"})  # what a run writes beside the output folders


def folder_names(paths: Sequence[Path]) -> list[str]:
    """One output folder name per spec: its file stem made safe, numbered on a clash (and
    never a name the run itself writes, such as index.html)."""
    names: list[str] = []
    taken: set[str] = set(RESERVED_NAMES)
    for path in paths:
        stem = STDIN_FOLDER if is_stdin(path) else path.stem
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", stem).strip(".-") or "spec"
        name, number = base, 2
        while name.lower() in taken:
            name, number = f"{base}-{number}", number + 1
        taken.add(name.lower())
        names.append(name)
    return names


def findings_document(path: str, analysis: Analysis) -> dict[str, object]:
    """findings.json. The spec is named by its file name only: the path as typed may hold the
    folders of the machine that rendered it, which the output must not carry along."""
    return {"archdoc": __version__, "spec": Path(display_name(path)).name if not is_stdin(path) else display_name(path),
            **analysis.to_dict()}


def diagram_marks(analysis: Analysis) -> Marks:
    """The findings the diagram shows: single points of failure, plain-text entries, gaps."""
    def on(rule: type[Rule]) -> frozenset[str]:
        return frozenset(analysis.found(rule))

    return Marks(on(Spof), on(NoHttps), on(NoFirewall), on(NoMonitoring))


def previous_task_design(task: str) -> tuple[str, Analysis] | None:
    """The course's reference design of the task before ``task`` (what archdoc new writes)."""
    from archdoc.course.handin import previous_design
    from archdoc.course.tasks import TASKS

    return previous_design(TASKS[task], {})


def write_outputs(path: str, analysis: Analysis, folder: Path, formats: Iterable[str], direction: str,
                  timeout: float, plain: bool = False, expand: bool = False, task: str | None = None,
                  theme: str = "light", md_diagram: str = "image", pdf: PdfWriter | None = None) -> str | None:
    """Write the chosen formats of one analysed spec into ``folder`` (which exists and is
    empty); return the index's thumbnail of the diagram, when one was drawn. report.md
    shows the diagram as ``md_diagram`` says; the HTML and PDF reports always show the
    drawing itself. The PDF is laid out by ``pdf`` (here and now when None): begun as
    soon as its page is ready, it is laid out while the other outputs are written."""
    from archdoc.render.diagram import render_diagram
    from archdoc.render.theme import theme as theme_named

    formats = set(formats)
    spec_name = Path(path).name
    picture = None
    marks = NO_MARKS if plain else diagram_marks(analysis)
    chart = None
    mermaid_in_md = "md" in formats and md_diagram == "mermaid"
    if "mermaid" in formats or mermaid_in_md:
        from archdoc.render.mermaid import flowchart

        chart = flowchart(analysis.topology, direction, marks, expand)
    # report.md shows the PNG when Mermaid would not draw the chart (it says why)
    embed_mermaid = mermaid_in_md and chart is not None and not chart.too_large
    prepared: list[tuple[Report, str]] = []

    def prepare() -> None:  # what needs no drawing: done while dot draws, when it draws
        from archdoc.explain import build_report
        from archdoc.render.report import html_body

        report = build_report(analysis, since=previous_task_design(task) if task else None)
        prepared.append((report, html_body(report, spec_name) if "pdf" in formats else ""))  # the PDF's, no links

    if formats & {"png", "svg", "html", "pdf"} or ("md" in formats and not embed_mermaid):
        drawn = render_diagram(analysis.topology, folder, direction, timeout, marks, expand, theme_named(theme),
                               meanwhile=prepare)
        picture = Picture(drawn.png.read_bytes(), drawn.css_size)
    if not prepared:
        prepare()
    [(report, pdf_body)] = prepared

    from archdoc.render.interactive import interactive_diagram
    from archdoc.render.report import render_html, render_markdown

    writer = None
    if "pdf" in formats:  # the diagram as a picture, the findings without links
        assert picture is not None
        (folder / PAGE_PICTURE).write_bytes(picture.jpeg())
        html = render_html(report, spec_name, picture.png, picture.size, diagram_src=PAGE_PICTURE, body=pdf_body)
        writer = pdf or InProcess()
        writer.start(html, folder, folder / FILES["pdf"])
    try:
        if chart is not None and "mermaid" in formats:
            (folder / FILES["mermaid"]).write_text(chart.text, encoding="utf-8")
        if "md" in formats:
            markdown = render_markdown(
                report, spec_name, mermaid=chart.text if chart and embed_mermaid else None,
                mermaid_too_large=chart.too_large if chart and mermaid_in_md else None)
            (folder / FILES["md"]).write_text(markdown, encoding="utf-8")
        if "html" in formats:  # the SVG inline, each finding linked to its component
            assert picture is not None
            diagram = interactive_diagram(drawn.svg.read_text(encoding="utf-8"), analysis, drawn.layout)
            html = render_html(report, spec_name, picture.png, picture.size, diagram=diagram, theme=theme)
            (folder / FILES["html"]).write_text(html, encoding="utf-8")
        if "json" in formats:
            document = findings_document(path, analysis)
            (folder / FILES["json"]).write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n",
                                                encoding="utf-8")
        # The diagram was drawn for the reports: kept where asked for, or where report.md shows it
        kept = formats | ({"png"} if "md" in formats and not embed_mermaid else set())
        for fmt in ("png", "svg"):
            if fmt not in kept:
                (folder / FILES[fmt]).unlink(missing_ok=True)
        return picture.thumbnail() if picture else None
    finally:  # never leave the PDF being written into a folder about to be swept away
        if writer is not None:
            writer.wait()
            (folder / PAGE_PICTURE).unlink()


def staging_prefix(folder: str) -> str:
    """Temporary folders of one output folder start with this; a killed worker's are swept."""
    return f".{folder}.new-"


_OUT_OF_MEMORY = re.compile(r"memory|Cannot allocate|Resource temporarily unavailable|bad_alloc", re.IGNORECASE)


def render_spec(job: Job, settings: Settings, pdf: PdfWriter | None = None) -> RenderResult:
    """Load, analyse and render one spec; every failure becomes the result's status. The
    PDF is laid out by ``pdf`` (here and now when None)."""
    started = time.perf_counter()

    def result(status: str, **details: Any) -> RenderResult:
        return RenderResult(job.path, job.folder, status, seconds=time.perf_counter() - started, **details)

    name = display_name(job.path)
    try:
        spec_bytes = job.spec_bytes(settings.max_bytes)
        topology = loads(decode_utf8(spec_bytes, name), name)
    except SpecError as error:
        return result(INPUT_ERROR, problems=error.problems)
    analysis = analyse(topology)
    summary = {"title": topology.title, "counts": analysis.counts()}
    staged = temporary_folder(settings.out_root, staging_prefix(job.folder))
    ordinary_permissions(staged)
    try:
        small = write_outputs(job.path, analysis, staged, settings.formats, settings.direction, settings.timeout,
                              settings.plain, settings.expand, settings.task, settings.theme, settings.md_diagram, pdf)
        done = result(RENDERED, thumbnail=small, **summary)
        if analysis.crashes:
            done = result(FAILED, error="; ".join(str(c) for c in analysis.crashes), **summary)
        cache_entry = {"key": settings.key(spec_bytes), "result": done.to_json()}
        (staged / CACHE_FILE).write_text(json.dumps(cache_entry), encoding="utf-8")
        replace_folder(staged, settings.out_root / job.folder, is_output_folder)
        return done
    except FolderNotOurs as error:
        return result(INPUT_ERROR, problems=(InputProblem(name, 0, 0, "", str(error)),), **summary)
    except RenderTimeout as error:
        return result(TIMEOUT, error=str(error), **summary)
    except RenderError as error:
        if resource.getrlimit(resource.RLIMIT_AS)[0] != resource.RLIM_INFINITY and _OUT_OF_MEMORY.search(str(error)):
            # dot under the worker's limit: it says so in its own words (a thread or a buffer it cannot have)
            return result(FAILED, error=f"rendering ran out of memory (the limit is {settings.memory_mib} MiB; "
                                        f"--memory raises it): {error}", **summary)
        return result(FAILED, error=str(error), **summary)
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as error:  # a bug must not stop the other specs of the run; BaseException,
        # because a panic in a library written in Rust (nh3) arrives as one
        if isinstance(error, MemoryError) or near_memory_limit():
            # Out of memory, a library in C may fail with any error (a SystemError, a RuntimeError)
            return result(FAILED, error=f"rendering ran out of memory (the limit is {settings.memory_mib} MiB; "
                                        f"--memory raises it)", **summary)
        return result(FAILED, error=f"internal error: {type(error).__name__}: {error} "
                                    f"(this is a bug in archdoc; please report it)", **summary)
    finally:
        shutil.rmtree(staged, ignore_errors=True)


def unchanged_result(job: Job, settings: Settings) -> RenderResult | None:
    """The recorded result when the folder was made from this very spec, archdoc and options."""
    folder = settings.out_root / job.folder
    try:
        entry = json.loads((folder / CACHE_FILE).read_text(encoding="utf-8"))
        key = settings.key(job.spec_bytes(settings.max_bytes))
    except (OSError, ValueError, SpecError):
        return None
    if entry.get("key") != key or not all((folder / FILES[f]).exists() for f in settings.formats):
        return None
    recorded = RenderResult.from_json(entry["result"])
    if recorded.status != RENDERED:
        return None
    return RenderResult(job.path, job.folder, UNCHANGED, recorded.title, recorded.counts,
                        thumbnail=recorded.thumbnail)


def sweep_staging(out_root: Path, folder: str = "*") -> None:
    """Remove what a killed worker (or, for every folder, a killed run) left while staging:
    only archdoc's own temporary folders and files, never a folder of the user's named alike."""
    sweep_temporaries(out_root, (f"{staging_prefix(folder)}*", f".{folder}.old-*"),
                      f".*{TEMPORARY_INFIX}*" if folder == "*" else None)


def is_output_folder(folder: Path) -> bool:
    """An output folder archdoc made: a real folder holding archdoc's record of what made it."""
    return folder.is_dir() and not folder.is_symlink() and (folder / CACHE_FILE).is_file()


def foreign_folder(out_root: Path, folder: str) -> Path | None:
    """The path, when an output folder's name is taken by something archdoc did not make."""
    target = out_root / folder
    if (target.exists() or target.is_symlink()) and not is_output_folder(target):
        return target
    return None
