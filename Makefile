# customer_value: the two commands of the contract are `make run` and `make test`.
# Everything else is a convenience. The virtual environment is created from requirements.lock on first use.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CV := $(BIN)/customer-value
STAMP := $(VENV)/.installed

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

# Demo scale for `make run`; override: make run CUSTOMERS=20000
CUSTOMERS ?= 3000
SEED ?= 42
DEMO_DATA ?= data/demo

# The test build uses its own database so `make test` never touches the demo warehouse.
TEST_DIR := build/test
TEST_DB := $(TEST_DIR)/customer_value_test.duckdb

# Spark has its own virtual environment (pyspark is large and needs Java 17+), made on first use of
# `make test-spark` from requirements-spark.lock (which includes requirements.lock).
VENV_SPARK := .venv-spark
BIN_SPARK := $(VENV_SPARK)/bin
CV_SPARK := $(BIN_SPARK)/customer-value
STAMP_SPARK := $(VENV_SPARK)/.installed
# Customers of the data set test-spark builds on both engines: small, as Spark's local mode is slow
# on small data (each query is a job) and CI has two cores.
SPARK_CUSTOMERS ?= 300

.PHONY: help venv venv-spark run test test-spark lint lint-sql lint-python test-python test-dbt test-dbt-python test-python-clv docs clean \
	lock lock-spark dashboard bench bench-smoke venv-bench lock-bench scheduled

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): requirements.lock pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

venv: $(STAMP)  ## create the virtual environment from the pinned lock

$(STAMP_SPARK): requirements.lock requirements-spark.lock pyproject.toml
	test -d $(VENV_SPARK) || $(PYTHON) -m venv $(VENV_SPARK)
	$(BIN_SPARK)/python -m pip install --quiet --upgrade pip
	$(BIN_SPARK)/python -m pip install --quiet -r requirements-spark.lock
	$(BIN_SPARK)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP_SPARK)

venv-spark: $(STAMP_SPARK)  ## create .venv-spark (dbt-spark, pyspark) from requirements-spark.lock

run: $(STAMP)  ## generate demo data, load it, build everything and print the summary
	$(CV) generate --customers $(CUSTOMERS) --seed $(SEED) --out $(DEMO_DATA)
	$(CV) load --from $(DEMO_DATA)
	$(CV) build
	$(CV) summary
	$(CV) dashboard --out $(DASHBOARD)

# The parts run two at a time: each is mostly one Python process, so on two cores sqlfluff, the benchmark
# smoke test and the lifetime-value tests run beside the dbt build and the rest of pytest. They share no
# files: sqlfluff compiles into build/lint-target, the benchmark into build/bench-smoke, the lifetime-value
# tests into build/test-clv. Each part's output is printed in one piece when it ends; TEST_JOBS=1 runs them
# one at a time.
TEST_JOBS ?= 2

test: $(STAMP) $(STAMP_BENCH)  ## the whole test suite (CI runs it, then test-spark)
	$(MAKE) --no-print-directory -j$(TEST_JOBS) --output-sync=target lint-python test-dbt-python lint-sql \
	  bench-smoke test-python-clv SQLFLUFF_PROCESSES=1

# test-dbt, then pytest on its build (less the lifetime-value tests: test-python-clv runs them beside it)
test-dbt-python: $(STAMP)
	$(MAKE) --no-print-directory test-dbt
	$(MAKE) --no-print-directory test-python PYTEST_ARGS=--ignore=tests/python/test_clv.py

# The lifetime-value tests (CDNOW, the fit on generated customers) use no shared fixture; in their own
# pytest process, with their own dbt target, log and temporary folders, they run beside the rest.
CLV_TEST_DIR := build/test-clv
test-python-clv: $(STAMP)
	rm -rf $(CLV_TEST_DIR) && mkdir -p $(CLV_TEST_DIR)
	DBT_TARGET_PATH=$(CURDIR)/$(CLV_TEST_DIR)/target DBT_LOG_PATH=$(CURDIR)/$(CLV_TEST_DIR)/logs \
	  $(BIN)/pytest -q --basetemp=$(CLV_TEST_DIR)/tmp tests/python/test_clv.py

lint: lint-python lint-sql  ## ruff on the Python, sqlfluff on the SQL

lint-python: $(STAMP)
	$(BIN)/ruff check customer_value tests/python tests/spark
	$(BIN)/ruff format --check customer_value tests/python tests/spark

# sqlfluff's worker processes (0: one per core); templating runs in the main process either way
SQLFLUFF_PROCESSES ?= 0

lint-sql: $(STAMP)
	CUSTOMER_VALUE_TARGET=lint $(BIN)/sqlfluff lint --processes $(SQLFLUFF_PROCESSES) models tests analyses

test-dbt: $(STAMP)  ## build a small generated data set and run every dbt model, data test and unit test
	rm -rf $(TEST_DIR) && mkdir -p $(TEST_DIR)
	$(CV) generate --customers 400 --seed 7 --out $(TEST_DIR)/data --quiet
	CUSTOMER_VALUE_DB=$(TEST_DB) $(CV) load --from $(TEST_DIR)/data
	CUSTOMER_VALUE_DB=$(TEST_DB) $(CV) build

# PYTEST_ARGS: more pytest options, e.g. PYTEST_ARGS="-k schedule"
PYTEST_ARGS ?=
# issue 7: the serving tests (mf query, the dashboard in headless Chromium) read the build of test-dbt,
# named in CUSTOMER_VALUE_TEST_DB when it exists; .ci/install-chromium installs Chromium where it can.
test-python: $(STAMP)  ## pytest: orchestration code and end-to-end scenarios
	.ci/install-chromium
	env $$([ -f $(TEST_DB) ] && echo CUSTOMER_VALUE_TEST_DB=$(CURDIR)/$(TEST_DB)) $(BIN)/pytest -q $(PYTEST_ARGS)

# Every run gets its own folder (Derby, Spark's local metastore, admits one process per folder, so two
# runs in one folder would collide); it is removed when the run passes and kept for a look when not.
test-spark: $(STAMP_SPARK)  ## build everything on local Spark and check its marts equal DuckDB's
	@command -v java >/dev/null || { echo "make test-spark needs Java 17 or newer: java is not on PATH."; exit 1; }
	@java -version 2>&1 | awk -F'"' '/version/ { split($$2, v, "."); if (v[1] < 17) { \
	  print "make test-spark needs Java 17 or newer (pyspark 4), found " $$2 "."; exit 1 } }'
	mkdir -p build
	run=$$(mktemp -d $(CURDIR)/build/test-spark.XXXXXX); \
	echo "test-spark: working in $$run"; \
	$(CV_SPARK) generate --customers $(SPARK_CUSTOMERS) --seed 7 --out $$run/data --quiet; \
	CUSTOMER_VALUE_DB=$$run/duckdb/customer_value.duckdb $(CV_SPARK) load --from $$run/data; \
	CUSTOMER_VALUE_DB=$$run/duckdb/customer_value.duckdb $(CV_SPARK) build; \
	export CUSTOMER_VALUE_TARGET=spark CUSTOMER_VALUE_SPARK_DIR=$$run/spark; \
	$(CV_SPARK) load --from $$run/data; \
	$(CV_SPARK) build; \
	$(CV_SPARK) parity --duckdb $$run/duckdb/customer_value.duckdb; \
	rm -rf "$$run"
	$(BIN_SPARK)/pytest -q tests/spark

# --- issue 7: BI serving -----------------------------------------------------------------------------
# The customer equity dashboard: one self-contained HTML file (Chart.js embedded) from the warehouse.
DASHBOARD ?= build/dashboard.html

dashboard: $(STAMP)  ## write the customer equity dashboard (build/dashboard.html) from the warehouse
	$(CV) dashboard --out $(DASHBOARD)

docs: $(STAMP)  ## generate dbt's static documentation site under target/
	$(BIN)/dbt docs generate --profiles-dir . --static

clean:  ## remove build output (keeps the virtual environments)
	rm -rf target logs build warehouse data

lock:  ## re-resolve the pinned toolchain into requirements.lock
	rm -rf /tmp/cv-lock && $(PYTHON) -m venv /tmp/cv-lock
	/tmp/cv-lock/bin/pip install --quiet -e '.[dev]'
	{ echo '# Pinned lock of the whole toolchain (runtime and test). Regenerate with `make lock`.'; \
	  /tmp/cv-lock/bin/pip freeze --exclude-editable; } > requirements.lock

lock-spark:  ## re-resolve the Spark toolchain into requirements-spark.lock (on top of requirements.lock)
	rm -rf /tmp/cv-lock-spark && $(PYTHON) -m venv /tmp/cv-lock-spark
	/tmp/cv-lock-spark/bin/pip install --quiet -r requirements.lock -e '.[spark]'
	{ echo '# Pinned lock of the Spark toolchain, on top of requirements.lock (for .venv-spark and make test-spark).'; \
	  echo '# Regenerate with `make lock-spark`.'; \
	  echo '-r requirements.lock'; \
	  /tmp/cv-lock-spark/bin/pip freeze --exclude-editable | grep -vxFf <(grep -v '^#' requirements.lock); \
	} > requirements-spark.lock

# --- issue 9: benchmark ------------------------------------------------------------------------------
# `make bench` times generation, load, the full dbt build (per model from run_results.json), the daily
# incremental run (when the command line offers one) and peak memory of each step's process tree at each
# scale of BENCH_CUSTOMERS; runs the floor (bench/floor_customer_profitability_monthly.sql) and checks it
# equals the mart to the cent; fits lifetimes' BG/NBD + Gamma-Gamma (the peer, only in .venv-bench) on the
# same customer summary. Data is generated once per scale under build/bench/ and kept; JSON in
# build/bench/bench.json. Not part of CI: the 1M step takes many minutes. A scale of 5,000,000 customers or
# more runs generation, load and the full build only (the target there is that the build completes,
# spilling to disk; --build-only-from sets the scale): make bench BENCH_CUSTOMERS=5000000.
VENV_BENCH := .venv-bench
BIN_BENCH := $(VENV_BENCH)/bin
STAMP_BENCH := $(VENV_BENCH)/.installed
BENCH_CUSTOMERS ?= 10000 100000 1000000
BENCH_MEMORY_LIMIT ?= 6GB
# More options of the harness, e.g. BENCH_ARGS=--models-only (seeds and models, no data or unit tests) or
# BENCH_ARGS="--json build/bench/bench-5m.json" (another results file)
BENCH_ARGS ?=

$(STAMP_BENCH): requirements.lock requirements-bench.lock pyproject.toml
	test -d $(VENV_BENCH) || $(PYTHON) -m venv $(VENV_BENCH)
	$(BIN_BENCH)/python -m pip install --quiet --upgrade pip
	$(BIN_BENCH)/python -m pip install --quiet -r requirements-bench.lock
	$(BIN_BENCH)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP_BENCH)

venv-bench: $(STAMP_BENCH)  ## create .venv-bench (lifetimes, the benchmark's peer) from requirements-bench.lock

bench: $(STAMP) $(STAMP_BENCH)  ## benchmark at BENCH_CUSTOMERS scales against the floor and lifetimes
	$(BIN)/python -m customer_value.bench $(foreach n,$(BENCH_CUSTOMERS),--customers $(n)) \
	  --memory-limit $(BENCH_MEMORY_LIMIT) --peer-python $(BIN_BENCH)/python --out build/bench $(BENCH_ARGS)

# The same harness on 300 customers, seeds and models only (test-dbt runs the data and unit tests): fails
# when the floor and the mart differ by a cent or lifetimes' parameters differ by more than 0.5%.
bench-smoke: $(STAMP) $(STAMP_BENCH)  ## the benchmark at 300 customers (part of make test)
	$(BIN)/python -m customer_value.bench --customers 300 --seed 7 --regenerate --models-only \
	  --check-parameters --peer-python $(BIN_BENCH)/python --out build/bench-smoke

lock-bench:  ## re-resolve the benchmark toolchain into requirements-bench.lock (on top of requirements.lock)
	rm -rf /tmp/cv-lock-bench && $(PYTHON) -m venv /tmp/cv-lock-bench
	/tmp/cv-lock-bench/bin/pip install --quiet -r requirements.lock lifetimes
	{ echo '# Pinned lock of the benchmark environment (.venv-bench, `make bench`), on top of requirements.lock:'; \
	  echo '# the lifetimes package, the peer the in-warehouse BG/NBD + Gamma-Gamma fit is timed against.'; \
	  echo '# Regenerate with `make lock-bench`.'; \
	  echo '-r requirements.lock'; \
	  /tmp/cv-lock-bench/bin/pip freeze --exclude-editable | grep -vxFf <(grep -v '^#' requirements.lock); \
	} > requirements-bench.lock

# issue 6: the daily run on an existing warehouse (see README, Running on a schedule)
INBOX ?= data/inbox
scheduled: $(STAMP)  ## load new deliveries from INBOX, check freshness, build incrementally, record the run
	$(CV) scheduled --inbox $(INBOX)
