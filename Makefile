# Everyday commands. Each target installs what it needs (locked versions) on first use.
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin

.PHONY: setup demo test test-fast lint checkov format bench mutation serve requirements clean browser web-vendor screenshots

$(UV):
	python3 -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet uv==$(UV_VERSION)

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python python3
	touch $@

setup: $(VENV)/.synced

# checkov has its own locked environment (tools/checkov/uv.lock): it pins a boto3 that
# the project's lock cannot hold beside moto's.
CHECKOV_ENV := $(TOOLS)/checkov
$(CHECKOV_ENV)/.synced: $(UV) tools/checkov/pyproject.toml tools/checkov/uv.lock
	UV_PROJECT_ENVIRONMENT=$(CURDIR)/$(CHECKOV_ENV) $(UV) sync --frozen --project tools/checkov --python python3
	touch $@

demo: setup  ## the main job: a year of the system on the sample member base
	$(BIN)/staycertified demo

serve: setup  ## the HTTP API of the sandbox on 127.0.0.1:8000
	$(BIN)/staycertified serve

test: lint browser  ## lint, then the whole suite (browser tests included), as CI runs it
	$(BIN)/pytest -n 2 --dist loadfile

CHROMIUM := /usr/bin/chromium
browser:  ## Debian's chromium for the browser tests, installed with apt when missing
	@test -x $(CHROMIUM) || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

screenshots: setup browser  ## PNG screenshots of each main page of the web front into ./screenshots
	$(BIN)/python -m tests.browser.screenshots screenshots

web-vendor:  ## re-copies the site's vendored modules from npm (versions locked in web/package-lock.json)
	cd web && npm ci --no-audit --no-fund && node vendor.mjs

test-fast: setup  ## unit tests only
	$(BIN)/pytest tests/unit -q

lint: setup checkov
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy shared/staycertified functions
	$(BIN)/cfn-lint --include-checks I -- template.yaml  # informational checks too (issue 10)
	@# no function more complex than C (issue 8): radon lists every D-F function
	@out=$$($(BIN)/radon cc -n D -s shared/staycertified functions); if [ -n "$$out" ]; then echo "$$out"; exit 1; fi

checkov: setup $(CHECKOV_ENV)/.synced  ## checkov on template.yaml and its SAM translation; skips and reasons in tools/checkov/skips.json
	$(BIN)/python tools/checkov/run.py $(CHECKOV_ENV)/bin/checkov

format: setup
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: setup  ## prints the benchmark figures (cold start, renewal month, status latency)
	$(BIN)/python -m bench

mutation: setup  ## mutation score of staycertified/domain (mutmut 3, staged by tools/mutation.py; ~8 min)
	$(BIN)/python tools/mutation.py

requirements: $(UV)  ## shared/requirements.txt (the layer's dependencies) from uv.lock
	{ echo "# The Lambda layer's runtime dependencies (sam build installs them into the layer)."; \
	  echo "# Generated from uv.lock by 'make requirements'; a test checks they agree."; \
	  $(UV) export --frozen --no-dev --no-hashes --no-emit-project --no-header --no-annotate; \
	} > shared/requirements.txt

clean:
	rm -rf $(VENV) $(TOOLS) outbox .pytest_cache .mypy_cache .ruff_cache mutants test-artifacts screenshots web/node_modules
