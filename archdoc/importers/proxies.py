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
from archdoc.importers.roles import APPLICATION, SHORT_NAMES, Role, role_of_port, role_of_software
from archdoc.model.kinds import Kind
from archdoc.wording import noun, sentence_list, verb

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
    """The component at a backend's address: a Compose service it names, one met before, or a new one
    (named by the configuration's own name for it, else by its host name or address)."""
    host = backend.host.lower()
    for known in filter(None, (host, backend.name.lower())):
        if known in draft.addresses:
            return draft.addresses[known]
    role = role_of_port(backend.port) or backend.role
    fields: dict[str, object] = {"software": role.software}
    name = backend.name or host
    if host in _LOCAL:  # on the proxy's own machine
        fields["host"] = draft.parts[proxies[0]].fields.get("host")
        name = backend.name or role.software or "app"
    elif _is_ip(host):
        fields["label"] = f"{backend.host}:{backend.port}" if backend.port else backend.host
        name = backend.name or f"{SHORT_NAMES.get(role.kind, 'server')}-{host}"
    part = draft.add(name, role.kind, backend.source, **fields)
    draft.addresses[host] = part.id
    return part.id


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def send_to(draft: Draft, proxies: list[str], backends: list[Backend], protocol: str) -> list[str]:
    """Links from the proxy to each backend; returns the ids of those that take traffic (the
    backups only when there is nothing else)."""
    ids, active = [], []
    hostless = []
    for backend in backends:
        target = backend_id(draft, proxies, backend)
        if target in proxies:
            continue
        ids.append(target)
        if not backend.backup:
            active.append(target)
        role = draft.role(target)
        if "host" not in draft.parts[target].fields and draft.parts[target].kind != Kind.CLUSTER:
            hostless.append(target)
        spoken = role.protocol if role.protocol != "http" else protocol
        for proxy in proxies:
            draft.link(proxy, target, "https" if spoken == "http" and backend.tls else spoken, backend.source,
                       port=backend.port, tls=backend.tls, backup=backend.backup, note=backend.note)
    databases = sorted({t for t in ids if draft.parts[t].kind == Kind.DATABASE})
    if len(databases) > 1:
        draft.todo(backends[0].source, f"which of {sentence_list(databases)} takes the writes is not said: each is "
                   f"written as a primary", about=databases[0])
    if hostless and not any(t.about in hostless for t in draft.todos):
        count = len(hostless)
        draft.todo(backends[0].source, f"the {noun(count, 'machine')} of {sentence_list(hostless)} {verb(count, 'be')} "
                   f"not named: written without a host", about=hostless[0])
    return active or ids


def spread(draft: Draft, proxies: list[str], targets: list[str], algorithm: str | None, source: Source,
           software_name: str, default_said: str) -> None:
    """A proxy with two or more backends is a load balancer: its kind and algorithm."""
    spreads = len(set(targets)) >= 2
    for proxy in proxies:
        part = draft.parts[proxy]
        if spreads and part.kind != Kind.LOAD_BALANCER:
            part.kind = Kind.LOAD_BALANCER
        if part.kind != Kind.LOAD_BALANCER:
            continue
        written = part.fields.setdefault("algorithm", algorithm or "round_robin")
        if proxy == proxies[0] and algorithm and written != algorithm:
            draft.todo(source, f"these backends are spread by {algorithm} but a spec gives a load balancer one "
                       f"algorithm: written as {written}", about=proxy)
    if spreads and algorithm is None:
        draft.todo(source, f"{software_name} spreads requests by its default algorithm ({default_said}): "
                   f"written as round_robin", about=proxies[0])


def listen(draft: Draft, proxies: list[str], address: str, tls: bool, source: Source, protocol: str = "http",
           note: str = "") -> None:
    """Users reach the proxy at an address (``[HOST:]PORT``); a Compose file's published ports,
    when given, already said so, and a loopback address is not theirs to reach."""
    host, port = split_address(address) if ":" in address else ("", int(address) if address.isdigit() else None)
    if proxies in draft.mounts.values() or host.startswith(("127.", "localhost", "::1")):
        return
    if protocol == "http" and tls:
        protocol = "https"
    draft.link(draft.client(), address_of(draft, proxies), protocol, source, port=port, tls=tls, note=note)


def certificate(draft: Draft, proxies: list[str], source: Source) -> None:
    holder = address_of(draft, proxies)
    if not any(p.kind == Kind.CERTIFICATE and p.fields.get("for") == holder for p in draft.parts.values()):
        draft.add(f"{holder}-cert", Kind.CERTIFICATE, source, for_=holder)
