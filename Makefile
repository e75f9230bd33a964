# The coalition site. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

PORT ?= 8000
PYTHON ?= python3
# uv from PATH when it works, else the one pip installs for this Python (see `make uv`).
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo "$(PYTHON) -m uv")
VENV_PY := .venv/bin/python
MANAGE := $(VENV_PY) manage.py
DEV_ENV := DEBUG=1

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

.PHONY: uv
uv: ## install uv with pip if it is missing
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv || $(PYTHON) -m pip install --quiet uv

# Translations: each catalogue compiled when its .po is newer (msgfmt, as compilemessages runs
# it, without starting Django).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

%.mo: %.po
	@msgfmt --check-format -o $@ $<

.PHONY: install
# Bytecode compiled once at install: every manage.py start (and there are several in `make run`)
# would otherwise compile Django and the rest from source where PYTHONDONTWRITEBYTECODE is set.
install: uv $(MO_FILES) ## install the locked dependencies and compile translations
	@$(UV) sync --frozen --quiet --compile-bytecode

.PHONY: run
run: install ## migrate, load the demo coalition, print the admin login and serve on 127.0.0.1:$(PORT)
	@$(DEV_ENV) PORT=$(PORT) $(MANAGE) prepare_demo
	@echo "  Serving the demo coalition on http://127.0.0.1:$(PORT)/  (Ctrl-C stops)"
	@echo "  A worker sends queued mail beside it (printed to this console)."
	@$(DEV_ENV) $(MANAGE) worker -v0 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
		$(DEV_ENV) $(MANAGE) runserver 127.0.0.1:$(PORT)

.PHONY: worker
worker: install ## run the background worker (mail with retries, daily purge of stale join requests)
	@$(MANAGE) worker

.PHONY: test
test: install ## run the whole test suite (PostgreSQL when DATABASE_URL says so)
	@$(DEV_ENV) $(MANAGE) makemigrations --check --dry-run -v0 || (echo "Migrations are out of date: run manage.py makemigrations" && exit 1)
	$(VENV_PY) -m pytest $(PYTEST_ARGS)

.PHONY: serve
# Several workers must share the page cache, or a take-down reaches only one of them: Redis when
# it answers, otherwise no page cache at all (check --deploy refuses a per-process one).
serve: install ## production-like: gunicorn, DEBUG off, static files compressed and hashed
	@if [ -z "$${CACHE_URL:-}" ] && $(VENV_PY) -c 'import redis; redis.Redis.from_url("redis://127.0.0.1:6379/0", socket_connect_timeout=0.5).ping()' 2>/dev/null; then \
		export CACHE_URL=redis://127.0.0.1:6379/0; \
	elif [ -z "$${CACHE_URL:-}" ]; then \
		echo "  Redis does not answer on 127.0.0.1:6379: serving without the page cache."; \
		export PAGE_CACHE_SECONDS=0; \
	fi; \
	SECRET_KEY=$${SECRET_KEY:-serve-local-only-$$(hostname)-not-for-production} HTTPS=$${HTTPS:-off} \
		SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} \
		bash -c '$(MANAGE) collectstatic --no-input -v0 && $(MANAGE) migrate --no-input -v0 && \
		exec $(VENV_PY) -m gunicorn icnk.wsgi --bind 127.0.0.1:$(PORT) --workers $${WEB_CONCURRENCY:-2} --access-logfile - \
			--logger-class icnk.logs.GunicornLogger'

# Backups use the environment as it is (production), or the development database when no
# SECRET_KEY is set.
OPS_ENV := $(if $(SECRET_KEY),,DEBUG=1)

.PHONY: backup
backup: install ## back up the database and uploads into backups/icnk-backup-<time>.tar.gz
	@$(OPS_ENV) $(MANAGE) backup

.PHONY: restore
restore: install ## restore FILE=backups/... into an empty database (DATABASE_URL) and MEDIA_ROOT
	@test -n "$(FILE)" || (echo "usage: make restore FILE=backups/icnk-backup-....tar.gz" && exit 2)
	@$(OPS_ENV) $(MANAGE) restore "$(FILE)"

.PHONY: bench
bench: install ## seed a large coalition (PostgreSQL and Redis when running), serve it, measure every page (and the public ones on the demo, bar 1.5x)
	@$(DEV_ENV) $(MANAGE) bench $(BENCH_ARGS)

.PHONY: bench-peer
bench-peer: install ## this site beside the floor and the Wagtail peer (../shared/bench, BENCH_HARNESS): benchmarks/results/peer.md
	@$(DEV_ENV) $(MANAGE) bench_peer $(BENCH_PEER_ARGS)

.PHONY: bench-mail
bench-mail: install ## a statement to 10,000 subscribers via a real worker and SMTP sink (PostgreSQL)
	@$(DEV_ENV) DATABASE_URL=$${BENCH_MAIL_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/icnk_bench_mail} \
		$(MANAGE) bench_mail $(BENCH_MAIL_ARGS)

.PHONY: loadtest
loadtest: install ## readers + join stream under faults (restarts local PostgreSQL and Redis!)
	@$(DEV_ENV) $(MANAGE) loadtest $(LOADTEST_ARGS)

.PHONY: apicheck
apicheck: ## schemathesis against both API schemas of a server already running on 127.0.0.1:$(PORT) (make run)
	@for api in members statements; do \
	  $(UV) tool run schemathesis run http://127.0.0.1:$(PORT)/api/v1/$$api/openapi.json \
	    --url http://127.0.0.1:$(PORT) -c all || exit 1; \
	done

# The page checkers' tools, pinned, in a git-ignored folder (tests/pages/check_pages.py).
TOOLS := .tools
VNU_VERSION := 26.9.27
AXE_VERSION := 4.14.1
LIGHTHOUSE_VERSION := 12.2.3

.PHONY: check-pages
check-pages: install ## every public page in en/ko/ja through the Nu HTML Checker, axe-core, 320 px and the feeds
	@command -v java >/dev/null || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless >/dev/null; } || \
		echo "no java: the Nu HTML Checker will be skipped"
	@command -v npm >/dev/null && mkdir -p $(TOOLS) && ( test -f $(TOOLS)/package.json || echo '{"private": true}' > $(TOOLS)/package.json ) && \
		npm install --prefix $(TOOLS) --no-audit --no-fund --silent -E vnu-jar@$(VNU_VERSION) axe-core@$(AXE_VERSION) || \
		echo "could not install vnu-jar and axe-core from npm: their checks will be skipped"
	$(VENV_PY) tests/pages/check_pages.py $(CHECK_PAGES_ARGS)

.PHONY: lighthouse
lighthouse: install ## manual: Lighthouse (mobile) on a running site, URL=http://127.0.0.1:8000/en/
	CHROME_PATH=/usr/bin/chromium npx --yes lighthouse@$(LIGHTHOUSE_VERSION) "$${URL:-http://127.0.0.1:$(PORT)/en/}" \
		--chrome-flags="--headless=new --no-sandbox" --only-categories=performance,accessibility,best-practices,seo \
		--output=html --output-path=test-artifacts/lighthouse.html $(LIGHTHOUSE_ARGS)

.PHONY: lighthouse-all
lighthouse-all: install ## manual: Lighthouse on home, members, a statement, the campaign and join, mobile and desktop
	@command -v npm >/dev/null && mkdir -p $(TOOLS) && ( test -f $(TOOLS)/package.json || echo '{"private": true}' > $(TOOLS)/package.json ) && \
		npm install --prefix $(TOOLS) --no-audit --no-fund --silent -E lighthouse@$(LIGHTHOUSE_VERSION)
	$(VENV_PY) tests/pages/lighthouse.py $(LIGHTHOUSE_ALL_ARGS)

.PHONY: lint
lint: install ## ruff check, ruff format --check, Django's system checks
	$(VENV_PY) -m ruff check .
	$(VENV_PY) -m ruff format --check .
	@$(DEV_ENV) $(MANAGE) check

.PHONY: fmt
fmt: install ## format and fix what ruff can
	$(VENV_PY) -m ruff check --fix .
	$(VENV_PY) -m ruff format .

.PHONY: messages
messages: install ## extract UI strings into locale/*/LC_MESSAGES/django.po
	@$(DEV_ENV) $(MANAGE) makemessages -l ko -l ja --ignore=.venv --ignore=staticfiles --ignore=tests --ignore=.tools --ignore=test-artifacts --ignore=media --no-obsolete
