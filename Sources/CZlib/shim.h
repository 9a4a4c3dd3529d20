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

/* deflateInit2 likewise: WARC files are written as one gzip member per record. */
static inline int trawl_deflate_init2(z_stream *s, int level, int window_bits) {
    return deflateInit2(s, level, Z_DEFLATED, window_bits, 8, Z_DEFAULT_STRATEGY);
}

#endif
