/* SPDX-License-Identifier: Apache-2.0
 *
 * The few glibc facilities Swift's Glibc module does not show: <malloc.h>, and GNU extensions
 * of <spawn.h> that a module cannot unlock with _GNU_SOURCE once the system headers are built
 * without it. */
#ifndef TRAWL_CPOSIX_SHIM_H
#define TRAWL_CPOSIX_SHIM_H

#include <malloc.h>
#include <spawn.h>

/* glibc >= 2.34 (Debian 12 has 2.36) declares this under _GNU_SOURCE only; same prototype. */
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *actions, int from);

/* A spawned worker must inherit only the descriptors it is given: a host's other descriptors
 * that lack close-on-exec (Foundation's pipes, a C program's sockets) would otherwise stay
 * open in the worker, and a pipe whose write end lives on in a worker never reaches EOF in
 * the host. */
static inline int trawl_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

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
