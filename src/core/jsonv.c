/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsonv.c - typed JSON field readers and writers
 */
#include "compat.h"

#include "buf.h"
#include "errors.h"
#include "jsonv.h"
#include "mem.h"
#include "utctime.h"

int jv_only(json_t *o, const char *const *keys, struct bol_diag *diag)
{
    const char *k;
    json_t *v;

    if (!json_is_object(o))
        return bol_diag_fail(diag, BOL_E_INVAL, "json", "expected a JSON object");
    json_object_foreach(o, k, v)
    {
        size_t i;
        bool known = false;

        (void) v;
        for (i = 0; keys[i] && !known; i++)
            known = !strcmp(k, keys[i]);
        if (!known)
            return bol_diag_fail(diag, BOL_E_INVAL, k, "unknown field '%.40s'", k);
    }
    return 0;
}

static json_t *get(json_t *o, const char *key)
{
    return json_is_object(o) ? json_object_get(o, key) : NULL;
}

static int missing(const char *key, struct bol_diag *diag)
{
    return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' is required", key);
}

int jv_text(json_t *o, const char *key, size_t max, bool required, struct bol_str *ret,
            struct bol_diag *diag)
{
    json_t *v = get(o, key);
    const char *s;
    size_t n;

    if (!v || json_is_null(v)) {
        if (required)
            return missing(key, diag);
        return 0;
    }
    if (!json_is_string(v))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be a string", key);
    s = json_string_value(v);
    n = json_string_length(v);
    if (!n || n > max || memchr(s, '\0', n))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be 1 to %zu bytes of text", key,
                             max);
    *ret = bol_str_make(s, n);
    return 0;
}

int jv_text_buf(json_t *o, const char *key, char *out, size_t n, bool required,
                struct bol_diag *diag)
{
    struct bol_str s = { NULL, 0 };
    int r = jv_text(o, key, n - 1, required, &s, diag);

    if (r == 0 && s.p)
        return bol_str_copy(s, out, n);
    return r;
}

int jv_int(json_t *o, const char *key, int64_t min, int64_t max, bool required, int64_t *ret,
           struct bol_diag *diag)
{
    json_t *v = get(o, key);
    int64_t x;

    if (!v || json_is_null(v)) {
        if (required)
            return missing(key, diag);
        return 0;
    }
    if (!json_is_integer(v))
        return bol_diag_fail(diag, BOL_E_INVAL, key,
                             "'%s' must be an integer %" PRId64 "..%" PRId64, key, min, max);
    x = (int64_t) json_integer_value(v);
    if (x < min || x > max)
        return bol_diag_fail(diag, BOL_E_INVAL, key,
                             "'%s' is %" PRId64 ", outside %" PRId64 "..%" PRId64, key, x, min,
                             max);
    *ret = x;
    return 0;
}

int jv_bool(json_t *o, const char *key, bool required, bool *ret, struct bol_diag *diag)
{
    json_t *v = get(o, key);

    if (!v || json_is_null(v)) {
        if (required)
            return missing(key, diag);
        return 0;
    }
    if (!json_is_boolean(v))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be true or false", key);
    *ret = json_is_true(v);
    return 0;
}

int jv_time(json_t *o, const char *key, bool required, int64_t *ret, struct bol_diag *diag)
{
    struct bol_str s = { NULL, 0 };
    struct bol_diag td;
    int r = jv_text(o, key, 40, required, &s, diag);

    if (r < 0 || !s.p)
        return r;
    bol_diag_init(&td);
    if (bol_time_parse(s, ret, &td) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s': %s", key, td.msg);
    return 0;
}

int jv_enum(json_t *o, const char *key, const char *const *names, bool required, unsigned *ret,
            struct bol_diag *diag)
{
    struct bol_str s = { NULL, 0 };
    char list[200] = "";
    size_t used = 0;
    unsigned i;
    int r = jv_text(o, key, 64, required, &s, diag);

    if (r < 0 || !s.p)
        return r;
    for (i = 0; names[i]; i++) {
        if (bol_str_eq_cstr(s, names[i])) {
            *ret = i;
            return 0;
        }
        used += (size_t) snprintf(list + used, used < sizeof(list) ? sizeof(list) - used : 0,
                                  "%s%s", i ? ", " : "", names[i]);
    }
    return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be one of: %s", key, list);
}

int jv_object(json_t *o, const char *key, bool required, json_t **ret, struct bol_diag *diag)
{
    json_t *v = get(o, key);

    if (!v || json_is_null(v)) {
        if (required)
            return missing(key, diag);
        *ret = NULL;
        return 0;
    }
    if (!json_is_object(v))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be an object", key);
    *ret = v;
    return 0;
}

int jv_array(json_t *o, const char *key, size_t max, bool required, json_t **ret,
             struct bol_diag *diag)
{
    json_t *v = get(o, key);

    if (!v || json_is_null(v)) {
        if (required)
            return missing(key, diag);
        *ret = NULL;
        return 0;
    }
    if (!json_is_array(v))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be an array", key);
    if (json_array_size(v) > max)
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' has more than %zu items", key, max);
    *ret = v;
    return 0;
}

int jv_set(json_t *o, const char *key, json_t *value)
{
    return value && json_object_set_new(o, key, value) == 0 ? 0 : BOL_E_NOMEM;
}

int jv_set_str(json_t *o, const char *key, const char *s)
{
    return jv_set(o, key, json_string(s));
}

int jv_set_strn(json_t *o, const char *key, struct bol_str s)
{
    return jv_set(o, key, json_stringn(s.p, s.len));
}

int jv_set_int(json_t *o, const char *key, int64_t v)
{
    return jv_set(o, key, json_integer((json_int_t) v));
}

int jv_set_time(json_t *o, const char *key, int64_t at_us)
{
    char t[BOL_TIME_TEXT_MAX];

    if (!bol_time_format(at_us, 0, 6, t))
        return BOL_E_INVAL;
    return jv_set_str(o, key, t);
}

static int dump_chunk(const char *buffer, size_t size, void *data)
{
    return bol_buf_add(data, buffer, size) == 0 ? 0 : -1;
}

int jv_dump(json_t *o, struct bol_buf *out)
{
    size_t start = out->len;

    if (json_dump_callback(o, dump_chunk, out, JSON_COMPACT | JSON_SORT_KEYS) != 0) {
        bol_buf_truncate(out, start);
        return BOL_E_NOMEM;
    }
    return 0;
}
