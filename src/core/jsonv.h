/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsonv.h - reading typed fields out of JSON objects, with a reason on failure
 *
 * Commands and event payloads arrive as JSON objects (jansson json_t).  These
 * helpers read one field each and report in the git style, naming the field:
 * "'tiers' must be an integer 1..15".  A field that is absent is an error when
 * required and leaves the default otherwise.  Every reader refuses a field of
 * the wrong JSON type rather than converting it.
 */
#pragma once

#include <jansson.h>

#include "compat.h"
#include "str.h"

struct bol_diag;

/* Fail unless every key of o is in the NULL-terminated list. */
BOL_MUST_CHECK int jv_only(json_t *o, const char *const *keys, struct bol_diag *diag);

/* Text of 1..max bytes (UTF-8, no NUL); *ret is a slice of the JSON value. */
BOL_MUST_CHECK int jv_text(json_t *o, const char *key, size_t max, bool required,
                           struct bol_str *ret, struct bol_diag *diag);

/* Text copied into out (capacity n, at most n-1 bytes). */
BOL_MUST_CHECK int jv_text_buf(json_t *o, const char *key, char *out, size_t n, bool required,
                               struct bol_diag *diag);

/* An integer in min..max. */
BOL_MUST_CHECK int jv_int(json_t *o, const char *key, int64_t min, int64_t max, bool required,
                          int64_t *ret, struct bol_diag *diag);

BOL_MUST_CHECK int jv_bool(json_t *o, const char *key, bool required, bool *ret,
                           struct bol_diag *diag);

/* An ISO 8601 instant with a zone (utctime.h), to microseconds. */
BOL_MUST_CHECK int jv_time(json_t *o, const char *key, bool required, int64_t *ret,
                           struct bol_diag *diag);

/* One of the NULL-terminated names; *ret is its index. */
BOL_MUST_CHECK int jv_enum(json_t *o, const char *key, const char *const *names, bool required,
                           unsigned *ret, struct bol_diag *diag);

/* An object or array member (NULL when absent and not required). */
BOL_MUST_CHECK int jv_object(json_t *o, const char *key, bool required, json_t **ret,
                             struct bol_diag *diag);
BOL_MUST_CHECK int jv_array(json_t *o, const char *key, size_t max, bool required, json_t **ret,
                            struct bol_diag *diag);

/* Set o[key] to a new value (the value is stolen).  0 or BOL_E_NOMEM. */
BOL_MUST_CHECK int jv_set(json_t *o, const char *key, json_t *value);
BOL_MUST_CHECK int jv_set_str(json_t *o, const char *key, const char *s);
BOL_MUST_CHECK int jv_set_strn(json_t *o, const char *key, struct bol_str s);
BOL_MUST_CHECK int jv_set_int(json_t *o, const char *key, int64_t v);
BOL_MUST_CHECK int jv_set_time(json_t *o, const char *key, int64_t at_us);

/* Canonical text of o (sorted keys, compact), appended to out. */
struct bol_buf;
BOL_MUST_CHECK int jv_dump(json_t *o, struct bol_buf *out);
