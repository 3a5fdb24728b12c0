"""Security: what each firewall lets in, and where HTTPS starts and ends."""

from __future__ import annotations

from archdoc.explain.knowledge import port_phrase
from archdoc.explain.naming import name, names
from archdoc.explain.report.document import Section
from archdoc.model import Topology
from archdoc.model.components import Firewall
from archdoc.model.kinds import Kind


def security_section(topology: Topology) -> Section | None:
    subsections = []
    firewalls = topology.of_kind(Kind.FIREWALL)
    if firewalls:
        bullets = [firewall_rules(topology, f) for f in firewalls]
        subsections.append(Section(
            "Firewalls",
            paragraphs=(Kind.FIREWALL.facts.what,
                        "Each firewall should let in exactly the traffic the links need, and nothing else:"),
            bullets=tuple(bullets),
        ))
    client_flows = topology.client_flows
    if client_flows:
        encrypted = [f for f in client_flows if f.link.encrypted]
        plain = [f for f in client_flows if not f.link.encrypted]
        paragraphs = []
        if encrypted:
            targets = list(dict.fromkeys(f.target for f in encrypted))
            paragraphs.append(
                f"Users reach {names(topology, targets)} over HTTPS. HTTPS protects the traffic between the users "
                f"and the site: an eavesdropper on the path (public Wi-Fi, an ISP) cannot read or change it, and "
                f"the certificate proves to the browser that it talks to the real site."
            )
            for lb in topology.of_kind(Kind.LOAD_BALANCER):
                inbound = any(f.link.encrypted for f in topology.flows_into.get(lb, ()))
                plain_out = [f.target for f in topology.flows_from.get(lb, ()) if not f.link.encrypted]
                if inbound and plain_out:
                    paragraphs.append(
                        f"TLS ends at {name(topology, lb)}: from there to {names(topology, list(dict.fromkeys(plain_out)))} "
                        f"the requests travel unencrypted inside the network."
                    )
        if plain:
            targets = list(dict.fromkeys(f.target for f in plain))
            paragraphs.append(f"Users reach {names(topology, targets)} over plain {plain[0].link.protocol.upper()}: "
                              f"passwords and cookies cross the network as readable text.")
        subsections.append(Section("HTTPS", paragraphs=tuple(paragraphs)))
    if not subsections:
        return None
    return Section("Security", subsections=tuple(subsections))


def firewall_rules(topology: Topology, firewall_id: str) -> str:
    """What a firewall should let in: the links that cross it, grouped by port and sources."""
    firewall = topology.components[firewall_id]
    assert isinstance(firewall, Firewall)
    protected = firewall.protects or ([firewall.host] if firewall.host else [])
    crossing: dict[tuple[str, str], list[str]] = {}  # (port, source) -> targets
    for unit in protected:
        inside = set(topology.on_unit(unit))
        for component in topology.on_unit(unit):
            for flow in topology.flows_into.get(component, ()):
                if flow.source not in inside:
                    port = port_phrase(flow.link.protocol, flow.link.port)
                    crossing.setdefault((port, flow.source), []).append(component)
    if firewall_id in topology.linked:
        for flow in topology.flows_from.get(firewall_id, ()):
            crossing.setdefault((port_phrase(flow.link.protocol, flow.link.port), ""), []).append(flow.target)
    grouped: dict[tuple[str, tuple[str, ...]], list[str]] = {}  # (port, targets) -> sources
    for (port, source), targets in crossing.items():
        grouped.setdefault((port, tuple(dict.fromkeys(targets))), []).append(source)
    allowed = []
    for (port, reached), sources in sorted(grouped.items()):
        origin = f" from {names(topology, sources)}" if any(sources) else ""
        allowed.append(f"{port}{origin} {'on ' if not any(sources) else ''}to {names(topology, reached)}")
    target = names(topology, protected) if protected else "the traffic that passes it"
    if not allowed:
        return f"{name(topology, firewall_id)} ({target}): no link enters; it can drop all inbound traffic."
    return f"{name(topology, firewall_id)} ({target}): allow {'; '.join(allowed)}."
