/* SPDX-License-Identifier: Apache-2.0 */
/*
 * report_map.c - a move report as the commands that record its moves
 * (report_map.h)
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "codec.h"
#include "errors.h"
#include "report_map.h"
#include "utctime.h"

/* What a truck visit made from a report records instead of a driver. */
#define NOT_REPORTED "not reported"

static int fail(struct bol_edi_mapped *m, const struct bol_report_box *x, const char *why)
{
    char text[BOL_DIAG_MSG_MAX + 32];

    snprintf(text, sizeof(text), "container %s: %s", x->c.id.s, why);
    return bol_edi_mapped_note(m, true, x->offset, x->segment, text);
}

/* Append cmd (owned) for box i. */
static int add(struct bol_edi_mapped *m, json_t *cmd, size_t i)
{
    if (!cmd || json_array_append_new(m->cmds, cmd) != 0)
        return BOL_E_NOMEM;
    m->slot[json_array_size(m->cmds) - 1] = i;
    return 0;
}

static bool in_terminal(enum bol_place_kind k)
{
    return k == BOL_PLACE_YARD || k == BOL_PLACE_QUAY || k == BOL_PLACE_TRUCK;
}

/* The master data a gate-in registers an unknown box with. */
static int master_data(const struct bol_container *c, json_t **ret)
{
    struct bol_container copy = *c;

    memset(&copy.place, 0, sizeof(copy.place));
    copy.arrived_us = copy.departed_us = 0;
    return bol_container_to_json(&copy, ret);
}

static int vessel_move(const struct bol_report *r, const struct bol_report_map_ctx *ctx, size_t i,
                       unsigned nth, const struct bol_container *now, const char *at,
                       struct bol_edi_mapped *m)
{
    const struct bol_report_box *x = &r->boxes[i];
    char why[BOL_DIAG_MSG_MAX];
    int rc = ctx->moved(ctx->u, x->c.id.s, r->kind, ctx->visit, NULL);

    if (rc < 0)
        return rc;
    if ((unsigned) rc >= nth) {
        m->already++;
        return 0;
    }
    if (r->kind == BOL_REPORT_DISCHARGE) {
        if (now->place.kind == BOL_PLACE_VESSEL && strcmp(now->place.visit, ctx->visit) != 0) {
            snprintf(why, sizeof(why), "on board vessel visit %s, not %s", now->place.visit,
                     ctx->visit);
            return fail(m, x, why);
        }
        return add(
            m, json_pack("{s:s, s:s, s:s}", "cmd", "discharge", "id", x->c.id.s, "reported_at", at),
            i);
    }
    if (!x->cell[0])
        return fail(m, x, "a loading report without the stowage cell (LOC+147) it went into");
    return add(m,
               json_pack("{s:s, s:s, s:s, s:s, s:s}", "cmd", "load", "id", x->c.id.s, "visit",
                         ctx->visit, "cell", x->cell, "reported_at", at),
               i);
}

static int gate_move(const struct bol_report *r, const struct bol_report_map_ctx *ctx, size_t i,
                     unsigned nth, const struct bol_container *now, bool known, const char *at,
                     struct bol_edi_mapped *m)
{
    const struct bol_report_box *x = &r->boxes[i];
    bool in = r->kind == BOL_REPORT_GATE_IN;
    char ref[BOL_REF_MAX + 1];
    json_t *arrive, *cmd, *data = NULL;
    int rc;

    if (known && (in ? in_terminal(now->place.kind) : now->place.kind == BOL_PLACE_GONE)) {
        rc = ctx->moved(ctx->u, x->c.id.s, r->kind, NULL, ctx->terminal);
        if (rc < 0)
            return rc;
        if ((unsigned) rc >= nth) {
            m->already++;
            return 0;
        }
    }
    if (!known && !in)
        return fail(m, x, "bollard has no record of this box");
    snprintf(ref, sizeof(ref), "%.28s-%u", ctx->truck_ref, (unsigned) (i + 1));
    arrive = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "cmd", "truck.arrive", "terminal",
                       ctx->terminal, "person", "edi", "driver", NOT_REPORTED, "plate",
                       x->plate[0] ? x->plate : NOT_REPORTED, "ref", ref);
    if (arrive && ctx->company && ctx->company[0] &&
        json_object_set_new(arrive, "company", json_string(ctx->company)) != 0) {
        json_decref(arrive);
        arrive = NULL;
    }
    if ((rc = add(m, arrive, i)) < 0)
        return rc;
    if (!in) {
        if ((rc = add(
                 m,
                 json_pack("{s:s, s:s, s:s}", "cmd", "gate.deliver", "truck", ref, "id", x->c.id.s),
                 i)) < 0)
            return rc;
        return add(
            m, json_pack("{s:s, s:s, s:s}", "cmd", "truck.depart", "truck", ref, "reported_at", at),
            i);
    }
    if (known)
        cmd = json_pack("{s:s, s:s, s:s, s:s}", "cmd", "gate.receive", "truck", ref, "id",
                        x->c.id.s, "reported_at", at);
    else if ((rc = master_data(&x->c, &data)) < 0)
        return rc;
    else
        cmd = json_pack("{s:s, s:s, s:o, s:s}", "cmd", "gate.receive", "truck", ref, "container",
                        data, "reported_at", at);
    return add(m, cmd, i);
}

int bol_report_map(const struct bol_report *r, const struct bol_report_map_ctx *ctx,
                   struct bol_edi_mapped *out)
{
    bool vessel = r->kind == BOL_REPORT_DISCHARGE || r->kind == BOL_REPORT_LOAD;
    size_t i, before;
    int rc;

    if (bol_edi_mapped_init(out, 3 * r->n) < 0)
        return BOL_E_NOMEM;
    for (i = 0; i < r->n; i++) {
        const struct bol_report_box *x = &r->boxes[i];
        struct bol_container now;
        char at[BOL_TIME_TEXT_MAX];
        size_t k;
        unsigned nth;

        memset(&now, 0, sizeof(now));
        for (k = 0, nth = 1; k < i; k++)
            if (!strcmp(r->boxes[k].c.id.s, x->c.id.s))
                nth++;
        if (!bol_time_format(x->at_us, 0, 0, at)) {
            rc = fail(out, x, "the time of its move is out of range");
            if (rc < 0)
                goto out;
            continue;
        }
        rc = ctx->box(ctx->u, x->c.id.s, &now);
        if (rc < 0)
            goto out;
        if (!x->c.check_digit_ok) {
            out->flagged++;
        }
        before = out->already;
        if (!rc && vessel)
            rc = fail(out, x,
                      "bollard has no record of this box (import the visit's bay plan "
                      "first)");
        else if (vessel)
            rc = vessel_move(r, ctx, i, nth, &now, at, out);
        else
            rc = gate_move(r, ctx, i, nth, &now, rc > 0, at, out);
        if (rc < 0)
            goto out;
        if (out->already == before && !out->failed)
            out->boxes++;
    }
    return 0;
out:
    bol_edi_mapped_release(out);
    return rc;
}
