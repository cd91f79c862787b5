# cognition-core: the only entry points. `make demo` and `make test` work on a fresh machine with
# Rust, Python 3, Go and a C compiler: every other tool is installed here (into .venv or cargo's bin).

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
VPY := $(VENV)/bin/python
CBINDGEN_VERSION := 0.29.4
CARGO_BIN := $(shell dirname "$$(command -v cargo)")
CBINDGEN := $(CARGO_BIN)/cbindgen

FFI_LIB_DIR := target/release
FFI_STATIC := $(FFI_LIB_DIR)/libcognition.a
C_TEST_DIR := bindings/ffi/tests/c
C_BUILD := $(C_TEST_DIR)/build
CFLAGS_TEST := -std=c99 -Wall -Wextra -Wpedantic -Werror -g -fsanitize=address,undefined -fno-omit-frame-pointer -Iinclude
C_LIBS := -lpthread -ldl -lm

.PHONY: help demo test test-rust test-c test-python test-go check-header header wheel bench fmt lint \
        lint-rust lint-python ffi-lib python-dev python-dist tools-cbindgen venv clean

help:
	@echo "make demo    run the main job end to end on embedded defaults"
	@echo "make test    everything: lint, Rust, C (ASan/UBSan), Python, Go"
	@echo "make header | wheel | bench | fmt | lint"

# ---------------------------------------------------------------- tools
$(VENV)/.installed: python/requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(VPY) -m pip install --quiet --disable-pip-version-check -r python/requirements-dev.txt
	touch $@

venv: $(VENV)/.installed

tools-cbindgen:
	@if ! "$(CBINDGEN)" --version 2>/dev/null | grep -qx "cbindgen $(CBINDGEN_VERSION)"; then \
	  echo "installing cbindgen $(CBINDGEN_VERSION)"; \
	  cargo install cbindgen --version $(CBINDGEN_VERSION) --locked --quiet; \
	fi

# ---------------------------------------------------------------- builds
# The C library is built together with the Python extension in one cargo run, so both see the same
# unified features (pyo3's macros widen `syn`'s, which changes the hash of everything derived with
# serde): maturin's own run afterwards finds the core and its dependencies already built, instead of
# compiling the whole release tree a second time. The environment is the one maturin sets.
PYO3_ENV = PYO3_PYTHON=$(abspath $(VPY)) PYO3_BUILD_EXTENSION_MODULE=1
ffi-lib: venv
	$(PYO3_ENV) cargo build --release -p cognition-ffi -p cognition-python

python-dev: venv
	cd python && VIRTUAL_ENV=$(abspath $(VENV)) ../$(VENV)/bin/maturin develop --release --quiet

header: tools-cbindgen
	$(CBINDGEN) --quiet --config bindings/ffi/cbindgen.toml --crate cognition-ffi --output include/cognition.h bindings/ffi

check-header: tools-cbindgen
	@tmp=$$(mktemp); \
	$(CBINDGEN) --quiet --config bindings/ffi/cbindgen.toml --crate cognition-ffi --output $$tmp bindings/ffi; \
	if ! diff -u include/cognition.h $$tmp; then \
	  echo "include/cognition.h is out of date: run 'make header' and commit it"; rm -f $$tmp; exit 1; \
	fi; rm -f $$tmp; echo "include/cognition.h is up to date"

wheel: venv
	cd python && ../$(VENV)/bin/maturin build --profile dist -o ../dist

# ---------------------------------------------------------------- demo
# COGNITION_PYTHON: the interpreter (with pytest) that runs the validation section's PARANOID tests.
demo: venv
	COGNITION_PYTHON=$(abspath $(VPY)) cargo run --quiet --release --features sqlite,pytest-runner --example demo

# ---------------------------------------------------------------- tests
test: lint check-header test-rust test-c test-python test-go
	@echo "make test: all suites passed"

# COGNITION_PYTHON: the interpreter (with pytest) that the PytestRunner tests sandbox.
test-rust: venv
	COGNITION_PYTHON=$(abspath $(VPY)) cargo test --workspace --all-features --all-targets
	cargo test --workspace --all-features --doc

# COGNITION_PYTHON: the interpreter (with pytest) for the PARANOID validation tests (C and Go).
test-c: ffi-lib venv
	@mkdir -p $(C_BUILD)
	@for src in $(C_TEST_DIR)/*.c; do \
	  bin=$(C_BUILD)/$$(basename $$src .c); \
	  $(CC) $(CFLAGS_TEST) $$src $(FFI_STATIC) $(C_LIBS) -o $$bin; \
	  echo "running $$bin"; \
	  COGNITION_PYTHON=$(abspath $(VPY)) ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	    UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 $$bin; \
	done
	$(CXX) -std=c++17 -Wall -Wextra -Wpedantic -Werror -Iinclude -fsyntax-only $(C_TEST_DIR)/header_compiles_as.cpp
	@echo "C tests: passed"

test-python: python-dev
	$(VENV)/bin/pytest -q python/tests
	$(VENV)/bin/mypy --strict python/tests python/cognition_core
	cd python && ../$(VENV)/bin/python -m mypy.stubtest cognition_core --allowlist stubtest-allowlist.txt

test-go: ffi-lib venv
	cd bindings/go && COGNITION_PYTHON=$(abspath $(VPY)) CGO_ENABLED=1 go test -count=1 ./...

# ---------------------------------------------------------------- quality
fmt: venv
	cargo fmt --all
	$(VENV)/bin/ruff format python benches/python tests/vectors tests/validation examples/python
	gofmt -w bindings/go

lint: lint-rust lint-python
	@test -z "$$(gofmt -l bindings/go)" || { gofmt -l bindings/go; echo "gofmt needed"; exit 1; }

lint-rust:
	cargo fmt --all -- --check
	cargo clippy --workspace --all-features --all-targets -- -D warnings
	RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --all-features --quiet

lint-python: venv
	$(VENV)/bin/ruff check python benches/python tests/vectors tests/validation examples/python
	$(VENV)/bin/ruff format --check python benches/python tests/vectors tests/validation examples/python

# ---------------------------------------------------------------- benchmarks
# The Python benchmarks measure the shipped build (profile `dist`, thin LTO), with their peers
# (benchmark-only packages, not needed by the tests) installed into the same venv.
$(VENV)/.bench-installed: benches/python/requirements-bench.txt $(VENV)/.installed
	$(VPY) -m pip install --quiet --disable-pip-version-check -r benches/python/requirements-bench.txt
	touch $@

python-dist: venv $(VENV)/.bench-installed
	cd python && VIRTUAL_ENV=$(abspath $(VENV)) ../$(VENV)/bin/maturin develop --profile dist --quiet

bench: python-dist
	cargo bench --all-features --bench webhook --bench idempotency --bench query --bench query_tracker \
	  --bench context --bench revenue --bench validation
	$(VPY) benches/python/webhook.py
	$(VPY) benches/python/idempotency.py
	$(VPY) benches/python/query.py
	$(VPY) benches/python/revenue.py
	$(VPY) benches/python/context.py
	$(VPY) benches/python/validation.py

clean:
	cargo clean
	rm -rf $(VENV) $(C_BUILD) dist
