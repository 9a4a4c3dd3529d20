# SPDX-License-Identifier: Apache-2.0
"""trawl: crawl batches of URLs in parallel and extract data with Python-compatible regexes.

    import trawl
    results = trawl.crawl(urls)            # [{url: {"button": [...], "link": [...]}}, ...]
    rich = trawl.crawl_results(urls)       # [Result(url, status, error, elapsed, matches...)]
    trawl.extract(html, patterns={"title": r"<title>(.*?)</title>"})
    trawl.extract_warc("crawl-00000.warc.gz")  # Results of an old crawl (warc=), no network
    trawl.options()                        # every option: type, default, range, doc

A binding over libtrawl.so (ctypes); the package README lists every option.
"""

from ._lib import HEADER_VERSION_NUM, LibraryNotFound
from ._lib import lib as _clib
from ._errors import (BackendUnavailable, BadResponse, BlockedAddress, Cancelled, ConnectError, DNSError,
                      HostUnavailable, InputError,
                      HTTPError, InternalError, InvalidArgument, InvalidRegex, InvalidState, InvalidURL,
                      NetworkError, OptionTypeError, RegexBudgetExceeded, Timeout, TLSError,
                      RobotsDisallowed, TooLarge, TooManyRedirects, TrawlError, TrawlWarning, UnknownOption,
                      UnsupportedProtocol, URLError, WorkerCrashed, WorkerLost)
from ._options import Option, options
from ._result import Result
from ._stream import BatchStream
from ._api import Crawler, crawl, crawl_results, extract, extract_warc
from ._warc import WARCResults

__version__ = _clib.trawl_version().decode()


def shutdown_workers() -> None:
    """Ends the idle worker processes that backend="process" keeps between calls, and waits
    for them. Not needed before exiting: workers exit when their host process goes away."""
    _clib.trawl_pool_shutdown()


def _options_doc() -> str:
    try:
        described = options()
    except AttributeError:  # a library from before trawl_options_describe_json
        return ""
    rows = [f"        {o.name} ({o.type}, default {o.default!r}): {o.doc}"
            for o in described.values()]
    return "\n\n    Library options (trawl.options()):\n" + "\n".join(rows) + "\n"


Crawler.__doc__ = (Crawler.__doc__ or "") + _options_doc()

version_num = _clib.trawl_version_num()

__all__ = [
    "crawl", "crawl_results", "extract", "extract_warc", "WARCResults", "options", "shutdown_workers", "Crawler", "Result",
    "BatchStream", "Option", "TrawlError", "TrawlWarning", "InvalidArgument", "UnknownOption",
    "InvalidRegex", "InvalidState", "BackendUnavailable", "InternalError", "URLError", "OptionTypeError",
    "InvalidURL", "UnsupportedProtocol", "DNSError", "ConnectError", "Timeout",
    "TooManyRedirects", "TooLarge", "TLSError", "HTTPError", "NetworkError", "WorkerCrashed",
    "WorkerLost", "RegexBudgetExceeded", "Cancelled", "BadResponse", "RobotsDisallowed", "BlockedAddress", "HostUnavailable", "InputError", "LibraryNotFound",
    "HEADER_VERSION_NUM",
    "__version__", "version_num",
]
