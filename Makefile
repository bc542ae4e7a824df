# Shortcuts for the common commands. The first two need only Python 3.11; the others use the
# virtualenv that they create (.venv).

VENV_BIN := .venv/bin
PYTHON := $(VENV_BIN)/python

.PHONY: help run test lint format bench up down check messages

help:
	@echo "make run       set up (migrations, taxonomy, demo data) and serve on :8000 (embedded default)"
	@echo "make test      run the test suite (pytest args: python3.11 dev.py test ARGS)"
	@echo "make lint      ruff check, ruff format --check and the import contracts (.importlinter)"
	@echo "make format    fix what ruff can fix and reformat"
	@echo "make check     Django system checks and missing migrations"
	@echo "make messages  extract translatable strings (needs GNU gettext) and compile them"
	@echo "make bench     run the benchmarks in bench/"
	@echo "make up/down   start/stop the production shape with docker compose (see .env.example)"

run:
	python3.11 dev.py run

test:
	python3.11 dev.py test

lint:
	$(VENV_BIN)/ruff check . && $(VENV_BIN)/ruff format --check . && $(VENV_BIN)/lint-imports

format:
	$(VENV_BIN)/ruff check --fix . && $(VENV_BIN)/ruff format .

bench:
	@if [ -d bench ]; then $(PYTHON) -m bench; else echo "no benchmarks yet"; fi

up:
	docker compose up --build

down:
	docker compose down

check:
	$(PYTHON) manage.py check && $(PYTHON) manage.py makemigrations --check --dry-run

# makemessages calls GNU xgettext (apt-get install gettext); compiling needs no gettext.
messages:
	$(PYTHON) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles
	$(PYTHON) manage.py compiletranslations
