# SPDX-License-Identifier: Apache-2.0
"""Reads what each runner wrote and checks that the matches agree.

trawl writes its JSON lines ({"url":…, "error":…, "matches":{"button":[…], "link":[…]}}),
the Python programs one {url: {"button":[…], "link":[…]}} per line, curl one status code per
line. Every URL of a list is a corpus page with a `?r=K` query, so matches are compared per
page: all copies of a page within a run must agree, and every run must agree with the Python
reference for each page both finished.
"""
import json
from urllib.parse import urlsplit


def page_of(url):
    return urlsplit(url).path.rsplit("/", 1)[-1]


def canonical(matches):
    return json.dumps([matches.get("button"), matches.get("link")], ensure_ascii=False)


class RunOutput:
    """The per-page matches of one run, and how many URLs it finished."""

    def __init__(self):
        self.results = 0
        self.errors = {}
        self.pages = {}  # page -> canonical matches
        self.inconsistent = set()

    def add(self, url, matches):
        page = page_of(url)
        value = canonical(matches)
        seen = self.pages.setdefault(page, value)
        if seen != value:
            self.inconsistent.add(page)

    def error_text(self):
        return ", ".join(f"{code} ×{n}" for code, n in sorted(self.errors.items())) or "0"


def read_trawl(path):
    out = RunOutput()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            out.results += 1
            err = row.get("error")
            if err:
                code = err.get("code", "?")
                out.errors[code] = out.errors.get(code, 0) + 1
                if row.get("status") is None:
                    continue
            out.add(row["url"], row.get("matches") or {})
    return out


def read_python(path):
    out = RunOutput()
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            for url, matches in json.loads(line).items():
                out.results += 1
                out.add(url, matches)
    return out


def read_curl(path):
    out = RunOutput()
    with open(path) as f:
        for line in f:
            code = line.strip()
            if not code:
                continue
            out.results += 1
            if code != "200":
                out.errors[f"http_{code}"] = out.errors.get(f"http_{code}", 0) + 1
    return out


def describe_difference(page, want, got):
    """A short human-readable account of how two canonical match lists differ."""
    w, g = json.loads(want), json.loads(got)
    parts = []
    for name, a, b in (("button", w[0], g[0]), ("link", w[1], g[1])):
        if a != b:
            a, b = a or [], b or []
            first = next((i for i in range(min(len(a), len(b))) if a[i] != b[i]), min(len(a), len(b)))
            sample = f"python {a[first]!r:.80} vs trawl {b[first]!r:.80}" if first < min(len(a), len(b)) else "one list is a prefix of the other"
            parts.append(f"{name}: {len(a)} vs {len(b)} matches, first difference at #{first} ({sample})")
    return f"{page}: " + "; ".join(parts)


class Checker:
    """Collects per-page matches from every run and reports disagreements."""

    def __init__(self):
        self.python_ref = {}  # page -> (canonical, runner)
        self.trawl_ref = {}
        self.problems = []
        self.compared = {}  # runner -> set of pages compared

    def add(self, runner, kind, out):
        for page in sorted(out.inconsistent):
            self.problems.append(f"{runner}: copies of {page} gave different matches within one run")
        if kind == "python":
            for page, value in out.pages.items():
                ref = self.python_ref.setdefault(page, (value, runner))
                if ref[0] != value:
                    self.problems.append(f"{runner} disagrees with {ref[1]} on {page}")
        elif kind == "trawl":
            for page, value in out.pages.items():
                ref = self.trawl_ref.setdefault(page, (value, runner))
                if ref[0] != value:
                    self.problems.append(f"{runner} disagrees with {ref[1]} (the first trawl run) on {page}")

    def finish(self):
        """Compares trawl against Python on every page both finished; returns (pages, problems)."""
        common = sorted(set(self.python_ref) & set(self.trawl_ref))
        for page in common:
            want, got = self.python_ref[page][0], self.trawl_ref[page][0]
            if want != got:
                self.problems.append("MISMATCH trawl vs Python " + describe_difference(page, want, got))
        return len(common), self.problems
