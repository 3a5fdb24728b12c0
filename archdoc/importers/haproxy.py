"""HAProxy configurations (haproxy.cfg) into the draft.

HAProxy's format is lines of words in sections (``global``, ``defaults``, ``frontend``,
``backend``, ``listen``, ...); words are split as HAProxy does, with quotes and ``#``
comments (``shlex``). What is read: a frontend's ``bind`` (port, ``ssl crt``: TLS and a
certificate), ``default_backend``/``use_backend``, a backend's ``balance`` and
``server`` lines (``backup``, ``check``, ``ssl``, ``weight``), and ``mode``.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field
from pathlib import Path

from archdoc.errors import InputProblem, SpecError
from archdoc.importers.draft import Draft, Source
from archdoc.importers.proxies import Backend, certificate, listen, proxy_ids, send_to, split_address, spread
from archdoc.specfile.yaml_source import read_text

_PROXIES = ("frontend", "backend", "listen", "defaults")
_OTHER_SECTIONS = ("global", "resolvers", "peers", "userlist", "mailers", "program", "http-errors", "cache",
                   "ring", "crt-store", "traces")
_ALGORITHMS = {"roundrobin": "round_robin", "static-rr": "round_robin", "leastconn": "least_connections",
               "source": "source", "uri": "uri", "random": "random", "first": "first"}
# Keywords of a proxy section this importer knows (and reads, or has no use for); any other
# is reported as unknown and skipped.
_KNOWN = frozenset("""
    acl backlog balance bind capture compression cookie default-server default_backend description
    disabled enabled errorfile errorfiles errorloc errorloc302 errorloc303 filter fullconn hash-type
    http-after-response http-check http-error http-request http-response http-reuse id ignore-persist
    log log-format log-tag max-keep-alive-queue maxconn mode monitor monitor-uri option persist rate-limit
    redirect retries retry-on server server-template source stats stick stick-table tcp-check
    tcp-request tcp-response timeout unique-id-format unique-id-header use_backend use-server
    email-alert force-persist grace load-server-state-from-file http-send-name-header
""".split())


def looks_like_haproxy(first_word: str, name: str) -> bool:
    return first_word in _PROXIES + _OTHER_SECTIONS or ("haproxy" in name.lower() and name.endswith(".cfg"))


@dataclass(eq=False)  # each section is itself, hashable by identity
class Section:
    kind: str  # frontend, backend, listen, defaults
    name: str
    source: Source
    lines: list[tuple[list[str], Source]] = field(default_factory=list)

    def first(self, keyword: str) -> tuple[list[str], Source] | None:
        return next(((words, source) for words, source in self.lines if words[0] == keyword), None)


def parse(path: Path, name: str, max_bytes: int, draft: Draft) -> list[Section]:
    """The proxy sections, each with its lines split into words; raises SpecError on a syntax error."""
    sections: list[Section] = []
    problems: list[InputProblem] = []
    current: Section | None = None
    in_other = False
    for number, text in enumerate(read_text(path, max_bytes).splitlines(), start=1):
        try:
            words = shlex.split(text, comments=True)
        except ValueError as error:  # an unclosed quote
            quote = min((text.find(q) for q in "\"'" if q in text), default=0)
            problems.append(InputProblem(name, number, quote + 1, "", f"not a valid HAProxy configuration: {error}"))
            continue
        if not words:
            continue
        source = Source(name, number)
        column = len(text) - len(text.lstrip()) + 1
        if words[0] in _PROXIES:
            current, in_other = Section(words[0], words[1] if len(words) > 1 else words[0], source), False
            sections.append(current)
        elif words[0] in _OTHER_SECTIONS:
            current, in_other = None, True
        elif current is None and not in_other:
            problems.append(InputProblem(name, number, column, "", f"not a valid HAProxy configuration: "
                                         f"'{words[0]}' outside any section (global, defaults, frontend, backend, "
                                         f"listen)"))
        elif current is not None and words[0] not in _KNOWN and words[0] != "no":
            draft.warn(source, f"unknown keyword \"{words[0]}\" skipped")
        elif current is not None:
            current.lines.append((words, source))
    if problems:
        raise SpecError(problems)
    return sections


def import_haproxy(path: Path, name: str, max_bytes: int, draft: Draft) -> None:
    sections = parse(path, name, max_bytes, draft)
    proxies = proxy_ids(draft, path, name, "haproxy")
    defaults = [s for s in sections if s.kind == "defaults"]
    backends = {s.name: s for s in sections if s.kind in ("backend", "listen")}
    used: list[Section] = []
    for section in sections:
        if section.kind in ("frontend", "listen"):
            mode = _setting(section, defaults, "mode") or "tcp"
            _binds(section, mode, proxies, draft)
            for words, _ in section.lines:
                if words[0] in ("default_backend", "use_backend") and len(words) > 1 and words[1] in backends:
                    used.append(backends[words[1]])
            if section.kind == "listen":
                used.append(section)
    for section in dict.fromkeys(used):  # once each, in the order first used
        _backend(section, defaults, proxies, draft)


def _setting(section: Section, defaults: list[Section], keyword: str) -> str | None:
    """A keyword's first word in the section, or else in the defaults before it."""
    for place in [section, *reversed(defaults)]:
        found = place.first(keyword)
        if found and len(found[0]) > 1:
            return found[0][1]
    return None


def _binds(section: Section, mode: str, proxies: list[str], draft: Draft) -> None:
    protocol = "http" if mode == "http" else "tcp"
    redirects = any(words[:3] == ["redirect", "scheme", "https"] or words[:4] == ["http-request", "redirect",
                                                                                 "scheme", "https"]
                    for words, _ in section.lines)
    for words, source in section.lines:
        if words[0] != "bind" or len(words) < 2:
            continue
        tls = "ssl" in words[2:]
        for address in words[1].split(","):
            listen(draft, proxies, address, tls, source, "tls" if tls and protocol == "tcp" else protocol,
                   note="redirects to https" if redirects and not tls else "")
        if "crt" in words[2:]:
            certificate(draft, proxies, source)


def _backend(section: Section, defaults: list[Section], proxies: list[str], draft: Draft) -> None:
    mode = _setting(section, defaults, "mode") or "tcp"
    servers = []
    for words, source in section.lines:
        if words[0] != "server" or len(words) < 3:
            continue
        host, port = split_address(words[2])
        params = words[3:]
        servers.append(Backend(host, port, source, backup="backup" in params, tls="ssl" in params,
                               weighted="weight" in params, name=words[1],
                               note="" if "check" in params else "no health check"))
    if not servers:
        return
    targets = send_to(draft, proxies, servers, "http" if mode == "http" else "tcp")
    balance = section.first("balance") or next((d.first("balance") for d in reversed(defaults) if d.first("balance")),
                                                None)
    algorithm = None
    if balance is not None and len(balance[0]) > 1:
        algorithm = _ALGORITHMS.get(balance[0][1])
        if algorithm is None:
            draft.todo(balance[1], f"balance {balance[0][1]} has no archdoc algorithm: written as round_robin",
                       about=proxies[0])
            algorithm = "round_robin"
    if algorithm == "round_robin" and any(s.weighted for s in servers):
        algorithm = "weighted_round_robin"
    spread(draft, proxies, targets,
           algorithm, section.source, "HAProxy", "roundrobin")
