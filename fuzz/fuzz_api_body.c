/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_api_body.c - request bodies as the API decodes them (reqbody.h)
 *
 * The first byte picks a route that takes a body (login, password change,
 * accounts, keys, windows, an operations command); the rest is the body.
 * A body is either refused with BOL_E_PARSE or BOL_E_INVAL and a field
 * named, or accepted as an object that holds only the route's fields, each
 * of its type and within its limits, every required one present; encoded
 * again it decodes to the same value.
 */
#include "compat.h"

#include <jansson.h>

#include "api-int.h"
#include "errors.h"
#include "fuzz.h"
#include "mem.h"
#include "reqbody.h"

static const struct bol_body_field *field(const struct bol_body_spec *spec, const char *name)
{
    size_t i;

    for (i = 0; i < BOL_BODY_FIELDS_MAX && spec->f[i].name; i++)
        if (!strcmp(spec->f[i].name, name))
            return &spec->f[i];
    return NULL;
}

static void accepted(const struct bol_body_spec *spec, json_t *o)
{
    const char *k;
    json_t *v;
    size_t i;

    FUZZ_ASSERT(json_is_object(o));
    if (spec->command) {
        FUZZ_ASSERT(json_object_get(o, "cmd") == NULL);
        return;
    }
    json_object_foreach(o, k, v)
    {
        const struct bol_body_field *f = field(spec, k);

        FUZZ_ASSERT(f != NULL);
        switch (f->type) {
        case BOL_BT_STRING:
            FUZZ_ASSERT(json_is_string(v) && (long long) json_string_length(v) <= f->max);
            break;
        case BOL_BT_INT:
            FUZZ_ASSERT(json_is_integer(v) && json_integer_value(v) >= 0 &&
                        json_integer_value(v) <= f->max);
            break;
        case BOL_BT_BOOL:
            FUZZ_ASSERT(json_is_boolean(v));
            break;
        case BOL_BT_STRINGS:
            FUZZ_ASSERT(json_is_array(v) && (long long) json_array_size(v) <= f->max);
            break;
        }
    }
    for (i = 0; i < BOL_BODY_FIELDS_MAX && spec->f[i].name; i++)
        FUZZ_ASSERT(!spec->f[i].required || json_object_get(o, spec->f[i].name));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const struct bol_body_spec *specs[64];
    const struct bol_body_spec *spec;
    struct bol_diag d;
    json_t *o = NULL, *again = NULL;
    size_t i, n = 0, len;
    char *text;
    int rc;

    for (i = 0; i < bol_api_nroutes && n < BOL_ARRAY_SIZE(specs); i++)
        if (bol_api_routes[i].body)
            specs[n++] = bol_api_routes[i].body;
    FUZZ_ASSERT(n > 0);
    if (size == 0)
        return 0;
    spec = specs[data[0] % n];
    bol_diag_init(&d);
    rc = bol_body_decode(spec, (const char *) data + 1, size - 1, &o, &d);
    if (rc < 0) {
        FUZZ_ASSERT(rc == BOL_E_PARSE || rc == BOL_E_INVAL);
        FUZZ_ASSERT(o == NULL && d.code == rc && d.field[0] && d.msg[0]);
        return 0;
    }
    FUZZ_ASSERT(rc == 0 && o != NULL);
    accepted(spec, o);
    len = json_dumpb(o, NULL, 0, JSON_COMPACT);
    text = len ? bol_malloc(len) : NULL;
    if (text && json_dumpb(o, text, len, JSON_COMPACT) == len) {
        FUZZ_ASSERT(bol_body_decode(spec, text, len, &again, &d) == 0);
        FUZZ_ASSERT(json_equal(o, again));
        json_decref(again);
    }
    bol_free(text);
    json_decref(o);
    return 0;
}
