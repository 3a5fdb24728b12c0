"""From a spec file to a validated topology: finding spec files, ``load_spec``, ``loads``."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from archdoc.errors import InputProblem
from archdoc.model.topology import Topology
from archdoc.specfile.reading import is_stdin
from archdoc.specfile.validate import build_topology
from archdoc.specfile.yaml_source import DEFAULT_MAX_BYTES, parse_yaml, read_source

SPEC_SUFFIXES = (".yaml", ".yml")


def load_spec(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Topology:
    """Read, parse and validate one spec file; raises SpecError listing every problem."""
    raw, source = read_source(path, max_bytes)
    return build_topology(raw, source)


def loads(text: str, name: str) -> Topology:
    """Parse and validate a spec's text, reported under ``name``; raises SpecError."""
    raw, source = parse_yaml(text, name)
    return build_topology(raw, source)


def find_specs(paths: Iterable[str]) -> tuple[list[Path], list[InputProblem]]:
    """The spec files named (``-``: standard input), and every ``*.yaml``/``*.yml`` below
    the folders named.

    Files named directly are taken whatever their suffix; hidden folders (.git, .venv)
    are not searched; a path that does not exist, or a folder with no spec in it, is a
    problem of its own.
    """
    files: list[Path] = []
    problems: list[InputProblem] = []
    for name in paths:
        path = Path(name)
        if is_stdin(name):
            files.append(path)
        elif path.is_dir():
            found = sorted(
                p for p in path.rglob("*")
                if p.suffix in SPEC_SUFFIXES and p.is_file() and not _hidden(p.relative_to(path))
            )
            if not found:
                problems.append(InputProblem(name, 0, 0, "", "no *.yaml or *.yml spec in this folder"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            problems.append(InputProblem(name, 0, 0, "", "no such file or folder"))
    return list(dict.fromkeys(files)), problems


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


__all__ = ["DEFAULT_MAX_BYTES", "SPEC_SUFFIXES", "find_specs", "load_spec", "loads"]
