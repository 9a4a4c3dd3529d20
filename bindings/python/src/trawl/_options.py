# SPDX-License-Identifier: Apache-2.0
"""The library's options as it describes them (trawl_options_describe_json), and the
translation of Python keyword arguments (`headers=` dicts, `timeout=` tuples) into them."""

import ctypes
import json
import math
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Optional, Tuple

from . import _lib
from ._errors import OptionTypeError

lib = _lib.lib

# The longest per-URL limit the library accepts (one year): "no total limit", as requests has
# none when its timeout is a (connect, read) tuple.
_NO_TOTAL_LIMIT = 31_536_000.0


@dataclass(frozen=True)
class Option:
    """One option as libtrawl describes it.

    `type` is one of "int", "double", "string", "bool", "choice", "list"; `min`/`max` bound
    numbers (None when unbounded); `choices` lists a choice's values; `scope` says which part
    of trawl reads it (fetch, extract, batch, process, cluster); `flag` is the CLI flag;
    `repeatable` options (type "list") take one value per call, so Python accepts a list.
    """

    name: str
    type: str
    default: Any
    min: Optional[float]
    max: Optional[float]
    choices: Optional[Tuple[str, ...]]
    scope: str
    flag: Optional[str]
    repeatable: bool
    doc: str


_described: Optional[Dict[str, Option]] = None


def options() -> Dict[str, Option]:
    """Every option of the loaded libtrawl, by name, in the library's order, with its type,
    default, range and one-line doc (from trawl_options_describe_json: no copy of the list
    lives in this package). Keyword arguments of Crawler, crawl and crawl_results take these
    names, plus the Python-only `headers`, `patterns`, `progress` and `errors`."""
    global _described
    if _described is None:
        fn = lib.trawl_options_describe_json
        fn.restype = ctypes.c_char_p
        fn.argtypes = []
        rows = json.loads(fn().decode("utf-8"))
        _described = {r["name"]: Option(
            name=r["name"], type=r["type"], default=r.get("default"), min=r.get("min"),
            max=r.get("max"), choices=tuple(r["choices"]) if r.get("choices") else None,
            scope=r.get("scope", ""), flag=r.get("flag"), repeatable=bool(r.get("repeatable")),
            doc=r.get("doc", "")) for r in rows}
    return dict(_described)


def _known() -> Dict[str, Option]:
    """options(), or {} from a library too old to describe them (the C setters then judge)."""
    try:
        return options()
    except AttributeError:
        return {}


_TYPE_WORDS = {"int": "an int", "double": "a number", "string": "a str", "bool": "a bool",
               "choice": "a str", "list": "a str or a list of str"}


def _typename(value: Any) -> str:
    return type(value).__name__


# Integer options that also take the string "auto" (trawl.h: trawl_options_set_str).
_AUTO = {"concurrency"}


def _check_type(opt: Option, value: Any) -> None:
    """TypeError naming the option when `value` has the wrong Python type for it."""
    t = opt.type
    is_int = isinstance(value, int) and not isinstance(value, bool)
    ok = {
        "int": is_int or (opt.name in _AUTO and isinstance(value, str) and value.lower() == "auto"),
        "double": is_int or isinstance(value, float),
        "bool": isinstance(value, bool) or (is_int and value in (0, 1)),
        "string": isinstance(value, str),
        "choice": isinstance(value, str) or is_int,
        "list": isinstance(value, str),
    }.get(t, True)
    if not ok:
        raise OptionTypeError(f"option {opt.name!r} takes {_TYPE_WORDS.get(t, t)}, "
                              f"got {_typename(value)}", code=1, name="invalid_argument")


def _header_lines(headers: Any) -> List[str]:
    if not isinstance(headers, Mapping):
        raise TypeError(f"option 'headers' takes a dict of str to str, got {_typename(headers)}")
    lines = []
    for name, value in headers.items():
        if not isinstance(name, str) or not isinstance(value, str):
            raise TypeError("option 'headers' takes a dict of str to str, got "
                            f"{_typename(name)}: {_typename(value)}")
        lines.append(f"{name}: {value}")
    return lines


def _seconds(what: str, value: Any) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"option 'timeout': the {what} timeout takes a number of seconds or "
                        f"None, got {_typename(value)}")
    return float(value)


def _timeout_settings(timeout: Any, options: Mapping[str, Any]) -> List[Tuple[str, Any]]:
    """`timeout=` as requests means it: a number is trawl's limit for the whole URL; a
    (connect, read) tuple limits the connection and the longest silence between received
    bytes (libcurl's low-speed limit), with no limit on the whole transfer."""
    if timeout is None:
        return []
    if not isinstance(timeout, tuple):
        return [("timeout", timeout)]
    if len(timeout) != 2:
        raise TypeError(f"option 'timeout' takes a number or a (connect, read) tuple, got a "
                        f"tuple of {len(timeout)}")
    connect, read = _seconds("connect", timeout[0]), _seconds("read", timeout[1])
    for key, given in (("connect_timeout", connect), ("read_timeout", read)):
        if given is not None and options.get(key) is not None:
            raise ValueError(f"timeout=(connect, read) and {key}= both set the {key}; "
                             "give only one")
    out: List[Tuple[str, Any]] = [("timeout", _NO_TOTAL_LIMIT)]
    if connect is not None:
        out.append(("connect_timeout", connect))
    if read is not None:
        # The low-speed window counts whole seconds; rounding up never cuts a transfer sooner
        # than asked.
        out.append(("read_timeout", float(math.ceil(read)) if read > 0 else read))
    return out


def settings(options: Dict[str, Any]) -> List[Tuple[str, Any]]:
    """The (C option name, value) pairs for the keyword arguments `options`, in order, after
    type checks against the library's description. Raises TypeError or ValueError naming the
    option; unknown names are left for the library to reject (UnknownOption)."""
    options = dict(options)
    headers = options.pop("headers", None)
    timeout = options.pop("timeout", None)
    out: List[Tuple[str, Any]] = []
    out.extend(_timeout_settings(timeout, options))
    if headers is not None:
        lines = _header_lines(headers)
        given = options.get("header")
        given = [given] if isinstance(given, str) else list(given or [])
        taken = {h.split(":", 1)[0].strip().lower() for h in given if isinstance(h, str)}
        for line in lines:
            name = line.split(":", 1)[0].strip().lower()
            if name in taken:
                raise ValueError(f"header {name!r} is given by both headers= and header=")
        out.extend(("header", line) for line in lines)
    known = _known()
    for key, value in options.items():
        if value is None:
            continue
        values = list(value) if isinstance(value, (list, tuple)) else [value]
        opt = known.get(key)
        if opt is not None:
            if len(values) != 1 and not opt.repeatable:
                raise OptionTypeError(f"option {key!r} takes one value, got a {_typename(value)}",
                                      code=1, name="invalid_argument")
            for v in values:
                _check_type(opt, v)
        out.extend((key, v) for v in values)
    return out
