"""The command line: click only. Each command parses its options, calls one function of
the package and exits with a status from ``archdoc.errors``.

Heavy libraries (diagrams, weasyprint) are imported inside the functions that need
them, so ``archdoc check`` starts fast.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import click

from archdoc import __version__
from archdoc.course import COURSES, TASK_NAMES
from archdoc.errors import EXIT_FINDINGS, EXIT_INPUT_ERROR, EXIT_INTERNAL_ERROR, EXIT_OK
from archdoc.rules import Severity
from archdoc.run.job import DIRECTIONS, FORMATS  # light: the renderers import diagrams and weasyprint lazily
from archdoc.specfile import DEFAULT_MAX_BYTES


def echo_problems(problems: Iterable[object]) -> None:
    """Input problems go to stderr, one `FILE:LINE:COLUMN: field: what is wrong` a line."""
    for problem in problems:
        click.echo(str(problem), err=True)


@contextmanager
def input_errors_exit() -> Iterator[None]:
    """A spec error inside ends the command: its problems on stderr, exit status 2."""
    from archdoc.errors import SpecError

    try:
        yield
    except SpecError as error:
        echo_problems(error.problems)
        sys.exit(EXIT_INPUT_ERROR)


# Options that several commands share, defined once.
fail_on_option = click.option(
    "--fail-on", type=click.Choice([s.value for s in Severity]), default=None,
    callback=lambda ctx, param, value: Severity(value) if value else None,
    help="Exit with status 1 when a finding has this severity or a higher one.")
max_bytes_option = click.option(
    "--max-bytes", type=click.IntRange(min=1), default=DEFAULT_MAX_BYTES, show_default=True,
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
            click.echo(f"archdoc: internal error: {type(error).__name__}: {error}", err=True)
            click.echo("This is a bug in archdoc; run again with ARCHDOC_DEBUG=1 for the traceback.", err=True)
            ctx.exit(EXIT_INTERNAL_ERROR)


@click.group(cls=_Cli, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="archdoc")
def cli() -> None:
    """Draw and analyse a web infrastructure described in YAML."""


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "output_format", type=click.Choice(["text", "json", "sarif"]), default="text",
              show_default=True, help="How to print the findings.")
@fail_on_option
@max_bytes_option
def check(paths: tuple[str, ...], output_format: str, fail_on: Severity | None, max_bytes: int) -> None:
    """Analyse specs (files, or folders of *.yaml) without rendering.

    Exit status: 0 done; 1 a finding at or above --fail-on; 2 an input error;
    3 an internal error. Over several specs, the worst of them.
    """
    from archdoc.check import check_paths, run_exit_status
    from archdoc.check.formats import format_run

    outcomes = check_paths(paths, max_bytes)
    echo_problems(p for outcome in outcomes for p in outcome.problems)
    click.echo(format_run(outcomes, output_format))
    sys.exit(run_exit_status(outcomes, fail_on))


@cli.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default="output", show_default=True,
              help="The folder to write into; each spec gets a folder named after its file.")
@click.option("--formats", default=",".join(FORMATS), show_default=True,
              help="Comma-separated outputs to write: " + ", ".join(FORMATS) + ".")
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
              help="Render on the Dask cluster at ADDRESS (pip install 'archdoc[dask]').")
@fail_on_option
@max_bytes_option
def render(paths: tuple[str, ...], output: str, formats: str, direction: str, jobs: int | None, timeout: float,
           force: bool, plain: bool, expand: bool, memory: int, scheduler: str | None, fail_on: Severity | None,
           max_bytes: int) -> None:
    """Draw the diagram and write the report of each spec (files, or folders of *.yaml).

    Writes OUTPUT/<spec file stem>/: diagram.png, diagram.svg, report.md, report.html,
    report.pdf and findings.json, and OUTPUT/index.html for the whole run. Specs that have
    not changed since the last run into OUTPUT are skipped.
    """
    from pathlib import Path

    from archdoc.check import run_exit_status
    from archdoc.errors import BatchError
    from archdoc.run import Settings, plan, render_plan
    from archdoc.run.summary import format_table, format_totals

    chosen = [f.strip() for f in formats.split(",") if f.strip()]
    if not chosen or any(f not in FORMATS for f in chosen):
        raise click.BadParameter(f"choose from {', '.join(FORMATS)}", param_hint="--formats")
    settings = Settings(Path(output), tuple(chosen), direction, timeout, max_bytes, memory, plain, expand)
    planned = plan(paths, max_bytes)
    with click.progressbar(length=len(planned), label="Rendering", file=sys.stderr,
                           item_show_func=lambda item: item, show_pos=True, hidden=not sys.stderr.isatty()) as bar:
        try:
            done = render_plan(planned, settings, workers=jobs or os.cpu_count() or 1, force=force,
                               scheduler=scheduler, progress=lambda result, current: bar.update(1, current))
        except BatchError as error:
            raise click.ClickException(str(error)) from None
    echo_problems(p for result in done.results for p in result.problems)
    click.echo(format_table(done.results, output))
    click.echo(f"\n{format_totals(done.results, done.seconds)}; index: {done.index}")
    sys.exit(run_exit_status(done.results, fail_on))


@cli.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("--fail", "fail", required=True, metavar="ID[,ID...]",
              help="Components or servers that fail together (a server takes what it hosts with it).")
def whatif(spec: str, fail: str) -> None:
    """Say what the clients keep and lose when the given parts fail together."""
    from pathlib import Path

    from archdoc.explain.scenarios import UnknownIds, whatif_sentence
    from archdoc.specfile import load_spec

    with input_errors_exit():
        topology = load_spec(Path(spec))
    try:
        click.echo(whatif_sentence(topology, [i.strip() for i in fail.split(",") if i.strip()]))
    except UnknownIds as error:
        for message in error.messages:
            click.echo(f"archdoc: {message} in --fail", err=True)
        sys.exit(EXIT_INPUT_ERROR)


@cli.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the fixed spec to this file (default: standard output).")
@click.option("--only", multiple=True, metavar="RULE",
              help="Apply only the fix for this rule (repeatable); 'archdoc rules' lists them.")
@max_bytes_option
def fix(spec: str, output: str | None, only: tuple[str, ...], max_bytes: int) -> None:
    """Write a spec that resolves the findings archdoc can fix, keeping ids, order and comments."""
    from pathlib import Path

    from archdoc.files import write_atomically
    from archdoc.fix import fix_file, unknown_fixes

    unknown = unknown_fixes(only)
    for message in unknown:
        click.echo(f"archdoc: {message}", err=True)
    if unknown:
        sys.exit(EXIT_INPUT_ERROR)
    with input_errors_exit():
        fixed = fix_file(Path(spec), only, max_bytes)
    if output:
        try:
            write_atomically(Path(output), fixed.text)
        except OSError as error:
            click.echo(f"archdoc: cannot write {output}: {error.strerror}", err=True)
            sys.exit(EXIT_INPUT_ERROR)
    else:
        click.echo(fixed.text, nl=False)
    for line in fixed.done:
        click.echo(f"fixed: {line}", err=True)
    for finding in fixed.after.findings:
        click.echo(f"left: {finding.rule} {finding.component}", err=True)
    if fixed.introduced:
        click.echo("archdoc: internal error: the fixed spec has findings the original did not: "
                   + ", ".join(f"{rule} {component}" for rule, component in fixed.introduced), err=True)
        sys.exit(EXIT_INTERNAL_ERROR)


@cli.command()
@click.argument("before", type=click.Path(dir_okay=False))
@click.argument("after", type=click.Path(dir_okay=False))
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@max_bytes_option
def diff(before: str, after: str, output_format: str, max_bytes: int) -> None:
    """Compare two designs: components, links, findings and availability."""
    from pathlib import Path

    from archdoc.compare import compare_files

    with input_errors_exit():  # both specs' problems are reported
        comparison = compare_files(Path(before), Path(after), max_bytes)
    if output_format == "json":
        click.echo(json.dumps({"before": before, "after": after, **comparison.to_dict()}, indent=2,
                              ensure_ascii=False))
    else:
        click.echo(comparison.text(before, after), nl=False)


@cli.command()
@task_option("The course task: alx-0 simple web stack ... alx-3 scale up.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None,
              help="Write the starter spec here (default: standard output); an existing file is kept.")
def new(task: str, output: str | None) -> None:
    """Write a starter spec for a task of the web infrastructure design project."""
    from pathlib import Path

    from archdoc.course.tasks import TASKS
    from archdoc.files import write_atomically

    text = TASKS[task].starter()
    if output is None:
        click.echo(text, nl=False)
        return
    if Path(output).exists():
        click.echo(f"archdoc: {output} exists; archdoc new never overwrites a spec", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    write_atomically(Path(output), text)
    click.echo(f"wrote {output}: edit it, then run archdoc grade {output} --task {task}", err=True)


@cli.command()
@click.argument("spec", type=click.Path(dir_okay=False))
@task_option("The course task to grade against.")
@max_bytes_option
def grade(spec: str, task: str, max_bytes: int) -> None:
    """Check a design against a task's requirements: exit 0 when it meets them, 1 when not."""
    from pathlib import Path

    from archdoc.course.tasks import TASKS, grade_file

    chosen = TASKS[task]
    with input_errors_exit():
        problems = grade_file(Path(spec), chosen, max_bytes)
    if not problems:
        click.echo(f"{spec}: meets {task} ({chosen.title})")
        sys.exit(EXIT_OK)
    click.echo(f"{spec}: does not meet {task} ({chosen.title}) yet:")
    for problem in problems:
        click.echo(f"  {problem}")
    sys.exit(EXIT_FINDINGS)


@cli.command()
@click.argument("specs", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("-o", "--output", required=True, type=click.Path(file_okay=False), help="The hand-in folder.")
@click.option("--course", type=click.Choice(COURSES), default=COURSES[0], show_default=True)
@click.option("--image-base-url", default=None, metavar="URL",
              help="Where the images folder will be served from; the answer files then hold full addresses.")
def handin(specs: tuple[str, ...], output: str, course: str, image_base_url: str | None) -> None:
    """Write the hand-in folder: answer files named as the course requires, diagrams,
    one explanation per task and a README.md."""
    from pathlib import Path

    from archdoc.course.handin import write_handin
    from archdoc.errors import HandinError

    try:
        with input_errors_exit():
            handed_in = write_handin([Path(s) for s in specs], Path(output), image_base_url)
    except HandinError as error:
        click.echo(f"archdoc: {error}", err=True)
        sys.exit(EXIT_INPUT_ERROR)
    incomplete = False
    for item in handed_in:
        click.echo(f"{output}/{item.task.answer_file}  <- {item.spec}")
        for problem in item.problems:
            incomplete = True
            click.echo(f"  {item.task.key}: {problem}", err=True)
    click.echo(f"{output}/README.md")
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
        click.echo(catalogue_markdown(), nl=False)
    elif rule_id is None:
        click.echo(describe_catalogue())
    elif rule_id in RULES:
        click.echo(describe_rule(RULES[rule_id]))
    else:
        click.echo(f"archdoc: no rule '{rule_id}'{did_you_mean(rule_id, RULES)}; "
                   "'archdoc rules' lists them", err=True)
        sys.exit(EXIT_INPUT_ERROR)


@cli.command()
def schema() -> None:
    """Print the JSON Schema of the spec format, for editors' YAML plug-ins."""
    from archdoc.specfile.document import spec_json_schema

    click.echo(json.dumps(spec_json_schema(), indent=2))


def main() -> None:
    # Like other command-line tools, end quietly when the reader of the output goes away
    # (`archdoc check specs/ | head`), rather than report a broken pipe as a bug.
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    cli(prog_name="archdoc")
