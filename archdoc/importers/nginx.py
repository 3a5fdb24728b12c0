"""Nginx configurations (nginx.conf, site files, conf.d/*.conf) into the draft.

crossplane, the maintained Nginx parser, reads the file; this module walks its
directives: ``upstream`` blocks (servers, ``least_conn``/``ip_hash``/``hash``/``random``,
``backup``), ``proxy_pass``/``fastcgi_pass``/``uwsgi_pass``/``grpc_pass`` targets,
``listen ... ssl`` with ``ssl_certificate``, ``return 301 https://`` redirects.
``include`` is not followed (the files it names are inputs of their own, given on the
command line): a configuration never makes archdoc read a file the user did not name.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import crossplane  # type: ignore[import-untyped]
from crossplane.analyzer import DIRECTIVES  # type: ignore[import-untyped]

from archdoc.errors import InputProblem, SpecError
from archdoc.importers.draft import Draft, Source
from archdoc.importers.proxies import Backend, certificate, listen, proxy_ids, send_to, split_address, spread
from archdoc.importers.roles import APPLICATION, role_of_software
from archdoc.specfile.reading import read_spec_bytes

Directive = dict[str, Any]
_PASSES = {"proxy_pass": "http", "fastcgi_pass": "fastcgi", "uwsgi_pass": "uwsgi", "grpc_pass": "grpc"}
_ALGORITHMS = {"least_conn": "least_connections", "ip_hash": "source", "random": "random"}
_HASH_KEYS = {"$remote_addr": "source", "$binary_remote_addr": "source", "$request_uri": "uri", "$uri": "uri"}
_QUOTED = re.compile(r'"([^"]+)"')
_NGINX_WORDS = ("http", "events", "server", "upstream", "stream", "user", "worker_processes", "pid", "error_log",
                "include", "load_module", "map", "location", "worker_rlimit_nofile")


def looks_like_nginx(first_word: str, name: str) -> bool:
    return first_word in _NGINX_WORDS or ("nginx" in name.lower() and first_word.isidentifier())


@dataclass
class Upstream:
    name: str
    source: Source
    servers: list[Backend] = field(default_factory=list)
    algorithm: str | None = None
    algorithm_source: Source | None = None


def parse(path: Path, name: str, max_bytes: int) -> list[Directive]:
    """The file's directives, by crossplane; raises SpecError on a syntax error."""
    raw = read_spec_bytes(path, max_bytes)  # bounded, a regular file only
    with tempfile.TemporaryDirectory(prefix="archdoc-import-") as folder:
        # crossplane reads a path: it reads this copy, so what it sees is what was bounded.
        copy = os.path.join(folder, "nginx.conf")
        Path(copy).write_bytes(raw)
        payload = crossplane.parse(copy, single=True, check_ctx=False, comments=False,
                                   onerror=lambda error: getattr(error, "strerror", str(error)))
    if payload["errors"]:
        lines = raw.decode("utf-8", "replace").splitlines()
        raise SpecError([_problem(name, lines, error) for error in payload["errors"]])
    return list(payload["config"][0]["parsed"])


def _problem(name: str, lines: list[str], error: dict[str, Any]) -> InputProblem:
    """crossplane gives a line; the column is where the token the message quotes stands on it."""
    message = str(error.get("callback") or error["error"])
    line = int(error.get("line") or 1)
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    column = len(text) - len(text.lstrip()) + 1
    quoted = _QUOTED.search(message)
    if quoted and quoted.group(1) in text:
        column = text.index(quoted.group(1)) + 1
    return InputProblem(name, line, column, "", f"not a valid Nginx configuration: {message}")


def import_nginx(path: Path, name: str, max_bytes: int, draft: Draft) -> None:
    directives = parse(path, name, max_bytes)
    proxies = proxy_ids(draft, path, name, "nginx")
    upstreams: dict[str, Upstream] = {}
    for directive in _walk(directives, name, draft, warn=False):
        if directive["directive"] == "upstream" and directive["args"]:
            upstream = _upstream(directive, name)
            upstreams[upstream.name] = upstream
    for directive in _walk(directives, name, draft):
        source = Source(name, directive["line"])
        kind = directive["directive"]
        if kind == "server" and "block" in directive:
            _server_block(directive, name, proxies, draft)
        elif kind in _PASSES and directive["args"]:
            _pass(directive["args"][0], _PASSES[kind], source, upstreams, proxies, draft)
        elif kind == "include":
            draft.warn(source, f"include {' '.join(directive['args'])} is not followed: name the files it "
                       f"includes on the command line")


def _walk(directives: list[Directive], name: str, draft: Draft, warn: bool = True) -> list[Directive]:
    """Every directive, blocks included, in order; unknown ones are skipped with a warning."""
    found = []
    for directive in directives:
        if directive["directive"] not in DIRECTIVES:
            if warn:
                draft.warn(Source(name, directive["line"]),
                           f"unknown directive \"{directive['directive']}\" skipped")
            continue
        found.append(directive)
        found += _walk(directive.get("block", []), name, draft, warn)
    return found


def _upstream(directive: Directive, name: str) -> Upstream:
    upstream = Upstream(directive["args"][0], Source(name, directive["line"]))
    for inner in directive.get("block", []):
        args, source = inner["args"], Source(name, inner["line"])
        if inner["directive"] == "server" and args and "down" not in args[1:]:
            host, port = split_address(args[0])
            upstream.servers.append(Backend(host, port, source, backup="backup" in args[1:],
                                            weighted=any(a.startswith("weight=") for a in args[1:])))
        elif inner["directive"] in _ALGORITHMS:
            upstream.algorithm, upstream.algorithm_source = _ALGORITHMS[inner["directive"]], source
        elif inner["directive"] == "hash" and args:
            upstream.algorithm_source = source
            upstream.algorithm = _HASH_KEYS.get(args[0])
    return upstream


def _server_block(directive: Directive, name: str, proxies: list[str], draft: Draft) -> None:
    block = directive.get("block", [])
    redirects = any(d["directive"] == "return" and len(d["args"]) > 1 and d["args"][1].startswith("https://")
                    for d in block)
    has_certificate = any(d["directive"] == "ssl_certificate" for d in block)
    for inner in block:
        if inner["directive"] == "listen" and inner["args"]:
            tls = "ssl" in inner["args"][1:] or "quic" in inner["args"][1:]
            listen(draft, proxies, inner["args"][0], tls, Source(name, inner["line"]),
                   note="redirects to https" if redirects else "")
        elif inner["directive"] == "ssl_certificate":
            certificate(draft, proxies, Source(name, inner["line"]))
    if any(d["directive"] == "listen" and "ssl" in d["args"] for d in block) and not has_certificate:
        draft.todo(Source(name, directive["line"]), "listens with ssl but names no ssl_certificate here",
                   about=proxies[0])


def _pass(target: str, scheme: str, source: Source, upstreams: dict[str, Upstream], proxies: list[str],
          draft: Draft) -> None:
    tls = target.startswith(("https://", "grpcs://"))
    address = target.split("://", 1)[-1].split("/", 1)[0]
    if "$" in address:
        draft.todo(source, f"the target {target} is chosen at run time: not drawn", about=proxies[0])
        return
    role = role_of_software({"fastcgi": "php-fpm", "uwsgi": "uwsgi"}.get(scheme, "")) or APPLICATION
    upstream = upstreams.get(address)
    if upstream is None:
        if address.startswith("unix:"):
            address = "localhost"
        host, port = split_address(address)
        send_to(draft, proxies, [Backend(host, port, source, tls=tls, role=role)], scheme)
        return
    servers = [Backend(s.host, s.port, s.source, s.backup, tls, s.weighted, role) for s in upstream.servers]
    targets = send_to(draft, proxies, servers, scheme)
    algorithm = upstream.algorithm
    if algorithm is None and upstream.algorithm_source is not None:
        draft.todo(upstream.algorithm_source, "a hash on a key archdoc has no algorithm for: written as round_robin",
                   about=proxies[0])
        algorithm = "round_robin"
    if algorithm in (None, "round_robin") and any(s.weighted for s in servers):
        algorithm = "weighted_round_robin"
    spread(draft, proxies, targets,
           algorithm, upstream.source, "Nginx", "round robin")
