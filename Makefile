# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test test-sqlite test-postgres bench migrations clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[all,dev]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/omo db upgrade
	$(BIN)/omo seed demo
	$(BIN)/omo serve --host $(HOST) --port $(PORT)

# The whole suite, every database test on SQLite and on PostgreSQL (OMO_TEST_POSTGRES_URL).
test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

test-sqlite: $(STAMP)
	OMO_TEST_DATABASES=sqlite $(BIN)/python -m pytest $(PYTEST_ARGS)

bench: $(STAMP)
	$(BIN)/omo bench all

# Regenerate the initial migration from the models (only before the first release).
migrations: $(STAMP)
	$(BIN)/python -m backend.core.migrations_tool regenerate

clean:
	rm -rf $(VENV) var/*.db .pytest_cache
