#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds the DocC documentation of the Swift module Trawl (Sources/Trawl/Trawl.docc plus the
# symbols it re-exports) with the toolchain's own docc, failing on any warning.
# Usage: docs/build-docc.sh [OUTPUT]   (default .build/docc/Trawl.doccarchive)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$repo/.build/docc/Trawl.doccarchive}
graphs=$repo/.build/docc/symbol-graphs
cd "$repo"
swift build --target Trawl 2>&1 | grep -E "error|warning" && exit 1
modules=$(swift build --show-bin-path)/Modules
rm -rf "$graphs" "$out" && mkdir -p "$graphs"
# -experimental-allowed-reexported-modules: the symbols Trawl re-exports with @_exported
# belong on its pages; the C modules' module maps (every Sources/C*) are found through -I.
includes=(-I "$modules")
for c in Sources/C*/; do includes+=(-I "$c"); done
swift-symbolgraph-extract -module-name Trawl "${includes[@]}" \
  -target "$(uname -m)-unknown-linux-gnu" -output-dir "$graphs" -minimum-access-level public \
  -skip-synthesized-members -experimental-allowed-reexported-modules=TrawlCore,TrawlExtract,TrawlBackends,TrawlHTTP
docc convert Sources/Trawl/Trawl.docc --additional-symbol-graph-dir "$graphs" \
  --fallback-display-name Trawl --fallback-bundle-identifier org.trawl.Trawl \
  --output-path "$out" --warnings-as-errors
echo "DocC archive: $out"
