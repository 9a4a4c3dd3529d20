#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Serves the readability corpus on a loopback port, crawls every
# page with trawl and shows what came back. Usage: examples/demo.sh [path/to/trawl]
set -euo pipefail
trawl=${1:-.build/release/trawl}
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${TRAWL_CORPUS:-$here/../shared/corpus/readability}
[ -d "$corpus" ] || { echo "demo: corpus not found at $corpus (set TRAWL_CORPUS)" >&2; exit 1; }

# The test suite's loopback server (HTTP/1.1 keep-alive, a deep accept queue); it exits when
# this script does, because its standard input is our coprocess pipe.
coproc SERVER { exec python3 "$here/Tests/TrawlTestSupport/Resources/testserver.py" --no-tls --corpus "$corpus"; }
read -r port <&"${SERVER[0]}"

out=$(mktemp)
ls "$corpus" | sed "s|^|http://127.0.0.1:$port/corpus/|" | "$trawl" crawl --progress - > "$out"
echo "first result:"
head -n 1 "$out" | cut -c 1-400
python3 - "$out" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
ok = sum(1 for r in rows if r["error"] is None)
links = sum(len(r["matches"]["link"]) for r in rows)
buttons = sum(len(r["matches"]["button"]) for r in rows)
print(f"{len(rows)} pages, {ok} without error, {links} links, {buttons} button ids")
PY
rm -f "$out"
