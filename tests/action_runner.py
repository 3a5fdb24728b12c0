"""A small runner for composite GitHub Actions: it runs each `run:` step of action.yml with
bash, its `${{ inputs.* }}` and `${{ github.* }}` expressions substituted the way the
Actions runner does, steps guarded by `if: inputs.x == 'y'` only when that holds. Steps
that use another action (`uses:`) are reported, not run: they need GitHub itself."""

from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import yaml

_EXPRESSION = re.compile(r"\$\{\{\s*([a-z_.-]+)\s*\}\}")
_CONDITION = re.compile(r"^inputs\.([a-z_-]+)\s*==\s*'([^']*)'$")


@dataclass
class StepRun:
    name: str
    ran: bool
    returncode: int = 0
    stdout: str = ""
    stderr: str = ""
    uses: str | None = None


@dataclass
class ActionRun:
    steps: list[StepRun] = field(default_factory=list)

    @property
    def failed(self) -> StepRun | None:
        return next((s for s in self.steps if s.ran and s.returncode), None)


def run_action(action: Path, inputs: dict[str, str], workspace: Path, env: dict[str, str]) -> ActionRun:
    definition = yaml.safe_load(action.read_text())
    values = {name: str(spec.get("default", "")) for name, spec in definition.get("inputs", {}).items()}
    values.update(inputs)
    context = {**{f"inputs.{k}": v for k, v in values.items()}, "github.action_path": str(action.parent),
               "github.workspace": str(workspace)}

    def substitute(text: str) -> str:
        return _EXPRESSION.sub(lambda m: context[m.group(1)], text)

    result = ActionRun()
    for step in definition["runs"]["steps"]:
        name = step.get("name", step.get("uses", "step"))
        condition = step.get("if")
        if condition:
            match = _CONDITION.match(condition.strip())
            assert match, f"the runner does not understand the condition {condition!r}"
            if values.get(match.group(1)) != match.group(2):
                result.steps.append(StepRun(name, ran=False))
                continue
        if "uses" in step:
            result.steps.append(StepRun(name, ran=False, uses=step["uses"]))
            continue
        step_env = {**os.environ, **env, **{k: substitute(str(v)) for k, v in step.get("env", {}).items()}}
        done = subprocess.run(["bash", "-eo", "pipefail", "-c", substitute(step["run"])], cwd=workspace,
                              env=step_env, capture_output=True, text=True)
        result.steps.append(StepRun(name, True, done.returncode, done.stdout, done.stderr))
        if done.returncode:
            break
    return result
