"""The command line: click only. Each command parses its options, calls one function of
the package and exits with a status from ``archdoc.errors``.

Heavy libraries (diagrams, weasyprint) are imported inside the functions that need
them, so ``archdoc check`` starts fast; loading this module loads none of archdoc's
model either (the choices and defaults that come from it load when they are asked for),
so that ``render`` can start the PDF's process before it.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import click

from archdoc import __version__
from archdoc.course import COURSES, TASK_NAMES
from archdoc.errors import EXIT_FINDINGS, EXIT_INPUT_ERROR, EXIT_INTERNAL_ERROR, EXIT_OK
from archdoc.run.options import DEFAULT_FORMATS, DIRECTIONS, FORMATS, MD_DIAGRAMS, THEMES, formats_named

if TYPE_CHECKING:
    from archdoc.rules import Severity

# What must never reach a terminal from a spec or a file name: control characters (an
# escape sequence can erase a line and print a fake result over it; a carriage return
# overwrites it) and the bidirectional overrides that reorder what is shown.
_TERMINAL_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def say(text: object, err: bool = False, nl: bool = True, colour: Callable[[str], str] | None = None) -> None:
    """Every line archdoc prints: what a terminal would act on becomes U+FFFD; then, when
    asked, archdoc's own colours go in."""
    safe = _TERMINAL_UNSAFE.sub("\ufffd", str(text))
    click.echo(colour(safe) if colour else safe, err=err, nl=nl)


def say_json(text: str) -> None:
    """JSON for a terminal or a pipe: the same characters, escaped as JSON escapes them
    (they only occur inside strings), so the data stays intact."""
    click.echo(_TERMINAL_UNSAFE.sub(lambda match: f"\\u{ord(match.group()):04x}", text))


CHECK_FORMATS = ("text", "json", "sarif", "github", "gitlab")


def echo_problems(problems: Iterable[object]) -> None:
    """Input problems go to stderr, one `FILE:LINE:COLUMN: field: what is wrong` a line."""
    for problem in problems:
        say(problem, err=True)


@contextmanager
def input_errors_exit(timeout: float | None = None, what: str = "the work") -> Iterator[None]:
    """A spec error inside ends the command: its problems on stderr, exit status 2; running
    past ``timeout`` seconds ends it too, said as such, exit status 3."""
    from archdoc.errors import SpecError, TimeLimitExceeded
    from archdoc.limits import time_limit

    try:
        if timeout is None:
            yield
        else:
            with time_limit(timeout, what):
                yield
    except SpecError as error:
        echo_problems(error.problems)
        sys.exit(EXIT_INPUT_ERROR)
    except TimeLimitExceeded as error:
        say(f"archdoc: timeout: {error}", err=True)
        sys.exit(EXIT_INTERNAL_ERROR)


class _LaterChoice(click.Choice):
    """A choice whose values come from archdoc's model, loaded when they are asked for: a
    value is checked, or --help shows them."""

    def __init__(self, values: Callable[[], Sequence[str]]) -> None:
        self._values = values
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> Sequence[str]:
        return tuple(self._values())

    @choices.setter
    def choices(self, _: Sequence[str]) -> None:  # click.Choice sets them, empty, on creation
        pass


class _LaterDefault:
    """A default from archdoc's model, loaded when it is needed: click calls it for the value
    and --help shows it as its text."""

    def __init__(self, value: Callable[[], object]) -> None:
        self._value = value

    def __call__(self) -> object:
        return self._value()

    def __str__(self) -> str:
        return str(self._value())


def _severities() -> list[str]:
    from archdoc.rules import Severity

    return [s.value for s in Severity]


def _severity(ctx: click.Context, param: click.Parameter, value: str | None) -> Severity | None:
    from archdoc.rules import Severity

    return Severity(value) if value else None


def _default_max_bytes() -> int:
    from archdoc.specfile import DEFAULT_MAX_BYTES

    return DEFAULT_MAX_BYTES


# Options that several commands share, defined once.
fail_on_option = click.option(
    "--fail-on", type=_LaterChoice(_severities), default=None, callback=_severity,
    help="Exit with status 1 when a finding has this severity or a higher one.")
quiet_option = click.option("-q", "--quiet", is_flag=True, help="Print only the problems: findings, errors, failures.")
colour_option = click.option("--no-color", is_flag=True,
                             help="No colour (it is used only on a terminal, and never when NO_COLOR is set).")


def wants_colour(no_color: bool) -> bool:
    """Colour only for a person at a terminal who has not asked for none (https://no-color.org)."""
    return not no_color and not os.environ.get("NO_COLOR") and sys.stdout.isatty()


only_specs_option = click.option(
    "--only-specs", is_flag=True,
    help="Skip files named that are no archdoc spec, as a folder scan does (for pre-commit, which names every "
    "changed YAML file).")
timeout_option = click.option(
    "--timeout", type=click.FloatRange(min=0.1), default=60, show_default=True,
    help="Seconds one spec may take; past that it is stopped and reported as a timeout (exit status 3).")
max_bytes_option = click.option(
    "--max-bytes", type=click.IntRange(min=1), default=_LaterDefault(_default_max_bytes), show_default=True,
    help="The largest spec file to read, in bytes.")


def task_option(help: str) -> Any:
    return click.option("--task", required=True, type=click.Choice(list(TASK_NAMES)), help=help)


class _Cli(click.Group):
    """Turns an unexpected exception into one line that says it is a bug (exit 3)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except Exception as error:
            if os.environ.get("ARCHDOC_DEBUG"):
                raise
            say(f"archdoc: internal error: {type(error).__name__}: {error}", err=True)
            say("This is a bug in archdoc; run again with ARCHDOC_DEBUG=1 for the traceback.", err=True)
            ctx.exit(EXIT_INTERNAL_ERROR)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archdoc")
def cli() -> None:
    """Draw and analyse a web infrastructure described in YAML."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(CHECK_FORMATS), default="text", show_default=True,
              help="How to print the findings (sarif: code scanning; github: workflow annotations; gitlab: Code "
              "Quality).")
@click.option("--formats", "output_format", hidden=True, type=click.Choice(CHECK_FORMATS))
@fail_on_option
@max_bytes_option
@timeout_option
@quiet_option
@colour_option
@only_specs_option
def check(paths: tuple[str, ...], output_format: str, fail_on: Severity | None, max_bytes: int,
          timeout: float, quiet: bool, no_color: bool, only_specs: bool) -> None:
    """Analyse specs without rendering: files, '-' for standard input, or folders (the
    *.yaml/*.yml in them whose top level has the archdoc key).

    Exit status: 0 done; 1 a finding at or above --fail-on; 2 an input error;
    3 a time-out or an internal error. Over several specs, the worst of them.
    """
    from archdoc.limits import collector_paused

    with collector_paused(keep=True):  # what the command makes lives to its end
        from archdoc.check import check_paths, run_exit_status
        from archdoc.check.formats import format_run

        outcomes = check_paths(paths, max_bytes, timeout, only_specs)
        echo_problems(p for outcome in outcomes for p in outcome.problems)
        echo_problems(w for outcome in outcomes if outcome.analysis for w in outcome.analysis.warnings)
        formatted = format_run(outcomes, output_format, quiet)
    if output_format == "text":
        from archdoc.check.text import colourize

        say(formatted, colour=colourize if wants_colour(no_color) else None)
    else:
        say_json(formatted)
    sys.exit(run_exit_status(outcomes, fail_on))


_PDF_PROCESS = "archdoc.pdf_process"  # where render's command keeps the PDF's process it started


class _RenderCommand(click.Command):
    """render, which starts the PDF's process of a run of one spec as soon as its options
    are read as written, before the rest of them are checked (checking some loads archdoc's
    model): WeasyPrint loads in that process while archdoc loads in this one."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        pdf = None
        if not ctx.resilient_parsing:
            from archdoc.run.pdf_process import started_for

            written = self.make_parser(ctx).parse_args(args=list(args))[0]
            defaults: dict[str | None, Any] = {}
            for param in self.params:  # the first of a name: --formats, not its hidden alias --format
                defaults.setdefault(param.name, param.get_default(ctx, call=False))
            value = {name: written.get(name, defaults[name]) for name in ("paths", "formats", "scheduler", "memory")}
            if str(value["memory"]).isdigit():  # else click says what is wrong with it
                pdf = started_for(value["paths"] or (), formats_named(str(value["formats"])), value["scheduler"],
                                  int(str(value["memory"])))
        if pdf is not None:
            ctx.meta[_PDF_PROCESS] = pdf
            ctx.call_on_close(pdf.end)
        try:
            return super().parse_args(ctx, args)
        except BaseException:
            if pdf is not None:
                pdf.end()
            raise


@cli.command(cls=_RenderCommand)
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default="output", show_default=True,
              metavar="FOLDER", help="A folder (render writes many files): each spec gets a folder named after "
              "its file in it.")
@click.option("--formats", default=",".join(DEFAULT_FORMATS), show_default=True,
              help="Comma-separated outputs to write: " + ", ".join(FORMATS) + " (diagram.mmd, a Mermaid flowchart).")
@click.option("--format", "formats", hidden=True)  # check and diff say --format: accept it here too
@click.option("--direction", type=click.Choice(DIRECTIONS), default="LR", show_default=True,
              help="The diagram's flow: left to right, top to bottom, ...")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Worker processes  [default: the machine's cores]")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60, show_default=True,
              help="Seconds one spec may take to render; past that it is stopped and the run goes on.")
@click.option("--force", is_flag=True, help="Render every spec again, even those unchanged since the last run.")
@click.option("--plain", is_flag=True, help="Draw the design without marking what the analysis found.")
@click.option("--expand", is_flag=True,
              help="Draw every server, even where four or more alike are drawn as one box by default.")
@click.option("--memory", type=click.IntRange(min=64), default=2048, show_default=True, metavar="MIB",
              help="The memory a worker (and the dot it runs) may use; past it, that spec fails.")
@click.option("--scheduler", metavar="ADDRESS", default=None,
              help="Render on the Dask cluster at ADDRESS (pip install 'archdoc-infra[dask]').")
@click.option("--task", type=click.Choice(list(TASK_NAMES)), default=None,
              help="A course task (alx-N): the report says what each part added since the task before adds.")
@click.option("--theme", type=click.Choice(THEMES), default="light", show_default=True,
              help="The colours of the diagram (PNG, SVG) and of report.html's page.")
@click.option("--md-diagram", type=click.Choice(MD_DIAGRAMS), default="image", show_default=True,
              help="How report.md shows the diagram: the PNG, or a Mermaid block GitHub and GitLab draw "
              "(the HTML and PDF reports show the drawing either way).")
@fail_on_option
@max_bytes_option
@quiet_option
@only_specs_option
def render(paths: tuple[str, ...], output: str, formats: str, direction: str, jobs: int | None, timeout: float,
           force: bool, plain: bool, expand: bool, memory: int, scheduler: str | None, task: str | None,
           theme: str, md_diagram: str, fail_on: Severity | None, max_bytes: int, quiet: bool, only_specs: bool) -> None:
    """Draw the diagram and write the report of each spec: files, '-' for standard input,
    or folders (the *.yaml/*.yml in them whose top level has the archdoc key).

    Writes OUTPUT/<spec file stem>/: diagram.png, diagram.svg, report.md, report.html,
    report.pdf and findings.json (diagram.mmd too with --formats mermaid), and
    OUTPUT/index.html for the whole run. Specs that have not changed since the last run
    into OUTPUT are skipped.
    """
    from pathlib import Path

    from archdoc.check import run_exit_status
    from archdoc.errors import BatchError
    from archdoc.run import Settings, plan, render_plan
    from archdoc.run.summary import format_failures, format_table, format_totals

    chosen = formats_named(formats)
    if not chosen or any(f not in FORMATS for f in chosen):
        raise click.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--formats")
    settings = Settings(Path(output), tuple(chosen), direction, timeout, max_bytes, memory, plain, expand, task,
                        theme=theme, md_diagram=md_diagram)
    planned = plan(paths, max_bytes, only_specs)
    with click.progressbar(length=len(planned), label="Rendering", file=sys.stderr,
                           item_show_func=lambda item: _TERMINAL_UNSAFE.sub("\ufffd", item) if item else item,
                           show_pos=True, hidden=not sys.stderr.isatty()) as bar:
        try:
            done = render_plan(planned, settings, workers=jobs or os.cpu_count() or 1, force=force,
                               scheduler=scheduler, progress=lambda result, current: bar.update(1, current),
                               pdf=click.get_current_context().meta.get(_PDF_PROCESS))
        except BatchError as error:  # the output folder or the scheduler cannot be used
            say(f"archdoc: {error}", err=True)
            sys.exit(EXIT_INPUT_ERROR)
    echo_problems(p for result in done.results for p in result.problems)
    if quiet:  # the specs that failed, nothing else
        say(format_failures(done.results), nl=False)
    else:
        say(format_table(done.results, output))
        say(f"\n{format_totals(done.results, done.seconds)}; index: {done.index}")
    sys.exit(run_exit_status(done.results, fail_on))


@cli.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--down", "fail", required=True, metavar="ID[,ID...]",
              help="Components or servers that fail together (a server takes what it hosts with it).")
@click.option("--fail", "fail", hidden=True)  # its first name, kept: --down does not read like --fail-on
@max_bytes_option
@timeout_option
def whatif(spec: str, fail: str, max_bytes: int, timeout: float) -> None:
    """Say what the clients keep and lose when the given parts fail together."""
    from pathlib import Path

    from archdoc.explain.scenarios import UnknownIds, whatif_sentence
    from archdoc.specfile import load_spec

    failed = [i.strip() for i in fail.split(",") if i.strip()]
    try:
        with input_errors_exit(timeout, "answering"):
            say(whatif_sentence(load_spec(Path(spec), max_bytes), failed))
    except UnknownIds as error:
        for message in error.messages:
            say(f"archdoc: {message} in --down", err=True)
        sys.exit(EXIT_INPUT_ERROR)


@cli.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="A file (fix writes one spec): the fixed spec goes there (default: standard output).")
@click.option("--only", multiple=True, metavar="RULE",
              help="Apply only the fix for this rule (repeatable); 'archdoc rules' lists them.")
@click.option("--check", "check_only", is_flag=True,
              help="Write nothing; exit 1 when a fix would change the spec, 0 when none would.")
@max_bytes_option
@timeout_option
def fix(spec: str, output: str | None, only: tuple[str, ...], check_only: bool, max_bytes: int, timeout: float) -> None:
    """Write a spec that resolves the findings archdoc can fix, keeping ids, order and comments."""
    from pathlib import Path

    from archdoc.files import write_atomically
    from archdoc.fix import FixBug, FixError, FixTimeout, fix_file, unknown_fixes

    unknown = unknown_fixes(only)
    for message in unknown:
        say(f"archdoc: {message}", err=True)
    if unknown:
        sys.exit(EXIT_INPUT_ERROR)
    with input_errors_exit(timeout, "fixing"):  # a hard bound, even inside a YAML dump
        try:
            fixed = fix_file(Path(spec), only, max_bytes, timeout)
        except FixError as error:
            say(f"archdoc: {error}", err=True)
            sys.exit(EXIT_INPUT_ERROR)
        except FixTimeout as error:
            say(f"archdoc: timeout: {spec}: {error}", err=True)
            sys.exit(EXIT_INTERNAL_ERROR)
        except FixBug as error:
            say(f"archdoc: internal error: the spec fix wrote is not valid: {error}", err=True)
            say("This is a bug in archdoc; nothing was written.", err=True)
            sys.exit(EXIT_INTERNAL_ERROR)
    if check_only:
        for line in fixed.done:
            say(f"would fix: {line}", err=True)
        sys.exit(EXIT_FINDINGS if fixed.done else EXIT_OK)
    if output:
        try:
            write_atomically(Path(output), fixed.text)
        except OSError as error:
            say(f"archdoc: cannot write {output}: {error.strerror}", err=True)
            sys.exit(EXIT_INPUT_ERROR)
    else:
        say(fixed.text, nl=False)
    for line in fixed.done:
        say(f"fixed: {line}", err=True)
    for not_fixed in fixed.not_fixed:
        say(f"archdoc: {not_fixed}", err=True)
    for finding in fixed.after.findings:
        say(f"left: {finding.rule} {finding.component}", err=True)
    if fixed.introduced:
        say("archdoc: internal error: the fixed spec has findings the original did not: "
                   + ", ".join(f"{rule} {component}" for rule, component in fixed.introduced), err=True)
        sys.exit(EXIT_INTERNAL_ERROR)


@cli.command()
@click.argument("before", type=click.Path(dir_okay=False))
@click.argument("after", type=click.Path(dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="How to print the comparison.")
@click.option("--exit-code", is_flag=True, help="Exit 1 when the designs differ, 0 when they are the same (as git diff).")
@max_bytes_option
@timeout_option
def diff(before: str, after: str, output_format: str, exit_code: bool, max_bytes: int, timeout: float) -> None:
    """Compare two designs: components, links, findings and availability."""
    from pathlib import Path

    from archdoc.compare import compare_files

    with input_errors_exit(timeout, "comparing them"):  # both specs' problems are reported
        comparison = compare_files(Path(before), Path(after), max_bytes)
    if output_format == "json":
        say_json(json.dumps({"before": before, "after": after, **comparison.to_dict()}, indent=2,
                            ensure_ascii=False))
    else:
        say(comparison.text(before, after), nl=False)
    sys.exit(EXIT_FINDINGS if exit_code and comparison.differs else EXIT_OK)


@cli.command()
@task_option("The course task: alx-0 simple web stack ... alx-3 scale up.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="A file (new writes one spec): the starter goes there (default: standard output); an existing "
              "file is kept.")
def new(task: str, output: str | None) -> None:
    """Write a starter spec for a task of the web infrastructure design project."""
    from pathlib import Path

    from archdoc.course.tasks import TASKS
    from archdoc.files import write_atomically

    text = TASKS[task].starter()
    if output is None:
        say(text, nl=False)
        return
    if Path(output).exists():
        say(f"archdoc: {output} exists; archdoc new never overwrites a spec", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    write_atomically(Path(output), text)
    say(f"wrote {output}: edit it, then run archdoc grade {output} --task {task}", err=True)


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@task_option("The course task to grade against.")
@click.option("--format", "output_format", type=click.Choice(["text", "csv"]), default="text", show_default=True,
              help="csv: one row per spec (path, met, what is unmet, findings per severity, input error).")
@max_bytes_option
@timeout_option
def grade(paths: tuple[str, ...], task: str, output_format: str, max_bytes: int, timeout: float) -> None:
    """Check designs (files, or folders of hand-ins) against a task's requirements.

    Exit status: 0 every design meets them; 1 one does not; 2 an input error; 3 a time-out.
    """
    from pathlib import Path

    from archdoc.course.cohort import grade_paths, to_csv
    from archdoc.course.tasks import TASKS, misnamed_task_file

    chosen = TASKS[task]
    graded = grade_paths(paths, chosen, max_bytes, timeout)
    if output_format == "csv":
        say(to_csv(graded, chosen), nl=False)
    for row in graded:
        misnamed = misnamed_task_file(Path(row.path))
        if misnamed:
            say(f"{row.path}: the course checks file names: did you mean {misnamed}?", err=True)
        if output_format == "csv":
            continue
        if row.error:
            say(row.error, err=True)
        elif row.met:
            say(f"{row.path}: meets {task} ({chosen.title})")
        else:
            say(f"{row.path}: does not meet {task} ({chosen.title}) yet:")
            for problem in row.problems:
                say(f"  {problem}")
    errors = [row.error for row in graded if row.error]
    sys.exit(EXIT_INTERNAL_ERROR if any(e.startswith("timeout") for e in errors) else EXIT_INPUT_ERROR if errors
             else EXIT_FINDINGS if any(not row.met for row in graded) else EXIT_OK)


@cli.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), metavar="FOLDER",
              help="A folder (handin writes many files): the hand-in folder.")
@click.option("--course", type=click.Choice(COURSES), default=COURSES[0], show_default=True)
@click.option("--image-base-url", default=None, metavar="URL",
              help="Where the images folder will be served from; the answer files then hold full addresses.")
@max_bytes_option
@timeout_option
def handin(specs: tuple[str, ...], output: str, course: str, image_base_url: str | None, max_bytes: int,
           timeout: float) -> None:
    """Write the hand-in folder: answer files named as the course requires, diagrams,
    one explanation per task and a README.md."""
    from pathlib import Path

    from archdoc.course.handin import LOCAL_LINK_WARNING, write_handin
    from archdoc.errors import HandinError

    try:
        with input_errors_exit(timeout * len(specs), "writing the hand-in"):
            handed_in = write_handin([Path(s) for s in specs], Path(output), image_base_url, max_bytes)
    except HandinError as error:
        say(f"archdoc: {error}", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    if not image_base_url:
        say(f"archdoc: {LOCAL_LINK_WARNING}", err=True)
    incomplete = False
    for item in handed_in:
        say(f"{output}/{item.task.answer_file}  <- {item.spec}")
        for problem in item.problems:
            incomplete = True
            say(f"  {item.task.key}: {problem}", err=True)
    say(f"{output}/README.md")
    sys.exit(EXIT_FINDINGS if incomplete else EXIT_OK)


@cli.command()
@click.argument("rule_id", required=False)
@click.option("--format", "output_format", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="markdown: the whole catalogue as docs/rules.md has it.")
def rules(rule_id: str | None, output_format: str) -> None:
    """List the rule catalogue, or print one rule's documentation."""
    from archdoc.rules import RULES
    from archdoc.rules.catalogue import catalogue_markdown, describe_catalogue, describe_rule
    from archdoc.specfile.messages import did_you_mean

    if output_format == "markdown":
        say(catalogue_markdown(), nl=False)
    elif rule_id is None:
        say(describe_catalogue())
    elif rule_id in RULES:
        say(describe_rule(RULES[rule_id]))
    else:
        say(f"archdoc: no rule '{rule_id}'{did_you_mean(rule_id, RULES)}; "
                   "'archdoc rules' lists them", err=True)
        sys.exit(EXIT_INPUT_ERROR)


@cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="A file (import writes one spec): the spec goes there (default: standard output).")
@max_bytes_option
def import_(files: tuple[str, ...], output: str | None, max_bytes: int) -> None:
    """Write a spec from Docker Compose files, Kubernetes manifests, HAProxy and Nginx
    configurations; several files make one spec.

    Each component and link carries a comment naming the file and line it came from;
    what the files do not say is a TODO, in the spec and on standard error.
    Exit status: 0 done; 2 a file that cannot be read.
    """
    from pathlib import Path

    from archdoc.files import write_atomically
    from archdoc.importers import import_files

    with input_errors_exit():
        imported = import_files(list(files), max_bytes)
    echo_problems(imported.messages)
    if output:
        write_atomically(Path(output), imported.text)
    else:
        say(imported.text, nl=False)


@cli.command()
@click.argument("path", type=click.Path())
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="The port to listen on, on 127.0.0.1 only; 0 picks a free one.")
@click.option("--direction", type=click.Choice(DIRECTIONS), default="LR", show_default=True,
              help="The diagram's flow: left to right, top to bottom, ...")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=60, show_default=True,
              help="Seconds one spec may take to render; past that it is stopped and the page says so.")
@max_bytes_option
def serve(path: str, port: int, direction: str, timeout: float, max_bytes: int) -> None:
    """Show a spec, or every spec of a folder, in the browser: its diagram, findings and
    report, redrawn each time the spec is saved. Ctrl-C stops."""
    from archdoc.errors import BatchError
    from archdoc.serve import serve as serve_designs

    try:
        serve_designs(path, port, direction, timeout, max_bytes, announce=say, tell=lambda text: say(text, err=True))
    except BatchError as error:
        say(f"archdoc: {error}", err=True)
        sys.exit(EXIT_INPUT_ERROR)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the spec format, for editors' YAML plug-ins."""
    from archdoc.specfile.document import spec_json_schema

    say(json.dumps(spec_json_schema(), indent=2))


def main() -> None:
    # Like other command-line tools, end quietly when the reader of the output goes away
    # (`archdoc check specs/ | head`), rather than report a broken pipe as a bug.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cli(prog_name="archdoc")
