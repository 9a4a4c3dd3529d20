# SPDX-License-Identifier: Apache-2.0
"""Fixtures: the repository's loopback test server, the demo site it generates and serves
(docs/demo-site.md), and the real corpus when there is one beside the repository."""

import os
import pathlib
import signal
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
SERVER = REPO / "Tests" / "TrawlTestSupport" / "Resources" / "testserver.py"
CORPUS = pathlib.Path(os.environ.get("TRAWL_CORPUS") or REPO.parent / "shared" / "corpus" / "readability")

sys.path.insert(0, str(SERVER.parent))
import sitegen  # noqa: E402

# A shell without job control starts background commands (`make test &`, nohup) with SIGINT
# ignored, and Python then leaves it ignored: _thread.interrupt_main() does nothing, and the
# Ctrl-C tests would fail for the way they were started. Those tests need Python's own handler.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


@pytest.fixture(scope="session")
def site_pages():
    """The demo site's pages (sitegen.Page: name, content_type, charset, kind, python_safe)."""
    return sitegen.generate()


@pytest.fixture(scope="session")
def corpus_names():
    """The real corpus's pages; tests that need them are skipped, saying so, without it."""
    names = sorted(p.name for p in CORPUS.glob("*.html"))
    if not names:
        pytest.skip(f"needs the readability corpus at {CORPUS} (or TRAWL_CORPUS)")
    return names


PAGES = REPO / "Tests" / "bindings" / "pages"


def _serve(corpus):
    """http://127.0.0.1:PORT of testserver.py, which exits when its stdin closes."""
    proc = subprocess.Popen([sys.executable, str(SERVER), "--corpus", str(corpus), "--no-tls"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    port = proc.stdout.readline().strip()
    assert port.isdigit(), "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    proc.stdin.close()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def base_url():
    yield from _serve(CORPUS)


@pytest.fixture(scope="session")
def pages_url():
    """The server with the binding tests' own pages (Tests/bindings/pages) as /corpus/NAME."""
    yield from _serve(PAGES)


@pytest.fixture(scope="session")
def page_urls(pages_url):
    return [f"{pages_url}/corpus/{p.name}" for p in sorted(PAGES.glob("*.html"))]


@pytest.fixture(scope="session")
def site_urls(base_url, site_pages):
    return [f"{base_url}/site/{p.name}" for p in site_pages]


@pytest.fixture(scope="session")
def corpus_urls(base_url, corpus_names):
    return [f"{base_url}/corpus/{n}" for n in corpus_names]


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("TRAWL_CLI") or str(REPO / ".build" / "release" / "trawl-cli")
    assert os.access(path, os.X_OK), f"trawl CLI not found at {path} (set TRAWL_CLI)"
    return path
