/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_slot.c - slot.mark: a visit's reserved and blocked cells, as a bay
 * plan gives them; and the check that keeps boxes out of blocked cells
 */
#include "compat.h"

#include "cmd-int.h"
#include "events-int.h"
#include "jsonv.h"
#include "mem.h"
#include "slot_mark.h"
#include "view.h"

/* Index of cell text in a's cells, or -1. */
static long find_cell(json_t *a, const char *key, const char *cell)
{
    size_t i;
    json_t *m;

    json_array_foreach(a, i, m)
    {
        json_t *c = key ? json_object_get(m, key) : m;

        if (!strcmp(json_string_value(c), cell))
            return (long) i;
    }
    return -1;
}

/* The marks of the command as canonical objects, each cell checked against the vessel. */
static int marks_arg(struct run *r, json_t *marks, const struct bol_cell_frame *f, json_t *out)
{
    static const char *const keys[] = { "cell", "kind", "reason", NULL };
    struct bol_str cell, reason = { NULL, 0 };
    struct bol_cell c;
    char text[BOL_CELL_TEXT_MAX];
    unsigned kind;
    json_t *m, *o;
    size_t i;
    int rc;

    json_array_foreach(marks, i, m)
    {
        if (!json_is_object(m))
            return FAIL(r, BOL_E_INVAL, "marks", "marks[%zu] must be an object", i);
        if ((rc = jv_only(m, keys, r->diag)) < 0 ||
            (rc = jv_text(m, "cell", 8, true, &cell, r->diag)) < 0 ||
            (rc = jv_enum(m, "kind", bol_slot_kind_names, true, &kind, r->diag)) < 0 ||
            (rc = jv_text(m, "reason", BOL_SLOT_REASON_MAX, false, &reason, r->diag)) < 0)
            return bol_diag_wrap(r->diag, rc, "marks");
        if (bol_cell_parse(cell, &c, r->diag) < 0 || bol_cell_check(&c, f, r->diag) < 0)
            return bol_diag_wrap(r->diag, BOL_E_INVAL, "marks");
        bol_cell_format(&c, text);
        if (find_cell(out, "cell", text) >= 0)
            return FAIL(r, BOL_E_INVAL, "marks", "cell %s is marked twice", text);
        o = json_pack("{s:s, s:s}", "cell", text, "kind", bol_slot_kind_names[kind]);
        if (!o || (reason.len && jv_set_strn(o, "reason", reason) < 0) ||
            json_array_append_new(out, o) != 0) {
            json_decref(o);
            return FAIL(r, BOL_E_NOMEM, "marks", "out of memory");
        }
        reason.len = 0;
    }
    return 0;
}

/*
 * Replace a visit's marks: {"visit", "ref", "marks": [{"cell", "kind",
 * "reason"}]}.  Earlier marks the new list does not name are cleared.
 */
int bol_c_slot_mark(struct run *r)
{
    static const char *const keys[] = { "visit", "ref", "marks", NULL };
    struct bol_str visit, ref;
    struct bol_visit vis;
    struct bol_vessel ves;
    struct bol_slot_mark *old = NULL;
    char id[BOL_VISIT_ID_MAX + 1], text[BOL_CELL_TEXT_MAX];
    json_t *marks = NULL, *canon = NULL, *cleared = NULL, *p;
    unsigned n = 0, i;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text(r->cmd, "visit", BOL_VISIT_ID_MAX, true, &visit, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "ref", BOL_SLOT_REF_MAX, true, &ref, r->diag)) < 0 ||
        (rc = jv_array(r->cmd, "marks", BOL_SLOT_MARKS_MAX, true, &marks, r->diag)) < 0)
        return rc;
    snprintf(id, sizeof(id), "%.*s", (int) visit.len, visit.p);
    rc = r->v->visit(r->v->ctx, id, &vis);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, rc, "visit", "no vessel visit %s", id);
    if (rc < 0 || (rc = r->v->vessel(r->v->ctx, vis.imo, &ves)) < 0)
        return rc;
    if (vis.phase == BOL_PHASE_DEPARTED)
        return FAIL(r, BOL_E_STATE, "visit", "vessel visit %s has departed", id);
    canon = json_array();
    cleared = json_array();
    old = bol_calloc(BOL_SLOT_MARKS_MAX, sizeof(*old));
    if (!canon || !cleared || !old) {
        rc = FAIL(r, BOL_E_NOMEM, "marks", "out of memory");
        goto out;
    }
    if ((rc = marks_arg(r, marks, &ves.profile.frame, canon)) < 0 ||
        (rc = r->v->slot_marks(r->v->ctx, id, NULL, old, BOL_SLOT_MARKS_MAX, &n)) < 0)
        goto out;
    for (i = 0; i < n; i++) {
        bol_cell_format(&old[i].cell, text);
        if (find_cell(canon, "cell", text) < 0 &&
            json_array_append_new(cleared, json_string(text)) != 0) {
            rc = FAIL(r, BOL_E_NOMEM, "marks", "out of memory");
            goto out;
        }
    }
    if (!json_array_size(canon) && !json_array_size(cleared)) {
        rc = FAIL(r, BOL_E_INVAL, "marks", "vessel visit %s has no marks to clear", id);
        goto out;
    }
    p = json_pack("{s:s, s:s%, s:O, s:O}", "visit", id, "ref", ref.p, ref.len, "marks", canon,
                  "cleared", cleared);
    if (p && (rc = bol_slot_marks_check(p, r->diag)) < 0) {
        json_decref(p);
        goto out;
    }
    rc = bol_cmd_emit(r, "slot.marked", vis.terminal, p);
out:
    json_decref(canon);
    json_decref(cleared);
    bol_free(old);
    return rc;
}

/* A blocked mark on exactly this cell: fail naming it, else 0. */
static int not_blocked(struct run *r, const char *visit, const struct bol_cell *c,
                       const char *field)
{
    struct bol_slot_mark m;
    char text[BOL_CELL_TEXT_MAX];
    unsigned n = 0;
    int rc = r->v->slot_marks(r->v->ctx, visit, c, &m, 1, &n);

    if (rc < 0 || !n || m.kind != BOL_SLOT_BLOCKED)
        return rc;
    bol_cell_format(c, text);
    return FAIL(r, BOL_E_CONFLICT, field, "cell %s of %s is blocked: %s (bay plan %s)", text, visit,
                m.reason[0] ? m.reason : "no reason given", m.ref);
}

/*
 * A box of this length may go into the cell unless a blocked mark covers
 * it: on the cell itself, on either 20 ft cell under a 40 ft one, or on the
 * 40 ft cell over a 20 ft one.  A view without marks (some tests) has none.
 */
int bol_cmd_cell_open(struct run *r, const char *visit, const struct bol_cell *cell,
                      unsigned length, const char *field)
{
    struct bol_cell c = *cell;
    uint16_t fore, aft;
    int rc;

    if (!r->v->slot_marks)
        return 0;
    if ((rc = not_blocked(r, visit, cell, field)) < 0)
        return rc;
    if (length == 40 && bol_cell_bays_20ft(cell->bay, &fore, &aft) == 0) {
        c.bay = fore;
        if ((rc = not_blocked(r, visit, &c, field)) < 0)
            return rc;
        c.bay = aft;
        return not_blocked(r, visit, &c, field);
    }
    if (length == 20 && bol_cell_bay_is_20ft(cell->bay)) {
        c.bay = bol_cell_bay_40ft(cell->bay);
        return not_blocked(r, visit, &c, field);
    }
    return 0;
}
