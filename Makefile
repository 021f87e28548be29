# Everything a fresh machine needs: `make demo` and `make test` create their own venv.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: install demo screenshots test bench quality estates throughput sql-bench parallel-bench startup-bench logs-bench documents-bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench]'
	touch $(STAMP)

install: $(STAMP)

# The demo estate: a fictional Norwegian utility's customer system in SQLite and its file share
# of exports, dumps and documents, generated here. The share holds broken files on purpose, so
# the scan ends with exit code 3 (some locations could not be read) and lists them.
demo: $(STAMP)
	@rm -rf demo-out && mkdir -p demo-out/utenfor
	$(PY) -m demo.estate sqlite:///demo-out/kundesystem.db --rows 2000
	$(PY) -m demo.estate_files demo-out/filer --rows 300 --outside demo-out/utenfor
	@echo "== the scan, from demo/scan.yaml: sources, declared metadata, report, HTML report, inventory =="
	$(VENV)/bin/kartlegg scan --config demo/scan.yaml; rc=$$?; test $$rc -eq 0 -o $$rc -eq 1 -o $$rc -eq 3
	@echo "== the same scan again: incremental, so only what changed is read (nothing did) =="
	$(VENV)/bin/kartlegg scan --config demo/scan.yaml -o demo-out/again.jsonl --html demo-out/again.html -v; \
	  rc=$$?; test $$rc -eq 0 -o $$rc -eq 1 -o $$rc -eq 3
	@echo "== the inventory: exports (Art. 30 view with its gaps) and its HTML report =="
	$(VENV)/bin/kartlegg inventory export --format xlsx -o demo-out/inventory.xlsx --inventory demo-out/inventory.sqlite
	$(VENV)/bin/kartlegg inventory export --format csv --view art30 -o demo-out/art30.csv --inventory demo-out/inventory.sqlite
	$(VENV)/bin/kartlegg report --inventory demo-out/inventory.sqlite -o demo-out/inventory.html
	@echo "== a data subject's access request: demo customer 1 in every system (identifiers never printed) =="
	$(PY) -m demo.subject demo-out/kundesystem.db -- --config demo/scan.yaml --export demo-out/innsyn \
	  --erase-plan --controller "Nettselskapet Demo AS" -o demo-out/subject.jsonl; \
	  rc=$$?; test $$rc -eq 0 -o $$rc -eq 3
	$(VENV)/bin/kartlegg inventory requests --inventory demo-out/inventory.sqlite --limit 1
	@echo "== where the same identifiers sit in more than one place (the first ten pairs) =="
	$(VENV)/bin/kartlegg inventory links --inventory demo-out/inventory.sqlite --limit 10
	@echo "== personal data kept longer than the declared retention =="
	$(VENV)/bin/kartlegg inventory retention --inventory demo-out/inventory.sqlite
	@echo "== kartlegg detect on a customer e-mail (values masked) =="
	$(PY) demo/sample.py > demo-out/sample.txt
	$(VENV)/bin/kartlegg detect - < demo-out/sample.txt

# docs/report.png (and any other screenshot listed in tools/screenshots) from a fresh demo.
screenshots: $(STAMP)
	tools/ensure-services
	VENV=$(VENV) tools/screenshots

test: $(STAMP)
	tools/ensure-services
	PY=$(PY) tools/wheelhouse
	$(VENV)/bin/pytest -q

quality: $(STAMP)
	$(PY) -m bench.quality --size full

# The generated estates (demo, bench/estate_ops.py, the blind bench/estate_holdout.py) scanned and scored per part: SQL, files, logs.
estates: $(STAMP)
	$(PY) -m bench.quality --estates --size full

throughput: $(STAMP)
	$(PY) -m bench.throughput

sql-bench: $(STAMP)
	tools/ensure-services
	$(PY) -m bench.sql_scan

parallel-bench: $(STAMP)
	tools/ensure-services
	$(PY) -m bench.parallel

startup-bench: $(STAMP)
	$(PY) -m bench.startup

logs-bench: $(STAMP)
	$(PY) -m bench.logs --size-mb 200

# A labelled set of documents of every kind (text and scanned: OCR), scored per document; the
# hostile documents one by one; PDF text and OCR speed.
documents-bench: $(STAMP)
	tools/ensure-services
	$(PY) -m bench.documents
	$(PY) -m bench.documents --hostile
	$(PY) -m bench.documents_speed

bench: quality throughput startup-bench logs-bench sql-bench parallel-bench documents-bench

clean:
	rm -rf $(VENV) demo-out .pytest_cache .wheelhouse
