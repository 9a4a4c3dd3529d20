#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Peak resident set of one `trawl crawl` fetching N copies of each decoder bomb of the hostile
# test server at once (the numbers of docs/http-limits.md):
#   bench/bomb-rss.sh TRAWL [N [CRAWL-OPTION...]]     e.g. bench/bomb-rss.sh .build/release/trawl 64 --max-bytes 1000000
# Prints per bomb the peak RSS (GNU time's %M) and how the N results ended. A measurement:
# run it under the test lock on a shared machine.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
trawl=${1:?usage: bench/bomb-rss.sh TRAWL [N [CRAWL-OPTION...]]}
n=${2:-64}
shift $(( $# >= 2 ? 2 : 1 ))
tmp=$(mktemp -d)
coproc SERVER { exec python3 "$here/Tests/TrawlTestSupport/Resources/hostileserver.py" 2>/dev/null; }
server_pid=$SERVER_PID
server_in=${SERVER[1]}
read -r port <&"${SERVER[0]}"
cleanup() { eval "exec $server_in>&-" 2>/dev/null || true; wait "$server_pid" 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT
for bomb in "gzip-bomb?bytes=1073741824" "bomb?name=bomb-1g-w23.zst&coding=zstd" "bomb?name=bomb-1g.br&coding=br"; do
  for i in $(seq "$n"); do echo "http://127.0.0.1:$port/$bomb&copy=$i"; done > "$tmp/urls.txt"
  /usr/bin/time -f %M -o "$tmp/rss" "$trawl" crawl --concurrency "$n" --per-host 0 --no-default-patterns "$@" \
    "$tmp/urls.txt" > "$tmp/out.jsonl" 2> "$tmp/err.txt" || true
  ends=$(python3 -c '
import collections, json, sys
c = collections.Counter((r.get("error") or {}).get("code") or r.get("status") for r in map(json.loads, open(sys.argv[1])))
print(", ".join(f"{v} {k}" for k, v in sorted(c.items(), key=str)))' "$tmp/out.jsonl")
  printf '%-40s peak RSS %6d MB  results: %s\n' "${bomb%%&*}" $(( $(cat "$tmp/rss") / 1024 )) "$ends"
done
