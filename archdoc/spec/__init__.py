"""From a spec file to a validated topology: ``load_spec``."""

from __future__ import annotations

from pathlib import Path

from archdoc.model.topology import Topology
from archdoc.spec.validate import build_topology
from archdoc.spec.yaml_source import DEFAULT_MAX_BYTES, read_source


def load_spec(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> Topology:
    """Read, parse and validate one spec file; raises SpecError listing every problem."""
    raw, source = read_source(path, max_bytes)
    return build_topology(raw, source)


__all__ = ["load_spec", "DEFAULT_MAX_BYTES"]
