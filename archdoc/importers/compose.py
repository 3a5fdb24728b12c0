"""Docker Compose files (the Compose Specification) into the draft.

Each service becomes a component of the kind its image says, on the one machine Compose
runs on; ``deploy.replicas`` or ``scale`` above 1 makes that many members of a cluster;
published ports become the users' links; ``depends_on``, ``links`` and environment
variables naming another service become links; a mounted proxy configuration is noted
so that the Nginx or HAProxy importer gives that service its real upstreams.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from archdoc.importers.draft import Draft, Source
from archdoc.importers.roles import APPLICATION, Role, protocol_to, role_of_image, role_of_software
from archdoc.importers.yaml_tree import Tree
from archdoc.model.kinds import Kind
from archdoc.wording import plural, sentence_list

HOST_ID = "docker-host"
_CERTIFICATE_HINTS = (".pem", ".crt", ".cer", ".key", "cert", "ssl", "tls", "letsencrypt")
_HTTPS_PORTS = (443, 8443)


@dataclass
class Service:
    name: str
    tree: Tree
    role: Role
    address: str = ""  # the id others link to: the component, or the cluster of its replicas
    members: list[str] = field(default_factory=list)


def is_compose(documents: list[Tree]) -> bool:
    return len(documents) == 1 and documents[0].is_mapping and bool(documents[0].at("services"))


def import_compose(documents: list[Tree], path: Path, draft: Draft) -> None:
    root = documents[0]
    file = root.file
    services_tree = root.get("services")
    assert services_tree is not None
    host = draft.add(HOST_ID, Kind.SERVER, Source(file, 1), label="Compose host")
    draft.notes.append(
        f"{file}: every service runs on the one machine Compose runs on ({host.id}): a single point of "
        f"failure for all of them; give the tiers machines of their own to remove it.")
    services = [Service(name, tree, _role(tree)) for name, tree in services_tree.items() if tree.is_mapping]
    for service in services:
        _add_service(service, host.id, draft)
    by_name = {s.name: s for s in services}
    for service in services:
        _published_ports(service, draft)
        _mounts(service, path.parent, draft)
    for service in services:
        _dependencies(service, by_name, draft)
    databases = [s for s in services if s.role.kind == Kind.DATABASE]
    if len(databases) > 1:
        names = [s.name for s in databases]
        draft.todo(Source(file, databases[0].tree.line),
                   f"{sentence_list(names)} are databases and the file does not say whether one replicates "
                   f"another: each is written as a primary of its own (a replica takes 'role: replica' and "
                   f"'replica_of')", about=databases[0].address)


def _add_service(service: Service, host: str, draft: Draft) -> None:
    tree, role = service.tree, service.role
    source = Source(tree.file, tree.line)
    count = _replicas(tree)
    fields = {"software": role.software, "host": host}
    if count == 1:
        service.members = [draft.add(service.name, role.kind, source, **fields).id]
        service.address = service.members[0]
    else:
        service.members = [draft.add(f"{service.name}-{n}", role.kind, source, **fields).id
                           for n in range(1, count + 1)]
        database = role.kind == Kind.DATABASE
        service.address = draft.cluster(service.name, service.members, source,
                                        "active_passive" if database else "active_active")
        if database:
            draft.todo(source, f"{service.name} runs {plural(count, 'replica')}, and the file does not say which takes the "
                       f"writes nor how they replicate: written as an active_passive cluster whose first member "
                       f"is the primary", about=service.address)
    if role.kind == Kind.MONITORING:
        draft.parts[service.members[0]].notes.append("its own traffic is not drawn")
    draft.addresses[service.name] = service.address


def _role(tree: Tree) -> Role:
    """What a service runs: its image says, or for an application image its command
    (``gunicorn -b 0.0.0.0:5000 app:app`` runs Gunicorn)."""
    role = role_of_image(_text(tree.get("image")))
    if role is not APPLICATION:
        return role
    for key in ("command", "entrypoint"):
        found = tree.get(key)
        for word in " ".join(found.strings() if found is not None else []).split():
            named = role_of_software(word.rsplit("/", 1)[-1])
            if named is not None and named.kind == Kind.APP_SERVER:
                return named
    return role


def _text(tree: Tree | None) -> str:
    return (tree.text() or "") if tree else ""


def _replicas(tree: Tree) -> int:
    for found in (tree.at("deploy", "replicas"), tree.get("scale")):
        if found is not None and found.number():
            return min(found.number() or 1, 64)  # a spec of hundreds of identical members says nothing more
    return 1


def _published_ports(service: Service, draft: Draft) -> None:
    ports = service.tree.get("ports")
    if ports is None or service.role.kind == Kind.MONITORING:
        return
    certificate = _mounts_certificate(service)
    for entry in ports.entries():
        published, target = _port_pair(entry)
        source = Source(entry.file, entry.line)
        if _loopback_only(entry):
            draft.parts[service.members[0]].notes.append(f"port {published} is published on the loopback "
                                                         f"address only, not drawn as reachable by users")
            continue
        if published is None:
            draft.todo(source, f"{service.name}: a port the importer cannot read: skipped", about=service.address)
            continue
        https = (target in _HTTPS_PORTS or published in _HTTPS_PORTS
                 or (certificate and service.role.protocol == "http" and target != 80))
        draft.link(draft.client(), service.address, protocol_to(service.role, https), source, port=published)


def _port_pair(entry: Tree) -> tuple[int | None, int | None]:
    """(published, container) port of a short ``[IP:]HOST:CONTAINER[/proto]`` or long entry;
    a container port published on a random host port counts as published on itself."""
    if entry.is_mapping:
        target = entry.get("target")
        published = entry.get("published")
        container = target.number() if target else None
        host = _first_port(published.text() or "") if published else None
        return host or container, container
    text = (entry.text() or "").split("/")[0]
    parts = text.rsplit(":", 2)
    container = _first_port(parts[-1])
    host = _first_port(parts[-2]) if len(parts) >= 2 else container
    return host, container


def _loopback_only(entry: Tree) -> bool:
    host_ip = entry.get("host_ip") if entry.is_mapping else None
    text = _text(host_ip) if entry.is_mapping else (entry.text() or "")
    return text.startswith(("127.", "localhost", "[::1]", "::1"))


def _first_port(text: str) -> int | None:
    first = text.split("-")[0].strip()
    return int(first) if first.isdigit() and 0 < int(first) < 65536 else None


def _volumes(service: Service) -> list[tuple[str, str, Tree]]:
    """(source, target) of each volume; the source is empty for an anonymous volume."""
    found = []
    volumes = service.tree.get("volumes")
    for entry in volumes.entries() if volumes else []:
        if entry.is_mapping:
            found.append(((entry.get("source") or entry).text() or "", (entry.get("target") or entry).text() or "",
                          entry))
        elif entry.text():
            parts = (entry.text() or "").split(":")
            found.append((parts[0], parts[1], entry) if len(parts) > 1 else ("", parts[0], entry))
    return found


def _mounts_certificate(service: Service) -> bool:
    return any(hint in f"{source} {target}".lower() for source, target, _ in _volumes(service)
               for hint in _CERTIFICATE_HINTS)


def _mounts(service: Service, folder: Path, draft: Draft) -> None:
    """Bind-mounted files: configuration another input may describe, a certificate to add."""
    for source, _, _ in _volumes(service):
        if source.startswith((".", "/")):
            draft.mounts[(folder / source).resolve()] = service.members
    if _mounts_certificate(service):
        tree = service.tree.get("volumes")
        assert tree is not None
        draft.add(f"{service.name}-cert", Kind.CERTIFICATE, Source(tree.file, tree.line), for_=service.address)


def _dependencies(service: Service, by_name: dict[str, Service], draft: Draft) -> None:
    """depends_on, links and environment variables that name another service: it talks to it."""
    named: list[tuple[str, Tree, int | None]] = []
    depends = service.tree.get("depends_on")
    if depends is not None:
        keys = [(name, value) for name, value in depends.items()] if depends.is_mapping else \
            [(entry.text() or "", entry) for entry in depends.entries()]
        named += [(name, tree, None) for name, tree in keys]
    links = service.tree.get("links")
    for entry in links.entries() if links else []:
        named.append(((entry.text() or "").split(":")[0], entry, None))
    environment = service.tree.get("environment")
    if environment is not None:
        values = [value for _, value in environment.items()] if environment.is_mapping else environment.entries()
        for value in values:
            text = value.text() or ""
            host, port = host_named_by(text.split("=", 1)[1] if not environment.is_mapping and "=" in text else text)
            if host in by_name:
                named.append((host, value, port))
    for name, tree, port in named:
        target = by_name.get(name)
        if target is None or Kind.MONITORING in (service.role.kind, target.role.kind):
            continue
        role = draft.role(target.address)
        for member in service.members:
            draft.link(member, target.address, protocol_to(role), Source(tree.file, tree.line),
                       port=port or role.port, inferred=True)


def host_named_by(value: str) -> tuple[str, int | None]:
    """The host a value names: ``db``, ``db:5432`` or a URL such as ``mysql://u:p@db:3306/app``."""
    value = value.strip()
    if "://" in value:
        try:
            url = urlsplit(value)
            return url.hostname or "", url.port
        except ValueError:
            return "", None
    host, _, port = value.partition(":")
    return host, int(port) if port.isdigit() and 0 < int(port) < 65536 else None
