"""How the report names the components of a design in sentences."""

from __future__ import annotations

from collections.abc import Iterable

from archdoc.model import Topology
from archdoc.model.components import Database
from archdoc.model.software import software_name
from archdoc.wording import sentence_list

LIST_LIMIT = 8  # past this, a sentence names the first few and counts the rest


def name(topology: Topology, component_id: str) -> str:
    """The component's label; 'label (id)' where another component shows the same label."""
    label = topology.label(component_id)
    return label if topology.label_is_unique(component_id) else f"{label} ({component_id})"


def names(topology: Topology, ids: Iterable[str], limit: int = LIST_LIMIT) -> str:
    """'a, b and c'; a long list as 'a, b, c, d, e, f and 12 more' (tables list them all)."""
    named = [name(topology, i) for i in ids]
    if len(named) > limit:
        named = named[: limit - 2] + [f"{len(named) - (limit - 2)} more"]
    return sentence_list(named)


def described(topology: Topology, component_id: str) -> str:
    """'nginx-1 (Nginx on web-01)': the name, with software and server where known."""
    component = topology.components[component_id]
    details = [software_name(component.software) or ""]
    host = topology.host_of(component_id)
    if host:
        details.append(f"on {name(topology, host)}")
    detail = " ".join(d for d in details if d)
    return f"{name(topology, component_id)} ({detail})" if detail else name(topology, component_id)


def described_short(topology: Topology, component_id: str) -> str:
    """'mysql-1 (MySQL primary database)': the name, with software and kind."""
    component = topology.components[component_id]
    kind = component.kind.singular
    if isinstance(component, Database):
        kind = f"{component.role} {kind}"
    software = software_name(component.software)
    return f"{name(topology, component_id)} ({software + ' ' if software else ''}{kind})"
