"""Shared helpers: writing specs to files and running the real command line."""

from __future__ import annotations

import os
import shutil
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archdoc.cli import cli

pytest_plugins = ["tests.browser"]  # the browser and page fixtures of the page tests

ROOT = Path(__file__).resolve().parent.parent
SPECS = ROOT / "specs"
SHARED_EXAMPLES = ROOT.parent / "shared" / "spec" / "examples"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--regen-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output (review the diff before committing)")


@pytest.fixture(scope="session")
def rendered_examples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The four examples rendered once, with every output, by the real command."""
    out = tmp_path_factory.mktemp("rendered")
    result = run("render", *[str(p) for p in sorted(SPECS.glob("*.yaml"))], "-o", str(out))
    assert result.exit_code == 0, result.output + result.stderr
    return out


@pytest.fixture
def write_spec(tmp_path: Path) -> Callable[..., Path]:
    """Write YAML text (dedented) to a file and return its path."""

    def write(text: str, name: str = "spec.yaml") -> Path:
        path = tmp_path / name
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


def run(*args: str) -> Result:
    """Run archdoc's command line in-process; stderr is kept apart from stdout."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


HANG = "ARCHDOC-TEST-HANG"


@pytest.fixture
def dot_that_hangs_on_request(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real dot, except for a graph whose title says HANG: then it never finishes.

    A spec made slow by its size stops being slow when rendering gets faster, and a loaded
    machine makes ordinary specs slow: with a dot that hangs on purpose, the time limit
    can be generous and the test cannot fail for timing.
    """
    real = shutil.which("dot")
    assert real is not None
    folder = tmp_path / "bin"
    folder.mkdir()
    wrapper = folder / "dot"
    wrapper.write_text(f"""#!/usr/bin/env bash
last="${{@: -1}}"
if [ -f "$last" ]; then
  grep -q {HANG} "$last" && exec sleep 600
  exec {real} "$@"
fi
source=$(cat)
case "$source" in *{HANG}*) exec sleep 600;; esac
printf '%s\\n' "$source" | exec {real} "$@"
""")
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")


def hanging_design() -> str:
    """A small valid spec whose dot never finishes under ``dot_that_hangs_on_request``."""
    return (f"archdoc: 1\ntitle: slow {HANG}\ncomponents:\n  user: {{kind: client}}\n"
            "  web: {kind: web_server}\nlinks:\n  - {from: user, to: web, protocol: https}\n")


def as_shown(markdown_text: str) -> str:
    """A report.md's text as a reader sees it: no Markdown escapes, entities, or elements."""
    import html
    import re

    return html.unescape(re.sub(r"</?span>", "", markdown_text.replace("\\", "")))
