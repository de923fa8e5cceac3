/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev_slot.c - slot.marked: the reserved and blocked cells of a vessel visit
 *
 * Payload {"visit", "ref", "marks": [{"cell": "BBBRRTT", "kind":
 * "reserved"|"blocked", "reason"}], "cleared": ["BBBRRTT"]}: the visit's
 * marks as the latest bay plan gives them (ref: its message reference), and
 * the cells of earlier marks that plan no longer names.  The command reads
 * the marks in force (slot.mark in cmd_slot.c), so applying needs no read:
 * each cleared cell's row goes, each mark's row is put.  The state table
 * vessel_slot_mark holds one row per marked cell, keyed by visit and cell.
 */
#include "compat.h"

#include "domain.h"
#include "errors.h"
#include "events-int.h"
#include "jsonv.h"
#include "slot_mark.h"

const char *const bol_slot_kind_names[] = { "reserved", "blocked", NULL };

static const struct bol_column slot_mark_cols[] = {
    { "visit", BOL_V_TEXT, false },  { "cell", BOL_V_TEXT, false }, { "kind", BOL_V_TEXT, false },
    { "reason", BOL_V_TEXT, false }, { "ref", BOL_V_TEXT, false },  { "seq", BOL_V_INT, false },
};
const struct bol_table bol_t_vessel_slot_mark = { "vessel_slot_mark", slot_mark_cols, 6, 2, NULL };

/* A canonical cell: seven digits that read as a cell. */
static int cell_check(json_t *v, const char *field, size_t i, struct bol_diag *diag)
{
    const char *s = json_string_value(v);
    struct bol_cell c;
    char again[BOL_CELL_TEXT_MAX];

    if (!s || strlen(s) != 7 || bol_cell_parse(bol_str_from(s), &c, NULL) < 0)
        return bol_diag_fail(diag, BOL_E_INVAL, field, "%s[%zu] must be a cell (BBBRRTT)", field,
                             i);
    bol_cell_format(&c, again);
    if (strcmp(again, s) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, field, "%s[%zu] must be written BBBRRTT", field, i);
    return 0;
}

int bol_slot_marks_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "visit", "ref", "marks", "cleared", NULL };
    static const char *const mkeys[] = { "cell", "kind", "reason", NULL };
    struct bol_str s;
    json_t *marks = NULL, *cleared = NULL, *m;
    unsigned kind;
    size_t i;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 ||
        (r = jv_text(p, "visit", BOL_VISIT_ID_MAX, true, &s, diag)) < 0 ||
        (r = jv_text(p, "ref", BOL_SLOT_REF_MAX, true, &s, diag)) < 0 ||
        (r = jv_array(p, "marks", BOL_SLOT_MARKS_MAX, true, &marks, diag)) < 0 ||
        (r = jv_array(p, "cleared", BOL_SLOT_MARKS_MAX, true, &cleared, diag)) < 0)
        return r;
    json_array_foreach(marks, i, m)
    {
        if (!json_is_object(m))
            return bol_diag_fail(diag, BOL_E_INVAL, "marks", "marks[%zu] must be an object", i);
        if ((r = jv_only(m, mkeys, diag)) < 0 ||
            (r = cell_check(json_object_get(m, "cell"), "marks", i, diag)) < 0 ||
            (r = jv_enum(m, "kind", bol_slot_kind_names, true, &kind, diag)) < 0 ||
            (r = jv_text(m, "reason", BOL_SLOT_REASON_MAX, false, &s, diag)) < 0)
            return r;
    }
    json_array_foreach(cleared, i, m)
    {
        if ((r = cell_check(m, "cleared", i, diag)) < 0)
            return r;
    }
    return 0;
}

static int marked_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                        struct bol_diag *diag)
{
    const char *visit, *ref;
    struct bol_value row[6];
    json_t *m;
    size_t i;
    int r = bol_slot_marks_check(p, diag);

    if (r < 0)
        return r;
    visit = json_string_value(json_object_get(p, "visit"));
    ref = json_string_value(json_object_get(p, "ref"));
    json_array_foreach(json_object_get(p, "cleared"), i, m)
    {
        row[0] = BOL_VAL_TEXT(bol_str_from(visit));
        row[1] = BOL_VAL_TEXT(bol_str_from(json_string_value(m)));
        if ((r = sink->del(sink->ctx, &bol_t_vessel_slot_mark, row)) < 0)
            return r;
    }
    json_array_foreach(json_object_get(p, "marks"), i, m)
    {
        const char *reason = json_string_value(json_object_get(m, "reason"));

        row[0] = BOL_VAL_TEXT(bol_str_from(visit));
        row[1] = BOL_VAL_TEXT(bol_str_from(json_string_value(json_object_get(m, "cell"))));
        row[2] = BOL_VAL_TEXT(bol_str_from(json_string_value(json_object_get(m, "kind"))));
        row[3] = BOL_VAL_TEXT(bol_str_from(reason ? reason : ""));
        row[4] = BOL_VAL_TEXT(bol_str_from(ref));
        row[5] = BOL_VAL_INT(e->seq);
        if ((r = sink->put(sink->ctx, &bol_t_vessel_slot_mark, row)) < 0)
            return r;
    }
    return 0;
}

const struct bol_event_def bol_slot_events[] = {
    { "slot.marked", 1, NULL, bol_slot_marks_check, marked_apply },
};
const size_t bol_slot_nevents = BOL_ARRAY_SIZE(bol_slot_events);
