# The two commands of the README. Each installs what is missing first (scripts/bootstrap).
.PHONY: setup render test

setup:
	@scripts/bootstrap

# Analyse every design in specs/ (rendering into output/ comes with `archdoc render`).
render: setup
	.venv/bin/archdoc check specs/

test: setup
	.venv/bin/python -m pytest
