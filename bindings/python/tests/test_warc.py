# SPDX-License-Identifier: Apache-2.0
"""warc=PATH checked by an independent reader: warcio's `check` and its record iterator."""

import glob
import subprocess
import sys

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
