"""Monitoring: why, how the agents collect, and how to watch the web server's QPS."""

from __future__ import annotations

from archdoc.explain.knowledge import QPS_GENERIC, QPS_HOW
from archdoc.explain.report.components import monitoring_here
from archdoc.explain.report.document import Section
from archdoc.model import Topology
from archdoc.model.components import Monitoring
from archdoc.model.kinds import Kind
from archdoc.model.software import software_key, software_name
from archdoc.wording import sentence_list


def monitoring_section(topology: Topology) -> Section | None:
    agents = topology.of_kind(Kind.MONITORING)
    if not agents:
        return None
    services = sorted({a.to for a in topology.components.values() if isinstance(a, Monitoring) and a.to})
    destination = sentence_list(services) if services else "the monitoring service"
    paragraphs = [
        "Monitoring is there to know that something is broken or slow before the users say so: it alerts the "
        "people on call, gives them the metrics and logs to find the cause, and shows the trends that tell when "
        "to add capacity.",
        f"How the data is collected: {monitoring_here(topology, agents)[len('Here: '):-1]}. Each agent runs on "
        f"its server, samples the host's metrics (CPU, memory, disk, network) and the logs and counters of the "
        f"services there, and sends them to {destination}, which stores, graphs and alerts on them.",
    ]
    web_software = sorted({software_key(topology.components[w].software) for w in topology.of_kind(Kind.WEB_SERVER)})
    for software in web_software or [""]:
        who = software_name(software) or "the web server"
        how = QPS_HOW.get(software, QPS_GENERIC)
        paragraphs.append(f"To monitor {who}'s queries per second (QPS): {how}.")
    return Section("Monitoring", paragraphs=tuple(paragraphs))
