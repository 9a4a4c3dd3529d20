# SPDX-License-Identifier: Apache-2.0
"""Fixtures: the repository's loopback test server and the corpus it serves."""

import os
import pathlib
import subprocess
import sys

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
SERVER = REPO / "Tests" / "TrawlTestSupport" / "Resources" / "testserver.py"
CORPUS = pathlib.Path(os.environ.get("TRAWL_CORPUS", REPO.parent / "shared" / "corpus" / "readability"))


@pytest.fixture(scope="session")
def corpus_names():
    names = sorted(p.name for p in CORPUS.glob("*.html"))
    assert names, f"no corpus at {CORPUS} (set TRAWL_CORPUS)"
    return names


@pytest.fixture(scope="session")
def base_url():
    """http://127.0.0.1:PORT of testserver.py, which exits when its stdin closes."""
    proc = subprocess.Popen([sys.executable, str(SERVER), "--corpus", str(CORPUS), "--no-tls"],
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True)
    port = proc.stdout.readline().strip()
    assert port.isdigit(), "the test server did not start"
    yield f"http://127.0.0.1:{port}"
    proc.stdin.close()
    proc.wait(timeout=10)


@pytest.fixture(scope="session")
def corpus_urls(base_url, corpus_names):
    return [f"{base_url}/corpus/{n}" for n in corpus_names]


@pytest.fixture(scope="session")
def cli():
    path = os.environ.get("TRAWL_CLI") or str(REPO / ".build" / "release" / "trawl-cli")
    assert os.access(path, os.X_OK), f"trawl CLI not found at {path} (set TRAWL_CLI)"
    return path
