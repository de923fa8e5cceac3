/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_import.c - EDI messages into the journal
 */
#include "compat.h"

#include "baplie.h"
#include "baplie_map.h"
#include "cell.h"
#include "codec.h"
#include "domain.h"
#include "entry.h"
#include "edi_boxes.h"
#include "edi_import.h"
#include "edi_import-int.h"
#include "edi_orders.h"
#include "equipment.h"
#include "vermas_map.h"
#include "errors.h"
#include "mem.h"
#include "query.h"
#include "sizetype.h"
#include "sha256.h"
#include "storeview.h"
#include "str.h"

static int line_known(void *u, const char *code)
{
    struct imp *im = u;
    int r = im->sv.view.exists(im->sv.view.ctx, BOL_THING_LINE, code, NULL);

    return r == 0 ? 1 : r == BOL_E_NOTFOUND ? 0 : r;
}

static int on_board(void *u, const char *id, char cell[8])
{
    struct imp *im = u;
    struct bol_container c;
    char text[BOL_CELL_TEXT_MAX];
    int r = im->sv.view.container(im->sv.view.ctx, id, &c);

    if (r == BOL_E_NOTFOUND)
        return 0;
    if (r < 0)
        return r;
    if (c.place.kind != BOL_PLACE_VESSEL || strcmp(c.place.visit, im->visit) != 0)
        return 0;
    bol_cell_format(&c.place.cell, text);
    snprintf(cell, 8, "%.7s", text);
    return 1;
}

int bol_edi_imp_note(json_t *notes, const char *level, uint64_t offset, uint32_t segment,
                     const char *text)
{
    json_t *n = json_pack("{s:s, s:I, s:I, s:s}", "level", level, "offset", (json_int_t) offset,
                          "segment", (json_int_t) segment, "message", text);

    return n && json_array_append_new(notes, n) == 0 ? 0 : BOL_E_NOMEM;
}

/* The reader's notes about message msg (-1: the interchange) into notes. */
static int ic_notes(const struct bol_edi_interchange *ic, int msg, json_t *notes)
{
    size_t i;
    int r = 0;

    for (i = 0; i < ic->nnotes && r == 0; i++) {
        const struct bol_edi_note *e = &ic->notes[i];
        char text[BOL_DIAG_MSG_MAX + 32];

        if (e->msg != msg)
            continue;
        if (e->element)
            snprintf(text, sizeof(text), "%s element %u: %s", e->tag, e->element, e->text);
        else
            snprintf(text, sizeof(text), "%s: %s", e->tag[0] ? e->tag : "input", e->text);
        r = bol_edi_imp_note(notes, e->error ? "error" : "warning", e->offset, e->segment, text);
    }
    return r;
}

static const char *text_of(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}

static const char *terminal_port(struct imp *im, const char *terminal)
{
    size_t i;
    json_t *t;

    json_array_foreach(im->terminals, i, t)
    {
        if (!strcmp(text_of(t, "code"), terminal))
            return text_of(t, "unlocode");
    }
    return "";
}

/* The defined vessel the plan names by IMO number or call sign, or NULL. */
static json_t *plan_vessel(struct imp *im, const struct bol_baplie *b)
{
    size_t i;
    json_t *v;

    if (!b->vessel_id[0])
        return NULL;
    json_array_foreach(im->vessels, i, v)
    {
        const char *imo = json_string_value(json_object_get(v, "imo"));
        const char *cs = json_string_value(json_object_get(v, "call_sign"));

        if ((imo && !strcmp(imo, b->vessel_id)) || (cs && !strcmp(cs, b->vessel_id)))
            return v;
    }
    return NULL;
}

/* CALLSIGN-VOYAGE in the characters a visit id may hold. */
static void visit_id_for(const char *vessel, const char *voyage, char out[BOL_VISIT_ID_MAX + 1])
{
    size_t k = 0, i;
    const char *parts[2] = { vessel, voyage };
    unsigned p;

    for (p = 0; p < 2; p++) {
        if (p && k < BOL_VISIT_ID_MAX)
            out[k++] = '-';
        for (i = 0; parts[p][i] && k < BOL_VISIT_ID_MAX; i++) {
            char c = bol_to_upper(parts[p][i]);

            if (bol_is_alpha(c) || bol_is_digit(c) || c == '-')
                out[k++] = c;
        }
    }
    out[k] = '\0';
}

/*
 * The visit a plan goes into: the one given, or one made from its vessel and
 * voyage (*define then holds the visit.define to run first).  0, or an error
 * with its reason in text.
 */
static int plan_visit(struct imp *im, const struct bol_baplie *b, json_t **define, char *text,
                      size_t ntext)
{
    struct bol_visit vis;
    const char *terminal = im->o->terminal, *imo, *cs;
    json_t *ves;
    int r;

    *define = NULL;
    if (im->o->visit) {
        snprintf(im->visit, sizeof(im->visit), "%s", im->o->visit);
        r = im->sv.view.visit(im->sv.view.ctx, im->visit, &vis);
        if (r == BOL_E_NOTFOUND)
            snprintf(text, ntext, "no vessel visit %s", im->visit);
        else if (r < 0)
            snprintf(text, ntext, "%s", im->vd.msg);
        return r;
    }
    ves = plan_vessel(im, b);
    if (!ves) {
        snprintf(text, ntext,
                 "the plan's vessel %s (%s) is not defined: define it (vessel.define, with its IMO "
                 "number and profile) or import into a visit with --visit",
                 b->vessel_id[0] ? b->vessel_id : "without an id", b->vessel);
        return BOL_E_NOTFOUND;
    }
    if (!b->voyage[0]) {
        snprintf(text, ntext, "the plan gives no voyage number: import it with --visit");
        return BOL_E_INVAL;
    }
    imo = json_string_value(json_object_get(ves, "imo"));
    cs = json_string_value(json_object_get(ves, "call_sign"));
    visit_id_for(cs && cs[0] ? cs : imo, b->voyage, im->visit);
    r = im->sv.view.visit(im->sv.view.ctx, im->visit, &vis);
    if (r == 0)
        return 0; /* made by an earlier plan for this call */
    if (r != BOL_E_NOTFOUND) {
        snprintf(text, ntext, "%s", im->vd.msg);
        return r;
    }
    if (!terminal) {
        if (json_array_size(im->terminals) != 1) {
            snprintf(text, ntext, "this installation has %zu terminals: name one with --terminal",
                     json_array_size(im->terminals));
            return BOL_E_INVAL;
        }
        terminal = json_string_value(json_object_get(json_array_get(im->terminals, 0), "code"));
    }
    *define =
        json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "cmd", "visit.define", "id", im->visit,
                  "terminal", terminal, "imo", imo, "voyage_in", b->voyage, "phase", "planned");
    if (!*define)
        return BOL_E_NOMEM;
    if (b->carrier[0] && line_known(im, b->carrier) > 0 &&
        json_object_set_new(*define, "line", json_string(b->carrier)) != 0)
        return BOL_E_NOMEM;
    return 0;
}

/* The request id of a message imported into a visit: its bytes' hash. */
void bol_edi_msg_req(const char *p, const struct bol_edi_message *m, const char *name, char *out,
                     size_t n)
{
    uint8_t h[BOL_SHA256_LEN];
    char hex[33];
    size_t i;

    bol_sha256(p + m->offset, (size_t) (m->end - m->offset), h);
    for (i = 0; i < 16; i++)
        snprintf(hex + 2 * i, 3, "%02x", h[i]);
    snprintf(out, n, "edi-%s-%s", name, hex);
}

void bol_edi_imp_req(struct imp *im, const struct bol_edi_message *m, char *out, size_t n)
{
    bol_edi_msg_req(im->p, m, im->visit[0] ? im->visit : m->type, out, n);
}

static const struct bol_baplie *plan_of(struct imp *im, size_t msg)
{
    size_t i;

    for (i = 0; i < im->set.nplans; i++) {
        if (im->set.plans[i].msg == msg)
            return &im->set.plans[i];
    }
    return NULL;
}

int bol_edi_imp_count(json_t *o, const char *k, uint64_t v)
{
    return json_object_set_new(o, k, json_integer((json_int_t) v)) == 0 ? 0 : BOL_E_NOMEM;
}

int bol_edi_imp_visit(const struct bol_edi_visit_find *f, char out[BOL_VISIT_ID_MAX + 1],
                      char *text, size_t ntext)
{
    const char *imo = NULL;
    size_t i, k, found = 0;
    json_t *v, *t, *visits;
    struct bol_visit vis;
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    if (f->given) {
        snprintf(out, BOL_VISIT_ID_MAX + 1, "%s", f->given);
        r = f->view->visit(f->view->ctx, out, &vis);
        if (r == BOL_E_NOTFOUND)
            snprintf(text, ntext, "no vessel visit %s", out);
        else if (r < 0)
            snprintf(text, ntext, "cannot read vessel visit %s", out);
        return r;
    }
    json_array_foreach(f->vessels, i, v)
    {
        if (f->vessel_id[0] && (!strcmp(text_of(v, "imo"), f->vessel_id) ||
                                !strcmp(text_of(v, "call_sign"), f->vessel_id)))
            imo = text_of(v, "imo");
    }
    json_array_foreach(imo ? f->terminals : NULL, i, t)
    {
        if ((r = bol_query_visits(f->rs, text_of(t, "code"), &visits, &d)) < 0) {
            snprintf(text, ntext, "%s", d.msg);
            return r;
        }
        json_array_foreach(visits, k, v)
        {
            json_t *doc = json_object_get(v, "visit");

            if (strcmp(text_of(doc, "imo"), imo) != 0 ||
                (f->voyage[0] && strcmp(text_of(doc, "voyage_in"), f->voyage) != 0 &&
                 strcmp(text_of(doc, "voyage_out"), f->voyage) != 0))
                continue;
            if (!found++)
                snprintf(out, BOL_VISIT_ID_MAX + 1, "%s", text_of(doc, "id"));
        }
        json_decref(visits);
    }
    if (found == 1)
        return 0;
    if (found)
        snprintf(text, ntext, "vessel %.17s has %zu visits for voyage '%.17s': import with --visit",
                 f->vessel_id, found, f->voyage);
    else
        snprintf(text, ntext,
                 "no defined visit of vessel %.17s on voyage %.17s that has not departed: define "
                 "the visit, or import into one with --visit",
                 f->vessel_id[0] ? f->vessel_id : "(none given)",
                 f->voyage[0] ? f->voyage : "(any)");
    return found ? BOL_E_CONFLICT : BOL_E_NOTFOUND;
}

/* Import one message; its report goes into mr.  Returns 1 when it failed, 0 when not, < 0. */
/* The master data of a box bollard has a record of: 1, 0 when none, < 0. */
static int known_box(void *u, const char *id, struct bol_container *out)
{
    struct imp *im = u;
    int r = im->sv.view.container(im->sv.view.ctx, id, out);

    if (r == BOL_E_NOTFOUND)
        return 0;
    return r < 0 ? r : 1;
}

/* Run a message's commands as one command of several steps under its request id. */
int bol_edi_imp_run(struct imp *im, json_t *cmds, const char *req, struct bol_ops_call *call)
{
    memset(call, 0, sizeof(*call));
    call->actor = *im->actor;
    call->req = bol_str_from(req);
    call->cmd = cmds;
    call->scope = im->o->scope;
    return bol_ops_run_call(im->ops, call);
}

/*
 * Put the result of a message's steps into its report: "imported" with the
 * journal range, "already imported", or (returning 1) an error note at the
 * failing step's box (where, off, seg: that box, or the message when the
 * failure is not a step's) with its count key set to 0.  Else 0 or < 0.
 */
int bol_edi_imp_outcome(json_t *mr, const struct bol_ops_call *call, int r, const char *where,
                        uint64_t off, uint32_t seg, const char *count_key)
{
    char text[2 * BOL_DIAG_MSG_MAX];

    if (r < 0 && !(call->diag.code == BOL_E_CONFLICT && !strcmp(call->diag.field, "req"))) {
        snprintf(text, sizeof(text), "%s%s%s%s%s", where, where[0] ? ": " : "", call->diag.field,
                 call->diag.field[0] ? ": " : "", call->diag.msg);
        if (bol_edi_imp_note(json_object_get(mr, "notes"), "error", off, seg, text) < 0 ||
            bol_edi_imp_count(mr, count_key, 0) < 0)
            return BOL_E_NOMEM;
        return 1;
    }
    /* A repeat of the request: taken by another run of this very message. */
    if (r < 0 || call->res.duplicate)
        return json_object_set_new(mr, "outcome", json_string("already imported")) == 0
                   ? 0
                   : BOL_E_NOMEM;
    if (json_object_set_new(mr, "outcome", json_string("imported")) != 0 ||
        json_object_set_new(mr, "seq",
                            json_pack("[I,I]", (json_int_t) call->res.first_seq,
                                      (json_int_t) call->res.last_seq)) != 0)
        return BOL_E_NOMEM;
    return 0;
}

/* 1 when bollard has a record of the box, 0 when not, < 0. */
static int any_record(void *u, const char *id)
{
    struct bol_container c;

    return known_box(u, id, &c);
}

/*
 * A message of container groups: a VGM declaration (each box's VGM recorded)
 * or a container announcement (each box announced), all or none.
 */
static int import_boxes(struct imp *im, size_t msg, json_t *mr)
{
    const struct bol_edi_message *m = &im->eq.ic.msgs[msg];
    const struct bol_edi_boxes *b = &im->eq.msgs[msg];
    bool vermas = !strcmp(m->type, "VERMAS");
    bool release = !vermas && !strcmp(b->doc, "12"); /* a COPARN release order (edi_boxes.c) */
    json_t *notes = json_object_get(mr, "notes");
    struct bol_vermas_ctx vctx;
    struct bol_vermas_mapped vm;
    struct bol_edi_map_ctx cctx;
    struct bol_ops_call call;
    struct bol_append_result ar;
    struct bol_diag d;
    char reason[160], req[BOL_REQ_ID_MAX + 1];
    int r;

    if (m->failed || !m->end)
        return 1;
    if (bol_edi_imp_count(mr, "containers", b->n) < 0 || bol_edi_imp_count(mr, "vgm", b->vgm) < 0 ||
        (!vermas && (bol_edi_imp_count(mr, "reefers", b->reefers) < 0 ||
                     bol_edi_imp_count(mr, "dg_lines", b->dg_lines) < 0)))
        return BOL_E_NOMEM;
    im->visit[0] = '\0';
    bol_edi_imp_req(im, m, req, sizeof(req));
    bol_diag_init(&d);
    r = bol_store_request_find(im->rs, bol_str_from(req), NULL, &ar, &d);
    if (r == BOL_E_CONFLICT)
        return json_object_set_new(mr, "outcome", json_string("already imported")) == 0
                   ? 0
                   : BOL_E_NOMEM;
    bol_diag_init(&im->vd);
    memset(&vm, 0, sizeof(vm));
    if (vermas) {
        snprintf(reason, sizeof(reason), "VGM declared in VERMAS %.35s from %.35s",
                 b->doc_no[0] ? b->doc_no : m->ref, im->eq.ic.sender);
        vctx.reason = reason;
        vctx.declarant = im->eq.ic.sender;
        vctx.ref = b->doc_no[0] ? b->doc_no : m->ref;
        vctx.container = known_box;
        vctx.u = im;
        r = bol_vermas_map(b, &vctx, &vm);
    } else if (release) {
        r = bol_edi_release_map(im->p, im->n, msg, im->eq.ic.sender, line_known, im, &vm.m);
    } else {
        memset(&cctx, 0, sizeof(cctx));
        cctx.line_known = line_known;
        cctx.known = any_record;
        cctx.u = im;
        r = bol_coparn_map(b, &cctx, &vm.m);
    }
    if (r < 0)
        return r;
    if (json_array_extend(notes, vm.m.notes) != 0 ||
        (vermas && (bol_edi_imp_count(mr, "corrected", vm.m.boxes - vm.pending) < 0 ||
                    bol_edi_imp_count(mr, "pending", vm.pending) < 0 ||
                    bol_edi_imp_count(mr, "unchanged", vm.same) < 0 ||
                    bol_edi_imp_count(mr, "unknown", vm.unknown) < 0 ||
                    bol_edi_imp_count(mr, "without_vgm", vm.no_vgm) < 0)) ||
        (release && bol_edi_imp_count(mr, "releases", vm.m.failed ? 0 : vm.m.boxes) < 0) ||
        (!vermas && !release &&
         (bol_edi_imp_count(mr, "announced", vm.m.failed ? 0 : vm.m.boxes) < 0 ||
          bol_edi_imp_count(mr, "already_known", vm.m.already) < 0 ||
          bol_edi_imp_count(mr, "unidentified", vm.m.unidentified) < 0 ||
          bol_edi_imp_count(mr, "flagged", vm.m.flagged) < 0)) ||
        (vm.m.dropped && bol_edi_imp_count(mr, "notes_dropped", vm.m.dropped) < 0)) {
        r = BOL_E_NOMEM;
        goto out;
    }
    if (vm.m.failed) {
        r = 1;
        goto out;
    }
    if (!json_array_size(vm.m.cmds)) {
        r = json_object_set_new(mr, "outcome", json_string("imported")) == 0 ? 0 : BOL_E_NOMEM;
        goto out;
    }
    r = bol_edi_imp_run(im, vm.m.cmds, req, &call);
    {
        long step = call.failed_step;
        const struct bol_edi_box *x =
            r < 0 && !release && step >= 0 && (size_t) step < json_array_size(vm.m.cmds)
                ? &b->v[vm.m.slot[step]]
                : NULL;

        r = bol_edi_imp_outcome(mr, &call, r, x ? x->id.s : "", x ? x->offset : m->offset,
                                x ? x->segment : m->first_segment,
                                vermas    ? "corrected"
                                : release ? "releases"
                                          : "announced");
    }
out:
    bol_edi_mapped_release(&vm.m);
    return r;
}

/*
 * The plan's reserved and blocked cells as the slot.mark command that
 * replaces the visit's marks (*ret NULL when the plan marks none and the
 * visit has none to clear), with the count of blocked cells in the report.
 */
static int plan_marks(struct imp *im, const struct bol_baplie *b, const struct bol_edi_message *m,
                      bool new_visit, json_t *mr, json_t **ret)
{
    struct bol_slot_mark one;
    uint32_t reserved, blocked;
    unsigned n = 0;
    int r = bol_baplie_marks(b, im->visit, m->ref, ret, &reserved, &blocked);

    if (r < 0 || (r = bol_edi_imp_count(mr, "blocked", blocked)) < 0)
        return r;
    if (json_array_size(json_object_get(*ret, "marks")) || new_visit)
        goto keep;
    r = im->sv.view.slot_marks(im->sv.view.ctx, im->visit, NULL, &one, 1, &n);
    if (r < 0 && r != BOL_E_TOOBIG)
        return r;
    if (r == BOL_E_TOOBIG || n)
        return 0; /* marks to clear */
keep:
    if (!json_array_size(json_object_get(*ret, "marks"))) {
        json_decref(*ret);
        *ret = NULL;
    }
    return 0;
}

/* A loading or discharge order (COPRAR) or stowage instructions (MOVINS): edi_orders.c. */
static int import_orders(struct imp *im, size_t msg, json_t *mr)
{
    /* Whose list: the interchange's sender, else (a bare message) the carrier. */
    const char *carrier = msg < im->eq.cap ? im->eq.msgs[msg].carrier : "";
    const char *sender = im->eq.ic.sender[0] ? im->eq.ic.sender : carrier[0] ? carrier : "NONE";
    struct bol_edi_orders_in in = {
        im->ops, im->actor, im->o->scope,  im->rs,      &im->sv.view, im->o->visit,
        im->p,   im->n,     im->terminals, im->vessels, sender,
    };

    if (!strcmp(im->eq.ic.msgs[msg].type, "MOVINS"))
        return bol_edi_import_movins(&in, msg, mr);
    return bol_edi_import_coprar(&in, &im->eq, msg, mr);
}

static int import_message(struct imp *im, size_t msg, json_t *mr)
{
    const struct bol_edi_message *m = &im->set.ic.msgs[msg];
    const struct bol_baplie *b = plan_of(im, msg);
    json_t *notes = json_object_get(mr, "notes"), *define = NULL, *cmds, *marks = NULL;
    struct bol_edi_map_ctx ctx;
    struct bol_edi_mapped mp;
    struct bol_ops_call call;
    struct bol_append_result ar;
    struct bol_diag d;
    struct bol_visit vis;
    char text[2 * BOL_DIAG_MSG_MAX], req[BOL_REQ_ID_MAX + 1];
    bool has_define = false;
    int r;

    if (!strcmp(m->type, "VERMAS") || !strcmp(m->type, "COPARN"))
        return import_boxes(im, msg, mr);
    if (!strcmp(m->type, "COARRI") || !strcmp(m->type, "CODECO"))
        return bol_edi_import_moves(im, msg, mr);
    if (!strcmp(m->type, "COPRAR") || !strcmp(m->type, "MOVINS"))
        return import_orders(im, msg, mr);
    if (strcmp(m->type, "BAPLIE") != 0)
        return bol_edi_imp_note(
                   notes, "error", m->offset, m->first_segment,
                   "bollard imports BAPLIE, COARRI, CODECO, COPARN, COPRAR, MOVINS and VERMAS "
                   "messages; this type is not imported yet") < 0
                   ? BOL_E_NOMEM
                   : 1;
    if (m->failed || !b || !m->end)
        return 1;
    if (bol_edi_imp_count(mr, "containers", b->containers) < 0 ||
        bol_edi_imp_count(mr, "reefers", b->reefers) < 0 ||
        bol_edi_imp_count(mr, "dg_lines", b->dg_lines) < 0 ||
        bol_edi_imp_count(mr, "vgm", b->vgm) < 0)
        return BOL_E_NOMEM;
    bol_diag_init(&im->vd);
    r = plan_visit(im, b, &define, text, sizeof(text));
    if (r == BOL_E_NOMEM)
        return r;
    if (r < 0)
        return bol_edi_imp_note(notes, "error", m->offset, m->first_segment, text) < 0 ? BOL_E_NOMEM
                                                                                       : 1;
    if (json_object_set_new(mr, "visit", json_string(im->visit)) != 0) {
        json_decref(define);
        return BOL_E_NOMEM;
    }
    bol_edi_imp_req(im, m, req, sizeof(req));
    bol_diag_init(&d);
    r = bol_store_request_find(im->rs, bol_str_from(req), NULL, &ar, &d);
    if (r == BOL_E_CONFLICT) { /* the id is taken: this message went into this visit before */
        json_decref(define);
        return json_object_set_new(mr, "outcome", json_string("already imported")) == 0
                   ? 0
                   : BOL_E_NOMEM;
    }
    ctx.visit = im->visit;
    ctx.port = "";
    if (im->sv.view.visit(im->sv.view.ctx, im->visit, &vis) == 0)
        ctx.port = terminal_port(im, vis.terminal);
    else if (define)
        ctx.port = terminal_port(im, text_of(define, "terminal"));
    ctx.line_known = line_known;
    ctx.on_board = on_board;
    ctx.known = any_record;
    ctx.u = im;
    r = bol_baplie_map(b, &ctx, &mp);
    if (r < 0) {
        json_decref(define);
        return r;
    }
    cmds = mp.cmds;
    if (json_array_extend(notes, mp.notes) != 0 ||
        bol_edi_imp_count(mr, "registered", mp.failed ? 0 : mp.boxes) < 0 ||
        bol_edi_imp_count(mr, "reserved", mp.reserved) < 0 ||
        bol_edi_imp_count(mr, "unidentified", mp.unidentified) < 0 ||
        bol_edi_imp_count(mr, "already_on_board", mp.already) < 0 ||
        bol_edi_imp_count(mr, "flagged", mp.flagged) < 0 ||
        (mp.dropped && bol_edi_imp_count(mr, "notes_dropped", mp.dropped) < 0)) {
        r = BOL_E_NOMEM;
        goto out;
    }
    if (mp.failed) {
        r = 1;
        goto out;
    }
    if ((r = plan_marks(im, b, m, define != NULL, mr, &marks)) < 0 ||
        (marks && json_array_append_new(mp.cmds, marks) != 0)) {
        r = BOL_E_NOMEM;
        goto out;
    }
    if (define) {
        has_define = true;
        r = json_array_insert_new(cmds, 0, define);
        define = NULL; /* cmds holds it now, or it is gone */
        if (r != 0) {
            r = BOL_E_NOMEM;
            goto out;
        }
    }
    if (!json_array_size(cmds)) {
        r = json_object_set_new(mr, "outcome", json_string("imported")) == 0 ? 0 : BOL_E_NOMEM;
        goto out;
    }
    r = bol_edi_imp_run(im, cmds, req, &call);
    {
        long step = call.failed_step - (has_define ? 1 : 0);
        const struct bol_baplie_slot *sl =
            r < 0 && step >= 0 && (size_t) step < mp.boxes ? &b->slots[mp.slot[step]] : NULL;

        if (sl)
            snprintf(text, sizeof(text), "%s at %s", sl->id.s, sl->cell_text);
        else
            text[0] = '\0';
        r = bol_edi_imp_outcome(mr, &call, r, text, sl ? sl->offset : m->offset,
                                sl ? sl->segment : m->first_segment, "registered");
    }
out:
    json_decref(define);
    bol_edi_mapped_release(&mp);
    return r;
}

int bol_edi_import(struct bol_ops *ops, const struct bol_actor *actor, const char *p, size_t n,
                   const struct bol_edi_import_opts *o, json_t **report, struct bol_diag *diag)
{
    struct imp *im = bol_calloc(1, sizeof(*im));
    json_t *rep = NULL, *msgs = NULL, *icn = NULL;
    bool failed = false;
    size_t i;
    int r;

    *report = NULL;
    if (!im)
        return bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
    if (o->visit && o->create_visit) {
        bol_free(im);
        return bol_diag_fail(diag, BOL_E_INVAL, "visit", "give a visit or create one, not both");
    }
    im->ops = ops;
    im->actor = actor;
    im->o = o;
    im->p = p;
    im->n = n;
    if ((r = bol_ops_reader(ops, &im->rs, diag)) < 0) {
        bol_free(im);
        return r;
    }
    bol_store_view_init(&im->sv, im->rs, &im->vd);
    if ((r = bol_query_terminals(im->rs, &im->terminals, diag)) < 0 ||
        (r = bol_query_vessels(im->rs, &im->vessels, diag)) < 0)
        goto out;
    r = bol_baplie_read(p, n, NULL, &im->set);
    if (r != BOL_E_NOMEM && bol_edi_equipment_read(p, n, NULL, &im->eq) == BOL_E_NOMEM)
        r = BOL_E_NOMEM;
    if (r == BOL_E_NOMEM) {
        r = bol_diag_fail(diag, r, "edi", "out of memory");
        goto out;
    }
    msgs = json_array();
    icn = json_array();
    rep = json_pack("{s:{s:s, s:s, s:s, s:o}, s:o}", "interchange", "sender", im->set.ic.sender,
                    "recipient", im->set.ic.recipient, "control", im->set.ic.control, "notes", icn,
                    "messages", msgs);
    if (!rep || ic_notes(&im->set.ic, -1, icn) < 0) {
        r = bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
        goto out;
    }
    failed = im->set.ic.failed || r < 0;
    r = 0;
    for (i = 0; i < im->set.ic.nmsgs; i++) {
        const struct bol_edi_message *m = &im->set.ic.msgs[i];
        char version[16];
        json_t *mr, *notes = json_array();

        snprintf(version, sizeof(version), "%.3s:%.3s%s%.7s", m->version, m->release,
                 m->assoc[0] ? ":" : "", m->assoc);
        mr = json_pack("{s:I, s:s, s:s, s:s, s:o}", "index", (json_int_t) i, "ref", m->ref, "type",
                       m->type, "version", version, "notes", notes);
        /* Each message's notes from the reader of its type. */
        if (!mr || json_array_append_new(msgs, mr) != 0 ||
            ic_notes(strcmp(m->type, "BAPLIE") != 0 && i < im->eq.ic.nmsgs ? &im->eq.ic
                                                                           : &im->set.ic,
                     (int) i, notes)) {
            r = bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
            goto out;
        }
        r = import_message(im, i, mr);
        if (r < 0) {
            r = bol_diag_fail(diag, r, "edi", "out of memory or the store failed");
            goto out;
        }
        if (r == 1) {
            failed = true;
            if (json_object_set_new(mr, "outcome", json_string("failed")) != 0) {
                r = bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
                goto out;
            }
        }
        r = 0;
    }
    if (!im->set.ic.nmsgs)
        failed = true;
    *report = rep;
    rep = NULL;
    if (failed)
        r = bol_diag_fail(diag, BOL_E_INVAL, "edi", "a message did not import: see the report");
out:
    json_decref(rep);
    json_decref(im->terminals);
    json_decref(im->vessels);
    bol_baplie_set_release(&im->set);
    bol_edi_equipment_release(&im->eq);
    bol_store_close(im->rs);
    bol_free(im);
    return r;
}
