# SPDX-License-Identifier: Apache-2.0
#
# The two commands of README.md:
#   make deps release demo   install Debian packages, build in release mode, crawl the corpus
#   make test                the whole test suite
# and `make install PREFIX=... DESTDIR=...`.

SWIFT     ?= swift
PYTHON    ?= python3
PREFIX    ?= /usr/local
RELEASE   := .build/release
DEBS      := libcurl4-openssl-dev libpcre2-dev libhiredis-dev pkg-config python3 python3-venv \
             openssl nginx redis-server valgrind curl
VENV      ?= .venv

.PHONY: all deps release demo test swift-test

all: release

# Debian packages the build and the tests need (root, or sudo when available).
deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEBS)

# libtrawl.so and the `trawl` executable in .build/release, both carrying the Swift runtime
# (--static-swift-stdlib also links Foundation's static archives correctly, which a per-target
# -static-stdlib does not). SwiftPM cannot name a library and an executable product alike, so
# the executable product is trawl-cli and `trawl` links to it.
release:
	$(SWIFT) build -c release --static-swift-stdlib
	ln -sf trawl-cli $(RELEASE)/trawl

# Crawl the bundled corpus from a loopback server: what a newcomer runs first.
demo: release
	@bash examples/demo.sh $(RELEASE)/trawl

swift-test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

test: release swift-test
