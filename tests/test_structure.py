"""The shape of the package: data flows one way, kinds and rule ids are named once."""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

import pytest

from archdoc.fix import FIXES
from archdoc.model.components import MODEL_BY_KIND
from archdoc.model.kinds import KIND_FACTS, Kind, KindFacts
from archdoc.model.software import SOFTWARE
from archdoc.rules import RULES
from tests.conftest import ROOT

PACKAGE = ROOT / "archdoc"

# From the bottom up: a module may import from its own layer or those below, never above.
LAYERS = (
    ("archdoc", "archdoc.errors", "archdoc.wording", "archdoc.files", "archdoc.limits"),
    ("archdoc.model",),
    ("archdoc.specfile",),
    ("archdoc.rules",),
    ("archdoc.explain",),
    ("archdoc.render",),
    ("archdoc.check", "archdoc.importers", "archdoc.fix", "archdoc.compare", "archdoc.course", "archdoc.run",
     "archdoc.serve"),
    ("archdoc.cli", "archdoc.__main__"),
)


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def layer_of(module: str) -> int:
    best, best_length = -1, -1
    for index, names in enumerate(LAYERS):
        for name in names:
            matches = module == name or (name != "archdoc" and module.startswith(name + "."))
            if matches and len(name) > best_length:
                best, best_length = index, len(name)
    assert best >= 0, f"{module} is in no layer: add it to LAYERS"
    return best


def imports_of(module: str) -> set[str]:
    """The archdoc modules this one imports, at its top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(MODULES[module].read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names
                         if f"{node.module}.{alias.name}" in MODULES)
    return {name for name in found if name in MODULES}


def test_no_import_runs_up_the_layers() -> None:
    upward = [f"{module} (layer {layer_of(module)}) imports {imported} (layer {layer_of(imported)})"
              for module in MODULES for imported in sorted(imports_of(module))
              if layer_of(imported) > layer_of(module)]
    assert not upward, "\n".join(upward)


def test_no_import_cycle() -> None:
    graph = {module: imports_of(module) for module in MODULES}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for imported in sorted(graph[module]):
            if state.get(imported) == 1:
                cycles.append(" -> ".join(path[path.index(imported):] + [imported]))
            elif imported not in state:
                visit(imported, path + [imported])
        state[module] = 2

    for module in MODULES:
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


def test_no_rule_id_is_written_as_a_bare_string_outside_rules() -> None:
    """Code outside archdoc/rules/ names a rule by its class (Spof.id): a typo then fails at import."""
    found = []
    for module, path in MODULES.items():
        if module.startswith("archdoc.rules"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in RULES:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: '{node.value}'")
    assert not found, "\n".join(found)


@pytest.mark.parametrize("kind", list(Kind), ids=[k.value for k in Kind])
def test_every_kind_has_every_fact(kind: Kind) -> None:
    facts = KIND_FACTS[kind]
    for field in dataclasses.fields(KindFacts):
        value = getattr(facts, field.name)
        if value is not None:  # None says "does not apply"; an empty text is a gap
            assert value != "", f"{kind}: {field.name} is empty"
    assert facts.singular and facts.plural and facts.what
    assert MODEL_BY_KIND[kind].model_fields["kind"].annotation.__args__[0] is kind


def test_the_kind_table_and_the_models_name_the_same_kinds() -> None:
    assert list(KIND_FACTS) == list(Kind) == list(MODEL_BY_KIND)
    assert sorted(f.request_rank for f in KIND_FACTS.values()) == list(range(len(Kind)))


def test_every_icon_of_the_tables_exists_in_diagrams() -> None:
    from archdoc.render.canvas import icon_class

    icons = {f.icon for f in KIND_FACTS.values() if f.icon} | {s.icon for s in SOFTWARE.values() if s.icon}
    for icon in sorted(icons):
        assert icon_class(icon) is not None


def test_every_fix_answers_a_registered_rule() -> None:
    assert all(RULES[rule.id] is rule for rule in FIXES)
