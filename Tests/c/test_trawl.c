/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The C API's tests: every function of include/trawl.h, every error path, streaming,
 * cancellation from a second thread, progress callbacks and JSON, against a real HTTP server on
 * loopback that Tests/c/run.sh starts. Environment (set by run.sh):
 *   TRAWL_TEST_BASE      http://127.0.0.1:PORT
 *   TRAWL_TEST_PAGES     URL prefix of the demo site's pages (BASE/site/)
 *   TRAWL_TEST_CORPUS    three page names, comma-separated
 *   TRAWL_TEST_JSON_OUT  (optional) where to write the JSON lines of the site crawl, which
 *                        run.sh compares with the CLI's output
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "trawl.h"
#include "check.h"
#include "options_table.h"

static const char *base_url;
static char page_urls[3][512];
static const char *pages[3];

static char *url_of(const char *path) {
    size_t n = strlen(base_url) + strlen(path) + 1;
    char *s = malloc(n);
    if (s) snprintf(s, n, "%s%s", base_url, path);
    return s;
}

static void sleep_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    nanosleep(&ts, NULL);
}

/* A crawler with the default patterns and the given extra options; aborts the test on failure. */
static trawl_crawler *make_crawler(int order_completed) {
    trawl_options *o = NULL;
    trawl_crawler *c = NULL;
    if (!CHECK(trawl_options_new(&o) == TRAWL_OK)) return NULL;
    CHECK(trawl_options_set_int(o, "jobs", 2) == TRAWL_OK);
    CHECK(trawl_options_set_double(o, "timeout", 20.0) == TRAWL_OK);
    if (order_completed) CHECK(trawl_options_set_int(o, "order", TRAWL_ORDER_COMPLETED) == TRAWL_OK);
    if (!CHECK(trawl_crawler_new(o, &c) == TRAWL_OK)) fprintf(stderr, "%s\n", trawl_crawler_last_error(c));
    trawl_options_free(o);
    return c;
}

/* ------------------------------------------------------------------------------------------ */

static void test_version_and_status(void) {
    trawl_status code;
    CHECK_STR(trawl_version(), TRAWL_VERSION_STRING);
    CHECK_EQ_INT(trawl_version_num(), TRAWL_VERSION_NUM);
    CHECK_EQ_INT(TRAWL_VERSION_NUM, (TRAWL_VERSION_MAJOR << 16) | (TRAWL_VERSION_MINOR << 8) | TRAWL_VERSION_PATCH);

    CHECK_STR(trawl_status_name(TRAWL_OK), "ok");
    CHECK_STR(trawl_strerror(TRAWL_OK), "no error");
    CHECK_STR(trawl_status_name(TRAWL_INVALID_URL), "invalid_url");
    CHECK_STR(trawl_strerror(TRAWL_INVALID_URL), "invalid URL");
    CHECK_STR(trawl_status_name(TRAWL_REGEX_BUDGET_EXCEEDED), "regex_budget_exceeded");
    CHECK_STR(trawl_status_name(TRAWL_WORKER_LOST), "worker_lost");
    CHECK_STR(trawl_status_name(TRAWL_INTERNAL), "internal");
    /* Every code of the header has a name and a sentence of its own. */
    for (code = 0; code <= TRAWL_WORKER_LOST; code++) {
        int known = code <= TRAWL_TIMED_OUT || code >= TRAWL_INVALID_URL;
        if (known) {
            CHECK(strcmp(trawl_status_name(code), "unknown") != 0);
            CHECK(strcmp(trawl_strerror(code), "unknown error") != 0);
        } else {
            CHECK_STR(trawl_status_name(code), "unknown");
        }
    }
    CHECK_STR(trawl_status_name(-1), "unknown");
    CHECK_STR(trawl_strerror(-1), "unknown error");
    CHECK_STR(trawl_strerror(100000), "unknown error");
    /* Static storage: the same pointer every time. */
    CHECK(trawl_strerror(TRAWL_DNS) == trawl_strerror(TRAWL_DNS));
}

static void test_options(void) {
    trawl_options *o = NULL;
    CHECK_EQ_INT(trawl_options_new(NULL), TRAWL_INVALID_ARGUMENT);
    trawl_options_free(NULL);
    CHECK(trawl_options_last_error(NULL) != NULL);
    CHECK_EQ_INT(trawl_options_set_int(NULL, "jobs", 1), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_double(NULL, "timeout", 1), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_str(NULL, "backend", "thread"), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_add_pattern(NULL, "n", "x", 0), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_clear_patterns(NULL), TRAWL_INVALID_ARGUMENT);

    if (!CHECK(trawl_options_new(&o) == TRAWL_OK && o != NULL)) return;
    CHECK_STR(trawl_options_last_error(o), "");

    /* Unknown keys and NULL keys. */
    CHECK_EQ_INT(trawl_options_set_int(o, "no_such_option", 1), TRAWL_UNKNOWN_OPTION);
    CHECK_CONTAINS(trawl_options_last_error(o), "no_such_option");
    CHECK_EQ_INT(trawl_options_set_str(o, "colour", "blue"), TRAWL_UNKNOWN_OPTION);
    CHECK_EQ_INT(trawl_options_set_int(o, NULL, 1), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_double(o, NULL, 1), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_str(o, NULL, "x"), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_str(o, "user_agent", NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_CONTAINS(trawl_options_last_error(o), "NULL");

    /* Values out of range or of the wrong type; a success clears the message. */
    CHECK_EQ_INT(trawl_options_set_int(o, "concurrency", -1), TRAWL_INVALID_ARGUMENT);
    CHECK_CONTAINS(trawl_options_last_error(o), "concurrency");
    CHECK_EQ_INT(trawl_options_set_int(o, "jobs", 0), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_str(o, "jobs", "2"), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_double(o, "timeout", -1.0), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_double(o, "timeout", 0.0 / 0.0 * 0.0), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_int(o, "verify_tls", 2), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_str(o, "backend", "carrier-pigeon"), TRAWL_INVALID_ARGUMENT);
    CHECK_CONTAINS(trawl_options_last_error(o), "thread");
    CHECK_EQ_INT(trawl_options_set_str(o, "header", "no colon here"), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_int(o, "order", 2), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_int(o, "order", -1), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_int(o, "max_bytes", INT64_MAX), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_int(o, "jobs", 2), TRAWL_OK);
    CHECK_STR(trawl_options_last_error(o), "");

    /* Every kind of valid setting. */
    CHECK_EQ_INT(trawl_options_set_int(o, "concurrency", 8), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_int(o, "timeout", 20), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_double(o, "connect_timeout", 2.5), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_int(o, "order", TRAWL_ORDER_COMPLETED), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_int(o, "order", TRAWL_ORDER_SUBMITTED), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "order", "completed"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "header", "X-Test: 1"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_int(o, "clear_headers", 1), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "user_agent", "trawl-c-test"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "decode", "requests"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "protocols", "http"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_int(o, "default_patterns", 0), TRAWL_OK);

    /* Patterns. */
    CHECK_EQ_INT(trawl_options_add_pattern(o, NULL, "x", 0), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "", "x", 0), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "n", NULL, 0), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "n", "x", 1u), TRAWL_INVALID_ARGUMENT);
    CHECK_CONTAINS(trawl_options_last_error(o), "flag");
    CHECK_EQ_INT(trawl_options_add_pattern(o, "n", "x", TRAWL_FLAG_IGNORECASE | TRAWL_FLAG_DOTALL), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "n", "y", 0), TRAWL_INVALID_ARGUMENT);
    CHECK_CONTAINS(trawl_options_last_error(o), "'n'");
    CHECK_EQ_INT(trawl_options_clear_patterns(o), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "n", "y", 0), TRAWL_OK);
    trawl_options_free(o);
}

/* A user agent or header with CR/LF is refused, so the server never sees an injected line: the
 * options keep their previous user agent, which the /headers endpoint echoes back. */
static void test_header_injection(void) {
    trawl_options *o = NULL;
    trawl_crawler *c = NULL;
    trawl_result_list *l = NULL;
    char *echo = url_of("/headers");
    const char *urls[1];
    if (!echo || !CHECK(trawl_options_new(&o) == TRAWL_OK)) goto out;
    urls[0] = echo;
    CHECK_EQ_INT(trawl_options_set_str(o, "user_agent", "clean-agent"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "user_agent", "ua\r\nX-Injected: 1"), TRAWL_INVALID_ARGUMENT);
    CHECK_CONTAINS(trawl_options_last_error(o), "user_agent");
    CHECK_EQ_INT(trawl_options_set_str(o, "header", "X-A: 1\r\nX-Injected: 1"), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_int(o, "default_patterns", 0), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "body", "(?s).+", 0), TRAWL_OK);
    if (!CHECK(trawl_crawler_new(o, &c) == TRAWL_OK)) goto out;
    if (CHECK(trawl_crawl(c, urls, 1, &l) == TRAWL_OK)) {
        const char *json = trawl_result_list_json(l, NULL);
        CHECK_CONTAINS(json, "clean-agent");
        CHECK(strstr(json, "x-injected") == NULL && strstr(json, "X-Injected") == NULL);
        CHECK_EQ_INT(trawl_result_status(trawl_result_list_get(l, 0)), 200);
    }
out:
    trawl_result_list_free(l);
    trawl_crawler_free(c);
    trawl_options_free(o);
    free(echo);
}

static void test_crawler_errors(void) {
    trawl_options *o = NULL;
    trawl_crawler *c = (trawl_crawler *)&c; /* not NULL, to see that it is reset */
    trawl_result *r = (trawl_result *)&r;
    trawl_batch *b = (trawl_batch *)&b;
    trawl_result_list *l = (trawl_result_list *)&l;
    const char *urls[1] = {"http://127.0.0.1:9/"};

    CHECK_EQ_INT(trawl_crawler_new(NULL, &c), TRAWL_INVALID_ARGUMENT);
    CHECK(c == NULL);
    trawl_crawler_free(NULL);
    CHECK(trawl_crawler_last_error(NULL) != NULL);
    if (!CHECK(trawl_options_new(&o) == TRAWL_OK)) return;
    CHECK_EQ_INT(trawl_crawler_new(o, NULL), TRAWL_INVALID_ARGUMENT);

    /* A bad regex: the crawler exists, failed, and says which pattern, why and where. */
    CHECK_EQ_INT(trawl_options_add_pattern(o, "broken", "ab(cd", 0), TRAWL_OK);
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_INVALID_REGEX);
    if (CHECK(c != NULL)) {
        const char *msg = trawl_crawler_last_error(c);
        CHECK_CONTAINS(msg, "broken");
        CHECK_CONTAINS(msg, "offset");
        CHECK_CONTAINS(msg, "offset 2"); /* where the unterminated group opens, as Python says */
        CHECK_EQ_INT(trawl_crawler_error_offset(c), 2); /* the same, as a number */
        CHECK_STR(trawl_options_last_error(o), msg);
        CHECK_EQ_INT(trawl_batch_start(c, urls, 1, &b), TRAWL_INVALID_STATE);
        if (!CHECK(b == NULL)) trawl_batch_free(b);
        CHECK_CONTAINS(trawl_last_error(), "broken"); /* the failed start says why */
        CHECK_EQ_INT(trawl_crawl(c, urls, 1, &l), TRAWL_INVALID_STATE);
        if (!CHECK(l == NULL)) trawl_result_list_free(l);
        CHECK_CONTAINS(trawl_last_error(), "broken");
        CHECK_EQ_INT(trawl_extract(c, "x", 1, &r), TRAWL_INVALID_STATE);
        if (!CHECK(r == NULL)) trawl_result_free(r);
        trawl_crawler_free(c);
    }

    /* The offset counts code points of the Python source, not bytes: each é is 2 bytes. */
    CHECK_EQ_INT(trawl_options_clear_patterns(o), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "accent", "\xc3\xa9\xc3\xa9(x", 0), TRAWL_OK);
    c = NULL;
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_INVALID_REGEX);
    CHECK_EQ_INT(trawl_crawler_error_offset(c), 2);
    trawl_crawler_free(c);
    CHECK_EQ_INT(trawl_crawler_error_offset(NULL), -1);

    /* A name that repeats a default pattern's. */
    CHECK_EQ_INT(trawl_options_clear_patterns(o), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "link", "x", 0), TRAWL_OK);
    c = NULL;
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_INVALID_ARGUMENT);
    CHECK_CONTAINS(trawl_crawler_last_error(c), "link");
    trawl_crawler_free(c);
    /* ... which is fine once the defaults are off. */
    CHECK_EQ_INT(trawl_options_set_int(o, "default_patterns", 0), TRAWL_OK);
    c = NULL;
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_OK);
    CHECK_STR(trawl_crawler_last_error(c), "");
    CHECK_EQ_INT(trawl_crawler_error_offset(c), -1);
    trawl_crawler_free(c);

    /* A cluster batch whose Redis refuses connections: the start fails and says why. */
    CHECK_EQ_INT(trawl_options_set_str(o, "backend", "cluster"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "redis_url", "redis://127.0.0.1:1/0"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_double(o, "redis_timeout", 2), TRAWL_OK);
    c = NULL;
    if (CHECK(trawl_crawler_new(o, &c) == TRAWL_OK)) {
        b = (trawl_batch *)&b;
        CHECK_EQ_INT(trawl_batch_start(c, urls, 1, &b), TRAWL_BACKEND_UNAVAILABLE);
        CHECK(b == NULL);
        CHECK_CONTAINS(trawl_last_error(), "Redis");
        CHECK_CONTAINS(trawl_last_error(), "127.0.0.1:1");
        CHECK_EQ_INT(trawl_crawl(c, urls, 1, &l), TRAWL_BACKEND_UNAVAILABLE);
        CHECK_CONTAINS(trawl_last_error(), "Redis");
    }
    trawl_crawler_free(c);
    CHECK_EQ_INT(trawl_options_set_str(o, "redis_url", ""), TRAWL_OK);

    /* A cookie file that cannot be read (a directory): the start fails naming it. */
    CHECK_EQ_INT(trawl_options_set_str(o, "backend", "thread"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "cookie_file", "/"), TRAWL_OK);
    c = NULL;
    if (CHECK(trawl_crawler_new(o, &c) == TRAWL_OK)) {
        b = (trawl_batch *)&b;
        CHECK_EQ_INT(trawl_batch_start(c, urls, 1, &b), TRAWL_IO);
        CHECK(b == NULL);
        CHECK_CONTAINS(trawl_last_error(), "cookie_file: cannot read /:");
    }
    trawl_crawler_free(c);
    CHECK_EQ_INT(trawl_options_set_str(o, "cookie_file", ""), TRAWL_OK);

    /* A backend this build cannot run. */
    CHECK_EQ_INT(trawl_options_set_str(o, "backend", "cluster"), TRAWL_OK);
    c = NULL;
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_BACKEND_UNAVAILABLE);
    CHECK(trawl_crawler_last_error(c)[0] != '\0');
    trawl_crawler_free(c);
    trawl_options_free(o);

    /* NULL arguments to everything that takes a crawler. */
    c = make_crawler(0);
    if (!c) return;
    b = (trawl_batch *)&b;
    CHECK_EQ_INT(trawl_batch_start(NULL, urls, 1, &b), TRAWL_INVALID_ARGUMENT);
    CHECK(b == NULL);
    CHECK_EQ_INT(trawl_batch_start(c, urls, 1, NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_batch_start(c, NULL, 1, &b), TRAWL_INVALID_ARGUMENT);
    {
        const char *with_null[2] = {"http://127.0.0.1:9/", NULL};
        CHECK_EQ_INT(trawl_batch_start(c, with_null, 2, &b), TRAWL_INVALID_ARGUMENT);
        CHECK_EQ_INT(trawl_crawl(c, with_null, 2, &l), TRAWL_INVALID_ARGUMENT);
    }
    CHECK_EQ_INT(trawl_crawl(NULL, urls, 1, &l), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_crawl(c, urls, 1, NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_crawl(c, NULL, 1, &l), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_extract(NULL, "x", 1, &r), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_extract(c, "x", 1, NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_extract(c, NULL, 1, &r), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_extract(c, "x", (size_t)-1, &r), TRAWL_INVALID_ARGUMENT);

    CHECK_CONTAINS(trawl_last_error(), "NULL");

    /* An empty batch is done at once; a success clears the thread's message. */
    CHECK_EQ_INT(trawl_batch_start(c, NULL, 0, &b), TRAWL_OK);
    CHECK_STR(trawl_last_error(), "");
    r = NULL;
    CHECK_EQ_INT(trawl_batch_next(b, &r, -1), TRAWL_DONE);
    CHECK(r == NULL);
    trawl_batch_free(b);
    CHECK_EQ_INT(trawl_crawl(c, NULL, 0, &l), TRAWL_OK);
    CHECK_EQ_INT(trawl_result_list_count(l), 0);
    trawl_result_list_free(l);
    trawl_crawler_free(c);
}

static void test_null_handles(void) {
    size_t len = 99;
    const char *p = "x";
    trawl_result *r = (trawl_result *)&r;
    trawl_result_list *l = (trawl_result_list *)&l;

    CHECK(trawl_result_url(NULL) == NULL);
    CHECK(trawl_result_final_url(NULL) == NULL);
    CHECK_EQ_INT(trawl_result_status(NULL), -1);
    CHECK(trawl_result_content_type(NULL) == NULL);
    CHECK(trawl_result_charset(NULL) == NULL);
    CHECK_EQ_INT(trawl_result_bytes(NULL), 0);
    CHECK(trawl_result_elapsed(NULL) == 0.0);
    CHECK(trawl_result_attempts(NULL) == 0);
    CHECK_EQ_INT(trawl_result_index(NULL), 0);
    CHECK_EQ_INT(trawl_result_error(NULL), TRAWL_INVALID_ARGUMENT);
    CHECK(trawl_result_error_message(NULL) == NULL);
    CHECK_EQ_INT(trawl_result_pattern_count(NULL), 0);
    CHECK(trawl_result_pattern_name(NULL, 0) == NULL);
    CHECK_EQ_INT(trawl_result_match_count(NULL, 0), 0);
    CHECK_EQ_INT(trawl_result_group_count(NULL, 0), 0);
    CHECK_EQ_INT(trawl_result_match(NULL, 0, 0, 0, &p, &len), TRAWL_INVALID_ARGUMENT);
    CHECK(p == NULL && len == 0);
    len = 99;
    CHECK(trawl_result_json(NULL, &len) == NULL && len == 0);
    trawl_result_free(NULL);

    CHECK_EQ_INT(trawl_result_list_count(NULL), 0);
    CHECK(trawl_result_list_get(NULL, 0) == NULL);
    len = 99;
    CHECK(trawl_result_list_json(NULL, &len) == NULL && len == 0);
    trawl_result_list_free(NULL);

    CHECK_EQ_INT(trawl_batch_next(NULL, &r, 0), TRAWL_INVALID_ARGUMENT);
    CHECK(r == NULL);
    CHECK_EQ_INT(trawl_batch_foreach(NULL, NULL, NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_batch_collect(NULL, &l), TRAWL_INVALID_ARGUMENT);
    CHECK(l == NULL);
    CHECK_EQ_INT(trawl_batch_cancel(NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_batch_progress(NULL, NULL, NULL, NULL, NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_batch_set_progress_callback(NULL, NULL, NULL), TRAWL_INVALID_ARGUMENT);
    trawl_batch_free(NULL);
}

/* ------------------------------------------------------------------------------------------ */

/* The match string (p, i, j) equals `want`. */
static int match_is(const trawl_result *r, size_t p, size_t i, size_t j, const char *want, size_t want_len) {
    const char *ptr = NULL;
    size_t len = 0;
    if (trawl_result_match(r, p, i, j, &ptr, &len) != TRAWL_OK) return 0;
    return len == want_len && memcmp(ptr, want, len) == 0 && ptr[len] == '\0';
}

static void test_extract(void) {
    trawl_options *o = NULL;
    trawl_crawler *c = NULL;
    trawl_result *r = NULL;
    const char *ptr;
    size_t len;
    static const char html[] =
        "<html><BUTTON class=\"big\" id=\"go\">Go</BUTTON> <a href='/one'>1</a>\n"
        "<a class=x href=\"/two\">2</a> price=12 qty=3 caf\xc3\xa9 nul:\0:end";
    const size_t html_len = sizeof html - 1;

    if (!CHECK(trawl_options_new(&o) == TRAWL_OK)) return;
    CHECK_EQ_INT(trawl_options_add_pattern(o, "pair", "(\\w+)=(\\d+)", 0), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "cafe", "CAF\xc3\x89", TRAWL_FLAG_IGNORECASE), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "nul", "nul:.:end", 0), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_add_pattern(o, "opt", "(a)|(q)ty", 0), TRAWL_OK);
    if (!CHECK(trawl_crawler_new(o, &c) == TRAWL_OK)) {
        fprintf(stderr, "%s\n", trawl_crawler_last_error(c));
        trawl_crawler_free(c);
        trawl_options_free(o);
        return;
    }
    trawl_options_free(o); /* the crawler keeps its own copy */

    CHECK_EQ_INT(trawl_extract(c, html, html_len, &r), TRAWL_OK);
    if (!CHECK(r != NULL)) return;
    CHECK_STR(trawl_result_url(r), "");
    CHECK_EQ_INT(trawl_result_status(r), -1);
    CHECK_EQ_INT(trawl_result_error(r), TRAWL_OK);
    CHECK_STR(trawl_result_error_message(r), "");
    CHECK_EQ_INT(trawl_result_bytes(r), (int64_t)html_len);
    CHECK_EQ_INT(trawl_result_pattern_count(r), 6);
    CHECK_STR(trawl_result_pattern_name(r, 0), "button");
    CHECK_STR(trawl_result_pattern_name(r, 1), "link");
    CHECK_STR(trawl_result_pattern_name(r, 2), "pair");
    CHECK(trawl_result_pattern_name(r, 6) == NULL);

    /* button (IGNORECASE, one group). */
    CHECK_EQ_INT(trawl_result_group_count(r, 0), 1);
    CHECK_EQ_INT(trawl_result_match_count(r, 0), 1);
    CHECK(match_is(r, 0, 0, 0, "go", 2));
    /* link */
    CHECK_EQ_INT(trawl_result_match_count(r, 1), 2);
    CHECK(match_is(r, 1, 0, 0, "/one", 4));
    CHECK(match_is(r, 1, 1, 0, "/two", 4));
    /* pair: two groups, a tuple per match */
    CHECK_EQ_INT(trawl_result_group_count(r, 2), 2);
    CHECK_EQ_INT(trawl_result_match_count(r, 2), 2);
    CHECK(match_is(r, 2, 0, 0, "price", 5));
    CHECK(match_is(r, 2, 0, 1, "12", 2));
    CHECK(match_is(r, 2, 1, 0, "qty", 3));
    CHECK(match_is(r, 2, 1, 1, "3", 1));
    /* cafe: no group, whole match, IGNORECASE beyond ASCII */
    CHECK_EQ_INT(trawl_result_group_count(r, 3), 0);
    CHECK_EQ_INT(trawl_result_match_count(r, 3), 1);
    CHECK(match_is(r, 3, 0, 0, "caf\xc3\xa9", 5));
    /* nul: a match with a NUL inside, given with its length */
    CHECK_EQ_INT(trawl_result_match_count(r, 4), 1);
    CHECK(match_is(r, 4, 0, 0, "nul:\0:end", 9));
    /* opt: a group that did not take part is "" */
    CHECK_EQ_INT(trawl_result_group_count(r, 5), 2);
    if (CHECK(trawl_result_match_count(r, 5) >= 1)) {
        size_t n = trawl_result_match_count(r, 5), i;
        int found = 0;
        for (i = 0; i < n; i++)
            if (match_is(r, 5, i, 0, "", 0) && match_is(r, 5, i, 1, "q", 1)) found = 1;
        CHECK(found);
    }

    /* Out-of-range indexes. */
    ptr = "x";
    len = 7;
    CHECK_EQ_INT(trawl_result_match(r, 0, 1, 0, &ptr, &len), TRAWL_INVALID_ARGUMENT);
    CHECK(ptr == NULL && len == 0);
    CHECK_EQ_INT(trawl_result_match(r, 0, 0, 1, &ptr, &len), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_result_match(r, 9, 0, 0, &ptr, &len), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_result_match(r, 0, 0, 0, NULL, &len), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_result_match(r, 0, 0, 0, &ptr, NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_result_match_count(r, 99), 0);
    CHECK_EQ_INT(trawl_result_group_count(r, 99), 0);

    /* JSON: cached (same pointer), length given, shape as the CLI's. */
    {
        size_t jl = 0;
        const char *json = trawl_result_json(r, &jl);
        CHECK(json != NULL && jl == strlen(json));
        CHECK(json == trawl_result_json(r, NULL));
        CHECK(json != NULL && strncmp(json, "{\"url\":\"\",", 10) == 0);
        CHECK_CONTAINS(json, "\"status\":null");
        CHECK_CONTAINS(json, "\"error\":null");
        CHECK_CONTAINS(json, "\"button\":[\"go\"]");
        CHECK_CONTAINS(json, "\"link\":[\"/one\",\"/two\"]");
        CHECK_CONTAINS(json, "\"pair\":[[\"price\",\"12\"],[\"qty\",\"3\"]]");
        CHECK_CONTAINS(json, "\"nul\":[\"nul:\\u0000:end\"]");
    }
    trawl_result_free(r);

    /* Empty text; NULL text is fine with length 0. */
    r = NULL;
    CHECK_EQ_INT(trawl_extract(c, NULL, 0, &r), TRAWL_OK);
    CHECK_EQ_INT(trawl_result_pattern_count(r), 6);
    CHECK_EQ_INT(trawl_result_match_count(r, 1), 0);
    trawl_result_free(r);
    trawl_crawler_free(c);
}

/* Extraction from several threads on one crawler at once (the crawler is shared, read-only). */
struct extract_job {
    trawl_crawler *crawler;
    int ok;
};

static void *extract_thread(void *arg) {
    struct extract_job *job = arg;
    static const char text[] = "<a href=\"/x\">x</a> <a href=\"/y\">y</a>";
    int i;
    job->ok = 1;
    for (i = 0; i < 200; i++) {
        trawl_result *r = NULL;
        if (trawl_extract(job->crawler, text, sizeof text - 1, &r) != TRAWL_OK ||
            trawl_result_match_count(r, 1) != 2 || !match_is(r, 1, 1, 0, "/y", 2))
            job->ok = 0;
        trawl_result_free(r);
    }
    return NULL;
}

static void test_extract_threads(void) {
    struct extract_job jobs[3];
    pthread_t threads[3];
    int i;
    trawl_crawler *c = make_crawler(0);
    if (!c) return;
    for (i = 0; i < 3; i++) {
        jobs[i].crawler = c;
        CHECK(pthread_create(&threads[i], NULL, extract_thread, &jobs[i]) == 0);
    }
    for (i = 0; i < 3; i++) {
        pthread_join(threads[i], NULL);
        CHECK(jobs[i].ok);
    }
    trawl_crawler_free(c);
}

/* ------------------------------------------------------------------------------------------ */

static void test_crawl_to_completion(void) {
    trawl_crawler *c = make_crawler(0);
    trawl_result_list *l = NULL;
    char *missing = url_of("/status/404");
    char *redirect = url_of("/redirect/2");
    const char *urls[7];
    size_t i, n;
    if (!c || !missing || !redirect) goto out;
    urls[0] = pages[0];
    urls[1] = "not a url";
    urls[2] = pages[1];
    urls[3] = missing;
    urls[4] = pages[2];
    urls[5] = "ftp://127.0.0.1/file";
    urls[6] = redirect;

    if (!CHECK(trawl_crawl(c, urls, 7, &l) == TRAWL_OK)) goto out;
    n = trawl_result_list_count(l);
    CHECK_EQ_INT(n, 7);
    for (i = 0; i < n && i < 7; i++) {
        const trawl_result *r = trawl_result_list_get(l, i);
        CHECK_STR(trawl_result_url(r), urls[i]);
        CHECK_EQ_INT(trawl_result_index(r), i);
        CHECK_EQ_INT(trawl_result_pattern_count(r), 2);
        CHECK_STR(trawl_result_pattern_name(r, 1), "link");
    }
    CHECK(trawl_result_list_get(l, 7) == NULL);

    /* Site pages: fetched, decoded, matched. */
    for (i = 0; i < 5; i += 2) {
        const trawl_result *r = trawl_result_list_get(l, i == 0 ? 0 : i == 2 ? 2 : 4);
        CHECK_EQ_INT(trawl_result_status(r), 200);
        CHECK_EQ_INT(trawl_result_error(r), TRAWL_OK);
        CHECK_STR(trawl_result_error_message(r), "");
        CHECK_STR(trawl_result_final_url(r), trawl_result_url(r));
        CHECK_CONTAINS(trawl_result_content_type(r), "text/html");
        CHECK(trawl_result_charset(r) != NULL);
        CHECK(trawl_result_bytes(r) > 0);
        CHECK(trawl_result_elapsed(r) > 0.0);
        CHECK(trawl_result_attempts(r) == 1);
    }
    {
        size_t total = 0;
        for (i = 0; i < 5; i += 2) total += trawl_result_match_count(trawl_result_list_get(l, i), 1);
        CHECK(total > 0); /* the site pages have links */
    }
    /* Not a URL. */
    {
        const trawl_result *r = trawl_result_list_get(l, 1);
        CHECK_EQ_INT(trawl_result_error(r), TRAWL_INVALID_URL);
        CHECK(trawl_result_error_message(r) != NULL && trawl_result_error_message(r)[0] != '\0');
        CHECK_EQ_INT(trawl_result_status(r), -1);
        CHECK(trawl_result_final_url(r) == NULL);
        CHECK(trawl_result_content_type(r) == NULL);
        CHECK_EQ_INT(trawl_result_match_count(r, 0), 0);
        CHECK_CONTAINS(trawl_result_json(r, NULL), "\"error\":{\"code\":\"invalid_url\"");
    }
    /* A 404 is a response: status, no error. */
    CHECK_EQ_INT(trawl_result_status(trawl_result_list_get(l, 3)), 404);
    CHECK_EQ_INT(trawl_result_error(trawl_result_list_get(l, 3)), TRAWL_OK);
    /* A scheme outside "protocols". */
    CHECK_EQ_INT(trawl_result_error(trawl_result_list_get(l, 5)), TRAWL_UNSUPPORTED_PROTOCOL);
    /* Redirects: the final URL is where they led. */
    {
        const trawl_result *r = trawl_result_list_get(l, 6);
        CHECK_EQ_INT(trawl_result_status(r), 200);
        CHECK(trawl_result_final_url(r) != NULL && strcmp(trawl_result_final_url(r), redirect) != 0);
    }

    /* Whole-list JSON: one line per result, each equal to the result's own JSON. */
    {
        size_t len = 0, lines = 0, off = 0;
        const char *json = trawl_result_list_json(l, &len);
        CHECK(json != NULL && len == strlen(json));
        CHECK(json == trawl_result_list_json(l, NULL));
        for (i = 0; json && i < n; i++) {
            size_t rl = 0;
            const char *one = trawl_result_json(trawl_result_list_get(l, i), &rl);
            CHECK(off + rl < len && memcmp(json + off, one, rl) == 0 && json[off + rl] == '\n');
            off += rl + 1;
        }
        for (i = 0; json && i < len; i++) lines += json[i] == '\n';
        CHECK_EQ_INT(lines, 7);
        CHECK_EQ_INT(off, len);
    }
    /* A listed result is borrowed: freeing it by mistake does nothing. */
    trawl_result_free((trawl_result *)trawl_result_list_get(l, 0));
    CHECK_STR(trawl_result_url(trawl_result_list_get(l, 0)), pages[0]);

out:
    trawl_result_list_free(l);
    trawl_crawler_free(c);
    free(missing);
    free(redirect);
}

/* The site crawl whose JSON run.sh compares with the CLI's. */
static void test_site_json(void) {
    const char *out_path = getenv("TRAWL_TEST_JSON_OUT");
    const char *list_path = getenv("TRAWL_TEST_URL_LIST");
    trawl_crawler *c;
    trawl_result_list *l = NULL;
    char **urls = NULL;
    size_t n = 0, cap = 0, i;
    char line[1024];
    FILE *in, *out;
    if (!out_path || !list_path) return;
    in = fopen(list_path, "r");
    if (!CHECK(in != NULL)) return;
    while (fgets(line, sizeof line, in)) {
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0]) continue;
        if (n == cap) {
            char **grown = realloc(urls, (cap = cap ? cap * 2 : 64) * sizeof *urls);
            if (!grown) break;
            urls = grown;
        }
        urls[n] = malloc(strlen(line) + 1);
        if (urls[n]) strcpy(urls[n], line), n++;
    }
    fclose(in);
    c = make_crawler(0);
    if (c && CHECK(trawl_crawl(c, (const char *const *)urls, n, &l) == TRAWL_OK)) {
        size_t len = 0;
        const char *json = trawl_result_list_json(l, &len);
        CHECK_EQ_INT(trawl_result_list_count(l), n);
        out = fopen(out_path, "w");
        if (CHECK(out != NULL)) {
            CHECK(fwrite(json, 1, len, out) == len);
            fclose(out);
        }
    }
    trawl_result_list_free(l);
    trawl_crawler_free(c);
    for (i = 0; i < n; i++) free(urls[i]);
    free(urls);
}

/* ------------------------------------------------------------------------------------------ */

static void test_streaming(void) {
    trawl_crawler *c = make_crawler(1);
    trawl_batch *b = NULL;
    trawl_result *r = NULL;
    const char *urls[9];
    int seen[9] = {0};
    size_t i, got = 0, done = 0, total = 0, failed = 0;
    double elapsed = -1;
    trawl_status st;
    if (!c) return;
    for (i = 0; i < 9; i++) urls[i] = i == 4 ? "bad url" : pages[i % 3];
    if (!CHECK(trawl_batch_start(c, urls, 9, &b) == TRAWL_OK)) goto out;
    CHECK_EQ_INT(trawl_batch_next(b, NULL, 0), TRAWL_INVALID_ARGUMENT);
    while ((st = trawl_batch_next(b, &r, 10000)) == TRAWL_OK) {
        size_t idx = trawl_result_index(r);
        if (CHECK(idx < 9)) {
            CHECK(!seen[idx]);
            seen[idx] = 1;
            CHECK_STR(trawl_result_url(r), urls[idx]);
            CHECK_EQ_INT(trawl_result_error(r), idx == 4 ? TRAWL_INVALID_URL : TRAWL_OK);
        }
        got++;
        trawl_result_free(r);
        r = NULL;
    }
    CHECK_EQ_INT(st, TRAWL_DONE);
    CHECK(r == NULL);
    CHECK_EQ_INT(got, 9);
    CHECK_EQ_INT(trawl_batch_next(b, &r, 0), TRAWL_DONE);
    CHECK_EQ_INT(trawl_batch_progress(b, &done, &total, &failed, &elapsed), TRAWL_OK);
    CHECK_EQ_INT(done, 9);
    CHECK_EQ_INT(total, 9);
    CHECK_EQ_INT(failed, 1);
    CHECK(elapsed >= 0.0);
    CHECK_EQ_INT(trawl_batch_progress(b, NULL, NULL, NULL, NULL), TRAWL_OK);
    {
        /* The in-flight limit: adaptive by default, at least 4, nothing running at the end. */
        size_t limit = 0, running = 99;
        int adaptive = -1;
        CHECK_EQ_INT(trawl_batch_concurrency(b, &limit, &running, &adaptive), TRAWL_OK);
        CHECK(limit >= 4 && limit <= 1024);
        CHECK_EQ_INT(running, 0);
        CHECK_EQ_INT(adaptive, 1);
        CHECK_EQ_INT(trawl_batch_concurrency(b, NULL, NULL, NULL), TRAWL_OK);
        CHECK_EQ_INT(trawl_batch_concurrency(NULL, &limit, &running, &adaptive), TRAWL_INVALID_ARGUMENT);
    }
    {
        /* The batch's stats add up: 9 results, one invalid URL. */
        size_t len = 1;
        const char *stats = trawl_batch_stats_json(b, &len);
        CHECK(stats != NULL && len == strlen(stats));
        CHECK_CONTAINS(stats, "\"results\":9,");
        CHECK_CONTAINS(stats, "\"errors\":{\"invalid_url\":1}");
        CHECK_CONTAINS(stats, "\"retries\":0,");
        CHECK(trawl_batch_stats_json(b, NULL) != NULL);
        len = 1;
        CHECK(trawl_batch_stats_json(NULL, &len) == NULL && len == 0);
    }
    /* Cancelling a finished batch is harmless. */
    CHECK_EQ_INT(trawl_batch_cancel(b), TRAWL_OK);
    trawl_batch_free(b);

    /* A result handed out by next outlives its batch. */
    b = NULL;
    r = NULL;
    if (CHECK(trawl_batch_start(c, urls, 1, &b) == TRAWL_OK)) {
        CHECK_EQ_INT(trawl_batch_next(b, &r, -1), TRAWL_OK);
        trawl_batch_free(b);
        CHECK_STR(trawl_result_url(r), urls[0]);
        CHECK_EQ_INT(trawl_result_status(r), 200);
        trawl_result_free(r);
    }
out:
    trawl_crawler_free(c);
}

/* URLs pushed into a running batch: every added URL gets one result, results come out while the
 * input is open, and adds after the end are refused. */
static void test_batch_add(void) {
    trawl_crawler *c = make_crawler(1);
    trawl_batch *b = NULL;
    trawl_result *r = NULL;
    int seen[12] = {0};
    size_t i, got = 0, total = 0;
    trawl_status st;
    if (!c) return;
    CHECK_EQ_INT(trawl_batch_open(NULL, &b), TRAWL_INVALID_ARGUMENT);
    CHECK(b == NULL);
    CHECK_EQ_INT(trawl_batch_open(c, NULL), TRAWL_INVALID_ARGUMENT);
    if (!CHECK(trawl_batch_open(c, &b) == TRAWL_OK)) goto out;
    CHECK_EQ_INT(trawl_batch_add(b, NULL, 0), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_batch_add(NULL, pages[0], 0), TRAWL_INVALID_ARGUMENT);
    /* One URL in, its result out, before the input ends. */
    CHECK_EQ_INT(trawl_batch_add(b, pages[0], -1), TRAWL_OK);
    CHECK_EQ_INT(trawl_batch_next(b, &r, 20000), TRAWL_OK);
    if (r) {
        CHECK_EQ_INT(trawl_result_index(r), 0);
        CHECK_EQ_INT(trawl_result_status(r), 200);
        seen[0] = 1;
        got++;
        trawl_result_free(r);
        r = NULL;
    }
    for (i = 1; i < 12; i++) CHECK_EQ_INT(trawl_batch_add(b, i == 5 ? "bad url" : pages[i % 3], 1000), TRAWL_OK);
    CHECK_EQ_INT(trawl_batch_close_input(b), TRAWL_OK);
    CHECK_EQ_INT(trawl_batch_close_input(b), TRAWL_OK);
    CHECK_EQ_INT(trawl_batch_add(b, pages[0], 0), TRAWL_INVALID_STATE);
    while ((st = trawl_batch_next(b, &r, 20000)) == TRAWL_OK) {
        size_t idx = trawl_result_index(r);
        if (CHECK(idx < 12)) {
            CHECK(!seen[idx]);
            seen[idx] = 1;
            CHECK_EQ_INT(trawl_result_error(r), idx == 5 ? TRAWL_INVALID_URL : TRAWL_OK);
        }
        got++;
        trawl_result_free(r);
        r = NULL;
    }
    CHECK_EQ_INT(st, TRAWL_DONE);
    CHECK_EQ_INT(got, 12);
    CHECK_EQ_INT(trawl_batch_progress(b, NULL, &total, NULL, NULL), TRAWL_OK);
    CHECK_EQ_INT(total, 12);
    CHECK(trawl_batch_input_error(b) == NULL);
    trawl_batch_free(b);
    b = NULL;

    /* Cancelled with URLs added: each still gets exactly one result; later adds are refused. */
    if (CHECK(trawl_batch_open(c, &b) == TRAWL_OK)) {
        size_t n = 0;
        for (i = 0; i < 5; i++) CHECK_EQ_INT(trawl_batch_add(b, pages[i % 3], -1), TRAWL_OK);
        CHECK_EQ_INT(trawl_batch_cancel(b), TRAWL_OK);
        CHECK_EQ_INT(trawl_batch_add(b, pages[0], 0), TRAWL_CANCELLED);
        while ((st = trawl_batch_next(b, &r, 20000)) == TRAWL_OK) {
            n++;
            trawl_result_free(r);
            r = NULL;
        }
        CHECK_EQ_INT(st, TRAWL_DONE);
        CHECK_EQ_INT(n, 5);
        trawl_batch_free(b);
        b = NULL;
    }

    /* A batch from trawl_batch_start takes no added URLs. */
    if (CHECK(trawl_batch_start(c, pages, 1, &b) == TRAWL_OK)) {
        CHECK_EQ_INT(trawl_batch_add(b, pages[0], 0), TRAWL_INVALID_STATE);
        CHECK_EQ_INT(trawl_batch_close_input(b), TRAWL_INVALID_STATE);
        trawl_batch_free(b);
        b = NULL;
    }
out:
    trawl_crawler_free(c);
}

/* A C callback as the URL source: pulled lazily, and a failing source ends the input with its
 * message while the URLs given before still get their results. */
struct url_source {
    int next, count, fail_at;
};

static int next_url(void *user_data, const char **url) {
    struct url_source *s = user_data;
    if (s->next == s->fail_at) {
        *url = "disk on fire";
        return -1;
    }
    if (s->next >= s->count) return 0;
    *url = pages[s->next++ % 3];
    return 1;
}

static void test_batch_start_source(void) {
    trawl_crawler *c = make_crawler(1);
    trawl_batch *b = NULL;
    trawl_result *r = NULL;
    struct url_source src = {0, 7, -1};
    size_t got = 0;
    trawl_status st;
    if (!c) return;
    CHECK_EQ_INT(trawl_batch_start_source(c, NULL, &src, &b), TRAWL_INVALID_ARGUMENT);
    CHECK(b == NULL);
    CHECK_EQ_INT(trawl_batch_start_source(NULL, next_url, &src, &b), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_batch_start_source(c, next_url, &src, NULL), TRAWL_INVALID_ARGUMENT);
    if (CHECK(trawl_batch_start_source(c, next_url, &src, &b) == TRAWL_OK)) {
        while ((st = trawl_batch_next(b, &r, 20000)) == TRAWL_OK) {
            CHECK_EQ_INT(trawl_result_status(r), 200);
            got++;
            trawl_result_free(r);
            r = NULL;
        }
        CHECK_EQ_INT(st, TRAWL_DONE);
        CHECK_EQ_INT(got, 7);
        CHECK(trawl_batch_input_error(b) == NULL);
        trawl_batch_free(b);
        b = NULL;
    }
    src.next = 0;
    src.fail_at = 4;
    got = 0;
    if (CHECK(trawl_batch_start_source(c, next_url, &src, &b) == TRAWL_OK)) {
        const char *why;
        while ((st = trawl_batch_next(b, &r, 20000)) == TRAWL_OK) {
            CHECK(trawl_result_index(r) < 4);
            got++;
            trawl_result_free(r);
            r = NULL;
        }
        CHECK_EQ_INT(st, TRAWL_DONE);
        CHECK_EQ_INT(got, 4);
        why = trawl_batch_input_error(b);
        CHECK(why != NULL);
        if (why) CHECK_CONTAINS(why, "disk on fire");
        CHECK(trawl_batch_input_error(NULL) == NULL);
        trawl_batch_free(b);
    }
    trawl_crawler_free(c);
}

static void test_timeout_poll(void) {
    trawl_crawler *c = make_crawler(0);
    trawl_batch *b = NULL;
    trawl_result *r = (trawl_result *)&r;
    char *slow = url_of("/slow?seconds=5");
    const char *urls[1];
    if (!c || !slow) goto out;
    urls[0] = slow;
    if (CHECK(trawl_batch_start(c, urls, 1, &b) == TRAWL_OK)) {
        CHECK_EQ_INT(trawl_batch_next(b, &r, 0), TRAWL_TIMED_OUT);
        CHECK(r == NULL);
        if (trawl_batch_next(b, &r, 50) == TRAWL_OK) {
            CHECK(!"a 5 s page arrived within 50 ms");
            trawl_result_free(r);
        }
        /* Freeing a running batch cancels it and returns once its threads have ended. */
        trawl_batch_free(b);
    }
out:
    trawl_crawler_free(c);
    free(slow);
}

/* Cancellation from a second thread while the first waits in trawl_batch_next. */
struct canceller {
    trawl_batch *batch;
    trawl_status status;
};

static void *cancel_thread(void *arg) {
    struct canceller *k = arg;
    size_t done = 0;
    int waited;
    /* Once the page is done (at most 30 s: valgrind on a loaded machine is slow), so that only
     * the slow URLs are left to cancel; then a little longer, so that the consumer is blocked. */
    for (waited = 0; waited < 3000 && trawl_batch_progress(k->batch, &done, NULL, NULL, NULL) == TRAWL_OK && done < 1;
         waited++)
        sleep_ms(10);
    sleep_ms(200);
    k->status = trawl_batch_cancel(k->batch);
    return NULL;
}

static void test_cancel_from_thread(void) {
    enum { N = 40 };
    trawl_crawler *c = make_crawler(0);
    trawl_batch *b = NULL;
    trawl_result *r = NULL;
    char *slow = url_of("/slow?seconds=30");
    const char *urls[N];
    struct canceller k;
    pthread_t t;
    size_t i, got = 0, cancelled = 0;
    trawl_status st;
    if (!c || !slow) goto out;
    for (i = 0; i < N; i++) urls[i] = i == 0 ? pages[0] : slow;
    if (!CHECK(trawl_batch_start(c, urls, N, &b) == TRAWL_OK)) goto out;
    k.batch = b;
    k.status = -1;
    CHECK(pthread_create(&t, NULL, cancel_thread, &k) == 0);
    /* Blocks without a timeout: only the other thread's cancel can end this batch early. */
    while ((st = trawl_batch_next(b, &r, -1)) == TRAWL_OK) {
        got++;
        if (trawl_result_error(r) == TRAWL_CANCELLED) {
            cancelled++;
            CHECK_STR(trawl_result_url(r), slow);
            CHECK_EQ_INT(trawl_result_match_count(r, 1), 0);
        }
        trawl_result_free(r);
    }
    pthread_join(t, NULL);
    CHECK_EQ_INT(k.status, TRAWL_OK);
    CHECK_EQ_INT(st, TRAWL_DONE);
    CHECK_EQ_INT(got, N);
    CHECK_EQ_INT(cancelled, N - 1);
    trawl_batch_free(b);
out:
    trawl_crawler_free(c);
    free(slow);
}

/* Progress callback and collect. */
struct progress_log {
    pthread_mutex_t lock;
    int calls;
    size_t last_done, last_total, max_done;
    int monotonic;
};

static void on_progress(size_t done, size_t total, size_t failed, double elapsed_s, void *user_data) {
    struct progress_log *log = user_data;
    (void)failed;
    pthread_mutex_lock(&log->lock);
    log->calls++;
    if (done < log->max_done || elapsed_s < 0) log->monotonic = 0;
    if (done > log->max_done) log->max_done = done;
    log->last_done = done;
    log->last_total = total;
    pthread_mutex_unlock(&log->lock);
}

static void test_progress_and_collect(void) {
    trawl_crawler *c = make_crawler(1);
    trawl_batch *b = NULL;
    trawl_result_list *l = NULL;
    char *slow = url_of("/slow?seconds=1");
    const char *urls[5];
    struct progress_log log;
    size_t i;
    if (!c || !slow) goto out;
    memset(&log, 0, sizeof log);
    pthread_mutex_init(&log.lock, NULL);
    log.monotonic = 1;
    urls[0] = slow; /* holds the batch open until the callback is installed */
    for (i = 1; i < 5; i++) urls[i] = pages[(i - 1) % 3];
    if (!CHECK(trawl_batch_start(c, urls, 5, &b) == TRAWL_OK)) goto out;
    CHECK_EQ_INT(trawl_batch_set_progress_callback(b, on_progress, &log), TRAWL_OK);
    CHECK_EQ_INT(trawl_batch_collect(b, &l), TRAWL_OK);
    /* Input order, whatever the batch's order option. */
    CHECK_EQ_INT(trawl_result_list_count(l), 5);
    for (i = 0; i < 5; i++) CHECK_STR(trawl_result_url(trawl_result_list_get(l, i)), urls[i]);
    pthread_mutex_lock(&log.lock);
    CHECK(log.calls >= 1);
    CHECK_EQ_INT(log.last_done, 5);
    CHECK_EQ_INT(log.last_total, 5);
    CHECK(log.monotonic);
    pthread_mutex_unlock(&log.lock);
    /* Removing the callback is allowed at any time. */
    CHECK_EQ_INT(trawl_batch_set_progress_callback(b, NULL, NULL), TRAWL_OK);
    /* Everything was collected. */
    {
        trawl_result *r = NULL;
        CHECK_EQ_INT(trawl_batch_next(b, &r, 0), TRAWL_DONE);
    }
    trawl_batch_free(b);
    pthread_mutex_destroy(&log.lock);
out:
    trawl_result_list_free(l);
    trawl_crawler_free(c);
    free(slow);
}

/* trawl_batch_foreach, to the end and stopped early. */
struct foreach_state {
    int calls;
    int stop_after;
    int urls_ok;
};

static int on_result(const trawl_result *r, void *user_data) {
    struct foreach_state *s = user_data;
    s->calls++;
    if (trawl_result_url(r) == NULL || trawl_result_status(r) != 200) s->urls_ok = 0;
    /* Borrowed: a mistaken free must not destroy it. */
    trawl_result_free((trawl_result *)r);
    if (trawl_result_url(r) == NULL) s->urls_ok = 0;
    return s->stop_after > 0 && s->calls >= s->stop_after;
}

static void test_foreach(void) {
    trawl_crawler *c = make_crawler(0);
    trawl_batch *b = NULL;
    trawl_result *r = NULL;
    struct foreach_state s;
    int rest = 0;
    if (!c) return;
    if (CHECK(trawl_batch_start(c, pages, 3, &b) == TRAWL_OK)) {
        s.calls = 0, s.stop_after = 0, s.urls_ok = 1;
        CHECK_EQ_INT(trawl_batch_foreach(b, NULL, &s), TRAWL_INVALID_ARGUMENT);
        CHECK_EQ_INT(trawl_batch_foreach(b, on_result, &s), TRAWL_OK);
        CHECK_EQ_INT(s.calls, 3);
        CHECK(s.urls_ok);
        trawl_batch_free(b);
    }
    b = NULL;
    if (CHECK(trawl_batch_start(c, pages, 3, &b) == TRAWL_OK)) {
        s.calls = 0, s.stop_after = 1, s.urls_ok = 1;
        CHECK_EQ_INT(trawl_batch_foreach(b, on_result, &s), TRAWL_CANCELLED);
        CHECK_EQ_INT(s.calls, 1);
        while (trawl_batch_next(b, &r, -1) == TRAWL_OK) {
            rest++;
            trawl_result_free(r);
        }
        CHECK_EQ_INT(rest, 2);
        trawl_batch_free(b);
    }
    trawl_crawler_free(c);
}

/* ------------------------------------------------------------------------------------------ */

/* ------------------------------------------------------------------------------------------ */

/* trawl_batch_write: a batch's results as JSON lines (or one JSON array) on a descriptor, in
 * input order; bad arguments write nothing; a failing write is TRAWL_IO. */
static void test_batch_write(void) {
    trawl_crawler *c = make_crawler(1);
    trawl_batch *b = NULL;
    char line[1 << 16];
    const char *fmts[2] = {NULL, "json"};
    int f, n;
    if (!c) return;
    CHECK_EQ_INT(trawl_batch_write(NULL, 1, NULL), TRAWL_INVALID_ARGUMENT);
    for (f = 0; f < 2; f++) {
        FILE *out = tmpfile();
        if (!CHECK(out != NULL)) break;
        b = NULL;
        if (CHECK(trawl_batch_start(c, pages, 3, &b) == TRAWL_OK)) {
            CHECK_EQ_INT(trawl_batch_write(b, -1, NULL), TRAWL_INVALID_ARGUMENT);
            CHECK_EQ_INT(trawl_batch_write(b, fileno(out), "csv"), TRAWL_INVALID_ARGUMENT);
            CHECK_EQ_INT(trawl_batch_write(b, fileno(out), fmts[f]), TRAWL_OK);
            trawl_batch_free(b);
        }
        rewind(out);
        n = 0;
        while (fgets(line, sizeof line, out)) {
            if (f == 1 && (line[0] == '[' || line[0] == ']')) continue;
            /* Input order although the crawler hands results out as they complete: the sink
             * writes in the batch's order, which is "completed" here, so check each page once. */
            CHECK(strstr(line, "\"url\":\"") != NULL);
            CHECK(strstr(line, "\"matches\":{") != NULL);
            n++;
        }
        CHECK_EQ_INT(n, 3);
        if (f == 1) {
            rewind(out);
            CHECK(fgets(line, sizeof line, out) && strcmp(line, "[\n") == 0);
        }
        fclose(out);
    }
    /* A descriptor open for reading only: the write fails and says so. */
    b = NULL;
    if (CHECK(trawl_batch_start(c, pages, 3, &b) == TRAWL_OK)) {
        FILE *ro = fopen("/dev/null", "r");
        if (CHECK(ro != NULL)) {
            CHECK_EQ_INT(trawl_batch_write(b, fileno(ro), "jsonl"), TRAWL_IO);
            fclose(ro);
        }
        trawl_batch_free(b);
    }
    trawl_crawler_free(c);
}

/* ------------------------------------------------------------------------------------------ */

/* The process backend from C: the same matches as the thread backend, and trawl_pool_shutdown
 * ends the pooled workers (a second call has nothing left to do). */
/* absolute_links: the link pattern's matches absolute, the raw ones beside them, an
 * unparsable one flagged. The page is /bytes?hex=... with three links. */
static void test_absolute_links(void) {
    static const char html[] = "<a href=\"a/b?x=1&amp;y=2\">1</a><a href=\"http://[bad\">2</a>"
                               "<a href=\"/root\">3</a>";
    char path[512] = "/bytes/dir/page?hex=";
    trawl_options *o = NULL;
    trawl_crawler *c = NULL;
    trawl_result_list *list = NULL;
    const trawl_result *r;
    const char *ptr = NULL, *urls[1];
    char *url, *want;
    size_t len = 0, i;
    for (i = 0; html[i]; i++) snprintf(path + strlen(path), sizeof path - strlen(path), "%02x", (unsigned char)html[i]);
    url = url_of(path);
    want = url_of("/bytes/dir/a/b?x=1&y=2");
    urls[0] = url;
    if (!CHECK(trawl_options_new(&o) == TRAWL_OK)) return;
    CHECK_EQ_INT(trawl_options_set_str(o, "absolute_links", "link"), TRAWL_OK);
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_OK);
    trawl_options_free(o);
    CHECK_EQ_INT(trawl_crawl(c, urls, 1, &list), TRAWL_OK);
    r = trawl_result_list_get(list, 0);
    if (CHECK(r != NULL) && CHECK(trawl_result_match_count(r, 1) == 3)) {
        CHECK(match_is(r, 1, 0, 0, want, strlen(want)));
        CHECK(match_is(r, 1, 1, 0, "http://[bad", 11));
        CHECK_EQ_INT(trawl_result_match_raw(r, 1, 0, &ptr, &len), TRAWL_OK);
        CHECK(len == 15 && memcmp(ptr, "a/b?x=1&amp;y=2", 15) == 0 && ptr[len] == 0);
        CHECK_EQ_INT(trawl_result_match_unresolved(r, 1, 0), 0);
        CHECK_EQ_INT(trawl_result_match_unresolved(r, 1, 1), 1);
        CHECK_EQ_INT(trawl_result_match_unresolved(r, 1, 99), 0);
        CHECK_EQ_INT(trawl_result_match_unresolved(NULL, 1, 1), 0);
        CHECK_EQ_INT(trawl_result_match_raw(r, 1, 3, &ptr, &len), TRAWL_INVALID_ARGUMENT);
        CHECK(ptr == NULL && len == 0);
        CHECK_EQ_INT(trawl_result_match_raw(NULL, 1, 0, &ptr, &len), TRAWL_INVALID_ARGUMENT);
        CHECK(strstr(trawl_result_json(r, NULL), "\"unresolved\":{\"link\":[1]}") != NULL);
    }
    trawl_result_list_free(list);
    trawl_crawler_free(c);
    free(url);
    free(want);
}

/* Follow mode: the cyclic site /graph/TOKEN/50/N from page 0 with max_depth 2 is exactly
 * pages 0-6 (0 links to 1 and 2; they to 3, 4, 5 and 6), each with its depth and parent;
 * then the values trawl refuses. */
/* Follows the cyclic test site of 50 pages to depth 2 on `backend`: the 7 pages within two
 * links, each once, each found on its parent one level up. */
static void follow_site(const char *backend) {
    trawl_options *o = NULL;
    trawl_crawler *c = NULL;
    trawl_result_list *list = NULL;
    const char *urls[1];
    char path[128];
    char *seed;
    size_t i, n;
    int seen[7] = {0};
    /* Tokens apart from other runs against the same server (run.sh starts one per run). */
    snprintf(path, sizeof path, "/graph/ctest%s%ld/50/0", backend, (long)time(NULL));
    seed = url_of(path);
    urls[0] = seed;
    if (!CHECK(trawl_options_new(&o) == TRAWL_OK)) return;
    CHECK_EQ_INT(trawl_options_set_str(o, "backend", backend), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_int(o, "jobs", 2), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "follow", "link"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_int(o, "max_depth", 2), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "follow_scope", "domain"), TRAWL_OK);
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_OK);
    CHECK_EQ_INT(trawl_crawl(c, urls, 1, &list), TRAWL_OK);
    n = trawl_result_list_count(list);
    CHECK_EQ_INT(n, 7);
    for (i = 0; i < n; i++) {
        const trawl_result *r = trawl_result_list_get(list, i);
        const char *u = trawl_result_url(r), *slash = u ? strrchr(u, '/') : NULL;
        int page = slash ? atoi(slash + 1) : -1;
        CHECK_EQ_INT(trawl_result_status(r), 200);
        if (CHECK(page >= 0 && page < 7)) seen[page]++;
        if (i == 0) {
            CHECK_EQ_INT(trawl_result_depth(r), 0);
            CHECK_EQ_INT(trawl_result_parent(r), -1);
            CHECK(trawl_result_parent_url(r) == NULL);
            CHECK(strstr(trawl_result_json(r, NULL), "\"depth\":0,\"parent\":-1,\"parent_url\":null") != NULL);
        } else {
            int64_t parent = trawl_result_parent(r);
            const trawl_result *p = (parent >= 0 && (size_t)parent < i) ? trawl_result_list_get(list, (size_t)parent) : NULL;
            if (CHECK(p != NULL)) {
                CHECK_EQ_INT(trawl_result_depth(r), trawl_result_depth(p) + 1);
                CHECK_STR(trawl_result_parent_url(r), trawl_result_url(p));
            }
            CHECK(trawl_result_depth(r) == (page <= 2 ? 1 : 2));
        }
    }
    for (i = 0; i < 7; i++) CHECK_EQ_INT(seen[i], 1);
    trawl_result_list_free(list);
    trawl_crawler_free(c);
    trawl_options_free(o);
    free(seed);
}

static void test_follow(void) {
    trawl_options *o = NULL;
    trawl_crawler *c = NULL;
    follow_site("thread");
    follow_site("process");
    CHECK_EQ_INT(trawl_result_depth(NULL), 0);
    CHECK_EQ_INT(trawl_result_parent(NULL), -1);
    CHECK(trawl_result_parent_url(NULL) == NULL);
    if (!CHECK(trawl_options_new(&o) == TRAWL_OK)) return;
    CHECK_EQ_INT(trawl_options_set_str(o, "follow", "link"), TRAWL_OK);

    /* Bad values: each refused with a message naming the option, the options unchanged. */
    CHECK_EQ_INT(trawl_options_set_str(o, "follow_scope", "planet"), TRAWL_INVALID_ARGUMENT);
    CHECK_CONTAINS(trawl_options_last_error(o), "follow_scope");
    CHECK_EQ_INT(trawl_options_set_str(o, "follow_scope", NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_str(o, "follow", NULL), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_int(o, "max_depth", -1), TRAWL_INVALID_ARGUMENT);
    CHECK_EQ_INT(trawl_options_set_int(o, "max_pages", -1), TRAWL_INVALID_ARGUMENT);
    /* A regex that does not compile fails the crawler, before any batch. */
    CHECK_EQ_INT(trawl_options_set_str(o, "follow_allow", "(["), TRAWL_OK);
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_INVALID_REGEX);
    if (CHECK(c != NULL)) CHECK_CONTAINS(trawl_crawler_last_error(c), "follow_allow");
    trawl_crawler_free(c);
    c = NULL;
    CHECK_EQ_INT(trawl_options_set_str(o, "follow_allow", ""), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "follow_deny", "(?<"), TRAWL_OK);
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_INVALID_REGEX);
    if (CHECK(c != NULL)) CHECK_CONTAINS(trawl_crawler_last_error(c), "follow_deny");
    trawl_crawler_free(c);
    c = NULL;
    CHECK_EQ_INT(trawl_options_set_str(o, "follow_deny", ""), TRAWL_OK);
    /* A pattern that does not exist, and a journal (a following batch's URLs are found as it runs). */
    CHECK_EQ_INT(trawl_options_set_str(o, "follow", "nosuch"), TRAWL_OK);
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_INVALID_ARGUMENT);
    if (CHECK(c != NULL)) CHECK_CONTAINS(trawl_crawler_last_error(c), "nosuch");
    trawl_crawler_free(c);
    c = NULL;
    CHECK_EQ_INT(trawl_options_set_str(o, "follow", "link"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_str(o, "journal", "/tmp/trawl-unused-follow-journal"), TRAWL_OK);
    CHECK_EQ_INT(trawl_crawler_new(o, &c), TRAWL_INVALID_ARGUMENT);
    if (CHECK(c != NULL)) CHECK_CONTAINS(trawl_crawler_last_error(c), "cannot be resumed from a journal");
    trawl_crawler_free(c);
    trawl_options_free(o);
}

#include "warc_tests.h"

/* Takes every result of a batch, checking that each is a 200; returns how many there were. */
static size_t drain_status_200(trawl_batch *batch) {
    trawl_result *r = NULL;
    size_t n = 0;
    while (trawl_batch_next(batch, &r, 20000) == TRAWL_OK) {
        CHECK_EQ_INT(trawl_result_status(r), 200);
        n++;
        trawl_result_free(r);
        r = NULL;
    }
    return n;
}

static void test_process_backend(void) {
    trawl_options *o = NULL;
    trawl_crawler *threads = make_crawler(0), *procs = NULL;
    trawl_result_list *a = NULL, *b = NULL;
    size_t i;
    if (!CHECK(trawl_options_new(&o) == TRAWL_OK)) return;
    CHECK_EQ_INT(trawl_options_set_str(o, "backend", "process"), TRAWL_OK);
    CHECK_EQ_INT(trawl_options_set_int(o, "jobs", 2), TRAWL_OK);
    if (!CHECK(trawl_crawler_new(o, &procs) == TRAWL_OK)) fprintf(stderr, "%s\n", trawl_crawler_last_error(procs));
    trawl_options_free(o);
    CHECK_EQ_INT(trawl_crawl(threads, pages, 3, &a), TRAWL_OK);
    CHECK_EQ_INT(trawl_crawl(procs, pages, 3, &b), TRAWL_OK);
    CHECK_EQ_INT(trawl_result_list_count(b), 3);
    {
        /* A process batch streams its input: URLs pushed while it runs, and a URL source. */
        trawl_batch *pb = NULL;
        struct url_source src = {0, 3, -1};
        if (CHECK(trawl_batch_open(procs, &pb) == TRAWL_OK)) {
            for (i = 0; i < 3; i++) CHECK_EQ_INT(trawl_batch_add(pb, pages[i], 5000), TRAWL_OK);
            CHECK_EQ_INT(trawl_batch_close_input(pb), TRAWL_OK);
            CHECK_EQ_INT(drain_status_200(pb), 3);
            trawl_batch_free(pb);
            pb = NULL;
        }
        if (CHECK(trawl_batch_start_source(procs, next_url, &src, &pb) == TRAWL_OK)) {
            CHECK_EQ_INT(drain_status_200(pb), 3);
            trawl_batch_free(pb);
        }
    }
    for (i = 0; i < 3 && a && b; i++) {
        const trawl_result *x = trawl_result_list_get(a, i), *y = trawl_result_list_get(b, i);
        CHECK_EQ_INT(trawl_result_status(y), 200);
        CHECK_EQ_INT((long long)trawl_result_match_count(x, 1), (long long)trawl_result_match_count(y, 1));
        CHECK_EQ_INT((long long)trawl_result_bytes(x), (long long)trawl_result_bytes(y));
    }
    CHECK_EQ_INT(trawl_pool_shutdown(), TRAWL_OK);
    CHECK_EQ_INT(trawl_pool_shutdown(), TRAWL_OK);
    trawl_result_list_free(a);
    trawl_result_list_free(b);
    trawl_crawler_free(threads);
    trawl_crawler_free(procs);
}

int main(void) {
    const char *prefix = getenv("TRAWL_TEST_PAGES");
    const char *names = getenv("TRAWL_TEST_CORPUS");
    char buf[512];
    int i;
    char *tok, *save = NULL;
    base_url = getenv("TRAWL_TEST_BASE");
    if (!base_url || !prefix || !names) {
        fprintf(stderr, "test_trawl: run me through Tests/c/run.sh (TRAWL_TEST_* not set)\n");
        return 2;
    }
    snprintf(buf, sizeof buf, "%s", names);
    for (i = 0, tok = strtok_r(buf, ",", &save); i < 3 && tok; i++, tok = strtok_r(NULL, ",", &save)) {
        snprintf(page_urls[i], sizeof page_urls[i], "%s%s", prefix, tok);
        pages[i] = page_urls[i];
    }
    if (i < 3) {
        fprintf(stderr, "test_trawl: TRAWL_TEST_CORPUS needs three names\n");
        return 2;
    }

    test_version_and_status();
    test_options();
    test_options_describe();
    test_options_table();
    test_header_injection();
    test_crawler_errors();
    test_null_handles();
    test_extract();
    test_extract_threads();
    test_crawl_to_completion();
    test_site_json();
    test_streaming();
    test_batch_add();
    test_batch_start_source();
    test_timeout_poll();
    test_cancel_from_thread();
    test_progress_and_collect();
    test_foreach();
    test_batch_write();
    test_absolute_links();
    test_follow();
    test_warc_extract();
    test_process_backend();
    return check_summary();
}
