/* SPDX-License-Identifier: Apache-2.0
 *
 * libidn2 (the IDNA library libcurl itself links) for Swift: international host names
 * become their ASCII (punycode) form before libcurl sees them. */
#ifndef TRAWL_CIDN2_SHIM_H
#define TRAWL_CIDN2_SHIM_H

#include <idn2.h>

#endif
