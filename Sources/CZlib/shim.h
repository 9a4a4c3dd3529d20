/* SPDX-License-Identifier: Apache-2.0
 *
 * zlib for Swift: inflateInit2 is a macro (it passes the header's version and the stream's
 * size), which Swift cannot call. */
#ifndef TRAWL_CZLIB_SHIM_H
#define TRAWL_CZLIB_SHIM_H

#include <zlib.h>

static inline int trawl_inflate_init2(z_stream *s, int window_bits) {
    return inflateInit2(s, window_bits);
}

#endif
