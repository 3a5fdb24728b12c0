"""``archdoc handin``: the folder a student hands in, named as the course checks it.

For each task's spec: the answer file (no extension, the task's exact name) holding the
diagram's address, the diagram under ``images/``, the written explanation as Markdown,
and one README.md for the folder.
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from archdoc.course.answers import answer_file
from archdoc.course.tasks import TASK_BY_ANSWER_FILE, TASKS, Task, misnamed_task_file
from archdoc.errors import HandinError, InputProblem, SpecError
from archdoc.files import write_atomically
from archdoc.rules import Analysis, analyse
from archdoc.specfile import DEFAULT_MAX_BYTES, load_spec, loads
from archdoc.specfile.messages import quoted

# Addresses of pages that show an image rather than being one: the course's reviewers
# open the link and must see the picture.
NOT_IMAGES = {
    "github.com": "a GitHub page; use the raw address (raw.githubusercontent.com/...)",
    "drive.google.com": "a Google Drive page, not the image itself",
    "docs.google.com": "a Google Docs page, not the image itself",
    "imgur.com": "an Imgur page; use the i.imgur.com address of the image",
}


@dataclass(frozen=True)
class HandedIn:
    task: Task
    spec: Path
    analysis: Analysis
    problems: list[str]  # what keeps the design from meeting its task


# What an address may hold as it is (RFC 3986's unreserved and reserved characters, and
# '%' for encoded ones): anything else (a space, a bracket, a quote, a line break) could
# end the Markdown link it is written into and add text of its own.
_URL_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#@!$&*+,;=%]+")


def check_image_base_url(url: str) -> None:
    if not _URL_CHARACTERS.fullmatch(url) or "(" in url or ")" in url:
        raise HandinError(f"--image-base-url {quoted(url)} holds characters an address cannot hold as they are "
                          f"(spaces, brackets, quotes): percent-encode them")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise HandinError(f"--image-base-url {url!r} is not an http(s) address")
    host = parsed.netloc.lower().removeprefix("www.")
    if host in NOT_IMAGES:
        raise HandinError(f"--image-base-url {url!r} is {NOT_IMAGES[host]}")


def task_of(spec: Path) -> Task:
    task = TASK_BY_ANSWER_FILE.get(spec.stem)
    if task is None:
        names = ", ".join(f"{name}.yaml" for name in TASK_BY_ANSWER_FILE)
        close = misnamed_task_file(spec)
        hint = f" (did you mean {close}?)" if close else ""
        raise HandinError(f"{spec}: cannot tell which task this spec answers{hint}; name it after its task "
                          f"({names}): the course checks the exact names")
    return task


def image_address(task: Task, base_url: str | None) -> str:
    relative = f"images/{task.answer_file}.png"
    return f"{base_url.rstrip('/')}/{relative}" if base_url else relative


def write_handin(specs: list[Path], out: Path, base_url: str | None = None,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> list[HandedIn]:
    """Write the hand-in folder; raises HandinError or SpecError (every spec's problems)
    before anything is written."""
    from archdoc.explain import build_report
    from archdoc.render.diagram import render_diagram
    from archdoc.render.report import render_markdown

    if base_url:
        check_image_base_url(base_url)
    tasks = [task_of(spec) for spec in specs]
    seen: dict[str, Path] = {}
    for spec, task in zip(specs, tasks, strict=True):
        if task.answer_file in seen:
            raise HandinError(f"{spec} and {seen[task.answer_file]} both answer {task.answer_file}")
        seen[task.answer_file] = spec
    analyses: list[Analysis] = []
    problems: list[InputProblem] = []
    for spec in specs:
        try:
            analyses.append(analyse(load_spec(spec, max_bytes)))
        except SpecError as error:
            problems.extend(error.problems)
    if problems:
        raise SpecError(problems)

    images = out / "images"
    if images.is_symlink() or (images.exists() and not images.is_dir()):
        raise HandinError(f"{images} is not a folder of its own (a symbolic link or a file): archdoc writes the "
                          f"diagrams only into a real folder inside the hand-in")
    images.mkdir(parents=True, exist_ok=True)
    by_key = {task.key: analysis for task, analysis in zip(tasks, analyses, strict=True)}
    handed_in = []
    for spec, task, analysis in sorted(zip(specs, tasks, analyses, strict=True), key=lambda t: t[1].key):
        with tempfile.TemporaryDirectory() as drawing:
            files = render_diagram(analysis.topology, Path(drawing))  # the design itself, no marks
            write_atomically(out / "images" / f"{task.answer_file}.png", files.png.read_bytes())
        explanation = render_markdown(build_report(analysis), spec.name, f"images/{task.answer_file}.png")
        write_atomically(out / f"{task.answer_file}.md", explanation)
        write_atomically(out / task.answer_file,
                         answer_file(analysis, task.key, image_address(task, base_url), f"{task.answer_file}.md",
                                     previous_design(task, by_key)))
        handed_in.append(HandedIn(task, spec, analysis, task.problems(analysis)))
    write_atomically(out / "README.md", readme(handed_in, base_url))
    return handed_in


def previous_design(task: Task, handed_in: dict[str, Analysis]) -> tuple[str, Analysis] | None:
    """The previous task's design: the one handed in with this one, else the course's
    starter design of that task (``archdoc new``); None for the first task."""
    keys = list(TASKS)
    index = keys.index(task.key)
    if index == 0:
        return None
    before = TASKS[keys[index - 1]]
    if before.key in handed_in:
        return f"task {before.answer_file[0]}'s design ({before.answer_file})", handed_in[before.key]
    return (f"task {before.answer_file[0]}'s reference design (archdoc new --task {before.key})",
            analyse(loads(before.starter(), f"{before.key}.yaml")))


def readme(handed_in: list[HandedIn], base_url: str | None) -> str:
    """The folder's README.md; it names only files that are in the folder."""
    lines = ["# 0x09. Web infrastructure design", "",
             "One design per task. The answer file (no extension) holds the address of the diagram on its first "
             "line, then the task's questions, each answered in a few sentences; the Markdown file beside it "
             "explains the design in full (both written by archdoc from the design's spec).", ""]
    for item in handed_in:
        task = item.task
        local = f"images/{task.answer_file}.png"
        lines.append(f"## {task.answer_file}")
        lines.append("")
        lines.append(f"- Task: {task.title}.")
        lines.append(f"- Answers: [{task.answer_file}]({task.answer_file})")
        online = f" (online: {image_address(task, base_url)})" if base_url else ""
        lines.append(f"- Diagram: [{local}]({local}){online}")
        lines.append(f"- Explanation: [{task.answer_file}.md]({task.answer_file}.md)")
        counts = item.analysis.counts()
        lines.append(f"- Issues found: {counts['high']} high, {counts['medium']} medium, {counts['low']} low.")
        lines.append("")
    return "\n".join(lines)


LOCAL_LINK_WARNING = (
    "warning: no --image-base-url: each answer file links its diagram by a local path (images/...png), which the "
    "course's checker cannot open; upload the images folder (a GitHub repository, say) and run handin again with "
    "--image-base-url set to its raw address"
)
