"""`archdoc import`: Compose, Nginx, HAProxy and Kubernetes files into a spec.

Each folder tests/import_cases/<format>/<case>/ holds the input files (imported together,
in name order), ``expected.yaml`` (the spec the import must write) and
``expected.findings`` (what ``archdoc check`` then finds: ``rule component`` a line).
``pytest tests/test_import.py --regen-golden`` rewrites both; review the diff.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, run

CASES = ROOT / "tests" / "import_cases"
CASE_DIRS = sorted(p for p in CASES.glob("*/*") if p.is_dir())
FORMATS = ("compose", "nginx", "haproxy", "kubernetes")
ARCHDOC = str(Path(sys.executable).with_name("archdoc"))
SOURCE_COMMENT = re.compile(r"  # [^ ]+:\d+(, .*)?$")


def inputs_of(case: Path) -> list[str]:
    return sorted(p.name for p in case.iterdir() if not p.name.startswith("expected"))


def findings_of(spec: Path) -> list[tuple[str, str]]:
    result = run("check", str(spec), "--format", "json")
    assert result.exit_code == 0, result.output + result.stderr
    findings = json.loads(result.stdout)["specs"][0]["findings"]
    return sorted((f["rule"], f["component"]) for f in findings)


def imported(case: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """The spec and the standard error of importing a case's files, named as a user in its folder would."""
    monkeypatch.chdir(case)
    result = run("import", *inputs_of(case))
    assert result.exit_code == 0, result.stderr
    return result.stdout, result.stderr


@pytest.mark.parametrize("case", CASE_DIRS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    spec_text, stderr = imported(case, monkeypatch)
    spec = tmp_path / "spec.yaml"
    spec.write_text(spec_text)
    findings = "".join(f"{rule} {component}\n" for rule, component in findings_of(spec))  # the spec is valid
    golden_spec, golden_findings = case / "expected.yaml", case / "expected.findings"
    if request.config.getoption("--regen-golden"):
        golden_spec.write_text(spec_text)
        golden_findings.write_text(findings)
    assert spec_text == golden_spec.read_text(), f"{golden_spec} differs: run pytest --regen-golden, review the diff"
    assert findings == golden_findings.read_text(), f"{golden_findings} differs"
    # Every TODO said on standard error is in the spec too, and the other way round.
    said = sorted(line.split("TODO: ", 1)[1] for line in stderr.splitlines() if "TODO: " in line)
    written = sorted(line.split("TODO: ", 1)[1] for line in spec_text.splitlines() if "# " in line and "TODO: " in line)
    assert said == written


def test_every_component_and_link_names_its_source() -> None:
    for case in CASE_DIRS:
        lines = (case / "expected.yaml").read_text().splitlines()
        body = lines[lines.index("components:") + 1:]
        for line in body:
            if line.startswith(("  user:", "  #", "links:")):
                continue
            assert SOURCE_COMMENT.search(line), f"{case.name}: no source in {line!r}"


def test_three_cases_per_format_with_tls_backup_or_replicas_and_a_todo() -> None:
    for name in FORMATS:
        specs = [(d / "expected.yaml").read_text() for d in CASE_DIRS if d.parent.name == name]
        assert len(specs) >= 3, name
        assert any("protocol: https" in s for s in specs), f"{name}: no case with TLS"
        assert any("backup: true" in s or "kind: cluster" in s for s in specs), f"{name}: no backup or replicas"
        assert any("# TODO" in s or ": TODO: " in s for s in specs), f"{name}: no TODO"


def test_compose_and_its_mounted_nginx_conf_make_one_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    """The proxy's upstream comes from the nginx.conf the Compose file mounts, with its line."""
    spec, _ = imported(CASES / "compose" / "proxy_app_db", monkeypatch)
    assert "  - {from: proxy, to: app, protocol: http, port: 8000}  # nginx.conf:4\n" in spec
    assert "single point of failure" in spec.splitlines()[2]  # one machine for every service, said at the top


def test_compose_with_a_load_balanced_upstream_makes_nginx_the_load_balancer(write_spec) -> None:  # type: ignore[no-untyped-def]
    compose = write_spec("""
        services:
          edge:
            image: nginx
            ports: ["80:80"]
            volumes: ["./conf.d:/etc/nginx/conf.d:ro"]
          api-a: {image: example/api}
          api-b: {image: example/api}
    """, "compose.yaml")
    (compose.parent / "conf.d").mkdir()
    site = compose.parent / "conf.d" / "api.conf"
    site.write_text("upstream api { server api-a:8080; server api-b:8080; }\n"
                    "server { listen 80; location / { proxy_pass http://api; } }\n")
    result = run("import", str(compose), str(site))
    assert result.exit_code == 0, result.stderr
    assert "edge:        {kind: load_balancer, software: nginx, host: docker-host, algorithm: round_robin}" \
        in result.stdout
    assert "{from: edge, to: api-a, protocol: http, port: 8080}" in result.stdout
    assert "TODO: Nginx spreads requests by its default algorithm" in result.stderr


@pytest.mark.parametrize("name, text, where", [
    ("compose.yaml", "services:\n  web:\n    image: [nginx\n", r"compose\.yaml:4:1: not valid YAML"),
    ("compose.yaml", "services:\n  a: 1\n  a: [}\n", r"compose\.yaml:3:7: not valid YAML"),
    ("nginx.conf", "http {\n  server { listen 80\n  }\n", r"nginx\.conf:2:12: not a valid Nginx configuration: "
                                                          r"directive \"listen\" is not terminated by \";\""),
    ("nginx.conf", "events {}\n}\n", r"nginx\.conf:2:1: not a valid Nginx configuration: unexpected \"}\""),
    ("haproxy.cfg", "frontend www\n    bind \"*:80\n", r"haproxy\.cfg:2:10: not a valid HAProxy configuration: "
                                                      r"No closing quotation"),
    ("haproxy.cfg", "maxconn 10\nglobal\n", r"haproxy\.cfg:1:1: not a valid HAProxy configuration: 'maxconn' "
                                            r"outside any section"),
    ("notes.txt", "Remember to buy milk.\n", r"notes\.txt:1:1: not a file archdoc can import"),
    ("manifest.yaml", "- just\n- a list\n", r"manifest\.yaml:1:1: not a file archdoc can import"),
])
def test_a_file_it_cannot_read_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str,
                                                 text: str, where: str) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(text)
    result = run("import", name)
    assert result.exit_code == 2
    assert re.match(where, result.stderr), result.stderr
    assert result.stdout == ""


def test_every_bad_file_is_reported_at_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.yaml").write_text("services: [\n")
    Path("b.conf").write_text("http {\n")
    result = run("import", "a.yaml", "b.conf", "missing.yaml")
    assert result.exit_code == 2
    assert [line.split(":")[0] for line in result.stderr.splitlines()] == ["a.yaml", "b.conf", "missing.yaml"]


def test_an_unknown_directive_is_skipped_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    Path("nginx.conf").write_text("server {\n  listen 80;\n  frobnicate on { deeper; }\n"
                                  "  location / { proxy_pass http://app:8000; }\n}\n")
    Path("haproxy.cfg").write_text("frontend f\n  bind :8080\n  frobnicate on\n  default_backend b\n"
                                   "backend b\n  server s1 app:8000 check\n")
    result = run("import", "nginx.conf", "haproxy.cfg")
    assert result.exit_code == 0, result.stderr
    assert 'nginx.conf:3: warning: unknown directive "frobnicate" skipped' in result.stderr
    assert 'haproxy.cfg:3: warning: unknown keyword "frobnicate" skipped' in result.stderr
    assert "to: app," in result.stdout  # what follows it is still read
    result = run("import", str(CASES / "kubernetes" / "statefulset_todo" / "shop.yaml"))
    assert result.exit_code == 0 and "shop.yaml:66: warning: kind ConfigMap is not read: skipped" in result.stderr


def test_hostile_yaml_constructs_nothing_and_ends(write_spec, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    marker = tmp_path / "owned"
    laughs = "\n".join(f"x{i}: &x{i} [" + ", ".join([f"*x{i - 1}"] * 9) + "]" for i in range(1, 12))
    compose = write_spec(f"""
        x0: &x0 "lol"
        {textwrap.indent(laughs, "        ").strip()}
        services:
          web:
            image: !!python/object/apply:os.system ["touch {marker}"]
            environment: *x11
            ports: ["80:80"]
    """, "compose.yaml")
    started = time.perf_counter()
    result = run("import", str(compose))
    assert time.perf_counter() - started < 5
    assert result.exit_code == 0, result.stderr
    assert not marker.exists()
    deep = write_spec("services:\n  web:\n    x: " + "[" * 100 + "]" * 100 + "\n", "deep.yaml")
    result = run("import", str(deep))
    assert result.exit_code == 2 and "nested deeper than 64 levels" in result.stderr


def test_ids_are_valid_and_unique_whatever_the_names(write_spec, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    compose = write_spec("""
        services:
          Web.App: {image: nginx, ports: ["443:443"]}
          web-app: {image: example/app}
          "-x-": {image: redis}
          user: {image: example/app, depends_on: [Web.App]}
          "Ünïcode_名前": {image: postgres}
          docker-host: {image: example/app}
    """, "compose.yaml")
    result = run("import", str(compose), "-o", str(tmp_path / "spec.yaml"))
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    text = (tmp_path / "spec.yaml").read_text()
    ids = re.findall(r"^  ([^ #:]+):", text, flags=re.MULTILINE)
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]{0,62}", i) for i in ids), ids
    assert findings_of(tmp_path / "spec.yaml")  # the spec loads and is analysed


def test_import_pipes_into_check(tmp_path: Path) -> None:
    """`archdoc import compose.yaml | archdoc check -`, with the installed command and a real pipe."""
    case = CASES / "compose" / "proxy_app_db"
    importer = subprocess.Popen([ARCHDOC, "import", "compose.yaml", "nginx.conf"], cwd=case,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    checker = subprocess.run([ARCHDOC, "check", "-", "--format", "json"], stdin=importer.stdout,
                             capture_output=True, text=True, timeout=120)
    assert importer.stdout is not None
    importer.stdout.close()
    assert importer.wait(timeout=60) == 0
    assert checker.returncode == 0, checker.stderr
    found = {(f["rule"], f["component"]) for f in json.loads(checker.stdout)["specs"][0]["findings"]}
    assert ("spof", "docker-host") in found
