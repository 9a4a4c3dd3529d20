/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Create/crawl/free cycles through the C API, for valgrind (make c-test-cycles): every cycle
 * makes options, a crawler and a batch of three corpus pages plus one 404 and one refused URL
 * from the loopback server of Tests/c/run.sh, takes every result with trawl_batch_next, checks
 * it and frees everything. Valgrind then reports any error or definitely lost byte; this
 * program checks that the resident set stays steady: after WARMUP cycles (caches, the Swift
 * runtime's metadata, glibc's arenas are then filled) it may grow by at most GROWTH_KB over the
 * remaining cycles. Environment: TRAWL_TEST_BASE, TRAWL_TEST_PAGES, TRAWL_TEST_CORPUS (run.sh),
 * TRAWL_CYCLES (default 1000).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trawl.h"
#include "check.h"

/* Under valgrind the resident set also holds valgrind's queue of freed blocks (--freelist-vol,
 * 20 MB by default), which fills over the cycles: the leak check is the test there. */
enum { WARMUP = 100, GROWTH_KB = 4096, VALGRIND_GROWTH_KB = 32768, URLS = 5 };

/* The resident set in KiB, from /proc/self/statm (its second field, in pages). */
static long rss_kb(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    long size = 0, resident = 0;
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * 4;
}

/* One cycle; returns the number of results that were not as expected. */
static int cycle(const char *const *urls) {
    trawl_options *o = NULL;
    trawl_crawler *c = NULL;
    trawl_batch *b = NULL;
    trawl_result *r = NULL;
    int bad = 0, got = 0;
    if (trawl_options_new(&o) != TRAWL_OK) return URLS;
    trawl_options_set_int(o, "jobs", 2);
    trawl_options_set_double(o, "timeout", 120.0);  /* valgrind on a loaded machine is slow */
    trawl_status s = trawl_crawler_new(o, &c);
    trawl_options_free(o);
    if (s != TRAWL_OK) {
        fprintf(stderr, "trawl_crawler_new: %s\n", trawl_crawler_last_error(c));
        trawl_crawler_free(c);
        return URLS;
    }
    if (trawl_batch_start(c, urls, URLS, &b) != TRAWL_OK) {
        trawl_crawler_free(c);
        return URLS;
    }
    while ((s = trawl_batch_next(b, &r, -1)) == TRAWL_OK) {
        size_t i = trawl_result_index(r);
        int want_status = i < 3 ? 200 : (i == 3 ? 404 : -1);
        int ok = i < URLS && trawl_result_status(r) == want_status
                 && (i < 4 ? trawl_result_error(r) == TRAWL_OK : trawl_result_error(r) == TRAWL_UNSUPPORTED_PROTOCOL)
                 && (i >= 3 || trawl_result_match_count(r, 1) > 0 || trawl_result_bytes(r) > 0);
        if (!ok) {
            bad++;
            fprintf(stderr, "result %zu: status %d, error %d (%s)\n", i, (int)trawl_result_status(r),
                    (int)trawl_result_error(r), trawl_result_error_message(r) ? trawl_result_error_message(r) : "");
        }
        got++;
        trawl_result_free(r);
    }
    if (s != TRAWL_DONE || got != URLS) bad++;
    trawl_batch_free(b);
    trawl_crawler_free(c);
    return bad;
}

int main(void) {
    const char *base = getenv("TRAWL_TEST_BASE"), *prefix = getenv("TRAWL_TEST_PAGES");
    const char *corpus = getenv("TRAWL_TEST_CORPUS"), *n_env = getenv("TRAWL_CYCLES");
    if (!base || !prefix || !corpus) {
        fprintf(stderr, "run me through Tests/c/run.sh\n");
        return 2;
    }
    long cycles = n_env ? atol(n_env) : 1000;
    static char buf[URLS][512];
    const char *urls[URLS];
    char names[512];
    snprintf(names, sizeof names, "%s", corpus);
    char *save = NULL, *name = strtok_r(names, ",", &save);
    for (int i = 0; i < 3; i++) {
        snprintf(buf[i], sizeof buf[i], "%s%s", prefix, name ? name : "missing.html");
        name = strtok_r(NULL, ",", &save);
    }
    snprintf(buf[3], sizeof buf[3], "%s/status/404", base);
    snprintf(buf[4], sizeof buf[4], "ftp://127.0.0.1/x");
    for (int i = 0; i < URLS; i++) urls[i] = buf[i];

    long failures = 0, warm = -1;
    for (long k = 0; k < cycles; k++) {
        failures += cycle(urls);
        if (k + 1 == WARMUP) warm = rss_kb();
    }
    long end = rss_kb();
    const char *checker = getenv("TRAWL_SANITIZER");
    long bound = checker && strcmp(checker, "valgrind") == 0 ? VALGRIND_GROWTH_KB : GROWTH_KB;
    CHECK_EQ_INT(failures, 0);
    if (cycles > WARMUP) {
        printf("%ld cycles: RSS %ld KiB after %d, %ld KiB at the end (growth %ld KiB, bound %ld)\n",
               cycles, warm, WARMUP, end, end - warm, bound);
        CHECK(warm > 0 && end > 0);
        CHECK(end - warm <= bound);
    }
    return check_summary();
}
