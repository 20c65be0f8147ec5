# Two commands for a newcomer: `make run` and `make test`. Everything else is a step they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
STAMP := $(VENV)/.installed-$(shell cat requirements.txt constraints.txt | cksum | cut -d' ' -f1)

.PHONY: run test install translations lint worker

$(STAMP): requirements.txt constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --disable-pip-version-check -q -r requirements.txt -c constraints.txt
	rm -f $(VENV)/.installed-* && touch $@

install: $(STAMP) translations

translations: $(STAMP)
	$(BIN)/pybabel compile -d app/translations

run: install
	$(FLASK) db upgrade
	$(FLASK) seed-demo
	@echo; echo "Demo logins (instance/demo-logins.txt):"; cat instance/demo-logins.txt; echo
	@echo "Touchloop on http://127.0.0.1:5000  (staff: /cases, e-mail outbox: /dev/outbox)"
	DEV_OUTBOX_PAGE=1 SCHEDULER_EMBEDDED=1 $(FLASK) run --host 127.0.0.1 --port 5000 --no-reload

worker: install
	$(FLASK) worker

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install lint
	$(BIN)/python -m pytest
