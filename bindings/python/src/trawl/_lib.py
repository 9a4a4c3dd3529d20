# SPDX-License-Identifier: Apache-2.0
"""Loads libtrawl.so with ctypes and declares the C functions of include/trawl.h.

ctypes.CDLL releases the GIL around every foreign call, so a thread waiting in
trawl_batch_next does not block other Python threads.
"""

import ctypes
import ctypes.util
import os

# The header version this binding was written against (TRAWL_VERSION_NUM): the library must
# have the same major version and be at least this new.
HEADER_VERSION_NUM = 0x000100

OK = 0
DONE = 9
TIMED_OUT = 10

_c = ctypes
_p = _c.c_void_p
_str = _c.c_char_p
_size = _c.c_size_t
_status = _c.c_int32

PROGRESS_FN = _c.CFUNCTYPE(None, _size, _size, _size, _c.c_double, _p)
URL_SOURCE_FN = _c.CFUNCTYPE(_c.c_int, _p, _c.POINTER(_str))

# name: (restype, argtypes)
_PROTOTYPES = {
    "trawl_version": (_str, []),
    "trawl_version_num": (_c.c_int32, []),
    "trawl_strerror": (_str, [_status]),
    "trawl_status_name": (_str, [_status]),
    "trawl_options_new": (_status, [_c.POINTER(_p)]),
    "trawl_options_free": (None, [_p]),
    "trawl_options_set_int": (_status, [_p, _str, _c.c_int64]),
    "trawl_options_set_double": (_status, [_p, _str, _c.c_double]),
    "trawl_options_set_str": (_status, [_p, _str, _str]),
    "trawl_options_add_pattern": (_status, [_p, _str, _str, _c.c_uint32]),
    "trawl_options_clear_patterns": (_status, [_p]),
    "trawl_options_last_error": (_str, [_p]),
    "trawl_crawler_new": (_status, [_p, _c.POINTER(_p)]),
    "trawl_crawler_free": (None, [_p]),
    "trawl_crawler_last_error": (_str, [_p]),
    "trawl_crawler_error_offset": (_c.c_int64, [_p]),
    "trawl_last_error": (_str, []),
    "trawl_batch_start": (_status, [_p, _c.POINTER(_str), _size, _c.POINTER(_p)]),
    "trawl_batch_start_source": (_status, [_p, URL_SOURCE_FN, _p, _c.POINTER(_p)]),
    "trawl_batch_input_error": (_str, [_p]),
    "trawl_batch_next": (_status, [_p, _c.POINTER(_p), _c.c_int64]),
    "trawl_batch_cancel": (_status, [_p]),
    "trawl_batch_write": (_status, [_p, _c.c_int, _c.c_char_p]),
    "trawl_batch_progress": (_status, [_p, _c.POINTER(_size), _c.POINTER(_size),
                                       _c.POINTER(_size), _c.POINTER(_c.c_double)]),
    "trawl_batch_set_progress_callback": (_status, [_p, PROGRESS_FN, _p]),
    "trawl_batch_concurrency": (_status, [_p, _c.POINTER(_size), _c.POINTER(_size), _c.POINTER(_c.c_int)]),
    "trawl_batch_stats_json": (_p, [_p, _c.POINTER(_size)]),
    "trawl_batch_free": (None, [_p]),
    "trawl_extract": (_status, [_p, _c.c_char_p, _size, _c.POINTER(_p)]),
    "trawl_pool_shutdown": (_status, []),
    "trawl_warc_open": (_status, [_p, _str, _c.POINTER(_p)]),
    "trawl_warc_next": (_status, [_p, _c.POINTER(_p)]),
    "trawl_warc_last_error": (_str, [_p]),
    "trawl_warc_close": (None, [_p]),
    "trawl_result_index": (_size, [_p]),
    "trawl_result_elapsed": (_c.c_double, [_p]),
    "trawl_result_json": (_p, [_p, _c.POINTER(_size)]),
    "trawl_result_free": (None, [_p]),
}


class LibraryNotFound(ImportError):
    """libtrawl.so could not be found or loaded."""


def _candidates():
    env = os.environ.get("TRAWL_LIBRARY")
    if env:
        yield env
        return
    here = os.path.dirname(os.path.abspath(__file__))
    for name in ("libtrawl.so", "libtrawl.so.0"):
        path = os.path.join(here, name)
        if os.path.exists(path):
            yield path
    found = ctypes.util.find_library("trawl")
    if found:
        yield found
    yield "libtrawl.so.0"


def load():
    """Finds, loads and checks libtrawl.so; returns the ctypes library."""
    errors = []
    lib = None
    for path in _candidates():
        try:
            lib = ctypes.CDLL(path)
            break
        except OSError as e:
            errors.append(f"{path}: {e}")
    if lib is None:
        raise LibraryNotFound(
            "cannot load libtrawl.so (set TRAWL_LIBRARY to its path, or install it with "
            "`make install`): " + "; ".join(errors))
    for name, (restype, argtypes) in _PROTOTYPES.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    num = lib.trawl_version_num()
    if num >> 16 != HEADER_VERSION_NUM >> 16 or num < HEADER_VERSION_NUM:
        raise LibraryNotFound(
            f"libtrawl {lib.trawl_version().decode()} (0x{num:06x}) does not match this binding, "
            f"which needs 0x{HEADER_VERSION_NUM:06x} or a later {HEADER_VERSION_NUM >> 16}.x")
    return lib


lib = load()
