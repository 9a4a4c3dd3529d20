#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The demo site: a deterministic generator of realistic HTML pages (stdlib only).

trawl's demo, its tests and `bench/run --smoke` crawl this site, so that a fresh clone needs
nothing beside it. The same pages come out on every machine and every Python 3 version: the
only randomness is a SplitMix64 stream seeded per page, and every choice goes through it.

What the pages hold, on purpose (see docs/demo-site.md):
  - nested markup (header, nav, main, article, section, aside, tables, lists, forms, inline
    SVG, comments, scripts and styles that contain markup-like strings);
  - many links and buttons with every quoting style: double, single, unquoted, upper-case tag
    and attribute names, attributes before `href`/`id`, tags split across lines, `href = "x"`
    with spaces, `data-id` next to `id`, entities, fragments, queries, non-ASCII paths;
  - several charsets, declared by the Content-Type header, by a BOM (which beats a wrong
    header) or by `<meta charset>` / `<meta http-equiv>` (with a header naming none);
  - a few minified pages with unquoted attributes on one long line, where Python's `re`
    backtracks exponentially on the default patterns (`python_safe` is False for them);
  - pages that link to each other: every page links to the index, its neighbours and others.

Usage:
  sitegen.py --out DIR [--pages N]   write DIR/NAME (the bytes served), DIR/text/NAME (the
                                     UTF-8 text decoding must give) and DIR/manifest.tsv
  sitegen.py --urls BASE [--pages N] print BASE/NAME for every page, one a line

manifest.tsv: one line per page, tab-separated: name, Content-Type header, charset (the
WHATWG name, lower-case as trawl reports it), kind, python_safe (1 or 0).
testserver.py serves the pages at /site/NAME with those headers (and /site/urls.txt).
"""

import os
import sys

MASK = (1 << 64) - 1
DEFAULT_PAGES = 120
SEED = 0x7472_6177_6C00_0001  # "trawl" + 1


class SplitMix64:
    """The PRNG of Tests/TrawlTestSupport/SplitMix64.swift: the same stream in both languages."""

    def __init__(self, seed):
        self.state = seed & MASK

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)

    def below(self, n):
        return self.next() % n

    def between(self, lo, hi):
        return lo + self.below(hi - lo + 1)

    def choice(self, items):
        return items[self.below(len(items))]

    def chance(self, percent):
        return self.below(100) < percent


# MARK: page kinds

# Text per language: what each legacy charset can encode.
WORDS = {
    "en": "the crawler fetches every page and extracts links buttons data from markup with regular "
          "expressions while workers never hang on pathological input results arrive in order".split(),
    "fr": "le robot récupère chaque page et extrait les liens boutons données à partir du balisage "
          "déjà été naïve café élève garçon œuvre".split(),
    "de": "der Crawler lädt jede Seite und extrahiert Verweise Schaltflächen Daten größer Straße "
          "Grüße für über schön".split(),
    "pl": "robot pobiera każdą stronę wyciąga łącza przyciski zażółć gęślą jaźń źródło".split(),
    "ru": "робот загружает каждую страницу и извлекает ссылки кнопки данные разметки быстро".split(),
    "el": "ο ανιχνευτής φέρνει κάθε σελίδα και εξάγει συνδέσμους κουμπιά δεδομένα".split(),
    "ja": "クローラーは すべての ページを 取得し リンクと ボタンを 抽出します 日本語 世界".split(),
    "ko": "크롤러는 모든 페이지를 가져와 링크와 버튼을 추출합니다 한국어 세계".split(),
    "zh": "爬虫 获取 每个 页面 并 提取 链接 按钮 数据 中文 世界".split(),
    "zh-tw": "爬蟲 獲取 每個 頁面 並 提取 連結 按鈕 資料 繁體 中文".split(),
}
UTF8_LANGS = list(WORDS)

# (kind, Content-Type header, declaration in the page, Python codec, WHATWG name, language).
# The header charset, the BOM and the <meta> are each used alone; BOM pages carry a header that
# names a wrong charset, as some servers do, because the BOM must win.
SPECIAL = {
    7: ("header", "text/html; charset=windows-1252", "", "cp1252", "windows-1252", "fr"),
    13: ("header", "text/html; charset=Shift_JIS", "", "shift_jis", "shift_jis", "ja"),
    19: ("header", "text/html; charset=euc-kr", "", "euc_kr", "euc-kr", "ko"),
    23: ("header", "text/html; charset=gbk", "", "gbk", "gbk", "zh"),
    29: ("header", "text/html;charset=windows-1251", "", "cp1251", "windows-1251", "ru"),
    31: ("header", 'text/html; charset="koi8-r"', "", "koi8_r", "koi8-r", "ru"),
    37: ("header", "text/html; charset=ISO-8859-2", "", "iso8859_2", "iso-8859-2", "pl"),
    41: ("header", "text/html; charset=iso-8859-7", "", "iso8859_7", "iso-8859-7", "el"),
    43: ("header", "text/html; charset=big5", "", "big5", "big5", "zh-tw"),
    47: ("bom", "text/html; charset=iso-8859-1", "bom-utf-8", "utf-8", "utf-8", "de"),
    53: ("bom", "text/html", "bom-utf-16le", "utf-16-le", "utf-16le", "ja"),
    59: ("bom", "text/html; charset=windows-1252", "bom-utf-16be", "utf-16-be", "utf-16be", "ru"),
    61: ("meta", "text/html", '<meta charset="windows-1251">', "cp1251", "windows-1251", "ru"),
    67: ("meta", "text/html", '<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">',
         "shift_jis", "shift_jis", "ja"),
    71: ("meta", "text/html", "<meta charset=iso-8859-15>", "iso8859_15", "iso-8859-15", "fr"),
    73: ("meta", "text/html", "<META HTTP-EQUIV='content-type' CONTENT='text/html;charset=euc-jp'>",
         "euc_jp", "euc-jp", "ja"),
    79: ("backtrack", "text/html; charset=utf-8", "", "utf-8", "utf-8", "en"),
    83: ("backtrack", "text/html; charset=utf-8", "", "utf-8", "utf-8", "en"),
    89: ("backtrack", "text/html; charset=utf-8", "", "utf-8", "utf-8", "en"),
}
BOMS = {"bom-utf-8": b"\xef\xbb\xbf", "bom-utf-16le": b"\xff\xfe", "bom-utf-16be": b"\xfe\xff"}


class Page:
    """One page: its name, headers and bytes, and what decoding it must give."""

    def __init__(self, name, content_type, charset, kind, python_safe, body, text):
        self.name = name
        self.content_type = content_type
        self.charset = charset
        self.kind = kind
        self.python_safe = python_safe
        self.body = body
        self.text = text


def page_name(i):
    return "index.html" if i == 0 else f"{i:03d}.html"


# MARK: markup

class Writer:
    """Builds one page's markup from the page's own random stream."""

    def __init__(self, rng, index, count, lang, ascii_paths):
        self.rng = rng
        self.index = index
        self.count = count
        self.lang = lang
        self.ascii_paths = ascii_paths
        self.out = []
        self.buttons = 0

    def words(self, lo, hi, lang=None):
        vocab = WORDS[lang or self.lang]
        return " ".join(self.rng.choice(vocab) for _ in range(self.rng.between(lo, hi)))

    def other_page(self):
        return page_name(self.rng.between(1, self.count - 1))

    def target(self):
        """A link target, as real pages write them."""
        r = self.rng.below(14)
        page = self.other_page()
        if r == 0:
            return "/site/" + page
        if r == 1:
            return "./" + page + "?ref=" + str(self.index)
        if r == 2:
            return page + "#section-" + str(self.rng.below(9))
        if r == 3:
            return "#top"
        if r == 4:
            return "../site/" + page
        if r == 5:
            return "/site/" + page + "?a=1&amp;b=" + str(self.rng.below(100))
        if r == 6:
            return "mailto:team" + str(self.rng.below(5)) + "@example.org"
        if r == 7:
            return "https://example.org/articles/" + str(self.rng.below(10_000)) + "/"
        if r == 8:
            return "javascript:void(0)"
        if r == 9 and not self.ascii_paths:
            return "/wiki/" + self.rng.choice(["Café", "Größe", "日本語", "Москва", "Ελλάδα"])
        if r == 10:
            return "//cdn.example.net/docs/" + str(self.rng.below(500)) + ".html"
        return page

    def link(self):
        """One <a> in one of the quoting styles, on a line of its own or inline (short lines:
        a long line after an unmatched `<a ` is what makes Python's `re` backtrack)."""
        t = self.target()
        text = self.words(1, 4)
        style = self.rng.below(12)
        if style == 0:
            return f"<a href='{t}'>{text}</a>"
        if style == 1:
            return f'<a class="link link-{self.rng.below(5)}" href="{t}" title="{self.words(1, 2)}">{text}</a>'
        if style == 2:
            return f"<a href={t.replace('&amp;', '&')}>{text}</a>"  # unquoted: not a default-pattern match
        if style == 3:
            return f'<A HREF="{t}">{text}</A>'  # the link pattern is case-sensitive
        if style == 4:
            return f'<a\n   data-track="nav"\n   href="{t}">{text}</a>'
        if style == 5:
            return f'<a href = "{t}">{text}</a>'
        if style == 6:
            return f'<a target="_blank" rel="noopener noreferrer" href=\'{t}\'>{text}</a>'
        if style == 7:
            return f'<a\thref="{t}"\tclass="tab">{text}</a>'
        if style == 8:
            return f'<a href="{t}" onclick="track(\'{self.rng.below(99)}\')">{text}</a>'
        return f'<a href="{t}">{text}</a>'

    def button(self):
        self.buttons += 1
        n = f"{self.index}-{self.buttons}"
        style = self.rng.below(10)
        if style == 0:
            return f"<button id='btn-{n}'>{self.words(1, 2)}</button>"
        if style == 1:
            return f'<button type="submit" class="btn btn-primary" id="submit-{n}">{self.words(1, 2)}</button>'
        if style == 2:
            return f'<BUTTON ID="UPPER-{n}">{self.words(1, 2)}</BUTTON>'  # the button pattern ignores case
        if style == 3:
            return f'<button\n    class="icon"\n    id="multi-{n}"\n    aria-label="{self.words(1, 2)}">x</button>'
        if style == 4:
            return f'<button data-id="data-{n}" id="real-{n}">{self.words(1, 2)}</button>'
        if style == 5:
            return f"<button type=button id=unquoted-{n}>{self.words(1, 2)}</button>"
        if style == 6:
            return f"<button>{self.words(1, 2)}</button>"
        if style == 7:
            return f'<button disabled id="off-{n}" data-state=\'{{"on": false}}\'>{self.words(1, 2)}</button>'
        return f'<button id="b-{n}">{self.words(1, 2)}</button>'

    def paragraph(self):
        parts = []
        for _ in range(self.rng.between(2, 6)):
            parts.append(self.words(3, 12))
            r = self.rng.below(6)
            if r < 3:
                parts.append("\n" + self.link() + "\n")
            elif r == 3:
                parts.append(f"<em>{self.words(1, 3)}</em>")
            elif r == 4:
                parts.append(f"<code>&lt;a href=&quot;{self.other_page()}&quot;&gt;</code>")
        return "<p>" + " ".join(parts) + "</p>"

    def block(self, depth):
        """A nested block of markup."""
        r = self.rng.below(10)
        if depth > 3 or r < 4:
            return self.paragraph()
        if r == 4:
            items = "\n".join(f"  <li>{self.link()}</li>" for _ in range(self.rng.between(3, 12)))
            return f"<ul class=\"list\">\n{items}\n</ul>"
        if r == 5:
            rows = "\n".join(
                f"  <tr><td>{self.words(1, 3)}</td><td>\n{self.link()}\n</td><td>\n{self.button()}\n</td></tr>"
                for _ in range(self.rng.between(2, 8)))
            return f"<table class=\"data\">\n<thead><tr><th>name</th><th>link</th><th>act</th></tr></thead>\n" \
                   f"<tbody>\n{rows}\n</tbody>\n</table>"
        if r == 6:
            fields = "\n".join(
                f'  <label>{self.words(1, 2)} <input name="f{k}" value="{self.words(1, 1, "en")}"></label>'
                for k in range(self.rng.between(1, 4)))
            return f'<form action="/search" method="get">\n{fields}\n  {self.button()}\n</form>'
        if r == 7:
            return (f"<!-- <a href=\"commented-out.html\">{self.words(1, 3)}</a> <button id=\"ghost\"> -->\n"
                    f"<div class=\"card\">\n{self.block(depth + 1)}\n</div>")
        if r == 8:
            return ('<svg width="16" height="16" viewBox="0 0 16 16"><a href="#icon">'
                    '<circle cx="8" cy="8" r="7"/></a></svg>\n' + self.paragraph())
        inner = "\n".join(self.block(depth + 1) for _ in range(self.rng.between(1, 3)))
        tag = self.rng.choice(["section", "div", "aside", "article"])
        return f'<{tag} class="level-{depth}" id="s-{self.index}-{self.rng.below(1000)}">\n{inner}\n</{tag}>'

    def nav(self):
        prev_page = page_name(self.index - 1 if self.index > 1 else self.count - 1)
        next_page = page_name(self.index + 1 if self.index + 1 < self.count else 1)
        items = [f'<a href="index.html">home</a>', f'<a href="{prev_page}" rel="prev">previous</a>',
                 f'<a href="{next_page}" rel="next">next</a>']
        items += [f'<a href="{self.other_page()}">{self.words(1, 2)}</a>' for _ in range(self.rng.between(3, 8))]
        return "<nav>\n<ul>\n" + "\n".join(f"  <li>{i}</li>" for i in items) + "\n</ul>\n</nav>"


def head(title, declaration):
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
        + (declaration + "\n" if declaration and not declaration.startswith("bom") else "")
        + f"<title>{title}</title>\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta property="og:type" content="article">\n'
        '<link rel="stylesheet" href="/static/site.css">\n'
        "<style>a[href^='http'] { color: #06c } button { padding: 2px }</style>\n"
        "<script>var tpl = '<a href=\"from-script.html\">x</a>'; "
        "if (1 < 2 && 3 > 2) { document.title += ''; }</script>\n"
        "</head>\n"
    )


def normal_page(i, count, lang, declaration, ascii_paths):
    rng = SplitMix64(SEED ^ (i * 0x9E3779B97F4A7C15 & MASK))
    w = Writer(rng, i, count, lang, ascii_paths)
    title = f"{w.words(2, 5)} - page {i}"
    parts = [head(title, declaration), '<body class="page">\n<a id="top"></a>\n<header>\n',
             f"<h1>{title}</h1>\n", w.nav(), "\n</header>\n<main>\n<article>\n"]
    for _ in range(rng.between(6, 70)):
        parts.append(w.block(0) + "\n")
        if rng.chance(30):
            parts.append(w.button() + "\n")
    parts.append("</article>\n<aside>\n" + "\n".join(w.link() for _ in range(rng.between(2, 20))) + "\n</aside>\n")
    # The page ends with a quoted `id=` and `href=`: the default patterns may run from any
    # earlier `<button `/`<a ` through the rest of the page (`\s` matches newlines), and in
    # Python's `re` a start that finds no quoted attribute after it is exponential.
    parts.append("</main>\n<footer><p>generated by trawl's sitegen.py</p>\n" + w.nav()
                 + f'\n<button type="button" id="to-top-{i}">top</button> <a href="#top">top</a>\n'
                 + "</footer>\n</body>\n</html>\n")
    return "".join(parts)


def backtrack_page(i, count):
    """A minified page whose footer has unquoted attributes. From an `<a ` (or `<button `) with
    no quoted `href=` (`id=`) anywhere after it, the default pattern tries every way of cutting
    the rest of the page at its spaces before it fails: exponential in Python's `re`, linear in
    trawl."""
    rng = SplitMix64(SEED ^ 0xBAC7 ^ i)
    w = Writer(rng, i, count, "en", True)
    links = " ".join(f"<a href={page_name(rng.between(1, count - 1))} class=nav-item data-k={k}>{w.words(1, 2)}</a>"
                     for k in range(rng.between(30, 60)))
    buttons = " ".join(f"<button type=button class=btn id=b{k}>{w.words(1, 2)}</button>"
                       for k in range(rng.between(30, 60)))
    line = {79: links, 83: buttons}.get(i, links + " " + buttons)
    return (head(f"minified page {i}", "").replace("\n", "")
            + f'<body><header><h1>minified page {i}</h1><a href="index.html">home</a> '
            + f'<button id="ok-{i}">ok</button></header><main><p>{w.words(10, 30)}</p></main>'
            + f"<footer>{line}</footer></body></html>\n")


def generate(count=DEFAULT_PAGES):
    """Every page of a site of `count` pages (index.html first), as Page objects."""
    pages = []
    for i in range(count):
        if i == 0:
            links = "\n".join(f'<li><a href="{page_name(k)}">page {k}</a></li>' for k in range(1, count))
            text = (head("trawl demo site", '<meta charset="utf-8">') + "<body>\n<h1>trawl demo site</h1>\n"
                    f"<ul>\n{links}\n</ul>\n</body>\n</html>\n")
            pages.append(Page(page_name(0), "text/html; charset=utf-8", "utf-8", "index", True,
                              text.encode("utf-8"), text))
            continue
        kind, ctype, decl, codec, whatwg, lang = SPECIAL.get(
            i, ("utf-8", "text/html; charset=utf-8", "", "utf-8", "utf-8", None))
        if kind == "backtrack":
            text = backtrack_page(i, count)
        else:
            if lang is None:
                lang = UTF8_LANGS[i % len(UTF8_LANGS)]
                decl = '<meta charset="utf-8">' if i % 3 == 0 else ""
            text = normal_page(i, count, lang, decl, ascii_paths=codec != "utf-8")
        body = BOMS.get(decl, b"") + text.encode(codec)
        pages.append(Page(page_name(i), ctype, whatwg, kind, kind != "backtrack", body, text))
    return pages


# MARK: command line

def main(argv):
    count = DEFAULT_PAGES
    if "--pages" in argv:
        count = int(argv[argv.index("--pages") + 1])
    if "--out" in argv:
        out = argv[argv.index("--out") + 1]
        os.makedirs(os.path.join(out, "text"), exist_ok=True)
        rows = []
        for p in generate(count):
            with open(os.path.join(out, p.name), "wb") as f:
                f.write(p.body)
            with open(os.path.join(out, "text", p.name), "wb") as f:
                f.write(p.text.encode("utf-8"))
            rows.append(f"{p.name}\t{p.content_type}\t{p.charset}\t{p.kind}\t{int(p.python_safe)}\n")
        with open(os.path.join(out, "manifest.tsv"), "w", encoding="utf-8") as f:
            f.write("".join(rows))
        return 0
    if "--urls" in argv:
        base = argv[argv.index("--urls") + 1].rstrip("/")
        for p in generate(count):
            print(f"{base}/{p.name}")
        return 0
    print(__doc__.strip(), file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
