# Derivative Explorer. `make run` serves the app; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint bench install install-test chromium screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

run: install
	$(BIN)/streamlit run app.py --server.port $(PORT) --server.address 0.0.0.0

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test chromium lint
	$(BIN)/python -m pytest

bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks.bench

screenshots: install-test chromium
	$(BIN)/python ../shared/tools/shoot_pages.py --out screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts screenshots
