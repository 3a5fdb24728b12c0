# The two commands of the README. Each installs what is missing first (scripts/bootstrap).
.PHONY: setup render test

setup:
	@scripts/bootstrap

# Draw and analyse every design in specs/ into output/<spec>/.
render: setup
	.venv/bin/archdoc render specs/ -o output/

test: setup
	.venv/bin/python -m pytest
