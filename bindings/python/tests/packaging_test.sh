#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# `pip install` as a new user runs it, each time in a fresh virtual environment, checked from
# a directory outside the repository with no TRAWL_* variables (wheel_smoke.py):
#   1. `pip install .` inside bindings/python builds with SwiftPM and bundles what the current
#      sources build to: a planted bindings/python/build/ with a fake library is not shipped.
#   2. Without a Swift toolchain, pip fails with one sentence naming what is missing.
#   3. The sdist carries the Swift sources (swift/) and installs on its own, away from the
#      clone (a full release build from nothing: the slow step).
#   4. A compiler error in those sources fails the install with swiftc's message, no Python
#      traceback.
# Usage: bindings/python/tests/packaging_test.sh PYTHON   (from the repository root)
set -euo pipefail
python=${1:-python3}
repo=$(pwd)
[ -f "$repo/Package.swift" ] || { echo "packaging_test: run from the repository root" >&2; exit 1; }
smoke=$repo/bindings/python/tests/wheel_smoke.py
server=$repo/Tests/TrawlTestSupport/Resources/testserver.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp" "$repo/bindings/python/build/lib/trawl/planted"' EXIT
unset TRAWL_LIBRARY TRAWL_WORKER TRAWL_CLI
fail() { echo "packaging_test: $*" >&2; exit 1; }
newvenv() { rm -rf "$1" && "$python" -m venv "$1" && "$1/bin/python" -m pip install --quiet --upgrade pip; }

echo "packaging_test: 1. pip install . inside bindings/python, with a stale build/ planted"
mkdir -p bindings/python/build/lib/trawl
echo "stale" > bindings/python/build/lib/trawl/libtrawl.so
echo "stale" > bindings/python/build/lib/trawl/planted
newvenv "$tmp/venv"
(cd bindings/python && "$tmp/venv/bin/python" -m pip install --quiet .)
site=$("$tmp/venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
[ ! -e "$site/trawl/planted" ] || fail "a file of a leftover build/ was installed"
bin=$(swift build -c release --static-swift-stdlib --show-bin-path)
cmp -s "$site/trawl/libtrawl.so" "$bin/libtrawl.so" || fail "installed libtrawl.so is not the one the sources build to"
cmp -s "$site/trawl/trawl" "$bin/trawl-cli" || fail "installed trawl is not the one the sources build to"
(cd "$tmp" && "$tmp/venv/bin/python" "$smoke" "$server")

echo "packaging_test: 2. no Swift toolchain"
newvenv "$tmp/noswift"
if out=$(cd "$tmp" && env PATH=/usr/bin:/bin "$tmp/noswift/bin/python" -m pip install "$repo/bindings/python" 2>&1); then
  fail "pip install succeeded without swift"
fi
grep -q "needs the Swift 6 toolchain, but \`swift\` is not on PATH" <<<"$out" || fail "no clear message without swift: $out"
! grep -q Traceback <<<"$out" || fail "a Python traceback without swift: $out"

echo "packaging_test: 3. the sdist alone, unpacked away from the clone"
"$tmp/venv/bin/python" -m pip install --quiet build
(cd bindings/python && "$tmp/venv/bin/python" -m build --sdist --outdir "$tmp/dist" . >/dev/null)
sdist=$(ls "$tmp"/dist/trawl_crawler-*.tar.gz)
tar -tzf "$sdist" > "$tmp/sdist.txt"
grep -q '/swift/Sources/TrawlCABI/exports.map$' "$tmp/sdist.txt" || fail "the sdist lacks the Swift sources"
! grep -E '\.so$|/\.build/|src/trawl/trawl$' "$tmp/sdist.txt" || fail "the sdist carries build output"
mkdir "$tmp/unpacked" && tar -xzf "$sdist" -C "$tmp/unpacked"
src=$(ls -d "$tmp"/unpacked/trawl_crawler-*)
newvenv "$tmp/sdistvenv"
(cd "$tmp" && "$tmp/sdistvenv/bin/python" -m pip install --quiet "$src")
(cd "$tmp" && "$tmp/sdistvenv/bin/python" "$smoke" "$server")

echo "packaging_test: 4. a compiler error in the sdist's sources"
echo 'let broken: Int = "not an int"' >> "$src/swift/Sources/TrawlCore/Version.swift"
if out=$(cd "$tmp" && "$tmp/sdistvenv/bin/python" -m pip install "$src" 2>&1); then
  fail "pip install succeeded with a broken source"
fi
grep -q "Version.swift:[0-9]*:[0-9]*: error: cannot convert value of type 'String'" <<<"$out" ||
  fail "the compiler's error is not shown: $out"
grep -q "the Swift compiler's errors are above" <<<"$out" || fail "no closing sentence: $out"
! grep -q Traceback <<<"$out" || fail "a Python traceback for a compiler error: $out"
echo "packaging_test: ok"
