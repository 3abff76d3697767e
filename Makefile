# The two commands a user needs (see README): `make up` and `make test`.
VENV := .venv
BIN := $(VENV)/bin

.PHONY: up test down setup toolchain lint
.DEFAULT_GOAL := up

## up: build/cache the toolchain, start the local Kafka, `pulumi up` the local stack, report
up: setup
	$(BIN)/bulkheads up local --yes --refresh

## test: lint, type-check, then every test tier (starts and stops what it needs)
test: setup lint
	bash toolchain/build.sh >/dev/null
	$(BIN)/pytest

## down: destroy nothing; stop the local Kafka and Connect workers this project started
down: setup
	$(BIN)/bulkheads local down

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@
