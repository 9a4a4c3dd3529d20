/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Extraction from WARC files through the C API (trawl_warc_open / _next / _last_error /
 * _close): pages crawled from the loopback server with the "warc" option, then read back;
 * every page's matches must equal the crawl's, for the file as trawl wrote it (gzip per
 * record), uncompressed and gzip'd whole. Then the damaged inputs: a truncated file, a file
 * that is no WARC, a missing one, NULL arguments. Included by test_trawl.c (one CHECK tally).
 */
#ifndef TRAWL_TEST_WARC_TESTS_H
#define TRAWL_TEST_WARC_TESTS_H

#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#define WARC_TEST_PAGES 8

/* Whether every string of every match of every pattern of a and b is equal. */
static int same_matches(const trawl_result *a, const trawl_result *b) {
    size_t p, i, j, n = trawl_result_pattern_count(a);
    if (n != trawl_result_pattern_count(b) || n == 0) return 0;
    for (p = 0; p < n; p++) {
        size_t count = trawl_result_match_count(a, p), groups = trawl_result_group_count(a, p);
        if (strcmp(trawl_result_pattern_name(a, p), trawl_result_pattern_name(b, p)) != 0) return 0;
        if (count != trawl_result_match_count(b, p) || groups != trawl_result_group_count(b, p)) return 0;
        for (i = 0; i < count; i++) {
            for (j = 0; j < (groups > 1 ? groups : 1); j++) {
                const char *x = NULL, *y = NULL;
                size_t lx = 0, ly = 0;
                if (trawl_result_match(a, p, i, j, &x, &lx) != TRAWL_OK) return 0;
                if (trawl_result_match(b, p, i, j, &y, &ly) != TRAWL_OK) return 0;
                if (lx != ly || memcmp(x, y, lx) != 0) return 0;
            }
        }
    }
    return 1;
}

static int same_string(const char *a, const char *b) {
    return (a == NULL || b == NULL) ? a == b : strcmp(a, b) == 0;
}

/* Reads every result of the WARC file at path and checks each against the crawl's result for
 * its URL (list: the crawl, in input order). Returns how many results the file gave, -1 when
 * it could not be opened; *status receives the status that ended the reading. */
static long warc_check_file(trawl_crawler *c, const char *path, const trawl_result_list *list,
                            int *seen, trawl_status *status) {
    trawl_warc_reader *rd = NULL;
    trawl_result *r = NULL;
    long n = 0;
    size_t k;
    *status = trawl_warc_open(c, path, &rd);
    if (*status != TRAWL_OK) {
        CHECK(rd == NULL);
        return -1;
    }
    while ((*status = trawl_warc_next(rd, &r)) == TRAWL_OK) {
        const trawl_result *crawled = NULL;
        CHECK_EQ_INT(trawl_result_index(r), n);
        for (k = 0; k < trawl_result_list_count(list); k++) {
            const trawl_result *x = trawl_result_list_get(list, k);
            if (same_string(trawl_result_final_url(x), trawl_result_url(r))) {
                crawled = x;
                seen[k]++;
            }
        }
        if (CHECK(crawled != NULL)) {
            CHECK_STR(trawl_result_final_url(r), trawl_result_url(r));
            CHECK_EQ_INT(trawl_result_status(r), trawl_result_status(crawled));
            CHECK_EQ_INT(trawl_result_error(r), TRAWL_OK);
            CHECK_EQ_INT(trawl_result_bytes(r), trawl_result_bytes(crawled));
            CHECK(same_string(trawl_result_charset(r), trawl_result_charset(crawled)));
            CHECK(same_string(trawl_result_content_type(r), trawl_result_content_type(crawled)));
            if (!CHECK(same_matches(r, crawled))) fprintf(stderr, "     page %s\n", trawl_result_url(r));
        }
        n++;
        trawl_result_free(r);
        r = NULL;
    }
    CHECK(r == NULL);
    if (*status != TRAWL_DONE) {
        CHECK(strlen(trawl_warc_last_error(rd)) > 0);
        /* The error is returned once: the reading is over. */
        CHECK_EQ_INT(trawl_warc_next(rd, &r), TRAWL_DONE);
        CHECK(r == NULL);
    } else {
        CHECK_STR(trawl_warc_last_error(rd), "");
        CHECK_EQ_INT(trawl_warc_next(rd, &r), TRAWL_DONE);
    }
    trawl_warc_close(rd);
    return n;
}

/* Runs a shell command (gzip, head), returning whether it succeeded. */
static int sh(const char *fmt, const char *a, const char *b) {
    char cmd[2048];
    snprintf(cmd, sizeof cmd, fmt, a, b);
    return system(cmd) == 0;
}

static void test_warc_extract(void) {
    char dir[] = "/tmp/trawl-c-warc-XXXXXX";
    char prefix[512], pattern[600], plain[600], whole[600], cut[600], html[600];
    const char *urls[WARC_TEST_PAGES];
    char *owned[WARC_TEST_PAGES];
    int seen[WARC_TEST_PAGES], i;
    trawl_options *o = NULL;
    trawl_crawler *c = NULL, *failed = NULL;
    trawl_result_list *list = NULL;
    trawl_warc_reader *rd = NULL;
    trawl_result *r = NULL;
    trawl_status st;
    glob_t files;
    long n, total = 0;
    size_t k;
    struct stat sb;
    FILE *f;

    if (!CHECK(mkdtemp(dir) != NULL)) return;
    snprintf(prefix, sizeof prefix, "%s/crawl", dir);
    /* Site pages, and bodies that arrive gzip- and brotli-encoded: decoded again on reading. */
    for (i = 0; i < WARC_TEST_PAGES; i++) {
        char path[64];
        if (i == 0) snprintf(path, sizeof path, "/gzip");
        else if (i == 1) snprintf(path, sizeof path, "/br");
        else snprintf(path, sizeof path, "/site/%03d.html", i);
        owned[i] = url_of(path);
        urls[i] = owned[i];
        seen[i] = 0;
    }
    if (!CHECK(trawl_options_new(&o) == TRAWL_OK)) return;
    CHECK_EQ_INT(trawl_options_set_str(o, "warc", prefix), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_int(o, "jobs", 2), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "absolute_links", "link"), TRAWL_OK);
    if (!CHECK(trawl_crawler_new(o, &c) == TRAWL_OK)) fprintf(stderr, "%s\n", trawl_crawler_last_error(c));
    CHECK_EQ_INT(trawl_crawl(c, urls, WARC_TEST_PAGES, &list), TRAWL_OK);
    for (k = 0; k < trawl_result_list_count(list); k++) {
        CHECK_EQ_INT(trawl_result_status(trawl_result_list_get(list, k)), 200);
    }

    /* The files as written: every page once, with the crawl's matches. Reading writes no
     * archive of its own, although this crawler has the warc option. */
    snprintf(pattern, sizeof pattern, "%s-*.warc.gz", prefix);
    if (CHECK(glob(pattern, 0, NULL, &files) == 0)) {
        CHECK_EQ_INT(files.gl_pathc, 1);
        for (k = 0; k < files.gl_pathc; k++) {
            n = warc_check_file(c, files.gl_pathv[k], list, seen, &st);
            CHECK_EQ_INT(st, TRAWL_DONE);
            total += n;
        }
        CHECK_EQ_INT(total, WARC_TEST_PAGES);
        for (i = 0; i < WARC_TEST_PAGES; i++) CHECK_EQ_INT(seen[i], 1);

        /* Uncompressed, and gzip'd as one member: the same results. */
        snprintf(plain, sizeof plain, "%s/plain.warc", dir);
        snprintf(whole, sizeof whole, "%s/whole.warc.gz", dir);
        CHECK(sh("gzip -dc '%s' > '%s'", files.gl_pathv[0], plain));
        CHECK(sh("gzip -c '%s' > '%s'", plain, whole));
        CHECK_EQ_INT(warc_check_file(c, plain, list, seen, &st), WARC_TEST_PAGES);
        CHECK_EQ_INT(st, TRAWL_DONE);
        CHECK_EQ_INT(warc_check_file(c, whole, list, seen, &st), WARC_TEST_PAGES);
        CHECK_EQ_INT(st, TRAWL_DONE);
        for (i = 0; i < WARC_TEST_PAGES; i++) CHECK_EQ_INT(seen[i], 3);

        /* Cut in the middle: the records before the cut, then TRAWL_INPUT_ERROR once. */
        if (CHECK(stat(plain, &sb) == 0)) {
            snprintf(cut, sizeof cut, "%s/cut.warc", dir);
            CHECK(sh("cp '%s' '%s'", plain, cut));
            CHECK(truncate(cut, sb.st_size / 2) == 0);
            n = warc_check_file(c, cut, list, seen, &st);
            CHECK_EQ_INT(st, TRAWL_INPUT_ERROR);
            CHECK(n > 0 && n < WARC_TEST_PAGES);
            if (CHECK(trawl_warc_open(c, cut, &rd) == TRAWL_OK)) {
                while ((st = trawl_warc_next(rd, &r)) == TRAWL_OK) {
                    trawl_result_free(r);
                    r = NULL;
                }
                CHECK_EQ_INT(st, TRAWL_INPUT_ERROR);
                CHECK_CONTAINS(trawl_warc_last_error(rd), "is truncated (the file ends inside it)");
                CHECK_CONTAINS(trawl_warc_last_error(rd), cut);
                trawl_warc_close(rd);
                rd = NULL;
            }
            /* gzip'd whole and cut in the middle of its one member. */
            snprintf(cut, sizeof cut, "%s/cut.warc.gz", dir);
            CHECK(sh("cp '%s' '%s'", whole, cut));
            if (CHECK(stat(whole, &sb) == 0)) CHECK(truncate(cut, sb.st_size / 2) == 0);
            if (CHECK(trawl_warc_open(c, cut, &rd) == TRAWL_OK)) {
                while ((st = trawl_warc_next(rd, &r)) == TRAWL_OK) {
                    trawl_result_free(r);
                    r = NULL;
                }
                CHECK_EQ_INT(st, TRAWL_INPUT_ERROR);
                CHECK(strlen(trawl_warc_last_error(rd)) > 0);
                trawl_warc_close(rd);
                rd = NULL;
            }
        }
        globfree(&files);
    }

    /* No WARC file: refused at open, with trawl_last_error saying why. */
    snprintf(html, sizeof html, "%s/page.warc", dir);
    if (CHECK((f = fopen(html, "w")) != NULL)) {
        fputs("<html><a href=\"/x\">not an archive</a></html>\n", f);
        fclose(f);
    }
    rd = (trawl_warc_reader *)&st;  /* cleared on failure */
    CHECK_EQ_INT(trawl_warc_open(c, html, &rd), TRAWL_INPUT_ERROR);
    CHECK(rd == NULL);
    CHECK_CONTAINS(trawl_last_error(), "is not a WARC file");
    CHECK_EQ_INT(trawl_warc_open(c, "/nonexistent/trawl.warc.gz", &rd), TRAWL_IO);
    CHECK(rd == NULL);
    CHECK_CONTAINS(trawl_last_error(), "cannot read '/nonexistent/trawl.warc.gz'");
    /* An empty file is an archive without records. */
    if (CHECK((f = fopen(html, "w")) != NULL)) fclose(f);
    if (CHECK(trawl_warc_open(c, html, &rd) == TRAWL_OK)) {
        CHECK_STR(trawl_last_error(), "");
        CHECK_EQ_INT(trawl_warc_next(rd, &r), TRAWL_DONE);
        CHECK(r == NULL);
        trawl_warc_close(rd);
        rd = NULL;
    }

    /* NULL arguments, and a crawler that failed to compile. */
    CHECK_EQ_INT(trawl_warc_open(NULL, html, &rd), TRAWL_INVALID_ARGUMENT);
    CHECK(rd == NULL);
    CHECK_EQ_INT(trawl_warc_open(c, NULL, &rd), TRAWL_INVALID_ARGUMENT);
    CHECK_CONTAINS(trawl_last_error(), "path is NULL");
    CHECK_EQ_INT(trawl_warc_open(c, html, NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_warc_next(NULL, &r), TRAWL_INVALID_ARGUMENT);
    CHECK(r == NULL);
    if (CHECK(trawl_warc_open(c, html, &rd) == TRAWL_OK)) {
        CHECK_EQ_INT(trawl_warc_next(rd, NULL), TRAWL_INVALID_ARGUMENT);
        trawl_warc_close(rd);
        rd = NULL;
    }
    CHECK(trawl_warc_last_error(NULL) != NULL);
    trawl_warc_close(NULL);
    trawl_options_clear_patterns(o);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "bad", "(", 0), TRAWL_OK);
    CHECK_EQ_INT(trawl_crawler_new(o, &failed), TRAWL_INVALID_REGEX);
    CHECK_EQ_INT(trawl_warc_open(failed, html, &rd), TRAWL_INVALID_STATE);
    CHECK(rd == NULL);
    trawl_crawler_free(failed);

    /* A reader outlives its crawler. */
    snprintf(plain, sizeof plain, "%s/plain.warc", dir);
    if (CHECK(trawl_warc_open(c, plain, &rd) == TRAWL_OK)) {
        trawl_crawler_free(c);
        c = NULL;
        n = 0;
        while ((st = trawl_warc_next(rd, &r)) == TRAWL_OK) {
            n++;
            trawl_result_free(r);
            r = NULL;
        }
        CHECK_EQ_INT(st, TRAWL_DONE);
        CHECK_EQ_INT(n, WARC_TEST_PAGES);
        trawl_warc_close(rd);
    }

    trawl_options_free(o);
    trawl_crawler_free(c);
    trawl_result_list_free(list);
    for (i = 0; i < WARC_TEST_PAGES; i++) free(owned[i]);
    CHECK(sh("rm -rf '%s'%s", dir, ""));
}

#endif
