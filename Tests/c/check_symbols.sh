#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Checks libtrawl.so's ABI surface:
#  - its global dynamic symbols are exactly the functions include/trawl.h declares (the
#    linker version script hides the Swift runtime and trawl's Swift symbols);
#  - its SONAME is libtrawl.so.0;
#  - ldd lists only system libraries (the Swift runtime is linked in statically).
# Usage: Tests/c/check_symbols.sh include/trawl.h .build/release/libtrawl.so
set -euo pipefail
header=$1 lib=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -oE '^TRAWL_API [^(]*[^a-z0-9_]trawl_[a-z0-9_]+\(' "$header" |
  grep -oE 'trawl_[a-z0-9_]+\($' | tr -d '(' | sort > "$tmp/header"
# Upper-case types are global; "A" is the version node TRAWL_0 itself.
nm -D --defined-only "$lib" | awk '$2 ~ /^[A-Z]$/ && $2 != "A" { print $3 }' |
  sed 's/@.*//' | sort > "$tmp/lib"

status=0
if ! diff -u "$tmp/header" "$tmp/lib" > "$tmp/diff"; then
  echo "check_symbols: exported symbols differ from the header (- header only, + library only):" >&2
  cat "$tmp/diff" >&2
  status=1
else
  echo "check_symbols: $(wc -l < "$tmp/lib") exported functions, all declared in $(basename "$header")"
fi

soname=$(objdump -p "$lib" | awk '$1 == "SONAME" { print $2 }')
if [ "$soname" != "libtrawl.so.0" ]; then
  echo "check_symbols: SONAME is '$soname', expected libtrawl.so.0" >&2
  status=1
fi

if ldd "$lib" | grep -E 'not found|libswift|libFoundation|libdispatch' >&2; then
  echo "check_symbols: ldd shows a missing or non-system library" >&2
  status=1
elif ldd "$lib" | awk '$3 ~ /^\// { print $3 }' | grep -vE '^/(usr/)?lib(64)?/' >&2; then
  echo "check_symbols: ldd shows a library outside the system directories" >&2
  status=1
else
  echo "check_symbols: SONAME $soname; ldd: system libraries only"
fi
exit $status
