/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_orders.c - a visit's orders from EDI into the journal, and back out
 * (edi_orders.h)
 *
 * Each message is one command of several steps (ops.h) under the request
 * id "edi-VISIT-" and 128 bits of the SHA-256 of its bytes, as bay plans
 * are: all lines or none, and the same message into the same visit once.
 */
#include "compat.h"

#include "codec.h"
#include "coprar_map.h"
#include "domain.h"
#include "edi_import-int.h"
#include "edi_orders.h"
#include "entry.h"
#include "errors.h"
#include "mem.h"
#include "movins.h"
#include "query.h"
#include "storeview.h"
#include "str.h"

/* An error note on the message: 1 (it failed), or BOL_E_NOMEM. */
static int note(json_t *mr, uint64_t offset, uint32_t segment, const char *text)
{
    return bol_edi_imp_note(json_object_get(mr, "notes"), "error", offset, segment, text) < 0
               ? BOL_E_NOMEM
               : 1;
}

/* Whether the report has a note at this offset already (from the equipment reader). */
static bool noted_at(json_t *mr, uint64_t offset)
{
    json_t *n;
    size_t i;

    json_array_foreach(json_object_get(mr, "notes"), i, n)
    {
        if ((uint64_t) json_integer_value(json_object_get(n, "offset")) == offset)
            return true;
    }
    return false;
}

static int set(json_t *mr, const char *k, json_t *v)
{
    return json_object_set_new(mr, k, v) == 0 ? 0 : BOL_E_NOMEM;
}

static const char *text_of(json_t *o, const char *key)
{
    const char *v = json_string_value(json_object_get(o, key));

    return v ? v : "";
}

/* The visit (edi_import-int.h): 0 with it in out, or 1 when none (noted). */
static int find_visit(const struct bol_edi_orders_in *in, const char *vessel_id, const char *voyage,
                      const struct bol_edi_message *m, json_t *mr, char out[BOL_VISIT_ID_MAX + 1])
{
    struct bol_edi_visit_find f = {
        in->rs, in->view, in->terminals, in->vessels, in->visit, vessel_id, voyage,
    };
    char text[256];
    int r = bol_edi_imp_visit(&f, out, text, sizeof(text));

    if (r == BOL_E_NOTFOUND || r == BOL_E_CONFLICT)
        return note(mr, m->offset, m->first_segment, text);
    return r;
}

/*
 * Run the mapped commands under req and report (edi_import-int.h): the
 * journal range, "already imported", or 1 with an error at the failing
 * step's box (offs/segs[slot]; a step that is not a box's: the message).
 */
static int run(const struct bol_edi_orders_in *in, const struct bol_edi_message *m,
               const struct bol_edi_mapped *mp, const uint64_t *offs, const uint32_t *segs,
               size_t nslots, const char *req, json_t *mr, const char *count_key)
{
    struct bol_ops_call call;
    struct bol_append_result ar;
    struct bol_diag d;
    long step;
    size_t slot;
    bool at_box;
    int r;

    bol_diag_init(&d);
    r = bol_store_request_find(in->rs, bol_str_from(req), NULL, &ar, &d);
    if (r == BOL_E_CONFLICT)
        return set(mr, "outcome", json_string("already imported"));
    memset(&call, 0, sizeof(call));
    call.actor = *in->actor;
    call.req = bol_str_from(req);
    call.cmd = mp->cmds;
    call.scope = in->scope;
    r = bol_ops_run_call(in->ops, &call);
    step = call.failed_step;
    slot = step >= 0 && (size_t) step < json_array_size(mp->cmds) ? mp->slot[step] : SIZE_MAX;
    at_box = slot != SIZE_MAX && slot < nslots;
    return bol_edi_imp_outcome(mr, &call, r, "", at_box ? offs[slot] : m->offset,
                               at_box ? segs[slot] : m->first_segment, count_key);
}

int bol_edi_import_coprar(const struct bol_edi_orders_in *in, const struct bol_edi_equipment *eq,
                          size_t msg, json_t *mr)
{
    const struct bol_edi_message *m = &eq->ic.msgs[msg];
    const struct bol_edi_boxes *b = &eq->msgs[msg];
    const char *kind = bol_coprar_kind(b->doc);
    struct bol_coprar_ctx ctx;
    struct bol_edi_mapped mp;
    char visit[BOL_VISIT_ID_MAX + 1], req[BOL_REQ_ID_MAX + 1];
    uint64_t *offs = NULL;
    uint32_t *segs = NULL;
    size_t i;
    int r;

    if (m->failed || !m->end)
        return 1;
    if (set(mr, "containers", json_integer((json_int_t) b->n)) < 0 ||
        set(mr, "reefers", json_integer(b->reefers)) < 0 ||
        set(mr, "dg_lines", json_integer(b->dg_lines)) < 0 ||
        set(mr, "vgm", json_integer(b->vgm)) < 0 ||
        (kind && set(mr, "kind", json_string(kind)) < 0))
        return BOL_E_NOMEM;
    r = find_visit(in, b->vessel_id, b->voyage, m, mr, visit);
    if (r != 0)
        return r;
    if (set(mr, "visit", json_string(visit)) < 0)
        return BOL_E_NOMEM;
    ctx.visit = visit;
    ctx.sender = in->sender;
    r = bol_coprar_map(b, &ctx, &mp);
    if (r < 0)
        return r;
    if (json_array_extend(json_object_get(mr, "notes"), mp.notes) != 0 ||
        set(mr, "lines", json_integer(mp.failed ? 0 : mp.boxes)) < 0 ||
        set(mr, "booking_level", json_integer(mp.unidentified)) < 0 ||
        set(mr, "flagged", json_integer(mp.flagged)) < 0) {
        r = BOL_E_NOMEM;
        goto out;
    }
    if (mp.failed) {
        r = 1;
        goto out;
    }
    offs = bol_calloc(b->n + 1, sizeof(*offs));
    segs = bol_calloc(b->n + 1, sizeof(*segs));
    if (!offs || !segs) {
        r = BOL_E_NOMEM;
        goto out;
    }
    for (i = 0; i < b->n; i++) {
        offs[i] = b->v[i].offset;
        segs[i] = b->v[i].segment;
    }
    bol_edi_msg_req(in->p, m, visit, req, sizeof(req));
    r = run(in, m, &mp, offs, segs, b->n, req, mr, "lines");
out:
    bol_free(offs);
    bol_free(segs);
    bol_edi_mapped_release(&mp);
    return r;
}

int bol_edi_import_movins(const struct bol_edi_orders_in *in, size_t msg, json_t *mr)
{
    struct bol_movins_set set_;
    const struct bol_edi_message *m;
    const struct bol_movins *mv;
    struct bol_movins_ctx ctx;
    struct bol_edi_mapped mp;
    char visit[BOL_VISIT_ID_MAX + 1], req[BOL_REQ_ID_MAX + 1], text[BOL_DIAG_MSG_MAX + 32];
    uint64_t *offs = NULL;
    uint32_t *segs = NULL;
    size_t i;
    int r = bol_movins_read(in->p, in->n, NULL, &set_);

    memset(&mp, 0, sizeof(mp));
    if (r == BOL_E_NOMEM)
        goto out;
    r = 1;
    if (msg >= set_.ic.nmsgs || msg >= set_.cap)
        goto out;
    m = &set_.ic.msgs[msg];
    mv = &set_.msgs[msg];
    if (m->failed || !m->end) {
        /* The stowage reader's own errors (the equipment reader's are noted already). */
        for (i = 0; i < set_.ic.nnotes; i++) {
            const struct bol_edi_note *e = &set_.ic.notes[i];

            if (e->msg != (int) msg || !e->error || noted_at(mr, e->offset))
                continue;
            snprintf(text, sizeof(text), "%s element %u: %s", e->tag, e->element, e->text);
            if ((r = note(mr, e->offset, e->segment, text)) < 0)
                goto out;
        }
        r = 1;
        goto out;
    }
    if (set(mr, "containers", json_integer(mv->eqd)) < 0 ||
        set(mr, "reefers", json_integer(mv->reefers)) < 0 ||
        set(mr, "dg_lines", json_integer(mv->dg_lines)) < 0) {
        r = BOL_E_NOMEM;
        goto out;
    }
    r = find_visit(in, mv->vessel_id, mv->voyage, m, mr, visit);
    if (r != 0)
        goto out;
    if (set(mr, "visit", json_string(visit)) < 0) {
        r = BOL_E_NOMEM;
        goto out;
    }
    ctx.visit = visit;
    ctx.sender = in->sender;
    if ((r = bol_movins_map(mv, &ctx, &mp)) < 0)
        goto out;
    if (json_array_extend(json_object_get(mr, "notes"), mp.notes) != 0 ||
        set(mr, "rules", json_integer(mp.failed ? 0 : mp.boxes)) < 0) {
        r = BOL_E_NOMEM;
        goto out;
    }
    if (mp.failed) {
        r = 1;
        goto out;
    }
    offs = bol_calloc(mv->n + 1, sizeof(*offs));
    segs = bol_calloc(mv->n + 1, sizeof(*segs));
    if (!offs || !segs) {
        r = BOL_E_NOMEM;
        goto out;
    }
    for (i = 0; i < mv->n; i++) {
        offs[i] = mv->v[i].offset;
        segs[i] = mv->v[i].segment;
    }
    bol_edi_msg_req(in->p, m, visit, req, sizeof(req));
    r = run(in, m, &mp, offs, segs, mv->n, req, mr, "rules");
out:
    bol_free(offs);
    bol_free(segs);
    bol_edi_mapped_release(&mp);
    bol_movins_set_release(&set_);
    return r;
}

/* ---- out ---- */

int bol_edi_export_orders(struct bol_store *s, const char *visit, const char *kind,
                          const struct bol_scope *scope, const char *line, int64_t now_us,
                          struct bol_buf *out, size_t *boxes, struct bol_diag *diag)
{
    static const char *const kinds[] = { "load", "discharge" };
    struct bol_store_view sv;
    struct bol_visit vis;
    struct bol_vessel ves;
    struct bol_report_envelope env;
    struct bol_coprar_out co[2];
    json_t *terms = NULL, *rows = NULL, *lists[2] = { NULL, NULL }, *e;
    const char *port = "";
    char control[16], vid[18], voyage[18], doc_no[36];
    size_t i, k, n = 0;
    int r;

    *boxes = 0;
    bol_store_view_init(&sv, s, diag);
    r = sv.view.visit(sv.view.ctx, visit, &vis);
    if (r == BOL_E_NOTFOUND || (r == 0 && scope && !bol_scope_has(scope, vis.terminal)) ||
        (r == 0 && line && strcmp(line, vis.line) != 0))
        return bol_diag_fail(diag, BOL_E_NOTFOUND, "visit", "no vessel visit %s", visit);
    if (r < 0 || (r = sv.view.vessel(sv.view.ctx, vis.imo, &ves)) < 0 ||
        (r = bol_query_terminals(s, &terms, diag)) < 0)
        goto out;
    json_array_foreach(terms, i, e)
    {
        if (!strcmp(text_of(e, "code"), vis.terminal))
            port = text_of(e, "unlocode");
    }
    snprintf(vid, sizeof(vid), "%.17s", ves.call_sign[0] ? ves.call_sign : ves.imo);
    snprintf(voyage, sizeof(voyage), "%.17s", vis.voyage_in);
    snprintf(doc_no, sizeof(doc_no), "%.20s-%s", visit, !strcmp(kind, "movins") ? "M" : "O");
    snprintf(control, sizeof(control), "%lld", (long long) (now_us / 1000000) % 100000000000LL);
    env.sender = port[0] ? port : "BOLLARD";
    env.recipient = vis.line[0] ? vis.line : "LINE";
    env.control = control;
    env.prepared_us = now_us;
    if (!strcmp(kind, "movins")) {
        struct bol_movins_out mo = { doc_no, voyage, vis.line, vid, ves.name, port, NULL };

        if ((r = bol_query_stowage(s, visit, &rows, diag)) < 0)
            goto out;
        mo.rules = json_array();
        if (!mo.rules) {
            r = bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
            goto out;
        }
        json_array_foreach(rows, i, e) json_array_append(mo.rules, json_object_get(e, "rule"));
        *boxes = json_array_size(mo.rules);
        r = bol_movins_write(&mo, &env, out);
        json_decref(mo.rules);
    } else {
        if ((r = bol_query_orders(s, visit, NULL, &rows, diag)) < 0)
            goto out;
        for (k = 0; k < 2; k++) {
            lists[k] = json_array();
            if (!lists[k]) {
                r = bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
                goto out;
            }
        }
        json_array_foreach(rows, i, e)
        {
            k = !strcmp(text_of(e, "kind"), "load") ? 0 : 1;
            json_array_append(lists[k], json_object_get(e, "box"));
        }
        for (k = 0; k < 2; k++) {
            if (!json_array_size(lists[k]))
                continue;
            co[n] = (struct bol_coprar_out){ kinds[k], doc_no,   voyage, vis.line,
                                             vid,      ves.name, port,   lists[k] };
            *boxes += json_array_size(lists[k]);
            n++;
        }
        if (!n)
            r = bol_diag_fail(diag, BOL_E_NOTFOUND, "visit",
                              "visit %s has no load or discharge list", visit);
        else
            r = bol_coprar_write(co, n, &env, out);
    }
    if (r < 0 && !diag->msg[0])
        r = bol_diag_fail(diag, r, "edi", "the message could not be written");
out:
    json_decref(lists[0]);
    json_decref(lists[1]);
    json_decref(rows);
    json_decref(terms);
    return r;
}
