/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A tiny assertion framework for trawl's C tests: CHECK counts and reports, never aborts, so
 * that one run lists every failure; check_summary() prints the final "N passed, M failed" line
 * that the Makefile looks for and returns the exit status.
 */
#ifndef TRAWL_TEST_CHECK_H
#define TRAWL_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed = 0;
static int check_failed = 0;

static int check_report(int ok, const char *expr, const char *file, int line) {
    if (ok) {
        check_passed++;
    } else {
        check_failed++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, expr);
    }
    return ok;
}

/* CHECK(cond): counts one assertion; evaluates to cond so that tests can skip dependent steps. */
#define CHECK(cond) check_report((cond) ? 1 : 0, #cond, __FILE__, __LINE__)

/* CHECK_EQ_INT(a, b): as CHECK(a == b), printing both values on failure. */
#define CHECK_EQ_INT(a, b)                                                                       \
    do {                                                                                         \
        long long check_a_ = (long long)(a), check_b_ = (long long)(b);                          \
        if (!check_report(check_a_ == check_b_, #a " == " #b, __FILE__, __LINE__))                \
            fprintf(stderr, "     got %lld, expected %lld\n", check_a_, check_b_);                 \
    } while (0)

/* CHECK_STR(a, b): two C strings are equal (NULL only equals NULL). */
#define CHECK_STR(a, b)                                                                          \
    do {                                                                                         \
        const char *check_a_ = (a), *check_b_ = (b);                                             \
        int check_ok_ = (check_a_ == NULL || check_b_ == NULL) ? check_a_ == check_b_            \
                                                               : strcmp(check_a_, check_b_) == 0; \
        if (!check_report(check_ok_, #a " == " #b, __FILE__, __LINE__))                          \
            fprintf(stderr, "     got \"%s\", expected \"%s\"\n", check_a_ ? check_a_ : "(null)", \
                    check_b_ ? check_b_ : "(null)");                                             \
    } while (0)

/* CHECK_CONTAINS(haystack, needle): haystack is not NULL and contains needle. */
#define CHECK_CONTAINS(h, n)                                                                     \
    do {                                                                                         \
        const char *check_h_ = (h);                                                              \
        if (!check_report(check_h_ != NULL && strstr(check_h_, (n)) != NULL,                     \
                          #h " contains " #n, __FILE__, __LINE__))                               \
            fprintf(stderr, "     in \"%s\"\n", check_h_ ? check_h_ : "(null)");                 \
    } while (0)

static int check_summary(void) {
    printf("%d passed, %d failed\n", check_passed, check_failed);
    return check_failed == 0 ? 0 : 1;
}

#endif
