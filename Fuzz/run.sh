#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Runs the libFuzzer targets built by `make fuzz-build` (Fuzz/README.md):
#   Fuzz/run.sh SECONDS [TARGET...]
# For each target: first every input of Fuzz/regressions/TARGET (former crashers, which must
# now pass), then SECONDS of fuzzing from Fuzz/corpus/TARGET into a working corpus under
# .build-fuzz/corpus (kept between runs, never committed). A crash, sanitizer report, leak or
# input slower than FUZZ_TIMEOUT (30) seconds fails the run; its input is left in
# .build-fuzz/artifacts/TARGET/ (copy it to Fuzz/regressions/TARGET/ once fixed). One line per
# target gives executions and executions per second.
set -uo pipefail
cd "$(dirname "$0")/.."
seconds=${1:?usage: Fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls -d Fuzz/Fuzz*/ | xargs -n1 basename))
bin=.build-fuzz/release
# Wall time per input: a hang never ends, and 30 s leaves room for a shared machine, on which
# a one-time table build of 0.7 s CPU once took 9 s under ASan.
timeout_s=${FUZZ_TIMEOUT:-30}
# libFuzzer reports crashes itself; Swift's backtracer would hold a crashed process for
# seconds, and ASan's leak check at exit is what catches lost memory.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
failed=0
for t in "${targets[@]}"; do
  [ -x "$bin/$t" ] || { echo "fuzz: $bin/$t is missing (make fuzz-build)" >&2; failed=1; continue; }
  flags=(-timeout="$timeout_s" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1)
  log=.build-fuzz/logs/$t.log
  mkdir -p .build-fuzz/logs ".build-fuzz/artifacts/$t" ".build-fuzz/corpus/$t"
  if compgen -G "Fuzz/regressions/$t/*" > /dev/null; then
    if ! "$bin/$t" "${flags[@]}" Fuzz/regressions/$t/* > "$log.regressions" 2>&1; then
      echo "fuzz: $t FAILED on a regression input:" >&2; tail -30 "$log.regressions" >&2; failed=1; continue
    fi
  fi
  # A fixed seed by default: CI's short runs replay the same mutations, so a red run is one
  # that a developer can reproduce; FUZZ_SEED=0 lets libFuzzer pick one (long runs).
  nice -n 10 "$bin/$t" "${flags[@]}" -seed="${FUZZ_SEED:-1}" -max_total_time="$seconds" -artifact_prefix=".build-fuzz/artifacts/$t/" \
    ".build-fuzz/corpus/$t" "Fuzz/corpus/$t" > "$log" 2>&1
  rc=$?
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  grep -q "inline 8-bit counters" "$log" || { echo "fuzz: $t has no coverage counters (built without -sanitize=fuzzer?)" >&2; failed=1; }
  regressions=$(ls Fuzz/regressions/$t 2>/dev/null | wc -l)
  if [ $rc -ne 0 ]; then
    echo "fuzz: $t FAILED after ${runs:-?} executions (log $log):" >&2
    grep -m 10 -E "ERROR|Fatal error|SUMMARY|Test unit written" "$log" >&2
    failed=1
  else
    echo "fuzz: $t ok: ${runs:-?} executions in ${seconds} s (${rate:-?}/s, $cov, $regressions regression inputs)"
  fi
done
exit $failed
