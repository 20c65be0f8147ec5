# Two commands for a newcomer: `make run` and `make test`. Everything else is a step they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
# `make run` and `make worker` are a developer's: the app accepts development defaults only so.
DEV_FLASK := TOUCHLOOP_ENV=development $(FLASK)
PIP := $(BIN)/pip install --disable-pip-version-check -q -c constraints.txt
# A stamp per set of pins: a changed requirements or constraints file installs again.
RUNTIME := $(VENV)/.runtime-$(shell cat requirements.txt constraints.txt | cksum | cut -d' ' -f1)
DEV := $(VENV)/.dev-$(shell cat requirements.txt requirements-dev.txt constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test install install-dev translations messages lint worker mutation vendor

$(RUNTIME): requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(PIP) -r requirements.txt
	rm -f $(VENV)/.runtime-* && touch $@

$(DEV): $(RUNTIME) requirements-dev.txt
	$(PIP) -r requirements.txt -r requirements-dev.txt
	rm -f $(VENV)/.dev-* && touch $@

install: $(RUNTIME) translations

install-dev: $(DEV) translations

translations: $(RUNTIME)
	$(BIN)/pybabel compile -d app/translations

# After adding words to pages, forms or e-mails: refresh the catalogue, then fill in the
# Chinese of each new entry (tests/test_translations.py fails until every one has it).
messages: $(RUNTIME)
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o app/translations/messages.pot .
	$(BIN)/pybabel update -i app/translations/messages.pot -d app/translations --no-fuzzy-matching

# The demo bank (five months of history, about 15 s the first time, nothing the next), then the
# app with its workflow clock inside, ticking every 5 s: the demo's first survey e-mails are in
# /dev/outbox a few seconds after the server starts, whatever the hour.
run: install
	$(DEV_FLASK) db upgrade
	$(DEV_FLASK) seed-demo
	@echo; echo "Demo logins (instance/demo-logins.txt):"; cat instance/demo-logins.txt; echo
	@echo "Touchloop on http://127.0.0.1:5000  (start at /; survey e-mails: /dev/outbox; staff: /cases)"
	DEV_OUTBOX_PAGE=1 SCHEDULER_EMBEDDED=1 WORKFLOW_TICK_SECONDS=5 $(DEV_FLASK) run --host 127.0.0.1 --port 5000 --no-reload

worker: install
	$(DEV_FLASK) worker

lint: $(DEV)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-dev lint
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Mutation run of the pure core (workflows/, surveys/) against its own tests, which need no
# database. Not part of `make test`. Config in pyproject.toml, results in docs/mutation.md.
mutation: $(DEV)
	rm -rf mutants
	$(BIN)/mutmut run
	@$(BIN)/python .ci/mutation_report.py

# Front-end libraries come from the npm registry and are served by the app (no CDN). The files
# are committed, so `make run` needs no npm; `make vendor` fetches these pinned versions again
# (source-map comments dropped: the maps are not shipped).
VENDOR_PACKAGES := bootstrap@5.3.8 chart.js@4.4.9 axe-core@4.14.1
vendor:
	rm -rf .vendor && mkdir .vendor
	cd .vendor && npm pack --silent $(VENDOR_PACKAGES) > /dev/null
	cd .vendor && for tarball in *.tgz; do mkdir "$${tarball%.tgz}" && tar xzf "$$tarball" -C "$${tarball%.tgz}"; done
	install -D -m 644 .vendor/bootstrap-5.3.8/package/dist/css/bootstrap.min.css app/static/vendor/bootstrap/bootstrap.min.css
	install -D -m 644 .vendor/bootstrap-5.3.8/package/LICENSE app/static/vendor/bootstrap/LICENSE
	install -D -m 644 .vendor/chart.js-4.4.9/package/dist/chart.umd.js app/static/vendor/chartjs/chart.umd.min.js
	install -D -m 644 .vendor/chart.js-4.4.9/package/LICENSE.md app/static/vendor/chartjs/LICENSE.md
	install -D -m 644 .vendor/axe-core-4.14.1/package/axe.min.js tests/e2e/vendor/axe.min.js
	install -D -m 644 .vendor/axe-core-4.14.1/package/LICENSE tests/e2e/vendor/LICENSE
	sed -i '/sourceMappingURL=/d' app/static/vendor/bootstrap/bootstrap.min.css app/static/vendor/chartjs/chart.umd.min.js tests/e2e/vendor/axe.min.js
	rm -rf .vendor
