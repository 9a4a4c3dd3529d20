# SPDX-License-Identifier: Apache-2.0
"""backend="ray" on a real local Ray (ray.init(num_cpus=2), worker processes), crawling the
loopback test server: one Ray session for the module, as its start-up costs seconds."""

import os
import pathlib
import signal
import threading
import time
import _thread

import pytest

import trawl

import engine_checks as checks

# Nothing may leave loopback: no usage report, no dashboard.
os.environ["RAY_USAGE_STATS_ENABLED"] = "0"
ray = pytest.importorskip("ray")  # in the Makefile's test venv: never skipped there


@pytest.fixture(scope="module", autouse=True)
def session():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False,
             configure_logging=False)
    yield
    ray.shutdown()


def test_identical_to_the_thread_backend_in_every_order_mode(site_urls):
    checks.check_identical_to_thread_backend(site_urls, backend="ray")


def test_errors_as_for_the_other_backends(base_url):
    checks.check_errors(base_url, backend="ray")


def test_verbose_lines_and_progress_callback(site_urls):
    checks.check_verbose_and_progress(site_urls[:40], "Ray", backend="ray")


def test_per_host_budget_is_divided_among_tasks():
    checks.check_per_host_budget(backend="ray")


def _task_pids():
    """PIDs of Ray worker processes running a chunk now (Ray names them after the task)."""
    pids = []
    for proc in pathlib.Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if cmdline.startswith(b"ray::run_chunk"):
            pids.append(int(proc.name))
    return pids


def test_a_worker_killed_mid_batch_still_gives_every_result_once(base_url, site_urls):
    urls = [f"{base_url}/slow?seconds=0.2&i={i}" for i in range(24)] + site_urls[:20]
    stream = trawl.Crawler(backend="ray", chunk_size=2).stream(urls, ordered=False)
    results = [next(stream)]
    deadline = time.monotonic() + 30
    while not _task_pids() and time.monotonic() < deadline:
        time.sleep(0.05)
    [victim, *_] = _task_pids()
    os.kill(victim, signal.SIGKILL)
    results += list(stream)
    checks.check_exactly_once(results, urls)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert not os.path.exists(f"/proc/{victim}/cmdline") or victim not in _task_pids()


def test_a_url_that_kills_its_workers_ends_as_worker_crashed(site_urls, monkeypatch):
    monkeypatch.setenv("TRAWL_TEST_CRASH_MARKER", "crash-here")
    guilty = site_urls[5] + "?crash-here"
    urls = site_urls[:5] + [guilty] + site_urls[6:16]
    # max_attempts=1: Ray retries a lost task once before trawl splits it.
    results = trawl.crawl_results(urls, backend="ray", chunk_size=8, max_attempts=1)
    checks.check_exactly_once(results, urls)
    assert isinstance(results[5].error, trawl.WorkerCrashed)
    expected = trawl.crawl_results(urls)
    assert [checks.comparable(r) for r in results[:5] + results[6:]] == \
        [checks.comparable(r) for r in expected[:5] + expected[6:]]


def test_keyboard_interrupt_cancels_the_tasks(base_url, site_urls):
    urls = [f"{base_url}/slow?seconds=1&i={i}" for i in range(16)]
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        trawl.crawl(urls, backend="ray", chunk_size=1)
    timer.join()
    # The cluster is free again: the cancelled tasks stopped, a new batch runs through.
    assert trawl.crawl(site_urls[:4], backend="ray") == trawl.crawl(site_urls[:4])
