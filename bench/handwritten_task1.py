"""The task-1 design drawn and written up by hand, as one would without archdoc:
diagrams for the picture (PNG and SVG), a Markdown write-up, markdown for the HTML and
WeasyPrint for the PDF. bench/render_vs_handwritten.py times it against archdoc.

    python bench/handwritten_task1.py OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import markdown
from diagrams import Cluster, Diagram, Edge
from diagrams.onprem.client import Users
from diagrams.onprem.database import Mysql
from diagrams.onprem.network import Gunicorn, Haproxy, Nginx
from weasyprint import HTML

REPORT = """# Distributed web infrastructure

![Diagram](diagram.png)

## How a request travels
1. The browser asks DNS for www.foobar.com; the A record answers 8.8.8.8, the load balancer.
2. HAProxy picks nginx-1 or nginx-2 with round robin.
3. Nginx passes dynamic requests to Gunicorn, which queries MySQL.

## Load balancing
Round robin sends each request to the next backend in turn: active-active.

## Database
mysql-1 is the primary; mysql-2 replicates it asynchronously from the binary log.

## Issues
- lb-01 is a single point of failure.
- No firewall, no HTTPS, no monitoring.
"""


def build(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with Diagram("Distributed web infrastructure", filename=str(out / "diagram"), outformat=["png", "svg"],
                 show=False, direction="LR"):
        user = Users("User's browser")
        with Cluster("lb-01 8.8.8.8"):
            lb = Haproxy("haproxy")
        with Cluster("web-01 10.0.0.11"):
            web1, app1, db1 = Nginx("nginx-1"), Gunicorn("app-1"), Mysql("mysql-1 primary")
        with Cluster("web-02 10.0.0.12"):
            web2, app2, db2 = Nginx("nginx-2"), Gunicorn("app-2"), Mysql("mysql-2 replica")
        user >> Edge(label="http:80") >> lb >> Edge(label="http:80") >> [web1, web2]
        web1 >> app1 >> db1
        web2 >> app2 >> [db1, db2]
        db1 >> Edge(label="async replication", style="dashed") >> db2
    (out / "report.md").write_text(REPORT)
    html = "<html><body>" + markdown.markdown(REPORT) + "</body></html>"
    (out / "report.html").write_text(html)
    HTML(string=html, base_url=str(out) + "/").write_pdf(out / "report.pdf")


if __name__ == "__main__":
    build(Path(sys.argv[1]))
