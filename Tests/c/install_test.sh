#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs trawl into a temporary, non-system PREFIX and checks what a new user does with it:
# `cc crawl.c $(pkg-config --cflags --libs trawl)` builds examples/c/crawl.c, and the program
# runs (no LD_LIBRARY_PATH: the .pc's rpath finds the library) against the loopback server,
# printing the same links as the installed `trawl` CLI finds. Also checks the DESTDIR layout.
# Usage: Tests/c/install_test.sh   (from the repository root, after `make release`)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

make -s -C "$here" install PREFIX="$prefix" >/dev/null
for f in include/trawl.h lib/libtrawl.so.0.1.0 lib/libtrawl.so.0 lib/libtrawl.so lib/pkgconfig/trawl.pc bin/trawl; do
  [ -e "$prefix/$f" ] || { echo "install_test: $prefix/$f missing" >&2; exit 1; }
done
[ "$(readlink "$prefix/lib/libtrawl.so")" = libtrawl.so.0 ] || { echo "install_test: bad libtrawl.so link" >&2; exit 1; }

make -s -C "$here" install PREFIX=/usr/local DESTDIR="$tmp/stage" >/dev/null
[ -e "$tmp/stage/usr/local/lib/libtrawl.so.0" ] && [ -e "$tmp/stage/usr/local/bin/trawl" ] ||
  { echo "install_test: DESTDIR staging incomplete" >&2; exit 1; }
grep -q '^prefix=/usr/local$' "$tmp/stage/usr/local/lib/pkgconfig/trawl.pc" ||
  { echo "install_test: staged trawl.pc does not name the final PREFIX" >&2; exit 1; }

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc -std=c99 -Wall -Wextra -Werror -o "$tmp/crawl" "$here/examples/c/crawl.c" $(pkg-config --cflags --libs trawl)
ldd "$tmp/crawl" | grep -q "$prefix/lib/libtrawl.so.0" ||
  { echo "install_test: crawl does not resolve the installed libtrawl.so.0" >&2; ldd "$tmp/crawl" >&2; exit 1; }

coproc SERVER { exec python3 "$here/Tests/TrawlTestSupport/Resources/testserver.py" --no-tls 2>/dev/null; }
server_pid=$SERVER_PID
read -r port <&"${SERVER[0]}"
urls=()
for name in index 001 002 013 047; do urls+=("http://127.0.0.1:$port/site/$name.html"); done
env -u LD_LIBRARY_PATH "$tmp/crawl" "${urls[@]}" > "$tmp/c.txt"
printf '%s\n' "${urls[@]}" | "$prefix/bin/trawl" crawl - > "$tmp/cli.jsonl"
eval "exec ${SERVER[1]}>&-"
wait "$server_pid" || true

python3 - "$tmp/c.txt" "$tmp/cli.jsonl" <<'PY'
import json, sys
c = sorted(l.strip() for l in open(sys.argv[1]) if l.startswith("  link: "))
cli = sorted("link: " + m for l in open(sys.argv[2]) for m in json.loads(l)["matches"]["link"])
assert c == cli, f"example printed {len(c)} links, the CLI found {len(cli)}"
print(f"install_test: installed example built with pkg-config printed the CLI's {len(c)} links")
PY
