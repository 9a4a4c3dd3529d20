#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Writes the fuzzers' seed corpora, Fuzz/corpus/<target>/, from the project's own tests.

Patterns and subjects come from Tests/TrawlExtractTests, URLs from the Swift tests' string
literals, bodies and content types from the decoding tests' samples, frames and Redis replies
are encoded here in the formats of Sources/TrawlCore/Wire.swift, Sources/TrawlBackends/Process/
Frame.swift and RESP2. Run it again after adding cases; the output is small and committed.
"""
import hashlib
import pathlib
import re
import struct

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "Fuzz" / "corpus"
TESTS = ROOT / "Tests"
# The encoding's version, read from Wire.swift so that the seeds follow every bump.
WIRE = int(re.search(r"version: UInt32 = (\d+)", (ROOT / "Sources/TrawlCore/Wire.swift").read_text()).group(1))


def write(target, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / hashlib.sha1(data).hexdigest()[:16]).write_bytes(data)


def swift_strings(text):
    """Plain and raw (#"..."#) Swift string literals, without interpolations."""
    out = [m.group(1) for m in re.finditer(r'#"(.*?)"#', text)]
    for m in re.finditer(r'(?<![#\\])"((?:[^"\\\n]|\\.)*)"', text):
        s = m.group(1)
        if "\\(" in s:
            continue
        try:
            out.append(s.encode("latin-1", "backslashreplace").decode("unicode_escape"))
        except (UnicodeDecodeError, ValueError):
            out.append(s)
    return out


def regex_seeds():
    flags = {"0": 0, "I": 2, "M": 8, "S": 16, "X": 64, "A": 256}
    src = (TESTS / "TrawlExtractTests" / "TranslatorDifferentialTests.swift").read_text()
    tuples = re.finditer(r'\((#".*?"#|"(?:[^"\\]|\\.)*"), ([0-9IMSXA |]+), (#".*?"#|"(?:[^"\\]|\\.)*"|\w+)\)', src)
    subjects = {"spaces": "a\x1cb\x1dc\u180ef\x85g\xa0h\u2028i\u3000j\tk", "turkish": "i I ı İ ſ K \u212a µ ß ẞ Σ σ ς"}
    for m in tuples:
        pat, fl, subj = (swift_strings(x)[0] if x.startswith(("#", '"')) else x for x in m.groups())
        bits = 0
        for f in re.findall(r"\w", fl):
            bits |= flags.get(f, 0)
        subj = subjects.get(subj, subj)
        write("FuzzRegex", bytes([(bits >> 1) & 0xFF]) + pat.encode() + b"\0" + subj.encode())
    for p in [r"<button[^>]*id=\"([^\"]*)\"", r"<a\s+(?:[^>]*?\s+)?href=([\"'])(.*?)\1", r"(?is)<title>(.*?)</title>"]:
        write("FuzzRegex", b"\0" + p.encode() + b"\0" + b'<a href="/x">x</a><button id="b">')


def url_seeds():
    seen = set()
    for f in sorted(TESTS.rglob("*.swift")):
        for s in swift_strings(f.read_text()):
            if ("://" in s or s.startswith(("http", "mailto:", "localhost"))) and len(s) < 300 and s not in seen:
                seen.add(s)
    for s in sorted(seen)[:200] + ["http://[::1]:8080/a?b#c", "https://user:pw@bücher.example/", "http://a b/", "\ufeffhttp://x/"]:
        write("FuzzURLValidation", s.encode())


def body_seeds():
    html = "<html><head><meta charset=\"{}\"><title>é</title></head><body>ü ½ €</body></html>"
    samples = [
        ("text/html; charset=utf-8", "caf\u00e9 \u65e5\u672c".encode()),
        ("text/html", b"\xef\xbb\xbfBOM utf-8"),
        ("text/html", b"\xff\xfeh\x00i\x00"),
        ("text/html", b"\xfe\xff\x00h\x00i"),
        ("text/plain; charset=iso-8859-1", "café".encode("latin-1")),
        ("text/html; charset=shift_jis", "日本語".encode("shift_jis")),
        ("text/html; charset=gbk", "中文".encode("gbk") + b"\x80"),
        ("text/html; charset=euc-kr", "한국어".encode("euc-kr")),
        ("text/html; charset=big5", "中文".encode("big5")),
        ("text/html; charset=iso-2022-jp", "日本".encode("iso-2022-jp")),
        ("text/html; charset=windows-1251", "Привет".encode("cp1251")),
        ("text/html; charset=x-user-defined", bytes(range(0x70, 0x90))),
        ("text/html; charset=replacement", b"<b>x</b>"),
        ("text/html; charset=utf-16le", "hi".encode("utf-16-le")),
        ("application/json", b'{"a": "\xc3\xa9"}'),
        (None, html.format("windows-1252").encode("cp1252")),
        (None, html.format("koi8-r").encode("koi8-r", "replace")),
        ("text/html", b"\xc3\x28 \xe2\x82 \xf0\x9f\x98"),
    ]
    for ct, body in samples:
        head = bytes([255]) if ct is None else bytes([len(ct)]) + ct.encode()
        write("FuzzBodyDecoder", head + body)


def wire_string(s):
    b = s.encode()
    return struct.pack("<I", len(b)) + b


def frame(kind, payload):
    return struct.pack("<IB", len(payload) + 1, kind) + payload


def matches_payload(matches):
    p = struct.pack("<I", len(matches))
    for name, groups, values, unresolved in matches:
        data = b"".join(v.encode() for v in values)
        ends, at = [], 0
        for v in values:
            at += len(v.encode())
            ends.append(at)
        p += wire_string(name) + struct.pack("<II", groups, len(ends)) + b"".join(struct.pack("<I", e) for e in ends)
        p += struct.pack("<I", len(data)) + data
        p += struct.pack("<I", len(unresolved)) + b"".join(struct.pack("<I", i) for i in unresolved)
    return p


def result_payload(index, url, status, error=None, matches=(), raw=(), follow=None):
    """CrawlResult.encode(to:): index, URL, final URL, status, content type, charset, bytes,
    elapsed, attempts, the three timings, error, matches, raw matches and the follow fields
    (follow mode, depth, parent index, parent URL; `follow` is (depth, parent, parent URL))."""
    p = struct.pack("<q", index) + wire_string(url) + b"\1" + wire_string(url)
    p += struct.pack("<q", status) + b"\1" + wire_string("text/html") + b"\1" + wire_string("utf-8")
    p += struct.pack("<qdq", 120, 0.004, 2) + struct.pack("<ddd", 0.003, 0.0005, 0.0005)
    p += struct.pack("<i", error[0]) + wire_string(error[1]) if error else struct.pack("<i", 0)
    p += matches_payload(matches) + matches_payload(raw)
    if follow is None:
        return p + b"\0" + struct.pack("<qq", 0, -1) + b"\0"
    depth, parent, parent_url = follow
    return p + b"\1" + struct.pack("<qq", depth, parent) + (b"\1" + wire_string(parent_url) if parent_url else b"\0")


def options_payload():
    settings = [("timeout", 1, struct.pack("<d", 30.0)), ("max_bytes", 0, struct.pack("<q", 1 << 20)),
                ("user_agent", 2, wire_string("trawl")), ("protocols", 2, wire_string("http,https")),
                ("header", 2, wire_string("X-A: b")), ("decode", 2, wire_string("browser"))]
    p = struct.pack("<I", len(settings))
    for k, t, v in settings:
        p += wire_string(k) + bytes([t]) + v
    return p + struct.pack("<I", 1) + wire_string("title") + wire_string("<title>(.*?)</title>") + struct.pack("<I", 18)


def frame_seeds():
    """Frame.swift's frames at wire version WIRE."""
    res = result_payload(3, "http://127.0.0.1/a", 200,
                         matches=[("link", 0, ["http://127.0.0.1/a", "http://[x"], [1]), ("kv", 2, ["k", "v"], [])],
                         raw=[("link", 0, ["/a", "http://[x"], [])], follow=(1, 0, "http://127.0.0.1/"))
    err = result_payload(4, "ftp://x/", -1, error=(21, "scheme 'ftp' is not allowed"))
    write("FuzzFrames", b"\x07" + frame(11, struct.pack("<I", 1) + res) + frame(11, struct.pack("<I", 1) + err))
    # configure: wire version, generation, lanes, transfers in flight, the most in flight,
    # flags (hands retries back, adapts its concurrency), the workers sharing each host
    write("FuzzFrames", b"\x01" + frame(1, struct.pack("<IIIIIII", WIRE, 1, 4, 32, 512, 3, 2) + options_payload()))
    tasks = struct.pack("<II", 1, 2) + struct.pack("<q", 0) + wire_string("http://a/") + struct.pack("<I", 1)
    tasks += struct.pack("<q", 1) + wire_string("http://b/") + struct.pack("<I", 3)
    write("FuzzFrames", b"\x40" + frame(2, tasks) + frame(3, struct.pack("<I", 1)))
    write("FuzzFrames", b"\xff" + frame(10, struct.pack("<Iq", WIRE, 4242)) + frame(12, struct.pack("<I", 1) + wire_string("bad option")))
    # retry: generation, index, seconds to wait, the attempt's transfer seconds
    write("FuzzFrames", b"\x10" + frame(13, struct.pack("<Iqdd", 1, 7, 0.5, 0.02)))
    # limit: generation, the worker's limit on transfers in flight, the transfers running
    write("FuzzFrames", b"\x03" + frame(14, struct.pack("<III", 1, 96, 71)))


def resp(x):
    if x is None:
        return b"$-1\r\n"
    if isinstance(x, int):
        return b":%d\r\n" % x
    if isinstance(x, list):
        return b"*%d\r\n" % len(x) + b"".join(resp(e) for e in x)
    if isinstance(x, str):
        x = x.encode()
    return b"$%d\r\n%s\r\n" % (len(x), x)


def redis_seeds():
    res = result_payload(0, "http://a/", 200, matches=[("link", 0, ["/x"], [])])
    # ClusterBatchMeta: magic, wire version, tasks written, their fingerprint, flags (1: every
    # task written), visibility, max deliveries, the worker options, then follow mode's settings.
    follow = [("follow", 2, wire_string("link")), ("max_depth", 0, struct.pack("<q", 3)),
              ("follow_scope", 2, wire_string("domain"))]
    follow_settings = struct.pack("<I", len(follow)) + b"".join(wire_string(k) + bytes([t]) + v for k, t, v in follow)
    meta = struct.pack("<II", 0x4C575254, WIRE) + struct.pack("<qQIdq", 2, 99, 1, 30.0, 3) + options_payload() + follow_settings
    write("FuzzRedisReplies", b"+OK\r\n-BUSYGROUP Consumer Group name already exists\r\n:42\r\n")
    write("FuzzRedisReplies", resp([["trawl:batch:b1:results", [["1-0", ["i", "0", "r", res]], ["1-1", ["done", "1"]]]]]))
    write("FuzzRedisReplies", resp([["trawl:tasks", [["5-0", ["b", "b1", "i", "7", "u", "http://a/"]], ["5-1", None]]]]))
    # A followed page's task: depth, parent, parent URL, seed scope.
    write("FuzzRedisReplies", resp([["trawl:tasks", [["6-0", ["b", "b1", "i", "9", "u", "http://a/x", "d", "1",
                                                             "p", "0", "q", "http://a/", "s", "a"]]]]]))
    write("FuzzRedisReplies", resp(["0-0", [["2-0", ["b", "b1", "i", "1", "u", "http://b/"]]], []]))
    write("FuzzRedisReplies", resp(meta) + resp(None) + b"*-1\r\n")


def content_seeds():
    import gzip
    import shutil
    import subprocess
    import zlib
    page = b"<html><head><title>t</title></head><body>" + b"<a href=\"/x\">x</a> " * 40 + b"</body></html>"
    coded = {0: gzip.compress(page), 1: zlib.compress(page), 16: gzip.compress(gzip.compress(page))}
    for pick, tool in ((2, "brotli"), (3, "zstd")):
        if shutil.which(tool):
            coded[pick] = subprocess.run([tool, "-c"], input=page, capture_output=True, check=True).stdout
    for pick, body in coded.items():
        write("FuzzContentDecoding", bytes([pick, 4]) + body)
    write("FuzzContentDecoding", bytes([0, 255]) + gzip.compress(b"\0" * 200_000)[:4000])


def robots_seeds():
    """The robots.txt files of the parser's tests (Swift multi-line literals), each with the
    paths those tests decide, plus files real sites serve in odd shapes."""
    src = (TESTS / "TrawlRobotsTests" / "RobotsTxtTests.swift").read_text()
    files = []
    for m in re.finditer(r'"""\n(.*?)\n\s*"""', src, re.S):
        lines = m.group(1).split("\n")
        indent = min((len(l) - len(l.lstrip()) for l in lines if l.strip()), default=0)
        files.append("\n".join(l[indent:] for l in lines).encode())
    files += [
        b"\xef\xbb\xbfUser-agent: trawl\r\nDisallow: /private\r\nCrawl-delay: 2.5\r\n",
        b"user agent trawl\rdisallow /\rallow /$\r",
        b"User-agent: *\nDisallow: /*.php$\nAllow: /%7Euser/\nDisallow: /\xe3\x83\x84*\n# comment\nSitemap: http://x/s.xml\n",
        b"Allow: /before-any-group\nUser-agent: a\nUser-agent: b\nCrawl-delay: -1\nDisallow: /a**b*$\n",
    ]
    paths = sorted({p.encode() for p in re.findall(r'"http://x\.test/([^"]*)"', src)})[:12] + [b"", b"a?b=%41", b"robots.txt"]
    for i, f in enumerate(files):
        for p in paths[i % len(paths)::len(files)] or [b""]:
            write("FuzzRobots", p + b"\0" + f)


TARGETS = {"FuzzRegex": regex_seeds, "FuzzURLValidation": url_seeds, "FuzzBodyDecoder": body_seeds,
           "FuzzFrames": frame_seeds, "FuzzRedisReplies": redis_seeds, "FuzzContentDecoding": content_seeds,
           "FuzzRobots": robots_seeds}

if __name__ == "__main__":
    import sys
    # make_seeds.py [TARGET...]: only those targets' seeds are rewritten (all by default).
    chosen = sys.argv[1:] or list(TARGETS)
    for t in chosen:
        for f in (OUT / t).glob("*"):
            f.unlink()
        TARGETS[t]()
    for d in sorted(OUT.iterdir()):
        files = list(d.iterdir())
        print(f"{d.name}: {len(files)} seeds, {sum(f.stat().st_size for f in files)} bytes")
