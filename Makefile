# The two quickstart commands: `make demo` and `make test`. Each does its own set-up.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: setup redis-server chromium demo report test lint bench db-start db-stop clean scrapyd scrapyd-deploy feed-node

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip "setuptools>=77,<81"
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP) redis-server chromium
	@if [ -z "$$MONGO_URI" ]; then $(BIN)/newsscraper db install >/dev/null; fi

## Debian's redis-server for the scale-out tests (they skip, saying why, where it is missing)
APT := DEBIAN_FRONTEND=noninteractive $(if $(filter 0,$(shell id -u)),,sudo -n) apt-get
redis-server:
	@command -v redis-server >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || \
	  { $(APT) install -y -qq --no-install-recommends redis-server >/dev/null 2>&1 || \
	    { $(APT) update -qq >/dev/null 2>&1 && \
	      $(APT) install -y -qq --no-install-recommends redis-server >/dev/null 2>&1; }; } || \
	  echo "make: could not install redis-server; the scale-out tests will be skipped"

## Debian's chromium for the status report's browser test (skipped, saying why, where missing)
chromium:
	@command -v chromium >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1 || \
	  { $(APT) install -y -qq --no-install-recommends chromium >/dev/null 2>&1 || \
	    { $(APT) update -qq >/dev/null 2>&1 && \
	      $(APT) install -y -qq --no-install-recommends chromium >/dev/null 2>&1; }; } || \
	  echo "make: could not install chromium; the report's browser test will be skipped"

## offline demo: local FerretDB + replica of the site, crawled into the database
demo: setup
	$(BIN)/newsscraper demo

## the status report of the crawl's database (DATABASE=name for another one)
report: setup
	$(BIN)/newsscraper report --out var/report.html $(if $(DATABASE),--database $(DATABASE))

## the test suite against a real server (local FerretDB unless MONGO_URI is set)
test: setup
	$(BIN)/pytest

## every benchmark at its smoke size, so none rots (seconds each; the figures mean nothing:
## docs/benchmarks.md has the real runs). MONGO_URI, else each starts a FerretDB of its own
BENCH := $(BIN)/python -m benchmarks
bench: setup
	$(BENCH).bench_extraction --smoke
	$(BENCH).bench_replica --smoke
	$(BENCH).bench_store ratio --smoke
	$(BENCH).bench_store scheduled --smoke
	$(BENCH).bench_export --smoke
	$(BENCH).bench_health --smoke
	$(BENCH).bench_report --smoke
	$(BENCH).bench_consumers --smoke
	$(BENCH).bench_freshness --smoke
	$(BENCH).bench_crawl speed --smoke
	$(BENCH).bench_crawl memory --smoke
	$(BENCH).bench_crawl resume --smoke
	$(BENCH).bench_crawl incremental --smoke
	$(BENCH).bench_crawl scaleout --smoke

## ruff, mypy and the import contracts (layers, no cycles: [tool.importlinter] in
## pyproject.toml; the test suite checks the contracts too, tests/test_layers.py)
lint: setup
	$(BIN)/ruff check newsscraper tests benchmarks
	$(BIN)/mypy newsscraper
	$(BIN)/lint-imports --no-cache

db-start: setup
	$(BIN)/newsscraper db start

db-stop:
	$(BIN)/newsscraper db stop

## scrapyd in the foreground with deploy/scrapyd/scrapyd.conf, data in var/scrapyd/
scrapyd: setup
	deploy/scrapyd/scrapyd.sh

## build the egg and upload it to scrapyd (SCRAPYD_URL, default http://127.0.0.1:6800)
scrapyd-deploy: setup
	deploy/scrapyd/deploy.sh

## the official MongoDB Node.js driver for docs/examples/feed.mjs (docs/consumers.md), into
## docs/examples/node_modules; the test suite does the same on first use where npm is
feed-node:
	npm install --prefix docs/examples --no-package-lock --no-audit --no-fund --loglevel=error

clean:
	rm -rf $(VENV) .tools var .pytest_cache docs/examples/node_modules
