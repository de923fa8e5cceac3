/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev_order.c - a visit's orders: load and discharge list lines (order.*)
 * and stowage instructions (stowage.*)
 *
 * A list is a visit's lines of one kind from one sender, numbered 1..n in
 * the order they came.  order.added puts line n (the command counts the
 * list first), order.cleared removes lines 1..lines (a replacement or a
 * cancellation).  Stowage rules are numbered the same way per visit:
 * stowage.added puts rule n, stowage.cleared removes 1..rules.  So
 * applying reads nothing, and replaying the journal rebuilds the same rows.
 */
#include "compat.h"

#include <string.h>

#include "buf.h"
#include "cell.h"
#include "container_id.h"
#include "domain.h"
#include "errors.h"
#include "events-int.h"
#include "jsonv.h"
#include "locode.h"
#include "order.h"
#include "sizetype.h"
#include "units.h"

const char *const bol_order_kind_names[] = { "load", "discharge", NULL };
const char *const bol_stowage_handling_names[] = { "load", "discharge", "restow", NULL };

/* ---- state tables ---- */

static const struct bol_column order_cols[] = {
    { "visit", BOL_V_TEXT, false },    { "kind", BOL_V_TEXT, false },
    { "sender", BOL_V_TEXT, false },   { "n", BOL_V_INT, false },
    { "container", BOL_V_TEXT, true }, { "doc_no", BOL_V_TEXT, false },
    { "box", BOL_V_TEXT, false },      { "added_seq", BOL_V_INT, false },
};
static const char *const order_indexes[] = { "container", NULL };
const struct bol_table bol_t_visit_order = { "visit_order", order_cols, 8, 4, order_indexes };

static const struct bol_column stowage_cols[] = {
    { "visit", BOL_V_TEXT, false }, { "n", BOL_V_INT, false },
    { "cell", BOL_V_TEXT, false },  { "sender", BOL_V_TEXT, false },
    { "rule", BOL_V_TEXT, false },  { "added_seq", BOL_V_INT, false },
};
static const char *const stowage_indexes[] = { "visit,cell", NULL };
const struct bol_table bol_t_stowage_rule = { "stowage_rule", stowage_cols, 6, 2, stowage_indexes };

/* ---- the objects ---- */

static int text_with(json_t *o, const char *key, size_t max, int (*ok)(struct bol_str, void *),
                     struct bol_diag *diag)
{
    struct bol_str s = { NULL, 0 };
    int r = jv_text(o, key, max, false, &s, diag);

    if (r < 0 || !s.p || !ok)
        return r;
    if (ok(s, diag) < 0)
        return bol_diag_wrap(diag, BOL_E_INVAL, key);
    return 0;
}

static int is_sizetype(struct bol_str s, void *diag)
{
    struct bol_sizetype st;

    return bol_sizetype_parse(s, &st, diag);
}

static int is_locode(struct bol_str s, void *diag)
{
    struct bol_locode l;

    if (bol_locode_parse(s, &l, diag) < 0)
        return BOL_E_INVAL;
    return bol_str_eq_cstr(s, l.s) ? 0 : bol_diag_fail(diag, BOL_E_INVAL, "", "not normalised");
}

static int is_cell(struct bol_str s, void *diag)
{
    struct bol_cell c;

    if (s.len != 6 && s.len != 7)
        return bol_diag_fail(diag, BOL_E_INVAL, "", "a cell is 6 or 7 digits");
    return bol_cell_parse(s, &c, diag);
}

static int dg_check(json_t *o, struct bol_diag *diag)
{
    static const char *const keys[] = { "class", "un", NULL };
    json_t *a = NULL, *x;
    size_t i;
    int r;

    if ((r = jv_array(o, "dg", BOL_DG_MAX, false, &a, diag)) < 0 || !a)
        return r;
    json_array_foreach(a, i, x)
    {
        struct bol_str s = { NULL, 0 };
        struct bol_imdg_class c;
        int64_t un = 0;

        if (!json_is_object(x))
            return bol_diag_fail(diag, BOL_E_INVAL, "dg", "a DG line is an object");
        if ((r = jv_only(x, keys, diag)) < 0 || (r = jv_text(x, "class", 4, true, &s, diag)) < 0 ||
            (r = jv_int(x, "un", 1, 9999, false, &un, diag)) < 0)
            return r;
        if (bol_imdg_class_parse(s, &c, diag) < 0)
            return bol_diag_wrap(diag, BOL_E_INVAL, "dg");
    }
    return 0;
}

/* What order lines and stowage rules share. */
static int common_check(json_t *o, struct bol_diag *diag)
{
    struct bol_str s = { NULL, 0 };
    int64_t v = 0;
    int r;

    if ((r = jv_text(o, "container", 24, false, &s, diag)) < 0 ||
        (r = text_with(o, "sizetype", 4, is_sizetype, diag)) < 0 ||
        (r = text_with(o, "pol", 5, is_locode, diag)) < 0 ||
        (r = text_with(o, "pod", 5, is_locode, diag)) < 0 ||
        (r = jv_int(o, "setpoint_c10", -1000, 1000, false, &v, diag)) < 0)
        return r;
    return dg_check(o, diag);
}

int bol_order_box_check(json_t *box, struct bol_diag *diag)
{
    static const char *const keys[] = { "container", "flagged",      "sizetype", "full", "pol",
                                        "pod",       "cell",         "booking",  "line", "gross_kg",
                                        "vgm_kg",    "setpoint_c10", "dg",       NULL };
    struct bol_str s = { NULL, 0 };
    int64_t v = 0;
    bool b = false;
    int r;

    if (!json_is_object(box))
        return bol_diag_fail(diag, BOL_E_INVAL, "box", "an order line's box is an object");
    if ((r = jv_only(box, keys, diag)) < 0 || (r = common_check(box, diag)) < 0 ||
        (r = jv_bool(box, "flagged", false, &b, diag)) < 0 ||
        (r = jv_bool(box, "full", false, &b, diag)) < 0 ||
        (r = text_with(box, "cell", 7, is_cell, diag)) < 0 ||
        (r = jv_text(box, "booking", BOL_REF_MAX, false, &s, diag)) < 0 ||
        (r = jv_text(box, "line", BOL_LINE_MAX, false, &s, diag)) < 0 ||
        (r = jv_int(box, "gross_kg", 1, BOL_ORDER_KG_MAX, false, &v, diag)) < 0 ||
        (r = jv_int(box, "vgm_kg", 1, BOL_ORDER_KG_MAX, false, &v, diag)) < 0)
        return r;
    if (json_object_get(box, "flagged") && !json_object_get(box, "container"))
        return bol_diag_fail(diag, BOL_E_INVAL, "flagged", "only a container number is flagged");
    return 0;
}

int bol_stowage_rule_check(json_t *rule, struct bol_diag *diag)
{
    static const char *const keys[] = { "cell", "handling", "container",    "sizetype", "pol",
                                        "pod",  "max_kg",   "setpoint_c10", "dg",       NULL };
    unsigned h = 0;
    int64_t v = 0;
    int r;

    if (!json_is_object(rule))
        return bol_diag_fail(diag, BOL_E_INVAL, "rule", "a stowage rule is an object");
    if ((r = jv_only(rule, keys, diag)) < 0 || (r = common_check(rule, diag)) < 0 ||
        (r = jv_enum(rule, "handling", bol_stowage_handling_names, false, &h, diag)) < 0 ||
        (r = jv_int(rule, "max_kg", 1, BOL_ORDER_KG_MAX, false, &v, diag)) < 0)
        return r;
    if (!json_object_get(rule, "cell"))
        return bol_diag_fail(diag, BOL_E_INVAL, "cell", "a stowage rule names its cell");
    return text_with(rule, "cell", 7, is_cell, diag);
}

/* ---- events ---- */

static int visit_field(json_t *p, struct bol_diag *diag)
{
    struct bol_str s = { NULL, 0 };
    int r = jv_text(p, "visit", BOL_VISIT_ID_MAX, true, &s, diag);

    return r < 0 ? r : bol_visit_id_check(s, diag);
}

/* visit, kind, sender, doc_no: the list a line belongs to and the message that said so. */
static int list_fields(json_t *p, struct bol_diag *diag)
{
    struct bol_str s = { NULL, 0 };
    unsigned k = 0;
    int r;

    if ((r = visit_field(p, diag)) < 0 ||
        (r = jv_enum(p, "kind", bol_order_kind_names, true, &k, diag)) < 0 ||
        (r = jv_text(p, "sender", BOL_ORDER_SENDER_MAX, true, &s, diag)) < 0 ||
        (r = jv_text(p, "doc_no", BOL_REF_MAX, true, &s, diag)) < 0)
        return r;
    return 0;
}

static int added_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "visit", "kind", "sender", "doc_no", "n", "box", NULL };
    json_t *box = NULL;
    int64_t n = 0;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = list_fields(p, diag)) < 0 ||
        (r = jv_int(p, "n", 1, BOL_ORDER_LINES_MAX, true, &n, diag)) < 0 ||
        (r = jv_object(p, "box", true, &box, diag)) < 0)
        return r;
    return bol_order_box_check(box, diag);
}

static int cleared_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = {
        "visit", "kind", "sender", "doc_no", "lines", "cancel", NULL
    };
    int64_t n = 0;
    bool b = false;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = list_fields(p, diag)) < 0 ||
        (r = jv_int(p, "lines", 0, BOL_ORDER_LINES_MAX, true, &n, diag)) < 0 ||
        (r = jv_bool(p, "cancel", true, &b, diag)) < 0)
        return r;
    return 0;
}

static int stowage_added_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "visit", "sender", "n", "rule", NULL };
    struct bol_str s = { NULL, 0 };
    json_t *rule = NULL;
    int64_t n = 0;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = visit_field(p, diag)) < 0 ||
        (r = jv_text(p, "sender", BOL_ORDER_SENDER_MAX, true, &s, diag)) < 0 ||
        (r = jv_int(p, "n", 1, BOL_ORDER_LINES_MAX, true, &n, diag)) < 0 ||
        (r = jv_object(p, "rule", true, &rule, diag)) < 0)
        return r;
    return bol_stowage_rule_check(rule, diag);
}

static int stowage_cleared_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "visit", "sender", "doc_no", "rules", NULL };
    struct bol_str s = { NULL, 0 };
    int64_t n = 0;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = visit_field(p, diag)) < 0 ||
        (r = jv_text(p, "sender", BOL_ORDER_SENDER_MAX, true, &s, diag)) < 0 ||
        (r = jv_text(p, "doc_no", BOL_REF_MAX, true, &s, diag)) < 0 ||
        (r = jv_int(p, "rules", 0, BOL_ORDER_LINES_MAX, true, &n, diag)) < 0)
        return r;
    return 0;
}

static struct bol_value text_of(json_t *p, const char *key)
{
    const char *s = json_string_value(json_object_get(p, key));

    return s ? BOL_VAL_TEXT(bol_str_from(s)) : BOL_VAL_NULL;
}

static int added_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       struct bol_diag *diag)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 16);
    json_t *box = json_object_get(p, "box");
    struct bol_value row[8];
    int r = added_check(p, diag);

    if (r < 0 || (r = jv_dump(box, &b)) < 0)
        return r;
    row[0] = text_of(p, "visit");
    row[1] = text_of(p, "kind");
    row[2] = text_of(p, "sender");
    row[3] = BOL_VAL_INT(json_integer_value(json_object_get(p, "n")));
    row[4] = text_of(box, "container");
    row[5] = text_of(p, "doc_no");
    row[6] = BOL_VAL_TEXT(bol_buf_str(&b));
    row[7] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_visit_order, row);
    bol_buf_release(&b);
    return r;
}

static int cleared_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         struct bol_diag *diag)
{
    struct bol_value key[4];
    json_int_t i, n;
    int r = cleared_check(p, diag);

    (void) e;
    if (r < 0)
        return r;
    n = json_integer_value(json_object_get(p, "lines"));
    key[0] = text_of(p, "visit");
    key[1] = text_of(p, "kind");
    key[2] = text_of(p, "sender");
    for (i = 1; i <= n && r == 0; i++) {
        key[3] = BOL_VAL_INT(i);
        r = sink->del(sink->ctx, &bol_t_visit_order, key);
    }
    return r;
}

static int stowage_added_apply(const struct bol_entry *e, json_t *p,
                               const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 16);
    json_t *rule = json_object_get(p, "rule");
    struct bol_value row[6];
    int r = stowage_added_check(p, diag);

    if (r < 0 || (r = jv_dump(rule, &b)) < 0)
        return r;
    row[0] = text_of(p, "visit");
    row[1] = BOL_VAL_INT(json_integer_value(json_object_get(p, "n")));
    row[2] = text_of(rule, "cell");
    row[3] = text_of(p, "sender");
    row[4] = BOL_VAL_TEXT(bol_buf_str(&b));
    row[5] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_stowage_rule, row);
    bol_buf_release(&b);
    return r;
}

static int stowage_cleared_apply(const struct bol_entry *e, json_t *p,
                                 const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct bol_value key[2];
    json_int_t i, n;
    int r = stowage_cleared_check(p, diag);

    (void) e;
    if (r < 0)
        return r;
    n = json_integer_value(json_object_get(p, "rules"));
    key[0] = text_of(p, "visit");
    for (i = 1; i <= n && r == 0; i++) {
        key[1] = BOL_VAL_INT(i);
        r = sink->del(sink->ctx, &bol_t_stowage_rule, key);
    }
    return r;
}

const struct bol_event_def bol_order_events[] = {
    { "order.added", 1, NULL, added_check, added_apply },
    { "order.cleared", 1, NULL, cleared_check, cleared_apply },
    { "stowage.added", 1, NULL, stowage_added_check, stowage_added_apply },
    { "stowage.cleared", 1, NULL, stowage_cleared_check, stowage_cleared_apply },
};
const size_t bol_order_nevents = BOL_ARRAY_SIZE(bol_order_events);
