/* SPDX-License-Identifier: Apache-2.0
 *
 * glibc's malloc tuning for the trawl executable. <malloc.h> is not part of Swift's Glibc
 * module, and mallopt's parameters are macros. */
#ifndef TRAWL_CMALLOC_SHIM_H
#define TRAWL_CMALLOC_SHIM_H

#include <malloc.h>

/* Pages of a few hundred kilobytes are allocated and freed thousands of times a second.
 * glibc serves blocks above its mmap threshold with mmap and gives freed heap tops back to
 * the kernel, so each page costs page faults, zeroing and munmap: measured here, a third of
 * a crawl's system time. Keeping such blocks in the heap makes them reusable. Only the
 * executable calls this; the library never changes its host's allocator. */
static inline void trawl_tune_malloc_for_pages(void) {
    mallopt(M_MMAP_THRESHOLD, 32 * 1024 * 1024);
    mallopt(M_TRIM_THRESHOLD, 256 * 1024 * 1024);
}

#endif
