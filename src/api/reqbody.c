/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reqbody.c - a request body decoded and checked against its field list
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "reqbody.h"

/* Nesting depth of JSON text, counted before parsing so deep input costs nothing. */
static unsigned text_depth(const char *p, size_t n)
{
    unsigned depth = 0, most = 0;
    bool in_str = false;
    size_t i;

    for (i = 0; i < n; i++) {
        char c = p[i];

        if (in_str) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_str = false;
        } else if (c == '"') {
            in_str = true;
        } else if (c == '[' || c == '{') {
            if (++depth > most)
                most = depth;
        } else if ((c == ']' || c == '}') && depth) {
            depth--;
        }
    }
    return most;
}

static const char *type_name(enum bol_body_type t)
{
    switch (t) {
    case BOL_BT_STRING:
        return "a string";
    case BOL_BT_INT:
        return "an integer";
    case BOL_BT_BOOL:
        return "true or false";
    case BOL_BT_STRINGS:
        return "a list of strings";
    }
    return "?";
}

static int check_field(const struct bol_body_field *f, json_t *v, struct bol_diag *diag)
{
    size_t i;
    json_t *e;

    switch (f->type) {
    case BOL_BT_STRING:
        if (!json_is_string(v))
            break;
        if ((long long) json_string_length(v) > f->max)
            return bol_diag_fail(diag, BOL_E_INVAL, f->name, "longer than %lld bytes", f->max);
        return 0;
    case BOL_BT_INT:
        if (!json_is_integer(v))
            break;
        if (json_integer_value(v) < 0 || json_integer_value(v) > f->max)
            return bol_diag_fail(diag, BOL_E_INVAL, f->name, "must be 0 to %lld", f->max);
        return 0;
    case BOL_BT_BOOL:
        if (!json_is_boolean(v))
            break;
        return 0;
    case BOL_BT_STRINGS:
        if (!json_is_array(v))
            break;
        if ((long long) json_array_size(v) > f->max)
            return bol_diag_fail(diag, BOL_E_INVAL, f->name, "more than %lld items", f->max);
        json_array_foreach(v, i, e)
        {
            if (!json_is_string(e) || json_string_length(e) > 64)
                return bol_diag_fail(diag, BOL_E_INVAL, f->name,
                                     "item %zu is not a string of at most 64 bytes", i + 1);
        }
        return 0;
    }
    return bol_diag_fail(diag, BOL_E_INVAL, f->name, "must be %s", type_name(f->type));
}

static int check_fields(const struct bol_body_spec *spec, json_t *o, struct bol_diag *diag)
{
    const char *k;
    json_t *v;
    size_t i;
    int rc;

    json_object_foreach(o, k, v)
    {
        const struct bol_body_field *f = NULL;

        for (i = 0; i < BOL_BODY_FIELDS_MAX && spec->f[i].name; i++)
            if (!strcmp(spec->f[i].name, k))
                f = &spec->f[i];
        if (!f)
            return bol_diag_fail(diag, BOL_E_INVAL, "body", "unknown field '%.40s'", k);
        if ((rc = check_field(f, v, diag)) < 0)
            return rc;
    }
    for (i = 0; i < BOL_BODY_FIELDS_MAX && spec->f[i].name; i++)
        if (spec->f[i].required && !json_object_get(o, spec->f[i].name))
            return bol_diag_fail(diag, BOL_E_INVAL, spec->f[i].name, "is required");
    return 0;
}

int bol_body_decode(const struct bol_body_spec *spec, const char *p, size_t n, json_t **ret,
                    struct bol_diag *diag)
{
    json_error_t je;
    json_t *o;
    int rc;

    *ret = NULL;
    if (n == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "body", "a JSON object is expected in the body");
    if (text_depth(p, n) > BOL_BODY_DEPTH_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "body", "nested deeper than %d levels",
                             BOL_BODY_DEPTH_MAX);
    o = json_loadb(p, n, JSON_REJECT_DUPLICATES, &je);
    if (!o)
        return bol_diag_fail(diag, BOL_E_PARSE, "body", "not JSON: %s (line %d, column %d)",
                             je.text, je.line, je.column);
    if (!json_is_object(o)) {
        json_decref(o);
        return bol_diag_fail(diag, BOL_E_INVAL, "body", "a JSON object is expected in the body");
    }
    if (spec->command)
        rc = json_object_get(o, "cmd")
                 ? bol_diag_fail(diag, BOL_E_INVAL, "cmd",
                                 "the route names the operation: leave out 'cmd'")
                 : 0;
    else
        rc = check_fields(spec, o, diag);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    *ret = o;
    return 0;
}

void bol_body_describe(const struct bol_body_spec *spec, char *out, size_t size)
{
    size_t i, len = 0;

    if (size == 0)
        return;
    out[0] = '\0';
    if (spec->command) {
        snprintf(out, size, "cmd");
        return;
    }
    for (i = 0; i < BOL_BODY_FIELDS_MAX && spec->f[i].name && len < size; i++) {
        int w = snprintf(out + len, size - len, "%s%s%s", i ? "," : "", spec->f[i].name,
                         spec->f[i].required ? "" : "?");

        if (w < 0)
            break;
        len += (size_t) w;
    }
}
