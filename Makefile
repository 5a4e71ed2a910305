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

# Runs the browser tests too when /usr/bin/chromium exists; says so in one line when not.
test: $(VENV)/.installed
	NEWSROOM_ENV=test $(BIN)/python -m pytest

# The benchmark builds (once) a database of ARTICLES articles from the text of CORPUS.
CORPUS ?= ../shared/corpus/indosum-dev.jsonl
ARTICLES ?= 100000
bench: $(VENV)/.installed
	command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python bench/run.py --corpus $(CORPUS) --articles $(ARTICLES)

test-browser: $(VENV)/.installed
	NEWSROOM_ENV=test $(BIN)/python -m pytest tests/browser

# Gunicorn + the real database and cache, readers and editors at once; see bench/load.py.
load: $(VENV)/.installed
	$(BIN)/python bench/load.py $(LOAD_ARGS)

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
