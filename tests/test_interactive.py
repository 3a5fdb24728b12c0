"""report.html's diagram, explored in a real browser: tooltips, findings and components
linked both ways, zoom, no request; the SVG's own allow-list against hostile designs; the
dark theme."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from archdoc.errors import RenderError
from archdoc.render.diagram import diagram_source, render_diagram
from archdoc.render.interactive import check_css, check_svg, interactive_diagram
from archdoc.render.marks import Marks
from archdoc.render.theme import DARK
from archdoc.rules import analyse
from archdoc.run.job import Settings
from archdoc.specfile import loads
from tests.conftest import run
from tests.test_layout import web_farm

SIMPLE = "0-simple_web_stack"


@pytest.fixture
def report(page: Any, rendered_examples: Path) -> Iterator[tuple[Any, list[str]]]:
    """The simple stack's report.html open in Chromium, and every URL the page requested."""
    requests: list[str] = []
    page.on("request", lambda request: requests.append(request.url))
    url = (rendered_examples / SIMPLE / "report.html").as_uri()
    page.goto(url)
    yield page, requests
    assert requests == [url]  # nothing but the file itself, whatever the test did


def test_hovering_a_component_shows_its_tooltip(report: tuple[Any, list[str]]) -> None:
    page, _ = report
    tip = page.locator("#t-nginx")
    assert not tip.is_visible()
    page.hover("#c-nginx")
    assert tip.is_visible()
    text = " ".join(tip.locator("text").all_text_contents())
    assert "nginx · web server" in text and "software Nginx · host server-1" in text
    assert "high · No HTTPS" in text  # its findings
    page.hover("#c-server-1", position={"x": 60, "y": 12})  # a server's box, by its title
    assert page.locator("#t-server-1").is_visible() and not tip.is_visible()
    assert "single point of failure" in " ".join(page.locator("#t-server-1 text").all_text_contents()).lower()


def test_clicking_a_finding_outlines_its_component(report: tuple[Any, list[str]]) -> None:
    page, _ = report
    ring = "getComputedStyle(document.querySelector('#c-server-1 .ring')).stroke"
    assert page.evaluate(ring) == "none"
    page.locator('a[href="#c-server-1"]').first.click()
    assert page.evaluate("location.hash") == "#c-server-1"
    assert page.evaluate(ring) == "rgb(230, 126, 34)"
    assert page.locator("#c-server-1").is_visible()


def test_clicking_a_component_goes_to_its_findings(report: tuple[Any, list[str]]) -> None:
    page, _ = report
    page.click("#c-nginx")
    assert page.evaluate("location.hash") == "#f-nginx"
    target = page.locator(":target")
    assert target.get_attribute("href") == "#c-nginx"  # the component's first finding, which links back
    item = "getComputedStyle(document.querySelector(':target').parentElement).backgroundColor"
    assert page.evaluate(item) == "rgb(253, 235, 208)"


def test_zoom_steps_size_the_drawing_and_keep_the_tooltips_readable(report: tuple[Any, list[str]]) -> None:
    page, _ = report
    svg = page.locator("svg.archdoc-diagram")
    width = float(svg.get_attribute("width"))
    assert page.locator("#zoom-fit").is_checked()  # the simple stack fits the column
    assert svg.bounding_box()["width"] < width
    page.click('label[for="zoom-200"]')
    assert svg.bounding_box()["width"] == pytest.approx(2 * width, abs=1)
    view = page.locator(".diagram-view")
    assert view.evaluate("v => v.scrollWidth > v.clientWidth")  # wider than the view: it scrolls
    page.hover("#c-user")
    line = page.locator("#t-user text").first.bounding_box()["height"]
    page.click('label[for="zoom-50"]')
    page.hover("#c-user")
    assert page.locator("#t-user text").first.bounding_box()["height"] == pytest.approx(line, rel=0.1)


def test_grouped_servers_can_each_be_found(tmp_path: Path) -> None:
    """A group's box lists its members; each one not drawn gets an anchor over what stands for it."""
    topology = loads(web_farm(6, unmonitored=(3,)), "farm.yaml")
    analysis = analyse(topology)
    marks = Marks(unmonitored=frozenset({"web-03"}))
    files = render_diagram(topology, tmp_path, marks=marks)
    diagram = interactive_diagram(files.svg.read_text(), analysis, files.layout)
    root = ET.fromstring(diagram.svg)
    by_id = {e.get("id"): e for e in root.iter() if e.get("id")}
    group = by_id["c-web-01"]
    assert group.get("data-members", "").split() == [f"c-web-{i:02d}" for i in range(1, 7)]
    for member in ("web-03", "nginx-05"):
        anchor = by_id[f"c-{member}"]
        assert anchor.get("class") == "alias" and anchor.get("data-drawn-as") in ("c-web-01", "c-nginx-01")
        assert diagram.links[member] == f"c-{member}"
    tip = " ".join(t.text or "" for t in by_id["t-web-01"].iter("{http://www.w3.org/2000/svg}text"))
    assert "drawn once for 6 alike" in tip and "No monitoring (web-03)" in tip  # its members' findings


HOSTILE = [
    '</text><script>alert(1)</script>',
    'javascript:alert(1)',
    '" onmouseover="alert(1)" x="',
    "<foreignObject><iframe src='https://evil.example'/></foreignObject>",
    "x" * 5000,
]


def test_hostile_labels_stay_text(tmp_path: Path, page: Any) -> None:
    labels = "\n".join(f"  web-{i}: {{kind: web_server, software: nginx, label: {label!r}}}"
                       for i, label in enumerate(HOSTILE))
    spec = tmp_path / "hostile.yaml"
    spec.write_text(f"archdoc: 1\ntitle: '<svg onload=alert(1)>'\ncomponents:\n  user: {{kind: client, label: "
                    f"'<style>*{{background:url(https://evil.example)}}</style>'}}\n{labels}\n"
                    "links:\n  - {from: user, to: [" + ", ".join(f"web-{i}" for i in range(len(HOSTILE))) + "]}\n")
    result = run("render", str(spec), "-o", str(tmp_path / "out"), "--formats", "html")
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "hostile" / "report.html").read_text()
    svg = html[html.index("<svg"):html.index("</svg>") + 6]
    check_svg(ET.fromstring(svg))
    assert "<script" not in html and "<iframe" not in html and "<foreignObject" not in html
    assert not [name for _, name, _ in attributes(html) if name.startswith("on")]
    assert not [value for _, name, value in attributes(html) if "javascript" in (value or "")]
    assert "&lt;/text&gt;&lt;script&gt;" in svg  # the label, as text, in its tooltip
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda dialog: dialogs.append(dialog.message))
    page.on("request", lambda request: requests.append(request.url))
    page.goto((tmp_path / "out" / "hostile" / "report.html").as_uri())
    for i in range(len(HOSTILE)):
        page.hover(f"#c-web-{i}", force=True)
    assert page.locator("#t-web-0 text").first.text_content().startswith("</text><script>")
    assert dialogs == [] and len(requests) == 1


def attributes(html: str) -> list[tuple[str, str, str | None]]:
    """(tag, attribute, value) of every element, as an HTML parser reads the page."""
    found: list[tuple[str, str, str | None]] = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found.extend((tag, name, value) for name, value in attrs)

    Reader().feed(html)
    return found


SVG_OPEN = '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10">'


@pytest.mark.parametrize("inside", [
    "<script>alert(1)</script>",
    "<foreignObject><div/></foreignObject>",
    '<g onload="alert(1)"/>',
    '<a href="javascript:alert(1)"><text>x</text></a>',
    '<a href="https://evil.example/"><text>x</text></a>',
    '<use href="https://evil.example/x.svg#a"/>',
    '<image href="https://evil.example/x.png" width="1" height="1"/>',
    '<rect x="0" y="0" width="1" height="1" style="fill:url(https://evil.example)"/>',
    '<path d="M0,0" fill="url(https://evil.example)"/>',
    "<style>rect { fill: red }</style>",
    '<iframe xmlns="http://www.w3.org/1999/xhtml"/>',
    "<animate attributeName='href' to='javascript:alert(1)'/>",
    "<g>text where none belongs</g>",
])
def test_the_svg_allow_list_refuses_what_archdoc_does_not_write(inside: str) -> None:
    with pytest.raises(RenderError):
        check_svg(ET.fromstring(SVG_OPEN + inside + "</svg>"))


@pytest.mark.parametrize("css", ["@import url(https://evil.example/x.css);", "#a{background:url(x)}",
                                 "</style><script>alert(1)</script>", "#a{content:'x'}", "#a{b:c\\}"])
def test_the_diagram_styles_are_only_what_archdoc_writes(css: str) -> None:
    with pytest.raises(RenderError):
        check_css(css)


def test_the_dark_theme_darkens_the_picture_and_the_page(tmp_path: Path, page: Any,
                                                         write_spec: Callable[..., Path]) -> None:
    spec = Path(__file__).resolve().parent.parent / "specs" / f"{SIMPLE}.yaml"
    out = tmp_path / "out"
    assert run("render", str(spec), "-o", str(out), "--formats", "png,html", "--theme", "dark").exit_code == 0
    with Image.open(out / SIMPLE / "diagram.png") as picture:
        assert sum(picture.convert("RGB").getpixel((2, 2))) < 3 * 60  # the background
    page.goto((out / SIMPLE / "report.html").as_uri())
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(23, 32, 42)"
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(234, 236, 238)"
    page.goto((out / "index.html").as_uri())  # the run's index too
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(23, 32, 42)"
    again = run("render", str(spec), "-o", str(out), "--formats", "png,html")  # light: drawn again, not skipped
    assert "rendered" in again.stdout and "unchanged" not in again.stdout
    with Image.open(out / SIMPLE / "diagram.png") as picture:
        assert picture.convert("RGB").getpixel((2, 2)) == (255, 255, 255)


def test_the_theme_is_part_of_the_cache_key_and_light_adds_nothing(tmp_path: Path) -> None:
    assert Settings(tmp_path).key(b"x") != Settings(tmp_path, theme="dark").key(b"x")
    topology = loads(web_farm(2), "farm.yaml")
    light, dark = diagram_source(topology), diagram_source(topology, theme=DARK)
    assert "bgcolor=\"#17202A\"" in dark and "#17202A" not in light and "fontcolor=\"#EAECEE\"" not in light
