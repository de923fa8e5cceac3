/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev_sec.c - detection events: alerts, canaries, exports and the service's
 * own life (start, heartbeat, stop)
 *
 * alert.raised and alert.acknowledged carry the whole alert (detect.h) and
 * keep it in the alert table.  canary.created records a decoy in the canary
 * table, apart from the real containers, accounts and keys, so no list,
 * count or EDI message can include one; canary.tripped is the fact that one
 * was read or used.  data.exported records that a caller took a large read
 * (how many records, of what).  service.started, .heartbeat and .stopped let
 * detection tell a quiet journal from a stopped one.
 */
#include "compat.h"

#include <string.h>

#include "account.h"
#include "buf.h"
#include "detect.h"
#include "errors.h"
#include "events-int.h"
#include "jsonv.h"

static const struct bol_column alert_cols[] = {
    { "id", BOL_V_TEXT, false },         { "doc", BOL_V_TEXT, false },
    { "status", BOL_V_TEXT, false },     { "raised_seq", BOL_V_INT, false },
    { "changed_seq", BOL_V_INT, false },
};
static const char *const alert_indexes[] = { "raised_seq", NULL };
const struct bol_table bol_t_alert = { "alert", alert_cols, 5, 1, alert_indexes };

static const struct bol_column canary_cols[] = {
    { "id", BOL_V_TEXT, false },
    { "kind", BOL_V_TEXT, false },
    { "doc", BOL_V_TEXT, false },
    { "changed_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_canary = { "canary", canary_cols, 4, 1, NULL };

const char *const bol_canary_kinds[] = { "container", "user", "key", NULL };

/* ---- alerts ---- */

static int alert_decode(json_t *p, struct bol_alert *a, json_t **obj, struct bol_diag *diag)
{
    static const char *const keys[] = { "alert", NULL };
    json_t *again = NULL;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = jv_object(p, "alert", true, obj, diag)) < 0 ||
        (r = bol_alert_from_json(*obj, a, diag)) < 0 || (r = bol_alert_to_json(a, &again)) < 0)
        return r;
    return bol_ev_same(*obj, again, "alert", diag);
}

static int alert_check(json_t *p, struct bol_diag *diag)
{
    struct bol_alert a;
    json_t *obj;

    return alert_decode(p, &a, &obj, diag);
}

static int alert_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct bol_alert a;
    struct bol_buf doc = BOL_BUF_INIT(1 << 20);
    struct bol_value row[5];
    json_t *obj;
    int r = alert_decode(p, &a, &obj, diag);

    if (r < 0 || (r = jv_dump(obj, &doc)) < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(a.id));
    row[1] = BOL_VAL_TEXT(bol_buf_str(&doc));
    row[2] = BOL_VAL_TEXT(bol_str_from(a.acknowledged ? "acknowledged" : "open"));
    row[3] = BOL_VAL_INT(e->seq);
    row[4] = BOL_VAL_INT(e->seq);
    if (a.acknowledged) /* keep when it was raised */
        r = sink->upd(sink->ctx, &bol_t_alert, row, 1u << 1 | 1u << 2 | 1u << 4);
    else
        r = sink->put(sink->ctx, &bol_t_alert, row);
    if (r == BOL_E_NOTFOUND)
        r = bol_diag_fail(diag, BOL_E_INVAL, "alert", "no alert '%s' to acknowledge", a.id);
    bol_buf_release(&doc);
    return r;
}

/* ---- canaries ---- */

static int canary_decode(json_t *p, json_t **obj, struct bol_str *kind, struct bol_str *id,
                         struct bol_diag *diag)
{
    static const char *const keys[] = { "canary", NULL };
    static const char *const ckeys[] = { "kind", "id", "note", NULL };
    struct bol_str note;
    unsigned k;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = jv_object(p, "canary", true, obj, diag)) < 0 ||
        (r = jv_only(*obj, ckeys, diag)) < 0 ||
        (r = jv_enum(*obj, "kind", bol_canary_kinds, true, &k, diag)) < 0 ||
        (r = jv_text(*obj, "id", BOL_USER_MAX, true, id, diag)) < 0 ||
        (r = jv_text(*obj, "note", BOL_REASON_MAX, false, &note, diag)) < 0)
        return r;
    *kind = bol_str_from(bol_canary_kinds[k]);
    return 0;
}

static int canary_check(json_t *p, struct bol_diag *diag)
{
    struct bol_str kind, id;
    json_t *obj;

    return canary_decode(p, &obj, &kind, &id, diag);
}

static int canary_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                        struct bol_diag *diag)
{
    struct bol_buf doc = BOL_BUF_INIT(4096);
    struct bol_str kind, id;
    struct bol_value row[4];
    json_t *obj;
    int r = canary_decode(p, &obj, &kind, &id, diag);

    if (r < 0 || (r = jv_dump(obj, &doc)) < 0)
        return r;
    row[0] = BOL_VAL_TEXT(id);
    row[1] = BOL_VAL_TEXT(kind);
    row[2] = BOL_VAL_TEXT(bol_buf_str(&doc));
    row[3] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_canary, row);
    bol_buf_release(&doc);
    return r;
}

/* canary.tripped: {"kind", "id", "how"}. */
static int tripped_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "kind", "id", "how", NULL };
    struct bol_str s;
    unsigned k;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 ||
        (r = jv_enum(p, "kind", bol_canary_kinds, true, &k, diag)) < 0 ||
        (r = jv_text(p, "id", BOL_USER_MAX, true, &s, diag)) < 0 ||
        (r = jv_text(p, "how", 128, true, &s, diag)) < 0)
        return r;
    return 0;
}

/* data.exported: {"what", "rows"}. */
static int exported_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "what", "rows", NULL };
    struct bol_str s;
    int64_t n;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = jv_text(p, "what", 128, true, &s, diag)) < 0 ||
        (r = jv_int(p, "rows", 0, INT32_MAX, true, &n, diag)) < 0)
        return r;
    return 0;
}

/* service.started: {"version", "heartbeat_s"}; .heartbeat and .stopped: {}. */
static int started_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "version", "heartbeat_s", NULL };
    struct bol_str s;
    int64_t n;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = jv_text(p, "version", 64, true, &s, diag)) < 0 ||
        (r = jv_int(p, "heartbeat_s", 0, 86400, true, &n, diag)) < 0)
        return r;
    return 0;
}

static int empty_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { NULL };

    return jv_only(p, keys, diag);
}

#define FACT(name, check)                                                                          \
    static int name##_apply(const struct bol_entry *e, json_t *p,                                  \
                            const struct bol_mutation_sink *sink, struct bol_diag *diag)           \
    {                                                                                              \
        (void) e;                                                                                  \
        (void) sink;                                                                               \
        return check(p, diag);                                                                     \
    }

FACT(tripped, tripped_check)
FACT(exported, exported_check)
FACT(started, started_check)
FACT(empty, empty_check)

const struct bol_event_def bol_sec_events[] = {
    { "alert.acknowledged", 1, NULL, alert_check, alert_apply },
    { "alert.raised", 1, NULL, alert_check, alert_apply },
    { "canary.created", 1, NULL, canary_check, canary_apply },
    { "canary.tripped", 1, NULL, tripped_check, tripped_apply },
    { "data.exported", 1, NULL, exported_check, exported_apply },
    { "service.heartbeat", 1, NULL, empty_check, empty_apply },
    { "service.started", 1, NULL, started_check, started_apply },
    { "service.stopped", 1, NULL, empty_check, empty_apply },
};
const size_t bol_sec_nevents = BOL_ARRAY_SIZE(bol_sec_events);
