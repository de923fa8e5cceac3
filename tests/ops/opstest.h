/* SPDX-License-Identifier: Apache-2.0 */
/*
 * opstest.h - a fresh terminal per test, driven through the command service
 *
 * Builds on storetest.h (a fresh store on SQLite or a real PostgreSQL).  The
 * service's clock is a counter, one second per command, so times are
 * reproducible.  Commands are written as JSON text; ok() insists a command
 * succeeds, fails() that it fails with the given code and field and that no
 * state table changed (digests before and after, from a second connection).
 */
#pragma once

#include "compat.h"

#include <cmocka.h>
#include <jansson.h>

#include "ops.h"
#include "query.h"
#include "storetest.h"

#define T0_US 1795279200000000LL /* 2026-11-21T05:20:00Z */

struct opsfix {
    struct fixture f;
    struct bol_ops *ops;
    struct bol_store *reader;
    int64_t clock;
    unsigned nreq;
};

static int64_t opsfix_clock(void *ctx)
{
    int64_t *c = ctx;

    *c += 1000000;
    return *c;
}

BOL_UNUSED static int opsfix_setup(void **state)
{
    struct opsfix *o = bol_xcalloc(1, sizeof(*o));
    struct bol_ops_opts oo;
    struct bol_diag d;

    if (fixture_make(&o->f) < 0) {
        fixture_destroy(&o->f);
        bol_free(o);
        return -1;
    }
    o->clock = T0_US;
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = o->f.dir;
    oo.checkpoint_every = 50;
    oo.checkpoint_interval_us = 3600LL * 1000000;
    oo.clock = opsfix_clock;
    oo.clock_ctx = &o->clock;
    bol_diag_init(&d);
    if (bol_ops_open(&oo, &o->ops, &d) < 0 || bol_ops_reader(o->ops, &o->reader, &d) < 0) {
        fprintf(stderr, "ops: %s\n", d.msg);
        bol_ops_close(o->ops);
        fixture_destroy(&o->f);
        bol_free(o);
        return -1;
    }
    *state = o;
    return 0;
}

BOL_UNUSED static int opsfix_teardown(void **state)
{
    struct opsfix *o = *state;

    bol_store_close(o->reader);
    bol_ops_close(o->ops);
    fixture_destroy(&o->f);
    bol_free(o);
    return 0;
}

static json_t *parse(const char *text)
{
    json_error_t err;
    json_t *j = json_loads(text, JSON_REJECT_DUPLICATES, &err);

    if (!j)
        fail_msg("bad test JSON at %d: %s\n%s", err.column, err.text, text);
    return j;
}

/* Run a command given as JSON text; 0 or the error, with diag and result filled. */
BOL_UNUSED static int run_cmd(struct opsfix *o, const char *text, struct bol_ops_result *res,
                              struct bol_diag *d)
{
    struct bol_actor actor = { BOL_STR("user:tester"), BOL_STR("192.0.2.7") };
    struct bol_ops_result scratch;
    json_t *cmd = parse(text);
    int r;

    bol_diag_init(d);
    r = bol_ops_run(o->ops, &actor, bol_str_make("", 0), cmd, res ? res : &scratch, d);
    json_decref(cmd);
    return r;
}

/* Run and insist on success; returns the id it created (0 when none). */
BOL_UNUSED static uint64_t ok_at(struct opsfix *o, const char *text, const char *file, int line)
{
    struct bol_ops_result res;
    struct bol_diag d;
    int r = run_cmd(o, text, &res, &d);

    if (r < 0)
        fail_msg("%s:%d: %s\n  failed: %s (field %s): %s", file, line, text, bol_strerror(r),
                 d.field, d.msg);
    return res.id;
}
#define ok(o, text) ok_at(o, text, __FILE__, __LINE__)

static void digest(struct opsfix *o, struct bol_state_digest *out)
{
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_store_state_digest(o->reader, out, &d) < 0)
        fail_msg("digest: %s", d.msg);
}

static bool same_digest(const struct bol_state_digest *a, const struct bol_state_digest *b)
{
    size_t i;

    if (a->n != b->n)
        return false;
    for (i = 0; i < a->n; i++) {
        if (a->t[i].rows != b->t[i].rows || memcmp(a->t[i].hash.b, b->t[i].hash.b, 32) != 0)
            return false;
    }
    return true;
}

/* Run and insist on failure with code and field, and on no change to any state table. */
BOL_UNUSED static void fails_at(struct opsfix *o, const char *text, int code, const char *field,
                                const char *file, int line)
{
    struct bol_state_digest before, after;
    struct bol_diag d;
    int r;

    digest(o, &before);
    r = run_cmd(o, text, NULL, &d);
    digest(o, &after);
    if (r != code || strcmp(d.field, field) != 0)
        fail_msg("%s:%d: %s\n  expected %s (field %s), got %s (field %s): %s", file, line, text,
                 bol_strerror(code), field, r < 0 ? bol_strerror(r) : "success", d.field, d.msg);
    if (!d.msg[0])
        fail_msg("%s:%d: %s\n  failed without a message", file, line, text);
    if (!same_digest(&before, &after))
        fail_msg("%s:%d: %s\n  failed but changed state", file, line, text);
}
#define fails(o, text, code, field) fails_at(o, text, code, field, __FILE__, __LINE__)

/* A query's JSON answer. */
BOL_UNUSED static json_t *container_json(struct opsfix *o, const char *id)
{
    struct bol_diag d;
    json_t *j = NULL;

    bol_diag_init(&d);
    if (bol_query_container(o->reader, id, o->clock, &j, &d) < 0)
        fail_msg("container %s: %s", id, d.msg);
    return j;
}

BOL_UNUSED static const char *place_of(struct opsfix *o, const char *id, char out[96])
{
    json_t *j = container_json(o, id);

    snprintf(out, 96, "%s", json_string_value(json_object_get(j, "place")));
    json_decref(j);
    return out;
}

/* ISO 6346 id with a correct check digit for owner code + "U" + serial. */
BOL_UNUSED static void box_id(const char *owner, unsigned serial, char out[12])
{
    char code[11];
    int cd;

    snprintf(code, sizeof(code), "%.3sU%06u", owner, serial % 1000000);
    cd = bol_iso6346_check_digit(code);
    memcpy(out, code, 10);
    out[10] = (char) ('0' + (cd < 0 ? 0 : cd % 10));
    out[11] = '\0';
}
