#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs a command where the system's libcurl, PCRE2 and hiredis cannot be loaded: in a private
# mount namespace, /dev/null is bind-mounted over each library file (so the dynamic loader
# finds an empty file), which leaves only the copies a repaired wheel carries. Needs root.
# Usage: without_system_libs.sh COMMAND [ARG...]
set -euo pipefail
if [ "${TRAWL_IN_NAMESPACE:-}" != 1 ]; then
  exec env TRAWL_IN_NAMESPACE=1 unshare --mount --propagation private "$0" "$@"
fi
unset TRAWL_IN_NAMESPACE
paths=()
for lib in libcurl.so.4 libhiredis.so.0.14 libpcre2-8.so.0; do
  # awk reads to the end: quitting early would kill ldconfig with SIGPIPE, which pipefail
  # turns into a failure whenever its output outgrows the pipe buffer.
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l && !found { print $NF; found = 1 }')
  [ -n "$path" ] || { echo "without_system_libs: $lib is not installed" >&2; exit 1; }
  paths+=("$(readlink -f "$path")")
done
# mount itself links PCRE2 (through libselinux), so PCRE2 goes last.
for path in "${paths[@]}"; do mount --bind /dev/null "$path"; done
exec "$@"
