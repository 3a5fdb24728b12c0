"""Kubernetes manifests (one or more YAML documents) into the draft.

A Deployment or StatefulSet becomes its replicas, of the kind its first container's image
says, members of a cluster when more than one (a HorizontalPodAutoscaler's minimum
counts); a Service is the address that spreads over them; an Ingress is the users'
entry, with or without TLS; a NetworkPolicy is a firewall protecting the pods it selects.
The nodes the pods run on are not in the manifests: the pods are written without a host.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from archdoc.importers.compose import host_named_by
from archdoc.importers.draft import Draft, Source
from archdoc.importers.roles import Role, protocol_to, role_of_image, role_of_software
from archdoc.importers.yaml_tree import Tree
from archdoc.model.kinds import Kind
from archdoc.wording import plural

_WORKLOADS = ("Deployment", "StatefulSet")
_MAX_MEMBERS = 64
_READ = (*_WORKLOADS, "Service", "Ingress", "HorizontalPodAutoscaler", "NetworkPolicy")


def is_kubernetes(documents: list[Tree]) -> bool:
    return bool(documents) and all(d.is_mapping and d.get("apiVersion") and d.get("kind") for d in documents)


@dataclass
class Workload:
    name: str
    kind: str
    tree: Tree
    role: Role
    labels: dict[str, str]
    replicas: int
    members: list[str] = field(default_factory=list)
    address: str = ""


def import_kubernetes(documents: list[Tree], draft: Draft) -> None:
    by_kind: dict[str, list[Tree]] = {}
    for document in documents:
        kind = _text(document.get("kind"))
        if kind not in _READ:
            draft.warn(Source(document.file, document.line), f"kind {kind} is not read: skipped")
        by_kind.setdefault(kind, []).append(document)
    workloads = [_workload(d) for kind in _WORKLOADS for d in by_kind.get(kind, [])]
    minimums = _autoscaled(by_kind.get("HorizontalPodAutoscaler", []))
    if workloads:
        draft.todo(Source(documents[0].file, 1), "the nodes the pods run on are not in the manifests: pods are "
                   "written without a host; spread replicas over nodes (pod anti-affinity) for them to count")
    for workload in workloads:
        _add_workload(workload, minimums, draft)
    services = {}
    for service in by_kind.get("Service", []):
        name = _text(service.at("metadata", "name"))
        selected = _selected(workloads, service.at("spec", "selector"))
        if selected:
            services[name] = selected[0]
            draft.addresses[name] = selected[0].address
            if _text(service.at("spec", "type")) in ("LoadBalancer", "NodePort"):
                _exposed(service, selected[0], draft)
    for workload in workloads:
        _environment_links(workload, services, draft)
    for ingress in by_kind.get("Ingress", []):
        _ingress(ingress, services, draft)
    for policy in by_kind.get("NetworkPolicy", []):
        _network_policy(policy, workloads, draft)


def _text(tree: Tree | None) -> str:
    return (tree.text() or "") if tree else ""


def _workload(document: Tree) -> Workload:
    spec = document.get("spec")
    containers = spec.at("template", "spec", "containers") if spec else None
    image = _text(containers.entries()[0].get("image")) if containers and containers.entries() else ""
    selector = document.at("spec", "selector", "matchLabels")
    labels = {k: _text(v) for k, v in selector.items()} if selector else {}
    replicas = spec.get("replicas") if spec else None
    return Workload(_text(document.at("metadata", "name")) or "workload", _text(document.get("kind")), document,
                    role_of_image(image), labels, replicas.number() or 1 if replicas else 1)


def _autoscaled(autoscalers: list[Tree]) -> dict[str, tuple[int, int, Source]]:
    """Workload name -> (minimum, maximum, where) of the autoscaler that targets it."""
    found = {}
    for hpa in autoscalers:
        spec = hpa.get("spec")
        if spec is None:
            continue
        low, high = spec.get("minReplicas"), spec.get("maxReplicas")
        found[_text(spec.at("scaleTargetRef", "name"))] = ((low.number() or 1) if low else 1,
                                                           (high.number() or 1) if high else 1,
                                                           Source(hpa.file, hpa.line))
    return found


def _add_workload(workload: Workload, minimums: dict[str, tuple[int, int, Source]], draft: Draft) -> None:
    source = Source(workload.tree.file, workload.tree.line)
    count = workload.replicas
    autoscaled = minimums.get(workload.name)
    if autoscaled:
        count = max(count, autoscaled[0])
    count = min(count, _MAX_MEMBERS)
    role = workload.role
    fields = {"software": role.software}
    if count == 1:
        workload.members = [draft.add(workload.name, role.kind, source, **fields).id]
    else:
        workload.members = [draft.add(f"{workload.name}-{n}", role.kind, source, **fields).id for n in range(count)]
    database = role.kind == Kind.DATABASE
    workload.address = draft.cluster(workload.name, workload.members, source,
                                     "active_passive" if database else "active_active")
    if autoscaled:
        draft.parts[workload.members[0]].notes.append(
            f"scaled from {autoscaled[0]} to {autoscaled[1]} by {autoscaled[2]}")
    if database and count > 1:
        draft.todo(source, f"{workload.name} runs {plural(count, 'replica')} and the manifest does not say which takes the "
                   f"writes nor how they replicate: written as an active_passive cluster whose first member is "
                   f"the primary", about=workload.address)
    draft.addresses[workload.name] = workload.address


def _selected(workloads: list[Workload], selector: Tree | None) -> list[Workload]:
    labels = selector.get("matchLabels") if selector else None
    wanted = {k: _text(v) for k, v in (labels or selector).items()} if selector else {}
    return [w for w in workloads if wanted and all(w.labels.get(k) == v for k, v in wanted.items())]


def _exposed(service: Tree, workload: Workload, draft: Draft) -> None:
    """A Service of type LoadBalancer or NodePort: the cloud's (or the nodes') load balancer in front."""
    name = _text(service.at("metadata", "name"))
    balancer = draft.add(f"{name}-lb", Kind.LOAD_BALANCER, Source(service.file, service.line)).id
    ports = service.at("spec", "ports")
    for entry in ports.entries() if ports else []:
        port, target = entry.get("port"), entry.get("targetPort")
        number = port.number() if port else None
        source = Source(entry.file, entry.line)
        draft.link(draft.client(), balancer, protocol_to(workload.role, number == 443), source, port=number)
        draft.link(balancer, workload.address, protocol_to(workload.role), source,
                   port=(target.number() if target else None) or number)


def _environment_links(workload: Workload, services: dict[str, Workload], draft: Draft) -> None:
    containers = workload.tree.at("spec", "template", "spec", "containers")
    for container in containers.entries() if containers else []:
        environment = container.get("env")
        for variable in environment.entries() if environment else []:
            host, port = host_named_by(_text(variable.get("value")))
            target = services.get(host.split(".")[0])
            if target is None or target is workload or Kind.MONITORING in (workload.role.kind, target.role.kind):
                continue
            for member in workload.members:
                draft.link(member, target.address, protocol_to(draft.role(target.address)),
                           Source(variable.file, variable.line), port=port or target.role.port, inferred=True)


def _ingress(ingress: Tree, services: dict[str, Workload], draft: Draft) -> None:
    source = Source(ingress.file, ingress.line)
    spec = ingress.get("spec")
    controller = _text(spec.get("ingressClassName")) if spec else ""
    software = role_of_software(controller)
    name = _text(ingress.at("metadata", "name")) or "ingress"
    part = draft.add(f"{name}-ingress", Kind.LOAD_BALANCER, source,
                     software=software.software if software else None, algorithm=None if software else "round_robin")
    if software is None:
        draft.todo(source, f"the ingress controller of {name} is not named (ingressClassName): its software and "
                   f"algorithm are not known; written as round_robin", about=part.id)
    tls = spec.get("tls") if spec else None
    if tls is not None and tls.entries():
        draft.add(f"{name}-cert", Kind.CERTIFICATE, Source(tls.file, tls.line), for_=part.id)
        draft.link(draft.client(), part.id, "https", Source(tls.file, tls.line), port=443)
    else:
        draft.link(draft.client(), part.id, "http", source, port=80)
    rules = spec.get("rules") if spec else None
    for rule in rules.entries() if rules else []:
        paths = rule.at("http", "paths")
        for entry in paths.entries() if paths else []:
            backend = entry.at("backend", "service")
            target = services.get(_text(backend.get("name")) if backend else "")
            if target is not None and backend is not None:
                port = backend.at("port", "number")
                draft.link(part.id, target.address, protocol_to(target.role), Source(backend.file, backend.line),
                           port=port.number() if port else None)


def _network_policy(policy: Tree, workloads: list[Workload], draft: Draft) -> None:
    selector = policy.at("spec", "podSelector")
    everything = selector is not None and not list(selector.items())
    chosen = workloads if everything else _selected(workloads, selector)
    protected = [member for w in chosen for member in w.members]
    if protected:
        draft.add(_text(policy.at("metadata", "name")) or "network-policy", Kind.FIREWALL,
                  Source(policy.file, policy.line), protects=protected)
