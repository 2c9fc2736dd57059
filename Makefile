# gears-server: build, run, test and benchmark.
#
#   make run     build the release binary and run it in the foreground
#                (PORT=6379 by default; extra redis-server-style options in ARGS,
#                 e.g. make run PORT=7000 ARGS="--loglevel verbose --maxmemory 1gb")
#   make test    everything CI runs: rustfmt check, clippy -D warnings, cargo test,
#                then the pytest + redis-py acceptance suite (venv in .venv)
#   make bench   our server against Debian's redis-server: ratios (bench/compare.sh)

SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.NOTPARALLEL:
.DEFAULT_GOAL := build

CARGO   ?= cargo
PORT    ?= 6379
ARGS    ?=
VENV    ?= .venv
PYTEST_ARGS ?=
DEBUG_BIN   := $(CURDIR)/target/debug/gears-server
RELEASE_BIN := $(CURDIR)/target/release/gears-server

.PHONY: python-dev build release run test fmt-check clippy test-rust test-python venv bench fmt clean-venv

python-dev:
	@scripts/ensure_python_dev.sh

build: python-dev
	$(CARGO) build --workspace

release: python-dev
	$(CARGO) build --release -p gears-server --bin gears-server

# The venv gives the embedded Python cloudpickle (see README: Gears).
run: release venv
	VIRTUAL_ENV=$(CURDIR)/$(VENV) exec $(RELEASE_BIN) --port $(PORT) $(ARGS)

## ---------------------------------------------------------------- tests

test: python-dev fmt-check clippy test-rust test-python

fmt-check:
	$(CARGO) fmt --all -- --check

clippy:
	$(CARGO) clippy --quiet --workspace --all-targets -- -D warnings

test-rust:
	$(CARGO) test --quiet --workspace

venv:
	@tests/python/ensure_venv.sh $(VENV)

# pytest exits non-zero on any failure and with 5 when it collected no test,
# so an empty or broken suite fails the build as well.
test-python: venv
	@scripts/ensure_redis.sh
	$(CARGO) build --quiet -p gears-server --bin gears-server
	GEARS_SERVER_BIN=$(DEBUG_BIN) $(VENV)/bin/python -m pytest tests/python $(PYTEST_ARGS)

fmt:
	$(CARGO) fmt --all

clean-venv:
	rm -rf $(VENV)

## ---------------------------------------------------------------- benchmark

bench:
	bench/compare.sh
