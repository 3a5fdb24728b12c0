"""Security: what each firewall lets in, and where HTTPS starts and ends."""

from __future__ import annotations

from archdoc.explain.design import senders
from archdoc.explain.knowledge import port_phrase
from archdoc.explain.naming import name, names
from archdoc.explain.report.document import Section
from archdoc.model import Flow, Topology
from archdoc.model.components import Database, Firewall, Monitoring
from archdoc.model.kinds import Kind
from archdoc.model.software import software_key
from archdoc.wording import sentence_list


def security_section(topology: Topology) -> Section | None:
    subsections = []
    firewalls = topology.of_kind(Kind.FIREWALL)
    if firewalls:
        bullets = [firewall_rules(topology, f) for f in firewalls]
        subsections.append(Section(
            "Firewalls",
            paragraphs=(Kind.FIREWALL.facts.what,
                        "Each firewall should let pass exactly the traffic the design needs, and nothing else:"),
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
            ends: dict[tuple[str, ...], list[str]] = {}  # the plain-text backends -> the balancers
            for lb in topology.of_kind(Kind.LOAD_BALANCER):
                inbound = any(f.link.encrypted for f in topology.flows_into.get(lb, ()))
                plain_out = [t for f in topology.flows_from.get(lb, ()) if not f.link.encrypted
                             for t in topology.beyond_firewalls(f.target) if t != lb]
                if inbound and plain_out:
                    ends.setdefault(tuple(dict.fromkeys(plain_out)), []).append(lb)
            for backends, lbs in ends.items():
                paragraphs.append(f"TLS ends at {names(topology, lbs)}: from there to {names(topology, backends)} "
                                  f"the requests travel unencrypted inside the network.")
        if plain:
            targets = list(dict.fromkeys(f.target for f in plain))
            paragraphs.append(f"Users reach {names(topology, targets)} over plain {plain[0].link.protocol.upper()}: "
                              f"passwords and cookies cross the network as readable text.")
        subsections.append(Section("HTTPS", paragraphs=tuple(paragraphs)))
    if not subsections:
        return None
    return Section("Security", subsections=tuple(subsections))


def replication_flows(topology: Topology) -> list[tuple[str, str, str]]:
    """(replica, primary, port phrase): a replica connects to its primary to fetch the log."""
    flows = []
    for replica_id in topology.of_kind(Kind.DATABASE):
        replica = topology.components[replica_id]
        if isinstance(replica, Database) and replica.replica_of:
            primary = topology.components[replica.replica_of]
            protocol = software_key(primary.software) or "mysql"
            flows.append((replica_id, replica.replica_of, port_phrase(protocol, None)))
    return flows


def senders_past(topology: Topology, flow: Flow) -> list[str]:
    """Who sends a flow: its source, or, for a firewall hop, who sends through it."""
    return senders(topology, flow.source) if topology.kind(flow.source) == Kind.FIREWALL else [flow.source]


def _crossing(topology: Topology, firewall: Firewall, firewall_id: str) -> list[tuple[str, str, str, str]]:
    """(direction, port, from, to) of every flow that crosses the firewall, names resolved."""
    protected = firewall.protects or ([firewall.host] if firewall.host else [])
    inside_in_order = list(dict.fromkeys(c for unit in protected for c in topology.on_unit(unit)))
    inside = frozenset(inside_in_order)  # asked of every flow: a list made this quadratic (10 s at 1,000 servers)
    crossing: list[tuple[str, str, str, str]] = []

    def add(direction: str, port: str, source: str, target: str) -> None:
        crossing.append((direction, port, source, target))

    def port_of(flow: Flow) -> str:
        return port_phrase(flow.link.protocol, flow.link.port)

    # the flows of what it protects that come from, or go to, outside, in the spec's link order
    entering = sorted((f for c in inside_in_order for f in topology.flows_into.get(c, ()) if f.source not in inside),
                      key=lambda f: f.link.entry)
    for flow in entering:
        for source in senders_past(topology, flow):  # a firewall hop on the way: who sends through it
            add("in", port_of(flow), name(topology, source), name(topology, flow.target))
    leaving = sorted((f for c in inside_in_order for f in topology.flows_from.get(c, ()) if f.target not in inside),
                     key=lambda f: f.link.entry)
    for flow in leaving:
        for target in topology.beyond_firewalls(flow.target):
            add("out", port_of(flow), name(topology, flow.source), name(topology, target))
    for flow in topology.flows_from.get(firewall_id, ()):  # a hop: what it lets through to what
        for target in topology.beyond_firewalls(flow.target):
            if target in inside:
                continue  # listed as let in
            entering = [f for f in topology.flows_into.get(firewall_id, ()) if f.source != target]
            for source in (s for f in entering for s in senders_past(topology, f)):
                if source != target:
                    add("through", port_of(flow), name(topology, source), name(topology, target))
    for replica, primary, port in replication_flows(topology):
        if primary in inside and replica not in inside:
            add("in", port, f"{name(topology, replica)} (replication)", name(topology, primary))
        elif replica in inside and primary not in inside:
            add("out", port, f"{name(topology, replica)} (replication)", name(topology, primary))
    for agent_id in topology.of_kind(Kind.MONITORING):
        agent = topology.components[agent_id]
        assert isinstance(agent, Monitoring)
        if agent.host in inside:
            add("out", port_phrase("https", None), f"{name(topology, agent_id)} (monitoring)",
                agent.to or "the monitoring service")
    return list(dict.fromkeys(crossing))


DIRECTIONS = {"in": "allow in", "through": "let through", "out": "allow out"}


def firewall_rules(topology: Topology, firewall_id: str) -> str:
    """What a firewall should let pass: every flow that crosses it, grouped by direction,
    port and targets."""
    firewall = topology.components[firewall_id]
    assert isinstance(firewall, Firewall)
    protected = firewall.protects or ([firewall.host] if firewall.host else [])
    grouped: dict[tuple[str, str, tuple[str, ...]], list[str]] = {}
    by_source: dict[tuple[str, str, str], list[str]] = {}
    for direction, port, source, target in _crossing(topology, firewall, firewall_id):
        by_source.setdefault((direction, port, source), []).append(target)
    for (direction, port, source), targets in by_source.items():
        grouped.setdefault((direction, port, tuple(targets)), []).append(source)
    rules: dict[str, list[str]] = {}
    for (direction, port, reached), sources in sorted(grouped.items(), key=lambda item: list(DIRECTIONS).index(item[0][0])):
        rules.setdefault(direction, []).append(f"{port} from {sentence_list(sources)} to {sentence_list(reached)}")
    what = f"protects {names(topology, protected)}" if protected else "a filter on the way"
    if not rules:
        return f"{name(topology, firewall_id)} ({what}): no flow crosses it; it can drop all traffic."
    listed = "; ".join(f"{DIRECTIONS[d]} {', '.join(r)}" for d, r in rules.items())
    return f"{name(topology, firewall_id)} ({what}): {listed}; drop everything else."
