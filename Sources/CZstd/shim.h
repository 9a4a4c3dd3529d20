/* SPDX-License-Identifier: Apache-2.0
 *
 * libzstd's streaming decoder for Swift. ZSTD_createDCtx_advanced (a custom allocator, so
 * that trawl can bound the decoder's memory) is in the "static linking only" section of
 * zstd.h; Debian's libzstd.so.1 exports it, as every zstd 1.5 shared library does. */
#ifndef TRAWL_CZSTD_SHIM_H
#define TRAWL_CZSTD_SHIM_H

#define ZSTD_STATIC_LINKING_ONLY
#include <zstd.h>
#include <zstd_errors.h>

#endif
