#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs a C test binary against a loopback HTTP server.
#   Tests/c/run.sh [--compare CLI] [--] COMMAND...
# Starts Tests/TrawlTestSupport/Resources/testserver.py on a free port serving the generated
# demo site (docs/demo-site.md), exports TRAWL_TEST_* for the test, runs COMMAND (e.g.
# "valgrind ... Tests/c/build/test_trawl") and stops the server by closing its stdin. With
# --compare CLI, the test also crawls every site page and its JSON lines must equal those of
# `CLI crawl` on the same URLs (elapsed times aside).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
compare=""
if [ "${1:-}" = "--compare" ]; then compare=$2; shift 2; fi
[ "${1:-}" = "--" ] && shift
server=$here/Tests/TrawlTestSupport/Resources/testserver.py
[ -f "$server" ] || { echo "run.sh: $server is missing" >&2; exit 2; }

coproc SERVER { exec python3 "$server" --no-tls 2>/dev/null; }
server_pid=$SERVER_PID
server_in=${SERVER[1]}
read -r port <&"${SERVER[0]}"
[[ "$port" =~ ^[0-9]+$ ]] || { echo "run.sh: the test server did not start" >&2; exit 2; }
tmp=$(mktemp -d)
cleanup() {
  eval "exec $server_in>&-" 2>/dev/null || true   # EOF on its stdin stops the server
  wait "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

export TRAWL_TEST_BASE="http://127.0.0.1:$port"
export TRAWL_TEST_PAGES="$TRAWL_TEST_BASE/site/"
export TRAWL_TEST_CORPUS=001.html,002.html,003.html
if [ -n "$compare" ]; then
  python3 "$here/Tests/TrawlTestSupport/Resources/sitegen.py" --urls "$TRAWL_TEST_BASE/site" > "$tmp/urls.txt"
  export TRAWL_TEST_URL_LIST="$tmp/urls.txt" TRAWL_TEST_JSON_OUT="$tmp/c.jsonl"
fi

"$@" | tee "$tmp/out.txt"
status=${PIPESTATUS[0]}
tail -n 1 "$tmp/out.txt" | grep -Eq '^[0-9]+ passed, 0 failed$' || status=1

if [ -n "$compare" ] && [ "$status" = 0 ]; then
  "$compare" crawl --jobs 2 "$tmp/urls.txt" > "$tmp/cli.jsonl"
  python3 - "$tmp/c.jsonl" "$tmp/cli.jsonl" <<'PY'
import json, sys
def load(path):
    rows = [json.loads(line) for line in open(path, encoding="utf-8")]
    for r in rows:
        r.pop("elapsed_ms", None)
    return rows
c, cli = load(sys.argv[1]), load(sys.argv[2])
bad = [i for i, (a, b) in enumerate(zip(c, cli)) if a != b]
if len(c) != len(cli) or bad:
    print(f"C API and CLI differ: {len(c)} vs {len(cli)} rows, rows {bad[:10]}", file=sys.stderr)
    sys.exit(1)
links = sum(len(r["matches"]["link"]) for r in c)
print(f"C API JSON equals CLI JSON: {len(c)} pages, {links} links")
PY
  status=$?
fi
exit "$status"
