#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs one command and reports wall time, CPU seconds and peak RSS of its whole process tree.

Usage: measure.py --json OUT [--stdout FILE] [--timeout S] -- COMMAND...

CPU is getrusage(RUSAGE_CHILDREN) after every descendant has been reaped: this process makes
itself a child subreaper (prctl PR_SET_CHILD_SUBREAPER), so workers that outlive their parent
(loky's, multiprocessing's) are reparented here and their CPU time is still counted. Peak RSS
is RUSAGE_CHILDREN's ru_maxrss: the largest resident set of any single process in the tree,
not their sum. Wall time runs from spawning the command to its exit.
"""
import argparse
import ctypes
import json
import os
import resource
import signal
import subprocess
import sys
import time

PR_SET_CHILD_SUBREAPER = 36


def reap_all(deadline):
    """Waits for every remaining descendant; kills stragglers once the deadline passes."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            if time.monotonic() > deadline:
                for child in children():
                    try:
                        os.kill(child, signal.SIGKILL)
                    except ProcessLookupError:
                        pass
            time.sleep(0.01)


def children():
    me = os.getpid()
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    stat = f.read()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                found.append(int(entry))
    return found


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json", required=True)
    ap.add_argument("--stdout")
    ap.add_argument("--timeout", type=float, default=600)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    cmd = args.command[1:] if args.command[:1] == ["--"] else args.command
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    out = open(args.stdout, "wb") if args.stdout else subprocess.DEVNULL
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=out, start_new_session=True)
    timed_out = False
    try:
        rc = proc.wait(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(proc.pid, signal.SIGKILL)
        rc = proc.wait()
    wall = time.monotonic() - t0
    reap_all(time.monotonic() + 10)
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(args.json, "w") as f:
        json.dump({"wall": wall, "user": ru.ru_utime, "sys": ru.ru_stime, "maxrss_kb": ru.ru_maxrss,
                   "rc": rc, "timed_out": timed_out}, f)


if __name__ == "__main__":
    sys.exit(main())
