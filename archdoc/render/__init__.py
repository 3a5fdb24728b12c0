"""Everything archdoc writes for people and tools: check reports, diagrams, reports."""
