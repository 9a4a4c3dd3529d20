/* SPDX-License-Identifier: Apache-2.0
 *
 * hiredis for Swift. Only the argv forms of commands are used (binary-safe, no format
 * strings around URLs); Debian 12 ships hiredis 0.14.1, so nothing newer is called. */
#ifndef TRAWL_CHIREDIS_SHIM_H
#define TRAWL_CHIREDIS_SHIM_H

#include <hiredis/hiredis.h>

/* redisContext's `err`/`errstr` are public struct fields in 0.14; reading them through
 * these keeps the struct layout out of Swift code (errstr is a fixed char[128] that Swift
 * would import as a 128-element tuple). */
static inline int trawl_redis_err(const redisContext *c) {
    return c ? c->err : REDIS_ERR_OTHER;
}

static inline const char *trawl_redis_errstr(const redisContext *c) {
    return c ? c->errstr : "no context";
}

#endif
