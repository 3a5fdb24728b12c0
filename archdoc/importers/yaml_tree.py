"""Compose files and Kubernetes manifests as YAML node trees that know their lines.

The files may come from anyone: libyaml's C parser builds nodes only (no object is ever
constructed, whatever tag a node carries), the size is bounded by the same read as a
spec's, and nesting deeper than the spec limit is refused before the tree is built.
Anchors and merge keys (``<<: *defaults``), common in Compose files, are followed: an
alias is the same node again, never a copy, and importers read a few fixed levels only.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from archdoc.errors import InputProblem, SpecError
from archdoc.specfile.yaml_source import MAX_DEPTH, read_text

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"
_MAX_MERGES = 16  # a merge of a merge of ...: deeper than any real file


class Tree:
    """A YAML node and its file: mapping, sequence or scalar, read as text."""

    def __init__(self, node: yaml.Node, file: str) -> None:
        self.node = node
        self.file = file

    @property
    def line(self) -> int:
        return int(self.node.start_mark.line) + 1

    @property
    def is_mapping(self) -> bool:
        return isinstance(self.node, yaml.MappingNode)

    @property
    def is_sequence(self) -> bool:
        return isinstance(self.node, yaml.SequenceNode)

    def text(self) -> str | None:
        """A scalar's text ('8080' for 8080); None for a null, a mapping or a sequence."""
        if isinstance(self.node, yaml.ScalarNode) and not (self.node.style is None and self.node.value in
                                                            ("", "~", "null", "Null", "NULL")):
            return str(self.node.value)
        return None

    def number(self) -> int | None:
        text = self.text()
        return int(text) if text is not None and text.isdigit() else None

    def items(self) -> Iterator[tuple[str, Tree]]:
        """A mapping's keys (as text) and values, merge keys followed; nothing for other nodes."""
        seen: set[str] = set()
        yield from self._items(self.node, seen, 0)

    def _items(self, node: yaml.Node, seen: set[str], depth: int) -> Iterator[tuple[str, Tree]]:
        if not isinstance(node, yaml.MappingNode) or depth > _MAX_MERGES:
            return
        merged: list[yaml.Node] = []
        for key, value in node.value:
            if key.tag == _MERGE:
                merged += value.value if isinstance(value, yaml.SequenceNode) else [value]
            elif isinstance(key, yaml.ScalarNode) and key.value not in seen:
                seen.add(key.value)
                yield str(key.value), Tree(value, self.file)
        for other in merged:  # explicit keys win over merged ones
            yield from self._items(other, seen, depth + 1)

    def get(self, key: str) -> Tree | None:
        return next((value for name, value in self.items() if name == key), None)

    def at(self, *keys: str) -> Tree | None:
        tree: Tree | None = self
        for key in keys:
            tree = tree.get(key) if tree else None
        return tree

    def entries(self) -> list[Tree]:
        """A sequence's entries; nothing for other nodes."""
        return [Tree(n, self.file) for n in self.node.value] if self.is_sequence else []

    def strings(self) -> list[str]:
        """A sequence of scalars, or one scalar, as text."""
        found = [t.text() for t in self.entries()] if self.is_sequence else [self.text()]
        return [text for text in found if text is not None]


def read_documents(path: Path, name: str, max_bytes: int) -> list[Tree]:
    """Every document of a YAML file, as trees; raises SpecError at the place it goes wrong."""
    text = read_text(path, max_bytes)
    try:
        depth = 0
        for event in yaml.parse(text, Loader=_Loader):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_DEPTH:
                    raise SpecError([InputProblem(name, *_position(event.start_mark), "",
                                                  f"nested deeper than {MAX_DEPTH} levels")])
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
        nodes = list(yaml.compose_all(text, Loader=_Loader))
    except yaml.MarkedYAMLError as error:
        raise SpecError([InputProblem(name, *_position(error.problem_mark or error.context_mark), "",
                                      f"not valid YAML: {error.problem or error}")]) from None
    except yaml.YAMLError as error:
        raise SpecError([InputProblem(name, 1, 1, "", f"not valid YAML: {error}")]) from None
    return [Tree(node, name) for node in nodes if node is not None]


def _position(mark: Any) -> tuple[int, int]:
    """1-based line and column of a libyaml mark (the start of the file when there is none)."""
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
