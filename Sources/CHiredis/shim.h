/* SPDX-License-Identifier: Apache-2.0
 *
 * hiredis for Swift. Only the argv forms of commands are used (binary-safe, no format
 * strings around URLs); Debian 12 ships hiredis 0.14.1, so nothing newer is called. */
#ifndef TRAWL_CHIREDIS_SHIM_H
#define TRAWL_CHIREDIS_SHIM_H

#include <hiredis/hiredis.h>

#endif
