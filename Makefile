# Derivative Explorer. `make run` serves the app; `make serve` serves it from one process
# per core behind nginx; `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
SERVE_PORT ?= 8080
REPLICAS ?= $(shell nproc)

.PHONY: run serve test lint bench loadtest install install-test install-gpu chromium nginx postgresql podman screenshots clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'

# JAX's CUDA 13 build (an NVIDIA GPU and driver): AD then runs on the GPU, in float64 too.
install-gpu: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,gpu]'

# The warm launcher: the port opens once JAX and the worker pools are warm (~15-40 s).
run: install
	$(BIN)/python -m deploy.serve --port $(PORT) --address 0.0.0.0

# One warm process per core behind nginx (cookie affinity); ctrl-C stops them all.
serve: install nginx
	$(BIN)/python -m deploy.local --replicas $(REPLICAS) --port $(SERVE_PORT) --address 0.0.0.0

# Browser tests drive Debian's Chromium; install it when it is missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

# `make serve` and the deployment tests run Debian's nginx; install it when it is missing.
nginx:
	@command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q nginx; }

# The class store's tests start a real PostgreSQL server (Debian's, in a temporary folder);
# install it when it is missing. Installing does not start a server.
postgresql:
	@command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q postgresql; }

# The image test (tests/test_image.py) builds and runs the image with Debian's podman and runc,
# on a base that debootstrap makes (no image registry is needed); install them when missing.
podman:
	@{ command -v podman && [ -x /usr/sbin/runc ] && [ -x /usr/sbin/debootstrap ]; } >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q podman runc debootstrap; }

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: install-test chromium nginx postgresql podman lint
	$(BIN)/python -m pytest

# Sessions over Streamlit's websocket protocol against its own nginx + one replica per core:
# one person, classroom, shared link, hostile neighbour, soak, the Several variables and
# Beyond grad pages, and Step by step (about 15 minutes on two cores).
loadtest: install-test nginx
	$(BIN)/python -m benchmarks.loadtest

bench: $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	$(BIN)/python -m benchmarks.bench

screenshots: install-test chromium
	$(BIN)/python ../shared/tools/shoot_pages.py --out screenshots

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache test-artifacts screenshots
