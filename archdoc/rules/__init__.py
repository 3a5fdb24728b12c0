"""The rule engine: one module per rule, the registry that lists them, and ``analyse``."""

from archdoc.rules.base import Category, Finding, Rule, Severity
from archdoc.rules.engine import Analysis, RuleCrash, analyse
from archdoc.rules.registry import RULES

__all__ = ["Analysis", "Category", "Finding", "RULES", "Rule", "RuleCrash", "Severity", "analyse"]
