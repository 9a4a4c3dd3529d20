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


class UnknownOption(InvalidArgument, TypeError):
    """An option name the library does not know."""


class InvalidRegex(TrawlError, ValueError):
    """A pattern does not compile; the message gives PCRE2's reason and the offset."""


class InvalidState(TrawlError):
    pass


class BackendUnavailable(TrawlError):
    """The chosen backend cannot run here."""


class InternalError(TrawlError):
    pass


class URLError(TrawlError):
    """Why one URL failed (a result's `error`): `name` says how (`"dns"`, `"timeout"`, ...)."""


class RegexBudgetExceeded(URLError):
    """A pattern ran out of its backtracking budget on one page."""


class Cancelled(URLError):
    pass


_API_CLASSES = {
    1: InvalidArgument,
    2: UnknownOption,
    3: InvalidRegex,
    4: InvalidState,
    7: InternalError,
    8: BackendUnavailable,
}
_URL_CLASSES = {30: RegexBudgetExceeded, 31: Cancelled}


def error_for(code, name, message):
    """The exception for a trawl status `code`."""
    cls = _API_CLASSES.get(code) or _URL_CLASSES.get(code) or (URLError if code >= 20 else TrawlError)
    return cls(message, code=code, name=name)


def _rebuild(code, name, message):
    return error_for(code, name, message)
