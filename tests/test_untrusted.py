"""Specs from strangers: no code runs, no local file is read, no URL is fetched, nothing is
written outside -o, nothing is half-written, markup stays text, and the same spec always
gives the same bytes."""

from __future__ import annotations

import html
import html.parser
import http.server
import os
import re
import signal
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from archdoc.errors import SpecError
from archdoc.render.text import printable
from archdoc.run.job import Job, Settings, folder_names, render_spec
from archdoc.specfile import loads
from archdoc.specfile.yaml_source import parse_yaml
from tests.conftest import SPECS, hanging_design, run

ALL_FILES = ["diagram.png", "diagram.svg", "findings.json", "report.html", "report.md", "report.pdf"]


def spec_with(title: str = "t", description: str = "d", label: str = "web") -> str:
    """A small valid spec carrying the given user text, written safely as YAML."""
    document = {
        "archdoc": 1, "title": title, "description": description, "domain": "example.com",
        "dns": [{"name": "www", "type": "A", "to": "srv"}],
        "components": {
            "user": {"kind": "client", "label": label},
            "srv": {"kind": "server", "ip": "203.0.113.7", "label": label},
            "web": {"kind": "web_server", "software": "nginx", "host": "srv", "label": label},
            "db": {"kind": "database", "software": "mysql", "host": "srv", "label": label},
        },
        "links": [{"from": "user", "to": "web", "protocol": "https", "label": label},
                  {"from": "web", "to": "db", "protocol": "mysql", "label": label}],
    }
    return yaml.dump(document, Dumper=_QuotedStrings, allow_unicode=True, sort_keys=False)


class _QuotedStrings(yaml.SafeDumper):
    """PyYAML writes YAML 1.1, where `0E0` is text; archdoc reads YAML 1.2, where it is a
    number. Quoting every string keeps text text under both."""


_QuotedStrings.add_representer(
    str, lambda dumper, value: dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"'))


class _Elements(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def elements(markup: str) -> list[tuple[str, dict[str, str | None]]]:
    """Every element of an HTML document, with its attributes."""
    parser = _Elements()
    parser.feed(markup)
    return parser.found


def visible_text(markup: str) -> str:
    """The text a reader sees in HTML or SVG: tags dropped, entities decoded, spaces folded,
    zero-width spaces (where a long word may break) unseen."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).replace("\u200b", "").split())


# --- nothing is fetched, nothing local is read -----------------------------------------------
@pytest.fixture
def listener() -> Iterator[tuple[str, list[str]]]:
    """A loopback HTTP server that records every request it gets."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", requests
    server.shutdown()


def test_no_url_named_in_a_spec_is_fetched(tmp_path: Path, listener: tuple[str, list[str]]) -> None:
    base, requests = listener
    bait = (f"![x]({base}/md.png) <img src='{base}/img.png'> <link rel=stylesheet href='{base}/s.css'> "
            f"<style>@import url({base}/i.css);</style> <a href='{base}/a'>a</a> url({base}/u.png) "
            f"<iframe src='{base}/f'></iframe> <object data='{base}/o'></object>")
    (tmp_path / "bait.yaml").write_text(spec_with(title=f"T {base}/t.png", description=bait, label=bait))
    result = run("render", str(tmp_path / "bait.yaml"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.stdout
    time.sleep(0.2)
    assert requests == []
    report = (tmp_path / "out" / "bait" / "report.html").read_text()
    assert not re.search(r'(src|href|data)="http://', report)
    assert "<iframe" not in report and "<object" not in report and "<link" not in report


def test_no_local_file_named_in_a_spec_is_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-0451")
    picture = tmp_path / "secret.png"
    picture.write_bytes((SPECS.parent / "docs" / "1-distributed_web_infrastructure.png").read_bytes())
    bait = (f"![x]({picture.as_uri()}) <img src='{picture}'> <img src='{picture.as_uri()}'> "
            f"<link rel=attachment href='{secret.as_uri()}'> <a rel=attachment href='{secret.as_uri()}'>s</a> "
            f"<iframe src='{secret.as_uri()}'></iframe>")
    (tmp_path / "bait.yaml").write_text(spec_with(description=bait, label=str(secret)))
    assert run("render", str(tmp_path / "bait.yaml"), "-o", str(tmp_path / "out")).exit_code == 0
    pdf_path = tmp_path / "out" / "bait" / "report.pdf"
    reader = PdfReader(pdf_path)
    assert not reader.attachments
    text = "".join(page.extract_text() for page in reader.pages)
    assert "TOP-SECRET" not in text and b"TOP-SECRET" not in pdf_path.read_bytes()
    # WeasyPrint shares one resource dictionary between pages: count distinct images
    assert len({image.name for page in reader.pages for image in page.images}) == 1  # the diagram alone
    for name in ("report.html", "report.md", "diagram.svg", "findings.json"):
        assert "TOP-SECRET" not in (tmp_path / "out" / "bait" / name).read_text()


# --- markup stays text ----------------------------------------------------------------------
HOSTILE = [
    '<script>alert(1)</script>', '<img src=x onerror="alert(2)">', '**bold** _it_ `code` [l](https://evil.example)',
    '" quote \' apostrophe', 'back\\slash \\N \\G \\L \\n', '<b>html label</b>', 'a:b port:syntax',
    'line\nbreak', 'x' * 200, '{curly} | pipe # hash', 'javascript:alert(3)', '&amp; &lt;entity&gt;',
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_markup_in_user_text_shows_as_text(tmp_path: Path, text: str) -> None:
    (tmp_path / "s.yaml").write_text(spec_with(title=text, description=text, label=text))
    result = run("render", str(tmp_path / "s.yaml"), "-o", str(tmp_path / "out"), "--formats", "html,svg,md")
    assert result.exit_code == 0, result.stdout
    report = (tmp_path / "out" / "s" / "report.html").read_text()
    body = report.split("<body>", 1)[1]
    found = elements(body)
    assert not [tag for tag, _ in found if tag in ("script", "style", "iframe", "object", "link", "form")]
    assert not [name for _, attrs in found for name in attrs if name.startswith("on")]
    assert not [a for tag, a in found if tag == "a" and "evil" in (a.get("href") or "")]
    expected = " ".join(printable(text).split())
    assert expected in visible_text(body)
    svg = (tmp_path / "out" / "s" / "diagram.svg").read_text()
    ET.fromstring(svg)  # well-formed XML whatever the labels held
    assert expected[:20] in visible_text(svg)  # labels wrap, so the start


def test_backslash_escapes_reach_dot_as_text(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text(spec_with(label="node \\N graph \\G"))
    assert run("render", str(tmp_path / "s.yaml"), "-o", str(tmp_path / "out"), "--formats", "svg").exit_code == 0
    texts = visible_text((tmp_path / "out" / "s" / "diagram.svg").read_text())
    assert "node \\N graph \\G" in texts  # not replaced by the node's or the graph's name


# --- nothing half-written, nothing outside -o --------------------------------------------------
@pytest.mark.timing
def test_a_worker_killed_mid_render_leaves_the_previous_outputs(tmp_path: Path, dot_that_hangs_on_request: None) -> None:
    spec = tmp_path / "design.yaml"
    spec.write_text((SPECS / "0-simple_web_stack.yaml").read_text())
    out = tmp_path / "out"
    assert run("render", str(spec), "-o", str(out)).exit_code == 0
    before = {p.name: p.read_bytes() for p in (out / "design").iterdir()}
    spec.write_text(hanging_design())
    result = run("render", str(spec), "-o", str(out), "--timeout", "2")
    assert result.exit_code == 3 and "timeout" in result.stdout
    assert {p.name: p.read_bytes() for p in (out / "design").iterdir()} == before
    assert sorted(p.name for p in out.iterdir()) == [".archdoc.lock", "design", "index.html"]


@pytest.mark.timing
def test_a_killed_run_leaves_nothing_half_written(tmp_path: Path, dot_that_hangs_on_request: None) -> None:
    spec = tmp_path / "slow.yaml"
    spec.write_text(hanging_design())
    out = tmp_path / "out"
    command = [str(Path(sys.executable).with_name("archdoc")), "render", str(spec), "-o", str(out)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    time.sleep(2.5)  # the worker is in the middle of it
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    time.sleep(1)  # the worker dies with its parent
    assert not (out / "slow").exists()  # never a half-written output folder
    leftovers = [p.name for p in out.iterdir() if p.name != ".archdoc.lock"]
    assert all(name.startswith(".slow.new-") for name in leftovers)
    (tmp_path / "small.yaml").write_text((SPECS / "0-simple_web_stack.yaml").read_text())
    assert run("render", str(tmp_path / "small.yaml"), "-o", str(out)).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [".archdoc.lock", "index.html", "small"]  # the next run swept them


def test_output_folder_names_are_safe_and_distinct() -> None:
    stems = [Path(p) for p in ["a/x.yaml", "b/x.yaml", "b/X.yaml", "..yaml", ".hidden.yaml", "sp ace.yaml",
                               "ünï.yaml", "a/../../etc.yaml", "semi;colon.yaml"]]
    names = folder_names(stems)
    assert len(set(n.lower() for n in names)) == len(names)
    assert all(re.fullmatch(r"[A-Za-z0-9._-]+", n) and not n.startswith(".") and "/" not in n for n in names)


# --- the same bytes -------------------------------------------------------------------------
def test_two_runs_give_the_same_bytes(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert run("render", str(SPECS / "2-secured_and_monitored_web_infrastructure.yaml"),
                   "-o", str(tmp_path / name)).exit_code == 0
    for file in ALL_FILES:
        first = (tmp_path / "one" / "2-secured_and_monitored_web_infrastructure" / file).read_bytes()
        second = (tmp_path / "two" / "2-secured_and_monitored_web_infrastructure" / file).read_bytes()
        assert first == second, file
    pdf = (tmp_path / "one" / "2-secured_and_monitored_web_infrastructure" / "report.pdf").read_bytes()
    assert b"/CreationDate" not in pdf and b"/ModDate" not in pdf  # no date at all, so none to pin


# --- property tests -------------------------------------------------------------------------
any_text = st.text(min_size=1, max_size=60).filter(lambda t: t.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(title=any_text, description=any_text, label=any_text)
def test_any_text_renders_and_appears_literally(tmp_path_factory: pytest.TempPathFactory, title: str,
                                                description: str, label: str) -> None:
    folder = tmp_path_factory.mktemp("prop")
    (folder / "s.yaml").write_text(spec_with(title, description, label), encoding="utf-8")
    result = render_spec(Job(str(folder / "s.yaml"), "s"), Settings(folder, ("md", "html", "svg", "json")))
    assert result.status == "rendered", result.error
    # Compare with what the spec says once read: YAML itself folds some characters (U+0085
    # is a line break to it), which is not the renderers' doing.
    raw, _ = parse_yaml((folder / "s.yaml").read_text(encoding="utf-8"), "s.yaml")
    body = visible_text((folder / "s" / "report.html").read_text().split("<body>", 1)[1])
    for text in (raw["title"], raw["description"], raw["components"]["web"]["label"]):
        assert " ".join(printable(text).split()) in body
    ET.fromstring((folder / "s" / "diagram.svg").read_text())


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.text(max_size=400)))
def test_the_loader_only_ever_says_input_error(data: bytes | str) -> None:
    from archdoc.specfile.yaml_source import decode_utf8

    try:
        text = decode_utf8(data, "fuzz.yaml") if isinstance(data, bytes) else data
        loads(text, "fuzz.yaml")
    except SpecError as error:
        assert all(str(p).startswith("fuzz.yaml") for p in error.problems)


yaml_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
kinds = st.sampled_from(["client", "server", "load_balancer", "web_server", "database", "cluster", "firewall",
                         "monitoring", "certificate", "cache", "app_server", "nope"])


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["a", "b", "srv", "db"]),
                       st.dictionaries(st.sampled_from(["kind", "host", "members", "mode", "role", "replica_of",
                                                        "protects", "for", "label", "ip", "public"]),
                                       kinds | yaml_values, max_size=5), max_size=4),
       st.lists(st.dictionaries(st.sampled_from(["from", "to", "protocol", "port", "access", "backup"]),
                                yaml_values | st.sampled_from(["a", "b", "srv", "db"]), max_size=5), max_size=3))
def test_structured_nonsense_is_an_input_error(components: dict, links: list) -> None:
    text = yaml.safe_dump({"archdoc": 1, "title": "fuzz", "components": components, "links": links})
    try:
        loads(text, "fuzz.yaml")
    except SpecError:
        pass


@pytest.mark.parametrize("text", ["- item", "+ item", "1. item", "2) item", "---", "=== x"])
def test_text_that_starts_like_markdown_structure_stays_a_paragraph(tmp_path: Path, text: str) -> None:
    (tmp_path / "s.yaml").write_text(spec_with(description=text))
    assert run("render", str(tmp_path / "s.yaml"), "-o", str(tmp_path / "out"), "--formats", "html").exit_code == 0
    report = (tmp_path / "out" / "s" / "report.html").read_text()
    assert f"<p>{html.escape(text, quote=False)}</p>" in report


# --- Markdown viewed on GitHub ---------------------------------------------------------------
AUTOLINKED = ["Visit http://evil.example/login", "www.evil.example/x", "mail a@evil.example", "mailto:a@b.example",
              "HTTPS://WWW.EVIL.COM", "see foobar.com", "ftp://files.example", "xmpp:a@b.example/c", "<https://e.example>",
              "[click](https://evil.example)", "![img](https://evil.example/x.png)"]


@pytest.mark.parametrize("text", AUTOLINKED)
def test_no_user_text_becomes_a_link_in_any_markdown_renderer(tmp_path: Path, text: str) -> None:
    import cmarkgfm
    from cmarkgfm.cmark import Options
    from markdown_it import MarkdownIt

    from archdoc.explain.knowledge import REFERENCES

    (tmp_path / "s.yaml").write_text(spec_with(label=text, title=text, description=text))
    assert run("render", str(tmp_path / "s.yaml"), "-o", str(tmp_path / "out"), "--formats", "md").exit_code == 0
    report = (tmp_path / "out" / "s" / "report.md").read_text()
    allowed = {reference.url for reference in REFERENCES}
    for rendered in (cmarkgfm.github_flavored_markdown_to_html(report, options=Options.CMARK_OPT_UNSAFE),
                     MarkdownIt("gfm-like", {"linkify": True}).render(report)):
        hrefs = set(re.findall(r'<a href="([^"]*)"', rendered))
        assert hrefs <= allowed, hrefs - allowed
        assert "<img" not in rendered.replace('<img src="diagram.png"', "")


def test_bidirectional_overrides_cannot_reorder_a_label() -> None:
    # "\u202eevil\u202c" shows as "live": every drawing and report shows a replacement mark instead
    assert printable("\u202eevil\u202c and \u2066x\u2069") == "\ufffdevil\ufffd and \ufffdx\ufffd"
    assert printable("שלום, مرحبا") == "שלום, مرحبا"  # right-to-left text itself stays


def test_a_long_word_cannot_stretch_the_report(tmp_path: Path, page: Any) -> None:
    (tmp_path / "s.yaml").write_text(spec_with(title="L" * 10_000, label="M" * 10_000))
    assert run("render", str(tmp_path / "s.yaml"), "-o", str(tmp_path / "out"), "--formats", "html").exit_code == 0
    page.set_viewport_size({"width": 1200, "height": 800})
    page.goto((tmp_path / "out" / "s" / "report.html").as_uri())
    assert page.evaluate("document.documentElement.scrollWidth") <= 1200
