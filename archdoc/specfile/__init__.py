"""From a spec file to a validated topology: finding spec files, ``load_spec``, ``loads``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from archdoc.errors import InputProblem, SpecError
from archdoc.model.topology import Topology
from archdoc.specfile.reading import display_name, is_stdin, read_spec_bytes
from archdoc.specfile.validate import build_topology
from archdoc.specfile.yaml_source import DEFAULT_MAX_BYTES, parse_yaml, quick_parse, read_text

SPEC_SUFFIXES = (".yaml", ".yml")


def load_spec(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Topology:
    """Read, parse and validate one spec file; raises SpecError listing every problem."""
    return loads(read_text(path, max_bytes), display_name(path))


def loads(text: str, name: str) -> Topology:
    """Parse and validate a spec's text, reported under ``name``; raises SpecError.

    A valid spec is read the quick way, keeping only the positions its analysis names; a
    spec with anything to report (a problem, a warning) is read again carefully, every
    position kept, so that each message says where."""
    topology = _without_remarks(text, name)
    if topology is not None:
        return topology
    raw, source = parse_yaml(text, name)
    return build_topology(raw, source)


def _without_remarks(text: str, name: str) -> Topology | None:
    """The topology of a spec read the quick way, or None when there is anything to say of
    it (a problem, a warning) or it is unusual: what it read is let go before the careful
    reading starts."""
    quick = quick_parse(text, name)
    if quick is None:
        return None
    try:
        topology = build_topology(*quick)
    except SpecError:
        return None
    return None if topology.warnings else topology


@dataclass(frozen=True)
class Found:
    """What the paths of a command name: the specs to read, the problems of paths that name
    nothing, and what a folder scan passed over (with why)."""

    files: list[Path]
    problems: list[InputProblem]
    skipped: list[tuple[str, str]] = field(default_factory=list)


_SPEC_KEY = re.compile(r"""^["']?(?:archdoc|components)["']?\s*:""", re.MULTILINE)


def looks_like_spec(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> bool:
    """Whether a file a folder scan found is meant as a spec: its top level has the
    ``archdoc`` (or ``components``) key. A docker-compose.yml or a CI workflow is not.
    A file that cannot be read counts as a spec, so that its reading error is reported."""
    try:
        text = read_spec_bytes(path, max_bytes).decode("utf-8", errors="replace")
    except SpecError:
        return True
    if text.lstrip().startswith("{"):  # a flow mapping or JSON: keys anywhere on the line
        return '"archdoc"' in text or "archdoc:" in text
    return bool(_SPEC_KEY.search(text))


def find_specs(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES, only_specs: bool = False) -> Found:
    """The spec files named (``-``: standard input), and the specs below the folders named.

    Files named are always read, whatever their suffix. In a folder, only ``*.yaml`` and
    ``*.yml`` files whose top level has the ``archdoc`` key are specs; hidden folders (.git,
    .venv) are not searched and symbolic links are not followed (a link in a stranger's
    folder may point at anything on this machine): both are counted as skipped. A path that
    does not exist, or a folder with no spec in it, is a problem of its own. With
    ``only_specs``, files named are passed over like that too when they are no spec
    (pre-commit names every changed YAML file, a docker-compose.yml among them).
    """
    files: list[Path] = []
    problems: list[InputProblem] = []
    skipped: list[tuple[str, str]] = []
    for name in paths:
        path = Path(name)
        if is_stdin(name):
            files.append(path)
        elif path.is_dir():
            found = []
            for candidate in sorted(path.rglob("*")):
                relative = candidate.relative_to(path)
                if candidate.suffix not in SPEC_SUFFIXES or _hidden(relative):
                    continue
                if candidate.is_symlink() or any(p.is_symlink() for p in list(candidate.parents)[:len(relative.parts) - 1]):
                    skipped.append((str(candidate), "a symbolic link, not followed in a folder"))
                elif not candidate.is_file():
                    continue
                elif not looks_like_spec(candidate, max_bytes):
                    skipped.append((str(candidate), "not an archdoc spec (no 'archdoc' key at its top level)"))
                else:
                    found.append(candidate)
            if not found:
                problems.append(InputProblem(name, 0, 0, "", "no archdoc spec (*.yaml or *.yml) in this folder"))
            files.extend(found)
        elif only_specs and path.is_file() and not looks_like_spec(path, max_bytes):
            skipped.append((name, "not an archdoc spec (no 'archdoc' key at its top level)"))
        elif path.exists() or path.is_symlink():
            files.append(path)
        else:
            problems.append(InputProblem(name, 0, 0, "", "no such file or folder"))
    return Found(list(dict.fromkeys(files)), problems, skipped)


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


__all__ = ["DEFAULT_MAX_BYTES", "SPEC_SUFFIXES", "Found", "find_specs", "load_spec", "looks_like_spec", "loads"]
