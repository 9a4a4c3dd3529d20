/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The option tests of test_trawl.c: trawl_options_describe_json, and every option set with
 * valid and invalid values. Included by test_trawl.c (not compiled alone) so that check.h's
 * counters are the ones the summary line reports.
 */
#ifndef TRAWL_TEST_OPTIONS_TABLE_H
#define TRAWL_TEST_OPTIONS_TABLE_H

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "trawl.h"
#include "check.h"

/* Occurrences of needle in haystack. */
static size_t count_of(const char *haystack, const char *needle) {
    size_t n = 0, len = strlen(needle);
    const char *p = haystack;
    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += len;
    }
    return n;
}

static void *describe_thread(void *arg) {
    (void)arg;
    return (void *)trawl_options_describe_json();
}

static void test_options_describe(void) {
    enum { THREADS = 4 };
    pthread_t t[THREADS];
    const char *seen[THREADS];
    const char *json = trawl_options_describe_json();
    size_t len;
    int i;
    if (!CHECK(json != NULL)) return;
    len = strlen(json);
    CHECK(len > 2 && json[0] == '[' && json[len - 1] == ']');
    /* Library-owned and built once: the same pointer from every thread, every time. */
    for (i = 0; i < THREADS; i++) CHECK(pthread_create(&t[i], NULL, describe_thread, NULL) == 0);
    for (i = 0; i < THREADS; i++) {
        void *p = NULL;
        pthread_join(t[i], &p);
        seen[i] = p;
        CHECK(seen[i] == json);
    }
    /* Every object has every key of the header's contract, in order. */
    CHECK_EQ_INT(count_of(json, "{\"name\":"), count_of(json, ",\"doc\":"));
    CHECK_EQ_INT(count_of(json, "{\"name\":"), count_of(json, ",\"repeatable\":"));
    CHECK_EQ_INT(count_of(json, "{\"name\":"), count_of(json, ",\"choices\":"));
    /* One entry checked whole: the shape a binding reads. */
    CHECK_CONTAINS(json, "{\"name\":\"timeout\",\"type\":\"double\",\"default\":30.0,\"min\":0.001,"
                         "\"max\":31536000,\"choices\":null,\"scope\":\"fetch\",\"flag\":\"--timeout\","
                         "\"repeatable\":false,\"doc\":\"");
    CHECK_CONTAINS(json, "{\"name\":\"backend\",\"type\":\"choice\",\"default\":\"thread\",\"min\":null,"
                         "\"max\":null,\"choices\":[\"thread\",\"process\",\"cluster\"],\"scope\":\"batch\","
                         "\"flag\":\"--backend\",\"repeatable\":false,");
    CHECK_CONTAINS(json, "{\"name\":\"header\",\"type\":\"list\",\"default\":[],");
    CHECK_CONTAINS(json, "\"flag\":\"--header\",\"repeatable\":true,");
    CHECK_CONTAINS(json, "{\"name\":\"verify_tls\",\"type\":\"bool\",\"default\":true,");
    CHECK_CONTAINS(json, "{\"name\":\"ca_bundle\",\"type\":\"string\",\"default\":null,");
}

/* MARK: every option, valid and invalid values (issue: validation must match the docs) */

enum setter { SET_END, SET_INT, SET_DOUBLE, SET_STR };
struct value {
    enum setter kind;
    int64_t i;
    double d;
    const char *s;
};
#define I(n) {SET_INT, (n), 0, NULL}
#define D(x) {SET_DOUBLE, 0, (x), NULL}
#define S(x) {SET_STR, 0, 0, (x)}
#define END {SET_END, 0, 0, NULL}

/* The documented range of each option (docs/c-api.md's table), written out by hand so that a
 * registry change that moves a range shows up here as a failure. */
struct option_case {
    const char *name;
    struct value valid[8];
    struct value invalid[10];
};

static const struct option_case option_cases[] = {
    {"backend", {S("thread"), S("process"), S("cluster"), END}, {S("gpu"), S(""), I(0), END}},
    {"jobs", {I(-1), I(-2), I(1), I(4096), I(-4096), END}, {I(0), I(4097), I(-4097), S("2"), END}},
    {"concurrency", {I(0), I(1), I(64), I(100000), S("auto"), S("AUTO"), END}, {I(-1), I(100001), D(1.5), S("lots"), S(""), END}},
    {"max_concurrency", {I(1), I(1024), I(100000), END}, {I(0), I(-1), I(100001), S("auto"), END}},
    {"order", {S("input"), S("completed"), I(0), I(1), END}, {S("random"), I(2), I(-1), END}},
    {"verbose", {I(0), I(10), I(1000), END}, {I(-1), I(1001), S("1"), END}},
    {"dedupe", {I(0), I(1), END}, {I(2), I(-1), S("1"), END}},
    {"per_host_connections", {I(0), I(1), I(100000), END}, {I(-1), I(100001), END}},
    {"per_host_streams", {I(1), I(100), I(1000), END}, {I(0), I(-1), I(1001), S("auto"), END}},
    {"connect_timeout", {D(0.001), D(10), I(1), D(31536000), END}, {D(0), D(-1), D(0.0005), D(31536001), S("1"), END}},
    {"timeout", {D(0.001), D(30), I(30), D(31536000), END}, {D(0), D(-1), D(1e300), S("30"), END}},
    {"read_timeout", {I(0), D(0), D(1.5), D(31536000), END}, {D(-1), D(31536001), S("1"), END}},
    {"max_redirects", {I(0), I(10), I(1000), END}, {I(-1), I(1001), END}},
    {"max_bytes", {I(1), I(16777216), I(2147483647), END}, {I(0), I(2147483648), I(INT64_MAX), END}},
    {"user_agent", {S("trawl-c-test/1"), S(""), END},
     {S("ua\r\nX-Injected: 1"), S("ua\nX-Injected: 1"), S("ua\r"), I(1), END}},
    {"header", {S("X-A: 1"), S("X-B:"), END}, {S("no colon"), S(": no name"), S("X-A: 1\r\nX-B: 2"), S("X-A: 1\n"), I(1), END}},
    {"clear_headers", {I(0), I(1), END}, {I(7), I(2), I(-1), S("1"), END}},
    {"ca_bundle", {S(""), S("/tmp/ca.pem"), END}, {I(1), END}},
    {"verify_tls", {I(0), I(1), END}, {I(2), I(-1), S("1"), D(1), END}},
    {"protocols", {S("http,https"), S("https"), S("HTTP"), S(" http , https "), END}, {S(""), S("http,"), S("ht tp"), S("http1"), S("http,file"), S("gopher"), I(1), END}},
    {"decode", {S("browser"), S("requests"), END}, {S("utf-8"), I(1), END}},
    {"default_patterns", {I(0), I(1), END}, {I(2), S("0"), END}},
    {"absolute_links", {S(""), S("link"), S("button, link"), END}, {S("link,"), S(","), I(1), END}},
    {"regex_budget", {D(0.001), D(1), I(2), D(31536000), END}, {D(0), D(-0.5), D(31536001), END}},
    {"regex_match_limit", {I(1), I(10000000), I(4294967295LL), END}, {I(0), I(4294967296LL), END}},
    {"follow", {S(""), S("link"), END}, {S("li\tnk"), I(1), END}},
    {"max_depth", {I(0), I(1), I(1000000), END}, {I(-1), I(1000001), S("1"), END}},
    {"max_pages", {I(0), I(1), I(9007199254740992LL), END}, {I(-1), I(9007199254740993LL), S("1"), END}},
    {"follow_scope", {S("host"), S("domain"), S("any"), END}, {S("planet"), S(""), S("HOST"), I(1), END}},
    {"follow_allow", {S(""), S("/docs/"), END}, {I(1), END}},
    {"follow_deny", {S(""), S("[.]pdf$"), END}, {I(1), END}},
    {"worker_memory_limit", {I(0), I(536870912), I(9007199254740992LL), END}, {I(-1), I(9007199254740993LL), END}},
    {"task_timeout", {I(0), D(0), D(1.5), D(31536000), END}, {D(-1), D(31536001), S("1"), END}},
    {"max_attempts", {I(1), I(2), I(100), END}, {I(0), I(101), END}},
    {"redis_url", {S(""), S("redis://127.0.0.1:6379/0"), END}, {I(1), END}},
    {"batch_id", {S(""), S("batch-1_a.b:c"), END}, {S("with space"), S("slash/no"), I(1), END}},
    {"visibility_timeout", {D(0.001), D(30), I(5), END}, {D(0), D(-1), END}},
    {"max_deliveries", {I(1), I(3), I(1000), END}, {I(0), I(1001), END}},
    {"ttl", {D(0.001), D(86400), I(60), END}, {D(0), D(31536001), END}},
    {"redis_timeout", {D(0.001), D(5), I(1), END}, {D(0), D(-5), END}},
    {"key_prefix", {S("trawl:"), S("x"), END}, {S("has space"), S("tab\there"), I(1), END}},
    {"journal", {S(""), S("/tmp/trawl-journal.jsonl"), END}, {I(1), END}},
    {"warc", {S(""), S("/tmp/trawl-archive"), END}, {I(1), END}},
    {"warc_max_bytes", {I(4096), I(1073741824), I(9007199254740992LL), END}, {I(4095), I(0), I(9007199254740993LL), S("1"), END}},
    {"resolve", {S("example.com:80:127.0.0.1"), S("x.test:8080:127.0.0.1,::1"), END},
     {S("example.com:80:127.1"), S("no-port"), S("h:0:127.0.0.1"), S("h:65536:127.0.0.1"), I(1), END}},
    {"block_private_addresses", {I(0), I(1), END}, {I(2), I(-1), S("1"), END}},
    {"allow_hosts", {S("example.com"), S("10.0.0.0/8"), END}, {I(1), END}},
    {"proxy", {S(""), S("http://user:pw@127.0.0.1:3128"), S("socks5h://127.0.0.1:1080"), END}, {S("ftp://127.0.0.1:21"), I(1), END}},
    {"no_proxy", {S(""), S("localhost,.example.com"), END}, {I(1), END}},
    {"use_env_proxy", {I(0), I(1), END}, {I(2), S("1"), END}},
    {"cookies", {I(0), I(1), END}, {I(2), I(-1), S("1"), END}},
    {"cookie_file", {S(""), S("/tmp/trawl-cookies.txt"), END}, {I(1), D(1.5), END}},
    {"respect_robots", {I(0), I(1), END}, {I(2), S("1"), END}},
    {"max_retries", {I(0), I(2), I(100), END}, {I(-1), I(101), S("2"), END}},
    {"retry_base", {D(0), D(0.5), D(3600), END}, {D(-1), D(3601), S("1"), END}},
    {"retry_max", {D(0), D(30), D(86400), END}, {D(-1), D(86401), END}},
    {"retry_statuses", {S("429,503"), S("500"), END}, {S("abc"), S("99"), I(1), END}},
    {"host_delay", {D(0), D(1.5), D(86400), END}, {D(-1), D(86401), END}},
    {"host_rate", {D(0), D(10), D(100000), END}, {D(-1), D(100001), END}},
    {"breaker_threshold", {I(0), I(5), I(1000000), END}, {I(-1), I(1000001), END}},
};

static trawl_status set_value(trawl_options *o, const char *name, struct value v) {
    switch (v.kind) {
    case SET_INT: return trawl_options_set_int(o, name, v.i);
    case SET_DOUBLE: return trawl_options_set_double(o, name, v.d);
    case SET_STR: return trawl_options_set_str(o, name, v.s);
    default: return TRAWL_INTERNAL;
    }
}

static void print_value(const char *what, const char *name, struct value v) {
    switch (v.kind) {
    case SET_INT: fprintf(stderr, "     %s %s = %lld\n", what, name, (long long)v.i); break;
    case SET_DOUBLE: fprintf(stderr, "     %s %s = %g\n", what, name, v.d); break;
    default: fprintf(stderr, "     %s %s = \"%s\"\n", what, name, v.s); break;
    }
}

static void test_options_table(void) {
    const char *json = trawl_options_describe_json();
    size_t n = sizeof option_cases / sizeof option_cases[0], i, j;
    char needle[128];
    /* The table covers every option the library describes, and nothing else. */
    CHECK_EQ_INT(count_of(json, "{\"name\":"), n);
    for (i = 0; i < n; i++) {
        const struct option_case *c = &option_cases[i];
        trawl_options *o = NULL;
        snprintf(needle, sizeof needle, "{\"name\":\"%s\",", c->name);
        if (!CHECK(strstr(json, needle) != NULL)) fprintf(stderr, "     %s is not described\n", c->name);
        if (!CHECK(trawl_options_new(&o) == TRAWL_OK)) return;
        for (j = 0; c->valid[j].kind != SET_END; j++) {
            trawl_status st = set_value(o, c->name, c->valid[j]);
            if (!CHECK(st == TRAWL_OK)) {
                print_value("refused", c->name, c->valid[j]);
                fprintf(stderr, "     %s\n", trawl_options_last_error(o));
            }
        }
        for (j = 0; c->invalid[j].kind != SET_END; j++) {
            trawl_status st = set_value(o, c->name, c->invalid[j]);
            if (!CHECK(st == TRAWL_INVALID_ARGUMENT)) print_value("accepted", c->name, c->invalid[j]);
            /* The message names the option, so a binding's error can say which. */
            if (!CHECK(strstr(trawl_options_last_error(o), c->name) != NULL))
                fprintf(stderr, "     message \"%s\" for %s\n", trawl_options_last_error(o), c->name);
        }
        trawl_options_free(o);
    }
}

#endif /* TRAWL_TEST_OPTIONS_TABLE_H */
