#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Builds examples/swift (a package depending on trawl by path, `import Trawl`) and runs it
# against the loopback test server: every URL gets its line, in input order, and --deadline
# cancels a slow URL through Swift task cancellation.
# Usage: examples/swift/test.sh   (from anywhere)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
swift build --package-path "$here" 2>&1 | grep -v '^\[' || true
bin=$(swift build --package-path "$here" --show-bin-path)/crawl-async
[ -x "$bin" ] || { echo "swift example: build failed" >&2; exit 1; }

coproc SERVER { exec python3 "$repo/Tests/TrawlTestSupport/Resources/testserver.py" --no-tls; }
read -r port <&"${SERVER[0]}"
base=http://127.0.0.1:$port
out=$("$bin" --deadline 3 "$base/plain" "$base/status/404" "$base/slow?seconds=20" "ftp://127.0.0.1/x")
echo "$out"
expected="0 $base/plain 200 links=200 title=compressed
1 $base/status/404 404 links=1 title=
2 $base/slow?seconds=20 error cancelled
3 ftp://127.0.0.1/x error unsupported_protocol
done: 4 URLs, 2 failed"
[ "$out" = "$expected" ] || { echo "swift example: unexpected output, wanted:" >&2; echo "$expected" >&2; exit 1; }
echo "swift example ok"
