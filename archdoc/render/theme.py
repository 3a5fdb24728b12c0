"""The diagram's colours, light (the default, on white) or dark (for a dark page).

Every colour the diagram uses is here, once per theme; the HTML report's page takes the
theme's name for its own styles. The light theme writes exactly the DOT source archdoc
always wrote: it sets no background or default text colour of its own (Graphviz draws
on white, diagrams' text colour stays).
"""

from __future__ import annotations

from dataclasses import dataclass

THEMES = ("light", "dark")


@dataclass(frozen=True)
class Theme:
    name: str
    background: str | None  # the graph's bgcolor (None: Graphviz's white, as always)
    text: str | None  # the default colour of titles and node labels (None: diagrams' own)
    encrypted: str
    plain: str
    plain_text: str
    replication: str
    auxiliary: str
    auxiliary_text: str
    warning: str  # single points of failure, plain-text entries
    gap: str  # no firewall, no monitoring
    server_fill: str
    stack_fill: str
    box_pen: str
    group_fill: str
    group_pen: str
    legend_fill: str

    def graph_attr(self) -> dict[str, str]:
        """What the theme adds to the graph's attributes (nothing, for light)."""
        attrs = {}
        if self.background:
            attrs["bgcolor"] = self.background
        if self.text:
            attrs["fontcolor"] = self.text
        return attrs

    def node_attr(self) -> dict[str, str]:
        return {"fontcolor": self.text} if self.text else {}


LIGHT = Theme(
    name="light", background=None, text=None,
    encrypted="#1E8449", plain="#5D6D7E", plain_text="#2D3436", replication="#7D3C98",
    auxiliary="#95A5A6", auxiliary_text="#7B8894", warning="#C0392B", gap="#D68910",
    server_fill="#F4F6F7", stack_fill="#E5E8E8", box_pen="#AAB7B8", group_fill="#FEF9E7", group_pen="#D4AC0D",
    legend_fill="#FDFEFE",
)
DARK = Theme(
    name="dark", background="#17202A", text="#EAECEE",
    encrypted="#58D68D", plain="#AAB7B8", plain_text="#D5D8DC", replication="#C39BD3",
    auxiliary="#7F8C8D", auxiliary_text="#AAB7B8", warning="#FF6F61", gap="#F5B041",
    server_fill="#212F3C", stack_fill="#2C3E50", box_pen="#5D6D7E", group_fill="#2E2A17", group_pen="#D4AC0D",
    legend_fill="#212F3C",
)
_BY_NAME = {t.name: t for t in (LIGHT, DARK)}


def theme(name: str) -> Theme:
    """The theme of this name (one of THEMES)."""
    return _BY_NAME[name]
