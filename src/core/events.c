/* SPDX-License-Identifier: Apache-2.0 */
/*
 * events.c - the event registry: schema versions, upcasting, application
 *
 * Event types are defined in ev_ref.c (reference data) and ev_ops.c
 * (operations); see events-int.h.  To add one: write its check and apply
 * functions, add a row to that file's events[], and list any new state table
 * in tables[] here.  To change a
 * payload's schema: raise the row's version and append an upcast function
 * that turns the previous version's payload into the new one; never edit an
 * existing upcast, since journals written with it must keep replaying.
 */
#include "compat.h"

#include <jansson.h>

#include "errors.h"
#include "events-int.h"
#include "events.h"
#include "jsonv.h"
#include "buf.h"
#include "locode.h"
#include "mem.h"
#include "sha256.h"
#include "yard_addr.h"

/* ---- state tables ---- */

/* Every table, in a fixed order. */
static const struct bol_table *const tables[] = {
    &bol_t_terminal,
    &bol_t_line,
    &bol_t_berth,
    &bol_t_block,
    &bol_t_equipment,
    &bol_t_vessel,
    &bol_t_visit,
    &bol_t_container,
    &bol_t_yard_slot,
    &bol_t_vessel_slot,
    &bol_t_hold,
    &bol_t_release,
    &bol_t_truck_visit,
    &bol_t_wi,
    &bol_t_history,
    &bol_t_move,
    &bol_t_account,
    &bol_t_apikey,
    &bol_t_grant,
    &bol_t_approval,
    &bol_t_journal_epoch,
    &bol_t_alert,
    &bol_t_canary,
    &bol_t_incident,
    &bol_t_inspect_run,
    &bol_t_vessel_slot_mark,
    &bol_t_visit_order,
    &bol_t_stowage_rule,
    &bol_t_booking_release,
    &bol_t_vgm_pending,
};

const struct bol_table *const *bol_state_tables(size_t *ret_n)
{
    *ret_n = BOL_ARRAY_SIZE(tables);
    return tables;
}

void bol_state_fingerprint(char out[65])
{
    static const char hex[] = "0123456789abcdef";
    struct bol_sha256_stream h;
    uint8_t d[BOL_SHA256_LEN];
    size_t n, t, c, i;

    n = BOL_ARRAY_SIZE(tables);
    if (bol_sha256_stream_init(&h) < 0) {
        memset(out, '0', 64);
        out[64] = '\0';
        return;
    }
    for (t = 0; t < n; t++) {
        bol_sha256_stream_update(&h, tables[t]->name, strlen(tables[t]->name) + 1);
        for (c = 0; c < tables[t]->ncols; c++) {
            const struct bol_column *col = &tables[t]->cols[c];
            char type[4];

            type[0] = (char) ('0' + col->type);
            type[1] = col->nullable ? 'n' : 'N';
            type[2] = c < tables[t]->nkey ? 'k' : '-';
            type[3] = '\0';
            bol_sha256_stream_update(&h, col->name, strlen(col->name) + 1);
            bol_sha256_stream_update(&h, type, 4);
        }
        for (i = 0; tables[t]->indexes && tables[t]->indexes[i]; i++)
            bol_sha256_stream_update(&h, tables[t]->indexes[i], strlen(tables[t]->indexes[i]) + 1);
        bol_sha256_stream_update(&h, "", 1);
    }
    bol_sha256_stream_final(&h, d);
    for (i = 0; i < BOL_SHA256_LEN; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[64] = '\0';
}

/* ---- helpers for the files that define events ---- */

int bol_ev_same(json_t *payload, json_t *decoded, const char *what, struct bol_diag *diag)
{
    bool same = json_equal(payload, decoded);

    json_decref(decoded);
    if (!same)
        return bol_diag_fail(diag, BOL_E_INVAL, "payload",
                             "the %s is not written in its canonical form", what);
    return 0;
}

struct bol_value bol_ev_actor(const struct bol_entry *e)
{
    return BOL_VAL_TEXT(e->actor);
}

/* ---- the registry ---- */

static const struct bol_event_def *find(struct bol_str type)
{
    size_t i;

    for (i = 0; i < bol_ref_nevents; i++) {
        if (bol_str_eq_cstr(type, bol_ref_events[i].type))
            return &bol_ref_events[i];
    }
    for (i = 0; i < bol_ops_nevents; i++) {
        if (bol_str_eq_cstr(type, bol_ops_events[i].type))
            return &bol_ops_events[i];
    }
    for (i = 0; i < bol_auth_nevents; i++) {
        if (bol_str_eq_cstr(type, bol_auth_events[i].type))
            return &bol_auth_events[i];
    }
    for (i = 0; i < bol_sec_nevents; i++) {
        if (bol_str_eq_cstr(type, bol_sec_events[i].type))
            return &bol_sec_events[i];
    }
    for (i = 0; i < bol_incident_nevents; i++) {
        if (bol_str_eq_cstr(type, bol_incident_events[i].type))
            return &bol_incident_events[i];
    }
    for (i = 0; i < bol_inspect_nevents; i++) {
        if (bol_str_eq_cstr(type, bol_inspect_events[i].type))
            return &bol_inspect_events[i];
    }
    for (i = 0; i < bol_slot_nevents; i++) {
        if (bol_str_eq_cstr(type, bol_slot_events[i].type))
            return &bol_slot_events[i];
    }
    for (i = 0; i < bol_order_nevents; i++) {
        if (bol_str_eq_cstr(type, bol_order_events[i].type))
            return &bol_order_events[i];
    }
    for (i = 0; i < bol_booking_nevents; i++) {
        if (bol_str_eq_cstr(type, bol_booking_events[i].type))
            return &bol_booking_events[i];
    }
    return NULL;
}

uint32_t bol_event_version(struct bol_str type)
{
    const struct bol_event_def *d = find(type);

    return d ? d->version : 0;
}

static int load_payload(struct bol_str payload, json_t **ret, struct bol_diag *diag)
{
    json_error_t err;
    json_t *j = json_loadb(payload.p, payload.len, JSON_REJECT_DUPLICATES, &err);

    if (!j || !json_is_object(j)) {
        json_decref(j);
        return bol_diag_fail(diag, BOL_E_CORRUPT, "payload", "payload is not a JSON object: %s",
                             j ? "not an object" : err.text);
    }
    *ret = j;
    return 0;
}

/* Parse a new payload and check it against the current schema; *ret owns the JSON. */
static int check_new(const struct bol_event_def **ret_def, struct bol_str type, uint32_t ver,
                     struct bol_str payload, json_t **ret, struct bol_diag *diag)
{
    const struct bol_event_def *d = find(type);
    json_t *j;
    int r;

    if (!d)
        return bol_diag_fail(diag, BOL_E_INVAL, "type", "unknown event type '%.*s'",
                             (int) BOL_MIN(type.len, 64u), type.p);
    if (ver != d->version)
        return bol_diag_fail(diag, BOL_E_INVAL, "ver", "'%s' is at version %u, not %u", d->type,
                             d->version, ver);
    r = load_payload(payload, &j, diag);
    if (r < 0)
        return BOL_E_INVAL;
    if (!bol_json_is_canonical(j, payload)) {
        json_decref(j);
        return bol_diag_fail(diag, BOL_E_INVAL, "payload",
                             "payload is not canonical JSON (sorted keys, no spaces, integers "
                             "only)");
    }
    r = d->check(j, diag);
    if (r < 0) {
        json_decref(j);
        return r;
    }
    *ret_def = d;
    *ret = j;
    return 0;
}

int bol_event_check(struct bol_str type, uint32_t ver, struct bol_str payload,
                    struct bol_diag *diag)
{
    const struct bol_event_def *d;
    json_t *j;
    int r = check_new(&d, type, ver, payload, &j, diag);

    if (r == 0)
        json_decref(j);
    return r;
}

struct bol_event_prep {
    const struct bol_event_def *def;
    json_t *json;
    uint32_t ver;
    struct bol_str type;
    struct bol_str payload;
    struct bol_buf text; /* the payload's bytes when built here */
};

int bol_event_prepare(struct bol_str type, uint32_t ver, struct bol_str payload,
                      struct bol_event_prep **ret, struct bol_diag *diag)
{
    struct bol_event_prep *p;
    const struct bol_event_def *d;
    json_t *j;
    int r = check_new(&d, type, ver, payload, &j, diag);

    if (r < 0)
        return r;
    p = bol_malloc(sizeof(*p));
    if (!p) {
        json_decref(j);
        return bol_diag_fail(diag, BOL_E_NOMEM, "event", "out of memory");
    }
    p->def = d;
    p->json = j;
    p->ver = ver;
    p->type = type;
    p->payload = payload;
    bol_buf_init(&p->text, NULL, 0);
    *ret = p;
    return 0;
}

int bol_event_prepare_built(const char *type, json_t *payload, struct bol_event_prep **ret,
                            struct bol_diag *diag)
{
    const struct bol_event_def *d = find(bol_str_from(type));
    struct bol_event_prep *p;
    int r;

    if (!payload)
        return bol_diag_fail(diag, BOL_E_NOMEM, "event", "out of memory");
    if (!d) {
        json_decref(payload);
        return bol_diag_fail(diag, BOL_E_INTERNAL, "type", "unknown event type '%.64s'", type);
    }
    r = d->check(payload, diag);
    if (r < 0) {
        json_decref(payload);
        return r;
    }
    p = bol_malloc(sizeof(*p));
    if (!p) {
        json_decref(payload);
        return bol_diag_fail(diag, BOL_E_NOMEM, "event", "out of memory");
    }
    p->def = d;
    p->json = payload;
    p->ver = d->version;
    p->type = bol_str_from(d->type);
    bol_buf_init(&p->text, NULL, BOL_ENTRY_MAX);
    r = jv_dump(payload, &p->text);
    if (r < 0) {
        bol_event_prep_free(p);
        return bol_diag_fail(diag, r, "payload", "event payload too large or out of memory");
    }
    p->payload = bol_str_make(p->text.buf, p->text.len);
    *ret = p;
    return 0;
}

struct bol_str bol_event_prep_type(const struct bol_event_prep *p)
{
    return p->type;
}

uint32_t bol_event_prep_version(const struct bol_event_prep *p)
{
    return p->ver;
}

struct bol_str bol_event_prep_payload(const struct bol_event_prep *p)
{
    return p->payload;
}

bool bol_event_prep_matches(const struct bol_event_prep *p, struct bol_str type, uint32_t ver,
                            struct bol_str payload)
{
    /* The very same payload bytes: a prepared check says nothing about a copy that may differ. */
    return p && p->ver == ver && bol_str_eq(p->type, type) && p->payload.p == payload.p &&
           p->payload.len == payload.len;
}

int bol_event_apply_prepared(const struct bol_event_prep *p, const struct bol_entry *e,
                             const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    if (!bol_event_prep_matches(p, e->type, e->ver, e->payload))
        return bol_diag_fail(diag, BOL_E_INTERNAL, "event",
                             "prepared event does not match the entry");
    return p->def->apply(e, p->json, sink, diag);
}

void bol_event_prep_free(struct bol_event_prep *p)
{
    if (!p)
        return;
    json_decref(p->json);
    bol_buf_release(&p->text);
    bol_free(p);
}

int bol_event_check_apply(const struct bol_entry *e, const struct bol_mutation_sink *sink,
                          struct bol_diag *diag)
{
    const struct bol_event_def *d;
    json_t *j;
    int r = check_new(&d, e->type, e->ver, e->payload, &j, diag);

    if (r < 0)
        return r;
    r = d->apply(e, j, sink, diag);
    json_decref(j);
    return r;
}

int bol_event_apply(const struct bol_entry *e, const struct bol_mutation_sink *sink,
                    struct bol_diag *diag)
{
    const struct bol_event_def *d = find(e->type);
    json_t *j;
    uint32_t v;
    int r;

    if (!d)
        return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "type",
                             "entry %" PRIu64 ": unknown event type '%.*s' (written by a newer "
                             "bollard?)",
                             e->seq, (int) BOL_MIN(e->type.len, 64u), e->type.p);
    if (e->ver > d->version)
        return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "ver",
                             "entry %" PRIu64 ": '%s' version %u is newer than this build's %u",
                             e->seq, d->type, e->ver, d->version);
    r = load_payload(e->payload, &j, diag);
    if (r < 0)
        return r;
    for (v = e->ver; v < d->version && r == 0; v++)
        r = d->upcasts[v - 1](j, diag);
    if (r == 0)
        r = d->apply(e, j, sink, diag);
    json_decref(j);
    if (r == BOL_E_INVAL) {
        /* A journaled payload that fails its own schema is damage, not bad input. */
        char field[BOL_DIAG_FIELD_MAX] = "payload";
        char msg[BOL_DIAG_MSG_MAX] = "invalid payload";

        if (diag) {
            memcpy(field, diag->field, sizeof(field));
            memcpy(msg, diag->msg, sizeof(msg));
        }
        return bol_diag_fail(diag, BOL_E_CORRUPT, field, "entry %" PRIu64 ": %s", e->seq, msg);
    }
    return r;
}
