# SPDX-License-Identifier: Apache-2.0
"""The package as pip installs it: the bundled library and CLI, and help() that reads well."""

import inspect
import json
import os
import pydoc
import subprocess
import sys

import trawl
from trawl import _lib

PACKAGE = os.path.dirname(os.path.abspath(trawl.__file__))


def test_the_library_loaded_is_the_bundled_one_unless_trawl_library_says_otherwise():
    expected = os.environ.get("TRAWL_LIBRARY") or os.path.join(PACKAGE, "libtrawl.so")
    assert os.path.samefile(_lib.lib._name, expected)


def test_python_m_trawl_runs_the_bundled_cli(base_url):
    run = subprocess.run([sys.executable, "-m", "trawl", "crawl", f"{base_url}/plain",
                          "ftp://127.0.0.1/x"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [r["url"] for r in rows] == [f"{base_url}/plain", "ftp://127.0.0.1/x"]
    assert len(rows[0]["matches"]["link"]) == 200
    assert rows[1]["error"]["code"] == "unsupported_protocol"
    bad = subprocess.run([sys.executable, "-m", "trawl", "crawl", "--jobs", "x"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "--jobs" in bad.stderr


def _public_callables():
    for name in trawl.__all__:
        obj = getattr(trawl, name)
        if inspect.isclass(obj):
            yield name, obj
            for attr, member in vars(obj).items():
                if callable(member) and (not attr.startswith("_") or attr == "__init__"):
                    yield f"{name}.{attr}", member
        elif callable(obj):
            yield name, obj


def test_type_hints_render_as_types_in_help():
    checked = 0
    for name, obj in _public_callables():
        text = pydoc.render_doc(obj, renderer=pydoc.plaintext)
        assert "ForwardRef" not in text, f"{name}: {text}"
        try:
            sig = inspect.signature(obj)
        except (TypeError, ValueError):
            continue
        for p in list(sig.parameters.values()) + [sig]:
            hint = p.annotation if isinstance(p, inspect.Parameter) else p.return_annotation
            assert not isinstance(hint, str), f"{name}: annotation {hint!r} is a string"
        checked += 1
    assert checked >= 10


def test_public_functions_say_what_they_return():
    for fn in (trawl.crawl, trawl.crawl_results, trawl.extract, trawl.shutdown_workers,
               trawl.Crawler.crawl, trawl.Crawler.crawl_results, trawl.Crawler.stream):
        assert inspect.signature(fn).return_annotation is not inspect.Signature.empty, fn.__qualname__
