/* SPDX-License-Identifier: Apache-2.0
 *
 * libbrotli's decoder for Swift (no macros to wrap). */
#ifndef TRAWL_CBROTLI_SHIM_H
#define TRAWL_CBROTLI_SHIM_H

#include <brotli/decode.h>

#endif
