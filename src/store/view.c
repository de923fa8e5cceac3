/* SPDX-License-Identifier: Apache-2.0 */
/*
 * view.c - the state core's rules read, answered from the state tables
 *
 * Every callback of struct bol_view (view.h) as one or two indexed queries
 * on the store's connection, so inside a write transaction the rules see the
 * writes of the commands before them in the same batch.
 */
#include "compat.h"

#include <jansson.h>

#include "codec.h"
#include "entry.h"
#include "errors.h"
#include "store-int.h"
#include "storeview.h"
#include "units.h"

#define OPEN_WI "('planned', 'dispatched', 'in_progress')"

static struct bol_store *S(void *ctx)
{
    return ((struct bol_store_view *) ctx)->s;
}

static struct bol_diag *D(void *ctx)
{
    return ((struct bol_store_view *) ctx)->diag;
}

/* ---- small row helpers ---- */

struct one_text {
    struct bol_buf *out;
    bool found;
};

static int take_text(void *ctx, const struct bol_db_row *row)
{
    struct one_text *t = ctx;
    struct bol_str v = bol_db_row_bytes(row, 0);

    t->found = true;
    return bol_buf_add(t->out, v.p, v.len) == 0 ? 1 : BOL_E_NOMEM;
}

/* The first column of the first row as text (NOTFOUND when no row). */
static int query_text(void *ctx, const struct bol_sql *q, const struct bol_db_val *p, unsigned n,
                      struct bol_buf *out)
{
    struct one_text t = { out, false };
    int r = bol_db_query(S(ctx)->db, q, p, n, take_text, &t, D(ctx));

    if (r < 0)
        return r;
    return t.found ? 0 : BOL_E_NOTFOUND;
}

static int load_json(void *ctx, struct bol_buf *b, json_t **ret)
{
    json_error_t err;

    *ret = json_loadb(b->buf, b->len, JSON_REJECT_DUPLICATES, &err);
    if (!*ret)
        return bol_diag_fail(D(ctx), BOL_E_CORRUPT, "state", "a stored document is damaged: %s",
                             err.text);
    return 0;
}

/* Decode a doc column with one of codec.h's readers. */
#define DOC_QUERY(fn, type, reader)                                                                \
    static int fn(void *ctx, const struct bol_sql *q, const struct bol_db_val *p, unsigned n,      \
                  type *out)                                                                       \
    {                                                                                              \
        struct bol_buf b = BOL_BUF_INIT(BOL_ENTRY_MAX);                                            \
        json_t *j = NULL;                                                                          \
        int r = query_text(ctx, q, p, n, &b);                                                      \
                                                                                                   \
        if (r == 0)                                                                                \
            r = load_json(ctx, &b, &j);                                                            \
        if (r == 0 && reader(j, out, D(ctx)) < 0)                                                  \
            r = bol_diag_fail(D(ctx), BOL_E_CORRUPT, "state", "a stored document is damaged");     \
        json_decref(j);                                                                            \
        bol_buf_release(&b);                                                                       \
        return r;                                                                                  \
    }

DOC_QUERY(doc_block, struct bol_block, bol_block_from_json)
DOC_QUERY(doc_vessel, struct bol_vessel, bol_vessel_from_json)
DOC_QUERY(doc_visit, struct bol_visit, bol_visit_from_json)

static int count(void *ctx, const struct bol_sql *q, const struct bol_db_val *p, unsigned n,
                 int64_t *ret)
{
    int r = bol_db_query_int(S(ctx)->db, q, p, n, ret, D(ctx));

    if (r == BOL_E_NOTFOUND) {
        *ret = 0;
        return 0;
    }
    return r;
}

/* ---- the callbacks ---- */

static const struct bol_sql q_terminal = { "SELECT 1 FROM terminal WHERE code = $1" };
static const struct bol_sql q_line = { "SELECT 1 FROM line WHERE code = $1" };
static const struct bol_sql q_berth = { "SELECT 1 FROM berth WHERE terminal = $1 AND code = $2" };

static int v_exists(void *ctx, enum bol_view_thing what, const char *a, const char *b)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(a), BOL_DBV_CSTR(b ? b : "") };
    static const struct bol_sql *const qs[] = { &q_terminal, &q_line, &q_berth };
    int64_t one = 0;

    return bol_db_query_int(S(ctx)->db, qs[what], p, what == BOL_THING_BERTH ? 2 : 1, &one, D(ctx));
}

static const struct bol_sql q_container = {
    "SELECT doc, place, terminal, block, bay, row, tier, visit, cell, truck, arrived_us, "
    "departed_us FROM container WHERE id = $1"
};

struct container_ctx {
    void *vctx;
    struct bol_container *out;
    bool found;
    int r;
};

static int take_container(void *ctx, const struct bol_db_row *row)
{
    struct container_ctx *cc = ctx;
    struct bol_container *c = cc->out;
    struct bol_str doc = bol_db_row_bytes(row, 0), kind = bol_db_row_bytes(row, 1);
    struct bol_place *p = &c->place;
    json_error_t err;
    json_t *j;
    unsigned k;

    cc->found = true;
    j = json_loadb(doc.p, doc.len, JSON_REJECT_DUPLICATES, &err);
    if (!j || bol_container_from_json(j, c, D(cc->vctx)) < 0) {
        json_decref(j);
        cc->r = bol_diag_fail(D(cc->vctx), BOL_E_CORRUPT, "state",
                              "the stored data of a container is damaged");
        return 1;
    }
    json_decref(j);
    memset(p, 0, sizeof(*p));
    for (k = 0; bol_place_kind_names[k]; k++) {
        if (bol_str_eq_cstr(kind, bol_place_kind_names[k]))
            p->kind = (enum bol_place_kind) k;
    }
    (void) !bol_str_copy(bol_db_row_bytes(row, 2), p->terminal, sizeof(p->terminal));
    switch (p->kind) {
    case BOL_PLACE_YARD:
        memcpy(p->yard.terminal, p->terminal, sizeof(p->yard.terminal));
        (void) !bol_str_copy(bol_db_row_bytes(row, 3), p->yard.block, sizeof(p->yard.block));
        p->yard.bay = (uint16_t) bol_db_row_int(row, 4);
        p->yard.row = (uint8_t) bol_db_row_int(row, 5);
        p->yard.tier = (uint8_t) bol_db_row_int(row, 6);
        p->yard.level = BOL_YARD_SLOT;
        break;
    case BOL_PLACE_VESSEL:
        p->cell.bay = (uint16_t) bol_db_row_int(row, 4);
        p->cell.row = (uint8_t) bol_db_row_int(row, 5);
        p->cell.tier = (uint8_t) bol_db_row_int(row, 6);
        /* fall through */
    case BOL_PLACE_QUAY:
        (void) !bol_str_copy(bol_db_row_bytes(row, 7), p->visit, sizeof(p->visit));
        break;
    case BOL_PLACE_TRUCK:
        p->truck = (uint64_t) bol_db_row_int(row, 9);
        break;
    default:
        break;
    }
    c->arrived_us = bol_db_row_int(row, 10);
    c->departed_us = bol_db_row_int(row, 11);
    return 1;
}

static int v_container(void *ctx, const char *id, struct bol_container *out)
{
    struct container_ctx cc = { ctx, out, false, 0 };
    struct bol_db_val p[1] = { BOL_DBV_CSTR(id) };
    int r = bol_db_query(S(ctx)->db, &q_container, p, 1, take_container, &cc, D(ctx));

    if (r < 0)
        return r;
    if (cc.r < 0)
        return cc.r;
    return cc.found ? 0 : BOL_E_NOTFOUND;
}

static const struct bol_sql q_block = { "SELECT doc FROM block WHERE terminal = $1 AND code = $2" };

static int v_block(void *ctx, const char *terminal, const char *code, struct bol_block *out)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(terminal), BOL_DBV_CSTR(code) };

    return doc_block(ctx, &q_block, p, 2, out);
}

struct stack_ctx {
    struct bol_view_box *out;
    unsigned max, n;
};

static int take_box(void *ctx, const struct bol_db_row *row)
{
    struct stack_ctx *sc = ctx;
    struct bol_view_box *b;

    if (sc->n == sc->max)
        return BOL_E_TOOBIG;
    b = &sc->out[sc->n++];
    memset(b, 0, sizeof(*b));
    (void) !bol_str_copy(bol_db_row_bytes(row, 0), b->id.s, sizeof(b->id.s));
    b->tier = (uint8_t) bol_db_row_int(row, 1);
    b->length = (unsigned) bol_db_row_int(row, 2);
    b->mass_kg = (uint32_t) bol_db_row_int(row, 3);
    return 0;
}

static const struct bol_sql q_yard_stack = {
    "SELECT s.container, s.tier, s.length, c.mass_kg FROM yard_slot s JOIN container c ON c.id = "
    "s.container WHERE s.terminal = $1 AND s.block = $2 AND s.bay20 = $3 AND s.row = $4 ORDER BY "
    "s.tier"
};

static int v_yard_stack(void *ctx, const char *terminal, const char *block, uint16_t bay20,
                        uint8_t row, struct bol_view_box *out, unsigned max, unsigned *n)
{
    struct bol_db_val p[4] = { BOL_DBV_CSTR(terminal), BOL_DBV_CSTR(block), BOL_DBV_INT(bay20),
                               BOL_DBV_INT(row) };
    struct stack_ctx sc = { out, max, 0 };
    int r = bol_db_query(S(ctx)->db, &q_yard_stack, p, 4, take_box, &sc, D(ctx));

    *n = sc.n;
    return r;
}

struct dg_ctx {
    struct bol_view_dg *out;
    unsigned max, n;
};

static int take_dg(void *ctx, const struct bol_db_row *row)
{
    struct dg_ctx *dc = ctx;
    struct bol_view_dg *d;
    struct bol_str classes = bol_db_row_bytes(row, 4), one;

    if (dc->n == dc->max)
        return BOL_E_TOOBIG;
    d = &dc->out[dc->n++];
    memset(d, 0, sizeof(*d));
    (void) !bol_str_copy(bol_db_row_bytes(row, 0), d->id.s, sizeof(d->id.s));
    d->bay20 = (uint16_t) bol_db_row_int(row, 1);
    d->row = (uint8_t) bol_db_row_int(row, 2);
    d->tier = (uint8_t) bol_db_row_int(row, 3);
    while (d->ncls < BOL_DG_MAX && bol_str_next_token(&classes, ',', &one)) {
        if (bol_imdg_class_parse(one, &d->cls[d->ncls], NULL) == 0)
            d->ncls++;
    }
    return 0;
}

static const struct bol_sql q_yard_dg = {
    "SELECT s.container, s.bay20, s.row, s.tier, c.dg FROM yard_slot s JOIN container c ON c.id = "
    "s.container WHERE s.terminal = $1 AND s.block = $2 AND c.dg IS NOT NULL"
};

static int v_yard_dg(void *ctx, const char *terminal, const char *block, struct bol_view_dg *out,
                     unsigned max, unsigned *n)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(terminal), BOL_DBV_CSTR(block) };
    struct dg_ctx dc = { out, max, 0 };
    int r = bol_db_query(S(ctx)->db, &q_yard_dg, p, 2, take_dg, &dc, D(ctx));

    *n = dc.n;
    if (r == BOL_E_TOOBIG)
        return bol_diag_fail(D(ctx), BOL_E_TOOBIG, "to",
                             "block %s holds more than %u dangerous-goods boxes", block, max);
    return r;
}

static const struct bol_sql q_equipment = {
    "SELECT kind, status FROM equipment WHERE terminal = $1 AND id = $2"
};

struct equip_ctx {
    struct bol_equipment *out;
    bool found;
};

static unsigned name_index(struct bol_str s, const char *const *names)
{
    unsigned i;

    for (i = 0; names[i]; i++) {
        if (bol_str_eq_cstr(s, names[i]))
            return i;
    }
    return 0;
}

static int take_equipment(void *ctx, const struct bol_db_row *row)
{
    struct equip_ctx *ec = ctx;

    ec->found = true;
    ec->out->kind =
        (enum bol_equip_kind) name_index(bol_db_row_bytes(row, 0), bol_equip_kind_names);
    ec->out->status =
        (enum bol_equip_status) name_index(bol_db_row_bytes(row, 1), bol_equip_status_names);
    return 1;
}

static int v_equipment(void *ctx, const char *terminal, const char *id, struct bol_equipment *out)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(terminal), BOL_DBV_CSTR(id) };
    struct equip_ctx ec = { out, false };
    int r;

    memset(out, 0, sizeof(*out));
    snprintf(out->terminal, sizeof(out->terminal), "%s", terminal);
    snprintf(out->id, sizeof(out->id), "%s", id);
    r = bol_db_query(S(ctx)->db, &q_equipment, p, 2, take_equipment, &ec, D(ctx));
    if (r < 0)
        return r;
    return ec.found ? 0 : BOL_E_NOTFOUND;
}

static const struct bol_sql q_vessel = { "SELECT doc FROM vessel WHERE imo = $1" };
static const struct bol_sql q_visit = { "SELECT doc FROM visit WHERE id = $1" };

static int v_vessel(void *ctx, const char *imo, struct bol_vessel *out)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(imo) };

    return doc_vessel(ctx, &q_vessel, p, 1, out);
}

static int v_visit(void *ctx, const char *id, struct bol_visit *out)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(id) };

    return doc_visit(ctx, &q_visit, p, 1, out);
}

static const struct bol_sql q_vessel_stack = {
    "SELECT s.container, s.tier, s.length, c.mass_kg FROM vessel_slot s JOIN container c ON c.id "
    "= s.container WHERE s.visit = $1 AND s.bay20 = $2 AND s.row = $3 AND s.tier >= $4 AND s.tier "
    "< $5 ORDER BY s.tier"
};

static int v_vessel_stack(void *ctx, const char *visit, uint16_t bay20, uint8_t row, bool deck,
                          uint8_t deck_tier_min, struct bol_view_box *out, unsigned max,
                          unsigned *n)
{
    struct bol_db_val p[5] = { BOL_DBV_CSTR(visit), BOL_DBV_INT(bay20), BOL_DBV_INT(row),
                               BOL_DBV_INT(deck ? deck_tier_min : 0),
                               BOL_DBV_INT(deck ? 1000 : deck_tier_min) };
    struct stack_ctx sc = { out, max, 0 };
    int r = bol_db_query(S(ctx)->db, &q_vessel_stack, p, 5, take_box, &sc, D(ctx));

    *n = sc.n;
    return r;
}

static const struct bol_sql q_holds = {
    "SELECT kind FROM hold WHERE container = $1 AND lifted_seq IS NULL"
};

static int take_hold(void *ctx, const struct bol_db_row *row)
{
    unsigned *mask = ctx;

    *mask |= 1u << name_index(bol_db_row_bytes(row, 0), bol_hold_kind_names);
    return 0;
}

static int v_holds(void *ctx, const char *id, unsigned *mask)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(id) };

    *mask = 0;
    return bol_db_query(S(ctx)->db, &q_holds, p, 1, take_hold, mask, D(ctx));
}

static const struct bol_sql q_active_hold = {
    "SELECT placed_seq FROM hold WHERE container = $1 AND kind = $2 AND lifted_seq IS NULL"
};

static int v_active_hold(void *ctx, const char *id, enum bol_hold_kind kind, uint64_t *seq)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(id), BOL_DBV_CSTR(bol_hold_kind_names[kind]) };
    int64_t v = 0;
    int r = bol_db_query_int(S(ctx)->db, &q_active_hold, p, 2, &v, D(ctx));

    *seq = (uint64_t) v;
    return r;
}

static const struct bol_sql q_released = {
    "SELECT granted_seq FROM delivery_release WHERE container = $1"
};

static int v_released(void *ctx, const char *id, bool *out)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(id) };
    int64_t v = 0;
    int r = bol_db_query_int(S(ctx)->db, &q_released, p, 1, &v, D(ctx));

    *out = r == 0;
    return r == BOL_E_NOTFOUND ? 0 : r;
}

static const struct bol_sql q_wi = {
    "SELECT terminal, kind, container, dest_doc, status, equipment, queue_seq, priority FROM wi "
    "WHERE id = $1"
};

struct wi_ctx {
    void *vctx;
    struct bol_wi *out;
    bool found;
    int r;
};

static int take_wi(void *ctx, const struct bol_db_row *row)
{
    struct wi_ctx *wc = ctx;
    struct bol_wi *w = wc->out;
    struct bol_str dest = bol_db_row_bytes(row, 3);
    json_error_t err;
    json_t *j;

    wc->found = true;
    (void) !bol_str_copy(bol_db_row_bytes(row, 0), w->terminal, sizeof(w->terminal));
    w->kind = (enum bol_wi_kind) name_index(bol_db_row_bytes(row, 1), bol_wi_kind_names);
    (void) !bol_str_copy(bol_db_row_bytes(row, 2), w->container.s, sizeof(w->container.s));
    w->status = (enum bol_wi_status) name_index(bol_db_row_bytes(row, 4), bol_wi_status_names);
    (void) !bol_str_copy(bol_db_row_bytes(row, 5), w->equipment, sizeof(w->equipment));
    w->queue_seq = bol_db_row_int(row, 6);
    w->priority = bol_db_row_int(row, 7);
    j = json_loadb(dest.p, dest.len, JSON_REJECT_DUPLICATES, &err);
    if (!j || bol_place_from_json(j, "to", &w->to, D(wc->vctx)) < 0)
        wc->r = bol_diag_fail(D(wc->vctx), BOL_E_CORRUPT, "state",
                              "the stored destination of a work instruction is damaged");
    json_decref(j);
    return 1;
}

static int v_wi(void *ctx, uint64_t id, struct bol_wi *out)
{
    struct bol_db_val p[1] = { BOL_DBV_INT(id) };
    struct wi_ctx wc = { ctx, out, false, 0 };
    int r;

    memset(out, 0, sizeof(*out));
    out->id = id;
    r = bol_db_query(S(ctx)->db, &q_wi, p, 1, take_wi, &wc, D(ctx));
    if (r < 0)
        return r;
    if (wc.r < 0)
        return wc.r;
    return wc.found ? 0 : BOL_E_NOTFOUND;
}

static const struct bol_sql q_open_wi = {
    "SELECT id FROM wi WHERE container = $1 AND status IN " OPEN_WI " ORDER BY id LIMIT 1"
};

static int v_open_wi(void *ctx, const char *container, uint64_t *ret)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(container) };
    int64_t v = 0;
    int r = bol_db_query_int(S(ctx)->db, &q_open_wi, p, 1, &v, D(ctx));

    *ret = (uint64_t) v;
    return r;
}

static const struct bol_sql q_truck = {
    "SELECT terminal, departed_us FROM truck_visit WHERE id = $1"
};

struct truck_ctx {
    struct bol_truck_visit *out;
    bool found;
};

static int take_truck(void *ctx, const struct bol_db_row *row)
{
    struct truck_ctx *tc = ctx;

    tc->found = true;
    (void) !bol_str_copy(bol_db_row_bytes(row, 0), tc->out->terminal, sizeof(tc->out->terminal));
    tc->out->departed = !bol_db_row_is_null(row, 1);
    return 1;
}

static int v_truck(void *ctx, uint64_t id, struct bol_truck_visit *out)
{
    struct bol_db_val p[1] = { BOL_DBV_INT(id) };
    struct truck_ctx tc = { out, false };
    int r;

    memset(out, 0, sizeof(*out));
    out->id = id;
    r = bol_db_query(S(ctx)->db, &q_truck, p, 1, take_truck, &tc, D(ctx));
    if (r < 0)
        return r;
    return tc.found ? 0 : BOL_E_NOTFOUND;
}

static const struct bol_sql q_on_truck = {
    "SELECT id FROM container WHERE place = 'truck' AND truck = $1 ORDER BY id"
};

struct ids_ctx {
    struct bol_container_id *out;
    unsigned max, n;
};

static int take_id(void *ctx, const struct bol_db_row *row)
{
    struct ids_ctx *ic = ctx;

    if (ic->n == ic->max)
        return BOL_E_TOOBIG;
    (void) !bol_str_copy(bol_db_row_bytes(row, 0), ic->out[ic->n].s, sizeof(ic->out[ic->n].s));
    ic->n++;
    return 0;
}

static int v_on_truck(void *ctx, uint64_t truck, struct bol_container_id *out, unsigned max,
                      unsigned *n)
{
    struct bol_db_val p[1] = { BOL_DBV_INT(truck) };
    struct ids_ctx ic = { out, max, 0 };
    int r = bol_db_query(S(ctx)->db, &q_on_truck, p, 1, take_id, &ic, D(ctx));

    *n = ic.n;
    return r;
}

static int v_seal(void *ctx, struct bol_str person, struct bol_str field, struct bol_str plaintext,
                  struct bol_buf *out)
{
    return bol_store_pii_seal(S(ctx), person, field, plaintext, out, D(ctx));
}

static int v_erase(void *ctx, struct bol_str person)
{
    struct bol_diag scratch;
    int r;

    bol_diag_init(&scratch);
    r = bol_store_pii_erase(S(ctx), person, &scratch);
    if (r < 0 && r != BOL_E_NOTFOUND && D(ctx))
        *D(ctx) = scratch;
    return r;
}

static const struct bol_sql q_dest_wis = {
    "SELECT id, container, kind, dest_bay FROM wi WHERE dest_area = $1 AND dest_row = $2 AND "
    "dest_tier = $3 AND dest_bay >= $4 AND dest_bay <= $5 AND terminal = $6 AND status "
    "IN " OPEN_WI
};

struct refs_ctx {
    struct bol_view_wi_ref *out;
    unsigned max, n;
};

static int take_ref(void *ctx, const struct bol_db_row *row)
{
    struct refs_ctx *rc = ctx;
    struct bol_view_wi_ref *w;

    if (rc->n == rc->max)
        return 1;
    w = &rc->out[rc->n++];
    w->id = (uint64_t) bol_db_row_int(row, 0);
    (void) !bol_str_copy(bol_db_row_bytes(row, 1), w->container.s, sizeof(w->container.s));
    w->kind = (enum bol_wi_kind) name_index(bol_db_row_bytes(row, 2), bol_wi_kind_names);
    w->bay = (uint16_t) bol_db_row_int(row, 3);
    return 0;
}

static int v_dest_wis(void *ctx, const char *terminal, const char *area, uint16_t bay_lo,
                      uint16_t bay_hi, uint8_t row, uint8_t tier, struct bol_view_wi_ref *out,
                      unsigned max, unsigned *n)
{
    struct bol_db_val p[6] = { BOL_DBV_CSTR(area),  BOL_DBV_INT(row),    BOL_DBV_INT(tier),
                               BOL_DBV_INT(bay_lo), BOL_DBV_INT(bay_hi), BOL_DBV_CSTR(terminal) };
    struct refs_ctx rc = { out, max, 0 };
    int r = bol_db_query(S(ctx)->db, &q_dest_wis, p, 6, take_ref, &rc, D(ctx));

    *n = rc.n;
    return r == 1 ? 0 : r;
}

static const struct bol_sql q_block_extent = {
    "SELECT count(*), coalesce(max(bay20), 0), coalesce(max(row), 0), coalesce(max(tier), 0) "
    "FROM yard_slot WHERE terminal = $1 AND block = $2"
};

struct extent_ctx {
    unsigned *boxes;
    uint16_t *bay;
    uint8_t *row, *tier;
};

static int take_extent(void *ctx, const struct bol_db_row *row)
{
    struct extent_ctx *ec = ctx;

    *ec->boxes = (unsigned) bol_db_row_int(row, 0);
    *ec->bay = (uint16_t) bol_db_row_int(row, 1);
    *ec->row = (uint8_t) bol_db_row_int(row, 2);
    *ec->tier = (uint8_t) bol_db_row_int(row, 3);
    return 1;
}

static int v_block_extent(void *ctx, const char *terminal, const char *block, unsigned *boxes,
                          uint16_t *bay20_max, uint8_t *row_max, uint8_t *tier_max)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(terminal), BOL_DBV_CSTR(block) };
    struct extent_ctx ec = { boxes, bay20_max, row_max, tier_max };
    int r;

    *boxes = 0;
    *bay20_max = 0;
    *row_max = *tier_max = 0;
    r = bol_db_query(S(ctx)->db, &q_block_extent, p, 2, take_extent, &ec, D(ctx));
    return r == 1 ? 0 : r;
}

static const struct bol_sql q_visit_wis = {
    "SELECT count(*) FROM wi WHERE visit = $1 AND status IN " OPEN_WI
};
static const struct bol_sql q_visit_quay = {
    "SELECT count(*) FROM container WHERE place = 'quay' AND visit = $1"
};

static int v_visit_busy(void *ctx, const char *visit, unsigned *open_wis, unsigned *on_quay)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(visit) };
    int64_t a = 0, b = 0;
    int r = count(ctx, &q_visit_wis, p, 1, &a);

    if (r == 0)
        r = count(ctx, &q_visit_quay, p, 1, &b);
    *open_wis = (unsigned) a;
    *on_quay = (unsigned) b;
    return r;
}

static const struct bol_sql q_truck_ref = {
    "SELECT id FROM truck_visit WHERE ref = $1 AND departed_us IS NULL ORDER BY id DESC LIMIT 1"
};
static const struct bol_sql q_wi_ref = { "SELECT id FROM wi WHERE ref = $1 AND status IN " OPEN_WI
                                         " ORDER BY id DESC LIMIT 1" };

static int v_truck_ref(void *ctx, const char *ref, uint64_t *id)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(ref) };
    int64_t v = 0;
    int r = bol_db_query_int(S(ctx)->db, &q_truck_ref, p, 1, &v, D(ctx));

    *id = (uint64_t) v;
    return r;
}

static int v_wi_ref(void *ctx, const char *ref, uint64_t *id)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(ref) };
    int64_t v = 0;
    int r = bol_db_query_int(S(ctx)->db, &q_wi_ref, p, 1, &v, D(ctx));

    *id = (uint64_t) v;
    return r;
}

static const struct bol_sql q_docs[] = {
    [BOL_DOC_ACCOUNT] = { "SELECT doc FROM account WHERE user_name = $1" },
    [BOL_DOC_APIKEY] = { "SELECT doc FROM apikey WHERE id = $1" },
    [BOL_DOC_GRANT] = { "SELECT doc FROM access_grant WHERE id = $1" },
    [BOL_DOC_APPROVAL] = { "SELECT doc FROM approval WHERE id = $1" },
    [BOL_DOC_ALERT] = { "SELECT doc FROM alert WHERE id = $1" },
    [BOL_DOC_CANARY] = { "SELECT doc FROM canary WHERE id = $1" },
    [BOL_DOC_INCIDENT] = { "SELECT doc FROM incident WHERE id = $1" },
    [BOL_DOC_BOOKING_RELEASE] = { "SELECT doc FROM booking_release WHERE ref = $1" },
    [BOL_DOC_VGM_PENDING] = { "SELECT doc FROM vgm_pending WHERE id = $1" },
};

static int v_doc(void *ctx, enum bol_view_doc what, const char *key, struct bol_buf *out)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(key) };

    if ((unsigned) what >= BOL_ARRAY_SIZE(q_docs))
        return BOL_E_INVAL;
    return query_text(ctx, &q_docs[what], p, 1, out);
}

/* ---- slot marks (slot_mark.h) ---- */

struct mark_ctx {
    struct bol_slot_mark *out;
    unsigned max, n;
};

static int take_mark(void *ctx, const struct bol_db_row *row)
{
    struct mark_ctx *mc = ctx;
    struct bol_slot_mark *m;
    struct bol_str kind = bol_db_row_bytes(row, 1);

    if (mc->n == mc->max)
        return BOL_E_TOOBIG;
    m = &mc->out[mc->n++];
    memset(m, 0, sizeof(*m));
    if (bol_cell_parse(bol_db_row_bytes(row, 0), &m->cell, NULL) < 0)
        return BOL_E_CORRUPT;
    m->kind = bol_str_eq_cstr(kind, "blocked") ? BOL_SLOT_BLOCKED : BOL_SLOT_RESERVED;
    (void) !bol_str_copy(bol_db_row_bytes(row, 2), m->reason, sizeof(m->reason));
    (void) !bol_str_copy(bol_db_row_bytes(row, 3), m->ref, sizeof(m->ref));
    return 0;
}

static const struct bol_sql q_slot_marks = {
    "SELECT cell, kind, reason, ref FROM vessel_slot_mark WHERE visit = $1 ORDER BY cell"
};
static const struct bol_sql q_slot_mark = {
    "SELECT cell, kind, reason, ref FROM vessel_slot_mark WHERE visit = $1 AND cell = $2"
};

static int v_slot_marks(void *ctx, const char *visit, const struct bol_cell *cell,
                        struct bol_slot_mark *out, unsigned max, unsigned *n)
{
    char text[BOL_CELL_TEXT_MAX] = "";
    struct bol_db_val p[2] = { BOL_DBV_CSTR(visit), BOL_DBV_NULL };
    struct mark_ctx mc = { out, max, 0 };
    int r;

    if (cell) {
        bol_cell_format(cell, text);
        p[1] = BOL_DBV_CSTR(text);
    }
    r = bol_db_query(S(ctx)->db, cell ? &q_slot_mark : &q_slot_marks, p, cell ? 2 : 1, take_mark,
                     &mc, D(ctx));
    *n = mc.n;
    return r;
}

static const struct bol_sql q_order_lines = {
    "SELECT count(*) FROM visit_order WHERE visit = $1 AND kind = $2 AND sender = $3"
};
static const struct bol_sql q_stowage_rules = {
    "SELECT count(*) FROM stowage_rule WHERE visit = $1"
};

static int v_order_lines(void *ctx, const char *visit, const char *kind, const char *sender,
                         unsigned *n)
{
    struct bol_db_val p[3] = { BOL_DBV_CSTR(visit), BOL_DBV_CSTR(kind), BOL_DBV_CSTR(sender) };
    int64_t v = 0;
    int r = count(ctx, &q_order_lines, p, 3, &v);

    *n = (unsigned) v;
    return r;
}

static int v_stowage_rules(void *ctx, const char *visit, unsigned *n)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(visit) };
    int64_t v = 0;
    int r = count(ctx, &q_stowage_rules, p, 1, &v);

    *n = (unsigned) v;
    return r;
}

void bol_store_view_init(struct bol_store_view *sv, struct bol_store *s, struct bol_diag *diag)
{
    memset(sv, 0, sizeof(*sv));
    sv->s = s;
    sv->diag = diag;
    sv->view = (struct bol_view){
        .ctx = sv,
        .exists = v_exists,
        .container = v_container,
        .block = v_block,
        .yard_stack = v_yard_stack,
        .yard_dg = v_yard_dg,
        .equipment = v_equipment,
        .vessel = v_vessel,
        .visit = v_visit,
        .vessel_stack = v_vessel_stack,
        .holds = v_holds,
        .released = v_released,
        .wi = v_wi,
        .open_wi = v_open_wi,
        .truck = v_truck,
        .on_truck = v_on_truck,
        .seal = v_seal,
        .erase = v_erase,
        .active_hold = v_active_hold,
        .dest_wis = v_dest_wis,
        .block_extent = v_block_extent,
        .visit_busy = v_visit_busy,
        .truck_ref = v_truck_ref,
        .wi_ref = v_wi_ref,
        .doc = v_doc,
        .slot_marks = v_slot_marks,
        .order_lines = v_order_lines,
        .stowage_rules = v_stowage_rules,
    };
}
