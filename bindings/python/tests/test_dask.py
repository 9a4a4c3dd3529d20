# SPDX-License-Identifier: Apache-2.0
"""backend="dask" on a real distributed.LocalCluster with two worker processes (one thread
each), crawling the loopback test server: one cluster for the module, as start-up costs
seconds."""

import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import _thread

import pytest

import trawl

import engine_checks as checks

distributed = pytest.importorskip("distributed")  # in the Makefile's test venv: never skipped there
import dask  # noqa: E402


@pytest.fixture(scope="module")
def client():
    # Dask's own reschedules of a task whose worker died: one, so that a chunk that kills its
    # workers reaches trawl's splitting after two deaths instead of four (tests stay short).
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):
        with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                      dashboard_address=None, worker_dashboard_address=None,
                                      silence_logs=50) as cluster, \
                distributed.Client(cluster) as c:
            yield c


def test_identical_to_the_thread_backend_in_every_order_mode(client, site_urls):
    checks.check_identical_to_thread_backend(site_urls, backend="dask", client=client)


def test_client_found_with_get_client(client, site_urls):
    # No client= : the module's Client is the default one, found as get_client() finds it.
    assert trawl.crawl(site_urls[:10], backend="dask") == trawl.crawl(site_urls[:10])


def test_errors_as_for_the_other_backends(client, base_url):
    checks.check_errors(base_url, backend="dask", client=client)


def test_verbose_lines_and_progress_callback(client, site_urls):
    checks.check_verbose_and_progress(site_urls[:40], "Dask", backend="dask", client=client)


def test_per_host_budget_is_divided_among_tasks(client):
    checks.check_per_host_budget(backend="dask", client=client)


def test_a_worker_killed_mid_batch_still_gives_every_result_once(client, base_url, site_urls):
    # Slow pages keep both workers busy when one of them is killed.
    urls = [f"{base_url}/slow?seconds=0.2&i={i}" for i in range(24)] + site_urls[:20]
    before = set(client.nthreads())
    pids = client.run(os.getpid)
    stream = trawl.Crawler(backend="dask", client=client, chunk_size=2).stream(
        urls, ordered=False)
    results = [next(stream) for _ in range(3)]
    victim = sorted(client.processing().items(), key=lambda kv: -len(kv[1]))[0][0]
    os.kill(pids[victim], signal.SIGKILL)  # the worker process dies mid-task
    results += list(stream)
    checks.check_exactly_once(results, urls)
    assert all(r.ok for r in results), [r.error for r in results if not r.ok]
    assert victim not in client.nthreads() or set(client.nthreads()) != before


def test_keyboard_interrupt_cancels_the_tasks(client, base_url):
    urls = [f"{base_url}/slow?seconds=1&i={i}" for i in range(16)]
    timer = threading.Timer(0.5, _thread.interrupt_main)
    timer.start()
    with pytest.raises(KeyboardInterrupt):
        trawl.crawl(urls, backend="dask", client=client, chunk_size=1)
    timer.join()
    # Nothing of the batch is left on the cluster: of 16 one-second tasks (8 s of work on two
    # workers) only the two running when it was cancelled may still finish.
    def batch_tasks():
        return [k for keys in client.processing().values() for k in keys
                if "run_installed" in str(k)]
    deadline = time.monotonic() + 5
    while batch_tasks() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not batch_tasks()


def test_cancel_gives_the_rest_as_cancelled_results(client, base_url, site_urls):
    urls = site_urls[:2] + [f"{base_url}/slow?seconds=2&i={i}" for i in range(8)]
    stream = trawl.Crawler(backend="dask", client=client, chunk_size=2).stream(urls)
    first = next(stream)
    stream.cancel()
    rest = list(stream)
    checks.check_exactly_once([first] + rest, urls)
    assert any(isinstance(r.error, trawl.Cancelled) for r in rest)


def test_options_no_task_can_honour_are_refused(client):
    with pytest.raises(trawl.InvalidArgument, match="client= is for backend='dask'"):
        trawl.Crawler(backend="ray", client=client)
    with pytest.raises(trawl.InvalidArgument, match="only for backend='dask' or 'ray'"):
        trawl.Crawler(chunk_size=4)
    with pytest.raises(trawl.InvalidArgument, match="chunk_size"):
        trawl.Crawler(backend="dask", chunk_size=0)
    with pytest.raises(trawl.InvalidArgument, match="write"):
        trawl.Crawler(backend="dask", client=client).write(["x"], os.devnull)
    # A journal would be written by every task on its own worker: refused, never half-kept.
    with pytest.raises(trawl.InvalidArgument, match="'journal' is not supported with "
                                                     "backend='dask'"):
        trawl.Crawler(backend="dask", client=client, journal=os.devnull)


def test_a_url_that_kills_its_workers_ends_as_worker_crashed(client, site_urls, monkeypatch):
    # Last of the tests on the module's cluster: its workers restart slowly on a busy machine.
    monkeypatch.setenv("TRAWL_TEST_CRASH_MARKER", "crash-here")
    guilty = site_urls[5] + "?crash-here"
    urls = site_urls[:5] + [guilty] + site_urls[6:16]
    results = trawl.crawl_results(urls, backend="dask", client=client, chunk_size=8)
    checks.check_exactly_once(results, urls)
    assert isinstance(results[5].error, trawl.WorkerCrashed)
    assert results[5].error.name == "worker_crashed"
    expected = trawl.crawl_results(urls)
    assert [checks.comparable(r) for r in results[:5] + results[6:]] == \
        [checks.comparable(r) for r in expected[:5] + expected[6:]]


def test_rate_and_delay_budgets_are_divided_among_tasks():
    # What each of 4 running tasks crawls with (the rate observed by a server is the thread
    # backend's own test; here the division, which needs no cluster).
    from trawl._budgets import task_kwargs
    kwargs, tasks = task_kwargs({"host_rate": 10.0, "host_delay": 0.5, "concurrency": 64},
                                "dask", 4)
    assert tasks == 4
    assert kwargs["host_rate"] == 2.5 and kwargs["host_delay"] == 2.0
    assert kwargs["concurrency"] == 16 and kwargs["jobs"] == 1 and kwargs["backend"] == "thread"
    kwargs, tasks = task_kwargs({"per_host_connections": 3}, "ray", 8)
    assert (tasks, kwargs["per_host_connections"]) == (3, 1)


def test_no_client_is_one_clear_error():
    code = ("import trawl\n"
            "try:\n"
            "    trawl.crawl(['http://127.0.0.1:9/'], backend='dask')\n"
            "except trawl.BackendUnavailable as e:\n"
            "    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120)
    assert "found no distributed.Client" in out.stdout, out.stderr


def _venv_without_trawl(tmp: pathlib.Path) -> pathlib.Path:
    """A second virtual environment holding this one's packages except trawl-crawler."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(tmp)], check=True)
    [site] = list((tmp / "lib").glob("python3*/site-packages"))
    ours = pathlib.Path(distributed.__file__).parents[1]
    for entry in ours.iterdir():
        if entry.name.startswith(("trawl", "__editable__")):
            continue
        (site / entry.name).symlink_to(entry)
    return tmp / "bin" / "python"


def test_a_worker_without_trawl_fails_the_batch_with_one_clear_error(tmp_path, base_url):
    python = _venv_without_trawl(tmp_path / "venv")
    check = subprocess.run([str(python), "-c", "import trawl"], capture_output=True)
    assert check.returncode != 0  # the second environment really lacks trawl
    with distributed.LocalCluster(n_workers=0, dashboard_address=None, silence_logs=50) as lc, \
            distributed.Client(lc, set_as_default=False) as c:
        worker = subprocess.Popen(
            [str(python), "-m", "distributed.cli.dask_worker", lc.scheduler_address,
             "--nworkers", "1", "--nthreads", "1", "--no-dashboard", "--no-nanny"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            c.wait_for_workers(1, timeout=60)
            [address] = c.nthreads()
            with pytest.raises(trawl.BackendUnavailable) as info:
                trawl.crawl([f"{base_url}/site/001.html"], backend="dask", client=c)
            message = str(info.value)
            assert "trawl-crawler is not installed" in message
            assert address in message
        finally:
            worker.terminate()
            worker.wait(timeout=30)


def test_import_trawl_imports_no_engine():
    # dask and ray are optional extras: a wheel without them must import and crawl.
    code = ("import sys, trawl\n"
            "print(sorted({'dask', 'distributed', 'ray'} & set(sys.modules)))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.strip() == "[]"
