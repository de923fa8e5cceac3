/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev_ops.c - operations events: containers, moves, holds, releases, truck
 * visits, work instructions
 *
 * Payloads carry every value their application needs (the place a box left
 * and the place it went, its length), so applying reads nothing: the same
 * journal always yields the same rows.  Commands (commands.c) are what
 * decide, against current state, that an event may happen.
 *
 * Ids: a work instruction's id and a truck visit's id are the sequence
 * numbers of the entries that created them (wi.planned, truck.arrived).
 */
#include "compat.h"

#include "buf.h"
#include "codec.h"
#include "errors.h"
#include "events-int.h"
#include "jsonv.h"
#include "pii.h"
#include "rules.h"

/* ---- state tables ---- */

enum {
    C_ID,
    C_SIZETYPE,
    C_LENGTH,
    C_LINE,
    C_CATEGORY,
    C_FULL,
    C_CHECK_OK,
    C_MASS,
    C_REEFER_ON,
    C_DG,
    C_POD,
    C_DOC,
    C_PLACE,
    C_TERMINAL,
    C_BLOCK,
    C_BAY,
    C_ROW,
    C_TIER,
    C_VISIT,
    C_CELL,
    C_TRUCK,
    C_PLACE_SEQ,
    C_ARRIVED,
    C_DEPARTED,
    C_REGISTERED_SEQ,
    C_UPDATED_SEQ,
    C_NCOLS
};

static const struct bol_column container_cols[C_NCOLS] = {
    [C_ID] = { "id", BOL_V_TEXT, false },
    [C_SIZETYPE] = { "sizetype", BOL_V_TEXT, false },
    [C_LENGTH] = { "length", BOL_V_INT, false },
    [C_LINE] = { "line", BOL_V_TEXT, true },
    [C_CATEGORY] = { "category", BOL_V_TEXT, false },
    [C_FULL] = { "is_full", BOL_V_INT, false },
    [C_CHECK_OK] = { "check_ok", BOL_V_INT, false },
    [C_MASS] = { "mass_kg", BOL_V_INT, false },
    [C_REEFER_ON] = { "reefer_on", BOL_V_INT, false },
    [C_DG] = { "dg", BOL_V_TEXT, true },
    [C_POD] = { "pod", BOL_V_TEXT, true },
    [C_DOC] = { "doc", BOL_V_TEXT, false },
    [C_PLACE] = { "place", BOL_V_TEXT, false },
    [C_TERMINAL] = { "terminal", BOL_V_TEXT, true },
    [C_BLOCK] = { "block", BOL_V_TEXT, true },
    [C_BAY] = { "bay", BOL_V_INT, true },
    [C_ROW] = { "row", BOL_V_INT, true },
    [C_TIER] = { "tier", BOL_V_INT, true },
    [C_VISIT] = { "visit", BOL_V_TEXT, true },
    [C_CELL] = { "cell", BOL_V_TEXT, true },
    [C_TRUCK] = { "truck", BOL_V_INT, true },
    [C_PLACE_SEQ] = { "place_seq", BOL_V_INT, false },
    [C_ARRIVED] = { "arrived_us", BOL_V_INT, true },
    [C_DEPARTED] = { "departed_us", BOL_V_INT, true },
    [C_REGISTERED_SEQ] = { "registered_seq", BOL_V_INT, false },
    [C_UPDATED_SEQ] = { "updated_seq", BOL_V_INT, false },
};
static const char *const container_indexes[] = { "place,terminal,block", "visit", "truck", NULL };
const struct bol_table bol_t_container = { "container", container_cols, C_NCOLS, 1,
                                           container_indexes };

/* One row per 20 ft position a box takes (a 40 ft box: two). */
static const struct bol_column yard_slot_cols[] = {
    { "terminal", BOL_V_TEXT, false }, { "block", BOL_V_TEXT, false },
    { "bay20", BOL_V_INT, false },     { "row", BOL_V_INT, false },
    { "tier", BOL_V_INT, false },      { "container", BOL_V_TEXT, false },
    { "length", BOL_V_INT, false },
};
const struct bol_table bol_t_yard_slot = { "yard_slot", yard_slot_cols, 7, 5, NULL };

static const struct bol_column vessel_slot_cols[] = {
    { "visit", BOL_V_TEXT, false },     { "bay20", BOL_V_INT, false },
    { "row", BOL_V_INT, false },        { "tier", BOL_V_INT, false },
    { "container", BOL_V_TEXT, false }, { "length", BOL_V_INT, false },
};
const struct bol_table bol_t_vessel_slot = { "vessel_slot", vessel_slot_cols, 6, 4, NULL };

enum {
    H_CONTAINER,
    H_KIND,
    H_PLACED_SEQ,
    H_REASON,
    H_REF,
    H_PLACED_BY,
    H_PLACED_US,
    H_LIFTED_SEQ,
    H_LIFTED_BY,
    H_LIFTED_US,
    H_LIFT_REASON,
    H_NCOLS
};

static const struct bol_column hold_cols[H_NCOLS] = {
    [H_CONTAINER] = { "container", BOL_V_TEXT, false },
    [H_KIND] = { "kind", BOL_V_TEXT, false },
    [H_PLACED_SEQ] = { "placed_seq", BOL_V_INT, false },
    [H_REASON] = { "reason", BOL_V_TEXT, false },
    [H_REF] = { "ref", BOL_V_TEXT, true },
    [H_PLACED_BY] = { "placed_by", BOL_V_TEXT, false },
    [H_PLACED_US] = { "placed_us", BOL_V_INT, false },
    [H_LIFTED_SEQ] = { "lifted_seq", BOL_V_INT, true },
    [H_LIFTED_BY] = { "lifted_by", BOL_V_TEXT, true },
    [H_LIFTED_US] = { "lifted_us", BOL_V_INT, true },
    [H_LIFT_REASON] = { "lift_reason", BOL_V_TEXT, true },
};
const struct bol_table bol_t_hold = { "hold", hold_cols, H_NCOLS, 3, NULL };

/* A delivery release (customs permit and line release order) for the box's current stay. */
static const struct bol_column release_cols[] = {
    { "container", BOL_V_TEXT, false },  { "ref", BOL_V_TEXT, false },
    { "granted_seq", BOL_V_INT, false }, { "granted_by", BOL_V_TEXT, false },
    { "granted_us", BOL_V_INT, false },
};
const struct bol_table bol_t_release = { "delivery_release", release_cols, 5, 1, NULL };

enum {
    T_ID,
    T_TERMINAL,
    T_REF,
    T_PERSON,
    T_DRIVER,
    T_PLATE,
    T_COMPANY,
    T_ARRIVED,
    T_DEPARTED,
    T_NCOLS
};

static const struct bol_column truck_cols[T_NCOLS] = {
    [T_ID] = { "id", BOL_V_INT, false },
    [T_TERMINAL] = { "terminal", BOL_V_TEXT, false },
    [T_REF] = { "ref", BOL_V_TEXT, true },
    [T_PERSON] = { "person", BOL_V_TEXT, false },
    [T_DRIVER] = { "driver", BOL_V_TEXT, false },
    [T_PLATE] = { "plate", BOL_V_TEXT, false },
    [T_COMPANY] = { "company", BOL_V_TEXT, true },
    [T_ARRIVED] = { "arrived_us", BOL_V_INT, false },
    [T_DEPARTED] = { "departed_us", BOL_V_INT, true },
};
static const char *const truck_indexes[] = { "ref,departed_us", NULL };
const struct bol_table bol_t_truck_visit = { "truck_visit", truck_cols, T_NCOLS, 1, truck_indexes };

enum {
    W_ID,
    W_TERMINAL,
    W_REF,
    W_KIND,
    W_CONTAINER,
    W_VISIT,
    W_DEST,
    W_DEST_DOC,
    W_DEST_AREA,
    W_DEST_BAY,
    W_DEST_ROW,
    W_DEST_TIER,
    W_STATUS,
    W_EQUIPMENT,
    W_QUEUE_SEQ,
    W_PRIORITY,
    W_PLANNED_US,
    W_UPDATED_SEQ,
    W_REASON,
    W_NCOLS
};

static const struct bol_column wi_cols[W_NCOLS] = {
    [W_ID] = { "id", BOL_V_INT, false },
    [W_TERMINAL] = { "terminal", BOL_V_TEXT, false },
    [W_REF] = { "ref", BOL_V_TEXT, true },
    [W_KIND] = { "kind", BOL_V_TEXT, false },
    [W_CONTAINER] = { "container", BOL_V_TEXT, false },
    [W_VISIT] = { "visit", BOL_V_TEXT, true },
    [W_DEST] = { "dest", BOL_V_TEXT, false },
    [W_DEST_DOC] = { "dest_doc", BOL_V_TEXT, false },
    [W_DEST_AREA] = { "dest_area", BOL_V_TEXT, true },
    [W_DEST_BAY] = { "dest_bay", BOL_V_INT, true },
    [W_DEST_ROW] = { "dest_row", BOL_V_INT, true },
    [W_DEST_TIER] = { "dest_tier", BOL_V_INT, true },
    [W_STATUS] = { "status", BOL_V_TEXT, false },
    [W_EQUIPMENT] = { "equipment", BOL_V_TEXT, true },
    [W_QUEUE_SEQ] = { "queue_seq", BOL_V_INT, false },
    [W_PRIORITY] = { "priority", BOL_V_INT, false },
    [W_PLANNED_US] = { "planned_us", BOL_V_INT, false },
    [W_UPDATED_SEQ] = { "updated_seq", BOL_V_INT, false },
    [W_REASON] = { "reason", BOL_V_TEXT, true },
};
static const char *const wi_indexes[] = { "container,status",   "equipment,status", "visit,kind",
                                          "dest_area,dest_row", "ref,status",       NULL };
const struct bol_table bol_t_wi = { "wi", wi_cols, W_NCOLS, 1, wi_indexes };

/* Every event that concerns a box, for its history. */
static const struct bol_column history_cols[] = {
    { "container", BOL_V_TEXT, false }, { "seq", BOL_V_INT, false },
    { "type", BOL_V_TEXT, false },      { "at_us", BOL_V_INT, false },
    { "actor", BOL_V_TEXT, false },     { "from_place", BOL_V_TEXT, true },
    { "to_place", BOL_V_TEXT, true },   { "note", BOL_V_TEXT, true },
};
const struct bol_table bol_t_history = { "history", history_cols, 8, 2, NULL };

/*
 * The moves partners are told of (discharge, load, gate-in, gate-out), one
 * row per container.moved event, for the reports (COARRI, CODECO) and the
 * equipment events (DCSA) that are made from them.
 */
static const struct bol_column move_cols[] = {
    { "seq", BOL_V_INT, false },       { "container", BOL_V_TEXT, false },
    { "kind", BOL_V_TEXT, false },     { "at_us", BOL_V_INT, false },
    { "terminal", BOL_V_TEXT, false }, { "visit", BOL_V_TEXT, true },
    { "cell", BOL_V_TEXT, true },      { "truck", BOL_V_INT, true },
};
static const char *const move_indexes[] = { "visit,kind", "terminal,seq", "container", NULL };
const struct bol_table bol_t_move = { "move", move_cols, 8, 1, move_indexes };

/* ---- payload fields ---- */

#define TEXT(s) BOL_VAL_TEXT(bol_str_from(s))

/* A container id in its normalised form (the check digit may be wrong: flagged boxes exist). */
static int id_field(json_t *p, const char *key, struct bol_container_id *out, struct bol_diag *diag)
{
    struct bol_str s = { NULL, 0 };
    int r = jv_text(p, key, BOL_CONTAINER_ID_LEN, true, &s, diag);

    if (r < 0)
        return r;
    if (bol_container_id_normalize(s, out, diag) < 0)
        return bol_diag_wrap(diag, BOL_E_INVAL, key);
    if (!bol_str_eq_cstr(s, out->s))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' is not a normalised container id", key);
    return 0;
}

/* A place object as codec.h writes it. */
static int place_field(json_t *p, const char *key, struct bol_place *out, struct bol_diag *diag)
{
    json_t *o = NULL, *again = NULL;
    int r = jv_object(p, key, true, &o, diag);

    if (r < 0)
        return r;
    if ((r = bol_place_from_json(o, key, out, diag)) < 0 ||
        (r = bol_place_to_json(out, &again)) < 0)
        return r;
    return bol_ev_same(o, again, key, diag);
}

static int container_field(json_t *p, const char *key, struct bol_container *out,
                           struct bol_diag *diag)
{
    json_t *o = NULL, *again = NULL;
    int r = jv_object(p, key, true, &o, diag);

    if (r < 0)
        return r;
    if ((r = bol_container_from_json(o, out, diag)) < 0 ||
        (r = bol_container_to_json(out, &again)) < 0)
        return r;
    return bol_ev_same(o, again, "container", diag);
}

static int reason_field(json_t *p, bool required, struct bol_str *out, struct bol_diag *diag)
{
    return jv_text(p, "reason", BOL_REASON_MAX, required, out, diag);
}

static int seq_field(json_t *p, const char *key, bool required, uint64_t *out,
                     struct bol_diag *diag)
{
    int64_t v = 0;
    int r = jv_int(p, key, 1, INT64_MAX, required, &v, diag);

    *out = (uint64_t) v;
    return r;
}

/* ---- rows ---- */

static int history(const struct bol_entry *e, const struct bol_mutation_sink *sink,
                   const char *container, const char *from, const char *to, struct bol_str note)
{
    struct bol_value row[8];

    row[0] = TEXT(container);
    row[1] = BOL_VAL_INT(e->seq);
    row[2] = BOL_VAL_TEXT(e->type);
    row[3] = BOL_VAL_INT(e->at_us);
    row[4] = bol_ev_actor(e);
    row[5] = from ? TEXT(from) : BOL_VAL_NULL;
    row[6] = to ? TEXT(to) : BOL_VAL_NULL;
    row[7] = note.len ? BOL_VAL_TEXT(note) : BOL_VAL_NULL;
    return sink->put(sink->ctx, &bol_t_history, row);
}

/* The 20 ft bays a box of this length takes at bay (yard or vessel numbering). */
static unsigned positions(uint16_t bay, unsigned length, uint16_t out[2])
{
    if (length == 40 && bay >= 2) {
        out[0] = (uint16_t) (bay - 1);
        out[1] = (uint16_t) (bay + 1);
        return 2;
    }
    out[0] = bay;
    return 1;
}

struct place_text {
    char text[BOL_PLACE_TEXT_MAX];
    char cell[BOL_CELL_TEXT_MAX];
};

/* Set the place columns of a container row (and their bits in *mask). */
static void place_cols(const struct bol_place *p, struct bol_str terminal, struct place_text *pt,
                       struct bol_value *row, uint32_t *mask)
{
    unsigned c;

    bol_place_format(p, pt->text);
    for (c = C_PLACE; c <= C_TRUCK; c++) {
        row[c] = BOL_VAL_NULL;
        *mask |= 1u << c;
    }
    row[C_PLACE] = TEXT(bol_place_kind_names[p->kind]);
    if (p->kind != BOL_PLACE_NONE && p->kind != BOL_PLACE_GONE)
        row[C_TERMINAL] = terminal.len ? BOL_VAL_TEXT(terminal) : BOL_VAL_NULL;
    switch (p->kind) {
    case BOL_PLACE_YARD:
        row[C_TERMINAL] = TEXT(p->yard.terminal);
        row[C_BLOCK] = TEXT(p->yard.block);
        row[C_BAY] = BOL_VAL_INT(p->yard.bay);
        row[C_ROW] = BOL_VAL_INT(p->yard.row);
        row[C_TIER] = BOL_VAL_INT(p->yard.tier);
        break;
    case BOL_PLACE_VESSEL:
        bol_cell_format(&p->cell, pt->cell);
        row[C_VISIT] = TEXT(p->visit);
        row[C_CELL] = TEXT(pt->cell);
        row[C_BAY] = BOL_VAL_INT(p->cell.bay);
        row[C_ROW] = BOL_VAL_INT(p->cell.row);
        row[C_TIER] = BOL_VAL_INT(p->cell.tier);
        break;
    case BOL_PLACE_QUAY:
        row[C_VISIT] = TEXT(p->visit);
        break;
    case BOL_PLACE_TRUCK:
        row[C_TRUCK] = BOL_VAL_INT(p->truck);
        break;
    default:
        break;
    }
}

/* Take (put = false) or fill the slot rows of a place. */
static int slots(const struct bol_mutation_sink *sink, const struct bol_place *p, unsigned length,
                 const char *container, bool put)
{
    uint16_t bays[2];
    unsigned n, i;
    int r = 0;

    if (p->kind == BOL_PLACE_YARD) {
        n = positions(p->yard.bay, length, bays);
        for (i = 0; i < n && r == 0; i++) {
            struct bol_value row[7] = {
                TEXT(p->yard.terminal),   TEXT(p->yard.block),       BOL_VAL_INT(bays[i]),
                BOL_VAL_INT(p->yard.row), BOL_VAL_INT(p->yard.tier), TEXT(container),
                BOL_VAL_INT(length),
            };

            r = put ? sink->put(sink->ctx, &bol_t_yard_slot, row)
                    : sink->del(sink->ctx, &bol_t_yard_slot, row);
        }
    } else if (p->kind == BOL_PLACE_VESSEL) {
        n = positions(p->cell.bay, length, bays);
        for (i = 0; i < n && r == 0; i++) {
            struct bol_value row[6] = {
                TEXT(p->visit),           BOL_VAL_INT(bays[i]),
                BOL_VAL_INT(p->cell.row), BOL_VAL_INT(p->cell.tier),
                TEXT(container),          BOL_VAL_INT(length),
            };

            r = put ? sink->put(sink->ctx, &bol_t_vessel_slot, row)
                    : sink->del(sink->ctx, &bol_t_vessel_slot, row);
        }
    }
    return r;
}

/* An update of a row that must exist: a missing one means the journal and state disagree. */
static int upd(const struct bol_mutation_sink *sink, const struct bol_table *t,
               const struct bol_value *row, uint32_t mask, const char *what, struct bol_diag *diag)
{
    int r = sink->upd(sink->ctx, t, row, mask);

    if (r == BOL_E_NOTFOUND)
        return bol_diag_fail(diag, BOL_E_INVAL, "payload", "no %s to change", what);
    return r;
}

/* ---- container.registered ---- */

static const char *const registered_keys[] = { "container", "at", "reason", NULL };

/*
 * A box is registered nowhere (it will come by road), on board an arriving
 * vessel, or - with a reason - straight into a yard slot: the stock taken on
 * at go-live or found by a yard audit.
 */
struct registered {
    struct bol_container c;
    struct bol_place at;
    struct bol_str reason;
};

static int registered_decode(json_t *p, struct registered *out, struct bol_diag *diag)
{
    int r;

    memset(out, 0, sizeof(*out));
    if ((r = jv_only(p, registered_keys, diag)) < 0 ||
        (r = container_field(p, "container", &out->c, diag)) < 0)
        return r;
    if (json_object_get(p, "at")) {
        if ((r = place_field(p, "at", &out->at, diag)) < 0)
            return r;
        if (out->at.kind != BOL_PLACE_VESSEL && out->at.kind != BOL_PLACE_YARD)
            return bol_diag_fail(diag, BOL_E_INVAL, "at",
                                 "a box is registered on a vessel, in the yard or nowhere");
    }
    if ((r = reason_field(p, out->at.kind == BOL_PLACE_YARD, &out->reason, diag)) < 0)
        return r;
    if (!bol_container_length_class(&out->c))
        return bol_diag_fail(diag, BOL_E_INVAL, "sizetype",
                             "size-type %s is neither 20 nor 40 ft long", out->c.sizetype);
    return 0;
}

static int registered_check(json_t *p, struct bol_diag *diag)
{
    struct registered x;

    return registered_decode(p, &x, diag);
}

/* The DG classes as text ("3,6.1"), for lists; "" when none. */
static void dg_text(const struct bol_container *c, char out[BOL_DG_MAX * 6])
{
    unsigned i;
    size_t n = 0;

    out[0] = '\0';
    for (i = 0; i < c->ndg; i++) {
        char cls[5];

        bol_imdg_class_format(&c->dg[i].cls, cls);
        n += (size_t) snprintf(out + n, BOL_DG_MAX * 6 - n, "%s%s", i ? "," : "", cls);
    }
}

/* The master-data columns of a container row. */
static void master_cols(const struct bol_container *c, const char *doc, char dg[BOL_DG_MAX * 6],
                        struct bol_value *row, uint32_t *mask)
{
    unsigned col;

    dg_text(c, dg);
    row[C_ID] = TEXT(c->id.s);
    row[C_SIZETYPE] = TEXT(c->sizetype);
    row[C_LENGTH] = BOL_VAL_INT(bol_container_length_class(c));
    row[C_LINE] = c->line[0] ? TEXT(c->line) : BOL_VAL_NULL;
    row[C_CATEGORY] = TEXT(bol_category_names[c->category]);
    row[C_FULL] = BOL_VAL_INT(c->full);
    row[C_CHECK_OK] = BOL_VAL_INT(c->check_digit_ok);
    row[C_MASS] = BOL_VAL_INT(bol_container_mass_kg(c));
    row[C_REEFER_ON] = BOL_VAL_INT(c->reefer_on);
    row[C_DG] = dg[0] ? TEXT(dg) : BOL_VAL_NULL;
    row[C_POD] = c->pod[0] ? TEXT(c->pod) : BOL_VAL_NULL;
    row[C_DOC] = TEXT(doc);
    for (col = C_SIZETYPE; col <= C_DOC; col++)
        *mask |= 1u << col;
}

static int registered_apply(const struct bol_entry *e, json_t *p,
                            const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct registered x;
    struct bol_value row[C_NCOLS];
    struct place_text pt;
    char dg[BOL_DG_MAX * 6];
    struct bol_buf doc = BOL_BUF_INIT(BOL_ENTRY_MAX);
    uint32_t mask = 0;
    int r = registered_decode(p, &x, diag);

    if (r < 0 || (r = jv_dump(json_object_get(p, "container"), &doc)) < 0)
        return r;
    master_cols(&x.c, doc.buf, dg, row, &mask);
    place_cols(&x.at, e->terminal, &pt, row, &mask);
    row[C_PLACE_SEQ] = BOL_VAL_INT(e->seq);
    row[C_ARRIVED] = BOL_VAL_NULL;
    row[C_DEPARTED] = BOL_VAL_NULL;
    row[C_REGISTERED_SEQ] = BOL_VAL_INT(e->seq);
    row[C_UPDATED_SEQ] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_container, row);
    if (r == 0)
        r = slots(sink, &x.at, bol_container_length_class(&x.c), x.c.id.s, true);
    if (r == 0)
        r = history(e, sink, x.c.id.s, NULL, pt.text, x.reason);
    bol_buf_release(&doc);
    return r;
}

/* ---- container.corrected ---- */

static const char *const corrected_keys[] = { "container", "reason", "was", NULL };

static int corrected_decode(json_t *p, struct bol_container *c, struct bol_str *reason,
                            json_t **was, struct bol_diag *diag)
{
    const char *k;
    json_t *v;
    int r;

    if ((r = jv_only(p, corrected_keys, diag)) < 0 ||
        (r = container_field(p, "container", c, diag)) < 0 ||
        (r = reason_field(p, true, reason, diag)) < 0 ||
        (r = jv_object(p, "was", true, was, diag)) < 0)
        return r;
    if (!json_object_size(*was))
        return bol_diag_fail(diag, BOL_E_INVAL, "was", "a correction changes something");
    json_object_foreach(*was, k, v)
    {
        size_t i;
        bool known = false;

        (void) v;
        for (i = 0; bol_container_keys[i] && !known; i++)
            known = !strcmp(k, bol_container_keys[i]);
        if (!known || !strcmp(k, "id"))
            return bol_diag_fail(diag, BOL_E_INVAL, "was", "'was' names '%.40s', not a field", k);
    }
    return 0;
}

static int corrected_check(json_t *p, struct bol_diag *diag)
{
    struct bol_container c;
    struct bol_str reason;
    json_t *was;

    return corrected_decode(p, &c, &reason, &was, diag);
}

static int corrected_apply(const struct bol_entry *e, json_t *p,
                           const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct bol_container c;
    struct bol_str reason;
    struct bol_value row[C_NCOLS];
    char dg[BOL_DG_MAX * 6];
    struct bol_buf doc = BOL_BUF_INIT(BOL_ENTRY_MAX), was_text = BOL_BUF_INIT(BOL_ENTRY_MAX);
    char note[BOL_REASON_MAX + 512];
    json_t *was;
    uint32_t mask = 0;
    int r = corrected_decode(p, &c, &reason, &was, diag);

    if (r < 0 || (r = jv_dump(json_object_get(p, "container"), &doc)) < 0 ||
        (r = jv_dump(was, &was_text)) < 0) {
        bol_buf_release(&doc);
        return r;
    }
    memset(row, 0, sizeof(row));
    master_cols(&c, doc.buf, dg, row, &mask);
    row[C_UPDATED_SEQ] = BOL_VAL_INT(e->seq);
    mask |= 1u << C_UPDATED_SEQ;
    r = upd(sink, &bol_t_container, row, mask, "container", diag);
    snprintf(note, sizeof(note), "%.*s; was %.400s", (int) reason.len, reason.p, was_text.buf);
    if (r == 0)
        r = history(e, sink, c.id.s, NULL, NULL, bol_str_from(note));
    bol_buf_release(&doc);
    bol_buf_release(&was_text);
    return r;
}

/* ---- container.moved ---- */

static const char *const moved_keys[] = { "id",   "from", "to",          "length",
                                          "move", "wi",   "reported_at", NULL };

struct moved {
    struct bol_container_id id;
    struct bol_place from, to;
    unsigned length;
    unsigned move;
    uint64_t wi;
    int64_t reported_at_us; /* a move a partner's system reported: when it said; 0 */
};

static int moved_decode(json_t *p, struct moved *m, struct bol_diag *diag)
{
    int64_t len = 0;
    int r;

    memset(m, 0, sizeof(*m));
    if ((r = jv_only(p, moved_keys, diag)) < 0 || (r = id_field(p, "id", &m->id, diag)) < 0 ||
        (r = place_field(p, "from", &m->from, diag)) < 0 ||
        (r = place_field(p, "to", &m->to, diag)) < 0 ||
        (r = jv_int(p, "length", 20, 40, true, &len, diag)) < 0 ||
        (r = jv_enum(p, "move", bol_move_names, true, &m->move, diag)) < 0 ||
        (r = seq_field(p, "wi", false, &m->wi, diag)) < 0 ||
        (r = jv_time(p, "reported_at", false, &m->reported_at_us, diag)) < 0)
        return r;
    if (len != 20 && len != 40)
        return bol_diag_fail(diag, BOL_E_INVAL, "length", "'length' is 20 or 40");
    m->length = (unsigned) len;
    return 0;
}

static int moved_check(json_t *p, struct bol_diag *diag)
{
    struct moved m;

    return moved_decode(p, &m, diag);
}

static bool in_terminal(enum bol_place_kind k)
{
    return k == BOL_PLACE_QUAY || k == BOL_PLACE_YARD || k == BOL_PLACE_TRUCK;
}

/* A row of the move table for the moves partners are told of. */
static int reported_move(const struct bol_entry *e, const struct bol_mutation_sink *sink,
                         const struct moved *m)
{
    const struct bol_place *vessel = NULL;
    struct bol_value row[8];
    char cell[BOL_CELL_TEXT_MAX];
    uint64_t truck = 0;

    switch (m->move) {
    case BOL_MV_DISCHARGE:
        vessel = &m->from;
        break;
    case BOL_MV_LOAD:
        vessel = &m->to;
        break;
    case BOL_MV_GATE_IN:
        truck = m->to.truck;
        break;
    case BOL_MV_GATE_OUT:
        truck = m->from.truck;
        break;
    default:
        return 0;
    }
    row[0] = BOL_VAL_INT(e->seq);
    row[1] = TEXT(m->id.s);
    row[2] = TEXT(bol_move_names[m->move]);
    row[3] = BOL_VAL_INT(m->reported_at_us ? m->reported_at_us : e->at_us);
    row[4] = BOL_VAL_TEXT(e->terminal);
    row[5] = vessel ? TEXT(vessel->visit) : BOL_VAL_NULL;
    if (vessel && vessel->kind == BOL_PLACE_VESSEL) {
        bol_cell_format(&vessel->cell, cell);
        row[6] = TEXT(cell);
    } else {
        row[6] = BOL_VAL_NULL;
    }
    row[7] = truck ? BOL_VAL_INT((int64_t) truck) : BOL_VAL_NULL;
    return sink->put(sink->ctx, &bol_t_move, row);
}

static int moved_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct moved m;
    struct bol_value row[C_NCOLS];
    struct place_text from, to;
    uint32_t mask = 1u << C_PLACE_SEQ | 1u << C_UPDATED_SEQ;
    char note[48] = "";
    int r = moved_decode(p, &m, diag);

    if (r < 0)
        return r;
    memset(row, 0, sizeof(row));
    row[C_ID] = TEXT(m.id.s);
    bol_place_format(&m.from, from.text);
    place_cols(&m.to, e->terminal, &to, row, &mask);
    row[C_PLACE_SEQ] = BOL_VAL_INT(e->seq);
    row[C_UPDATED_SEQ] = BOL_VAL_INT(e->seq);
    if (in_terminal(m.to.kind) && !in_terminal(m.from.kind)) {
        row[C_ARRIVED] = BOL_VAL_INT(e->at_us);
        row[C_DEPARTED] = BOL_VAL_NULL;
        mask |= 1u << C_ARRIVED | 1u << C_DEPARTED;
    } else if (!in_terminal(m.to.kind) && in_terminal(m.from.kind)) {
        row[C_DEPARTED] = BOL_VAL_INT(e->at_us);
        mask |= 1u << C_DEPARTED;
    }
    r = upd(sink, &bol_t_container, row, mask, "container", diag);
    if (r == 0)
        r = slots(sink, &m.from, m.length, m.id.s, false);
    if (r == 0)
        r = slots(sink, &m.to, m.length, m.id.s, true);
    if (r == 0 && m.to.kind == BOL_PLACE_GONE) {
        struct bol_value key[1] = { TEXT(m.id.s) };

        r = sink->del(sink->ctx, &bol_t_release, key);
    }
    if (r == 0)
        r = reported_move(e, sink, &m);
    if (m.wi)
        snprintf(note, sizeof(note), "%s, wi %" PRIu64, bol_move_names[m.move], m.wi);
    else
        snprintf(note, sizeof(note), "%s", bol_move_names[m.move]);
    if (r == 0)
        r = history(e, sink, m.id.s, from.text, to.text, bol_str_from(note));
    return r;
}

/* ---- hold.placed, hold.lifted ---- */

static const char *const hold_placed_keys[] = { "id", "kind", "reason", "ref", NULL };
static const char *const hold_lifted_keys[] = { "id", "kind", "placed_seq", "reason", NULL };

struct hold_ev {
    struct bol_container_id id;
    unsigned kind;
    struct bol_str reason, ref;
    uint64_t placed_seq;
};

static int hold_decode(json_t *p, bool lifted, struct hold_ev *h, struct bol_diag *diag)
{
    int r;

    memset(h, 0, sizeof(*h));
    if ((r = jv_only(p, lifted ? hold_lifted_keys : hold_placed_keys, diag)) < 0 ||
        (r = id_field(p, "id", &h->id, diag)) < 0 ||
        (r = jv_enum(p, "kind", bol_hold_kind_names, true, &h->kind, diag)) < 0 ||
        (r = reason_field(p, true, &h->reason, diag)) < 0)
        return r;
    if (lifted)
        return seq_field(p, "placed_seq", true, &h->placed_seq, diag);
    return jv_text(p, "ref", BOL_REF_MAX, false, &h->ref, diag);
}

static int hold_placed_check(json_t *p, struct bol_diag *diag)
{
    struct hold_ev h;

    return hold_decode(p, false, &h, diag);
}

static int hold_lifted_check(json_t *p, struct bol_diag *diag)
{
    struct hold_ev h;

    return hold_decode(p, true, &h, diag);
}

static int hold_placed_apply(const struct bol_entry *e, json_t *p,
                             const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct hold_ev h;
    struct bol_value row[H_NCOLS];
    char note[BOL_REASON_MAX + 32];
    int r = hold_decode(p, false, &h, diag);

    if (r < 0)
        return r;
    row[H_CONTAINER] = TEXT(h.id.s);
    row[H_KIND] = TEXT(bol_hold_kind_names[h.kind]);
    row[H_PLACED_SEQ] = BOL_VAL_INT(e->seq);
    row[H_REASON] = BOL_VAL_TEXT(h.reason);
    row[H_REF] = h.ref.len ? BOL_VAL_TEXT(h.ref) : BOL_VAL_NULL;
    row[H_PLACED_BY] = bol_ev_actor(e);
    row[H_PLACED_US] = BOL_VAL_INT(e->at_us);
    row[H_LIFTED_SEQ] = BOL_VAL_NULL;
    row[H_LIFTED_BY] = BOL_VAL_NULL;
    row[H_LIFTED_US] = BOL_VAL_NULL;
    row[H_LIFT_REASON] = BOL_VAL_NULL;
    r = sink->put(sink->ctx, &bol_t_hold, row);
    snprintf(note, sizeof(note), "%s hold: %.*s", bol_hold_kind_names[h.kind], (int) h.reason.len,
             h.reason.p);
    return r ? r : history(e, sink, h.id.s, NULL, NULL, bol_str_from(note));
}

static int hold_lifted_apply(const struct bol_entry *e, json_t *p,
                             const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct hold_ev h;
    struct bol_value row[H_NCOLS];
    char note[BOL_REASON_MAX + 32];
    int r = hold_decode(p, true, &h, diag);

    if (r < 0)
        return r;
    memset(row, 0, sizeof(row));
    row[H_CONTAINER] = TEXT(h.id.s);
    row[H_KIND] = TEXT(bol_hold_kind_names[h.kind]);
    row[H_PLACED_SEQ] = BOL_VAL_INT(h.placed_seq);
    row[H_LIFTED_SEQ] = BOL_VAL_INT(e->seq);
    row[H_LIFTED_BY] = bol_ev_actor(e);
    row[H_LIFTED_US] = BOL_VAL_INT(e->at_us);
    row[H_LIFT_REASON] = BOL_VAL_TEXT(h.reason);
    r = upd(sink, &bol_t_hold, row,
            1u << H_LIFTED_SEQ | 1u << H_LIFTED_BY | 1u << H_LIFTED_US | 1u << H_LIFT_REASON,
            "hold", diag);
    snprintf(note, sizeof(note), "%s hold lifted: %.*s", bol_hold_kind_names[h.kind],
             (int) h.reason.len, h.reason.p);
    return r ? r : history(e, sink, h.id.s, NULL, NULL, bol_str_from(note));
}

/* ---- release.granted, release.revoked ---- */

static const char *const granted_keys[] = { "id", "ref", NULL };
static const char *const revoked_keys[] = { "id", "reason", NULL };

static int release_decode(json_t *p, bool revoked, struct bol_container_id *id,
                          struct bol_str *text, struct bol_diag *diag)
{
    int r;

    if ((r = jv_only(p, revoked ? revoked_keys : granted_keys, diag)) < 0 ||
        (r = id_field(p, "id", id, diag)) < 0)
        return r;
    if (revoked)
        return reason_field(p, true, text, diag);
    return jv_text(p, "ref", BOL_REF_MAX, true, text, diag);
}

static int granted_check(json_t *p, struct bol_diag *diag)
{
    struct bol_container_id id;
    struct bol_str s;

    return release_decode(p, false, &id, &s, diag);
}

static int revoked_check(json_t *p, struct bol_diag *diag)
{
    struct bol_container_id id;
    struct bol_str s;

    return release_decode(p, true, &id, &s, diag);
}

static int granted_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         struct bol_diag *diag)
{
    struct bol_container_id id;
    struct bol_str ref;
    char note[BOL_REF_MAX + 16];
    int r = release_decode(p, false, &id, &ref, diag);

    if (r < 0)
        return r;
    {
        struct bol_value row[5] = { TEXT(id.s), BOL_VAL_TEXT(ref), BOL_VAL_INT(e->seq),
                                    bol_ev_actor(e), BOL_VAL_INT(e->at_us) };

        r = sink->put(sink->ctx, &bol_t_release, row);
    }
    snprintf(note, sizeof(note), "release %.*s", (int) ref.len, ref.p);
    return r ? r : history(e, sink, id.s, NULL, NULL, bol_str_from(note));
}

static int revoked_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         struct bol_diag *diag)
{
    struct bol_container_id id;
    struct bol_str reason;
    int r = release_decode(p, true, &id, &reason, diag);

    if (r < 0)
        return r;
    {
        struct bol_value key[1] = { TEXT(id.s) };

        r = sink->del(sink->ctx, &bol_t_release, key);
    }
    return r ? r : history(e, sink, id.s, NULL, NULL, reason);
}

/* ---- truck.arrived, truck.departed ---- */

static const char *const arrived_keys[] = { "person", "driver", "plate", "company", "ref", NULL };
static const char *const departed_keys[] = { "truck", NULL };

struct arrived {
    struct bol_str person, driver, plate, company, ref;
};

/* A client's reference for a truck visit or a work instruction. */
static int ref_field(json_t *p, struct bol_str *out, struct bol_diag *diag)
{
    size_t i;
    int r = jv_text(p, "ref", BOL_REF_MAX, false, out, diag);

    for (i = 0; r == 0 && i < out->len; i++) {
        char c = out->p[i];

        if (!bol_is_alpha(c) && !bol_is_digit(c) && !strchr("-_./:", c))
            return bol_diag_fail(diag, BOL_E_INVAL, "ref",
                                 "'ref' may contain letters, digits and - _ . / :");
    }
    return r;
}

/* Sealed text for this person and field. */
static int sealed_field(json_t *p, const char *key, struct bol_str person, struct bol_str *out,
                        struct bol_diag *diag)
{
    struct bol_str who;
    int r = jv_text(p, key, 4 * BOL_PII_VALUE_MAX, true, out, diag);

    if (r < 0)
        return r;
    if (bol_pii_person(*out, &who, NULL) < 0 || !bol_str_eq(who, person))
        return bol_diag_fail(diag, BOL_E_INVAL, key, "'%s' must be sealed for person '%.*s'", key,
                             (int) person.len, person.p);
    return 0;
}

static int arrived_decode(json_t *p, struct arrived *a, struct bol_diag *diag)
{
    int r;

    memset(a, 0, sizeof(*a));
    if ((r = jv_only(p, arrived_keys, diag)) < 0 ||
        (r = jv_text(p, "person", BOL_PII_PERSON_MAX, true, &a->person, diag)) < 0 ||
        (r = bol_pii_check_person(a->person, diag)) < 0 ||
        (r = sealed_field(p, "driver", a->person, &a->driver, diag)) < 0 ||
        (r = sealed_field(p, "plate", a->person, &a->plate, diag)) < 0 ||
        (r = jv_text(p, "company", BOL_NAME_MAX, false, &a->company, diag)) < 0 ||
        (r = ref_field(p, &a->ref, diag)) < 0)
        return r;
    return 0;
}

static int arrived_check(json_t *p, struct bol_diag *diag)
{
    struct arrived a;

    return arrived_decode(p, &a, diag);
}

static int arrived_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         struct bol_diag *diag)
{
    struct arrived a;
    struct bol_value row[T_NCOLS];
    int r = arrived_decode(p, &a, diag);

    if (r < 0)
        return r;
    if (!e->terminal.len)
        return bol_diag_fail(diag, BOL_E_INVAL, "terminal", "a truck arrives at a terminal");
    row[T_ID] = BOL_VAL_INT(e->seq);
    row[T_TERMINAL] = BOL_VAL_TEXT(e->terminal);
    row[T_REF] = a.ref.len ? BOL_VAL_TEXT(a.ref) : BOL_VAL_NULL;
    row[T_PERSON] = BOL_VAL_TEXT(a.person);
    row[T_DRIVER] = BOL_VAL_TEXT(a.driver);
    row[T_PLATE] = BOL_VAL_TEXT(a.plate);
    row[T_COMPANY] = a.company.len ? BOL_VAL_TEXT(a.company) : BOL_VAL_NULL;
    row[T_ARRIVED] = BOL_VAL_INT(e->at_us);
    row[T_DEPARTED] = BOL_VAL_NULL;
    return sink->put(sink->ctx, &bol_t_truck_visit, row);
}

static int departed_check(json_t *p, struct bol_diag *diag)
{
    uint64_t t;
    int r = jv_only(p, departed_keys, diag);

    return r ? r : seq_field(p, "truck", true, &t, diag);
}

static int departed_apply(const struct bol_entry *e, json_t *p,
                          const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct bol_value row[T_NCOLS];
    uint64_t t = 0;
    int r = departed_check(p, diag);

    if (r < 0)
        return r;
    (void) seq_field(p, "truck", true, &t, diag);
    memset(row, 0, sizeof(row));
    row[T_ID] = BOL_VAL_INT(t);
    row[T_DEPARTED] = BOL_VAL_INT(e->at_us);
    return upd(sink, &bol_t_truck_visit, row, 1u << T_DEPARTED, "truck visit", diag);
}

/* ---- work instructions ---- */

static const char *const planned_keys[] = { "kind",      "id",        "to",  "visit", "priority",
                                            "queue_seq", "equipment", "ref", NULL };

struct planned {
    unsigned kind;
    struct bol_container_id id;
    struct bol_place to;
    struct bol_str visit, equipment, ref;
    int64_t priority, queue_seq;
};

static int planned_decode(json_t *p, struct planned *w, struct bol_diag *diag)
{
    int r;

    memset(w, 0, sizeof(*w));
    if ((r = jv_only(p, planned_keys, diag)) < 0 ||
        (r = jv_enum(p, "kind", bol_wi_kind_names, true, &w->kind, diag)) < 0 ||
        (r = id_field(p, "id", &w->id, diag)) < 0 || (r = place_field(p, "to", &w->to, diag)) < 0 ||
        (r = jv_text(p, "visit", BOL_VISIT_ID_MAX, false, &w->visit, diag)) < 0 ||
        (r = jv_text(p, "equipment", BOL_EQUIP_ID_MAX, false, &w->equipment, diag)) < 0 ||
        (r = jv_int(p, "priority", -1000, 1000, true, &w->priority, diag)) < 0 ||
        (r = jv_int(p, "queue_seq", 0, INT64_MAX, true, &w->queue_seq, diag)) < 0 ||
        (r = ref_field(p, &w->ref, diag)) < 0)
        return r;
    if (w->visit.len && (r = bol_visit_id_check(w->visit, diag)) < 0)
        return r;
    return 0;
}

static int planned_check(json_t *p, struct bol_diag *diag)
{
    struct planned w;

    return planned_decode(p, &w, diag);
}

static int planned_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         struct bol_diag *diag)
{
    struct planned w;
    struct bol_value row[W_NCOLS];
    char dest[BOL_PLACE_TEXT_MAX], cell[BOL_CELL_TEXT_MAX];
    char note[BOL_PLACE_TEXT_MAX + 32];
    struct bol_buf doc = BOL_BUF_INIT(4096);
    int r = planned_decode(p, &w, diag);

    if (r < 0)
        return r;
    if (!e->terminal.len)
        return bol_diag_fail(diag, BOL_E_INVAL, "terminal", "work is done at a terminal");
    if ((r = jv_dump(json_object_get(p, "to"), &doc)) < 0)
        return r;
    bol_place_format(&w.to, dest);
    row[W_ID] = BOL_VAL_INT(e->seq);
    row[W_TERMINAL] = BOL_VAL_TEXT(e->terminal);
    row[W_REF] = w.ref.len ? BOL_VAL_TEXT(w.ref) : BOL_VAL_NULL;
    row[W_KIND] = TEXT(bol_wi_kind_names[w.kind]);
    row[W_CONTAINER] = TEXT(w.id.s);
    row[W_VISIT] = w.visit.len ? BOL_VAL_TEXT(w.visit) : BOL_VAL_NULL;
    row[W_DEST] = TEXT(dest);
    row[W_DEST_DOC] = TEXT(doc.buf);
    row[W_DEST_AREA] = row[W_DEST_BAY] = row[W_DEST_ROW] = row[W_DEST_TIER] = BOL_VAL_NULL;
    if (w.to.kind == BOL_PLACE_YARD) {
        row[W_DEST_AREA] = TEXT(w.to.yard.block);
        row[W_DEST_BAY] = BOL_VAL_INT(w.to.yard.bay);
        row[W_DEST_ROW] = BOL_VAL_INT(w.to.yard.row);
        row[W_DEST_TIER] = BOL_VAL_INT(w.to.yard.tier);
    } else if (w.to.kind == BOL_PLACE_VESSEL) {
        bol_cell_format(&w.to.cell, cell);
        row[W_DEST_AREA] = TEXT(w.to.visit);
        row[W_DEST_BAY] = BOL_VAL_INT(w.to.cell.bay);
        row[W_DEST_ROW] = BOL_VAL_INT(w.to.cell.row);
        row[W_DEST_TIER] = BOL_VAL_INT(w.to.cell.tier);
    }
    row[W_STATUS] = TEXT(bol_wi_status_names[BOL_WIS_PLANNED]);
    row[W_EQUIPMENT] = w.equipment.len ? BOL_VAL_TEXT(w.equipment) : BOL_VAL_NULL;
    row[W_QUEUE_SEQ] = BOL_VAL_INT(w.queue_seq);
    row[W_PRIORITY] = BOL_VAL_INT(w.priority);
    row[W_PLANNED_US] = BOL_VAL_INT(e->at_us);
    row[W_UPDATED_SEQ] = BOL_VAL_INT(e->seq);
    row[W_REASON] = BOL_VAL_NULL;
    r = sink->put(sink->ctx, &bol_t_wi, row);
    snprintf(note, sizeof(note), "wi %" PRIu64 " %s to %s", e->seq, bol_wi_kind_names[w.kind],
             dest);
    bol_buf_release(&doc);
    return r ? r : history(e, sink, w.id.s, NULL, NULL, bol_str_from(note));
}

/* wi.dispatched, wi.started, wi.completed, wi.cancelled, wi.failed: a change of status. */
static const char *const wi_step_keys[] = { "wi", "id", "equipment", "queue_seq", "reason", NULL };

struct wi_step {
    uint64_t wi;
    struct bol_container_id id;
    struct bol_str equipment, reason;
    int64_t queue_seq;
    bool has_queue_seq;
};

static int wi_step_decode(json_t *p, enum bol_wi_status to, struct wi_step *s,
                          struct bol_diag *diag)
{
    int r;

    memset(s, 0, sizeof(*s));
    s->queue_seq = -1;
    if ((r = jv_only(p, wi_step_keys, diag)) < 0 ||
        (r = seq_field(p, "wi", true, &s->wi, diag)) < 0 ||
        (r = id_field(p, "id", &s->id, diag)) < 0 ||
        (r = jv_text(p, "equipment", BOL_EQUIP_ID_MAX, to == BOL_WIS_DISPATCHED, &s->equipment,
                     diag)) < 0 ||
        (r = jv_int(p, "queue_seq", 0, INT64_MAX, false, &s->queue_seq, diag)) < 0 ||
        (r = reason_field(p, to == BOL_WIS_CANCELLED || to == BOL_WIS_FAILED, &s->reason, diag)) <
            0)
        return r;
    if (to != BOL_WIS_DISPATCHED && (s->equipment.len || s->queue_seq >= 0))
        return bol_diag_fail(diag, BOL_E_INVAL, "equipment",
                             "only a dispatch names equipment and a queue position");
    if (to != BOL_WIS_CANCELLED && to != BOL_WIS_FAILED && s->reason.len)
        return bol_diag_fail(diag, BOL_E_INVAL, "reason", "no reason is given here");
    return 0;
}

static int wi_step_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         enum bol_wi_status to, struct bol_diag *diag)
{
    struct wi_step s;
    struct bol_value row[W_NCOLS];
    uint32_t mask = 1u << W_STATUS | 1u << W_UPDATED_SEQ;
    char note[BOL_REASON_MAX + 64];
    int r = wi_step_decode(p, to, &s, diag);

    if (r < 0)
        return r;
    memset(row, 0, sizeof(row));
    row[W_ID] = BOL_VAL_INT(s.wi);
    row[W_STATUS] = TEXT(bol_wi_status_names[to]);
    row[W_UPDATED_SEQ] = BOL_VAL_INT(e->seq);
    if (to == BOL_WIS_DISPATCHED) {
        row[W_EQUIPMENT] = BOL_VAL_TEXT(s.equipment);
        mask |= 1u << W_EQUIPMENT;
        if (s.queue_seq >= 0) {
            row[W_QUEUE_SEQ] = BOL_VAL_INT(s.queue_seq);
            mask |= 1u << W_QUEUE_SEQ;
        }
    }
    if (s.reason.len) {
        row[W_REASON] = BOL_VAL_TEXT(s.reason);
        mask |= 1u << W_REASON;
    }
    r = upd(sink, &bol_t_wi, row, mask, "work instruction", diag);
    if (to == BOL_WIS_DISPATCHED)
        snprintf(note, sizeof(note), "wi %" PRIu64 " to %.*s", s.wi, (int) s.equipment.len,
                 s.equipment.p);
    else if (s.reason.len)
        snprintf(note, sizeof(note), "wi %" PRIu64 ": %.*s", s.wi, (int) s.reason.len, s.reason.p);
    else
        snprintf(note, sizeof(note), "wi %" PRIu64, s.wi);
    return r ? r : history(e, sink, s.id.s, NULL, NULL, bol_str_from(note));
}

#define WI_STEP(name, status)                                                                      \
    static int wi_##name##_check(json_t *p, struct bol_diag *diag)                                 \
    {                                                                                              \
        struct wi_step s;                                                                          \
                                                                                                   \
        return wi_step_decode(p, status, &s, diag);                                                \
    }                                                                                              \
    static int wi_##name##_apply(const struct bol_entry *e, json_t *p,                             \
                                 const struct bol_mutation_sink *sink, struct bol_diag *diag)      \
    {                                                                                              \
        return wi_step_apply(e, p, sink, status, diag);                                            \
    }

WI_STEP(dispatched, BOL_WIS_DISPATCHED)
WI_STEP(started, BOL_WIS_IN_PROGRESS)
WI_STEP(completed, BOL_WIS_COMPLETED)
WI_STEP(cancelled, BOL_WIS_CANCELLED)
WI_STEP(failed, BOL_WIS_FAILED)

/* ---- person.erased: a person's key was destroyed (the journal keeps only the fact) ---- */

static const char *const erased_keys[] = { "person", NULL };

static int erased_check(json_t *p, struct bol_diag *diag)
{
    struct bol_str person;
    int r;

    if ((r = jv_only(p, erased_keys, diag)) < 0 ||
        (r = jv_text(p, "person", BOL_PII_PERSON_MAX, true, &person, diag)) < 0)
        return r;
    return bol_pii_check_person(person, diag);
}

static int erased_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                        struct bol_diag *diag)
{
    (void) e;
    (void) sink;
    return erased_check(p, diag);
}

const struct bol_event_def bol_ops_events[] = {
    { "container.corrected", 1, NULL, corrected_check, corrected_apply },
    { "container.moved", 1, NULL, moved_check, moved_apply },
    { "container.registered", 1, NULL, registered_check, registered_apply },
    { "hold.lifted", 1, NULL, hold_lifted_check, hold_lifted_apply },
    { "hold.placed", 1, NULL, hold_placed_check, hold_placed_apply },
    { "person.erased", 1, NULL, erased_check, erased_apply },
    { "release.granted", 1, NULL, granted_check, granted_apply },
    { "release.revoked", 1, NULL, revoked_check, revoked_apply },
    { "truck.arrived", 1, NULL, arrived_check, arrived_apply },
    { "truck.departed", 1, NULL, departed_check, departed_apply },
    { "wi.cancelled", 1, NULL, wi_cancelled_check, wi_cancelled_apply },
    { "wi.completed", 1, NULL, wi_completed_check, wi_completed_apply },
    { "wi.dispatched", 1, NULL, wi_dispatched_check, wi_dispatched_apply },
    { "wi.failed", 1, NULL, wi_failed_check, wi_failed_apply },
    { "wi.planned", 1, NULL, planned_check, planned_apply },
    { "wi.started", 1, NULL, wi_started_check, wi_started_apply },
};
const size_t bol_ops_nevents = BOL_ARRAY_SIZE(bol_ops_events);
