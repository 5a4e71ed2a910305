# Newsroom: the two commands are `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 2

.PHONY: run test test-browser lint format bench load messages clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: $(BIN)/activate requirements.txt requirements-test.txt
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-test.txt
	touch $@

install: $(VENV)/.installed

run: $(VENV)/.installed
	NEWSROOM_ENV=development $(BIN)/python manage.py migrate --noinput
	NEWSROOM_ENV=development $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	NEWSROOM_ENV=development $(BIN)/python manage.py load_regions
	NEWSROOM_ENV=development $(BIN)/python manage.py load_demo
	@echo "Newsroom is at http://$(HOST):$(PORT)/ (admin: http://$(HOST):$(PORT)/admin/)"
	NEWSROOM_ENV=development $(BIN)/gunicorn newsroom.wsgi --bind $(HOST):$(PORT) \
		--workers $(WORKERS) --access-logfile -

test: $(VENV)/.installed
	NEWSROOM_ENV=test $(BIN)/python -m pytest

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Translations are kept per area in locale/parts/; this merges and compiles them.
# The compiled .mo is committed, so running the site needs no gettext tools.
# Parts are read as one stream so that the header's charset covers their non-ASCII text.
messages:
	cat locale/header.po locale/parts/*.po | msguniq --use-first --sort-output -o locale/id/LC_MESSAGES/django.po -
	msgfmt --check-format -o locale/id/LC_MESSAGES/django.mo locale/id/LC_MESSAGES/django.po

clean:
	rm -rf $(VENV) staticfiles .pytest_cache
