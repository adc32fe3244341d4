# Two commands for a newcomer on Debian 12: `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
INSTANCE ?= instance
# System tools the tests run against for real (installed through apt-get when run as root).
TEST_TOOLS := age age-keygen vagrant chromium pdftotext pdfinfo mat2 Xvfb dbus-daemon desktop-file-validate pg_ctlcluster file strace npm \
  tor tor-gencert shellcheck systemd-analyze
TEST_PACKAGES := age vagrant chromium poppler-utils fonts-thai-tlwg mat2 bubblewrap postgresql file strace \
  xvfb xauth dbus-daemon desktop-file-utils at-spi2-core libatk-adaptor gir1.2-atspi-2.0 python3-gi gir1.2-gtk-3.0 python3-venv \
  tor shellcheck systemd
# The workstation's window runs under Debian's Python (its python3-gi), as on an officer's machine.
GTK_CHECK := /usr/bin/python3 -c 'import gi, ensurepip; gi.require_version("Gtk", "3.0"); gi.require_version("Atspi", "2.0")'
# The tests start throwaway PostgreSQL servers (initdb, pg_ctl, pg_basebackup: not on PATH).
PG_CHECK := ls /usr/lib/postgresql/*/bin/initdb /usr/lib/postgresql/*/bin/pg_basebackup
# The workstation's locked dependencies as wheels, for its offline-install test (setup, online).
WS_LOCK := distributions/westrong-workstation/requirements.lock
WS_WHEELS := $(VENV)/workstation-wheels

# Wheels of the locked server dependencies, for the packaging test's offline install.
WHEELS := $(VENV)/wheels
WHEELS_STAMP := $(WHEELS)/.complete

# axe-core for the accessibility checks in the browser tests: fetched from the npm registry during
# setup (pinned version and sha512, as npm's lock would), read from disk at test time.
AXE_VERSION := 4.14.1
AXE_SHA512 := FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==
AXE_DIR := $(VENV)/axe-core
AXE := $(AXE_DIR)/axe.min.js

MO := webcommon/translations/th/LC_MESSAGES/messages.mo webcommon/translations/en/LC_MESSAGES/messages.mo

.PHONY: run test lint typecheck architecture unit bench system-tools translations clean workstation-wheels axe

$(STAMP): requirements/dev.lock
	@if ! $(PYTHON) -c 'import ensurepip, venv' 2>/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq --no-install-recommends python3-venv; \
	  else echo "Please install python3-venv (sudo apt-get install python3-venv)"; exit 1; fi; \
	fi
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --require-hashes --no-deps \
	  -r requirements/dev.lock
	touch $(STAMP)

translations: $(MO)

# Downloaded during setup, like the venv (pip's cache makes it quick): at test time the
# packaging test installs the server wheel from this folder with --no-index.
$(WHEELS_STAMP): requirements/main.lock $(STAMP)
	$(BIN)/pip wheel --quiet --disable-pip-version-check --require-hashes --no-deps \
	  -r requirements/main.lock -w $(WHEELS)
	touch $@

$(WS_WHEELS)/.done: $(WS_LOCK) $(STAMP)
	$(BIN)/pip download --quiet --disable-pip-version-check --only-binary=:all: --no-deps \
	  --require-hashes -r $(WS_LOCK) -d $(WS_WHEELS)
	touch $@

workstation-wheels: $(WS_WHEELS)/.done

$(AXE): $(STAMP)
	@if command -v npm >/dev/null; then \
	  rm -rf $(AXE_DIR) && mkdir -p $(AXE_DIR) && cd $(AXE_DIR) && \
	  npm pack --silent axe-core@$(AXE_VERSION) >/dev/null && \
	  [ "$$(openssl dgst -sha512 -binary axe-core-$(AXE_VERSION).tgz | base64 -w0)" = "$(AXE_SHA512)" ] && \
	  tar -xzf axe-core-$(AXE_VERSION).tgz --strip-components=1 package/axe.min.js package/LICENSE && \
	  touch axe.min.js; \
	else echo "npm is missing: the accessibility checks will be skipped (CI fails instead)"; fi

axe: $(AXE)

webcommon/translations/%/LC_MESSAGES/messages.mo: webcommon/translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile --statistics -d webcommon/translations -l $*

# Sets up, creates or reuses the development instance, serves both interfaces.
run: $(STAMP) $(MO)
	$(BIN)/python manage.py init-dev --instance $(INSTANCE)
	WESTRONG_CONFIG=$(INSTANCE)/config.toml $(BIN)/python manage.py serve

# Debian's npm is installed only where no npm is: it conflicts with NodeSource's nodejs, which brings its own.
system-tools:
	@missing=""; for t in $(TEST_TOOLS); do command -v $$t >/dev/null || missing="$$missing $$t"; done; \
	$(GTK_CHECK) 2>/dev/null || missing="$$missing python3-gi(GTK3,AT-SPI)"; \
	$(PG_CHECK) >/dev/null 2>&1 || missing="$$missing postgresql"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "Installing system tools:$$missing"; \
	    npm=$$(command -v npm >/dev/null || echo npm); \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(TEST_PACKAGES) $$npm; \
	  elif [ "$$CI" = true ]; then echo "Missing system tools:$$missing (run as root)"; exit 1; \
	  else echo "Missing system tools:$$missing: their tests will be skipped (CI fails instead)"; fi; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

architecture: $(STAMP)
	$(BIN)/lint-imports --no-cache

# One test process per core plus one (many tests wait on servers, tor or a browser); each
# file stays in one process, so its module fixtures are built once (decision 100).
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))

unit: $(STAMP) $(MO) $(WHEELS_STAMP) $(WS_WHEELS)/.done $(AXE)
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile --durations=25

test: system-tools lint typecheck architecture unit

bench: $(STAMP)
	$(BIN)/python -m bench.crypto_throughput

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
