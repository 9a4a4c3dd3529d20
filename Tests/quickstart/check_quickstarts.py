#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Runs the README's quick starts as a new user would, and fails when one does not work.

Usage: Tests/quickstart/check_quickstarts.py [--list] [--in-place | --copy] [FILE.md ...]
(default README.md; `make quickstart-test`, part of `make test`). The contract is in
docs/quickstarts.md: every fenced block whose info string is `LANG quickstart [key=value ...]`
runs, in file order, each in a new process started in the repository root, with the demo site
up (docs/demo-site.md) and HOME an empty scratch directory. A block fails by exiting non-zero.

The blocks run in a scratch copy of the repository: as root, an overlay mounted over the
repository in a private mount namespace, so that the build in .build is reused at its own
path while nothing the blocks write reaches the real tree; without root or unshare (or with
--copy), a plain copy; with --in-place, the repository itself. The demo site listens on a free port and every
`127.0.0.1:8765` / `localhost:8765` in a block is rewritten to it, so that runs never collide
on the machine while the README names one fixed port.
"""

import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SERVER = os.path.join(ROOT, "Tests", "TrawlTestSupport", "Resources", "testserver.py")
SITE_PORT = "8765"

# LANG -> the command that runs a block saved to FILE (appended), and the file's suffix.
# `with=PROGRAM` in the info string replaces the command's first word (e.g. a venv's python).
RUNNERS = {
    "sh": (["bash", "-euo", "pipefail"], ".sh"),
    "bash": (["bash", "-euo", "pipefail"], ".sh"),
    "python": (["python3"], ".py"),
    "ruby": (["ruby"], ".rb"),
    "lua": (["lua"], ".lua"),
    "swift": (["swift"], ".swift"),
}
DEFAULT_TIMEOUT = 900


class Block:
    def __init__(self, path, line, lang, attrs, text):
        self.path = path
        self.line = line
        self.lang = lang
        self.attrs = attrs
        self.text = text

    @property
    def where(self):
        return f"{os.path.relpath(self.path, ROOT)}:{self.line}"


FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})\s*([^`]*)$")


def blocks(path):
    """The quick-start blocks of one Markdown file, in order."""
    found = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    i = 0
    while i < len(lines):
        m = FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence, info = m.group(1), m.group(2), m.group(3).split()
        body, j = [], i + 1
        while j < len(lines) and not (lines[j].strip().startswith(fence[0] * len(fence))
                                      and lines[j].strip().strip(fence[0]) == ""):
            body.append(lines[j][len(indent):] if lines[j].startswith(indent) else lines[j])
            j += 1
        if len(info) >= 2 and info[1] == "quickstart":
            attrs = dict(a.split("=", 1) for a in info[2:] if "=" in a)
            found.append(Block(path, i + 1, info[0], attrs, "\n".join(body) + "\n"))
        i = j + 1
    return found


# MARK: the scratch copy

def reexec_in_overlay(scratch, argv):
    """Re-runs this script in a private mount namespace where the repository is an overlay
    whose writes land in `scratch`. Returns None when that is impossible here."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return None
    up, work = os.path.join(scratch, "up"), os.path.join(scratch, "work")
    os.makedirs(up)
    os.makedirs(work)
    mount = (f'mount -t overlay overlay -o "lowerdir={ROOT},upperdir={up},workdir={work}" "{ROOT}" '
             '&& exec "$@"')
    probe = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", mount, "sh", "true"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    if probe.returncode != 0:
        shutil.rmtree(up)
        shutil.rmtree(work)
        return None
    cmd = ["unshare", "-m", "--propagation", "private", "sh", "-c", mount, "sh",
           sys.executable, os.path.abspath(__file__), "--inside", scratch, *argv]
    return subprocess.run(cmd).returncode


def copy_tree(scratch):
    dest = os.path.join(scratch, "copy")
    subprocess.run(["cp", "-a", ROOT, dest], check=True)
    return dest


# MARK: running

def start_site():
    proc = subprocess.Popen([sys.executable, SERVER, "--no-tls"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = proc.stdout.readline().strip()
    proc.stdout.readline()
    if not port.isdigit():
        sys.exit("quickstart: the demo site did not start")
    return proc, port


def environment(scratch):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAWL_")}
    home = os.path.join(scratch, "home")
    os.makedirs(home, exist_ok=True)
    # The pip cache is the user's own, as it would be: the scratch HOME would start it empty.
    env.setdefault("PIP_CACHE_DIR", os.path.join(os.path.expanduser("~"), ".cache", "pip"))
    env["HOME"] = home
    # make(1) passes its own variables down; a user's shell has none of them.
    for k in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"):
        env.pop(k, None)
    return env


def run_block(block, root, port, env, scratch, index):
    cmd, suffix = RUNNERS.get(block.lang, (None, None))
    if cmd is None:
        return f"no runner for '{block.lang}' (known: {', '.join(sorted(RUNNERS))})", ""
    if "with" in block.attrs:
        cmd = [block.attrs["with"]] + cmd[1:]
    text = block.text.replace(f"127.0.0.1:{SITE_PORT}", f"127.0.0.1:{port}")
    text = text.replace(f"localhost:{SITE_PORT}", f"localhost:{port}")
    script = os.path.join(scratch, f"block-{index}{suffix}")
    with open(script, "w", encoding="utf-8") as f:
        f.write(text)
    cwd = os.path.join(root, block.attrs.get("cwd", "."))
    timeout = float(block.attrs.get("timeout", DEFAULT_TIMEOUT))
    try:
        # Its own process group, so that a timeout ends whatever the block started, too.
        proc = subprocess.Popen(cmd + [script], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as e:
        return f"cannot run {cmd[0]}: {e.strerror}", ""
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return f"timed out after {timeout:g} s", out.decode(errors="replace")
    out = out.decode(errors="replace")
    return (None if proc.returncode == 0 else f"exit status {proc.returncode}"), out


def run_all(found, root, scratch, mode):
    print(f"quickstart: {len(found)} block(s) in {mode}", flush=True)
    site, port = start_site()
    env = environment(scratch)
    failures = 0
    try:
        for k, block in enumerate(found):
            start = time.monotonic()
            error, out = run_block(block, root, port, env, scratch, k)
            took = time.monotonic() - start
            if error is None:
                print(f"quickstart: {block.where} ({block.lang}) ok in {took:.1f} s", flush=True)
                continue
            failures += 1
            print(f"quickstart: {block.where} ({block.lang}) FAILED: {error}", flush=True)
            print("---- block ----\n" + block.text.rstrip() + "\n---- output (last 60 lines) ----")
            print("\n".join(out.rstrip().split("\n")[-60:]) + "\n----", flush=True)
    finally:
        site.stdin.close()
        site.wait(timeout=10)
    return 1 if failures else 0


def main(argv):
    inside = None
    if argv[:1] == ["--inside"]:
        inside, argv = argv[1], argv[2:]
    in_place = "--in-place" in argv
    files = [a for a in argv if not a.startswith("--")] or [os.path.join(ROOT, "README.md")]
    found = [b for f in files for b in blocks(os.path.abspath(f))]
    if "--list" in argv:
        for b in found:
            print(f"{b.where} {b.lang} {b.attrs or ''}".rstrip())
        return 0
    if not found:
        print("quickstart: no blocks marked `LANG quickstart` found", file=sys.stderr)
        return 1
    if inside:
        return run_all(found, ROOT, inside, "an overlay of the repository (writes go to a scratch directory)")
    scratch = tempfile.mkdtemp(prefix="trawl-quickstart-")
    try:
        if in_place:
            return run_all(found, ROOT, scratch, "the repository itself (--in-place)")
        status = None if "--copy" in argv else reexec_in_overlay(scratch, argv)
        if status is not None:
            return status
        root = copy_tree(scratch)
        return run_all([Block(b.path.replace(ROOT, root, 1), b.line, b.lang, b.attrs, b.text) for b in found],
                       root, scratch, f"a copy of the repository at {root} (no overlay: not root or no unshare)")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
