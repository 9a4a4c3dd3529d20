#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Serves the readability corpus on a loopback port with Python's http.server, crawls every
# page with trawl and shows what came back. Usage: examples/demo.sh [path/to/trawl]
set -euo pipefail
trawl=${1:-.build/release/trawl}
here=$(cd "$(dirname "$0")/.." && pwd)
corpus=${TRAWL_CORPUS:-$here/../shared/corpus/readability}
[ -d "$corpus" ] || { echo "demo: corpus not found at $corpus (set TRAWL_CORPUS)" >&2; exit 1; }

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 127.0.0.1 --directory "$corpus" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do
  python3 -c "import socket; socket.create_connection(('127.0.0.1',$port),0.2)" 2>/dev/null && break
  sleep 0.1
done

out=$(mktemp)
ls "$corpus" | sed "s|^|http://127.0.0.1:$port/|" | "$trawl" crawl --progress - > "$out"
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
