/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_moves.c - move reports from partners' systems (COARRI, CODECO) into
 * the journal (edi_import-int.h)
 *
 * A report goes to a vessel visit (COARRI: the one given, or the defined
 * visit of the report's vessel and voyage) or a terminal's gate (CODECO:
 * the one given, the one whose UN/LOCODE the report names, or the only
 * one).  bol_report_map (edi) turns its boxes into commands; here they are
 * run as one command of several steps under the request id edi-VISIT-<hash>
 * (COARRI) or edi-CODECO-<hash>, so a message is recorded whole or not at
 * all, and only once.
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "edi_import-int.h"
#include "entry.h"
#include "errors.h"
#include "query.h"
#include "report.h"
#include "report_map.h"

static const char *text_of(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}

static int box_of(void *u, const char *id, struct bol_container *out)
{
    struct imp *im = u;
    int r = im->sv.view.container(im->sv.view.ctx, id, out);

    if (r == BOL_E_NOTFOUND)
        return 0;
    return r < 0 ? r : 1;
}

static const enum bol_move move_of[BOL_REPORT_KINDS] = {
    [BOL_REPORT_DISCHARGE] = BOL_MV_DISCHARGE,
    [BOL_REPORT_LOAD] = BOL_MV_LOAD,
    [BOL_REPORT_GATE_IN] = BOL_MV_GATE_IN,
    [BOL_REPORT_GATE_OUT] = BOL_MV_GATE_OUT,
};

/* How many moves of this kind the move table holds for the box (with the visit, at the terminal). */
static int moved(void *u, const char *id, enum bol_report_kind kind, const char *visit,
                 const char *terminal)
{
    struct imp *im = u;
    struct bol_move_filter f;
    struct bol_diag d;
    json_t *rows = NULL, *row;
    size_t i;
    int r, found = 0;

    memset(&f, 0, sizeof(f));
    f.container = id;
    f.kinds = 1u << move_of[kind];
    bol_diag_init(&d);
    if ((r = bol_query_moves(im->rs, &f, &rows, NULL, &d)) < 0)
        return r;
    json_array_foreach(rows, i, row)
    {
        if ((!visit || !strcmp(text_of(row, "visit"), visit)) &&
            (!terminal || !strcmp(text_of(row, "terminal"), terminal)) && found < INT32_MAX)
            found++;
    }
    json_decref(rows);
    return found;
}

/*
 * The terminal of a CODECO: the one given, the one whose UN/LOCODE is the
 * report's port, or the only one.  NULL with the reason in text.
 */
static const char *report_terminal(struct imp *im, const struct bol_report *rep, char *text,
                                   size_t ntext)
{
    const char *found = NULL;
    size_t i, n = 0;
    json_t *t;

    if (im->o->terminal)
        return im->o->terminal;
    if (json_array_size(im->terminals) == 1)
        return text_of(json_array_get(im->terminals, 0), "code");
    json_array_foreach(im->terminals, i, t)
    {
        if (rep->port[0] && !strcmp(text_of(t, "unlocode"), rep->port)) {
            found = text_of(t, "code");
            n++;
        }
    }
    if (n == 1)
        return found;
    snprintf(text, ntext,
             "this installation has %zu terminals and %zu at the report's port '%s': name one "
             "with --terminal",
             json_array_size(im->terminals), n, rep->port);
    return NULL;
}

/* The reader's notes about message msg from note 'from' on, into notes. */
static int new_notes(const struct bol_edi_interchange *ic, size_t from, size_t msg, json_t *notes)
{
    size_t i;
    int r = 0;

    for (i = from; i < ic->nnotes && r == 0; i++) {
        const struct bol_edi_note *e = &ic->notes[i];
        char text[BOL_DIAG_MSG_MAX + 32];

        if (e->msg != (int) msg)
            continue;
        snprintf(text, sizeof(text), "%s element %u: %s", e->tag, e->element, e->text);
        r = bol_edi_imp_note(notes, e->error ? "error" : "warning", e->offset, e->segment, text);
    }
    return r;
}

static int fail_msg(json_t *notes, uint64_t offset, uint32_t segment, const char *text)
{
    return bol_edi_imp_note(notes, "error", offset, segment, text) < 0 ? BOL_E_NOMEM : 1;
}

int bol_edi_import_moves(struct imp *im, size_t msg, json_t *mr)
{
    const struct bol_edi_message *m = &im->eq.ic.msgs[msg];
    const struct bol_edi_boxes *b = &im->eq.msgs[msg];
    json_t *notes = json_object_get(mr, "notes");
    struct bol_report rep;
    struct bol_report_map_ctx ctx;
    struct bol_edi_mapped mp;
    struct bol_ops_call call;
    struct bol_append_result ar;
    struct bol_diag d;
    char text[2 * BOL_DIAG_MSG_MAX], req[BOL_REQ_ID_MAX + 1], ref[BOL_REQ_ID_MAX + 1];
    const char *terminal = NULL;
    size_t before = im->eq.ic.nnotes;
    bool coarri = !strcmp(m->type, "COARRI");
    int r;

    if (m->failed || !m->end)
        return 1;
    if (bol_edi_imp_count(mr, "containers", b->n) < 0 ||
        bol_edi_imp_count(mr, "reefers", b->reefers) < 0 ||
        bol_edi_imp_count(mr, "dg_lines", b->dg_lines) < 0 ||
        bol_edi_imp_count(mr, "vgm", b->vgm) < 0)
        return BOL_E_NOMEM;
    bol_diag_init(&d);
    r = bol_report_from_boxes(&im->eq.ic, b, &rep, &d);
    if (new_notes(&im->eq.ic, before, msg, notes) < 0) {
        if (r == 0)
            bol_report_release(&rep);
        return BOL_E_NOMEM;
    }
    if (r == BOL_E_NOMEM)
        return r;
    if (r < 0) {
        snprintf(text, sizeof(text), "%s: %s", d.field, d.msg);
        return fail_msg(notes, (uint64_t) d.offset, d.segment, text);
    }
    bol_diag_init(&im->vd);
    im->visit[0] = '\0';
    if (coarri) {
        struct bol_edi_visit_find f = {
            im->rs,       &im->sv.view,  im->terminals, im->vessels,
            im->o->visit, rep.vessel_id, rep.voyage,
        };

        r = bol_edi_imp_visit(&f, im->visit, text, sizeof(text));
        if (r == 0 && json_object_set_new(mr, "visit", json_string(im->visit)) != 0)
            r = BOL_E_NOMEM;
    } else {
        terminal = report_terminal(im, &rep, text, sizeof(text));
        r = !terminal                                                         ? BOL_E_INVAL
            : json_object_set_new(mr, "terminal", json_string(terminal)) != 0 ? BOL_E_NOMEM
                                                                              : 0;
    }
    if (r == BOL_E_NOMEM)
        goto out;
    if (r < 0) {
        r = fail_msg(notes, b->doc_offset ? b->doc_offset : m->offset,
                     b->doc_segment ? b->doc_segment : m->first_segment, text);
        goto out;
    }
    bol_edi_imp_req(im, m, req, sizeof(req));
    bol_diag_init(&d);
    if (bol_store_request_find(im->rs, bol_str_from(req), NULL, &ar, &d) == BOL_E_CONFLICT) {
        r = json_object_set_new(mr, "outcome", json_string("already imported")) == 0 ? 0
                                                                                     : BOL_E_NOMEM;
        goto out;
    }
    /* Truck visits' references: the message's hash, short, and the box. */
    snprintf(ref, sizeof(ref), "edi-%.12s", req + strlen(req) - 32);
    memset(&ctx, 0, sizeof(ctx));
    ctx.visit = im->visit;
    ctx.terminal = terminal ? terminal : "";
    ctx.truck_ref = ref;
    ctx.company = im->eq.ic.sender;
    ctx.box = box_of;
    ctx.moved = moved;
    ctx.u = im;
    if ((r = bol_report_map(&rep, &ctx, &mp)) < 0)
        goto out;
    if (json_array_extend(notes, mp.notes) != 0 ||
        bol_edi_imp_count(mr, "recorded", mp.failed ? 0 : mp.boxes) < 0 ||
        bol_edi_imp_count(mr, "already_recorded", mp.already) < 0 ||
        bol_edi_imp_count(mr, "flagged", mp.flagged) < 0 ||
        (mp.dropped && bol_edi_imp_count(mr, "notes_dropped", mp.dropped) < 0)) {
        r = BOL_E_NOMEM;
        goto mapped;
    }
    if (mp.failed) {
        r = 1;
        goto mapped;
    }
    if (!json_array_size(mp.cmds)) {
        r = json_object_set_new(mr, "outcome", json_string("imported")) == 0 ? 0 : BOL_E_NOMEM;
        goto mapped;
    }
    r = bol_edi_imp_run(im, mp.cmds, req, &call);
    {
        long step = call.failed_step;
        const struct bol_report_box *x =
            r < 0 && step >= 0 && (size_t) step < json_array_size(mp.cmds)
                ? &rep.boxes[mp.slot[step]]
                : NULL;

        if (x)
            snprintf(text, sizeof(text), "container %s (%s)", x->c.id.s,
                     text_of(json_array_get(mp.cmds, (size_t) step), "cmd"));
        else
            text[0] = '\0';
        r = bol_edi_imp_outcome(mr, &call, r, text, x ? x->offset : m->offset,
                                x ? x->segment : m->first_segment, "recorded");
    }
mapped:
    bol_edi_mapped_release(&mp);
out:
    bol_report_release(&rep);
    return r;
}
