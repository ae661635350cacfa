# Zona: two commands from a fresh clone: `make run` and `make test`.
SHELL := /bin/bash
PY := .venv/bin/python
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test deps test-deps system-deps system-deps-test messages lint check \
        test-sqlite test-postgres test-browser demo worker clean

run: deps messages
	$(MANAGE) migrate --noinput
	$(MANAGE) load_frameworks
	$(MANAGE) load_instruments
	$(MANAGE) load_demo
	@$(MANAGE) survey_contacts_flush >/dev/null
	@$(MANAGE) notifications_clock >/dev/null
	@$(MANAGE) demo_logins
	@echo "Zona is starting on http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@trap 'kill $$WORKER 2>/dev/null' EXIT INT TERM; \
	  $(MANAGE) db_worker >var/worker.log 2>&1 & WORKER=$$!; \
	  $(MANAGE) runserver $(HOST):$(PORT)

system-deps:
	@scripts/system-deps.sh run

system-deps-test:
	@scripts/system-deps.sh test

.venv/.installed: requirements/lock.txt
	@test -x $(PY) || python3 -m venv .venv
	@$(PY) -m pip install -q --disable-pip-version-check uv==0.13.9
	@.venv/bin/uv pip sync -q -p $(PY) requirements/lock.txt
	@touch $@

node_modules/.installed: package-lock.json
	@npm ci --no-audit --no-fund --loglevel=error
	@touch $@

deps: system-deps .venv/.installed node_modules/.installed
	@mkdir -p var

messages: .venv/.installed
	@$(MANAGE) compilemessages -v0 --ignore=.venv --ignore=node_modules

lint: .venv/.installed
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/mypy .
	.venv/bin/lint-imports
	.venv/bin/djlint zona --lint --quiet
	$(PY) scripts/check_frameworks.py
	$(PY) scripts/check_rules.py

test: deps system-deps-test messages lint test-sqlite test-postgres
	@echo "All test suites passed."

test-sqlite:
	DJANGO_ALLOW_ASYNC_UNSAFE=true .venv/bin/pytest -n 2 --dist worksteal -q -p no:cacheprovider

test-postgres:
	@url=$$(scripts/pg.sh start) && \
	  DATABASE_URL=$$url .venv/bin/pytest -n 2 --dist worksteal -q -p no:cacheprovider -m "not browser"; \
	  status=$$?; scripts/pg.sh stop; exit $$status

worker:
	$(MANAGE) db_worker

# The production stack on loopback (PostgreSQL, Redis, S3 server, granian x4, task workers
# x2), checked through the web server; ends with `lost=0 duplicated=0` (docs/deploy.md).
.PHONY: prod-check
prod-check: deps messages
	@scripts/prod-check.sh

clean:
	rm -rf .venv node_modules staticfiles var db.sqlite3
