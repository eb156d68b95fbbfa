# The two commands for a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app meetingplaces
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: demo-cluster demo-cluster-down run test install install-test translations migrate seed lint bench bench-load extract clean-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the project's declared dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(VENV)/.installed $@

install: $(VENV)/.installed translations

install-test: $(VENV)/.installed-test translations

# The .mo files are built here, never committed; fuzzy entries stay in English until reviewed.
translations: | $(BIN)/python
	$(BIN)/pybabel -q compile -d translations

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo --if-empty

# The mail process runs beside the server; without MAIL_SERVER it prints every mail here.
run: seed
	$(FLASK) send-mail --watch --interval 2 & watcher=$$!; \
	trap 'kill $$watcher' EXIT INT TERM; \
	$(FLASK) run --host $(HOST) --port $(PORT)

test: install-test
	$(BIN)/ruff check meetingplaces tests scripts $(wildcard bench)
	$(BIN)/python -m tests.browser_setup
	$(BIN)/python -m tests.cluster_setup
	$(BIN)/pytest -n 2 --dist loadgroup -p no:cacheprovider $(PYTEST_ARGS)

# Two gunicorn nodes behind nginx on loopback, one PostgreSQL database (DEMO_DATABASE_URL), the
# mail sender; `make demo-cluster-down` stops exactly these processes and drops the database.
demo-cluster: install
	$(BIN)/python -m tests.cluster_setup
	$(BIN)/python -m scripts.demo_cluster up

demo-cluster-down: | $(BIN)/python
	$(BIN)/python -m scripts.demo_cluster down

lint: install-test
	$(BIN)/ruff check meetingplaces tests scripts $(wildcard bench)

bench: install-test
	$(BIN)/python bench/booking.py
	$(BIN)/python bench/feeds.py
	$(BIN)/python bench/reports.py
	$(BIN)/python bench/speed.py

# Load test (locust): SQLite, then PostgreSQL when MEETINGPLACES_TEST_DATABASE_URL is set.
bench-load: install-test
	$(BIN)/pip install --quiet -e ".[bench]"
	$(BIN)/python bench/load.py --database sqlite
	$(BIN)/python bench/load.py --database sqlite --chaos
	if [ -n "$$MEETINGPLACES_TEST_DATABASE_URL" ]; then \
	  $(BIN)/python bench/load.py --database postgresql && \
	  $(BIN)/python bench/load.py --database postgresql --chaos; fi

# Refresh the catalogues after adding or changing user-facing strings; then translate what
# `$(BIN)/python -m scripts.translations todo` lists.
extract: install-test
	$(BIN)/python -m scripts.translations extract

clean-venv:
	rm -rf $(VENV)
