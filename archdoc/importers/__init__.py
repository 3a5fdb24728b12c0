"""``archdoc import``: a spec from the configuration that already runs.

Docker Compose files, Kubernetes manifests, HAProxy and Nginx configurations are read
(each by its own module), recognised by their content (the name is a hint), and become
one spec: ``import_files`` returns its text and what the importer could not know.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from archdoc.errors import InputProblem, SpecError
from archdoc.importers.compose import import_compose, is_compose
from archdoc.importers.draft import Draft
from archdoc.importers.haproxy import import_haproxy, looks_like_haproxy
from archdoc.importers.kubernetes import import_kubernetes, is_kubernetes
from archdoc.importers.nginx import import_nginx, looks_like_nginx
from archdoc.importers.yaml_tree import Tree, read_documents
from archdoc.specfile.reading import read_spec_bytes

_YAML_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Imported:
    text: str  # the spec
    messages: tuple[str, ...]  # TODOs and warnings, for standard error


def import_files(paths: list[str], max_bytes: int) -> Imported:
    """One spec from every file named; raises SpecError when a file cannot be read."""
    draft = Draft()
    problems: list[InputProblem] = []
    yaml_inputs: list[tuple[str, list[Tree]]] = []
    configs: list[tuple[str, str]] = []
    for name in paths:
        try:
            kind, documents = _detect(name, max_bytes)
        except SpecError as error:
            problems += error.problems
            continue
        if documents is not None:
            yaml_inputs.append((name, documents))
        else:
            configs.append((name, kind))
    # Not raised yet: the configurations' own syntax errors are reported with these, all at once.
    draft.files = list(paths)
    # Compose and Kubernetes first: a proxy configuration then finds the services it names.
    for name, documents in yaml_inputs:
        if is_compose(documents):
            import_compose(documents, Path(name), draft)
        else:
            import_kubernetes(documents, draft)
    for name, kind in configs:
        try:
            (import_nginx if kind == "nginx" else import_haproxy)(Path(name), name, max_bytes, draft)
        except SpecError as error:
            problems += error.problems
    if problems:
        raise SpecError(problems)
    draft.finish()
    messages = [str(t) for t in draft.todos] + draft.warnings
    return Imported(draft.text(), tuple(messages))


def _detect(name: str, max_bytes: int) -> tuple[str, list[Tree] | None]:
    """Which of the four formats a file is: by its content, its name breaking ties."""
    path = Path(name)
    head = read_spec_bytes(path, max_bytes).decode("utf-8", "replace")
    first_word = _first_word(head)
    if path.suffix.lower() in _YAML_SUFFIXES or first_word.endswith(":") or first_word == "---":
        documents = read_documents(path, name, max_bytes)
        if is_compose(documents):
            return "compose", documents
        if is_kubernetes(documents):
            return "kubernetes", documents
    elif looks_like_haproxy(first_word, name):
        return "haproxy", None
    elif looks_like_nginx(first_word, name):
        return "nginx", None
    raise SpecError([InputProblem(name, 1, 1, "", "not a file archdoc can import: neither a Docker Compose file "
                                  "(with 'services:'), Kubernetes manifests (with 'apiVersion:' and 'kind:'), "
                                  "an HAProxy configuration nor an Nginx configuration")])


def _first_word(text: str) -> str:
    for line in text.splitlines():
        words = line.split("#", 1)[0].split()
        if words:
            return words[0].rstrip("{;")
    return ""
