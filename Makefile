# The two commands a newcomer needs: `make run` (a seeded course on http://127.0.0.1:8000) and
# `make test` (the whole suite). Everything else here serves those two or the team.
SHELL := /bin/sh
VENV ?= .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# Exact versions every environment installs (regenerate with `make lock`).
CONSTRAINTS := .ci/constraints.txt
STAMP := $(VENV)/.installed
# The browser tests' checkers (axe-core, the Nu Html Checker), pinned by package-lock.json.
NODE_STAMP := node_modules/.installed
# The suite runs on every core (pytest-xdist: one test database per worker); PYTEST_ARGS= runs
# it in one process, PYTEST_ARGS="tests/courses -x" narrows it.
PYTEST_ARGS ?= -n auto

.PHONY: run test lint format check messages lock system-deps seed clean e2e screenshots help backup restore prod-check

help:
	@echo "make run     create .venv, install, migrate, seed the demo course, serve on http://$(HOST):$(PORT)"
	@echo "make test    create .venv with test extras, run the whole test suite"
	@echo "make lint    ruff lint + format check"
	@echo "make check   Django system checks and missing migrations"
	@echo "make messages  extract and compile the translation catalogues"
	@echo "make e2e     only the browser journeys (axe-core and the Nu Html Checker on every page)"
	@echo "make screenshots  retake the user guides' screenshots from the browser journeys"
	@echo "make backup  SQLite database + media + private files into var/backups/<UTC time> (or DEST=dir)"
	@echo "make restore FROM=dir  restore such a backup, checked against its manifest (FORCE=1: move existing data aside)"
	@echo "make prod-check  start the production stack (2 gunicorn, worker, PostgreSQL, Redis) and check it across processes"

$(STAMP): pyproject.toml $(CONSTRAINTS)
	@interpreter=$$(.ci/find-python) || exit 1; \
	if [ ! -x "$(PY)" ] || ! "$(PY)" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then \
		echo "Creating $(VENV) with $$interpreter"; rm -rf "$(VENV)"; "$$interpreter" -m venv "$(VENV)" || exit 1; \
	fi
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(PY) -m pip install --quiet --disable-pip-version-check -c $(CONSTRAINTS) -e ".[test]"
	@touch $(STAMP)

system-deps:
	@.ci/system-deps

# Install scripts are skipped: vnu-jar's would download a Java runtime; the machine's Java runs it.
$(NODE_STAMP): package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --ignore-scripts --no-audit --no-fund --loglevel=error && touch $(NODE_STAMP); \
	else \
		echo "npm not found: the browser tests will be skipped (install Node.js and npm)"; \
	fi

# The site and its background-task worker (certificate batches, mail), as production runs
# them; stopping `make run` (Ctrl-C) stops both.
run: $(STAMP) system-deps
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	@TASKS_BACKEND=database $(PY) manage.py run_worker --interval 1 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	TASKS_BACKEND=database $(PY) manage.py runserver $(HOST):$(PORT)

# The embedded default's backup and restore (docs/operations/backup-restore.md); PostgreSQL sites
# use pg_dump. No $(STAMP) prerequisite: a backup or a restore must never begin by reinstalling.
backup:
	$(PY) manage.py backup_site $(if $(DEST),"$(DEST)")

restore:
	@test -n "$(FROM)" || { echo "usage: make restore FROM=var/backups/<time> [FORCE=1]" >&2; exit 2; }
	$(PY) manage.py restore_site $(if $(FORCE),--force) "$(FROM)"

# The production stack on this machine (two gunicorn processes over TLS, a task worker, PostgreSQL
# on 127.0.0.1:5432 and Redis on :6379, DEBUG off) and the checks only several processes can fail:
# tests/benchmarks/prod_check.py, docs/operations/deploy.md. CI runs it.
prod-check: $(STAMP)
	$(PY) tests/benchmarks/prod_check.py

seed: $(STAMP)
	$(PY) manage.py seed_demo

test: $(STAMP) system-deps $(NODE_STAMP)
	$(PY) -m pytest $(PYTEST_ARGS)

e2e: $(STAMP) system-deps $(NODE_STAMP)
	$(PY) -m pytest tests/e2e $(PYTEST_ARGS)

# The user guides' screenshots (docs/guides/img) are taken by the browser journeys themselves,
# at 360 px, so they show the current screens; commit the changed PNGs.
screenshots: $(STAMP) system-deps $(NODE_STAMP)
	LMS_GUIDE_SCREENSHOTS=docs/guides/img $(PY) -m pytest tests/e2e $(PYTEST_ARGS)

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: $(STAMP)
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

# Extraction needs GNU gettext (apt-get install gettext); the compiled .mo files are committed,
# so running the site never does.
messages: $(STAMP)
	$(PY) manage.py makemessages --locale vi --locale en --ignore '.venv/*' --ignore 'node_modules/*' --no-obsolete
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'node_modules/*'

# Re-resolve every dependency from a clean virtual environment and pin the result.
lock:
	@interpreter=$$(.ci/find-python) || exit 1; rm -rf /tmp/lms-lock-venv; \
	"$$interpreter" -m venv /tmp/lms-lock-venv && \
	/tmp/lms-lock-venv/bin/pip install --quiet --upgrade pip && \
	/tmp/lms-lock-venv/bin/pip install --quiet ".[test,load]" && \
	{ echo "# Exact versions resolved from pyproject.toml in a clean venv by \`make lock\`."; \
	  /tmp/lms-lock-venv/bin/pip freeze --exclude lms-giamdocso; } > $(CONSTRAINTS)

clean:
	rm -rf $(VENV) node_modules .pytest_cache
