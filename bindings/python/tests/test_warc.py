# SPDX-License-Identifier: Apache-2.0
"""warc=PATH checked by an independent reader: warcio's `check` and its record iterator."""

import glob
import subprocess
import sys

import pytest
import trawl

from warcio.archiveiterator import ArchiveIterator


def test_warcio_reads_every_record_and_checks_every_digest(site_urls, base_url, tmp_path):
    prefix = str(tmp_path / "crawl")
    urls = site_urls[:20] + [f"{base_url}/gzip", f"{base_url}/br", f"{base_url}/big?bytes=200000"]
    results = trawl.crawl_results(urls, warc=prefix, warc_max_bytes=100000)
    files = sorted(glob.glob(prefix + "-*.warc.gz"))
    assert len(files) > 1
    # warcio's own command line (its console script has no python -m form).
    check = subprocess.run([sys.executable, "-c", "import sys; from warcio.cli import main; sys.exit(main())",
                            "check", "-v"] + files,
                           capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    types, targets = [], []
    for f in files:
        with open(f, "rb") as stream:
            for record in ArchiveIterator(stream):
                types.append(record.rec_type)
                if record.rec_type == "response":
                    targets.append(record.rec_headers.get_header("WARC-Target-URI"))
                    assert record.http_headers.get_statuscode() == "200"
                    record.content_stream().read()  # decodes gzip/br as warcio does
    assert types.count("warcinfo") == len(files)
    assert types.count("request") == types.count("response") == len(urls)
    assert sorted(targets) == sorted(r.final_url for r in results)


@pytest.mark.parametrize("backend", ["thread", "process"])
def test_every_response_of_a_redirect_chain_is_archived(base_url, tmp_path, backend):
    """A 301 then a 302 then the page: three request and three response records, each with
    the URL it was for; the redirects' heads as received, without their dropped bodies."""
    prefix = str(tmp_path / "chain")
    start = f"{base_url}/redirect-to?url=/redirect/1&code=301"
    [result] = trawl.crawl_results([start], warc=prefix, backend=backend, jobs=1)
    assert result.status == 200 and result.final_url == f"{base_url}/redirect/0"
    files = sorted(glob.glob(prefix + "-*.warc.gz"))
    check = subprocess.run([sys.executable, "-c", "import sys; from warcio.cli import main; sys.exit(main())",
                            "check", "-v"] + files, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    responses, requests = [], []
    for f in files:
        with open(f, "rb") as stream:
            for record in ArchiveIterator(stream):
                target = record.rec_headers.get_header("WARC-Target-URI")
                if record.rec_type == "request":
                    requests.append((target, record.http_headers.protocol + " " + record.http_headers.statusline))
                elif record.rec_type == "response":
                    body = record.content_stream().read()
                    responses.append((target, record.http_headers.get_statuscode(),
                                      record.http_headers.get_header("Location"),
                                      record.rec_headers.get_header("WARC-Truncated"), body))
    chain = [start, f"{base_url}/redirect/1", f"{base_url}/redirect/0"]
    assert [r[0] for r in responses] == chain
    assert [r[1] for r in responses] == ["301", "302", "200"]
    assert [r[2] for r in responses] == ["/redirect/1", "/redirect/0", None]
    # The test server sends a small body with each redirect; libcurl drops it when following.
    assert [r[3] for r in responses] == ["unspecified", "unspecified", None]
    assert responses[0][4] == b"" and responses[1][4] == b"" and b"final" in responses[2][4]
    assert [r[0] for r in requests] == chain
    assert requests[0][1].startswith("GET /redirect-to?url=/redirect/1&code=301 ")
    assert requests[1][1].startswith("GET /redirect/1 ")
