/* SPDX-License-Identifier: Apache-2.0
 *
 * libpsl (the Public Suffix List library libcurl itself links) for Swift: follow mode's
 * `domain` scope compares registrable domains, which only the list can tell
 * (a.example.co.uk and b.example.co.uk share example.co.uk; a.github.io and b.github.io share
 * nothing). Never a hand-kept suffix list. */
#ifndef TRAWL_CPSL_SHIM_H
#define TRAWL_CPSL_SHIM_H

#include <libpsl.h>

#endif
