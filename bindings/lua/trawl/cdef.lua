-- SPDX-License-Identifier: Apache-2.0
-- The declarations of include/trawl.h that the binding uses, as ffi.cdef takes them (the
-- header without TRAWL_API). test/cdef_test.lua checks each against the header.
return [[
typedef int32_t trawl_status;
enum {
    TRAWL_OK = 0,
    TRAWL_INVALID_ARGUMENT = 1,
    TRAWL_UNKNOWN_OPTION = 2,
    TRAWL_INVALID_REGEX = 3,
    TRAWL_INVALID_STATE = 4,
    TRAWL_DONE = 9,
    TRAWL_TIMED_OUT = 10
};
typedef struct trawl_options trawl_options;
typedef struct trawl_crawler trawl_crawler;
typedef struct trawl_batch trawl_batch;
typedef struct trawl_result trawl_result;
const char *trawl_version(void);
int32_t trawl_version_num(void);
const char *trawl_strerror(trawl_status code);
const char *trawl_status_name(trawl_status code);
trawl_status trawl_options_new(trawl_options **out);
void trawl_options_free(trawl_options *opts);
trawl_status trawl_options_set_int(trawl_options *opts, const char *key, int64_t value);
trawl_status trawl_options_set_double(trawl_options *opts, const char *key, double value);
trawl_status trawl_options_set_str(trawl_options *opts, const char *key, const char *value);
trawl_status trawl_options_add_pattern(trawl_options *opts, const char *name, const char *regex, uint32_t flags);
const char *trawl_options_last_error(const trawl_options *opts);
trawl_status trawl_crawler_new(const trawl_options *opts, trawl_crawler **out);
void trawl_crawler_free(trawl_crawler *crawler);
const char *trawl_crawler_last_error(const trawl_crawler *crawler);
const char *trawl_last_error(void);
trawl_status trawl_batch_start(trawl_crawler *crawler, const char *const *urls, size_t n_urls, trawl_batch **out);
trawl_status trawl_batch_next(trawl_batch *batch, trawl_result **out, int64_t timeout_ms);
trawl_status trawl_batch_cancel(trawl_batch *batch);
void trawl_batch_free(trawl_batch *batch);
const char *trawl_batch_stats_json(trawl_batch *batch, size_t *len);
trawl_status trawl_extract(trawl_crawler *crawler, const char *text, size_t len, trawl_result **out);
size_t trawl_result_index(const trawl_result *result);
const char *trawl_result_url(const trawl_result *result);
const char *trawl_result_final_url(const trawl_result *result);
int32_t trawl_result_status(const trawl_result *result);
const char *trawl_result_content_type(const trawl_result *result);
const char *trawl_result_charset(const trawl_result *result);
int64_t trawl_result_bytes(const trawl_result *result);
double trawl_result_elapsed(const trawl_result *result);
int32_t trawl_result_attempts(const trawl_result *result);
int32_t trawl_result_depth(const trawl_result *result);
int64_t trawl_result_parent(const trawl_result *result);
const char *trawl_result_parent_url(const trawl_result *result);
trawl_status trawl_result_error(const trawl_result *result);
const char *trawl_result_error_message(const trawl_result *result);
size_t trawl_result_pattern_count(const trawl_result *result);
const char *trawl_result_pattern_name(const trawl_result *result, size_t p);
size_t trawl_result_match_count(const trawl_result *result, size_t p);
size_t trawl_result_group_count(const trawl_result *result, size_t p);
trawl_status trawl_result_match(const trawl_result *result, size_t p, size_t i, size_t j, const char **ptr, size_t *len);
void trawl_result_free(trawl_result *result);
const char *trawl_options_describe_json(void);
]]
