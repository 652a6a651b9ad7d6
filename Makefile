# The two commands of the README's quick start: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# The example project on the real stack, as the system checks see it in production.
STACK := DATABASE_URL=postgres://postgres@127.0.0.1:5432/test REDIS_URL=redis://127.0.0.1:6379/0 \
	OAUTH_EXT_SIGNING_KEY=var/ci/as-signing-key.private.jwk.json

.PHONY: demo test install

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

## Set up and run the example project on SQLite (no broker, no Redis needed).
demo: install
	$(PY) manage.py oauth_ext_keygen --out var --name as-signing-key --if-missing
	$(PY) manage.py migrate --no-input
	$(PY) manage.py demo_setup
	$(PY) manage.py runserver 127.0.0.1:8000

## Set up and run the whole test suite on PostgreSQL and Redis.
test: install
	bash .ci/services
	bash .ci/browser
	bash .ci/node
	bash .ci/dovecot
	$(VENV)/bin/ruff check oauth_ext tests example_project benchmarks
	$(VENV)/bin/mypy
	$(PY) manage.py oauth_ext_keygen --out var/ci --name as-signing-key --if-missing
	$(STACK) $(PY) manage.py makemigrations --check --dry-run
	$(STACK) DJANGO_DEBUG=0 DJANGO_SECRET_KEY=ci-check-only-$$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n') \
	  $(PY) manage.py check --deploy --fail-level ERROR
	$(STACK) DJANGO_DEBUG=0 $(PY) manage.py check --tag oauth_ext --fail-level WARNING
	$(PY) -m pytest --create-db $(PYTEST_ARGS)
