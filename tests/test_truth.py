"""Every sentence true on designs that are not the four examples.

Each design in tests/designs/ is a class of design whose report once said something false
(issue 13); each test names the false text, asserts it is gone, and asserts the true text.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from archdoc.course.answers import QUESTIONS, answers
from archdoc.course.tasks import TASKS
from archdoc.explain import build_report
from archdoc.render.report import render_markdown
from archdoc.rules import analyse
from archdoc.rules.balancer_to_data import BalancerToData
from archdoc.rules.cannot_scale import CannotScale
from archdoc.rules.no_monitoring import NoMonitoring
from archdoc.rules.split_data import SplitData
from archdoc.rules.spof import Spof
from archdoc.rules.tls_terminated_at_lb import TlsTerminatedAtLb
from archdoc.specfile import load_spec, loads
from archdoc.wording import possessive, verb_phrase
from tests.conftest import ROOT, SPECS, as_shown, run

DESIGNS = ROOT / "tests" / "designs"


def report(name: str) -> str:
    """The Markdown report of a design, on one line per paragraph, as a reader sees it (no
    Markdown escapes, entities or elements)."""
    analysis = analyse(load_spec(DESIGNS / f"{name}.yaml"))
    return as_shown(render_markdown(build_report(analysis), f"{name}.yaml"))


def finding(name: str, rule: str) -> list[dict[str, object]]:
    analysis = analyse(load_spec(DESIGNS / f"{name}.yaml"))
    return [f.to_dict() for f in analysis.findings if f.rule == rule]


# --- 1. backup backends -------------------------------------------------------------
def test_a_backup_backend_adds_no_capacity_and_the_setup_is_active_passive() -> None:
    text = report("backup-backend")
    assert "With 2 web servers" not in text  # was: "... their capacity adds up"
    assert "one backend, nginx-1, so no redundancy" not in text
    assert ("The backup nginx-2 takes requests only when nginx-1 is down, so it adds redundancy but no capacity: "
            "the capacity is that of 1 web server.") in text
    assert "Behind haproxy: active-passive. nginx-1 takes every request and nginx-2 is a backup" in text
    assert "sends every request to nginx-1 and keeps nginx-2 as a backup: an active-passive setup" in text
    assert "The algorithm applies among the active backend of haproxy, nginx-1" in text
    assert "The backup nginx-2 waits, taking requests only when nginx-1 is down." in text  # the walk
    [scale] = finding("backup-backend", CannotScale.id)
    assert str(scale["fix"]).startswith("Make the backup active: remove `backup: true` from the link to nginx-2")


# --- 2. firewalls written as hops -----------------------------------------------------
def test_the_report_sees_through_firewall_hops() -> None:
    text = report("firewall-hops")
    assert "TCP connection to Firewall 1" not in text and "say it picks Firewall 2" not in text
    assert ("The browser opens a TCP connection to 8.8.8.8 (haproxy) on port 443. On the way, the firewall "
            "Firewall 1 checks the connection against its rules and lets it through. It starts a TLS handshake: "
            "haproxy presents its certificate for www.foobar.com") in text
    assert "The backends are nginx-1 and nginx-2; say it picks nginx-1 (through the firewall Firewall 2)." in text
    assert "receives requests from haproxy (through the firewall Firewall 2)" in text
    assert "TLS ends at haproxy: from there to nginx-1 and nginx-2 the requests travel unencrypted" in text
    assert "| Firewall 1 |the way to haproxy |serving requests |nothing |" in text
    assert "- Firewall 2 (a filter on the way): let through port 80 (http) from haproxy to nginx-1" in text
    [tls] = finding("firewall-hops", TlsTerminatedAtLb.id)
    assert tls["message"] == "haproxy receives encrypted traffic and forwards it unencrypted to nginx-1 and nginx-2."


def test_a_firewall_in_a_loop_of_links_does_not_crash_the_report() -> None:
    text = report("firewall-loop")  # was: KeyError: '' in the firewall rules
    assert ("- fw (protects web-01): allow in port 80 (http) from user and lb to nginx; let through port 443 "
            "(https) from user to lb; drop everything else.") in text
    assert "The backends are lb" not in text and "passes the request to its backend, nginx" in text


# --- 3. multi-primary clusters --------------------------------------------------------
def test_a_multi_primary_cluster_is_active_active_and_explained() -> None:
    text = report("multi-primary")
    assert "for writes active-passive" not in text and "(the primary), writes to" not in text
    assert "reads from and writes to mysql-1 (the primary) and" not in text
    assert "mysql-1 and mysql-2 form the multi-primary cluster dbs (active-active" in text
    assert "Galera replicates it synchronously" in text and "is refused and rolled back" in text
    assert "- The databases: active-active. mysql-1 and mysql-2 form the multi-primary cluster dbs" in text
    assert "- app-1 and app-2 read from and write to the multi-primary cluster dbs" in text


def test_an_active_active_cluster_behind_one_vip_says_only_the_holder_takes_traffic() -> None:
    text = report("multi-primary")
    assert "a virtual IP sits on one member at a time (keepalived with VRRP" in text
    assert "only the member holding 10.0.0.50 takes traffic" in text
    assert "behind the virtual IP 10.0.0.50: every member takes traffic at once" not in text


# --- 4. duplicate labels --------------------------------------------------------------
def test_duplicate_labels_are_named_with_their_ids_and_check_warns() -> None:
    text = report("duplicate-labels")
    assert "Slave DB and Slave DB" not in text
    assert "App (app2) writes to Master DB (the primary) and reads from Slave DB (slave-1)" in text
    assert "Master DB is the primary (the master) and Slave DB (slave-1) and Slave DB (slave-2) replicas" in text
    assert len(re.findall(r"is the primary \(the master\)", text)) == 1  # one paragraph, not one per replica
    result = run("check", str(DESIGNS / "duplicate-labels.yaml"))
    assert result.exit_code == 0  # a warning never changes the status
    assert re.search(r"duplicate-labels\.yaml:9:\d+: warning: slave-1 has the label 'Slave DB', as slave-2 does",
                     result.stderr)
    clean = run("check", str(SPECS / "1-distributed_web_infrastructure.yaml"))
    assert "warning" not in clean.stderr


def test_label_uniqueness_is_a_topology_query() -> None:
    topology = load_spec(DESIGNS / "duplicate-labels.yaml")
    assert not topology.label_is_unique("slave-1") and topology.label_is_unique("master")
    assert len(topology.warnings) == 4


# --- 5. firewall rules list every crossing flow -------------------------------------
def test_firewall_rules_list_replication_and_monitoring() -> None:
    analysis = analyse(load_spec(SPECS / "2-secured_and_monitored_web_infrastructure.yaml"))
    text = render_markdown(build_report(analysis), "2.yaml").replace("\\", "")
    assert "port 3306 (mysql) from app-2 and mysql-2 (replication) to mysql-1" in text
    assert "allow out port 443 (https) from mon-1 (monitoring) to Sumo Logic" in text


# --- 6. fixes that fit the design ------------------------------------------------------
def test_fixes_name_only_parts_that_exist() -> None:
    simple = analyse(load_spec(SPECS / "0-simple_web_stack.yaml"))
    [spof] = [f for f in simple.findings if f.rule == Spof.id]
    assert "behind the load balancer" not in spof.fix and "put a load balancer in front of the two" in spof.fix
    [hostless] = [f for f in finding("firewall-hops", NoMonitoring.id) if f["component"] == "fw-2"]
    assert "host: <server>" not in str(hostless["fix"]) and "`for: [fw-2]`" in str(hostless["fix"])


# --- 7. grade names the gap -----------------------------------------------------------
def test_grade_names_the_server_that_mixes_tiers(write_spec: Callable[..., Path]) -> None:
    text = (SPECS / "3-scale_up.yaml").read_text().replace("links:", """  all-in-one: {kind: server}
  web-x: {kind: web_server, host: all-in-one}
  app-x: {kind: app_server, host: all-in-one}
  db-x: {kind: database, host: all-in-one}
links:""")
    result = run("grade", str(write_spec(text, "3-scale_up.yaml")), "--task", "alx-3")
    assert result.exit_code == 1
    assert "missing: the web server, the application server and the database on servers" not in result.stdout
    assert ("mixed tiers: all-in-one runs the web server, the application server and the database" in result.stdout)


def test_grade_wants_a_chosen_algorithm_and_the_task_counts(write_spec: Callable[..., Path]) -> None:
    text = (SPECS / "2-secured_and_monitored_web_infrastructure.yaml").read_text()
    text = text.replace(" algorithm: round_robin,", "").replace("links:", """  spare: {kind: server}
  fw-x: {kind: firewall, protects: [spare]}
  mon-x: {kind: monitoring, host: spare}
links:""")
    result = run("grade", str(write_spec(text, "2.yaml")), "--task", "alx-2")
    assert result.exit_code == 1
    assert "mistake: choose and name the load balancer's algorithm (haproxy gives no `algorithm`" in result.stdout
    for what, have in (("three servers", 4), ("three firewalls", 4), ("three monitoring clients", 4)):
        assert f"count: the task asks for {what}, the design has {have}" in result.stdout


def test_no_algorithm_is_said_as_such() -> None:
    text = report("split-data")
    assert "uses round robin" not in text
    assert "the spec does not choose an algorithm; HAProxy's default is round robin" in text


# --- 9. grammar -------------------------------------------------------------------------
def test_wording_helpers() -> None:
    assert possessive("haproxy") == "haproxy's" and possessive("lbs") == "lbs'"
    assert verb_phrase(1, "read from and write to") == "reads from and writes to"
    assert verb_phrase(2, "read from and write to") == "read from and write to"


def test_no_broken_agreement_in_the_reports() -> None:
    for design in sorted(DESIGNS.glob("*.yaml")):
        text = report(design.stem)
        assert not re.search(r"\b[a-z0-9-]+ and [a-z0-9-]+ (reads|writes) (from|to)", text), design.name
        assert "'s members" not in text and ": it sends" not in text.split("## How a request")[0]


# --- new rules ------------------------------------------------------------------------
def test_split_data_fires_and_no_database_stands_in_for_the_other() -> None:
    analysis = analyse(load_spec(DESIGNS / "split-data.yaml"))
    assert analysis.found(SplitData) == ("mysql-1", "mysql-2")
    assert {"web-01", "web-02"} <= set(analysis.found(Spof))  # each holds data the other lacks
    text = render_markdown(build_report(analysis), "s.yaml")
    assert "are separate copies of the data that never synchronise" in text


def test_the_new_rules_are_in_the_catalogue_json_and_sarif() -> None:
    catalogue = run("rules").stdout
    assert SplitData.id in catalogue and BalancerToData.id in catalogue
    sarif = json.loads(run("check", "--format", "sarif", str(DESIGNS / "split-data.yaml")).stdout)
    rules = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert {SplitData.id, BalancerToData.id} <= rules
    data = json.loads(run("check", "--format", "json", str(DESIGNS / "split-data.yaml")).stdout)
    assert any(f["rule"] == SplitData.id for spec in data["specs"] for f in spec["findings"])


def test_a_balancer_in_front_of_a_database() -> None:
    analysis = analyse(loads(BalancerToData.doc().bad, "bad.yaml"))
    [found] = [f for f in analysis.findings if f.rule == BalancerToData.id]
    assert found.message.startswith("Load balancer lb sends the users' requests straight to the database db")


# --- hand-in answers ------------------------------------------------------------------
@pytest.mark.parametrize("stem", [p.stem for p in sorted(SPECS.glob("[0-3]-*.yaml"))])
def test_each_question_is_answered_in_at_most_three_sentences(stem: str) -> None:
    task = {t.answer_file: t for t in TASKS.values()}[stem]
    pairs = answers(analyse(load_spec(SPECS / f"{stem}.yaml")), task.key)
    assert [q for q, _ in pairs] == [q for q, _ in QUESTIONS[task.key]]
    for question, answer in pairs:
        for line in answer.splitlines():  # a list answers "every additional element": each item short
            sentences = [s for s in re.split(r"(?<=[.?!])\s+(?=[A-Z(])", line.removeprefix("- ")) if s]
            assert 1 <= len(sentences) <= 3, (question, line)


@pytest.mark.parametrize("design", [p.stem for p in sorted(DESIGNS.glob("*.yaml"))])
def test_answers_stay_short_on_odd_designs(design: str) -> None:
    analysis = analyse(load_spec(DESIGNS / f"{design}.yaml"))
    for key in QUESTIONS:
        for question, answer in answers(analysis, key):
            for line in answer.splitlines():
                sentences = [s for s in re.split(r"(?<=[.?!])\s+(?=[A-Z(])", line.removeprefix("- ")) if s]
                assert 1 <= len(sentences) <= 3, (key, question, line)


def test_handin_warns_about_a_local_link(tmp_path: Path) -> None:
    result = run("handin", str(SPECS / "0-simple_web_stack.yaml"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0
    assert "warning: no --image-base-url" in result.stderr and "cannot open" in result.stderr
    readme = (tmp_path / "out" / "README.md").read_text()
    linked = set(re.findall(r"\]\(([^)]+)\)", readme))
    assert linked and all((tmp_path / "out" / path).exists() for path in linked)
    assert "0-simple_web_stack.yaml" not in readme


# --- all of it at once: the design of the note --------------------------------------------
def test_a_design_with_every_odd_part() -> None:
    text = report("everything")
    assert "The browser opens a TCP connection to 8.8.8.8 (lbs) on port 443. On the way, the firewall Edge " \
           "firewall checks the connection" in text  # the address DNS gives, not the firewall's nor lb-01's
    assert "The backup app-2 takes requests only through the backup nginx-2" in text  # behind a backup
    assert "With 2 application servers" not in text
    assert "With two members, a failure leaves the survivor without a majority" in text
    assert "losing one stops nothing" not in text
    assert "through its virtual IP 10.0.0.30 (the member holding it takes the queries)" in text
    assert "The firewall fw-db checks the connections into db-01 and db-02 against its rules" in text
    assert text.count("TLS ends at haproxy-1 and haproxy-2: from there to nginx-1 and nginx-2") == 1
    assert "Web server (web-01)" in text and "Web server and Web server" not in text


def test_every_additional_element_is_counted_from_the_previous_task(tmp_path: Path) -> None:
    result = run("handin", str(SPECS / "3-scale_up.yaml"), "-o", str(tmp_path / "alone"))
    assert result.exit_code == 0
    alone = (tmp_path / "alone" / "3-scale_up").read_text()
    assert "Added since task 2's reference design (archdoc new --task alx-2):" in alone
    assert "- lb-cluster (the second load balancer, clustered with the first)" in alone
    assert "cert (the TLS certificate)" not in alone  # task 2 had it already
    run("handin", *[str(p) for p in sorted(SPECS.glob("[0-3]-*.yaml"))], "-o", str(tmp_path / "all"))
    together = (tmp_path / "all" / "2-secured_and_monitored_web_infrastructure").read_text()
    assert "Added since task 1's design (1-distributed_web_infrastructure):" in together
    assert "haproxy (the load balancer)" not in together


def test_an_active_active_pair_of_balancers_behind_one_vip() -> None:
    text = (SPECS / "3-scale_up.yaml").read_text().replace("mode: active_passive, vip", "mode: active_active, vip")
    analysis = analyse(loads(text, "aa.yaml"))
    out = render_markdown(build_report(analysis), "aa.yaml").replace("\\", "")
    assert "only the member holding 8.8.8.8 takes traffic and the others stand by" in out
    assert "which all take traffic" not in out


def test_render_for_a_task_says_what_was_added_since_the_task_before(tmp_path: Path) -> None:
    spec = SPECS / "2-secured_and_monitored_web_infrastructure.yaml"
    assert run("render", str(spec), "--task", "alx-2", "-o", str(tmp_path / "t"), "--formats", "md").exit_code == 0
    assert run("render", str(spec), "-o", str(tmp_path / "plain"), "--formats", "md").exit_code == 0
    with_task = as_shown((tmp_path / "t" / spec.stem / "report.md").read_text())
    without = as_shown((tmp_path / "plain" / spec.stem / "report.md").read_text())
    assert "Each part added since task 1's reference design (archdoc new --task alx-1), and what it adds:" in with_task
    assert "fw-lb, fw-1 and fw-2 (firewalls): security" in with_task
    assert "haproxy (the load balancer)" not in with_task  # task 1 had it already
    assert "The simplest working design is one server" in without and "haproxy (the load balancer)" in without


def test_the_diagram_names_components_whose_label_is_shared_by_label_and_id(tmp_path: Path) -> None:
    assert run("render", str(DESIGNS / "duplicate-labels.yaml"), "-o", str(tmp_path), "--formats", "svg").exit_code == 0
    svg = (tmp_path / "duplicate-labels" / "diagram.svg").read_text()
    assert "Slave DB (slave&#45;1)" in svg and "Slave DB (slave&#45;2)" in svg
    assert "Master DB</text>" in svg  # a label no other component shows stays as it is
