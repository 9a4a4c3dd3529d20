/* SPDX-License-Identifier: Apache-2.0 */
/*
 * crawl_json: the C API's answer that the binding tests compare with. Crawls the URLs with
 * the given patterns and prints trawl_result_list_json (JSON lines, input order).
 *
 *   crawl_json [-n] [-p NAME FLAGS REGEX]... -- URL...
 *
 * -n leaves the default patterns out; FLAGS is a TRAWL_FLAG_* sum in decimal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <trawl.h>

int main(int argc, char **argv) {
    trawl_options *opts = NULL;
    trawl_crawler *crawler = NULL;
    trawl_result_list *list = NULL;
    int i = 1, code = 1;

    if (trawl_options_new(&opts) != TRAWL_OK) return 1;
    for (; i < argc && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "-n") == 0) {
            if (trawl_options_set_int(opts, "default_patterns", 0) != TRAWL_OK) goto fail;
        } else if (strcmp(argv[i], "-p") == 0 && i + 3 < argc) {
            if (trawl_options_add_pattern(opts, argv[i + 1], argv[i + 3],
                                          (uint32_t)strtoul(argv[i + 2], NULL, 10)) != TRAWL_OK)
                goto fail;
            i += 3;
        } else {
            fprintf(stderr, "usage: %s [-n] [-p NAME FLAGS REGEX]... -- URL...\n", argv[0]);
            goto done;
        }
    }
    if (i < argc) i++;
    if (trawl_crawler_new(opts, &crawler) != TRAWL_OK) {
        fprintf(stderr, "crawler: %s\n", trawl_crawler_last_error(crawler));
        goto done;
    }
    if (trawl_crawl(crawler, (const char *const *)(argv + i), (size_t)(argc - i), &list) != TRAWL_OK)
        goto done;
    fputs(trawl_result_list_json(list, NULL), stdout);
    code = 0;
    goto done;
fail:
    fprintf(stderr, "options: %s\n", trawl_options_last_error(opts));
done:
    trawl_result_list_free(list);
    trawl_crawler_free(crawler);
    trawl_options_free(opts);
    return code;
}
