/* SPDX-License-Identifier: Apache-2.0 */
/*
 * query.c - read models over the state tables, answered as JSON
 *
 * Most answers are lists of rows; each list is one SQL statement and a table
 * of column specs saying what JSON each column becomes (rows_json).
 */
#include "compat.h"

#include "codec.h"
#include "errors.h"
#include "query.h"
#include "store-int.h"
#include "utctime.h"

#define OPEN_WI "('planned', 'dispatched', 'in_progress')"

enum col_kind {
    K_TEXT,
    K_INT,
    K_BOOL,
    K_TIME, /* microseconds -> ISO 8601 text */
    K_JSON, /* a stored document */
};

struct col_spec {
    const char *name; /* NULL: skip the column */
    enum col_kind kind;
};

struct rows_ctx {
    const struct col_spec *cols;
    unsigned ncols;
    json_t *array;
    int r;
};

static json_t *value_json(const struct bol_db_row *row, unsigned c, enum col_kind kind)
{
    struct bol_str b;
    char t[BOL_TIME_TEXT_MAX];

    switch (kind) {
    case K_INT:
        return json_integer((json_int_t) bol_db_row_int(row, c));
    case K_BOOL:
        return json_boolean(bol_db_row_int(row, c) != 0);
    case K_TIME:
        return bol_time_format(bol_db_row_int(row, c), 0, 0, t) ? json_string(t) : json_null();
    case K_JSON:
        b = bol_db_row_bytes(row, c);
        return json_loadb(b.p, b.len, 0, NULL);
    default:
        b = bol_db_row_bytes(row, c);
        return json_stringn(b.p, b.len);
    }
}

static int take_row(void *ctx, const struct bol_db_row *row)
{
    struct rows_ctx *rc = ctx;
    json_t *o = json_object();
    unsigned c;

    if (!o)
        return BOL_E_NOMEM;
    for (c = 0; c < rc->ncols; c++) {
        json_t *v;

        if (!rc->cols[c].name || bol_db_row_is_null(row, c))
            continue;
        v = value_json(row, c, rc->cols[c].kind);
        if (!v || json_object_set_new(o, rc->cols[c].name, v) != 0) {
            json_decref(o);
            return BOL_E_NOMEM;
        }
    }
    return json_array_append_new(rc->array, o) == 0 ? 0 : BOL_E_NOMEM;
}

/* Append one object per result row to array. */
static int rows_json(struct bol_store *s, const struct bol_sql *q, const struct bol_db_val *p,
                     unsigned np, const struct col_spec *cols, unsigned ncols, json_t *array,
                     struct bol_diag *diag)
{
    struct rows_ctx rc = { cols, ncols, array, 0 };
    int r = bol_db_query(s->db, q, p, np, take_row, &rc, diag);

    if (r == BOL_E_NOMEM)
        return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    return r;
}

/* A new array filled by rows_json, set as o[key]. */
static int rows_into(struct bol_store *s, json_t *o, const char *key, const struct bol_sql *q,
                     const struct bol_db_val *p, unsigned np, const struct col_spec *cols,
                     unsigned ncols, struct bol_diag *diag)
{
    json_t *a = json_array();
    int r;

    if (!a || json_object_set_new(o, key, a) != 0)
        return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    r = rows_json(s, q, p, np, cols, ncols, a, diag);
    return r;
}

static int nomem(json_t *o, struct bol_diag *diag)
{
    json_decref(o);
    return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
}

/* Where a box is, as text and parts: from the place columns of container. */
#define PLACE_COLS  "c.place, c.terminal, c.block, c.bay, c.row, c.tier, c.visit, c.cell, c.truck"
#define PLACE_NCOLS 9

static json_t *place_json(const struct bol_db_row *row, unsigned c0)
{
    struct bol_str kind = bol_db_row_bytes(row, c0);
    char text[BOL_PLACE_TEXT_MAX];
    struct bol_place p;
    unsigned k;

    memset(&p, 0, sizeof(p));
    for (k = 0; bol_place_kind_names[k]; k++) {
        if (bol_str_eq_cstr(kind, bol_place_kind_names[k]))
            p.kind = (enum bol_place_kind) k;
    }
    switch (p.kind) {
    case BOL_PLACE_YARD:
        (void) !bol_str_copy(bol_db_row_bytes(row, c0 + 1), p.yard.terminal,
                             sizeof(p.yard.terminal));
        (void) !bol_str_copy(bol_db_row_bytes(row, c0 + 2), p.yard.block, sizeof(p.yard.block));
        p.yard.bay = (uint16_t) bol_db_row_int(row, c0 + 3);
        p.yard.row = (uint8_t) bol_db_row_int(row, c0 + 4);
        p.yard.tier = (uint8_t) bol_db_row_int(row, c0 + 5);
        p.yard.level = BOL_YARD_SLOT;
        break;
    case BOL_PLACE_VESSEL:
        p.cell.bay = (uint16_t) bol_db_row_int(row, c0 + 3);
        p.cell.row = (uint8_t) bol_db_row_int(row, c0 + 4);
        p.cell.tier = (uint8_t) bol_db_row_int(row, c0 + 5);
        /* fall through */
    case BOL_PLACE_QUAY:
        (void) !bol_str_copy(bol_db_row_bytes(row, c0 + 6), p.visit, sizeof(p.visit));
        break;
    case BOL_PLACE_TRUCK:
        p.truck = (uint64_t) bol_db_row_int(row, c0 + 8);
        break;
    default:
        break;
    }
    bol_place_format(&p, text);
    return json_string(text);
}

/* ---- one container ---- */

static const struct bol_sql q_container = {
    "SELECT c.doc, " PLACE_COLS ", c.arrived_us, c.departed_us, c.registered_seq, c.updated_seq "
    "FROM container c WHERE c.id = $1"
};

struct container_ctx {
    json_t *o;
    int64_t now;
    bool found;
    int r;
};

static int take_container(void *ctx, const struct bol_db_row *row)
{
    struct container_ctx *cc = ctx;
    struct bol_str doc = bol_db_row_bytes(row, 0);
    const unsigned a = 1 + PLACE_NCOLS;
    char t[BOL_TIME_TEXT_MAX];
    json_t *d = json_loadb(doc.p, doc.len, 0, NULL);
    int r = 0;

    cc->found = true;
    if (!d || json_object_set_new(cc->o, "container", d) != 0 ||
        json_object_set_new(cc->o, "place", place_json(row, 1)) != 0)
        r = BOL_E_NOMEM;
    /* The terminal it is in or at (on a vessel at its berth, on a truck at its gate). */
    if (r == 0 && !bol_db_row_is_null(row, 2)) {
        struct bol_str tc = bol_db_row_bytes(row, 2);

        if (json_object_set_new(cc->o, "terminal", json_stringn(tc.p, tc.len)) != 0)
            r = BOL_E_NOMEM;
    }
    if (r == 0 && !bol_db_row_is_null(row, a)) {
        int64_t arrived = bol_db_row_int(row, a);
        int64_t until = bol_db_row_is_null(row, a + 1) ? cc->now : bol_db_row_int(row, a + 1);

        if (json_object_set_new(cc->o, "arrived", json_string(bol_time_format(arrived, 0, 0, t))) ||
            json_object_set_new(cc->o, "dwell_hours",
                                json_integer((json_int_t) ((until - arrived) / 3600000000LL))))
            r = BOL_E_NOMEM;
    }
    if (r == 0 && !bol_db_row_is_null(row, a + 1) &&
        json_object_set_new(cc->o, "departed",
                            json_string(bol_time_format(bol_db_row_int(row, a + 1), 0, 0, t))))
        r = BOL_E_NOMEM;
    if (r == 0 &&
        (json_object_set_new(cc->o, "registered_seq", json_integer(bol_db_row_int(row, a + 2))) ||
         json_object_set_new(cc->o, "updated_seq", json_integer(bol_db_row_int(row, a + 3)))))
        r = BOL_E_NOMEM;
    cc->r = r;
    return 1;
}

static const struct bol_sql q_container_holds = {
    "SELECT kind, reason, ref, placed_seq, placed_by, placed_us, lifted_seq, lifted_by, "
    "lifted_us, lift_reason, lifted_seq IS NULL FROM hold WHERE container = $1 ORDER BY "
    "placed_seq"
};
static const struct col_spec hold_cols[] = {
    { "kind", K_TEXT },        { "reason", K_TEXT },    { "ref", K_TEXT },
    { "placed_seq", K_INT },   { "placed_by", K_TEXT }, { "placed_at", K_TIME },
    { "lifted_seq", K_INT },   { "lifted_by", K_TEXT }, { "lifted_at", K_TIME },
    { "lift_reason", K_TEXT }, { "active", K_BOOL },
};

static const struct bol_sql q_container_release = {
    "SELECT ref, granted_seq, granted_by, granted_us FROM delivery_release WHERE container = $1"
};
static const struct col_spec release_cols[] = {
    { "ref", K_TEXT },
    { "granted_seq", K_INT },
    { "granted_by", K_TEXT },
    { "granted_at", K_TIME },
};

static const struct bol_sql q_container_wis = {
    "SELECT id, kind, status, dest, equipment, priority, queue_seq, planned_us, reason FROM wi "
    "WHERE container = $1 ORDER BY id"
};
static const struct col_spec wi_cols[] = {
    { "wi", K_INT },        { "kind", K_TEXT },       { "status", K_TEXT },
    { "to", K_TEXT },       { "equipment", K_TEXT },  { "priority", K_INT },
    { "queue_seq", K_INT }, { "planned_at", K_TIME }, { "reason", K_TEXT },
};

static const struct bol_sql q_history = {
    "SELECT seq, at_us, type, actor, from_place, to_place, note FROM history WHERE container = $1 "
    "ORDER BY seq"
};
static const struct col_spec history_cols[] = {
    { "seq", K_INT },   { "at", K_TIME }, { "type", K_TEXT }, { "actor", K_TEXT },
    { "from", K_TEXT }, { "to", K_TEXT }, { "note", K_TEXT },
};

int bol_query_container(struct bol_store *s, const char *id, int64_t now_us, json_t **ret,
                        struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(id) };
    struct container_ctx cc = { json_object(), now_us, false, 0 };
    json_t *rel = json_array();
    int r;

    if (!cc.o || !rel) {
        json_decref(rel);
        return nomem(cc.o, diag);
    }
    r = bol_db_query(s->db, &q_container, p, 1, take_container, &cc, diag);
    if (r >= 0 && cc.r < 0)
        r = bol_diag_fail(diag, cc.r, "query", "out of memory");
    if (r >= 0 && !cc.found)
        r = bol_diag_fail(diag, BOL_E_NOTFOUND, "id", "no container %s", id);
    if (r >= 0)
        r = rows_into(s, cc.o, "holds", &q_container_holds, p, 1, hold_cols,
                      BOL_ARRAY_SIZE(hold_cols), diag);
    if (r >= 0)
        r = rows_json(s, &q_container_release, p, 1, release_cols, BOL_ARRAY_SIZE(release_cols),
                      rel, diag);
    if (r >= 0 && json_array_size(rel) &&
        json_object_set(cc.o, "release", json_array_get(rel, 0)) != 0)
        r = BOL_E_NOMEM;
    if (r >= 0)
        r = rows_into(s, cc.o, "work", &q_container_wis, p, 1, wi_cols, BOL_ARRAY_SIZE(wi_cols),
                      diag);
    if (r >= 0)
        r = rows_into(s, cc.o, "history", &q_history, p, 1, history_cols,
                      BOL_ARRAY_SIZE(history_cols), diag);
    json_decref(rel);
    if (r < 0) {
        json_decref(cc.o);
        return r;
    }
    *ret = cc.o;
    return 0;
}

/* ---- a yard block as stacks ---- */

static const struct bol_sql q_block_doc = {
    "SELECT doc FROM block WHERE terminal = $1 AND code = $2"
};

static int take_doc(void *ctx, const struct bol_db_row *row)
{
    json_t **out = ctx;
    struct bol_str d = bol_db_row_bytes(row, 0);

    *out = json_loadb(d.p, d.len, 0, NULL);
    return 1;
}

static const struct bol_sql q_yard = {
    "SELECT s.bay20, s.row, s.tier, s.container, s.length, c.category, c.is_full, c.mass_kg, "
    "c.reefer_on, c.dg, c.pod, c.line, c.sizetype, c.bay FROM yard_slot s JOIN container c ON "
    "c.id = "
    "s.container WHERE s.terminal = $1 AND s.block = $2 AND s.bay20 >= $3 AND s.bay20 <= $4 ORDER "
    "BY s.bay20, s.row, s.tier"
};

struct yard_ctx {
    json_t *bays;
    json_t *bay, *stack; /* current */
    int64_t bay_no, row_no;
};

static int take_slot(void *ctx, const struct bol_db_row *row)
{
    struct yard_ctx *yc = ctx;
    int64_t bay = bol_db_row_int(row, 0), r_no = bol_db_row_int(row, 1);
    json_t *box;

    if (!yc->bay || bay != yc->bay_no) {
        yc->bay = json_pack("{s:I, s:[]}", "bay", (json_int_t) bay, "stacks");
        if (!yc->bay || json_array_append_new(yc->bays, yc->bay) != 0)
            return BOL_E_NOMEM;
        yc->bay_no = bay;
        yc->stack = NULL;
    }
    if (!yc->stack || r_no != yc->row_no) {
        yc->stack = json_pack("{s:I, s:[]}", "row", (json_int_t) r_no, "tiers");
        if (!yc->stack || json_array_append_new(json_object_get(yc->bay, "stacks"), yc->stack) != 0)
            return BOL_E_NOMEM;
        yc->row_no = r_no;
    }
    box = json_pack("{s:I, s:s%, s:I, s:s%, s:b, s:I, s:b, s:s%}", "tier",
                    (json_int_t) bol_db_row_int(row, 2), "id", bol_db_row_bytes(row, 3).p,
                    bol_db_row_bytes(row, 3).len, "length", (json_int_t) bol_db_row_int(row, 4),
                    "category", bol_db_row_bytes(row, 5).p, bol_db_row_bytes(row, 5).len, "full",
                    (int) bol_db_row_int(row, 6), "mass_kg", (json_int_t) bol_db_row_int(row, 7),
                    "reefer", (int) bol_db_row_int(row, 8), "sizetype", bol_db_row_bytes(row, 12).p,
                    bol_db_row_bytes(row, 12).len);
    if (!box || json_object_set_new(box, "box_bay", json_integer(bol_db_row_int(row, 13))) != 0) {
        json_decref(box);
        return BOL_E_NOMEM;
    }
    if (!bol_db_row_is_null(row, 9))
        json_object_set_new(box, "dg",
                            json_stringn(bol_db_row_bytes(row, 9).p, bol_db_row_bytes(row, 9).len));
    if (!bol_db_row_is_null(row, 10))
        json_object_set_new(
            box, "pod", json_stringn(bol_db_row_bytes(row, 10).p, bol_db_row_bytes(row, 10).len));
    if (!bol_db_row_is_null(row, 11))
        json_object_set_new(
            box, "line", json_stringn(bol_db_row_bytes(row, 11).p, bol_db_row_bytes(row, 11).len));
    return json_array_append_new(json_object_get(yc->stack, "tiers"), box) == 0 ? 0 : BOL_E_NOMEM;
}

int bol_query_yard(struct bol_store *s, const char *terminal, const char *block, unsigned bay,
                   json_t **ret, struct bol_diag *diag)
{
    struct bol_db_val p[4] = { BOL_DBV_CSTR(terminal), BOL_DBV_CSTR(block) };
    struct yard_ctx yc;
    json_t *doc = NULL, *o;
    int64_t lo = 1, hi = 1999;
    int r;

    r = bol_db_query(s->db, &q_block_doc, p, 2, take_doc, &doc, diag);
    if (r < 0)
        return r;
    if (!doc)
        return bol_diag_fail(diag, BOL_E_NOTFOUND, "block", "no block %s/%s", terminal, block);
    if (bay) {
        lo = bay & 1 ? bay : bay - 1;
        hi = bay & 1 ? bay : bay + 1;
    }
    p[2] = BOL_DBV_INT(lo);
    p[3] = BOL_DBV_INT(hi);
    o = json_pack("{s:o, s:[]}", "block", doc, "bays");
    if (!o)
        return nomem(NULL, diag);
    memset(&yc, 0, sizeof(yc));
    yc.bays = json_object_get(o, "bays");
    r = bol_db_query(s->db, &q_yard, p, 4, take_slot, &yc, diag);
    if (r == BOL_E_NOMEM)
        return nomem(o, diag);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- inventory ---- */

static const struct bol_sql q_inventory = {
    "SELECT b.code, b.kind, b.bays, b.rows, b.tiers, count(c.id), "
    "CAST(coalesce(sum(CASE WHEN c.id IS NULL THEN 0 WHEN c.length = 40 THEN 2 ELSE 1 END), 0) "
    "AS BIGINT), "
    "CAST(coalesce(sum(c.is_full), 0) AS BIGINT), CAST(coalesce(sum(c.reefer_on), 0) AS BIGINT), "
    "CAST(coalesce(sum(CASE WHEN c.dg IS NULL THEN 0 ELSE 1 END), 0) AS BIGINT) "
    "FROM block b LEFT JOIN container c ON c.place = 'yard' AND c.terminal = b.terminal AND "
    "c.block = b.code WHERE b.terminal = $1 GROUP BY b.code, b.kind, b.bays, b.rows, b.tiers "
    "ORDER BY b.code"
};

struct inv_ctx {
    json_t *blocks;
    int64_t boxes, teu, ground, capacity;
};

static int take_inventory(void *ctx, const struct bol_db_row *row)
{
    struct inv_ctx *ic = ctx;
    int64_t bays = bol_db_row_int(row, 2), rows = bol_db_row_int(row, 3);
    int64_t tiers = bol_db_row_int(row, 4), boxes = bol_db_row_int(row, 5);
    int64_t teu = bol_db_row_int(row, 6), full = bol_db_row_int(row, 7);
    json_t *b;

    b = json_pack("{s:s%, s:s%, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "block",
                  bol_db_row_bytes(row, 0).p, bol_db_row_bytes(row, 0).len, "kind",
                  bol_db_row_bytes(row, 1).p, bol_db_row_bytes(row, 1).len, "boxes",
                  (json_int_t) boxes, "teu", (json_int_t) teu, "full", (json_int_t) full, "empty",
                  (json_int_t) (boxes - full), "reefers", (json_int_t) bol_db_row_int(row, 8), "dg",
                  (json_int_t) bol_db_row_int(row, 9), "ground_teu", (json_int_t) (bays * rows),
                  "capacity_teu", (json_int_t) (bays * rows * tiers), "occupancy_pct",
                  (json_int_t) (bays * rows * tiers > 0 ? 100 * teu / (bays * rows * tiers) : 0));
    if (!b || json_array_append_new(ic->blocks, b) != 0)
        return BOL_E_NOMEM;
    ic->boxes += boxes;
    ic->teu += teu;
    ic->ground += bays * rows;
    ic->capacity += bays * rows * tiers;
    return 0;
}

static const struct bol_sql q_elsewhere = {
    "SELECT place, count(*) FROM container WHERE terminal = $1 AND place IN ('quay', 'truck') "
    "GROUP BY place ORDER BY place"
};
static const struct col_spec elsewhere_cols[] = { { "place", K_TEXT }, { "boxes", K_INT } };

int bol_query_inventory(struct bol_store *s, const char *terminal, json_t **ret,
                        struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(terminal) };
    struct inv_ctx ic;
    json_t *o = json_pack("{s:s, s:[]}", "terminal", terminal, "blocks");
    int r;

    if (!o)
        return nomem(NULL, diag);
    memset(&ic, 0, sizeof(ic));
    ic.blocks = json_object_get(o, "blocks");
    r = bol_db_query(s->db, &q_inventory, p, 1, take_inventory, &ic, diag);
    if (r == 0)
        r = rows_into(s, o, "elsewhere", &q_elsewhere, p, 1, elsewhere_cols, 2, diag);
    if (r == 0 && json_object_set_new(
                      o, "yard",
                      json_pack("{s:I, s:I, s:I, s:I, s:I}", "boxes", (json_int_t) ic.boxes, "teu",
                                (json_int_t) ic.teu, "ground_teu", (json_int_t) ic.ground,
                                "capacity_teu", (json_int_t) ic.capacity, "occupancy_pct",
                                (json_int_t) (ic.capacity ? 100 * ic.teu / ic.capacity : 0))) != 0)
        r = BOL_E_NOMEM;
    if (r == BOL_E_NOMEM)
        return nomem(o, diag);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- vessel visit progress ---- */

static const struct bol_sql q_visit_doc = { "SELECT doc FROM visit WHERE id = $1" };

static const struct bol_sql q_visit_moves = {
    "SELECT coalesce(equipment, ''), kind, status, count(*) FROM wi WHERE visit = $1 AND kind IN "
    "('dsch', 'load') GROUP BY coalesce(equipment, ''), kind, status ORDER BY 1, 2, 3"
};

struct moves_ctx {
    json_t *cranes; /* object: equipment -> {dsch: {...}, load: {...}} */
    json_t *total;
};

static int add_count(json_t *o, const char *kind, const char *status, int64_t n)
{
    json_t *k = json_object_get(o, kind), *v;

    if (!k) {
        k = json_pack("{s:I, s:I, s:I}", "planned", (json_int_t) 0, "done", (json_int_t) 0,
                      "cancelled", (json_int_t) 0);
        if (!k || json_object_set_new(o, kind, k) != 0)
            return BOL_E_NOMEM;
    }
    /* planned = all work not yet ended; done = completed; cancelled = cancelled or failed. */
    if (!strcmp(status, "completed"))
        status = "done";
    else if (!strcmp(status, "cancelled") || !strcmp(status, "failed"))
        status = "cancelled";
    else
        status = "planned";
    v = json_object_get(k, status);
    return json_integer_set(v, json_integer_value(v) + n) == 0 ? 0 : BOL_E_NOMEM;
}

static int take_moves(void *ctx, const struct bol_db_row *row)
{
    struct moves_ctx *mc = ctx;
    struct bol_str eq = bol_db_row_bytes(row, 0), kind = bol_db_row_bytes(row, 1);
    struct bol_str status = bol_db_row_bytes(row, 2);
    char e[BOL_EQUIP_ID_MAX + 1] = "unassigned", k[8], st[16];
    json_t *crane;
    int64_t n = bol_db_row_int(row, 3);

    if (eq.len)
        (void) !bol_str_copy(eq, e, sizeof(e));
    (void) !bol_str_copy(kind, k, sizeof(k));
    (void) !bol_str_copy(status, st, sizeof(st));
    crane = json_object_get(mc->cranes, e);
    if (!crane) {
        crane = json_object();
        if (!crane || json_object_set_new(mc->cranes, e, crane) != 0)
            return BOL_E_NOMEM;
    }
    if (add_count(crane, k, st, n) < 0 || add_count(mc->total, k, st, n) < 0)
        return BOL_E_NOMEM;
    return 0;
}

static const struct bol_sql q_visit_onboard = {
    "SELECT count(*) FROM container WHERE place = 'vessel' AND visit = $1"
};
static const struct bol_sql q_visit_quay = {
    "SELECT count(*) FROM container WHERE place = 'quay' AND visit = $1"
};

int bol_query_visit(struct bol_store *s, const char *visit, json_t **ret, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(visit) };
    struct moves_ctx mc;
    json_t *doc = NULL, *o;
    int64_t onboard = 0, quay = 0;
    int r;

    r = bol_db_query(s->db, &q_visit_doc, p, 1, take_doc, &doc, diag);
    if (r < 0)
        return r;
    if (!doc)
        return bol_diag_fail(diag, BOL_E_NOTFOUND, "visit", "no vessel visit %s", visit);
    o = json_pack("{s:o, s:{}, s:{}}", "visit", doc, "cranes", "total");
    if (!o)
        return nomem(NULL, diag);
    mc.cranes = json_object_get(o, "cranes");
    mc.total = json_object_get(o, "total");
    r = bol_db_query(s->db, &q_visit_moves, p, 1, take_moves, &mc, diag);
    if (r == 0)
        r = bol_db_query_int(s->db, &q_visit_onboard, p, 1, &onboard, diag);
    if (r == 0)
        r = bol_db_query_int(s->db, &q_visit_quay, p, 1, &quay, diag);
    if (r == 0 && (json_object_set_new(o, "on_board", json_integer(onboard)) != 0 ||
                   json_object_set_new(o, "on_quay", json_integer(quay)) != 0))
        r = BOL_E_NOMEM;
    if (r == BOL_E_NOMEM)
        return nomem(o, diag);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- work queues ---- */

static const struct bol_sql q_queue = {
    "SELECT w.id, w.kind, w.container, w.status, w.priority, w.queue_seq, w.dest, w.visit, "
    "w.planned_us, " PLACE_COLS " FROM wi w JOIN container c ON c.id = w.container WHERE "
    "w.terminal = $1 AND coalesce(w.equipment, '') = $2 AND w.status IN " OPEN_WI " ORDER BY "
    "w.priority DESC, w.queue_seq, w.id"
};

static int take_queue(void *ctx, const struct bol_db_row *row)
{
    struct rows_ctx *rc = ctx;
    static const struct col_spec cols[] = {
        { "wi", K_INT },      { "kind", K_TEXT },    { "id", K_TEXT },
        { "status", K_TEXT }, { "priority", K_INT }, { "queue_seq", K_INT },
        { "to", K_TEXT },     { "visit", K_TEXT },   { "planned_at", K_TIME },
    };
    struct rows_ctx inner = { cols, BOL_ARRAY_SIZE(cols), rc->array, 0 };
    int r = take_row(&inner, row);

    if (r < 0)
        return r;
    return json_object_set_new(json_array_get(rc->array, json_array_size(rc->array) - 1), "from",
                               place_json(row, BOL_ARRAY_SIZE(cols))) == 0
               ? 0
               : BOL_E_NOMEM;
}

int bol_query_queue(struct bol_store *s, const char *terminal, const char *equipment, json_t **ret,
                    struct bol_diag *diag)
{
    struct bol_db_val p[2] = { BOL_DBV_CSTR(terminal), BOL_DBV_CSTR(equipment) };
    json_t *o = json_pack("{s:s, s:s, s:[]}", "terminal", terminal, "equipment", equipment, "work");
    struct rows_ctx rc;
    int r;

    if (!o)
        return nomem(NULL, diag);
    rc = (struct rows_ctx){ NULL, 0, json_object_get(o, "work"), 0 };
    r = bol_db_query(s->db, &q_queue, p, 2, take_queue, &rc, diag);
    if (r == BOL_E_NOMEM)
        return nomem(o, diag);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- dwell times ---- */

static const struct bol_sql q_dwell = {
    "SELECT c.id, c.category, c.line, c.arrived_us, " PLACE_COLS " FROM container c WHERE "
    "c.place = 'yard' AND c.terminal = $1 AND c.arrived_us IS NOT NULL ORDER BY c.arrived_us, "
    "c.id"
};

struct dwell_ctx {
    json_t *boxes, *cats;
    int64_t now;
    unsigned limit, n;
    int64_t total_h;
};

static int take_dwell(void *ctx, const struct bol_db_row *row)
{
    struct dwell_ctx *dc = ctx;
    int64_t h = (dc->now - bol_db_row_int(row, 3)) / 3600000000LL;
    struct bol_str cat = bol_db_row_bytes(row, 1);
    char c[16];
    char t[BOL_TIME_TEXT_MAX];
    json_t *s, *b;

    (void) !bol_str_copy(cat, c, sizeof(c));
    s = json_object_get(dc->cats, c);
    if (!s) {
        s = json_pack("{s:I, s:I, s:I}", "boxes", (json_int_t) 0, "hours_total", (json_int_t) 0,
                      "hours_max", (json_int_t) 0);
        if (!s || json_object_set_new(dc->cats, c, s) != 0)
            return BOL_E_NOMEM;
    }
    json_integer_set(json_object_get(s, "boxes"),
                     json_integer_value(json_object_get(s, "boxes")) + 1);
    json_integer_set(json_object_get(s, "hours_total"),
                     json_integer_value(json_object_get(s, "hours_total")) + h);
    if (h > json_integer_value(json_object_get(s, "hours_max")))
        json_integer_set(json_object_get(s, "hours_max"), h);
    dc->n++;
    dc->total_h += h;
    if (json_array_size(dc->boxes) >= dc->limit)
        return 0;
    b = json_pack("{s:s%, s:s, s:o, s:s, s:I}", "id", bol_db_row_bytes(row, 0).p,
                  bol_db_row_bytes(row, 0).len, "category", c, "place", place_json(row, 4),
                  "arrived", bol_time_format(bol_db_row_int(row, 3), 0, 0, t), "dwell_hours",
                  (json_int_t) h);
    if (b && !bol_db_row_is_null(row, 2))
        json_object_set_new(b, "line",
                            json_stringn(bol_db_row_bytes(row, 2).p, bol_db_row_bytes(row, 2).len));
    return b && json_array_append_new(dc->boxes, b) == 0 ? 0 : BOL_E_NOMEM;
}

int bol_query_dwell(struct bol_store *s, const char *terminal, int64_t now_us, unsigned limit,
                    json_t **ret, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(terminal) };
    json_t *o = json_pack("{s:s, s:[], s:{}}", "terminal", terminal, "boxes", "categories");
    struct dwell_ctx dc;
    int r;

    if (!o)
        return nomem(NULL, diag);
    dc = (struct dwell_ctx){
        json_object_get(o, "boxes"), json_object_get(o, "categories"), now_us, limit, 0, 0
    };
    r = bol_db_query(s->db, &q_dwell, p, 1, take_dwell, &dc, diag);
    if (r == 0 &&
        (json_object_set_new(o, "in_yard", json_integer((json_int_t) dc.n)) != 0 ||
         json_object_set_new(o, "average_hours",
                             json_integer((json_int_t) (dc.n ? dc.total_h / dc.n : 0))) != 0))
        r = BOL_E_NOMEM;
    if (r == BOL_E_NOMEM)
        return nomem(o, diag);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- reefers ---- */

static const struct bol_sql q_reefers = {
    "SELECT c.id, c.doc, " PLACE_COLS " FROM container c WHERE c.reefer_on = 1 AND c.terminal = $1 "
    "AND c.place IN ('yard', 'quay', 'truck') ORDER BY c.block, c.bay, c.row, c.tier, c.id"
};

struct reefer_ctx {
    struct bol_store *s;
    struct bol_diag *diag;
    json_t *list;
    struct bol_block block; /* the last one read */
    bool have_block;
    unsigned unplugged;
};

static int take_reefer(void *ctx, const struct bol_db_row *row)
{
    struct reefer_ctx *rc = ctx;
    struct bol_str doc = bol_db_row_bytes(row, 1), kind = bol_db_row_bytes(row, 2);
    json_t *d = json_loadb(doc.p, doc.len, 0, NULL), *b;
    bool plugged = false;

    if (bol_str_eq_cstr(kind, "yard")) {
        char term[BOL_TERMINAL_CODE_MAX + 1], blk[BOL_BLOCK_CODE_MAX + 1];
        struct bol_stack_attr a;
        uint16_t bay = (uint16_t) bol_db_row_int(row, 5);

        (void) !bol_str_copy(bol_db_row_bytes(row, 3), term, sizeof(term));
        (void) !bol_str_copy(bol_db_row_bytes(row, 4), blk, sizeof(blk));
        if (!rc->have_block || strcmp(rc->block.code, blk) != 0 ||
            strcmp(rc->block.terminal, term) != 0) {
            struct bol_db_val p[2] = { BOL_DBV_CSTR(term), BOL_DBV_CSTR(blk) };
            json_t *bd = NULL;

            rc->have_block = false;
            if (bol_db_query(rc->s->db, &q_block_doc, p, 2, take_doc, &bd, rc->diag) < 0) {
                json_decref(d);
                return rc->diag ? rc->diag->code : BOL_E_IO;
            }
            rc->have_block = bd && bol_block_from_json(bd, &rc->block, NULL) == 0;
            json_decref(bd);
        }
        if (rc->have_block) {
            bol_block_stack_attr(&rc->block, (uint16_t) (bay & 1 ? bay : bay - 1),
                                 (uint8_t) bol_db_row_int(row, 6), &a);
            plugged = a.reefer;
        }
    }
    if (!plugged)
        rc->unplugged++;
    b = json_pack("{s:s%, s:o, s:O, s:b}", "id", bol_db_row_bytes(row, 0).p,
                  bol_db_row_bytes(row, 0).len, "place", place_json(row, 2), "setpoint_c10",
                  d ? json_object_get(d, "setpoint_c10") : json_null(), "plugged", plugged);
    json_decref(d);
    return b && json_array_append_new(rc->list, b) == 0 ? 0 : BOL_E_NOMEM;
}

int bol_query_reefers(struct bol_store *s, const char *terminal, json_t **ret,
                      struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(terminal) };
    json_t *o = json_pack("{s:s, s:[]}", "terminal", terminal, "reefers");
    struct reefer_ctx rc;
    int r;

    if (!o)
        return nomem(NULL, diag);
    memset(&rc, 0, sizeof(rc));
    rc.s = s;
    rc.diag = diag;
    rc.list = json_object_get(o, "reefers");
    r = bol_db_query(s->db, &q_reefers, p, 1, take_reefer, &rc, diag);
    if (r == 0 && json_object_set_new(o, "unplugged", json_integer(rc.unplugged)) != 0)
        r = BOL_E_NOMEM;
    if (r == BOL_E_NOMEM)
        return nomem(o, diag);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- holds ---- */

static const struct bol_sql q_holds = {
    "SELECT h.container, h.kind, h.reason, h.ref, h.placed_seq, h.placed_by, "
    "h.placed_us, " PLACE_COLS
    " FROM hold h JOIN container c ON c.id = h.container WHERE h.lifted_seq IS NULL "
    "AND ($1 = '' OR c.terminal = $1) ORDER BY h.placed_seq"
};

static int take_hold_row(void *ctx, const struct bol_db_row *row)
{
    struct rows_ctx *rc = ctx;
    static const struct col_spec cols[] = {
        { "id", K_TEXT },        { "kind", K_TEXT },      { "reason", K_TEXT },
        { "ref", K_TEXT },       { "placed_seq", K_INT }, { "placed_by", K_TEXT },
        { "placed_at", K_TIME },
    };
    struct rows_ctx inner = { cols, BOL_ARRAY_SIZE(cols), rc->array, 0 };
    int r = take_row(&inner, row);

    if (r < 0)
        return r;
    return json_object_set_new(json_array_get(rc->array, json_array_size(rc->array) - 1), "place",
                               place_json(row, BOL_ARRAY_SIZE(cols))) == 0
               ? 0
               : BOL_E_NOMEM;
}

int bol_query_holds(struct bol_store *s, const char *terminal, json_t **ret, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(terminal ? terminal : "") };
    json_t *o = json_pack("{s:[]}", "holds");
    struct rows_ctx rc;
    int r;

    if (!o)
        return nomem(NULL, diag);
    if (terminal && json_object_set_new(o, "terminal", json_string(terminal)) != 0)
        return nomem(o, diag);
    rc = (struct rows_ctx){ NULL, 0, json_object_get(o, "holds"), 0 };
    r = bol_db_query(s->db, &q_holds, p, 1, take_hold_row, &rc, diag);
    if (r == BOL_E_NOMEM)
        return nomem(o, diag);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

/* ---- access documents ---- */

static const struct bol_sql q_docs_all[] = {
    [BOL_DOC_ACCOUNT] = { "SELECT doc FROM account ORDER BY user_name" },
    [BOL_DOC_APIKEY] = { "SELECT doc FROM apikey ORDER BY id" },
    [BOL_DOC_GRANT] = { "SELECT doc FROM access_grant ORDER BY id" },
    [BOL_DOC_APPROVAL] = { "SELECT doc FROM approval ORDER BY id" },
    [BOL_DOC_ALERT] = { "SELECT doc FROM alert ORDER BY raised_seq" },
    [BOL_DOC_CANARY] = { "SELECT doc FROM canary ORDER BY id" },
    [BOL_DOC_INCIDENT] = { "SELECT doc FROM incident ORDER BY id" },
    [BOL_DOC_BOOKING_RELEASE] = { "SELECT doc FROM booking_release ORDER BY booking, ref" },
    [BOL_DOC_VGM_PENDING] = { "SELECT doc FROM vgm_pending ORDER BY id" },
};
static const struct bol_sql q_grants_of = {
    "SELECT doc FROM access_grant WHERE user_name = $1 ORDER BY id"
};

static int take_access_doc(void *ctx, const struct bol_db_row *row)
{
    struct bol_str doc = bol_db_row_bytes(row, 0);
    json_error_t je;
    json_t *o = json_loadb(doc.p, doc.len, 0, &je);

    if (!o)
        return BOL_E_CORRUPT;
    return json_array_append_new(ctx, o) == 0 ? 0 : BOL_E_NOMEM;
}

int bol_query_docs(struct bol_store *s, enum bol_view_doc what, const char *user, json_t **ret,
                   struct bol_diag *diag)
{
    struct bol_db_val p[1];
    json_t *a;
    int r;

    if ((unsigned) what >= BOL_ARRAY_SIZE(q_docs_all))
        return bol_diag_fail(diag, BOL_E_INVAL, "what", "no such kind of document");
    a = json_array();
    if (!a)
        return BOL_E_NOMEM;
    if (user && what == BOL_DOC_GRANT) {
        p[0] = BOL_DBV_CSTR(user);
        r = bol_db_query(s->db, &q_grants_of, p, 1, take_access_doc, a, diag);
    } else {
        r = bol_db_query(s->db, &q_docs_all[what], NULL, 0, take_access_doc, a, diag);
    }
    if (r == BOL_E_CORRUPT)
        r = bol_diag_fail(diag, r, "doc", "a stored document does not parse");
    if (r < 0) {
        json_decref(a);
        return r;
    }
    *ret = a;
    return 0;
}

/* ---- reference lists and what a vessel carries (EDI in and out) ---- */

static const struct bol_sql q_terminals = {
    "SELECT code, name, timezone, unlocode FROM terminal ORDER BY code"
};
static const struct col_spec terminal_list_cols[] = {
    { "code", K_TEXT }, { "name", K_TEXT }, { "timezone", K_TEXT }, { "unlocode", K_TEXT }
};

int bol_query_terminals(struct bol_store *s, json_t **ret, struct bol_diag *diag)
{
    json_t *a = json_array();
    int r;

    if (!a)
        return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    r = rows_json(s, &q_terminals, NULL, 0, terminal_list_cols, 4, a, diag);
    if (r < 0) {
        json_decref(a);
        return r;
    }
    *ret = a;
    return 0;
}

static const struct bol_sql q_vessels = { "SELECT doc FROM vessel ORDER BY imo" };

/* One row's doc, appended to an array as it was stored. */
static int append_doc(void *ctx, const struct bol_db_row *row)
{
    json_t *v = value_json(row, 0, K_JSON);

    if (!v)
        return BOL_E_NOMEM;
    return json_array_append_new(ctx, v) == 0 ? 0 : BOL_E_NOMEM;
}

int bol_query_vessels(struct bol_store *s, json_t **ret, struct bol_diag *diag)
{
    json_t *a = json_array();
    int r;

    if (!a)
        return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    r = bol_db_query(s->db, &q_vessels, NULL, 0, append_doc, a, diag);
    if (r == BOL_E_NOMEM)
        r = bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    if (r < 0) {
        json_decref(a);
        return r;
    }
    *ret = a;
    return 0;
}

static const struct bol_sql q_on_board = {
    "SELECT cell, doc FROM container WHERE place = 'vessel' AND visit = $1 ORDER BY cell, id"
};
static const struct col_spec on_board_cols[] = { { "cell", K_TEXT }, { "container", K_JSON } };

int bol_query_on_board(struct bol_store *s, const char *visit, json_t **ret, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_STR(bol_str_from(visit)) };
    json_t *a = json_array();
    int r;

    if (!a)
        return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    r = rows_json(s, &q_on_board, p, 1, on_board_cols, 2, a, diag);
    if (r < 0) {
        json_decref(a);
        return r;
    }
    *ret = a;
    return 0;
}

/* ---- moves partners are told of ---- */

#define MOVE_SELECT                                                                                \
    "SELECT m.seq, m.kind, m.at_us, m.terminal, m.visit, m.cell, m.truck, c.line, c.doc "          \
    "FROM move m JOIN container c ON c.id = m.container WHERE "
#define MOVE_ORDER " ORDER BY m.seq LIMIT $3"

static const struct bol_sql q_moves_visit = { MOVE_SELECT
                                              "m.visit = $1 AND m.seq > $2" MOVE_ORDER };
static const struct bol_sql q_moves_terminal = { MOVE_SELECT
                                                 "m.terminal = $1 AND m.seq > $2" MOVE_ORDER };
static const struct bol_sql q_moves_container = { MOVE_SELECT
                                                  "m.container = $1 AND m.seq > $2" MOVE_ORDER };
static const struct bol_sql q_moves_all = { MOVE_SELECT "m.seq > $2 AND $1 = ''" MOVE_ORDER };

#define MOVE_BATCH 512

struct moves_filter_ctx {
    const struct bol_move_filter *f;
    json_t *array;
    uint64_t last;  /* the last row seen */
    unsigned seen;  /* rows in this batch */
    unsigned taken; /* rows kept, in all */
    bool full;
};

static int take_move(void *ctx, const struct bol_db_row *row)
{
    struct moves_filter_ctx *mc = ctx;
    const struct bol_move_filter *f = mc->f;
    struct bol_str kind = bol_db_row_bytes(row, 1), line = bol_db_row_bytes(row, 7), doc;
    int64_t at = bol_db_row_int(row, 2);
    char t[BOL_TIME_TEXT_MAX];
    json_t *o, *c;
    unsigned k;

    mc->seen++;
    if (mc->full)
        return 0;
    mc->last = (uint64_t) bol_db_row_int(row, 0);
    for (k = 0; bol_move_names[k]; k++)
        if (bol_str_eq_cstr(kind, bol_move_names[k]))
            break;
    if (!bol_move_names[k] || (f->kinds && !(f->kinds & (1u << k))) ||
        (f->line && (bol_db_row_is_null(row, 7) || !bol_str_eq_cstr(line, f->line))) ||
        (f->visit && f->terminal && !bol_str_eq_cstr(bol_db_row_bytes(row, 3), f->terminal)) ||
        (f->from_us && at < f->from_us) || (f->to_us && at >= f->to_us))
        return 0;
    if (f->scope) {
        struct bol_str term = bol_db_row_bytes(row, 3);
        char tb[BOL_TERMINAL_CODE_MAX + 1];

        snprintf(tb, sizeof(tb), "%.*s", (int) term.len, term.p);
        if (!bol_scope_has(f->scope, tb))
            return 0;
    }
    doc = bol_db_row_bytes(row, 8);
    c = json_loadb(doc.p, doc.len, 0, NULL);
    o = json_pack("{s:I, s:s%, s:I, s:s, s:s%, s:o}", "seq", (json_int_t) mc->last, "move", kind.p,
                  kind.len, "at_us", (json_int_t) at, "at", bol_time_format(at, 0, 0, t) ? t : "",
                  "terminal", bol_db_row_bytes(row, 3).p, bol_db_row_bytes(row, 3).len, "container",
                  c);
    if (!o)
        return BOL_E_NOMEM;
    if ((!bol_db_row_is_null(row, 4) &&
         json_object_set_new(
             o, "visit", json_stringn(bol_db_row_bytes(row, 4).p, bol_db_row_bytes(row, 4).len)) !=
             0) ||
        (!bol_db_row_is_null(row, 5) &&
         json_object_set_new(
             o, "cell", json_stringn(bol_db_row_bytes(row, 5).p, bol_db_row_bytes(row, 5).len)) !=
             0) ||
        (!bol_db_row_is_null(row, 6) &&
         json_object_set_new(o, "truck", json_integer(bol_db_row_int(row, 6))) != 0) ||
        json_array_append_new(mc->array, o) != 0)
        return BOL_E_NOMEM;
    if (f->limit && ++mc->taken >= f->limit)
        mc->full = true;
    return 0;
}

int bol_query_moves(struct bol_store *s, const struct bol_move_filter *f, json_t **ret,
                    uint64_t *ret_last, struct bol_diag *diag)
{
    const struct bol_sql *q = &q_moves_all;
    const char *key = "";
    struct moves_filter_ctx mc = { f, json_array(), f->after_seq, 0, 0, false };
    int r = 0;

    if (!mc.array)
        return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    if (f->container) {
        q = &q_moves_container;
        key = f->container;
    } else if (f->visit) {
        q = &q_moves_visit;
        key = f->visit;
    } else if (f->terminal) {
        q = &q_moves_terminal;
        key = f->terminal;
    }
    do {
        struct bol_db_val p[3] = { BOL_DBV_CSTR(key), BOL_DBV_INT(mc.last),
                                   BOL_DBV_INT(MOVE_BATCH) };

        mc.seen = 0;
        r = bol_db_query(s->db, q, p, 3, take_move, &mc, diag);
    } while (r == 0 && !mc.full && mc.seen == MOVE_BATCH);
    if (r == BOL_E_NOMEM)
        r = bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    if (r < 0) {
        json_decref(mc.array);
        return r;
    }
    *ret = mc.array;
    if (ret_last)
        *ret_last = mc.last;
    return 0;
}

/* ---- everything in a terminal, for the operations pack ---- */

static const struct bol_sql q_boxes = {
    "SELECT c.doc, c.place, c.block, c.bay, c.row, c.tier, c.visit, c.truck, c.mass_kg, " PLACE_COLS
    " FROM container c WHERE c.terminal = $1 AND c.place IN ('yard', 'quay', 'truck') ORDER BY "
    "CASE c.place WHEN 'yard' THEN 0 WHEN 'quay' THEN 1 ELSE 2 END, c.block, c.bay, c.row, "
    "c.tier, c.visit, c.truck, c.id"
};

static int take_box(void *ctx, const struct bol_db_row *row)
{
    struct rows_ctx *rc = ctx;
    static const struct col_spec cols[] = {
        { "container", K_JSON }, { "kind", K_TEXT }, { "block", K_TEXT },
        { "bay", K_INT },        { "row", K_INT },   { "tier", K_INT },
        { "visit", K_TEXT },     { "truck", K_INT }, { "mass_kg", K_INT },
    };
    struct rows_ctx inner = { cols, BOL_ARRAY_SIZE(cols), rc->array, 0 };
    int r = take_row(&inner, row);

    if (r < 0)
        return r;
    return json_object_set_new(json_array_get(rc->array, json_array_size(rc->array) - 1), "place",
                               place_json(row, BOL_ARRAY_SIZE(cols))) == 0
               ? 0
               : BOL_E_NOMEM;
}

/* Run q (one text parameter) with a row callback appending to a new array. */
static int array_query(struct bol_store *s, const struct bol_sql *q, const char *param,
                       bol_db_row_fn fn, json_t **ret, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_CSTR(param) };
    json_t *a = json_array();
    struct rows_ctx rc = { NULL, 0, a, 0 };
    int r;

    if (!a)
        return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    r = bol_db_query(s->db, q, p, 1, fn, &rc, diag);
    if (r == BOL_E_NOMEM)
        r = bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    if (r < 0) {
        json_decref(a);
        return r;
    }
    *ret = a;
    return 0;
}

int bol_query_boxes(struct bol_store *s, const char *terminal, json_t **ret, struct bol_diag *diag)
{
    return array_query(s, &q_boxes, terminal, take_box, ret, diag);
}

static const struct bol_sql q_open_work = {
    "SELECT w.id, w.kind, w.container, w.status, w.equipment, w.priority, w.queue_seq, w.dest, "
    "w.visit, w.planned_us, " PLACE_COLS " FROM wi w JOIN container c ON c.id = w.container "
    "WHERE w.terminal = $1 AND w.status IN " OPEN_WI " ORDER BY coalesce(w.equipment, ''), "
    "w.priority DESC, w.queue_seq, w.id"
};

static int take_open_work(void *ctx, const struct bol_db_row *row)
{
    struct rows_ctx *rc = ctx;
    static const struct col_spec cols[] = {
        { "wi", K_INT },          { "kind", K_TEXT },      { "id", K_TEXT },
        { "status", K_TEXT },     { "equipment", K_TEXT }, { "priority", K_INT },
        { "queue_seq", K_INT },   { "to", K_TEXT },        { "visit", K_TEXT },
        { "planned_at", K_TIME },
    };
    struct rows_ctx inner = { cols, BOL_ARRAY_SIZE(cols), rc->array, 0 };
    int r = take_row(&inner, row);

    if (r < 0)
        return r;
    return json_object_set_new(json_array_get(rc->array, json_array_size(rc->array) - 1), "from",
                               place_json(row, BOL_ARRAY_SIZE(cols))) == 0
               ? 0
               : BOL_E_NOMEM;
}

int bol_query_open_work(struct bol_store *s, const char *terminal, json_t **ret,
                        struct bol_diag *diag)
{
    return array_query(s, &q_open_work, terminal, take_open_work, ret, diag);
}

static const struct bol_sql q_visits = {
    "SELECT v.doc, s.name, (SELECT count(*) FROM container c WHERE c.place = 'vessel' AND "
    "c.visit = v.id) FROM visit v LEFT JOIN vessel s ON s.imo = v.imo WHERE v.terminal = $1 AND "
    "v.phase <> 'departed' ORDER BY CASE WHEN v.eta IS NULL THEN 1 ELSE 0 END, v.eta, v.id"
};

static int take_visit(void *ctx, const struct bol_db_row *row)
{
    struct rows_ctx *rc = ctx;
    static const struct col_spec cols[] = {
        { "visit", K_JSON },
        { "vessel", K_TEXT },
        { "on_board", K_INT },
    };
    struct rows_ctx inner = { cols, BOL_ARRAY_SIZE(cols), rc->array, 0 };

    return take_row(&inner, row);
}

int bol_query_visits(struct bol_store *s, const char *terminal, json_t **ret, struct bol_diag *diag)
{
    return array_query(s, &q_visits, terminal, take_visit, ret, diag);
}

int bol_query_snapshot_begin(struct bol_store *s, struct bol_diag *diag)
{
    int r = bol_db_begin(s->db, false, diag);

    if (r == 0 && s->db->kind == BOL_DB_POSTGRES) {
        /* Read committed would give each statement its own snapshot. */
        r = bol_db_exec_script(s->db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", diag);
        if (r < 0)
            bol_db_rollback(s->db);
    }
    return r;
}

void bol_query_snapshot_end(struct bol_store *s)
{
    bol_db_rollback(s->db);
}

/* ---- the self-inspection's previous run ---- */

static const struct bol_sql q_inspect_last = {
    "SELECT doc FROM inspect_run ORDER BY seq DESC LIMIT 1"
};

int bol_query_inspect_last(struct bol_store *s, json_t **ret, struct bol_diag *diag)
{
    json_t *a = json_array();
    int r;

    if (!a)
        return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    r = bol_db_query(s->db, &q_inspect_last, NULL, 0, append_doc, a, diag);
    if (r == 0 && json_array_size(a) == 0)
        r = BOL_E_NOTFOUND;
    if (r == 0) {
        *ret = json_incref(json_array_get(a, 0));
        if (!json_is_object(*ret)) {
            json_decref(*ret);
            r = bol_diag_fail(diag, BOL_E_CORRUPT, "inspect_run", "a stored run does not parse");
        }
    }
    json_decref(a);
    return r;
}

/* ---- a visit's orders (ev_order.c) ---- */

static const struct bol_sql q_orders = {
    "SELECT kind, sender, n, doc_no, box, added_seq FROM visit_order WHERE visit = $1 AND "
    "($2 = '' OR kind = $2) ORDER BY kind DESC, sender, n"
};
static const struct col_spec order_cols[] = { { "kind", K_TEXT }, { "sender", K_TEXT },
                                              { "n", K_INT },     { "doc_no", K_TEXT },
                                              { "box", K_JSON },  { "seq", K_INT } };
static const struct bol_sql q_stowage = {
    "SELECT n, sender, rule, added_seq FROM stowage_rule WHERE visit = $1 ORDER BY n"
};
static const struct col_spec stowage_cols[] = {
    { "n", K_INT }, { "sender", K_TEXT }, { "rule", K_JSON }, { "seq", K_INT }
};

int bol_query_orders(struct bol_store *s, const char *visit, const char *kind, json_t **ret,
                     struct bol_diag *diag)
{
    struct bol_db_val p[2] = { BOL_DBV_STR(bol_str_from(visit)),
                               BOL_DBV_STR(bol_str_from(kind ? kind : "")) };
    json_t *a = json_array();
    int r;

    if (!a)
        return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    r = rows_json(s, &q_orders, p, 2, order_cols, 6, a, diag);
    if (r < 0) {
        json_decref(a);
        return r;
    }
    *ret = a;
    return 0;
}

int bol_query_stowage(struct bol_store *s, const char *visit, json_t **ret, struct bol_diag *diag)
{
    struct bol_db_val p[1] = { BOL_DBV_STR(bol_str_from(visit)) };
    json_t *a = json_array();
    int r;

    if (!a)
        return bol_diag_fail(diag, BOL_E_NOMEM, "query", "out of memory");
    r = rows_json(s, &q_stowage, p, 1, stowage_cols, 4, a, diag);
    if (r < 0) {
        json_decref(a);
        return r;
    }
    *ret = a;
    return 0;
}
