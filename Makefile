# The two README commands: `make run` and `make test`. Everything else is optional.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The embedded defaults: SQLite, eager Celery, console email, DEBUG on.
export DEBUG ?= 1
# The suite runs on two processes (pytest-xdist): each has its own test database.
PYTEST_ARGS ?= -n 2

.PHONY: run test install install-dev migrate seed worker beat lint format messages check-deploy bench clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements-dev.txt $(VENV)/.installed
	$(PIP) install -q -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.dev-installed

migrate: install
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo

## make run: install, migrate, load the demo agency, serve on http://127.0.0.1:8000
run: seed
	$(PY) manage.py runserver 127.0.0.1:8000

## make test: the whole suite (SQLite unless DATABASE_URL/REDIS_URL point at real services)
test: install-dev
	$(PY) -m pytest $(PYTEST_ARGS)

## Celery worker and beat against REDIS_URL (docker-compose runs these as services)
worker: install
	$(VENV)/bin/celery -A agency worker --loglevel=info

beat: install
	$(VENV)/bin/celery -A agency beat --loglevel=info --schedule=/tmp/celerybeat-schedule

## make lint: what CI checks besides the tests (style, import layers, translations)
lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache
	$(PY) scripts/i18n.py check

format: install-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

## Refresh the zh-hans catalogue (needs gettext); .mo files are committed.
messages: install-dev
	$(PY) scripts/i18n.py update

check-deploy: install
	DEBUG=0 SECRET_KEY=check-deploy-$$RANDOM-not-a-real-secret-but-long-enough-0123456789 \
	ALLOWED_HOSTS=agency.example.com $(PY) manage.py check --deploy --fail-level WARNING

bench: install-dev
	for f in bench/*.py; do $(PY) $$f; done

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
