/* SPDX-License-Identifier: Apache-2.0 */
/*
 * route.c - the route table: every route, who may call it, and the handlers
 * for operations, queries, the journal and metrics
 *
 * The table is the one place that decides route x role: a role not named
 * on a row is refused (deny by default), and tests/api walks the table to
 * call every route as every role.  Data scoping on top of it: a line user or
 * key sees and changes only its own line's containers (others answer 404, as
 * if they did not exist); terminal-scoped callers read and change only their
 * terminals (ops refuses events for other terminals).
 */
#include "compat.h"

#include <microhttpd.h>

#include "api-int.h"
#include "autoplan.h"
#include "buf.h"
#include "entry.h"
#include "mem.h"
#include "merkle.h"
#include "query.h"
#include "utctime.h"
#include "reqbody.h"

#define B(r) BOL_ROLE_BIT(BOL_ROLE_##r)

/* Groups of roles, named for what they do. */
#define STAFF                                                                                      \
    (B(ADMIN) | B(SECURITY) | B(VESSEL_PLANNER) | B(YARD_PLANNER) | B(CLERK) | B(OPERATOR) |       \
     B(CUSTOMS) | B(AUDITOR))
#define EVERYONE      (STAFF | B(LINE))
#define PEOPLE_ALL    (EVERYONE | B(REPLICA))
#define PLANNERS      (B(VESSEL_PLANNER) | B(YARD_PLANNER))
#define YARD_WORK     (B(YARD_PLANNER) | B(CLERK) | B(OPERATOR))
#define QUAY_WORK     (B(VESSEL_PLANNER) | B(CLERK) | B(OPERATOR))
#define SECURITY_READ (B(ADMIN) | B(SECURITY) | B(AUDITOR))
#define EDI_READ      (PLANNERS | B(CLERK) | B(LINE))

/* ---- queries ---- */

static const char *P(struct req *r, unsigned i)
{
    return i < r->nparams ? r->params[i] : "";
}

/* Terminal-scoped reads: 404 for a terminal outside the caller's scope. */
static int terminal_ok(struct req *r, const char *terminal)
{
    if (bol_scope_has(&r->who.scope, terminal))
        return 1;
    api_problem(r, 404, "not_found", "no terminal %s", terminal);
    return 0;
}

/* The container's line (operator), or "". */
static const char *container_line(json_t *c)
{
    const char *l = json_string_value(json_object_get(json_object_get(c, "container"), "line"));

    return l ? l : "";
}

json_t *api_container_visible(struct req *r, const char *id)
{
    const char *terminal;
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *o = NULL;
    int rc;

    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_query_container(s, id, r->now, &o, &d);
    api_reader_put(r->api, s);
    /* a decoy is answered as any unknown id is, word for word */
    if (rc == BOL_E_NOTFOUND)
        api_canary_trip_container(r, id, "read");
    if (rc < 0) {
        api_fail(r, rc, &d);
        return NULL;
    }
    /*
     * A line sees its own boxes only, and a caller scoped to some terminals
     * the boxes in them (and those not yet at any): others do not exist for it.
     */
    terminal = json_string_value(json_object_get(o, "terminal"));
    if (((r->who.roles & ~B(LINE)) == 0 && strcmp(container_line(o), r->who.line) != 0) ||
        (terminal && !bol_scope_has(&r->who.scope, terminal))) {
        json_decref(o);
        api_problem(r, 404, "not_found", "no container %s", id);
        return NULL;
    }
    return o;
}

static int h_container(struct req *r)
{
    json_t *o = api_container_visible(r, P(r, 0));

    return o ? api_json(r, 200, o) : 0;
}

enum tq { TQ_INVENTORY, TQ_YARD, TQ_QUEUE, TQ_DWELL, TQ_REEFERS, TQ_HOLDS };

/* The boxes a yard answer shows: a 40 ft box fills two slots and counts once. */
static size_t yard_boxes(json_t *o)
{
    json_t *seen = json_object(), *bay, *stack, *box;
    size_t i, j, k, n;

    json_array_foreach(json_object_get(o, "bays"), i, bay)
    {
        json_array_foreach(json_object_get(bay, "stacks"), j, stack)
        {
            json_array_foreach(json_object_get(stack, "tiers"), k, box)
            {
                const char *id = json_string_value(json_object_get(box, "id"));

                if (seen && id)
                    json_object_set_new(seen, id, json_true());
            }
        }
    }
    n = json_object_size(seen);
    json_decref(seen);
    return n;
}

static int terminal_query(struct req *r, enum tq which)
{
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *o = NULL;
    const char *t = P(r, 0);
    const char *arg;
    unsigned long n = 0;
    int rc;

    if (!terminal_ok(r, t))
        return 0;
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0) {
        switch (which) {
        case TQ_INVENTORY:
            rc = bol_query_inventory(s, t, &o, &d);
            break;
        case TQ_YARD:
            arg = api_query(r, "bay");
            if (arg) {
                char *end;

                n = strtoul(arg, &end, 10);
                if (*end || n > 999) {
                    api_reader_put(r->api, s);
                    return api_problem(r, 400, "invalid", "bay is a number up to 999");
                }
            }
            rc = bol_query_yard(s, t, P(r, 1), (unsigned) n, &o, &d);
            break;
        case TQ_QUEUE:
            rc = bol_query_queue(s, t, P(r, 1), &o, &d);
            break;
        case TQ_DWELL:
            arg = api_query(r, "limit");
            n = 100;
            if (arg) {
                char *end;

                n = strtoul(arg, &end, 10);
                if (*end || n == 0 || n > 10000) {
                    api_reader_put(r->api, s);
                    return api_problem(r, 400, "invalid", "limit is 1 to 10000");
                }
            }
            rc = bol_query_dwell(s, t, r->now, (unsigned) n, &o, &d);
            break;
        case TQ_REEFERS:
            rc = bol_query_reefers(s, t, &o, &d);
            break;
        case TQ_HOLDS:
            rc = bol_query_holds(s, t, &o, &d);
            break;
        }
    }
    api_reader_put(r->api, s);
    if (rc < 0)
        return api_fail(r, rc, &d);
    if (which == TQ_DWELL || which == TQ_HOLDS || which == TQ_REEFERS || which == TQ_QUEUE) {
        /* the list is the answer itself or its one array member */
        const char *k;
        json_t *v;
        size_t rows = json_is_array(o) ? json_array_size(o) : 0;

        json_object_foreach(o, k, v) if (json_is_array(v)) rows = BOL_MAX(rows, json_array_size(v));
        api_note_export(r,
                        which == TQ_DWELL   ? "dwell"
                        : which == TQ_HOLDS ? "holds"
                        : which == TQ_QUEUE ? "queue"
                                            : "reefers",
                        rows, false);
    } else if (which == TQ_YARD) {
        api_note_export(r, "yard", yard_boxes(o), false);
    }
    return api_json(r, 200, o);
}

static int h_inventory(struct req *r)
{
    return terminal_query(r, TQ_INVENTORY);
}

static int h_yard(struct req *r)
{
    return terminal_query(r, TQ_YARD);
}

static int h_queue(struct req *r)
{
    return terminal_query(r, TQ_QUEUE);
}

static int h_dwell(struct req *r)
{
    return terminal_query(r, TQ_DWELL);
}

static int h_reefers(struct req *r)
{
    return terminal_query(r, TQ_REEFERS);
}

static int h_holds(struct req *r)
{
    return terminal_query(r, TQ_HOLDS);
}

static int h_visit(struct req *r)
{
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *o = NULL;
    const char *t;
    int rc;

    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_query_visit(s, P(r, 0), &o, &d);
    api_reader_put(r->api, s);
    if (rc < 0)
        return api_fail(r, rc, &d);
    t = json_string_value(json_object_get(json_object_get(o, "visit"), "terminal"));
    if (t && !bol_scope_has(&r->who.scope, t)) {
        json_decref(o);
        return api_problem(r, 404, "not_found", "no vessel visit %s", P(r, 0));
    }
    return api_json(r, 200, o);
}

/* ---- commands ---- */

/*
 * A line may only touch its own boxes, and only line holds; customs only
 * customs holds.  Checked before the command runs (the container's line is
 * reference data the line cannot change).
 */
static int line_and_hold_rules(struct req *r, json_t *body)
{
    const char *cmd = r->route->cmd;
    const char *kind = json_string_value(json_object_get(body, "kind"));
    uint32_t others = r->who.roles & ~(B(LINE) | B(CUSTOMS));

    if (others)
        return 1;
    if (!strncmp(cmd, "hold.", 5)) {
        const char *mine = (r->who.roles & B(CUSTOMS)) ? "customs" : "line";

        if (!kind || strcmp(kind, mine) != 0) {
            api_problem(r, 403, "out_of_scope", "your role places and lifts %s holds only", mine);
            return 0;
        }
    }
    if (r->who.roles & B(LINE)) {
        struct bol_store *s = NULL;
        struct bol_diag d;
        json_t *o = NULL;
        const char *id = json_string_value(json_object_get(body, "id"));
        int rc;

        if (!id)
            id = json_string_value(json_object_get(body, "container"));
        if (!id) {
            api_problem(r, 400, "invalid", "name the container (id)");
            return 0;
        }
        bol_diag_init(&d);
        rc = api_reader_get(r->api, &s, &d);
        if (rc == 0)
            rc = bol_query_container(s, id, r->now, &o, &d);
        api_reader_put(r->api, s);
        if (rc < 0 || strcmp(container_line(o), r->who.line) != 0) {
            json_decref(o);
            api_problem(r, 404, "not_found", "no container %s", id);
            return 0;
        }
        json_decref(o);
    }
    return 1;
}

/*
 * A work instruction that asks a planner (autoplan.h): the slot for "auto",
 * or the dig-out before it, chosen on a reader; the answer says why.
 */
static int autoplan(struct req *r, json_t **cmd, json_t **asked, json_t **why, struct bol_diag *d)
{
    struct bol_store *s = NULL;
    int rc;

    *asked = *why = NULL;
    if (!bol_ops_autoplan_wanted(*cmd))
        return 0;
    rc = api_reader_get(r->api, &s, d);
    if (rc == 0)
        rc = bol_ops_autoplan(s, cmd, r->now, asked, why, d);
    api_reader_put(r->api, s);
    return rc;
}

/* The container a command names under key: its id, or the id in its data ("container": {...}). */
static const char *named_container(json_t *body, const char *key)
{
    json_t *v = json_object_get(body, key);

    return json_string_value(json_is_object(v) ? json_object_get(v, "id") : v);
}

static int h_command(struct req *r)
{
    struct bol_ops_call call;
    struct bol_diag d;
    json_t *body, *cmd, *res, *why = NULL;
    int rc;

    body = api_body(r);
    /*
     * A command naming a decoy is a use of it, whatever then becomes of the
     * command (refused, or "no container" as for any unknown id): checked
     * first, so it trips once and the answer is the one it would have been.
     */
    if (!api_canary_trip_container(r, named_container(body, "id"), r->route->cmd))
        api_canary_trip_container(r, named_container(body, "container"), r->route->cmd);
    if (!line_and_hold_rules(r, body))
        return 0;
    cmd = json_deep_copy(body);
    if (!cmd || json_object_set_new(cmd, "cmd", json_string(r->route->cmd)) != 0) {
        json_decref(cmd);
        return api_fail(r, BOL_E_NOMEM, NULL);
    }
    memset(&call, 0, sizeof(call));
    bol_diag_init(&d);
    rc = autoplan(r, &cmd, &call.asked, &why, &d);
    if (rc == 0)
        rc = api_run(r, cmd, &call, &d);
    json_decref(cmd);
    json_decref(call.asked);
    if (rc < 0) {
        json_decref(why);
        return api_fail(r, rc, &d);
    }
    res = bol_ops_result_json(&call.res);
    if (why && res && json_object_update(res, why) != 0) {
        json_decref(res);
        res = NULL;
    }
    json_decref(why);
    return res ? api_json(r, call.res.duplicate ? 200 : 201, res) : api_fail(r, BOL_E_NOMEM, NULL);
}

/* ---- journal ---- */

struct jread {
    json_t *a;
    bool decoys; /* the caller may see decoys (security) */
    int rc;
};

/*
 * A decoy entry (canary.*, or an alert of the canary rule) for a caller
 * other than security: the entry stays, with its number, type, time, actor
 * and address, but its payload (the decoy's id, its placement note, who
 * tripped it) is emptied, and "leaf" gives the hex SHA-256 leaf hash of the
 * stored bytes, so it still checks against the signed checkpoints.
 */
static int redact(json_t *e, struct bol_str entry)
{
    char hex[2 * BOL_HASH_LEN + 1];
    struct bol_hash h;
    unsigned k;

    bol_merkle_leaf_hash(entry.p, entry.len, &h);
    for (k = 0; k < BOL_HASH_LEN; k++)
        snprintf(hex + 2 * k, 3, "%02x", h.b[k]);
    if (json_object_set_new(e, "payload", json_object()) != 0 ||
        json_object_set_new(e, "redacted", json_true()) != 0 ||
        json_object_set_new(e, "leaf", json_string(hex)) != 0)
        return BOL_E_NOMEM;
    return 0;
}

/* canary.* entries, and the alerts of the canary rule (they name the decoy and who touched it). */
static bool names_decoy(json_t *e, const char *type)
{
    const char *rule;

    if (!strncmp(type, "canary.", 7))
        return true;
    if (strncmp(type, "alert.", 6) != 0)
        return false;
    rule = json_string_value(
        json_object_get(json_object_get(json_object_get(e, "payload"), "alert"), "rule"));
    return rule && !strcmp(rule, "canary");
}

static int take_entry(void *ctx, uint64_t seq, struct bol_str entry, const struct bol_hash *leaf)
{
    struct jread *j = ctx;
    json_error_t je;
    json_t *e = json_loadb(entry.p, entry.len, 0, &je);
    const char *type;

    (void) leaf;
    if (!e) {
        j->rc = BOL_E_CORRUPT;
        return 1;
    }
    type = json_string_value(json_object_get(e, "type"));
    if (!j->decoys && type && names_decoy(e, type) && redact(e, entry) < 0) {
        json_decref(e);
        j->rc = BOL_E_NOMEM;
        return 1;
    }
    json_object_set_new(e, "seq", json_integer((json_int_t) seq));
    json_array_append_new(j->a, e);
    return 0;
}

static int h_journal(struct req *r)
{
    const char *from_s = api_query(r, "from"), *limit_s = api_query(r, "limit");
    unsigned long long from = 1, limit = 1000;
    struct jread j = { json_array(), (r->who.roles & B(SECURITY)) != 0, 0 };
    struct bol_store *s = NULL;
    struct bol_diag d;
    char *end;
    int rc;

    if (from_s) {
        from = strtoull(from_s, &end, 10);
        if (*end || from == 0)
            return json_decref(j.a), api_problem(r, 400, "invalid", "from is an entry number");
    }
    if (limit_s) {
        limit = strtoull(limit_s, &end, 10);
        if (*end || limit == 0 || limit > 10000)
            return json_decref(j.a), api_problem(r, 400, "invalid", "limit is 1 to 10000");
    }
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_store_read(s, from, limit, take_entry, &j, &d);
    api_reader_put(r->api, s);
    if (rc >= 0 && j.rc < 0)
        rc = bol_diag_fail(&d, j.rc, "journal", "an entry does not parse");
    if (rc < 0) {
        json_decref(j.a);
        return api_fail(r, rc, &d);
    }
    return api_json(r, 200, json_pack("{s:o}", "entries", j.a));
}

/*
 * Entries as stored, one canonical entry per line (canonical JSON never holds
 * a raw line break): what a replica needs to recompute the leaf hashes.
 */
#define RAW_BODY_SOFT_MAX (32u << 20)

struct jraw {
    struct bol_buf *b;
    int rc;
};

static int take_raw(void *ctx, uint64_t seq, struct bol_str entry, const struct bol_hash *leaf)
{
    struct jraw *j = ctx;

    (void) seq;
    (void) leaf;
    if (j->b->len >= RAW_BODY_SOFT_MAX && j->b->len > 0)
        return 1; /* a shorter answer: the replica asks again from where this one ends */
    if (memchr(entry.p, '\n', entry.len)) {
        j->rc = BOL_E_CORRUPT;
        return 1;
    }
    if (bol_buf_addstr(j->b, entry) < 0 || bol_buf_addch(j->b, '\n') < 0) {
        j->rc = BOL_E_NOMEM;
        return 1;
    }
    return 0;
}

static int range_args(struct req *r, const char *first, unsigned long long *from,
                      unsigned long long *limit, unsigned long long max)
{
    const char *from_s = api_query(r, first), *limit_s = api_query(r, "limit");
    char *end;

    if (from_s) {
        *from = strtoull(from_s, &end, 10);
        if (*end || !*from_s || *from == 0 || *from > (1ULL << 62))
            return api_problem(r, 400, "invalid", "%s is a positive number", first), -1;
    }
    if (limit_s) {
        *limit = strtoull(limit_s, &end, 10);
        if (*end || !*limit_s || *limit == 0 || *limit > max)
            return api_problem(r, 400, "invalid", "limit is 1 to %llu", max), -1;
    }
    return 0;
}

static int h_journal_raw(struct req *r)
{
    struct bol_buf b = BOL_BUF_INIT(RAW_BODY_SOFT_MAX + BOL_ENTRY_MAX + 1);
    unsigned long long from = 1, limit = 10000;
    struct jraw j = { &b, 0 };
    struct bol_store *s = NULL;
    struct bol_diag d;
    int rc;

    if (range_args(r, "from", &from, &limit, 50000) < 0)
        return 0;
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_store_read(s, from, limit, take_raw, &j, &d);
    api_reader_put(r->api, s);
    if (rc >= 0 && j.rc < 0)
        rc = bol_diag_fail(&d, j.rc, "journal", "an entry cannot be sent as one line");
    if (rc < 0) {
        bol_buf_release(&b);
        return api_fail(r, rc, &d);
    }
    return api_text(r, 200, "application/x-ndjson", &b);
}

struct jcps {
    json_t *a;
    uint64_t left;
};

static int take_checkpoint(void *ctx, uint64_t size, int64_t at_us, struct bol_str note)
{
    struct jcps *j = ctx;

    (void) at_us;
    if (j->left == 0)
        return 1;
    j->left--;
    return json_array_append_new(
               j->a, json_pack("{s:I,s:s%}", "size", (json_int_t) size, "note", note.p, note.len))
               ? BOL_E_NOMEM
               : 0;
}

static int h_checkpoints(struct req *r)
{
    unsigned long long from = 1, limit = 1000;
    struct jcps j = { json_array(), 0 };
    struct bol_store *s = NULL;
    struct bol_diag d;
    int rc;

    if (!j.a)
        return api_fail(r, BOL_E_NOMEM, NULL);
    if (range_args(r, "from", &from, &limit, 10000) < 0)
        return json_decref(j.a), 0;
    j.left = limit;
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_store_checkpoints(s, from, take_checkpoint, &j, &d);
    api_reader_put(r->api, s);
    if (rc < 0) {
        json_decref(j.a);
        return api_fail(r, rc, &d);
    }
    return api_json(r, 200, json_pack("{s:o}", "checkpoints", j.a));
}

static int h_checkpoint(struct req *r)
{
    struct bol_buf b = BOL_BUF_INIT(1u << 16);
    struct bol_store *s = NULL;
    struct bol_diag d;
    int rc;

    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_store_latest_checkpoint(s, &b, &d);
    api_reader_put(r->api, s);
    if (rc < 0) {
        bol_buf_release(&b);
        return api_fail(r, rc, &d);
    }
    return api_text(r, 200, "text/plain; charset=utf-8", &b);
}

/*
 * The state tables' digests with the journal size they reflect: a restore
 * drill compares them with the state it rebuilt from the replica.  Every
 * change of state comes with journal entries, so two equal sizes read
 * around the digest mean no commit came between.
 */
static int h_state_digest(struct req *r)
{
    struct bol_state_digest dg;
    struct bol_store *s = NULL;
    struct bol_diag d;
    uint64_t before = 0, after = 1;
    json_t *o, *t;
    unsigned tries;
    size_t i;
    int rc;

    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    for (tries = 0; rc == 0 && before != after && tries < 20; tries++) {
        rc = bol_store_size(s, &before, &d);
        if (rc == 0)
            rc = bol_store_state_digest(s, &dg, &d);
        if (rc == 0)
            rc = bol_store_size(s, &after, &d);
    }
    api_reader_put(r->api, s);
    if (rc == 0 && before != after)
        return api_problem(r, 503, "busy", "the journal kept growing: try again");
    if (rc < 0)
        return api_fail(r, rc, &d);
    t = json_array();
    for (i = 0; t && i < dg.n; i++) {
        char hex[2 * BOL_HASH_LEN + 1];
        unsigned k;

        for (k = 0; k < BOL_HASH_LEN; k++)
            snprintf(hex + 2 * k, 3, "%02x", dg.t[i].hash.b[k]);
        if (json_array_append_new(t, json_pack("{s:s,s:I,s:s}", "table", dg.t[i].table, "rows",
                                               (json_int_t) dg.t[i].rows, "sha256", hex)))
            break;
    }
    o = json_pack("{s:I,s:o*}", "size", (json_int_t) before, "tables", t);
    return api_json(r, 200, o);
}

static int h_metrics(struct req *r)
{
    struct bol_buf b = BOL_BUF_INIT(1u << 22);
    int rc = api_metrics_text(r->api, &b);

    if (rc < 0) {
        bol_buf_release(&b);
        return api_fail(r, rc, NULL);
    }
    return api_text(r, 200, "text/plain; version=0.0.4; charset=utf-8", &b);
}

/* ---- request bodies (reqbody.h): what each route accepts ---- */

#define S(n, req, max)                                                                             \
    {                                                                                              \
        n, BOL_BT_STRING, req, max                                                                 \
    }
#define REASON S("reason", true, BOL_REASON_MAX)
#define TERMINALS                                                                                  \
    {                                                                                              \
        "terminals", BOL_BT_STRINGS, true, 16                                                      \
    }
#define EXPIRY                                                                                     \
    S("expires", false, BOL_TIME_TEXT_MAX - 1),                                                    \
    {                                                                                              \
        "days", BOL_BT_INT, false, 366                                                             \
    }

static const struct bol_body_spec B_COMMAND = { .command = true };
static const struct bol_body_spec B_LOGIN = { .f = {
                                                  S("user", true, BOL_USER_MAX),
                                                  S("password", true, 512),
                                                  S("code", false, 16),
                                                  S("recovery_code", false, 32),
                                              } };
static const struct bol_body_spec B_PASSWORD = { .f = { S("current", true, 512),
                                                        S("new", true, 512) } };
static const struct bol_body_spec B_MFA_CODE = { .f = { S("code", true, 16) } };
static const struct bol_body_spec B_USER_ADD = { .f = {
                                                     S("user", true, BOL_USER_MAX),
                                                     S("kind", false, 16),
                                                     { "roles", BOL_BT_STRINGS, true, 16 },
                                                     TERMINALS,
                                                     S("line", false, BOL_LINE_MAX),
                                                     { "mfa_required", BOL_BT_BOOL, false, 0 },
                                                 } };
static const struct bol_body_spec B_USER_ROLES = { .f = {
                                                       { "roles", BOL_BT_STRINGS, true, 16 },
                                                       TERMINALS,
                                                       S("line", false, BOL_LINE_MAX),
                                                       { "mfa_required", BOL_BT_BOOL, false, 0 },
                                                       REASON,
                                                   } };
static const struct bol_body_spec B_REASON = { .f = { REASON } };
static const struct bol_body_spec B_NOTE = { .f = { S("note", true, 1000) } };
static const struct bol_body_spec B_KEY_CREATE = { .f = {
                                                       S("name", true, 64),
                                                       S("role", true, 32),
                                                       TERMINALS,
                                                       S("line", false, BOL_LINE_MAX),
                                                       EXPIRY,
                                                   } };
static const struct bol_body_spec B_KEY_ROTATE = { .f = {
                                                       EXPIRY,
                                                       { "overlap", BOL_BT_INT, false, 30 * 86400 },
                                                   } };
static const struct bol_body_spec B_GRANT = { .f = {
                                                  S("user", true, BOL_USER_MAX),
                                                  S("from", true, BOL_ADDR_MAX),
                                                  S("starts", false, BOL_TIME_TEXT_MAX - 1),
                                                  S("ends", true, BOL_TIME_TEXT_MAX - 1),
                                                  REASON,
                                              } };

/* ---- the table ---- */

#define CMD(name, roles, summary)                                                                  \
    {                                                                                              \
        "POST", "/api/v1/ops/" name, h_command, roles, R_WRITE, name, summary, &B_COMMAND          \
    }

static int h_healthz(struct req *r)
{
    return api_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

const struct route bol_api_routes[] = {
    { "GET", "/healthz", h_healthz, 0, R_PUBLIC, NULL, "Liveness: the server answers", NULL },
    /* who am I */
    { "POST", "/api/v1/login", h_login, 0, R_PUBLIC, NULL,
      "Log in with user name, password and a TOTP or recovery code", &B_LOGIN },
    { "POST", "/api/v1/logout", h_logout, PEOPLE_ALL, R_WRITE | R_LIMITED, NULL, "End this session",
      NULL },
    { "GET", "/api/v1/me", h_me, PEOPLE_ALL, R_LIMITED, NULL, "The caller's account or key", NULL },
    { "POST", "/api/v1/me/password", h_password, PEOPLE_ALL, R_WRITE | R_LIMITED, NULL,
      "Change one's own password", &B_PASSWORD },
    { "POST", "/api/v1/me/mfa/enroll", h_mfa_enroll, PEOPLE_ALL, R_WRITE | R_LIMITED, NULL,
      "Start TOTP enrolment: a new secret and its otpauth URI", NULL },
    { "POST", "/api/v1/me/mfa/confirm", h_mfa_confirm, PEOPLE_ALL, R_WRITE | R_LIMITED, NULL,
      "Finish TOTP enrolment with a code; returns recovery codes once", &B_MFA_CODE },

    /* queries */
    { "GET", "/api/v1/containers/{id}", h_container, EVERYONE, 0, NULL,
      "A container: master data, place, holds, release, work and history", NULL },
    { "GET", "/api/v1/terminals/{terminal}/inventory", h_inventory, STAFF, 0, NULL,
      "Boxes, TEU and capacity per block", NULL },
    { "GET", "/api/v1/terminals/{terminal}/yard/{block}", h_yard, STAFF, 0, NULL,
      "A yard block as stacks (optional ?bay=)", NULL },
    { "GET", "/api/v1/terminals/{terminal}/queue/{equipment}", h_queue, STAFF, 0, NULL,
      "Open work of a piece of equipment in order", NULL },
    { "GET", "/api/v1/terminals/{terminal}/dwell", h_dwell, STAFF, 0, NULL,
      "Boxes by time in the yard (optional ?limit=)", NULL },
    { "GET", "/api/v1/terminals/{terminal}/reefers", h_reefers, STAFF, 0, NULL,
      "Running reefers and their plugs", NULL },
    { "GET", "/api/v1/terminals/{terminal}/holds", h_holds, STAFF, 0, NULL,
      "Active holds in the terminal", NULL },
    { "GET", "/api/v1/visits/{visit}", h_visit, STAFF, 0, NULL, "A vessel visit and its progress",
      NULL },

    /* yard planning: previews, and the work instructions they plan */
    { "GET", "/api/v1/containers/{id}/slots", h_slots, STAFF, 0, NULL,
      "The best yard slots for an arriving box, each explained (optional ?count=)", NULL },
    { "GET", "/api/v1/containers/{id}/digout", h_digout, STAFF, 0, NULL,
      "The rehandles that would free a yard box", NULL },
    { "POST", "/api/v1/containers/{id}/digout", h_digout, PLANNERS | B(CLERK), R_WRITE, NULL,
      "Plan the rehandle work instructions that free a yard box", NULL },
    { "GET", "/api/v1/terminals/{terminal}/yard/{block}/premarshal", h_premarshal, STAFF, 0, NULL,
      "The moves that would put a block's bays in departure order (optional ?bay=)", NULL },
    { "POST", "/api/v1/terminals/{terminal}/yard/{block}/premarshal", h_premarshal, B(YARD_PLANNER),
      R_WRITE, NULL,
      "Plan the shift work instructions that can be carried out now (optional ?bay=)", NULL },

    /* reference data */
    CMD("terminal.define", B(ADMIN), "Define or change a terminal"),
    CMD("line.define", B(ADMIN), "Define a shipping line"),
    CMD("berth.define", B(ADMIN), "Define a berth"),
    CMD("block.define", B(ADMIN) | B(YARD_PLANNER), "Define a yard block"),
    CMD("equipment.define", B(ADMIN), "Define a crane, carrier or truck"),
    CMD("vessel.define", B(ADMIN) | B(VESSEL_PLANNER), "Define a vessel and its profile"),
    CMD("visit.define", B(ADMIN) | B(VESSEL_PLANNER), "Plan a vessel visit"),
    CMD("visit.advance", B(VESSEL_PLANNER) | B(CLERK), "Move a visit to its next phase"),

    /* containers and operations */
    CMD("container.register", B(CLERK) | B(YARD_PLANNER), "Take a container on"),
    CMD("container.correct", B(CLERK) | PLANNERS, "Correct a container's master data"),
    CMD("discharge", QUAY_WORK, "Discharge a box from a vessel"),
    CMD("load", QUAY_WORK, "Load a box onto a vessel"),
    CMD("shift", YARD_WORK, "Move a box within the yard"),
    CMD("relocate", YARD_WORK, "Dig a box out: move a blocker"),
    CMD("yard.put", YARD_WORK, "Put a box from quay or truck into the yard"),
    CMD("gate.receive", B(CLERK), "Receive an export or empty at the gate"),
    CMD("gate.deliver", B(CLERK), "Deliver an import at the gate"),
    CMD("truck.arrive", B(CLERK), "A truck visit arrives"),
    CMD("truck.depart", B(CLERK), "A truck visit leaves"),
    CMD("hold.place", B(CLERK) | B(CUSTOMS) | B(LINE), "Place a hold"),
    CMD("hold.lift", B(CLERK) | B(CUSTOMS) | B(LINE), "Lift a hold"),
    CMD("release.grant", B(CLERK) | B(LINE), "Release a box for delivery"),
    CMD("release.revoke", B(CLERK) | B(LINE), "Withdraw a release"),
    CMD("wi.plan", PLANNERS | B(CLERK), "Plan a work instruction"),
    CMD("wi.dispatch", PLANNERS | B(CLERK), "Dispatch a work instruction to equipment"),
    CMD("wi.start", B(OPERATOR) | B(CLERK), "Start a work instruction"),
    CMD("wi.complete", B(OPERATOR) | B(CLERK), "Complete a work instruction"),
    CMD("wi.fail", B(OPERATOR) | B(CLERK), "Report a work instruction failed"),
    CMD("wi.cancel", PLANNERS | B(CLERK), "Cancel a work instruction"),
    CMD("person.erase", B(SECURITY), "Erase a person's personal data (crypto-shredding)"),

    /* detection */
    { "GET", "/api/v1/alerts", h_alerts_list, SECURITY_READ, 0, NULL,
      "Alerts, newest first (optional ?status=open|acknowledged)", NULL },
    { "GET", "/api/v1/alerts/{id}", h_alert_get, SECURITY_READ, 0, NULL,
      "One alert and the journal entries that raised it", NULL },
    { "POST", "/api/v1/alerts/{id}/ack", h_alert_ack, B(ADMIN) | B(SECURITY), R_WRITE, NULL,
      "Acknowledge an alert with a note", &B_NOTE },

    /* access administration */
    { "GET", "/api/v1/users", h_users_list, SECURITY_READ, 0, NULL, "Accounts", NULL },
    { "POST", "/api/v1/users", h_user_add, B(ADMIN), R_WRITE, NULL,
      "Create an account; returns a one-time password", &B_USER_ADD },
    { "POST", "/api/v1/users/{user}/lock", h_user_step, B(ADMIN) | B(SECURITY), R_WRITE,
      "user.lock", "Lock an account", &B_REASON },
    { "POST", "/api/v1/users/{user}/unlock", h_user_step, B(ADMIN) | B(SECURITY), R_WRITE,
      "user.unlock", "Unlock an account", &B_REASON },
    { "POST", "/api/v1/users/{user}/reset-mfa", h_user_step, B(ADMIN) | B(SECURITY), R_WRITE,
      "user.mfa_reset", "Reset MFA (needs a second person's approval)", &B_REASON },
    { "POST", "/api/v1/users/{user}/roles", h_user_roles, B(ADMIN), R_WRITE, NULL,
      "Change roles and scope (needs a second person's approval)", &B_USER_ROLES },
    { "GET", "/api/v1/keys", h_keys_list, SECURITY_READ, 0, NULL, "API keys", NULL },
    { "POST", "/api/v1/keys", h_key_create, B(ADMIN) | B(SECURITY), R_WRITE, NULL,
      "Create an API key; shown once", &B_KEY_CREATE },
    { "POST", "/api/v1/keys/{id}/rotate", h_key_rotate, B(ADMIN) | B(SECURITY), R_WRITE, NULL,
      "Replace a key, the old one valid for an overlap", &B_KEY_ROTATE },
    { "POST", "/api/v1/keys/{id}/revoke", h_key_revoke, B(ADMIN) | B(SECURITY), R_WRITE, NULL,
      "Revoke a key", &B_REASON },
    { "GET", "/api/v1/access", h_access_list, SECURITY_READ, 0, NULL, "Maintenance windows", NULL },
    { "POST", "/api/v1/access", h_access_grant, B(ADMIN), R_WRITE, NULL,
      "Open a maintenance window for a vendor account", &B_GRANT },
    { "POST", "/api/v1/access/{id}/revoke", h_access_revoke, B(ADMIN) | B(SECURITY), R_WRITE, NULL,
      "Close a maintenance window", NULL },
    { "GET", "/api/v1/approvals", h_approvals_list, B(ADMIN) | B(SECURITY) | B(AUDITOR), 0, NULL,
      "Requests awaiting a second person", NULL },
    { "POST", "/api/v1/approvals/{id}/approve", h_approval_decide, B(ADMIN) | B(SECURITY), R_WRITE,
      "approve", "Approve another person's request (and carry it out)", NULL },
    { "POST", "/api/v1/approvals/{id}/reject", h_approval_decide, B(ADMIN) | B(SECURITY), R_WRITE,
      "reject", "Reject another person's request", NULL },

    /* journal and monitoring */
    { "GET", "/api/v1/edi/{type}", h_edi_export, EDI_READ, 0, NULL,
      "A message out: baplie, coprar, movins (?visit=), coarri (?visit=&after=), codeco "
      "(?terminal=&after=)",
      NULL },
    { "POST", "/api/v1/edi/import", h_edi_import, B(VESSEL_PLANNER) | B(CLERK), R_WRITE | R_RAW,
      NULL, "Import an EDIFACT interchange (?visit= or ?create_visit=true)", NULL },
    { "GET", "/api/v1/dcsa/v2/events", h_dcsa_events, EVERYONE, 0, NULL,
      "DCSA Track & Trace 2.2 equipment events (?equipmentEventTypeCode=&equipmentReference="
      "&limit=&cursor=)",
      NULL },
    { "GET", "/api/v1/journal", h_journal, B(AUDITOR) | B(SECURITY) | B(REPLICA), 0, NULL,
      "Journal entries (?from=&limit=)", NULL },
    { "GET", "/api/v1/journal/checkpoint", h_checkpoint, B(AUDITOR) | B(SECURITY) | B(REPLICA), 0,
      NULL, "The latest signed checkpoint", NULL },
    /* exact bytes, decoys included: not for the auditor (GET /api/v1/journal redacts them) */
    { "GET", "/api/v1/journal/entries", h_journal_raw, B(SECURITY) | B(REPLICA), 0, NULL,
      "Entries as stored, one per line (?from=&limit=): for replicas", NULL },
    { "GET", "/api/v1/journal/state-digest", h_state_digest, B(AUDITOR) | B(SECURITY) | B(REPLICA),
      0, NULL, "Digests of the state tables and the journal size they reflect (restore drills)",
      NULL },
    { "GET", "/api/v1/journal/checkpoints", h_checkpoints, B(AUDITOR) | B(SECURITY) | B(REPLICA), 0,
      NULL, "Signed checkpoints from a tree size on (?from=&limit=)", NULL },
    { "GET", "/metrics", h_metrics, SECURITY_READ, 0, NULL, "Prometheus metrics", NULL },
};
const size_t bol_api_nroutes = BOL_ARRAY_SIZE(bol_api_routes);
