/* SPDX-License-Identifier: Apache-2.0
 *
 * PCRE2 for Swift. pcre2.h picks its code unit width from a macro and exposes the API only
 * through width-suffixed names (pcre2_compile_8, ...); trawl always matches UTF-8 text. */
#ifndef TRAWL_CPCRE2_SHIM_H
#define TRAWL_CPCRE2_SHIM_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* PCRE2_UNSET and PCRE2_ZERO_TERMINATED are ~(PCRE2_SIZE)0 casts that Swift cannot import. */
static inline PCRE2_SIZE trawl_pcre2_unset(void) { return PCRE2_UNSET; }
static inline PCRE2_SIZE trawl_pcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }

#endif
