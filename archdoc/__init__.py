"""archdoc: a web infrastructure, described in YAML, drawn and analysed."""

__version__ = "0.1.0"
