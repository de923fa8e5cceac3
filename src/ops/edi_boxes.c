/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi_boxes.c - release orders in, COPARN and VERMAS out (edi_boxes.h)
 */
#include "compat.h"

#include <stdio.h>
#include <string.h>

#include "booking.h"
#include "codec.h"
#include "coparn.h"
#include "edi_boxes.h"
#include "mem.h"
#include "query.h"
#include "vermas_write.h"

int bol_edi_release_map(const char *p, size_t n, size_t msg, const char *sender,
                        int (*line_known)(void *u, const char *code), void *u,
                        struct bol_edi_mapped *out)
{
    struct bol_coparn_set set;
    struct bol_coparn_ctx ctx;
    struct bol_booking_release rel;
    char reason[160];
    int r = bol_coparn_read(p, n, NULL, &set);

    memset(out, 0, sizeof(*out));
    if (r == BOL_E_NOMEM) {
        bol_coparn_set_release(&set);
        return r;
    }
    if (msg >= set.ic.nmsgs) {
        bol_coparn_set_release(&set);
        return BOL_E_INTERNAL;
    }
    snprintf(reason, sizeof(reason), "cancelled by COPARN %.35s from %.35s",
             set.msgs[msg].doc_no[0] ? set.msgs[msg].doc_no : set.ic.msgs[msg].ref, sender);
    ctx.reason = reason;
    ctx.line_known = line_known;
    ctx.u = u;
    r = bol_coparn_release_map(&set.msgs[msg], &ctx, &rel, out);
    bol_coparn_set_release(&set);
    return r;
}

static void control_of(int64_t now_us, char out[16])
{
    snprintf(out, 16, "%lld", (long long) (now_us / 1000000) % 100000000000LL);
}

int bol_edi_export_coparn(struct bol_store *s, const struct bol_edi_boxes_export *o,
                          struct bol_buf *out, struct bol_diag *diag)
{
    struct bol_coparn_envelope env;
    struct bol_booking_release *rel = NULL;
    json_t *docs = NULL, *d;
    char control[16];
    size_t i, k = 0;
    int r;

    if (!o->booking)
        return bol_diag_fail(diag, BOL_E_INVAL, "booking", "a COPARN is of a booking: name it");
    if ((r = bol_query_docs(s, BOL_DOC_BOOKING_RELEASE, NULL, &docs, diag)) < 0)
        return r;
    rel = bol_calloc(json_array_size(docs) + 1, sizeof(*rel));
    if (!rel) {
        r = bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
        goto out;
    }
    json_array_foreach(docs, i, d)
    {
        if (strcmp(json_string_value(json_object_get(d, "booking")), o->booking) != 0)
            continue;
        if ((r = bol_booking_release_from_json(d, &rel[k], diag)) < 0)
            goto out;
        k++;
    }
    if (!k) {
        r = bol_diag_fail(diag, BOL_E_NOTFOUND, "booking", "no release order for booking %s",
                          o->booking);
        goto out;
    }
    control_of(o->now_us, control);
    env.sender = o->sender;
    env.recipient = o->recipient ? o->recipient : rel[0].line;
    env.control = control;
    env.prepared_us = o->now_us;
    r = bol_coparn_write_releases(rel, k, &env, out);
    if (r < 0)
        r = bol_diag_fail(diag, r, "edi", "the releases could not be written");
out:
    bol_free(rel);
    json_decref(docs);
    return r;
}

int bol_edi_export_vermas(struct bol_store *s, const struct bol_edi_boxes_export *o,
                          struct bol_buf *out, struct bol_diag *diag)
{
    struct bol_vermas_envelope env;
    struct bol_vermas_decl *d = NULL;
    struct bol_container c;
    json_t *boxes = NULL, *e;
    char control[16];
    size_t i, k = 0;
    int r;

    if (!o->visit)
        return bol_diag_fail(diag, BOL_E_INVAL, "visit", "a VERMAS is of a vessel visit: name it");
    if ((r = bol_query_on_board(s, o->visit, &boxes, diag)) < 0)
        return r;
    d = bol_calloc(json_array_size(boxes) + 1, sizeof(*d));
    if (!d) {
        r = bol_diag_fail(diag, BOL_E_NOMEM, "edi", "out of memory");
        goto out;
    }
    json_array_foreach(boxes, i, e)
    {
        if ((r = bol_container_from_json(json_object_get(e, "container"), &c, diag)) < 0)
            goto out;
        if (!c.vgm_kg)
            continue;
        d[k].id = c.id;
        memcpy(d[k].sizetype, c.sizetype, sizeof(d[k].sizetype));
        d[k].vgm_kg = c.vgm_kg;
        d[k].method = c.vgm_method;
        snprintf(d[k].booking, sizeof(d[k].booking), "%s", c.booking);
        k++;
    }
    control_of(o->now_us, control);
    env.sender = o->sender;
    env.recipient = o->recipient ? o->recipient : "UNKNOWN";
    env.control = control;
    env.prepared_us = o->now_us;
    r = bol_vermas_write(d, k, &env, out);
    if (r < 0)
        r = bol_diag_fail(diag, r, "edi", "the declarations could not be written");
out:
    bol_free(d);
    json_decref(boxes);
    return r;
}
