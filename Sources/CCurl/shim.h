/* SPDX-License-Identifier: Apache-2.0
 *
 * libcurl for Swift. curl_easy_setopt, curl_multi_setopt and curl_easy_getinfo are variadic,
 * which Swift cannot call, so each argument type gets a typed inline wrapper. */
#ifndef TRAWL_CCURL_SHIM_H
#define TRAWL_CCURL_SHIM_H

#include <curl/curl.h>
#include <pthread.h>
#include <stdlib.h>

static inline CURLcode trawl_curl_easy_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode trawl_curl_easy_setopt_str(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode trawl_curl_easy_setopt_ptr(CURL *h, CURLoption o, void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode trawl_curl_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode trawl_curl_easy_setopt_write(CURL *h,
        size_t (*cb)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, cb);
}
static inline CURLcode trawl_curl_easy_setopt_header(CURL *h,
        size_t (*cb)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, cb);
}
static inline CURLcode trawl_curl_easy_setopt_opensocket(CURL *h, curl_opensocket_callback cb) {
    return curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, cb);
}
static inline CURLcode trawl_curl_easy_setopt_prereq(CURL *h, curl_prereq_callback cb) {
    return curl_easy_setopt(h, CURLOPT_PREREQFUNCTION, cb);
}
/* CURLOPT_DEBUGFUNCTION: how the request head as sent reaches a WARC writer (CURLINFO_HEADER_OUT). */
static inline CURLcode trawl_curl_easy_setopt_debug(CURL *h,
        int (*cb)(CURL *, curl_infotype, char *, size_t, void *)) {
    return curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, cb);
}
static inline CURLcode trawl_curl_easy_getinfo_long(CURL *h, CURLINFO i, long *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode trawl_curl_easy_getinfo_str(CURL *h, CURLINFO i, char **v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode trawl_curl_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode trawl_curl_easy_getinfo_slist(CURL *h, CURLINFO i, struct curl_slist **v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode trawl_curl_easy_getinfo_off(CURL *h, CURLINFO i, curl_off_t *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLMcode trawl_curl_multi_setopt_long(CURLM *m, CURLMoption o, long v) {
    return curl_multi_setopt(m, o, v);
}

/* A curl_share handle with one mutex per lock data type (libcurl-thread.md: "a lock per
 * data type"), so that lanes on different threads share the DNS cache and TLS sessions
 * while holding only the lock of what they touch. Swift cannot pass a C function as the
 * lock callback with a context easily and safely, hence the callbacks live here. */
typedef struct trawl_curl_share {
    CURLSH *share;
    pthread_mutex_t locks[CURL_LOCK_DATA_LAST];
} trawl_curl_share;

static inline void trawl_curl_share_lock(CURL *h, curl_lock_data data, curl_lock_access access,
                                         void *user) {
    (void)h;
    (void)access;
    trawl_curl_share *s = (trawl_curl_share *)user;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST) pthread_mutex_lock(&s->locks[data]);
}

static inline void trawl_curl_share_unlock(CURL *h, curl_lock_data data, void *user) {
    (void)h;
    trawl_curl_share *s = (trawl_curl_share *)user;
    if ((int)data >= 0 && data < CURL_LOCK_DATA_LAST) pthread_mutex_unlock(&s->locks[data]);
}

/* A share of the DNS cache (dns != 0) and TLS sessions (ssl != 0); NULL when libcurl or
 * memory refuses. Free with trawl_curl_share_free once no easy handle uses it. */
static inline trawl_curl_share *trawl_curl_share_new(int dns, int ssl) {
    trawl_curl_share *s = (trawl_curl_share *)calloc(1, sizeof *s);
    if (!s) return NULL;
    s->share = curl_share_init();
    if (!s->share) {
        free(s);
        return NULL;
    }
    for (int k = 0; k < CURL_LOCK_DATA_LAST; k++) pthread_mutex_init(&s->locks[k], NULL);
    int ok = curl_share_setopt(s->share, CURLSHOPT_LOCKFUNC, trawl_curl_share_lock) == CURLSHE_OK
        && curl_share_setopt(s->share, CURLSHOPT_UNLOCKFUNC, trawl_curl_share_unlock) == CURLSHE_OK
        && curl_share_setopt(s->share, CURLSHOPT_USERDATA, (void *)s) == CURLSHE_OK
        && (!dns || curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS) == CURLSHE_OK)
        && (!ssl || curl_share_setopt(s->share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION) == CURLSHE_OK);
    if (!ok) {
        curl_share_cleanup(s->share);
        for (int k = 0; k < CURL_LOCK_DATA_LAST; k++) pthread_mutex_destroy(&s->locks[k]);
        free(s);
        return NULL;
    }
    return s;
}

static inline void trawl_curl_share_free(trawl_curl_share *s) {
    if (!s) return;
    curl_share_cleanup(s->share);
    for (int k = 0; k < CURL_LOCK_DATA_LAST; k++) pthread_mutex_destroy(&s->locks[k]);
    free(s);
}

static inline CURLcode trawl_curl_easy_setopt_share(CURL *h, trawl_curl_share *s) {
    return curl_easy_setopt(h, CURLOPT_SHARE, s ? s->share : NULL);
}

#endif
