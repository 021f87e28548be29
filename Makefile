# Everything a fresh machine needs: `make demo` and `make test` create their own venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo test bench quality throughput clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	@mkdir -p demo-out
	$(PY) demo/sample.py > demo-out/sample.txt
	@echo "== kartlegg detect demo-out/sample.txt (values masked) =="
	$(VENV)/bin/kartlegg detect - < demo-out/sample.txt

test: $(STAMP)
	tools/ensure-services
	$(VENV)/bin/pytest -q

quality: $(STAMP)
	$(PY) -m bench.quality --size full

throughput: $(STAMP)
	$(PY) -m bench.throughput

bench: quality throughput

clean:
	rm -rf $(VENV) demo-out .pytest_cache
