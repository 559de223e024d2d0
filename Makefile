# Everything the project needs is installed from its own files by these targets.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
SEED ?= ../shared/seed/000_ee86aad54d56ea67.txt
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=
# Modules for `make mutation`, as module.py[=test_a.py,test_b.py]; empty: the usual three.
MUTATE ?=

.PHONY: setup run test lint format bench check lighthouse clean mutation

$(VENV)/.installed: requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed

run: setup
	$(PY) manage.py migrate --noinput
	$(PY) manage.py setup_demo --address $(HOST):$(PORT) $(SEED)
	@# The web server and one job worker, from the Procfile; Ctrl-C stops both.
	PATH="$(CURDIR)/$(VENV)/bin:$$PATH" HOST=$(HOST) $(VENV)/bin/honcho start --port $(PORT)

test: setup
	bash scripts/ensure-chromium.sh
	bash scripts/ensure-java.sh
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

check: setup
	$(PY) manage.py makemigrations --check --dry-run
	env -u DEMO_PASSWORD DJANGO_SETTINGS_MODULE=config.settings.production SECRET_KEY=$$(head -c 48 /dev/urandom | base64) \
		ALLOWED_HOSTS=example.com $(PY) manage.py check --deploy --fail-level WARNING

bench: setup
	$(PY) -m bench

# Lighthouse on Debian's Chromium against gunicorn with demo data (slow; not part of `test`).
lighthouse: setup
	bash scripts/ensure-chromium.sh
	$(PY) -m scripts.lighthouse

# Mutation testing (minutes; not part of CI): each module's score and surviving mutants.
mutation: setup
	$(PY) scripts/mutation.py $(MUTATE)

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache
