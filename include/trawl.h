/* SPDX-License-Identifier: Apache-2.0 */
/*
 * trawl.h -- the C API of libtrawl: crawl batches of URLs in parallel and extract data from
 * every page with named regular expressions (Python `re` syntax, run by PCRE2).
 *
 * A minimal program:
 *
 *     trawl_options *opts; trawl_crawler *crawler; trawl_result_list *list;
 *     const char *urls[] = { "http://127.0.0.1:8080/" };
 *     trawl_options_new(&opts);
 *     if (trawl_crawler_new(opts, &crawler) != TRAWL_OK) { puts(trawl_crawler_last_error(crawler)); }
 *     trawl_crawl(crawler, urls, 1, &list);
 *     fputs(trawl_result_list_json(list, NULL), stdout);
 *     trawl_result_list_free(list); trawl_crawler_free(crawler); trawl_options_free(opts);
 *
 * Conventions that hold for every function below (docs/c-api.md explains them at length):
 *
 *  - Status: functions that can fail return a trawl_status; TRAWL_OK is 0. A NULL or otherwise
 *    invalid argument returns TRAWL_INVALID_ARGUMENT; it never crashes. Accessors that return a
 *    value instead document the value they return for a NULL handle.
 *  - Handles are opaque. trawl_x_new(..., &out) creates one, trawl_x_free(h) destroys it, and
 *    trawl_x_free(NULL) does nothing. On failure *out is set to NULL, except trawl_crawler_new,
 *    which (like sqlite3_open) may hand back a failed crawler whose last error explains why.
 *  - Ownership: string and array arguments are borrowed for the duration of the call and copied
 *    if kept, so the caller may free them as soon as the call returns. Strings returned by the
 *    library are owned by it, NUL-terminated UTF-8, and valid until the point stated for each
 *    function; never pass them to free(). Match text is also given as (pointer, length) because
 *    a page may contain NUL characters.
 *  - Threads: a handle may be used by one thread at a time, except where a function says
 *    "any thread". Different handles may be used from different threads at once. Read-only
 *    accessors of a trawl_result and a trawl_result_list may be called from several threads at
 *    once. Callbacks run on the thread stated for each and must not free the batch that calls
 *    them.
 *  - ABI: the SONAME is libtrawl.so.0. Within major version 0, functions, status codes, flags and
 *    option names are only ever appended; nothing is renumbered or removed.
 */
#ifndef TRAWL_H
#define TRAWL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) || defined(__clang__)
#define TRAWL_API __attribute__((visibility("default")))
#else
#define TRAWL_API
#endif

/* ------------------------------------------------------------------------------------------ */
/* Version                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* The version of this header. Compare TRAWL_VERSION_NUM with trawl_version_num() at run time to
 * detect a library older than the header a program was built with. */
#define TRAWL_VERSION_MAJOR 0
#define TRAWL_VERSION_MINOR 1
#define TRAWL_VERSION_PATCH 0
/* 0xMMmmpp: major, minor and patch as two hex digits each; comparable with < and >. */
#define TRAWL_VERSION_NUM 0x000100
#define TRAWL_VERSION_STRING "0.1.0"

/* The library's version as "MAJOR.MINOR.PATCH". Static storage; never fails; any thread. */
TRAWL_API const char *trawl_version(void);

/* The library's version as 0xMMmmpp (see TRAWL_VERSION_NUM). Never fails; any thread. */
TRAWL_API int32_t trawl_version_num(void);

/* ------------------------------------------------------------------------------------------ */
/* Status codes                                                                                 */
/* ------------------------------------------------------------------------------------------ */

/* The result of a call, and the error of one URL (trawl_result_error). One list for both, like
 * CURLcode. Values are ABI: only ever appended. */
typedef int32_t trawl_status;

enum {
    TRAWL_OK = 0,
    /* API errors */
    TRAWL_INVALID_ARGUMENT = 1,   /* NULL or out-of-range argument, bad option value */
    TRAWL_UNKNOWN_OPTION = 2,     /* option name not known to this library version */
    TRAWL_INVALID_REGEX = 3,      /* a pattern does not compile (trawl_crawler_error_offset) */
    TRAWL_INVALID_STATE = 4,      /* call not valid now (e.g. on a crawler that failed) */
    TRAWL_OUT_OF_MEMORY = 5,
    TRAWL_IO = 6,
    TRAWL_INTERNAL = 7,           /* a bug in trawl, or the system refused a thread */
    TRAWL_BACKEND_UNAVAILABLE = 8,/* the backend cannot run: no worker executable, Redis refused */
    TRAWL_DONE = 9,               /* trawl_batch_next: every result has been handed out */
    TRAWL_TIMED_OUT = 10,         /* trawl_batch_next: no result within timeout_ms */
    /* Per-URL errors (trawl_result_error) */
    TRAWL_INVALID_URL = 20,
    TRAWL_UNSUPPORTED_PROTOCOL = 21,
    TRAWL_DNS = 22,
    TRAWL_CONNECT = 23,
    TRAWL_TIMEOUT = 24,
    TRAWL_TOO_MANY_REDIRECTS = 25,
    TRAWL_TOO_LARGE = 26,
    TRAWL_TLS = 27,
    TRAWL_HTTP = 28,
    TRAWL_NETWORK = 29,
    TRAWL_REGEX_BUDGET_EXCEEDED = 30,
    TRAWL_CANCELLED = 31,
    TRAWL_WORKER_CRASHED = 32,
    TRAWL_WORKER_LOST = 33,
    TRAWL_HOST_UNAVAILABLE = 34,  /* the host's circuit breaker found it down (breaker_threshold
                                     connect failures or timeouts in a row, and failed probes),
                                     or it asked to retry later than retry_max */
    TRAWL_ROBOTS_DISALLOWED = 35, /* the site's robots.txt refuses the URL (respect_robots) */
    TRAWL_BLOCKED_ADDRESS = 36,   /* the SSRF guard refused the address (block_private_addresses);
                                     the message names the address */
    TRAWL_BAD_RESPONSE = 37,      /* the response violates HTTP: garbage, HTTP/0.9, headers over
                                     256 KiB (or one line over 100 KiB), a body that is not what
                                     its Content-Encoding says, a zstd window above 8 MiB */
    TRAWL_INPUT_ERROR = 38        /* a streamed batch's URL source failed: its input ends there,
                                     reported once; every URL read before gets its result */
};

/* A fixed English sentence for `code` ("invalid URL"); "unknown error" for a code this library
 * does not know. Static storage; never NULL; any thread. */
TRAWL_API const char *trawl_strerror(trawl_status code);

/* The stable snake_case name of `code` ("invalid_url"), as used in JSON, the CLI and the
 * bindings; "unknown" for a code this library does not know. Static storage; never NULL; any
 * thread. */
TRAWL_API const char *trawl_status_name(trawl_status code);

/* ------------------------------------------------------------------------------------------ */
/* Handles                                                                                      */
/* ------------------------------------------------------------------------------------------ */

typedef struct trawl_options trawl_options;          /* settings + patterns, before compiling */
typedef struct trawl_crawler trawl_crawler;          /* validated options + compiled patterns */
typedef struct trawl_batch trawl_batch;              /* one running batch of URLs */
typedef struct trawl_result trawl_result;            /* everything learnt about one URL */
typedef struct trawl_result_list trawl_result_list;  /* the results of a batch, in input order */

/* Pattern flags: Python's `re` values, so that a binding can pass `pattern.flags` unchanged. */
#define TRAWL_FLAG_IGNORECASE 2u   /* re.I */
#define TRAWL_FLAG_MULTILINE 8u    /* re.M */
#define TRAWL_FLAG_DOTALL 16u      /* re.S */
#define TRAWL_FLAG_UNICODE 32u     /* re.U: the default for text; accepted, no effect */
#define TRAWL_FLAG_VERBOSE 64u     /* re.X */
#define TRAWL_FLAG_ASCII 256u      /* re.A */

/* Values of the "order" option (trawl_options_set_int): the order trawl_batch_next hands out
 * results in. The string values "input" and "completed" are accepted by trawl_options_set_str. */
#define TRAWL_ORDER_SUBMITTED 0    /* input order (the default) */
#define TRAWL_ORDER_COMPLETED 1    /* as they finish */

/* ------------------------------------------------------------------------------------------ */
/* Options                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Creates options with every default (thread backend, jobs -1 = all cores, concurrency auto =
 * adaptive up to max_concurrency 1,024, per_host_connections 8, timeout 30 s, default patterns
 * on, ...).
 * Returns TRAWL_OK and *out, which the caller frees with trawl_options_free; TRAWL_INVALID_ARGUMENT
 * if out is NULL. */
TRAWL_API trawl_status trawl_options_new(trawl_options **out);

/* Destroys options. NULL is a no-op. Crawlers created from them are unaffected (they copy). */
TRAWL_API void trawl_options_free(trawl_options *opts);

/* Set one option by name. Every option (name, type, inclusive range or choices, default; the
 * table of docs/c-api.md gives scope, flag and meaning, trawl_options_describe_json() all of it):
 * options:begin
 *   backend                  choice  thread, process, cluster "thread"
 *   jobs                     int     -4096..4096             -1
 *   concurrency              int     0..100000               0
 *   max_concurrency          int     1..100000               1024
 *   order                    choice  input, completed        "input"
 *   verbose                  int     0..1000                 0
 *   dedupe                   bool    0, 1                    1
 *   journal                  string  -                       none
 *   warc                     string  -                       none
 *   warc_max_bytes           int     4096..9007199254740992  1073741824
 *   per_host_connections     int     0..100000               8
 *   per_host_streams         int     1..1000                 100
 *   connect_timeout          double  0.001..31536000         10
 *   timeout                  double  0.001..31536000         30
 *   read_timeout             double  0..31536000             0
 *   max_redirects            int     0..1000                 10
 *   max_bytes                int     1..2147483647           16777216
 *   user_agent               string  -                       "trawl/0.1.0"
 *   header                   list    -                       none
 *   clear_headers            bool    0, 1                    none
 *   ca_bundle                string  -                       none
 *   verify_tls               bool    0, 1                    1
 *   protocols                list    -                       "http,https"
 *   resolve                  list    -                       none
 *   block_private_addresses  bool    0, 1                    0
 *   allow_hosts              list    -                       none
 *   proxy                    string  -                       none
 *   no_proxy                 string  -                       none
 *   use_env_proxy            bool    0, 1                    1
 *   cookies                  bool    0, 1                    0
 *   cookie_file              string  -                       none
 *   respect_robots           bool    0, 1                    0
 *   max_retries              int     0..100                  2
 *   retry_base               double  0..3600                 0.5
 *   retry_max                double  0..86400                30
 *   retry_statuses           list    -                       "408,425,429,500,502,503,504"
 *   host_delay               double  0..86400                0
 *   host_rate                double  0..100000               0
 *   breaker_threshold        int     0..1000000              5
 *   decode                   choice  browser, requests       "browser"
 *   default_patterns         bool    0, 1                    1
 *   absolute_links           list    -                       none
 *   regex_budget             double  0.001..31536000         1
 *   regex_match_limit        int     1..4294967295           10000000
 *   follow                   string  -                       none
 *   max_depth                int     0..1000000              1
 *   max_pages                int     0..9007199254740992     0
 *   follow_scope             choice  host, domain, any       "host"
 *   follow_allow             string  -                       none
 *   follow_deny              string  -                       none
 *   worker_memory_limit      int     0..9007199254740992     0
 *   task_timeout             double  0..31536000             0
 *   max_attempts             int     1..100                  2
 *   redis_url                string  -                       none
 *   batch_id                 string  -                       none
 *   visibility_timeout       double  0.001..31536000         30
 *   max_deliveries           int     1..1000                 3
 *   ttl                      double  0.001..31536000         86400
 *   redis_timeout            double  0.001..31536000         5
 *   key_prefix               string  -                       "trawl:"
 * options:end
 * int and bool (0 or 1) options take trawl_options_set_int; double options (seconds) take
 * trawl_options_set_double or trawl_options_set_int; string, choice and list options take
 * trawl_options_set_str, and "order" also TRAWL_ORDER_* through trawl_options_set_int. A list is
 * given comma-separated ("http,https"), except header, where each call appends one
 * "Name: value" line; clear_headers 1 drops them. "" means none for ca_bundle (the system's CA
 * certificates), redis_url and batch_id (a random id). Strings must not contain NUL; user_agent
 * and header must not contain CR or LF.
 * Returns TRAWL_OK; TRAWL_UNKNOWN_OPTION for an unknown key; TRAWL_INVALID_ARGUMENT for NULL
 * arguments, a value of the wrong type or out of range. On error the options are unchanged and
 * trawl_options_last_error(opts) says why. key and value are borrowed (copied). */
TRAWL_API trawl_status trawl_options_set_int(trawl_options *opts, const char *key, int64_t value);
TRAWL_API trawl_status trawl_options_set_double(trawl_options *opts, const char *key, double value);
TRAWL_API trawl_status trawl_options_set_str(trawl_options *opts, const char *key, const char *value);

/* Adds a named pattern in Python `re` syntax with TRAWL_FLAG_* flags. Patterns run in the order
 * added, after the default "button" and "link" patterns unless default_patterns is 0. The
 * pattern is compiled by trawl_crawler_new, which reports a bad regex.
 * Returns TRAWL_OK; TRAWL_INVALID_ARGUMENT for NULL arguments, an empty name, a name already
 * added, or flags outside TRAWL_FLAG_*. name and regex are borrowed (copied). */
TRAWL_API trawl_status trawl_options_add_pattern(trawl_options *opts, const char *name,
                                                 const char *regex, uint32_t flags);

/* Removes every pattern added with trawl_options_add_pattern (not the defaults). */
TRAWL_API trawl_status trawl_options_clear_patterns(trawl_options *opts);

/* The message of the last failed call on opts, or "" when the last call succeeded.
 * Owned by opts; valid until the next call on opts or trawl_options_free. NULL opts gives a
 * static message. Never NULL. */
TRAWL_API const char *trawl_options_last_error(const trawl_options *opts);

/* Describes every option this library knows, for bindings and tools that derive their keyword
 * arguments, flags or checks from it: a JSON array with one object per option, in the order of
 * docs/c-api.md's table, each with the keys
 *   "name"        the key of trawl_options_set_* ("timeout")
 *   "type"        "int" or "bool" (0 or 1) for trawl_options_set_int; "double" (seconds) for
 *                 trawl_options_set_double (an int is accepted too); "string", "choice" (one
 *                 of "choices") and "list" for trawl_options_set_str. A list is given whole,
 *                 comma-separated ("http,https"), unless "repeatable", when each call adds one
 *                 item ("header")
 *   "default"     the value of new options: a number, a string, true/false for a bool, an
 *                 array of strings for a list; null when there is none (and for the action
 *                 clear_headers)
 *   "min", "max"  the accepted range of an int or double, inclusive; null for other types
 *   "choices"     the accepted strings of a choice, else null
 *   "scope"       "fetch", "extract", "batch", "process" or "cluster" (fetch and extract
 *                 options also reach the workers of the process and cluster backends)
 *   "flag"        the `trawl crawl` flag ("--timeout"); a bool's flag takes no value and sets
 *                 the opposite of the default ("--insecure" sets verify_tls to 0)
 *   "repeatable"  true when each call adds a value instead of replacing it
 *   "doc"         one line of English
 * Keys may be added to the objects (never removed), and options appended.
 * Returns a NUL-terminated UTF-8 string owned by the library, valid for the life of the
 * process (never free it); never NULL; any thread. */
TRAWL_API const char *trawl_options_describe_json(void);

/* ------------------------------------------------------------------------------------------ */
/* Crawler                                                                                      */
/* ------------------------------------------------------------------------------------------ */

/* Validates opts and compiles (and JIT-compiles) every pattern. opts is copied: it may be
 * changed or freed afterwards without affecting the crawler.
 * Returns TRAWL_OK and *out. On TRAWL_INVALID_REGEX (the message names the pattern and gives
 * PCRE2's message and the offset in the pattern), TRAWL_INVALID_ARGUMENT (e.g. duplicate
 * pattern names) or TRAWL_BACKEND_UNAVAILABLE, *out is a failed crawler whose
 * trawl_crawler_last_error says why, and which every other call rejects with
 * TRAWL_INVALID_STATE; the message is also copied to trawl_options_last_error(opts). In every
 * case where *out is not NULL the caller frees it with trawl_crawler_free. If opts or out is
 * NULL, returns TRAWL_INVALID_ARGUMENT and sets *out (when out is not NULL) to NULL. */
TRAWL_API trawl_status trawl_crawler_new(const trawl_options *opts, trawl_crawler **out);

/* Destroys a crawler. NULL is a no-op. Batches started from it keep what they need and may
 * outlive it. */
TRAWL_API void trawl_crawler_free(trawl_crawler *crawler);

/* Why trawl_crawler_new failed, or "" for a working crawler. Owned by the crawler; valid until
 * trawl_crawler_free. NULL gives a static message. Never NULL. Any thread. */
TRAWL_API const char *trawl_crawler_last_error(const trawl_crawler *crawler);

/* Where the pattern that made trawl_crawler_new fail with TRAWL_INVALID_REGEX went wrong: the
 * offset in code points (not bytes) into that pattern's Python source, as Python's
 * re.error.pos gives it; the message of trawl_crawler_last_error names the pattern and says
 * the same offset. -1 for a working crawler, another failure, or NULL. Any thread. */
TRAWL_API int64_t trawl_crawler_error_offset(const trawl_crawler *crawler);

/* Threads: a working crawler is immutable. Any number of threads may start batches and run
 * trawl_extract / trawl_crawl on the same crawler at once; only trawl_crawler_free must not race
 * with other calls on it. */

/* ------------------------------------------------------------------------------------------ */
/* Batch: streaming results                                                                     */
/* ------------------------------------------------------------------------------------------ */

/* Starts crawling urls[0..n_urls) in the background and returns at once. The URLs are copied.
 * Every URL gets exactly one result, even one that is not a valid URL (its result carries
 * TRAWL_INVALID_URL). n_urls may be 0 (urls may then be NULL).
 * Returns TRAWL_OK and *out, freed by the caller with trawl_batch_free; TRAWL_INVALID_ARGUMENT
 * for a NULL crawler or out, NULL urls with n_urls > 0, or a NULL element; TRAWL_INVALID_STATE
 * for a failed crawler; TRAWL_INTERNAL if no thread could be started; with the cluster backend
 * TRAWL_BACKEND_UNAVAILABLE when Redis cannot be reached or refuses the batch. On failure
 * trawl_last_error() says why. Any thread (see crawler). */
TRAWL_API trawl_status trawl_batch_start(trawl_crawler *crawler, const char *const *urls,
                                         size_t n_urls, trawl_batch **out);

/* Why the calling thread's last trawl_batch_start or trawl_crawl failed ("" when it succeeded):
 * these calls hand back no handle to hold a message (nor do trawl_batch_start_source,
 * trawl_batch_open and trawl_warc_open, which set it too). Thread-local: owned by the library,
 * valid until the next such call on this thread, or the thread's end. Never NULL. Any thread. */
TRAWL_API const char *trawl_last_error(void);

/* Batches whose URLs arrive while they run. The batch reads URLs only as it has room for them
 * (at most 4 x concurrency, or 4 x max_concurrency when it is auto, and at least 1,024, ahead of the results the caller has taken), so
 * memory stays bounded whatever the input's length, and results come out while URLs are still
 * arriving: take them with trawl_batch_next as usual. Every URL the batch accepted gets exactly
 * one result. Every backend reads URLs while it runs (the cluster backend writes each as a
 * task as it reads it), except two batches that read their whole input when they start: one
 * with "follow" (its input is its seeds) and a cluster batch with a "batch_id" (a run again
 * with that id is matched with the list it first submitted). With a "journal", the batch compares
 * each URL with the journal's entry at its index as it reads it: a journaled URL is not fetched,
 * its result comes out in its place; a URL other than the journal's (or an input that ends
 * before the journal's last entry) ends the input there, as a failed source does
 * (trawl_batch_input_error names both URLs; every URL read before gets its result). */

/* Gives the next URL of a batch started with trawl_batch_start_source. Return 1 with *url set
 * (any string: an invalid URL gets a result of its own; the batch copies it, so it need only
 * stay valid until the call returns), 0 at the end of the input, or -1 if reading failed (*url
 * may then point to a message, or stay NULL): the input ends there, every URL given before gets
 * its result, and trawl_batch_input_error says why. Called on a thread of the batch, one call
 * at a time; never again after it returned 0 or -1, nor after the batch was cancelled (with the
 * thread, process and cluster backends a call already blocked is not waited for by the cancel;
 * for a batch that reads its whole input first (see above) every call runs inside
 * trawl_batch_start_source, on the caller's thread). */
typedef int (*trawl_url_source_fn)(void *user_data, const char **url);

/* Starts a batch that pulls its URLs from next(user_data, &url) (see trawl_url_source_fn).
 * user_data is passed through untouched and must stay valid until the source returned 0 or -1,
 * or the batch is freed. Returns as trawl_batch_start; TRAWL_INVALID_ARGUMENT for a NULL
 * crawler, next or out. Any thread (see crawler). */
TRAWL_API trawl_status trawl_batch_start_source(trawl_crawler *crawler, trawl_url_source_fn next,
                                                void *user_data, trawl_batch **out);

/* Starts a batch with no URLs yet: add them with trawl_batch_add, then end the input with
 * trawl_batch_close_input (the batch is done once every added URL has its result). Returns as
 * trawl_batch_start; TRAWL_INVALID_ARGUMENT for a batch that reads its whole input first
 * ("follow", or the cluster backend with a "batch_id") or has a journal (whose mismatch the
 * adding thread would not hear of): use trawl_batch_start or trawl_batch_start_source. Any
 * thread (see crawler). */
TRAWL_API trawl_status trawl_batch_open(trawl_crawler *crawler, trawl_batch **out);

/* Adds one URL (copied) to a batch from trawl_batch_open. The batch holds at most 256 added URLs
 * it has not read yet; while that many wait, this call waits: timeout_ms < 0 as long as it takes,
 * 0 not at all, > 0 at most that long. A caller that also takes the results on the same thread
 * passes 0 (or a short timeout) and takes results when the batch is full, since the batch reads
 * more URLs only as its results are taken.
 * Returns TRAWL_OK (the URL will get a result); TRAWL_TIMED_OUT (not added: take results, then
 * try again); TRAWL_INVALID_STATE after trawl_batch_close_input, or for a batch not from
 * trawl_batch_open; TRAWL_CANCELLED after trawl_batch_cancel (not added; URLs added before it
 * end with TRAWL_CANCELLED results); TRAWL_INVALID_ARGUMENT for a NULL batch or url.
 * Any number of threads may add at once, and alongside the consumer. */
TRAWL_API trawl_status trawl_batch_add(trawl_batch *batch, const char *url, int64_t timeout_ms);

/* Ends the input of a batch from trawl_batch_open; idempotent. Returns TRAWL_OK,
 * TRAWL_INVALID_STATE for a batch not from trawl_batch_open, TRAWL_INVALID_ARGUMENT for NULL.
 * Any thread. */
TRAWL_API trawl_status trawl_batch_close_input(trawl_batch *batch);

/* Why the batch's URL source failed (TRAWL_INPUT_ERROR: a trawl_url_source_fn returned -1, or
 * the CLI's input could not be read), or NULL if it did not (or NULL batch). Library-owned, valid
 * until the next call on the batch or trawl_batch_free. The consumer's thread. */
TRAWL_API const char *trawl_batch_input_error(trawl_batch *batch);

/* Waits for the next result, in the "order" option's order.
 * timeout_ms: < 0 waits as long as it takes, 0 polls, > 0 waits at most that many milliseconds.
 * Returns TRAWL_OK and *out (the caller frees it with trawl_result_free; it outlives the batch);
 * TRAWL_DONE once every result has been handed out; TRAWL_TIMED_OUT if none arrived in time (ask
 * again); TRAWL_INVALID_ARGUMENT for NULL arguments. *out is NULL unless TRAWL_OK.
 * One consumer thread at a time (with trawl_batch_foreach / trawl_batch_collect). */
TRAWL_API trawl_status trawl_batch_next(trawl_batch *batch, trawl_result **out, int64_t timeout_ms);

/* Called with each result on the thread that called trawl_batch_foreach. The result is
 * borrowed: valid during the call only. Return 0 to go on, non-zero to stop. */
typedef int (*trawl_result_fn)(const trawl_result *result, void *user_data);

/* Pulls every remaining result, in the batch's order, and hands each to fn on the calling thread.
 * Returns TRAWL_OK when all results were handed out (the batch is then done), TRAWL_CANCELLED
 * when fn returned non-zero (the remaining results stay in the batch), TRAWL_INVALID_ARGUMENT
 * for a NULL batch or fn. user_data is passed through untouched (may be NULL). */
TRAWL_API trawl_status trawl_batch_foreach(trawl_batch *batch, trawl_result_fn fn, void *user_data);

/* Writes every result not yet handed out to the open file descriptor fd, in the batch's order,
 * each as soon as it is ready, in `format`: "jsonl" (one JSON object per line, docs/json.md) or
 * "json" (one array of them); NULL means "jsonl". Output goes through a buffer that is flushed
 * whenever results pause for 20 ms and at the end; returns once every result is written.
 * fd is borrowed: it is never closed. One consumer thread at a time (as trawl_batch_next).
 * Returns TRAWL_OK; TRAWL_INVALID_ARGUMENT for a NULL batch, a negative fd or an unknown
 * format (nothing is written); TRAWL_IO when a write fails (disk full, closed pipe): the batch
 * is then cancelled and errno is as the failing write(2) left it. */
TRAWL_API trawl_status trawl_batch_write(trawl_batch *batch, int fd, const char *format);

/* Waits for the batch to finish and gathers every result not yet handed out into a list, in
 * input order (whatever the "order" option). Returns TRAWL_OK and *out, freed by the caller with
 * trawl_result_list_free; TRAWL_INVALID_ARGUMENT for NULL arguments. */
TRAWL_API trawl_status trawl_batch_collect(trawl_batch *batch, trawl_result_list **out);

/* Stops the batch soon: transfers in flight and URLs not yet started end with TRAWL_CANCELLED
 * results, which trawl_batch_next still hands out. Any thread, any number of times, also while
 * another thread waits in trawl_batch_next. Returns TRAWL_OK, or TRAWL_INVALID_ARGUMENT for NULL. */
TRAWL_API trawl_status trawl_batch_cancel(trawl_batch *batch);

/* How far the batch has got. Each output may be NULL to skip it: done = results produced so
 * far, total = URLs in the batch, failed = results with an error, elapsed_s = seconds since
 * the start. Any thread. Returns TRAWL_OK, or TRAWL_INVALID_ARGUMENT for a NULL batch. */
TRAWL_API trawl_status trawl_batch_progress(const trawl_batch *batch, size_t *done, size_t *total,
                                            size_t *failed, double *elapsed_s);

/* Transfers in flight now and their limit. limit: with "concurrency" auto the adaptive limit as
 * it moves (on the thread backend between max(4, jobs) and max_concurrency; on the process
 * backend the sum of the workers' limits as they last reported them), pinned the number given;
 * on the cluster backend the number each worker starts from. running: the transfers in flight
 * in this process, or in the process backend's workers as last reported (0 on the cluster
 * backend). adaptive: 1 when the limit adapts. Each output may be NULL to skip it. Any thread, also from the progress
 * callback. Returns TRAWL_OK, or TRAWL_INVALID_ARGUMENT for a NULL batch. */
TRAWL_API trawl_status trawl_batch_concurrency(const trawl_batch *batch, size_t *limit, size_t *running,
                                               int *adaptive);

/* What the batch did so far, as one JSON object (after the batch is done: all of it): "results",
 * "pages" (results with an HTTP status), "wall_seconds", "pages_per_second", "bytes",
 * "statuses" {"200": n, ...}, "errors" {"timeout": n, ...}, "attempts", "retries",
 * "robots_refusals", "seconds" {"fetch", "decode", "extract"} (summed over URLs) and
 * "top_hosts" [{"host", "results", "seconds"}] (the 10 hosts with the most time); keys may
 * be added. *len (if len is not NULL) receives its length. Owned by the batch: valid until the
 * next trawl_batch_stats_json on it or trawl_batch_free. One thread at a time per batch (the
 * one that calls trawl_batch_next). NULL batch gives NULL (and *len = 0). */
TRAWL_API const char *trawl_batch_stats_json(trawl_batch *batch, size_t *len);

/* Called after every result is produced, on a trawl worker thread, one call at a time per batch;
 * keep it short. It must not free the batch or call trawl_batch_next on it. */
typedef void (*trawl_progress_fn)(size_t done, size_t total, size_t failed, double elapsed_s,
                                  void *user_data);

/* Installs (or with fn NULL removes) the batch's progress callback. Results produced before the
 * call are not replayed: the next call reports the counts so far, and trawl_batch_progress
 * gives them at any time. user_data must stay valid until the callback is replaced or the
 * batch is freed. Any thread. Returns TRAWL_OK, or TRAWL_INVALID_ARGUMENT for a NULL batch. */
TRAWL_API trawl_status trawl_batch_set_progress_callback(trawl_batch *batch, trawl_progress_fn fn,
                                                         void *user_data);

/* Cancels the batch, waits for its threads to end and destroys it, with the results it still
 * holds. Results already handed out stay valid. NULL is a no-op. Must not race with other
 * calls on the batch, nor be called from its callbacks. */
TRAWL_API void trawl_batch_free(trawl_batch *batch);

/* ------------------------------------------------------------------------------------------ */
/* Running a batch to completion                                                                */
/* ------------------------------------------------------------------------------------------ */

/* Crawls urls[0..n_urls) and waits for every result: trawl_batch_start + trawl_batch_collect.
 * Returns TRAWL_OK and *out (input order), freed by the caller with trawl_result_list_free;
 * errors as trawl_batch_start (trawl_last_error() says why). Per-URL failures are results, not
 * errors. Any thread. */
TRAWL_API trawl_status trawl_crawl(trawl_crawler *crawler, const char *const *urls, size_t n_urls,
                                   trawl_result_list **out);

/* The number of results in the list; 0 for NULL. */
TRAWL_API size_t trawl_result_list_count(const trawl_result_list *list);

/* The result at index i (0-based), or NULL if list is NULL or i is out of range. Borrowed:
 * valid until trawl_result_list_free(list); do not pass it to trawl_result_free. */
TRAWL_API const trawl_result *trawl_result_list_get(const trawl_result_list *list, size_t i);

/* The whole list as JSON lines: one object per result (the shape of trawl_result_json), each
 * followed by "\n". *len (if len is not NULL) receives the length in bytes. Owned by the list;
 * valid until trawl_result_list_free. NULL list gives NULL (and *len = 0). */
TRAWL_API const char *trawl_result_list_json(const trawl_result_list *list, size_t *len);

/* Destroys the list and every result in it. NULL is a no-op. */
TRAWL_API void trawl_result_list_free(trawl_result_list *list);

/* ------------------------------------------------------------------------------------------ */
/* Extraction alone                                                                             */
/* ------------------------------------------------------------------------------------------ */

/* Runs the crawler's patterns over text[0..len) (UTF-8; invalid sequences are read as U+FFFD),
 * with no network. text may be NULL when len is 0. Returns TRAWL_OK and *out, a result with
 * url "", status -1 and the matches (a pattern that ran out of budget sets
 * trawl_result_error to TRAWL_REGEX_BUDGET_EXCEEDED); the caller frees it with
 * trawl_result_free. TRAWL_INVALID_ARGUMENT for NULL arguments; TRAWL_INVALID_STATE for a
 * failed crawler. Any thread, concurrently on one crawler. */
TRAWL_API trawl_status trawl_extract(trawl_crawler *crawler, const char *text, size_t len,
                                     trawl_result **out);

/* ------------------------------------------------------------------------------------------ */
/* Extraction from WARC files                                                                   */
/* ------------------------------------------------------------------------------------------ */
/* Runs a crawler's patterns over the response records of a WARC file, as the "warc" option
 * writes them (gzip per record), or a whole-file .warc.gz, or an uncompressed .warc; no
 * network. Each response is processed as a crawl processes the page it fetched (the same
 * content decoding, charset rules, patterns and absolute_links), so that new patterns on an
 * old crawl give what a new crawl would. Request, warcinfo and other records give no result,
 * nor do redirects (a crawl's result is the page the redirect led to, archived after it). A
 * result's url and final_url are the record's WARC-Target-URI (a crawl's url is the one
 * submitted, before redirects); its index counts the file's results from 0. The file is read
 * as results are asked for: it never has to fit in memory. docs/resume-and-warc.md. */

typedef struct trawl_warc_reader trawl_warc_reader;  /* one WARC file being read */

/* Opens the WARC file at path (borrowed) for trawl_warc_next, reading up to its first record.
 * Returns TRAWL_OK and *out, closed by the caller with trawl_warc_close; TRAWL_INVALID_ARGUMENT
 * for a NULL crawler, path or out; TRAWL_INVALID_STATE for a failed crawler; TRAWL_IO when the
 * file cannot be opened or read; TRAWL_INPUT_ERROR when it does not start with a WARC record
 * (an HTML page, say; an empty file is an archive without records). On failure *out is NULL
 * and trawl_last_error() says why (this call sets it, as trawl_batch_start does). The reader
 * keeps what it needs of the crawler, which may be freed first. Any thread (see crawler). */
TRAWL_API trawl_status trawl_warc_open(trawl_crawler *crawler, const char *path, trawl_warc_reader **out);

/* The result of the next response record, in file order.
 * Returns TRAWL_OK and *out (the caller frees it with trawl_result_free; it outlives the
 * reader); TRAWL_DONE at the end of the file; TRAWL_INPUT_ERROR when reading stops early (a
 * truncated record, a damaged gzip member, bytes that are no WARC record: every result before
 * it was handed out) or TRAWL_IO when reading fails, each returned once, with its message in
 * trawl_warc_last_error, and TRAWL_DONE from then on; TRAWL_INVALID_ARGUMENT for NULL
 * arguments. *out is NULL unless TRAWL_OK. One thread at a time per reader. */
TRAWL_API trawl_status trawl_warc_next(trawl_warc_reader *reader, trawl_result **out);

/* Why trawl_warc_next stopped early (the message of its TRAWL_INPUT_ERROR or TRAWL_IO, naming
 * the file, the byte offset and the records read), or "" while it did not. Owned by the
 * reader; valid until trawl_warc_close. NULL gives a static message. Never NULL. The reader's
 * thread. */
TRAWL_API const char *trawl_warc_last_error(const trawl_warc_reader *reader);

/* Closes the file and destroys the reader; results already handed out stay valid. NULL is a
 * no-op. */
TRAWL_API void trawl_warc_close(trawl_warc_reader *reader);

/* ------------------------------------------------------------------------------------------ */
/* Process backend                                                                              */
/* ------------------------------------------------------------------------------------------ */

/* The process backend ("backend" = "process") keeps its worker processes between batches, so
 * that a program running many batches starts them once. This ends every idle worker and waits
 * for it to exit; workers busy in a running batch end with that batch. A program that simply
 * exits needs not call it: a worker exits by itself when its connection to the program closes.
 * Returns TRAWL_OK. Any thread, any time. */
TRAWL_API trawl_status trawl_pool_shutdown(void);

/* ------------------------------------------------------------------------------------------ */
/* Result accessors                                                                             */
/* ------------------------------------------------------------------------------------------ */
/* Strings returned here are owned by the result and valid until it is freed (trawl_result_free,
 * or trawl_result_list_free for a listed result). All accessors are read-only and may be called
 * from several threads at once. */

/* The URL's position in the submitted batch (0-based); 0 for NULL. */
TRAWL_API size_t trawl_result_index(const trawl_result *result);
/* The URL as submitted; NULL for a NULL result. */
TRAWL_API const char *trawl_result_url(const trawl_result *result);
/* Where the last redirect led; NULL when no response arrived. */
TRAWL_API const char *trawl_result_final_url(const trawl_result *result);
/* The HTTP status of the last response; -1 when none arrived (or for NULL). */
TRAWL_API int32_t trawl_result_status(const trawl_result *result);
/* The Content-Type header; NULL when none. */
TRAWL_API const char *trawl_result_content_type(const trawl_result *result);
/* The WHATWG name of the charset the body was decoded with ("utf-8"); NULL when none. */
TRAWL_API const char *trawl_result_charset(const trawl_result *result);
/* Length of the decoded body in bytes; 0 when none (or for NULL). */
TRAWL_API int64_t trawl_result_bytes(const trawl_result *result);
/* Seconds from the start of the transfer to the end of extraction; 0 for NULL. */
TRAWL_API double trawl_result_elapsed(const trawl_result *result);
/* HTTP attempts made for the URL: 1 without retries, up to 1 + max_retries; 0 when it never
 * reached a fetch lane (cancelled before it started, lost with its worker) and for NULL. Crash re-runs of the process backend (max_attempts)
 * are not counted here. Any thread that may read the result. */
TRAWL_API int32_t trawl_result_attempts(const trawl_result *result);
/* Follow mode (the "follow" option, docs/follow.md): links followed from the seeds to reach
 * this page: 0 for a seed, for a batch that does not follow, and for NULL. Any thread that
 * may read the result. */
TRAWL_API int32_t trawl_result_depth(const trawl_result *result);
/* Follow mode: the index (trawl_result_index) of the result of the page this URL was found
 * on; -1 for a seed, for a batch that does not follow, and for NULL. Any thread that may read
 * the result. */
TRAWL_API int64_t trawl_result_parent(const trawl_result *result);
/* Follow mode: the URL of that page (its trawl_result_url); NULL for a seed, for a batch that
 * does not follow, and for NULL. Owned by the result, valid until it is freed. */
TRAWL_API const char *trawl_result_parent_url(const trawl_result *result);
/* Why the URL failed: TRAWL_OK when it did not; TRAWL_INVALID_ARGUMENT for NULL. A page whose
 * pattern ran out of budget has TRAWL_REGEX_BUDGET_EXCEEDED and the other patterns' matches. */
TRAWL_API trawl_status trawl_result_error(const trawl_result *result);
/* The error's message; "" when there is no error; NULL for a NULL result. */
TRAWL_API const char *trawl_result_error_message(const trawl_result *result);

/* The number of patterns (every pattern of the crawler, in order, even without matches). */
TRAWL_API size_t trawl_result_pattern_count(const trawl_result *result);
/* The name of pattern p; NULL if p is out of range. */
TRAWL_API const char *trawl_result_pattern_name(const trawl_result *result, size_t p);
/* The number of matches of pattern p; 0 if p is out of range. */
TRAWL_API size_t trawl_result_match_count(const trawl_result *result, size_t p);
/* The number of capturing groups of pattern p (Python's pattern.groups); 0 if out of range.
 * As with re.findall, each match holds max(1, groups) strings: with 0 groups the whole match,
 * with 1 the group, with more one string per group ("" for a group that did not take part). */
TRAWL_API size_t trawl_result_group_count(const trawl_result *result, size_t p);

/* String j (0 <= j < max(1, groups)) of match i of pattern p, as UTF-8: *ptr points to
 * *len bytes followed by a NUL (the text itself may contain NULs). Returns TRAWL_OK, or
 * TRAWL_INVALID_ARGUMENT for NULL arguments or an index out of range (then *ptr = NULL and
 * *len = 0 when they are not NULL). */
TRAWL_API trawl_status trawl_result_match(const trawl_result *result, size_t p, size_t i, size_t j,
                                          const char **ptr, size_t *len);

/* Match i of pattern p as written in the page, before the absolute_links option made it an
 * absolute URL (for a pattern it does not name: the match itself, group 0). *ptr points to
 * *len bytes followed by a NUL, owned by the result, valid until it is freed. Returns
 * TRAWL_OK, or TRAWL_INVALID_ARGUMENT for NULL arguments or an index out of range (then
 * *ptr = NULL and *len = 0 when they are not NULL). Any thread. */
TRAWL_API trawl_status trawl_result_match_raw(const trawl_result *result, size_t p, size_t i,
                                              const char **ptr, size_t *len);
/* 1 when match i of pattern p (named by absolute_links) could not be resolved to an
 * absolute URL and stays as written; 0 otherwise, also for NULL or out of range. */
TRAWL_API int trawl_result_match_unresolved(const trawl_result *result, size_t p, size_t i);

/* The result as one JSON object on one line, without a newline:
 * {"url":..,"final_url":..,"status":..,"content_type":..,"charset":..,"bytes":..,
 *  "elapsed_ms":..,"error":null|{"code":"invalid_url","message":..},"matches":{"name":[..],..}}
 * and, with absolute_links, "matches_raw":{..} and "unresolved":{"name":[i,..]} after matches
 * (the CLI's output format, docs/json.md). *len (if len is not NULL) receives the length.
 * Owned by the result; valid until it is freed. NULL result gives NULL. */
TRAWL_API const char *trawl_result_json(const trawl_result *result, size_t *len);

/* Destroys a result from trawl_batch_next or trawl_extract. NULL is a no-op. Never pass a
 * result borrowed from a list or a trawl_batch_foreach callback. */
TRAWL_API void trawl_result_free(trawl_result *result);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* TRAWL_H */
