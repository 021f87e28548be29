# Everything a fresh machine needs: `make demo` and `make test` create their own venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test bench quality throughput sql-bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# The demo estate: a fictional Norwegian utility's customer system in SQLite, generated here.
demo: $(STAMP)
	@mkdir -p demo-out
	$(PY) -m scanner.estate sqlite:///demo-out/kundesystem.db --rows 2000
	$(VENV)/bin/kartlegg scan sqlite:///demo-out/kundesystem.db -o report.jsonl; test $$? -le 1
	@echo "== kartlegg detect on a customer e-mail (values masked) =="
	$(PY) demo/sample.py > demo-out/sample.txt
	$(VENV)/bin/kartlegg detect - < demo-out/sample.txt

test: $(STAMP)
	tools/ensure-services
	$(VENV)/bin/pytest -q

quality: $(STAMP)
	$(PY) -m bench.quality --size full

throughput: $(STAMP)
	$(PY) -m bench.throughput

sql-bench: $(STAMP)
	tools/ensure-services
	$(PY) -m bench.sql_scan

bench: quality throughput sql-bench

clean:
	rm -rf $(VENV) demo-out .pytest_cache
