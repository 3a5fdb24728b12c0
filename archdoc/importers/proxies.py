"""What Nginx and HAProxy configurations have in common: a proxy, the addresses it
listens on, the backends it sends requests to, and how it spreads them.

The proxy is the container that mounts the configuration when a Compose file given
alongside says so (then its backends are the services they name); otherwise a component
of its own, whose machine the file does not name.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from pathlib import Path

from archdoc.importers.draft import Draft, Source
from archdoc.importers.roles import APPLICATION, Role, role_of_port, role_of_software
from archdoc.model.kinds import Kind

_LOCAL = ("localhost", "127.0.0.1", "::1", "0.0.0.0", "*", "")


@dataclass(frozen=True)
class Backend:
    """One server a proxy sends requests to, as its configuration names it."""

    host: str
    port: int | None
    source: Source
    backup: bool = False
    tls: bool = False
    weighted: bool = False
    role: Role = APPLICATION  # what it is when nothing else says: an application server
    name: str = ""  # the configuration's own name for it (HAProxy's server name), for its id
    note: str = ""  # said in the link's comment


def proxy_ids(draft: Draft, path: Path, file: str, software: str) -> list[str]:
    """The components this configuration belongs to: the containers mounting it, or a new one."""
    resolved = path.resolve()
    for mounted, ids in draft.mounts.items():
        if resolved == mounted or mounted in resolved.parents:
            return ids
    role = role_of_software(software)
    assert role is not None
    part = draft.add(software, role.kind, Source(file, 1), software=software)
    draft.todo(Source(file, 1), f"the machine {software} runs on is not named in {file}: written without a host",
               about=part.id)
    return [part.id]


def address_of(draft: Draft, proxies: list[str]) -> str:
    """What clients reach: the proxy, or the cluster of the containers that run it."""
    for part in draft.parts.values():
        if part.kind == Kind.CLUSTER and part.fields["members"] == proxies:
            return part.id
    return proxies[0]


def split_address(text: str) -> tuple[str, int | None]:
    """``host:port``, ``[::1]:80``, ``host`` -> (host, port)."""
    if text.startswith("["):
        host, _, rest = text[1:].partition("]")
        port = rest.lstrip(":")
    else:
        host, _, port = text.rpartition(":") if text.count(":") == 1 else (text, "", "")
    return host, int(port) if port.isdigit() and 0 < int(port) < 65536 else None


def backend_id(draft: Draft, proxies: list[str], backend: Backend) -> str:
    """The component at a backend's address: a Compose service it names, one met before, or a new one."""
    for known in (backend.host.lower(), backend.name.lower()):
        if known in draft.addresses:
            return draft.addresses[known]
    name = backend.host.lower()
    role = role_of_port(backend.port) or backend.role
    fields: dict[str, object] = {"software": role.software}
    if name in _LOCAL:  # on the proxy's own machine
        fields["host"] = draft.parts[proxies[0]].fields.get("host")
        name = role.software or "app"
    try:
        ipaddress.ip_address(name)
        label = f"{backend.host}:{backend.port}" if backend.port else backend.host
        fields["label"] = label
        name = backend.name or f"{role.kind.value.replace('_', '-')}-{name}"
    except ValueError:
        pass
    part = draft.add(name, role.kind, backend.source, **fields)
    draft.addresses[backend.host.lower()] = part.id
    return part.id


def send_to(draft: Draft, proxies: list[str], backends: list[Backend], protocol: str) -> list[str]:
    """Links from the proxy to each backend; returns the backends' ids."""
    ids = []
    hostless = []
    for backend in backends:
        target = backend_id(draft, proxies, backend)
        if target in proxies:
            continue
        ids.append(target)
        role = draft.role(target)
        if "host" not in draft.parts[target].fields and draft.parts[target].kind != Kind.CLUSTER:
            hostless.append(target)
        spoken = role.protocol if role.protocol != "http" else protocol
        for proxy in proxies:
            draft.link(proxy, target, "https" if spoken == "http" and backend.tls else spoken, backend.source,
                       port=backend.port, tls=backend.tls, backup=backend.backup, note=backend.note)
    if hostless and not any(t.about in hostless for t in draft.todos):
        draft.todo(backends[0].source, f"the machines of {', '.join(hostless)} are not named: written without a host",
                   about=hostless[0])
    return ids


def spread(draft: Draft, proxies: list[str], targets: list[str], algorithm: str | None, source: Source,
           software_name: str, default_said: str) -> None:
    """A proxy with two or more backends is a load balancer: its kind and algorithm."""
    if len(set(targets)) < 2:
        return
    for proxy in proxies:
        part = draft.parts[proxy]
        if part.kind != Kind.LOAD_BALANCER or "algorithm" not in part.fields:
            part.kind = Kind.LOAD_BALANCER
            part.fields["algorithm"] = algorithm or "round_robin"
    if algorithm is None:
        draft.todo(source, f"{software_name} spreads requests by its default algorithm ({default_said}): "
                   f"written as round_robin", about=proxies[0])


def listen(draft: Draft, proxies: list[str], port: int | None, tls: bool, source: Source, protocol: str = "http",
           note: str = "") -> None:
    """Users reach the proxy on a port; a Compose file's published ports, when given, already said so."""
    if proxies in draft.mounts.values():
        return  # a container: what users reach is what Compose publishes
    if protocol == "http" and tls:
        protocol = "https"
    draft.link(draft.client(), address_of(draft, proxies), protocol, source, port=port, tls=tls, note=note)


def certificate(draft: Draft, proxies: list[str], source: Source) -> None:
    holder = address_of(draft, proxies)
    if not any(p.kind == Kind.CERTIFICATE and p.fields.get("for") == holder for p in draft.parts.values()):
        draft.add(f"{holder}-cert", Kind.CERTIFICATE, source, for_=holder)
