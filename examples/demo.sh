#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Serves the generated demo site (Tests/TrawlTestSupport/Resources/sitegen.py, docs/demo-site.md)
# on a free loopback port, crawls every page with trawl and shows what came back.
# Usage: examples/demo.sh [path/to/trawl]
set -euo pipefail
trawl=${1:-.build/release/trawl}
here=$(cd "$(dirname "$0")/.." && pwd)

# The test suite's loopback server (HTTP/1.1 keep-alive, a deep accept queue); it exits when
# this script does, because its standard input is our coprocess pipe.
coproc SERVER { exec python3 "$here/Tests/TrawlTestSupport/Resources/testserver.py" --no-tls; }
read -r port <&"${SERVER[0]}"
read -r _ <&"${SERVER[0]}"

out=$(mktemp)
trap 'rm -f "$out"' EXIT
python3 "$here/Tests/TrawlTestSupport/Resources/sitegen.py" --urls "http://127.0.0.1:$port/site" |
  "$trawl" crawl --progress - > "$out"
echo "first result:"
head -n 1 "$out" | cut -c 1-400
python3 - "$out" <<'PY'
import collections, json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ok = sum(1 for r in rows if r["error"] is None)
links = sum(len(r["matches"]["link"]) for r in rows)
buttons = sum(len(r["matches"]["button"]) for r in rows)
charsets = collections.Counter(r["charset"] for r in rows)
print(f"{len(rows)} pages, {ok} without error, {links} links, {buttons} button ids")
print("charsets: " + ", ".join(f"{name} {n}" for name, n in charsets.most_common()))
PY
