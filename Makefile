# ebm-sweep — the two commands of the quick start, each installing what it needs first.
#   make sweep   run the shipped ML swiss-roll sweep on this machine (local workers)
#   make test    build and run every test
#   make install     put ebm-sweep and ebm-worker in $(PREFIX)/bin (default /usr/local/bin)
#   make crosscheck  the four objectives against PyTorch, float64 and float32 (needs torch; not part of make test)
SHELL := /bin/bash
# Swift's Linux toolchain may not be on PATH yet (the Debian images put it in /opt/swift).
export PATH := $(PATH):/opt/swift/usr/bin
SWIFT ?= swift
# Release build with testable imports: the trainer's numerics are far too slow in debug builds.
BUILD_FLAGS := -c release -Xswiftc -enable-testing
# texlive and chromium: the tests compile results.tex with pdflatex and open report.html in a headless browser.
APT_PACKAGES := libopenblas-dev libzmq3-dev libsqlite3-dev zlib1g-dev pkg-config librsvg2-bin iproute2 sqlite3 python3 qemu-user \
	texlive-latex-base texlive-latex-recommended texlive-latex-extra chromium
SPEC ?= sweeps/ml_swiss.yaml
# make install puts the binaries in $(DESTDIR)$(PREFIX)/bin.
PREFIX ?= /usr/local
# A Python with PyTorch for `make crosscheck`, e.g. python3 -m venv .venv-torch && .venv-torch/bin/pip install torch,
# then make crosscheck TORCH_PYTHON=.venv-torch/bin/python.
TORCH_PYTHON ?= python3

.PHONY: deps build install test sweep reproduce bench clean crosscheck

# Installs the Debian packages that are missing (root, or sudo when available).
deps:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null; \
	fi
	@command -v $(SWIFT) >/dev/null || { echo "swift not found: install Swift 6 (https://swift.org) and put it on PATH" >&2; exit 1; }

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

# Both programs in one directory: `ebm-sweep run` starts its local workers from beside itself.
install: build
	install -d "$(DESTDIR)$(PREFIX)/bin"
	bin=$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path) && \
	install -m 0755 "$$bin/ebm-sweep" "$$bin/ebm-worker" "$(DESTDIR)$(PREFIX)/bin/"

# Swift tests (unit and multi-process), then the multi-host tests: three hosts in network
# namespaces with CURVE and a cut link, and a real single-node Slurm (both need root; they say
# "skipped" otherwise).
test: deps
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	$(SWIFT) test $(BUILD_FLAGS) --skip-build
	tests/netns-sweep.sh $$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)
	tests/slurm-sweep.sh $$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)

sweep: build
	$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/ebm-sweep run $(SPEC)

bench: build
	$$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path)/ebm-sweep bench

# The objectives' losses and gradients (template layouts, 16 rows, fixed noise and samples) against
# an independent PyTorch implementation, in float64 and float32: the Swift test exports them, the script compares.
crosscheck: deps
	@$(TORCH_PYTHON) -c 'import torch' || { echo "crosscheck needs PyTorch: set TORCH_PYTHON to a python with torch" >&2; exit 1; }
	$(SWIFT) build $(BUILD_FLAGS) --build-tests
	dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	EBM_CROSSCHECK_DIR=$$dir $(SWIFT) test $(BUILD_FLAGS) --skip-build --filter CrossCheckExport && \
	$(TORCH_PYTHON) scripts/pytorch_crosscheck.py $$dir

clean:
	rm -rf .build

# The README's numbers: the four templates at their defaults, three seeds each (about 1 h on 2 cores).
reproduce: build
	scripts/reproduce.sh $$($(SWIFT) build $(BUILD_FLAGS) --show-bin-path) runs/reproduce "$(or $(SEEDS),0 1 2)"
