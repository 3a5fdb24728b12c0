"""Shared helpers: writing specs to files and running the real command line."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from archdoc.cli import cli

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
