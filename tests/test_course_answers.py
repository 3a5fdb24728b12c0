"""Each question of the course task (docs/course.md) is answered
by the report of its example: the question, and a phrase of the sentence that answers it."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import as_shown

ANSWERS = {
    "0-simple_web_stack": [
        ("what a server is", "A server is a computer, physical or virtual"),
        ("the domain name's role", "The domain name is for people; computers connect to IP addresses"),
        ("the record type of www", "The www.foobar.com record is an A record"),
        ("what it points to", "it answers 8.8.8.8, the address of server-1"),
        ("the web server", "A web server answers HTTP requests: it serves static content"),
        ("the application server", "An application server runs the application's code base"),
        ("the database", "A database stores the application's data"),
        ("how the server talks to the user's computer", "(HTTP over TCP/IP)"),
        ("issue: SPOF", "If server-1 fails, the design can no longer serve requests"),
        ("issue: downtime during maintenance", "nginx is the only web server clients can reach"),
        ("issue: cannot scale", "Clients reach nginx with no load balancer on the way"),
    ],
    "1-distributed_web_infrastructure": [
        ("why the load balancer", "The load balancer haproxy (HAProxy on lb-01) spreads requests over nginx-1 and nginx-2"),
        ("why a second server", "one can fail or be restarted for an update while the others serve"),
        ("why the replica", "a second, continuously updated copy of the data, which can serve reads"),
        ("the algorithm and how it works", "The load balancer haproxy uses round robin, which sends each new request"),
        ("active-active here", "Behind haproxy: active-active"),
        ("active-active vs active-passive", "In an active-passive setup one node serves while a standby waits"),
        ("how primary-replica works", "The primary records every change in its binary log (binlog)"),
        ("replicas may lag", "the replica can lag behind"),
        ("primary vs replica for the application", "every write (INSERT, UPDATE, DELETE) must go to the primary"),
        ("where this application writes and reads", "app-2 writes to mysql-1 (the primary) and reads from mysql-2"),
        ("issue: the load balancer is a SPOF", "If lb-01 fails, the design can no longer serve requests"),
        ("issue: the primary for writes", "If web-01 fails, the design can no longer write data"),
        ("issue: no firewall", "No firewall protects server lb-01"),
        ("issue: no HTTPS", "Users reach haproxy over http, unencrypted"),
        ("issue: no monitoring", "No monitoring agent watches the server web-01"),
    ],
    "2-secured_and_monitored_web_infrastructure": [
        ("why firewalls", "A firewall filters network traffic by rules"),
        ("what each firewall lets in", "fw-1 (protects web-01): allow in port 80 (http) from haproxy to nginx-1, port 3306 (mysql) from app-2 and mysql-2 (replication) to mysql-1"),
        ("why the certificate", "A TLS certificate binds the site's domain name to a public key"),
        ("why HTTPS", "an eavesdropper on the path (public Wi-Fi, an ISP) cannot read or change it"),
        ("why monitoring", "Monitoring is there to know that something is broken or slow"),
        ("how the monitoring tool collects data", "Each agent runs on its server, samples the host's metrics"),
        ("how to monitor the web server's QPS", "To monitor Nginx's queries per second (QPS): enable Nginx's stub_status"),
        ("issue: SSL terminated at the load balancer", "haproxy receives encrypted traffic and forwards it unencrypted"),
        ("issue: one MySQL server accepts writes", "mysql-1 is the only database that accepts writes"),
        ("issue: servers with the same components", "web-01 runs the database mysql-1 together with nginx-1 and app-1"),
        ("issue: the load balancer is still a SPOF", "If lb-01 fails, the design can no longer serve requests"),
    ],
    "3-scale_up": [
        ("why the second load balancer, clustered", "haproxy-1 is active and haproxy-2 stands by, taking over when it fails"),
        ("the virtual IP", "groups haproxy-1 and haproxy-2 behind the virtual IP 8.8.8.8"),
        ("why split the tiers", "Each tier has a server of its own, so each can be sized, scaled and maintained"),
        ("active-passive load balancers", "The load balancers: the cluster lb-cluster groups haproxy-1 and haproxy-2"),
    ],
}


@pytest.mark.parametrize(("stem", "question", "phrase"),
                         [(stem, q, p) for stem, pairs in ANSWERS.items() for q, p in pairs],
                         ids=[f"{stem[:1]}: {q}" for stem, pairs in ANSWERS.items() for q, _ in pairs])
def test_the_report_answers(rendered_examples: Path, stem: str, question: str, phrase: str) -> None:
    text = " ".join(as_shown((rendered_examples / stem / "report.md").read_text()).split())
    assert phrase in text, f"{stem}: no answer to '{question}'"


def test_the_algorithm_named_is_the_one_configured(tmp_path: Path) -> None:
    """Never a generic sentence the spec contradicts: least connections is not called round robin."""
    from tests.conftest import SPECS, run

    spec = tmp_path / "lc.yaml"
    spec.write_text((SPECS / "1-distributed_web_infrastructure.yaml").read_text()
                    .replace("algorithm: round_robin", "algorithm: least_connections"))
    assert run("render", str(spec), "-o", str(tmp_path), "--formats", "md").exit_code == 0
    text = (tmp_path / "lc" / "report.md").read_text()
    assert "least connections" in text and "balance leastconn" in text
    assert "round robin" not in text.lower()
