#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Installs trawl into a temporary, non-system PREFIX and checks what a new user does with it:
# `cc crawl.c $(pkg-config --cflags --libs trawl)` and CMake's `find_package(trawl)` each build
# examples/c/crawl.c, and the program runs (no LD_LIBRARY_PATH: the .pc's rpath, CMake's build
# RPATH) against the loopback server, printing the same links as the installed `trawl` CLI
# finds; a C++ program links trawl::trawl; the example of libtrawl(3) compiles and runs;
# `man trawl` finds the installed pages, which name every option of `trawl crawl --help`; the
# bash, zsh and fish completions parse. Also checks the DESTDIR layout.
# Usage: Tests/c/install_test.sh   (from the repository root, after `make release`)
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix

make -s -C "$here" install PREFIX="$prefix" >/dev/null
for f in include/trawl.h lib/libtrawl.so.0.1.0 lib/libtrawl.so.0 lib/libtrawl.so lib/pkgconfig/trawl.pc bin/trawl \
         lib/cmake/trawl/trawlConfig.cmake lib/cmake/trawl/trawlConfigVersion.cmake \
         share/man/man1/trawl.1 share/man/man1/trawl-crawl.1 share/man/man1/trawl-extract.1 \
         share/man/man1/trawl-worker.1 share/man/man3/libtrawl.3 share/bash-completion/completions/trawl \
         share/zsh/site-functions/_trawl share/fish/vendor_completions.d/trawl.fish; do
  [ -e "$prefix/$f" ] || { echo "install_test: $prefix/$f missing" >&2; exit 1; }
done
[ "$(readlink "$prefix/lib/libtrawl.so")" = libtrawl.so.0 ] || { echo "install_test: bad libtrawl.so link" >&2; exit 1; }

make -s -C "$here" install PREFIX=/usr/local DESTDIR="$tmp/stage" >/dev/null
[ -e "$tmp/stage/usr/local/lib/libtrawl.so.0" ] && [ -e "$tmp/stage/usr/local/bin/trawl" ] ||
  { echo "install_test: DESTDIR staging incomplete" >&2; exit 1; }
grep -q '^prefix=/usr/local$' "$tmp/stage/usr/local/lib/pkgconfig/trawl.pc" ||
  { echo "install_test: staged trawl.pc does not name the final PREFIX" >&2; exit 1; }

[ -e "$tmp/stage/usr/local/lib/cmake/trawl/trawlConfig.cmake" ] && [ -e "$tmp/stage/usr/local/share/man/man1/trawl.1" ] ||
  { echo "install_test: DESTDIR staging lacks the CMake package or the man pages" >&2; exit 1; }

# Man pages: found by man(1) through PATH (PREFIX/bin -> PREFIX/share/man), as after
# `make install PREFIX=$HOME/.local` with ~/.local/bin on PATH.
export PATH="$prefix/bin:$PATH"
[ "$(man -w trawl)" = "$prefix/share/man/man1/trawl.1" ] || { echo "install_test: man -w trawl: $(man -w trawl 2>&1)" >&2; exit 1; }
[ "$(man -w 3 libtrawl)" = "$prefix/share/man/man3/libtrawl.3" ] || { echo "install_test: man -w 3 libtrawl fails" >&2; exit 1; }
for page in trawl trawl-crawl trawl-extract trawl-worker libtrawl; do
  warnings=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings "$page" 2>&1 >/dev/null)
  [ -z "$warnings" ] || { echo "install_test: man $page: $warnings" >&2; exit 1; }
done
# Output is captured before grep -q reads it: grep quitting early would SIGPIPE the writer, and
# pipefail would report that as a failure.
page=$(LC_ALL=C.UTF-8 MANWIDTH=200 man trawl)
grep -q 'trawl-crawl(1)' <<<"$page" || { echo "install_test: trawl(1) lists no subcommands" >&2; exit 1; }
# Generated from the parser: every option of the help text is on the page.
for sub in crawl extract worker; do
  page=$(LC_ALL=C.UTF-8 MANWIDTH=200 man "trawl-$sub" | sed 's/\x1b\[[0-9;]*m//g')
  for opt in $("$prefix/bin/trawl" "$sub" --help | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u); do
    grep -qF -- "$opt" <<<"$page" || { echo "install_test: trawl-$sub(1) lacks $opt" >&2; exit 1; }
  done
done

# Completions: each shell parses its script; bash's completes a subcommand name.
bash -n "$prefix/share/bash-completion/completions/trawl"
offered=$(bash -c 'source "$1"; COMP_WORDS=(trawl cr); COMP_CWORD=1; COMP_LINE="trawl cr"; COMP_POINT=8
  complete -p trawl >/dev/null && $(complete -p trawl | sed -E "s/.*-F ([^ ]+).*/\1/") trawl cr trawl
  printf "%s\n" "${COMPREPLY[@]}"' _ "$prefix/share/bash-completion/completions/trawl")
grep -qx crawl <<<"$offered" ||
  { echo "install_test: bash completion of 'trawl cr' does not offer crawl" >&2; exit 1; }
for sh in zsh fish; do
  if command -v "$sh" >/dev/null; then "$sh" -n "$prefix/share/$([ $sh = zsh ] && echo zsh/site-functions/_trawl || echo fish/vendor_completions.d/trawl.fish)"
  else echo "install_test: $sh not installed: its completion script was not parsed"; fi
done

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
cc -std=c99 -Wall -Wextra -Werror -o "$tmp/crawl" "$here/examples/c/crawl.c" $(pkg-config --cflags --libs trawl)
ldd "$tmp/crawl" | grep "$prefix/lib/libtrawl.so.0" > /dev/null ||
  { echo "install_test: crawl does not resolve the installed libtrawl.so.0" >&2; ldd "$tmp/crawl" >&2; exit 1; }

coproc SERVER { exec python3 "$here/Tests/TrawlTestSupport/Resources/testserver.py" --no-tls 2>/dev/null; }
server_pid=$SERVER_PID
read -r port <&"${SERVER[0]}"
urls=()
for name in index 001 002 013 047; do urls+=("http://127.0.0.1:$port/site/$name.html"); done
env -u LD_LIBRARY_PATH "$tmp/crawl" "${urls[@]}" > "$tmp/c.txt"

# CMake: find_package(trawl 0.1) gives trawl::trawl; the example builds and prints the same.
cmake -S "$here/examples/c" -B "$tmp/cmake" -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/cmake.log" 2>&1 &&
  cmake --build "$tmp/cmake" >> "$tmp/cmake.log" 2>&1 || { cat "$tmp/cmake.log" >&2; exit 1; }
env -u LD_LIBRARY_PATH "$tmp/cmake/crawl" "${urls[@]}" > "$tmp/cmake.txt"
cmp -s <(grep '^  ' "$tmp/c.txt" | sort) <(grep '^  ' "$tmp/cmake.txt" | sort) ||
  { echo "install_test: the CMake build of crawl.c printed other matches than the pkg-config one" >&2; exit 1; }
# A C++ program, and the version file: 0.1 is met, 1.0 (another major) and 0.99 (newer) are not.
mkdir -p "$tmp/cxx"
printf '#include <trawl.h>\n#include <cstdio>\nint main() { std::puts(trawl_version()); return trawl_version_num() >= TRAWL_VERSION_NUM ? 0 : 1; }\n' > "$tmp/cxx/main.cpp"
for want in 0.1 1.0 0.99; do
  printf 'cmake_minimum_required(VERSION 3.16)\nproject(cxx LANGUAGES CXX)\nfind_package(trawl %s REQUIRED)\nadd_executable(app main.cpp)\ntarget_link_libraries(app PRIVATE trawl::trawl)\n' "$want" > "$tmp/cxx/CMakeLists.txt"
  rm -rf "$tmp/cxx/build"
  if cmake -S "$tmp/cxx" -B "$tmp/cxx/build" -DCMAKE_PREFIX_PATH="$prefix" > "$tmp/cxx.log" 2>&1 && cmake --build "$tmp/cxx/build" >> "$tmp/cxx.log" 2>&1; then
    [ "$want" = 0.1 ] || { echo "install_test: find_package(trawl $want) accepted version $("$tmp/cxx/build/app")" >&2; exit 1; }
    [ "$("$tmp/cxx/build/app")" = 0.1.0 ] || { echo "install_test: the C++ program does not run" >&2; exit 1; }
  else
    [ "$want" != 0.1 ] || { cat "$tmp/cxx.log" >&2; exit 1; }
  fi
done

# The EXAMPLE of libtrawl(3), as printed, builds and crawls.
sed -n '/^\.SH EXAMPLE/,/^\.fi/p' "$prefix/share/man/man3/libtrawl.3" | sed -e '1,2d' -e '$d' \
  -e 's/\\e/\\/g' -e 's/\\-/-/g' > "$tmp/man_example.c"
cc -std=c99 -Wall -Wextra -Werror -o "$tmp/man_example" "$tmp/man_example.c" $(pkg-config --cflags --libs trawl)
example_out=$("$tmp/man_example" "${urls[1]}")
grep -q '"title":\[".*page 1"\]' <<<"$example_out" ||
  { echo "install_test: the example of libtrawl(3) does not print the page title" >&2; exit 1; }
printf '%s\n' "${urls[@]}" | "$prefix/bin/trawl" crawl - > "$tmp/cli.jsonl"
eval "exec ${SERVER[1]}>&-"
wait "$server_pid" || true

python3 - "$tmp/c.txt" "$tmp/cli.jsonl" <<'PY'
import json, sys
c = sorted(l.strip() for l in open(sys.argv[1]) if l.startswith("  link: "))
cli = sorted("link: " + m for l in open(sys.argv[2]) for m in json.loads(l)["matches"]["link"])
assert c == cli, f"example printed {len(c)} links, the CLI found {len(cli)}"
print(f"install_test: installed example built with pkg-config and with CMake printed the CLI's {len(c)} links;"
      " C++ links trawl::trawl; libtrawl(3)'s example runs; man pages and completions ok")
PY
