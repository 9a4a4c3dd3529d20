# SPDX-License-Identifier: Apache-2.0
"""Every option, walked from trawl_options_describe_json(): the values its entry allows are
accepted and the values just outside are refused, through the C setters and through the
Python API's keyword arguments; and the description keeps the shape bindings rely on."""

import ctypes
import json
import math

import pytest

import trawl
from trawl import _lib

# A CDLL of its own: declaring prototypes here leaves the binding's function objects alone.
c = ctypes.CDLL(_lib.lib._name)
c.trawl_options_describe_json.restype = ctypes.c_void_p
c.trawl_options_describe_json.argtypes = []
c.trawl_options_new.argtypes = [ctypes.POINTER(ctypes.c_void_p)]
c.trawl_options_free.argtypes = [ctypes.c_void_p]
c.trawl_options_set_int.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int64]
c.trawl_options_set_double.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_double]
c.trawl_options_set_str.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
c.trawl_options_last_error.restype = ctypes.c_char_p
c.trawl_options_last_error.argtypes = [ctypes.c_void_p]

OK, INVALID_ARGUMENT = 0, 1
KEYS = ["name", "type", "default", "min", "max", "choices", "scope", "flag", "repeatable", "doc"]
TYPES = {"int", "double", "string", "bool", "choice", "list"}
SCOPES = {"fetch", "extract", "batch", "process", "cluster"}
# Strings that reach a request line or header (issue 13: CR/LF injection).
REQUEST_STRINGS = {"user_agent", "header"}


def describe():
    return json.loads(ctypes.string_at(c.trawl_options_describe_json()).decode())


OPTIONS = describe()


def set_c(name, value):
    """Sets one option on fresh options through the C setter the value's type calls for;
    returns (status, message)."""
    opts = ctypes.c_void_p()
    assert c.trawl_options_new(ctypes.byref(opts)) == OK
    try:
        key = name.encode()
        if isinstance(value, str):
            status = c.trawl_options_set_str(opts, key, value.encode())
        elif isinstance(value, float):
            status = c.trawl_options_set_double(opts, key, value)
        else:
            status = c.trawl_options_set_int(opts, key, int(value))
        return status, c.trawl_options_last_error(opts).decode()
    finally:
        c.trawl_options_free(opts)


# Options whose values have a syntax of their own: valid samples written out.
SAMPLES = {
    "header": ["X-Sample: 1"],
    "resolve": ["example.com:80:127.0.0.1", "x.test:8080:127.0.0.1,::1"],
    "allow_hosts": ["example.com", "10.0.0.0/8"],
    "proxy": ["", "http://user:pw@127.0.0.1:3128", "socks5h://127.0.0.1:1080"],
    # A pattern of the crawler: a name that is none fails the crawler, not the option.
    "follow": ["", "link"],
}


def valid_values(o):
    t, lo, hi = o["type"], o["min"], o["max"]
    if o["name"] in SAMPLES:
        return SAMPLES[o["name"]]
    if t == "int":
        return [v for v in {o["default"], lo, hi, (lo + hi) // 2} if not (o["name"] == "jobs" and v == 0)]
    if t == "double":
        values = [float(o["default"]), float(lo), float(hi)]
        if float(lo).is_integer():
            values.append(int(lo))  # an int where seconds are expected
        return values
    if t == "bool":
        return [0, 1]
    if t == "choice":
        return list(o["choices"])
    if t == "list":
        return ["X-Sample: 1"] if o["repeatable"] else [",".join(o["default"])] + o["default"][:1]
    return [o["default"] or "", "sample"]


def invalid_values(o):
    t, lo, hi = o["type"], o["min"], o["max"]
    if t == "int":
        return [lo - 1, hi + 1, "1", 1.5]
    if t == "double":
        below = lo / 2 if lo > 0 else -0.5
        return [below, float(hi) + 1, math.nan, math.inf, "1"]
    if t == "bool":
        return [2, -1, 7, "1", 1.0]
    if t == "choice":
        return ["no-such-" + o["name"], "", 7]  # order also takes 0 and 1 (TRAWL_ORDER_*)
    values = [1, 1.0]
    if o["name"] in REQUEST_STRINGS:
        values += ["X-A: 1\r\nX-Injected: 1", "X-A: 1\nX-Injected: 1", "X-A: 1\r"]
    return values


def test_the_description_keeps_its_contract():
    assert isinstance(OPTIONS, list) and OPTIONS
    # Library-owned and built once: the same address on every call.
    assert c.trawl_options_describe_json() == c.trawl_options_describe_json()
    names = [o["name"] for o in OPTIONS]
    assert len(set(names)) == len(names)
    for o in OPTIONS:
        assert list(o) == KEYS, o["name"]
        assert o["type"] in TYPES and o["scope"] in SCOPES, o["name"]
        assert o["flag"].startswith("--") and o["doc"], o["name"]
        assert isinstance(o["repeatable"], bool)
        ranged = o["type"] in ("int", "double")
        assert (o["min"] is not None) == ranged and (o["max"] is not None) == ranged, o["name"]
        assert (o["choices"] is not None) == (o["type"] == "choice"), o["name"]
        if o["type"] == "choice":
            assert o["default"] in o["choices"], o["name"]
        if ranged:
            assert o["min"] <= o["default"] <= o["max"], o["name"]
    by_name = {o["name"]: o for o in OPTIONS}
    assert by_name["timeout"]["default"] == 30 and by_name["timeout"]["type"] == "double"
    assert by_name["header"]["repeatable"] and by_name["header"]["default"] == []
    assert by_name["verify_tls"]["default"] is True and by_name["verify_tls"]["flag"] == "--insecure"
    assert by_name["backend"]["choices"] == ["thread", "process", "cluster"]


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o["name"])
def test_every_option_accepts_its_range_through_c(option):
    for value in valid_values(option):
        status, message = set_c(option["name"], value)
        assert status == OK, f"{option['name']} = {value!r}: {message}"


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o["name"])
def test_every_option_refuses_the_rest_through_c(option):
    for value in invalid_values(option):
        status, message = set_c(option["name"], value)
        assert status == INVALID_ARGUMENT, f"{option['name']} accepted {value!r}"
        assert option["name"] in message, message


@pytest.mark.parametrize("option", OPTIONS, ids=lambda o: o["name"])
def test_every_option_through_the_python_api(option):
    """The same walk through trawl.Crawler's keyword arguments: valid values build a crawler
    (thread backend: process and cluster ones need workers or Redis), invalid ones raise
    InvalidArgument naming the option."""
    name = option["name"]
    if name == "default_patterns":
        return  # a keyword of its own, taken as bool(value) by the binding: 7 means True there
    for value in invalid_values(option):
        if isinstance(value, float) and math.isnan(value):
            continue
        with pytest.raises(trawl.InvalidArgument) as e:
            trawl.Crawler(**{name: value}).close()
        assert name in str(e.value)
    if name == "backend":
        return  # process and cluster need a worker executable or Redis: tests of their own
    for value in valid_values(option):
        trawl.Crawler(**{name: value}).close()


def test_clear_headers_is_zero_or_one():
    assert set_c("clear_headers", 1)[0] == OK
    assert set_c("clear_headers", 0)[0] == OK
    status, message = set_c("clear_headers", 7)
    assert status == INVALID_ARGUMENT and "clear_headers" in message
