/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crawl: fetch the URLs given on the command line with trawl's default patterns ("button" ids
 * and "link" hrefs) and print every match, streaming results as they complete.
 *
 *   cc crawl.c $(pkg-config --cflags --libs trawl) -o crawl
 *   ./crawl http://127.0.0.1:8765/site/001.html ...   (the demo site: `make site`)
 */
#include <stdio.h>
#include <trawl.h>

int main(int argc, char **argv) {
    trawl_options *opts = NULL;
    trawl_crawler *crawler = NULL;
    trawl_batch *batch = NULL;
    trawl_result *result = NULL;
    trawl_status st;
    int exit_code = 1;

    if (argc < 2) {
        fprintf(stderr, "usage: %s URL...\n", argv[0]);
        return 2;
    }
    if (trawl_version_num() < TRAWL_VERSION_NUM) {
        fprintf(stderr, "libtrawl %s is older than this program's header (%s)\n", trawl_version(),
                TRAWL_VERSION_STRING);
        return 1;
    }

    if (trawl_options_new(&opts) != TRAWL_OK) return 1;
    /* Print results as they finish rather than in input order. */
    if (trawl_options_set_int(opts, "order", TRAWL_ORDER_COMPLETED) != TRAWL_OK ||
        trawl_options_set_double(opts, "timeout", 10.0) != TRAWL_OK) {
        fprintf(stderr, "option: %s\n", trawl_options_last_error(opts));
        goto done;
    }
    if ((st = trawl_crawler_new(opts, &crawler)) != TRAWL_OK) {
        fprintf(stderr, "crawler: %s: %s\n", trawl_strerror(st), trawl_crawler_last_error(crawler));
        goto done;
    }
    if ((st = trawl_batch_start(crawler, (const char *const *)(argv + 1), (size_t)(argc - 1), &batch)) != TRAWL_OK) {
        fprintf(stderr, "start: %s\n", trawl_strerror(st));
        goto done;
    }

    /* Every URL yields exactly one result; TRAWL_DONE ends the loop. */
    while ((st = trawl_batch_next(batch, &result, -1)) == TRAWL_OK) {
        size_t p, i;
        if (trawl_result_error(result) != TRAWL_OK) {
            printf("%s: %s (%s)\n", trawl_result_url(result), trawl_status_name(trawl_result_error(result)),
                   trawl_result_error_message(result));
        } else {
            printf("%s: HTTP %d, %lld bytes\n", trawl_result_url(result), (int)trawl_result_status(result),
                   (long long)trawl_result_bytes(result));
        }
        for (p = 0; p < trawl_result_pattern_count(result); p++) {
            for (i = 0; i < trawl_result_match_count(result, p); i++) {
                const char *text;
                size_t len;
                /* The default patterns have one group: string 0 of each match. */
                if (trawl_result_match(result, p, i, 0, &text, &len) == TRAWL_OK)
                    printf("  %s: %.*s\n", trawl_result_pattern_name(result, p), (int)len, text);
            }
        }
        trawl_result_free(result);
    }
    exit_code = st == TRAWL_DONE ? 0 : 1;

done:
    trawl_batch_free(batch);
    trawl_crawler_free(crawler);
    trawl_options_free(opts);
    return exit_code;
}
