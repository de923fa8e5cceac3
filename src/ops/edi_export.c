/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_export.c - bay plans, move reports and equipment events out of the
 * state tables (edi_export.h)
 */
#include "compat.h"

#include "baplie.h"
#include "cell.h"
#include "codec.h"
#include "dcsa.h"
#include "domain.h"
#include "edi_export.h"
#include "edi_orders.h"
#include "errors.h"
#include "mem.h"
#include "report.h"
#include "sizetype.h"
#include "slot_mark.h"
#include "storeview.h"
#include "str.h"

const char *const bol_edi_export_type_names[] = { "baplie", "coarri", "codeco",
                                                  "coprar", "movins", NULL };

static const char *text_of(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}

/* A terminal's definition from the list bol_query_terminals gives, or NULL. */
static json_t *terminal_of(json_t *terms, const char *code)
{
    size_t i;
    json_t *t;

    json_array_foreach(terms, i, t)
    {
        if (!strcmp(text_of(t, "code"), code))
            return t;
    }
    return NULL;
}

static void control_of(int64_t now_us, char out[16])
{
    snprintf(out, 16, "%lld", (long long) (now_us / 1000000) % 100000000000LL);
}

/* The visit, its vessel and its terminal's definition, if the caller may see them. */
static int open_visit(struct bol_store *s, const struct bol_edi_export_opts *o,
                      struct bol_visit *vis, struct bol_vessel *ves, json_t *terms, json_t **term,
                      struct bol_diag *diag)
{
    struct bol_store_view sv;
    int r;

    if (!o->visit)
        return bol_diag_fail(diag, BOL_E_INVAL, "visit", "a %s is of a vessel visit: name it",
                             bol_edi_export_type_names[o->type]);
    bol_store_view_init(&sv, s, diag);
    r = sv.view.visit(sv.view.ctx, o->visit, vis);
    if (r == BOL_E_NOTFOUND || (r == 0 && o->scope && !bol_scope_has(o->scope, vis->terminal)))
        return bol_diag_fail(diag, BOL_E_NOTFOUND, "visit", "no vessel visit %s", o->visit);
    if (r < 0 || (r = sv.view.vessel(sv.view.ctx, vis->imo, ves)) < 0)
        return r;
    *term = terminal_of(terms, vis->terminal);
    return 0;
}

/* ---- out: the departure bay plan ---- */

static void slot_from(const struct bol_container *c, const char *cell, struct bol_baplie_slot *s)
{
    unsigned i;

    snprintf(s->cell_text, sizeof(s->cell_text), "%.11s", cell);
    s->cell_ok = bol_cell_parse(bol_str_from(cell), &s->cell, NULL) == 0;
    s->eqd = s->has_box = s->id_ok = true;
    s->id = c->id;
    snprintf(s->id_text, sizeof(s->id_text), "%s", c->id.s);
    s->check_ok = c->check_digit_ok;
    s->st_ok = bol_sizetype_parse(bol_str_from(c->sizetype), &s->st, NULL) == 0;
    s->full = c->full;
    s->gross_kg = c->gross_kg;
    s->vgm_kg = c->vgm_kg;
    snprintf(s->pol, sizeof(s->pol), "%.5s", c->pol);
    snprintf(s->pod, sizeof(s->pod), "%.5s", c->pod);
    if (strlen(c->line) < sizeof(s->line))
        snprintf(s->line, sizeof(s->line), "%.3s", c->line);
    s->oog_top_cm = c->oog_top_cm;
    s->oog_left_cm = c->oog_left_cm;
    s->oog_right_cm = c->oog_right_cm;
    s->oog_front_cm = c->oog_front_cm;
    s->oog_back_cm = c->oog_back_cm;
    s->reefer = (s->st.flags & BOL_ST_REEFER) && (c->reefer_on || c->setpoint_c10 != 0);
    s->temp_c10 = c->setpoint_c10;
    s->ndg = c->ndg < BOL_BAPLIE_DG_MAX ? c->ndg : BOL_BAPLIE_DG_MAX;
    for (i = 0; i < s->ndg; i++) {
        s->dg[i].cls = c->dg[i].cls;
        s->dg[i].un = c->dg[i].un;
    }
}

static int export_baplie(struct bol_store *s, const struct bol_edi_export_opts *o,
                         struct bol_buf *out, struct bol_edi_export_result *res,
                         struct bol_diag *diag)
{
    struct bol_visit vis;
    struct bol_vessel ves;
    struct bol_baplie b;
    struct bol_baplie_envelope env;
    json_t *terms = NULL, *term = NULL, *boxes = NULL, *e;
    struct bol_slot_mark *marks = NULL;
    struct bol_store_view sv;
    char control[16];
    unsigned nmarks = 0;
    size_t i;
    int r;

    memset(&b, 0, sizeof(b));
    if ((r = bol_query_terminals(s, &terms, diag)) < 0 ||
        (r = open_visit(s, o, &vis, &ves, terms, &term, diag)) < 0 ||
        (r = bol_query_on_board(s, o->visit, &boxes, diag)) < 0)
        goto out;
    marks = bol_calloc(BOL_SLOT_MARKS_MAX, sizeof(*marks));
    if (!marks) {
        r = bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
        goto out;
    }
    bol_store_view_init(&sv, s, diag);
    /* A line's own plan holds its boxes only: the vessel's marks are not its. */
    if (!o->line && (r = sv.view.slot_marks(sv.view.ctx, o->visit, NULL, marks, BOL_SLOT_MARKS_MAX,
                                            &nmarks)) < 0)
        goto out;
    b.slots = bol_calloc(json_array_size(boxes) + nmarks + 1, sizeof(*b.slots));
    if (!b.slots) {
        r = bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
        goto out;
    }
    snprintf(b.vessel, sizeof(b.vessel), "%.35s", ves.name);
    snprintf(b.vessel_id, sizeof(b.vessel_id), "%.17s", ves.call_sign[0] ? ves.call_sign : ves.imo);
    snprintf(b.voyage, sizeof(b.voyage), "%.17s",
             vis.voyage_out[0] ? vis.voyage_out : vis.voyage_in);
    if (strlen(vis.line) < sizeof(b.carrier))
        snprintf(b.carrier, sizeof(b.carrier), "%.3s", vis.line);
    snprintf(b.departure, sizeof(b.departure), "%.5s", text_of(term, "unlocode"));
    json_array_foreach(boxes, i, e)
    {
        struct bol_container c;

        if ((r = bol_container_from_json(json_object_get(e, "container"), &c, diag)) < 0)
            goto out;
        if (o->line && strcmp(c.line, o->line) != 0)
            continue;
        slot_from(&c, text_of(e, "cell"), &b.slots[b.nslots++]);
    }
    for (i = 0; i < nmarks; i++) {
        struct bol_baplie_slot *sl = &b.slots[b.nslots++];

        sl->cell = marks[i].cell;
        sl->cell_ok = true;
        bol_cell_format(&marks[i].cell, sl->cell_text);
        sl->blocked = marks[i].kind == BOL_SLOT_BLOCKED;
        sl->eqd = !sl->blocked; /* reserved: an EQD without a number */
        snprintf(sl->reason, sizeof(sl->reason), "%s", marks[i].reason);
    }
    control_of(o->now_us, control);
    env.sender = b.departure[0] ? b.departure : "BOLLARD";
    env.recipient = o->line ? o->line : b.carrier[0] ? b.carrier : "UNKNOWN";
    env.control = control;
    env.prepared_us = o->now_us;
    r = bol_baplie_write_as(&b, &env, o->baplie31 ? BOL_BAPLIE_31 : BOL_BAPLIE_22, out);
    if (r < 0)
        r = bol_diag_fail(diag, r, "edi", "the bay plan could not be written");
    res->boxes = b.nslots - nmarks;
out:
    bol_free(marks);
    bol_free(b.slots);
    json_decref(terms);
    json_decref(boxes);
    return r;
}

/* ---- move reports ---- */

/* Each move of the list into the report of its kind. */
static int sort_moves(json_t *moves, struct bol_report *rep, size_t nrep, struct bol_diag *diag)
{
    size_t i, k;
    json_t *m;

    for (k = 0; k < nrep; k++) {
        rep[k].boxes = bol_calloc(json_array_size(moves) + 1, sizeof(*rep[k].boxes));
        if (!rep[k].boxes)
            return bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
    }
    json_array_foreach(moves, i, m)
    {
        const char *kind = text_of(m, "move");
        struct bol_report_box *b;
        int r;

        for (k = 0; k < nrep; k++)
            if (!strcmp(kind, bol_report_kind_names[rep[k].kind]))
                break;
        if (k == nrep)
            continue;
        b = &rep[k].boxes[rep[k].n];
        memset(b, 0, sizeof(*b));
        if ((r = bol_container_from_json(json_object_get(m, "container"), &b->c, diag)) < 0)
            return r;
        snprintf(b->cell, sizeof(b->cell), "%.7s", text_of(m, "cell"));
        b->at_us = (int64_t) json_integer_value(json_object_get(m, "at_us"));
        rep[k].n++;
    }
    return 0;
}

static int export_report(struct bol_store *s, const struct bol_edi_export_opts *o,
                         struct bol_buf *out, struct bol_edi_export_result *res,
                         struct bol_diag *diag)
{
    bool coarri = o->type == BOL_EXPORT_COARRI;
    struct bol_report rep[2];
    struct bol_report_envelope env;
    struct bol_move_filter f;
    struct bol_visit vis;
    struct bol_vessel ves;
    json_t *terms = NULL, *term = NULL, *moves = NULL;
    char control[16], port[6];
    size_t k;
    int r;

    memset(rep, 0, sizeof(rep));
    memset(&f, 0, sizeof(f));
    if ((r = bol_query_terminals(s, &terms, diag)) < 0)
        goto out;
    if (coarri) {
        if ((r = open_visit(s, o, &vis, &ves, terms, &term, diag)) < 0)
            goto out;
        f.visit = o->visit;
        f.kinds = 1u << BOL_MV_DISCHARGE | 1u << BOL_MV_LOAD;
    } else {
        if (!o->terminal) {
            r = bol_diag_fail(diag, BOL_E_INVAL, "terminal",
                              "a gate report is of a terminal: name it");
            goto out;
        }
        term = terminal_of(terms, o->terminal);
        if (!term || (o->scope && !bol_scope_has(o->scope, o->terminal))) {
            r = bol_diag_fail(diag, BOL_E_NOTFOUND, "terminal", "no terminal %s", o->terminal);
            goto out;
        }
        f.terminal = o->terminal;
        f.kinds = 1u << BOL_MV_GATE_IN | 1u << BOL_MV_GATE_OUT;
    }
    f.line = o->line;
    f.after_seq = o->after_seq;
    if ((r = bol_query_moves(s, &f, &moves, &res->last, diag)) < 0)
        goto out;
    snprintf(port, sizeof(port), "%.5s", text_of(term, "unlocode"));
    control_of(o->now_us, control);
    for (k = 0; k < 2; k++) {
        struct bol_report *p = &rep[k];

        p->kind = coarri ? (k ? BOL_REPORT_LOAD : BOL_REPORT_DISCHARGE)
                         : (k ? BOL_REPORT_GATE_OUT : BOL_REPORT_GATE_IN);
        snprintf(p->ref, sizeof(p->ref), "%.10s%s", control, k ? "L" : "D");
        snprintf(p->port, sizeof(p->port), "%s", port);
        if (coarri) {
            snprintf(p->vessel, sizeof(p->vessel), "%.35s", ves.name);
            snprintf(p->vessel_id, sizeof(p->vessel_id), "%.17s",
                     ves.call_sign[0] ? ves.call_sign : ves.imo);
            snprintf(p->voyage, sizeof(p->voyage), "%.17s",
                     k && vis.voyage_out[0] ? vis.voyage_out
                     : vis.voyage_in[0]     ? vis.voyage_in
                                            : vis.voyage_out);
            if (strlen(vis.line) < sizeof(p->carrier))
                snprintf(p->carrier, sizeof(p->carrier), "%.3s", vis.line);
        }
    }
    if ((r = sort_moves(moves, rep, 2, diag)) < 0)
        goto out;
    env.sender = port[0] ? port : "BOLLARD";
    env.recipient = o->line ? o->line : coarri && rep[0].carrier[0] ? rep[0].carrier : "UNKNOWN";
    env.control = control;
    env.prepared_us = o->now_us;
    r = bol_report_write(rep, 2, &env, out);
    if (r < 0)
        r = bol_diag_fail(diag, r, "edi", "the report could not be written");
    res->boxes = rep[0].n + rep[1].n;
out:
    for (k = 0; k < 2; k++)
        bol_report_release(&rep[k]);
    json_decref(terms);
    json_decref(moves);
    return r;
}

int bol_edi_export(struct bol_store *s, const struct bol_edi_export_opts *o, struct bol_buf *out,
                   struct bol_edi_export_result *res, struct bol_diag *diag)
{
    memset(res, 0, sizeof(*res));
    res->last = o->after_seq;
    switch (o->type) {
    case BOL_EXPORT_BAPLIE:
        return export_baplie(s, o, out, res, diag);
    case BOL_EXPORT_COARRI:
    case BOL_EXPORT_CODECO:
        return export_report(s, o, out, res, diag);
    case BOL_EXPORT_COPRAR:
    case BOL_EXPORT_MOVINS:
        return bol_edi_export_orders(s, o->visit, bol_edi_export_type_names[o->type], o->scope,
                                     o->line, o->now_us, out, &res->boxes, diag);
    default:
        return bol_diag_fail(diag, BOL_E_INVAL, "type", "no such message type");
    }
}

/* ---- DCSA equipment events ---- */

static int event_of(struct bol_store *s, struct bol_store_view *sv, json_t *terms, json_t *m,
                    json_t **ret, struct bol_diag *diag)
{
    struct bol_container c;
    struct bol_visit vis;
    struct bol_vessel ves;
    struct bol_dcsa_where where;
    struct bol_dcsa_call call;
    json_t *term = terminal_of(terms, text_of(m, "terminal"));
    const char *kind = text_of(m, "move");
    char truck[24];
    unsigned k;
    int r;

    for (k = 0; bol_move_names[k] && strcmp(bol_move_names[k], kind) != 0; k++)
        ;
    if ((r = bol_container_from_json(json_object_get(m, "container"), &c, diag)) < 0)
        return r;
    where.unlocode = text_of(term, "unlocode");
    where.terminal_name = text_of(term, "name");
    where.origin = bol_store_origin(s);
    memset(&call, 0, sizeof(call));
    if (json_object_get(m, "visit")) {
        call.vessel = true;
        call.id = text_of(m, "visit");
        r = sv->view.visit(sv->view.ctx, call.id, &vis);
        if (r == 0 && (r = sv->view.vessel(sv->view.ctx, vis.imo, &ves)) == 0) {
            call.voyage_in = vis.voyage_in;
            call.voyage_out = vis.voyage_out;
            call.ves = &ves;
        }
        if (r < 0 && r != BOL_E_NOTFOUND)
            return r;
    } else {
        snprintf(truck, sizeof(truck), "TRUCK-%lld",
                 (long long) json_integer_value(json_object_get(m, "truck")));
        call.id = truck;
    }
    r = bol_dcsa_equipment_event(
        &c, (enum bol_move) k, (uint64_t) json_integer_value(json_object_get(m, "seq")),
        (int64_t) json_integer_value(json_object_get(m, "at_us")), &where, &call, ret);
    if (r < 0)
        return bol_diag_fail(diag, r, "dcsa", "the event of entry %lld could not be made",
                             (long long) json_integer_value(json_object_get(m, "seq")));
    return 0;
}

int bol_dcsa_events(struct bol_store *s, const struct bol_move_filter *f, json_t **ret,
                    uint64_t *ret_last, struct bol_diag *diag)
{
    struct bol_store_view sv;
    json_t *terms = NULL, *moves = NULL, *events = NULL, *m;
    size_t i;
    int r;

    bol_store_view_init(&sv, s, diag);
    if ((r = bol_query_terminals(s, &terms, diag)) < 0 ||
        (r = bol_query_moves(s, f, &moves, ret_last, diag)) < 0)
        goto out;
    events = json_array();
    if (!events) {
        r = bol_diag_fail(diag, BOL_E_NOMEM, "dcsa", "out of memory");
        goto out;
    }
    json_array_foreach(moves, i, m)
    {
        json_t *ev = NULL;

        if ((r = event_of(s, &sv, terms, m, &ev, diag)) < 0)
            goto out;
        if (json_array_append_new(events, ev) != 0) {
            r = bol_diag_fail(diag, BOL_E_NOMEM, "dcsa", "out of memory");
            goto out;
        }
    }
    *ret = events;
    events = NULL;
out:
    json_decref(events);
    json_decref(terms);
    json_decref(moves);
    return r;
}
