"""The knowledge that writes the explanations: what each part is, and what it does here."""

from archdoc.explain.report import Report, Section, Table, build_report

__all__ = ["Report", "Section", "Table", "build_report"]
