# SPDX-License-Identifier: Apache-2.0
"""A private Redis and two `trawl worker` processes for the trawl-cluster runner (issue 5).

Per measured run: `redis-server` on a free 127.0.0.1 port, no persistence (`--save ""
--appendonly no`), in its own directory; then the workers (`trawl worker --redis URL --jobs 1
--concurrency C`), started and joined to the consumer group before the timed part, as
long-running workers of a real cluster would be. `snapshot()` reads Redis's `INFO
commandstats` and the CPU time of redis-server and of each worker from /proc, before and after
the timed submitter, so the runner's CPU and the per-URL Redis cost cover exactly that window.
Everything is stopped by pid, also on failure.

Redis is spoken to directly (a few lines of RESP over a socket): no redis-cli, no PyPI client.
"""
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time

CLK_TCK = os.sysconf("SC_CLK_TCK")
# Commands the benchmark itself sends: not part of trawl's Redis traffic.
OWN_COMMANDS = {"info", "ping"}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def proc_cpu(pid):
    """user+sys seconds of every thread of a live process (/proc/PID/stat utime, stime)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def proc_peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RedisError(Exception):
    pass


class Resp:
    """The smallest RESP2 client the benchmark needs: one command at a time, replies parsed."""

    def __init__(self, port, timeout=5.0):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.buf = b""

    def close(self):
        self.sock.close()

    def call(self, *args):
        out = [f"*{len(args)}\r\n".encode()]
        for a in args:
            b = a if isinstance(a, bytes) else str(a).encode()
            out.append(b"$%d\r\n%s\r\n" % (len(b), b))
        self.sock.sendall(b"".join(out))
        return self._reply()

    def _line(self):
        while b"\r\n" not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RedisError("connection closed")
            self.buf += chunk
        line, self.buf = self.buf.split(b"\r\n", 1)
        return line

    def _exact(self, n):
        while len(self.buf) < n + 2:
            chunk = self.sock.recv(65536)
            if not chunk:
                raise RedisError("connection closed")
            self.buf += chunk
        data, self.buf = self.buf[:n], self.buf[n + 2:]
        return data

    def _reply(self):
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            raise RedisError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            n = int(rest)
            return None if n < 0 else self._exact(n).decode("utf-8", "replace")
        if kind == b"*":
            n = int(rest)
            return None if n < 0 else [self._reply() for _ in range(n)]
        raise RedisError(f"unexpected reply {line[:40]!r}")


def parse_commandstats(text):
    """INFO commandstats -> {command: (calls, usec)}."""
    stats = {}
    for line in text.splitlines():
        if line.startswith("cmdstat_"):
            name, values = line[len("cmdstat_"):].split(":", 1)
            kv = dict(item.split("=", 1) for item in values.split(","))
            stats[name] = (int(kv["calls"]), int(kv["usec"]))
    return stats


class Cluster:
    """redis-server + N trawl workers on loopback; start() before the timed run, stop() after."""

    def __init__(self, trawl, tmp, workers=2, concurrency=32):
        self.trawl, self.tmp, self.n_workers, self.concurrency = trawl, tmp, workers, concurrency
        self.dir = None
        self.port = None
        self.redis = None
        self.workers = []
        self.client = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout=15.0):
        self.dir = tempfile.mkdtemp(prefix="redis-", dir=self.tmp)
        self.port = free_port()
        log = open(os.path.join(self.dir, "redis.log"), "wb")
        self.redis = subprocess.Popen(
            ["redis-server", "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
             "--dir", self.dir, "--daemonize", "no", "--protected-mode", "yes"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.redis.poll() is not None:
                raise RuntimeError(f"redis-server exited with status {self.redis.returncode}: {self._tail('redis.log')}")
            try:
                self.client = Resp(self.port)
                self.client.call("PING")
                break
            except (OSError, RedisError):
                if self.client:
                    self.client.close()
                    self.client = None
                if time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server did not answer on port {self.port} within {timeout:g} s")
                time.sleep(0.01)
        names = [f"bench-w{k + 1}" for k in range(self.n_workers)]
        for name in names:
            wlog = open(os.path.join(self.dir, f"{name}.log"), "wb")
            self.workers.append(subprocess.Popen(
                [self.trawl, "worker", "--redis", self.url, "--jobs", "1", "--concurrency", str(self.concurrency),
                 "--name", name],
                stdout=wlog, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True))
            wlog.close()
        # Ready when every worker has said "NAME serving redis://…": it is connected and the group
        # exists. (Redis 7.0 lists a consumer only once it has read an entry, so XINFO CONSUMERS
        # cannot tell.)
        while True:
            joined = set()
            for name, w in zip(names, self.workers):
                if w.poll() is not None:
                    raise RuntimeError(f"worker {name} exited with status {w.returncode}: {self._tail(name + '.log')}")
                if f"{name} serving redis://" in self._tail(name + ".log", 4000):
                    joined.add(name)
            if joined == set(names):
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"workers not serving within {timeout:g} s (serving: {sorted(joined)})")
            time.sleep(0.01)

    def snapshot(self):
        """Redis command counters and CPU seconds of redis-server and each worker, now."""
        return {"commands": parse_commandstats(self.client.call("INFO", "commandstats")),
                "redis_cpu": proc_cpu(self.redis.pid),
                "workers_cpu": [proc_cpu(w.pid) for w in self.workers]}

    def peak_rss_mb(self):
        """Peak RSS (VmHWM) of redis-server and of the largest worker."""
        return {"redis": proc_peak_rss_mb(self.redis.pid),
                "worker": max((proc_peak_rss_mb(w.pid) for w in self.workers), default=0.0)}

    def stop(self):
        """SIGTERM the workers (they finish what they hold and exit), then redis; SIGKILL stragglers."""
        if self.client:
            self.client.close()
            self.client = None
        for group in (self.workers, [self.redis] if self.redis else []):
            for p in group:
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in group:
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        self.workers, self.redis = [], None
        if self.dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def _tail(self, name, chars=400):
        try:
            with open(os.path.join(self.dir, name), errors="replace") as f:
                return f.read()[-chars:].strip()
        except OSError:
            return "(no log)"


def overhead(before, after, urls):
    """What the timed run cost Redis, per URL and in total."""
    cmds = {}
    for name, (calls, usec) in after["commands"].items():
        if name.split("|", 1)[0] in OWN_COMMANDS:
            continue
        c0, u0 = before["commands"].get(name, (0, 0))
        if calls - c0:
            cmds[name] = (calls - c0, usec - u0)
    calls = sum(c for c, _ in cmds.values())
    usec = sum(u for _, u in cmds.values())
    return {"calls": calls, "usec": usec, "calls_per_url": calls / urls, "usec_per_url": usec / urls,
            "redis_cpu": after["redis_cpu"] - before["redis_cpu"],
            "redis_cpu_us_per_url": (after["redis_cpu"] - before["redis_cpu"]) * 1e6 / urls,
            "workers_cpu": sum(after["workers_cpu"]) - sum(before["workers_cpu"]),
            "by_command": cmds}
