# SPDX-License-Identifier: Apache-2.0
"""trawl's errors as Python exceptions: one class per kind, each with `code` (the C status
number), `name` (its snake_case name, as in JSON) and `message`."""


class TrawlError(Exception):
    """Base class of every trawl error."""

    code = -1
    name = "unknown"

    def __init__(self, message, code=None, name=None):
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if name is not None:
            self.name = name

    def __str__(self):
        return f"{self.name}: {self.message}"

    def __reduce__(self):
        # Picklable, so that errors cross joblib / dask process boundaries intact.
        return (_rebuild, (self.code, self.name, self.message))


class InvalidArgument(TrawlError, ValueError):
    """An argument or option value is invalid."""


class OptionTypeError(InvalidArgument, TypeError):
    """An option value of the wrong Python type: a TypeError, as Python's own calls raise,
    and an InvalidArgument (code 1), as the library would have said."""


class UnknownOption(InvalidArgument, TypeError):
    """An option name the library does not know."""


class InvalidRegex(TrawlError, ValueError):
    """A pattern does not compile; the message gives PCRE2's reason and the offset. `pos`, as
    `re.error.pos`, is where in the pattern (in code points), or None when not known."""

    pos = None

    def __reduce__(self):
        return (_rebuild, (self.code, self.name, self.message, self.pos))


class InvalidState(TrawlError):
    pass


class BackendUnavailable(TrawlError):
    """The chosen backend cannot run here."""


class InternalError(TrawlError):
    pass


class URLError(TrawlError):
    """Why one URL failed (a result's `error`): `name` says how (`"dns"`, `"timeout"`, ...)."""


class InvalidURL(URLError, ValueError):
    """The URL does not parse, or names no host."""


class UnsupportedProtocol(URLError):
    """The URL's scheme is not among the allowed `protocols`."""


class DNSError(URLError, ConnectionError):
    """The host name did not resolve."""


class ConnectError(URLError, ConnectionError):
    """No connection could be made (refused, unreachable, connect timeout)."""


class Timeout(URLError, TimeoutError):
    """The URL took longer than `timeout`, or was silent for longer than `read_timeout`."""


class TooManyRedirects(URLError):
    """More redirects than `max_redirects`."""


class TooLarge(URLError):
    """The body was larger than `max_bytes`."""


class TLSError(URLError, ConnectionError):
    """The TLS handshake or certificate check failed."""


class HTTPError(URLError):
    """An HTTP-level failure."""


class NetworkError(URLError, ConnectionError):
    """The transfer failed on the network after it started."""


class WorkerCrashed(URLError):
    """A process-backend worker died on this URL more often than `max_attempts`."""


class WorkerLost(URLError):
    """A cluster worker stopped answering for this URL more often than allowed."""


class HostUnavailable(URLError):
    """The host's circuit breaker found it down (`breaker_threshold` connect failures or
    timeouts in a row, then failed probes), or it asked to retry later than `retry_max`."""


class RegexBudgetExceeded(URLError):
    """A pattern ran out of its backtracking budget on one page."""


class Cancelled(URLError):
    """The batch was cancelled before this URL finished."""


class BadResponse(URLError):
    """The server's response violates HTTP: garbage or HTTP/0.9, oversized headers, a body
    that is not what its Content-Encoding says."""


class InputError(URLError):
    """The batch's URL source failed while it was read; reported once."""


class RobotsDisallowed(URLError):
    """The site's robots.txt refuses this URL to trawl's user-agent token (respect_robots)."""


class BlockedAddress(URLError):
    """The SSRF guard refused to connect: the host resolved to a loopback, private,
    link-local or otherwise non-public address (block_private_addresses); the message
    names the address."""


_API_CLASSES = {
    1: InvalidArgument,
    2: UnknownOption,
    3: InvalidRegex,
    4: InvalidState,
    7: InternalError,
    8: BackendUnavailable,
}
_URL_CLASSES = {20: InvalidURL, 21: UnsupportedProtocol, 22: DNSError, 23: ConnectError,
                24: Timeout, 25: TooManyRedirects, 26: TooLarge, 27: TLSError, 28: HTTPError,
                29: NetworkError, 30: RegexBudgetExceeded, 31: Cancelled, 32: WorkerCrashed,
                33: WorkerLost, 34: HostUnavailable, 35: RobotsDisallowed, 36: BlockedAddress, 37: BadResponse,
                38: InputError}


class TrawlWarning(UserWarning):
    """trawl.crawl(errors="warn"): some URLs failed and came back as empty matches."""


def error_for(code, name, message):
    """The exception for a trawl status `code`."""
    cls = _API_CLASSES.get(code) or _URL_CLASSES.get(code) or (URLError if code >= 20 else TrawlError)
    return cls(message, code=code, name=name)


def _rebuild(code, name, message, pos=None):
    e = error_for(code, name, message)
    if pos is not None:
        e.pos = pos
    return e
