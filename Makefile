# `make run` serves the demo site; `make test` runs the whole suite; `make serve` runs the production
# configuration; `make bench` measures it under load. All build .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run serve bench test lint clean

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $@

# DEBUG defaults on for the local demo only (it also serves uploaded photos); set DEBUG=0
# and SECRET_KEY to try production settings.
run: export DEBUG ?= 1
# The demo's stories date from 2018: keep their comments open so the demo shows them.
run: export COMMENTS_OPEN_DAYS ?= 0
run: $(VENV)/.installed
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo
	@echo
	@echo "  Site:  http://$(HOST):$(PORT)/"
	@echo "  Admin: http://$(HOST):$(PORT)/$(patsubst %/,%,$(or $(ADMIN_URL),admin))/  (demo logins: admin, editor, writer, moderator / newsroom-demo, if make run created them)"
	@echo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

# The production configuration on this machine: DEBUG off, hashed and compressed static files
# (WhiteNoise), gunicorn with a worker count from the cores (gunicorn.conf.py), PostgreSQL from
# DATABASE_URL. With several workers set CACHE_URL=redis://127.0.0.1:6379/1, so that they share
# the page cache and a published story reaches every worker at once. See docs/deploy.md.
serve: export DEBUG = 0
# Plain HTTP here; behind a TLS proxy in production, leave secure cookies and the redirect on.
serve: export SECURE_COOKIES ?= 0
serve: export SECURE_SSL_REDIRECT ?= 0
# Production refuses to start without SECRET_KEY; on this one machine, keep one in .secret_key.
serve: export SECRET_KEY ?= $(shell test -s .secret_key || $(PYTHON) -c "import secrets; print(secrets.token_urlsafe(50))" > .secret_key; cat .secret_key)
serve: $(VENV)/.installed
	@test -n "$$DATABASE_URL" || { echo "make serve: set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/newsroom"; exit 1; }
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	$(BIN)/python manage.py migrate --noinput
	@echo "  Site: http://$(HOST):$(PORT)/"
	HOST=$(HOST) PORT=$(PORT) $(BIN)/gunicorn -c gunicorn.conf.py

# Loads 100,000 articles into BENCH_DATABASE_URL (wiped) and drives `make serve`'s stack with wrk.
bench: $(VENV)/.installed-dev
	@command -v wrk >/dev/null || { echo "make bench needs wrk: sudo apt-get install -y wrk"; exit 1; }
	$(BIN)/python bench/web.py

test: $(VENV)/.installed-dev
	$(BIN)/python -m pytest

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) staticfiles test-artifacts .pytest_cache
