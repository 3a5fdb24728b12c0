"""What one writes by hand without archdoc, for any spec: diagrams for the picture (PNG
and SVG), a Markdown write-up listing the parts and links, markdown for the HTML and
WeasyPrint for the PDF. No analysis at all. bench/batch_vs_handwritten.py runs it once
per spec, as a separate process, the way a script over a folder would.

    python bench/handwritten.py SPEC OUT_DIR
"""

from __future__ import annotations

import sys
from pathlib import Path

import markdown
import yaml
from diagrams import Cluster, Diagram, Edge
from diagrams.generic.network import Firewall
from diagrams.onprem.client import Users
from diagrams.onprem.compute import Server
from diagrams.onprem.database import Postgresql
from diagrams.onprem.inmemory import Redis
from diagrams.onprem.network import Gunicorn, Haproxy, Nginx
from weasyprint import HTML

ICONS = {"client": Users, "load_balancer": Haproxy, "web_server": Nginx, "app_server": Gunicorn,
         "database": Postgresql, "cache": Redis, "firewall": Firewall, "server": Server}


def build(spec_path: Path, out: Path) -> None:
    spec = yaml.safe_load(spec_path.read_text())
    components = spec["components"]
    out.mkdir(parents=True, exist_ok=True)
    nodes = {}
    with Diagram(spec["title"], filename=str(out / "diagram"), outformat=["png", "svg"], show=False, direction="LR"):
        hosted: dict[str, list[str]] = {}
        for cid, c in components.items():
            if c.get("host"):
                hosted.setdefault(c["host"], []).append(cid)
        for server, ids in hosted.items():
            with Cluster(server):
                for cid in ids:
                    if components[cid]["kind"] in ICONS:
                        nodes[cid] = ICONS[components[cid]["kind"]](cid)
        for cid, c in components.items():
            if cid not in nodes and not c.get("host") and c["kind"] in ICONS and c["kind"] != "server":
                nodes[cid] = ICONS[c["kind"]](cid)
        members = {cid: c["members"] for cid, c in components.items() if c["kind"] == "cluster"}
        for link in spec.get("links", []):
            sources = link["from"] if isinstance(link["from"], list) else [link["from"]]
            targets = link["to"] if isinstance(link["to"], list) else [link["to"]]
            for s in [m for x in sources for m in members.get(x, [x])]:
                for t in [m for x in targets for m in members.get(x, [x])]:
                    if s in nodes and t in nodes:
                        nodes[s] >> Edge(label=link["protocol"]) >> nodes[t]
        for cid, c in components.items():
            if c.get("replica_of") in nodes and cid in nodes:
                nodes[c["replica_of"]] >> Edge(style="dashed", label="replication") >> nodes[cid]
    lines = [f"# {spec['title']}", "", spec.get("description", ""), "", "![Diagram](diagram.png)", "",
             "## Components", ""]
    lines += [f"- **{cid}**: {c['kind']}" + (f" on {c['host']}" if c.get("host") else "") for cid, c in components.items()]
    lines += ["", "## Links", ""]
    lines += [f"- {link['from']} → {link['to']} ({link['protocol']})" for link in spec.get("links", [])]
    text = "\n".join(lines)
    (out / "report.md").write_text(text)
    html = "<html><body>" + markdown.markdown(text) + "</body></html>"
    (out / "report.html").write_text(html)
    HTML(string=html, base_url=str(out) + "/").write_pdf(out / "report.pdf")


if __name__ == "__main__":
    build(Path(sys.argv[1]), Path(sys.argv[2]))
