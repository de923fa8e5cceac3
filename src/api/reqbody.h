/* SPDX-License-Identifier: Apache-2.0 */
/*
 * reqbody.h - decoding a request's JSON body against its route's field list
 *
 * Every route that takes a body names its fields: type, whether required,
 * and a length limit.  The body is decoded and checked here, before the
 * handler sees it, with these rules:
 *
 *   - at most BOL_BODY_DEPTH_MAX levels of nesting, valid UTF-8, no NUL in
 *     strings, no duplicate member names (jansson refuses those);
 *   - the top level is an object;
 *   - with a field list: no unknown member, every required member present,
 *     each of its type, strings within their length, lists within their
 *     count, integers within their range;
 *   - an operations command body (BOL_BODY_COMMAND) is any object without
 *     "cmd": the route names the command and core checks its fields.
 *
 * Pure: no I/O.  Errors are BOL_E_PARSE (not JSON: the diag's message names
 * line and column) or BOL_E_INVAL (the field named in the diag).
 */
#pragma once

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "compat.h"

struct bol_diag;

#define BOL_BODY_DEPTH_MAX  16
#define BOL_BODY_FIELDS_MAX 8

enum bol_body_type {
    BOL_BT_STRING = 1,
    BOL_BT_INT,
    BOL_BT_BOOL,
    BOL_BT_STRINGS, /* an array of strings */
};

struct bol_body_field {
    const char *name;
    enum bol_body_type type;
    bool required;
    long long max; /* string bytes, list items or the largest integer (from 0) */
};

struct bol_body_spec {
    bool command; /* an operations command: any object without "cmd" */
    struct bol_body_field f[BOL_BODY_FIELDS_MAX]; /* ends at the first without a name */
};

/* Decode and check body p[0..n) against spec; *ret is a new reference on success. */
BOL_MUST_CHECK int bol_body_decode(const struct bol_body_spec *spec, const char *p, size_t n,
                                   json_t **ret, struct bol_diag *diag);

/* The field list as "name,name?,...": "?" marks optional fields; "cmd" for a command. */
void bol_body_describe(const struct bol_body_spec *spec, char *out, size_t size);
