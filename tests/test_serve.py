"""archdoc serve: the real command in a process of its own, its page in the real browser,
redrawn when the spec is saved."""

from __future__ import annotations

import http.client
import os
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.conftest import hanging_design

ARCHDOC = Path(sys.executable).with_name("archdoc")  # the command of the environment running the tests

ONE_BALANCER = """\
archdoc: 1
title: Live preview
components:
  user:  {kind: client}
  lb-1:  {kind: load_balancer, software: haproxy}
  web-1: {kind: web_server, software: nginx}
  web-2: {kind: web_server, software: nginx}
links:
  - {from: user, to: lb-1, protocol: https}
  - {from: lb-1, to: [web-1, web-2]}
"""

# The same design with a second load balancer, the two in an active-active cluster.
TWO_BALANCERS = ONE_BALANCER.replace(
    "  web-1:", "  lb-2:  {kind: load_balancer, software: haproxy}\n"
    "  lbs:   {kind: cluster, members: [lb-1, lb-2], mode: active_active}\n  web-1:", 1,
).replace("to: lb-1,", "to: lbs,").replace("from: lb-1,", "from: lbs,")

RED = "#c0392b"  # how dot writes archdoc's mark for a single point of failure


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str
    temp: Path  # the process's TMPDIR: where archdoc makes its temporary folder

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 0)


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start `archdoc serve PATH --port 0`; the process is ended after the test, whatever happened."""
    started: list[Served] = []

    def start(path: Path, *options: str) -> Served:
        temp = tmp_path / "tmp"
        temp.mkdir(exist_ok=True)
        process = subprocess.Popen([str(ARCHDOC), "serve", str(path), "--port", "0", *options], stdout=subprocess.PIPE,
                                   stderr=subprocess.PIPE, text=True, env={**os.environ, "TMPDIR": str(temp)})
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 20)
        line = process.stdout.readline() if ready else ""
        found = re.fullmatch(r"archdoc: serving (http://127\.0\.0\.1:\d+/) \(Ctrl-C stops\)\n", line)
        if not found:
            process.kill()
            pytest.fail(f"no address printed: {line!r} {process.communicate()[1]}")
        served = Served(process, found.group(1), temp)
        started.append(served)
        return served

    yield start
    for served in started:
        if served.process.poll() is None:
            served.process.kill()
            served.process.communicate()


def save(path: Path, text: str) -> None:
    """As editors save: a new file renamed over the old one."""
    new = path.with_name(f".{path.name}.new")
    new.write_text(text, encoding="utf-8")
    os.replace(new, path)


def test_the_page_is_redrawn_when_the_spec_is_saved(serve: Callable[..., Served], page: object,
                                                   tmp_path: Path) -> None:
    from playwright.sync_api import expect

    spec = tmp_path / "design.yaml"
    spec.write_text(ONE_BALANCER, encoding="utf-8")
    served = serve(spec)
    page.goto(served.url)  # type: ignore[attr-defined]
    locate = page.locator  # type: ignore[attr-defined]
    spof = locate("#findings tr.finding", has=locate("td.rule", has_text=re.compile("^spof$")))
    red = locate(f'#diagram svg g.cluster [stroke="{RED}"]')  # the red box around a hostless single point
    red_label = locate("#diagram svg g.cluster text", has_text=re.compile("^single point of failure$"))
    expect(spof).to_have_count(1, timeout=15_000)  # the first render, archdoc's start included
    expect(spof.locator("td.component")).to_have_text("lb-1")
    expect(red).to_have_count(1)
    expect(red_label).to_have_count(1)
    expect(locate(".report h1")).to_have_text("Live preview")
    page.screenshot(path=str(tmp_path / "before.png"), full_page=True)  # type: ignore[attr-defined]
    # the report's diagram, to explore: a tooltip on hover, a finding's link outlines its component
    page.hover("#c-lb-1")  # type: ignore[attr-defined]
    expect(locate("#t-lb-1")).to_be_visible()
    expect(locate("#t-lb-1")).to_contain_text("high · Single point of failure")
    locate('.report a[href="#c-lb-1"]').first.click()
    ring = "getComputedStyle(document.querySelector('#c-lb-1 .ring')).stroke"
    assert page.evaluate(ring) == "rgb(230, 126, 34)"  # type: ignore[attr-defined]
    node, bar = locate("#c-lb-1").bounding_box(), locate(".bar").bounding_box()
    assert node["y"] >= bar["y"] + bar["height"]  # in sight, not under the page's bar
    assert locate(".diagram.interactive").count() == 1  # shown once, at the top
    locate('label[for="zoom-150"]').click()

    save(spec, TWO_BALANCERS)
    saved = time.monotonic()
    expect(red).to_have_count(0, timeout=2_000)
    assert time.monotonic() - saved < 2, time.monotonic() - saved
    expect(red_label).to_have_count(0)
    expect(spof).to_have_count(0)
    expect(locate("#diagram svg #c-lb-2")).to_have_count(1)
    # where the reader was stays: the zoom step, and the outline of the part followed to
    assert locate("#zoom-150").is_checked()
    assert page.evaluate(ring) == "rgb(230, 126, 34)"  # type: ignore[attr-defined]
    page.screenshot(path=str(tmp_path / "after.png"), full_page=True)  # type: ignore[attr-defined]

    with spec.open("a", encoding="utf-8") as file:  # a broken edit: the last line left unfinished
        file.write("  - {from: web-1, to: [\n")
    problems = locate("#problems pre")
    expect(problems).to_contain_text(re.compile(re.escape(f"{spec}:") + r"\d+:\d+: YAML syntax error"),
                                     timeout=2_000)
    expect(locate("#diagram svg #c-lb-2")).to_have_count(1)  # the last good drawing
    expect(locate("#findings")).to_be_visible()
    page.screenshot(path=str(tmp_path / "broken.png"), full_page=True)  # type: ignore[attr-defined]

    save(spec, TWO_BALANCERS.replace("kind: client", "kind: clent"))  # invalid, as check says it
    expect(problems).to_contain_text(f"{spec}:4:17: components.user.kind: unknown kind 'clent'", timeout=2_000)
    save(spec, TWO_BALANCERS)
    expect(locate("#problems")).to_have_count(0, timeout=2_000)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["after.png", "before.png", "broken.png", "design.yaml",
                                                          "tmp"]  # nothing written beside the spec


def test_a_folder_shows_the_index_and_each_design_is_watched(serve: Callable[..., Served], page: object,
                                                           tmp_path: Path) -> None:
    from playwright.sync_api import expect

    designs = tmp_path / "designs"
    designs.mkdir()
    (designs / "first.yaml").write_text(ONE_BALANCER.replace("Live preview", "First design"), encoding="utf-8")
    (designs / "second.yaml").write_text(TWO_BALANCERS.replace("Live preview", "Second design"), encoding="utf-8")
    served = serve(designs)
    page.goto(served.url)  # type: ignore[attr-defined]
    locate = page.locator  # type: ignore[attr-defined]
    cards = locate(".card h2")
    expect(cards).to_have_text(["First design", "Second design"], timeout=15_000)

    (designs / "third.yaml").write_text(ONE_BALANCER.replace("Live preview", "Third design"), encoding="utf-8")
    expect(cards).to_have_text(["First design", "Second design", "Third design"], timeout=2_000)

    locate(".card", has_text="Second design").locator("a").first.click()
    expect(page).to_have_url(served.url + "second/")
    expect(locate(".report h1")).to_have_text("Second design")
    expect(locate("#diagram svg")).to_have_count(1)
    save(designs / "second.yaml", TWO_BALANCERS.replace("Live preview", "Second design, edited"))
    expect(locate(".report h1")).to_have_text("Second design, edited", timeout=2_000)
    locate(".bar a", has_text="all designs").click()
    expect(cards).to_have_text(["First design", "Second design, edited", "Third design"])


def request(served: Served, path: str, host: str | None = None) -> tuple[int, str]:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    connection.putrequest("GET", path, skip_host=True)
    connection.putheader("Host", f"127.0.0.1:{served.port}" if host is None else host)
    connection.endheaders()
    response = connection.getresponse()
    try:
        return response.status, response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def test_only_its_own_files_are_served_and_only_to_its_own_address(serve: Callable[..., Served],
                                                                   tmp_path: Path) -> None:
    spec = tmp_path / "design.yaml"
    spec.write_text(ONE_BALANCER, encoding="utf-8")
    secret = tmp_path / "secret.txt"
    secret.write_text("not to be read")
    served = serve(spec)
    status, body = request(served, "/")
    assert status == 200 and "archdoc serve" in body
    assert request(served, "/", host=f"localhost:{served.port}")[0] == 200
    for host in (f"attacker.example:{served.port}", "127.0.0.1", f"127.0.0.1:{served.port + 1}", ""):
        status, body = request(served, "/", host=host)  # DNS rebinding: a page of another site, this address
        assert status == 403 and "<html" not in body
    for path in ("/../secret.txt", "/design/../../secret.txt", "/design/..%2F..%2Fsecret.txt", "/%2e%2e/secret.txt",
                 "/design/.archdoc.json", "/design/design.yaml", "//etc/passwd", "/design/report.pdf"):
        status, body = request(served, path)
        assert status == 404 and "not to be read" not in body, path
    assert '"rule": "spof"' in wait_for(served, '"rule": "spof"', "/design/findings.json")


def wait_for(served: Served, text: str, path: str = "/") -> str:
    """The page once it holds ``text`` (archdoc's start and first render take a second or two)."""
    deadline = time.monotonic() + 15
    while text not in (body := request(served, path)[1]) and time.monotonic() < deadline:
        time.sleep(0.05)
    return body


@pytest.mark.timing
def test_a_render_that_hangs_is_stopped_at_the_time_limit(serve: Callable[..., Served], tmp_path: Path, page: object,
                                                         dot_that_hangs_on_request: None) -> None:
    from playwright.sync_api import expect

    spec = tmp_path / "design.yaml"
    spec.write_text(ONE_BALANCER, encoding="utf-8")
    served = serve(spec, "--timeout", "4")
    assert "rendered at" in wait_for(served, "rendered at")
    page.goto(served.url)  # type: ignore[attr-defined]
    status = page.locator(".bar .status")  # type: ignore[attr-defined]
    save(spec, hanging_design())
    # past a second the bar says so, the last drawing staying below; then the time limit's words
    expect(status).to_have_text(re.compile(r"^rendering… \(below: rendered at .*7 findings"), timeout=3_000)
    assert "rendering…" in request(served, "/")[1]  # a page sent meanwhile says it too
    expect(status).to_contain_text("stopped at the time limit", timeout=8_000)
    body = request(served, "/")[1]
    # the worker's time limit or dot's own (both 4 s), whichever comes first
    assert re.search(re.escape(f"{spec}: timeout: ") + r"(rendering|dot) took longer than 4 s", body), body[-800:]
    save(spec, ONE_BALANCER)  # the server goes on: the next save renders
    assert "rendered at" in wait_for(served, "rendered at")


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGHUP], ids=["ctrl-c", "terminal-closed"])
def test_ctrl_c_stops_it_cleanly(serve: Callable[..., Served], tmp_path: Path, stop: signal.Signals) -> None:
    spec = tmp_path / "design.yaml"
    spec.write_text(ONE_BALANCER, encoding="utf-8")
    served = serve(spec)
    made = list(served.temp.iterdir())
    assert [p.name.startswith("archdoc-serve-") for p in made] == [True]
    assert "rendered at" in wait_for(served, "rendered at")
    served.process.send_signal(stop)
    _, stderr = served.process.communicate(timeout=10)
    assert served.process.returncode == 0, stderr
    assert "Traceback" not in stderr and stderr.endswith("archdoc: stopped\n"), stderr
    assert list(served.temp.iterdir()) == []  # its temporary folder, gone
    assert sorted(p.name for p in tmp_path.iterdir()) == ["design.yaml", "tmp"]


def test_a_linked_spec_is_redrawn_when_its_target_is_saved(serve: Callable[..., Served], tmp_path: Path) -> None:
    real, linked = tmp_path / "real", tmp_path / "linked"
    real.mkdir()
    linked.mkdir()
    (real / "design.yaml").write_text(ONE_BALANCER, encoding="utf-8")
    (linked / "design.yaml").symlink_to(real / "design.yaml")
    served = serve(linked / "design.yaml")
    assert "Live preview" in wait_for(served, "Live preview")
    save(real / "design.yaml", ONE_BALANCER.replace("Live preview", "Saved through its target"))
    assert "Saved through its target" in wait_for(served, "Saved through its target")


@pytest.mark.timing
def test_a_folder_shows_what_rendered_while_the_rest_renders(serve: Callable[..., Served], tmp_path: Path,
                                                            dot_that_hangs_on_request: None) -> None:
    designs = tmp_path / "designs"
    designs.mkdir()
    (designs / "a-slow.yaml").write_text(hanging_design(), encoding="utf-8")
    (designs / "quick.yaml").write_text(ONE_BALANCER.replace("Live preview", "Quick design"), encoding="utf-8")
    served = serve(designs, "--timeout", "8")
    # the quick design's card and page, long before the slow one's time limit ends the run
    started = time.monotonic()
    assert "Quick design" in wait_for(served, "Quick design")
    assert time.monotonic() - started < 6
    assert "Quick design" in request(served, "/quick/")[1]
    assert "stopped at the time limit" in wait_for(served, "stopped at the time limit", "/a-slow/")


def test_a_spec_folder_removed_and_made_again_is_watched_again(serve: Callable[..., Served], tmp_path: Path) -> None:
    folder = tmp_path / "work"
    folder.mkdir()
    spec = folder / "design.yaml"
    spec.write_text(ONE_BALANCER, encoding="utf-8")
    served = serve(spec)
    assert "Live preview" in wait_for(served, "Live preview")
    shutil.rmtree(folder)  # a checkout of another branch, say
    assert "no such file" in wait_for(served, "no such file")
    folder.mkdir()
    spec.write_text(ONE_BALANCER.replace("Live preview", "Made again"), encoding="utf-8")
    assert "Made again" in wait_for(served, "Made again")
    save(spec, ONE_BALANCER.replace("Live preview", "Saved after"))  # and it is watched from then on
    assert "Saved after" in wait_for(served, "Saved after")
