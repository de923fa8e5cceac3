/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_booking.c - booking-level release orders and VGMs declared before the
 * box is known (booking.h)
 *
 * booking.release_order records a release (a line's order to hand out N
 * boxes of a kind for a booking), booking.release_replace changes one and
 * keeps the count of boxes already out on it, booking.release_cancel ends
 * one.  gate.deliver quoting a release takes one unit of it
 * (bol_c_booking_deliver).  vgm.declare keeps a VGM for a box bollard has
 * no record of; registering the box takes it (bol_c_vgm_take).
 */
#include "compat.h"

#include <string.h>

#include "booking.h"
#include "buf.h"
#include "cmd-int.h"
#include "codec.h"
#include "jsonv.h"
#include "view.h"

static int load_release(struct run *r, const char *ref, struct bol_booking_release *out)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    json_error_t je;
    json_t *o = NULL;
    int rc = r->v->doc(r->v->ctx, BOL_DOC_BOOKING_RELEASE, ref, &b);

    if (rc == 0) {
        o = json_loadb(b.buf, b.len, JSON_REJECT_DUPLICATES, &je);
        rc = o && bol_booking_release_from_json(o, out, NULL) == 0
                 ? 0
                 : FAIL(r, BOL_E_CORRUPT, "state", "a stored release does not parse");
    }
    json_decref(o);
    bol_buf_release(&b);
    return rc;
}

static int emit_release(struct run *r, const char *type, const struct bol_booking_release *b,
                        const char *k, json_t *v)
{
    json_t *doc = NULL, *p;

    if (bol_booking_release_to_json(b, &doc) < 0) {
        json_decref(v);
        return FAIL(r, BOL_E_NOMEM, "release", "out of memory");
    }
    p = json_pack("{s:o}", "release", doc);
    if (k && !p)
        json_decref(v);
    else if (k && jv_set(p, k, v) < 0) { /* v is taken either way */
        json_decref(p);
        p = NULL;
    }
    return bol_cmd_emit(r, type, "", p);
}

/* The command's "release" object as a document with used and status as given. */
static int release_arg(struct run *r, uint32_t used, struct bol_booking_release *out)
{
    json_t *o = NULL, *copy;
    int rc;

    if ((rc = jv_object(r->cmd, "release", true, &o, r->diag)) < 0)
        return rc;
    if (json_object_get(o, "used") || json_object_get(o, "status"))
        return FAIL(r, BOL_E_INVAL, "release", "'used' and 'status' are bollard's to keep");
    copy = json_deep_copy(o);
    if (!copy || jv_set_int(copy, "used", used) < 0 || jv_set_str(copy, "status", "open") < 0) {
        json_decref(copy);
        return FAIL(r, BOL_E_NOMEM, "release", "out of memory");
    }
    rc = bol_booking_release_from_json(copy, out, r->diag);
    json_decref(copy);
    if (rc < 0)
        return rc;
    rc = r->v->exists(r->v->ctx, BOL_THING_LINE, out->line, NULL);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "line", "no shipping line '%s'", out->line);
    return rc;
}

int bol_c_booking_release_order(struct run *r)
{
    static const char *const keys[] = { "release", NULL };
    struct bol_booking_release b, old;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = release_arg(r, 0, &b)) < 0)
        return rc;
    rc = load_release(r, b.ref, &old);
    if (rc == 0 && !old.cancelled)
        return FAIL(r, BOL_E_CONFLICT, "ref",
                    "release %s is already ordered: a replacement changes it", b.ref);
    if (rc < 0 && rc != BOL_E_NOTFOUND)
        return rc;
    return emit_release(r, "booking.release_ordered", &b, NULL, NULL);
}

int bol_c_booking_release_replace(struct run *r)
{
    static const char *const keys[] = { "release", NULL };
    struct bol_booking_release b, old;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = release_arg(r, 0, &b)) < 0)
        return rc;
    rc = load_release(r, b.ref, &old);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "ref", "no release %s to replace", b.ref);
    if (rc < 0)
        return rc;
    if (old.cancelled)
        return FAIL(r, BOL_E_STATE, "ref", "release %s was cancelled", b.ref);
    if (strcmp(old.booking, b.booking) != 0)
        return FAIL(r, BOL_E_INVAL, "booking", "release %s is for booking %s, not %s", b.ref,
                    old.booking, b.booking);
    if (b.quantity < old.used)
        return FAIL(r, BOL_E_INVAL, "quantity",
                    "release %s: %u boxes have already left on it; the quantity cannot be %u",
                    b.ref, old.used, b.quantity);
    b.used = old.used;
    return emit_release(r, "booking.release_replaced", &b, NULL, NULL);
}

int bol_c_booking_release_cancel(struct run *r)
{
    static const char *const keys[] = { "ref", "reason", NULL };
    struct bol_booking_release b;
    struct bol_str reason = { NULL, 0 };
    char ref[BOL_REF_MAX + 1];
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text_buf(r->cmd, "ref", ref, sizeof(ref), true, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "reason", BOL_REASON_MAX, true, &reason, r->diag)) < 0)
        return rc;
    rc = load_release(r, ref, &b);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "ref", "no release %s", ref);
    if (rc < 0)
        return rc;
    if (b.cancelled)
        return FAIL(r, BOL_E_STATE, "ref", "release %s is already cancelled", ref);
    b.cancelled = true;
    return emit_release(r, "booking.release_cancelled", &b, "reason",
                        json_stringn(reason.p, reason.len));
}

int bol_c_booking_deliver(struct run *r, const struct bol_container *c)
{
    struct bol_booking_release b;
    char ref[BOL_REF_MAX + 1];
    int rc;

    if ((rc = jv_text_buf(r->cmd, "release", ref, sizeof(ref), true, r->diag)) < 0)
        return rc;
    rc = load_release(r, ref, &b);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "release", "no release %s", ref);
    if (rc < 0 || (rc = bol_booking_release_fits(&b, c, r->now, r->diag)) < 0)
        return rc;
    b.used++;
    return emit_release(r, "booking.release_used", &b, "id", json_string(c->id.s));
}

int bol_c_vgm_declare(struct run *r)
{
    static const char *const keys[] = { "id", "vgm_kg", "method", "declarant", "ref", NULL };
    struct bol_vgm_pending v;
    struct bol_container c;
    json_t *o, *doc = NULL;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0)
        return rc;
    o = json_deep_copy(r->cmd);
    if (!o)
        return FAIL(r, BOL_E_NOMEM, "vgm", "out of memory");
    json_object_del(o, "cmd");
    rc = bol_vgm_pending_from_json(o, &v, r->diag);
    json_decref(o);
    if (rc < 0)
        return rc;
    rc = r->v->container(r->v->ctx, v.id.s, &c);
    if (rc == 0)
        return FAIL(r, BOL_E_CONFLICT, "id",
                    "bollard has a record of %s: its VGM is corrected (container.correct), not "
                    "kept pending",
                    v.id.s);
    if (rc != BOL_E_NOTFOUND)
        return rc;
    if (bol_vgm_pending_to_json(&v, &doc) < 0)
        return FAIL(r, BOL_E_NOMEM, "vgm", "out of memory");
    return bol_cmd_emit(r, "vgm.declared", "", json_pack("{s:o}", "vgm", doc));
}

int bol_c_vgm_take(struct run *r, struct bol_container *c, const char **type, json_t **payload)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 16);
    struct bol_vgm_pending v;
    struct bol_container with = *c, back;
    struct bol_diag d;
    json_error_t je;
    json_t *o = NULL, *jc = NULL;
    int rc = r->v->doc(r->v->ctx, BOL_DOC_VGM_PENDING, c->id.s, &b);

    *payload = NULL;
    if (rc == BOL_E_NOTFOUND) {
        bol_buf_release(&b);
        return 0;
    }
    if (rc == 0) {
        o = json_loadb(b.buf, b.len, JSON_REJECT_DUPLICATES, &je);
        rc = o && bol_vgm_pending_from_json(o, &v, NULL) == 0
                 ? 0
                 : FAIL(r, BOL_E_CORRUPT, "state", "a stored pending VGM does not parse");
    }
    bol_buf_release(&b);
    if (rc < 0) {
        json_decref(o);
        return rc;
    }
    /* The declaration goes into the master data if the core's decoder takes it there. */
    with.vgm_kg = v.vgm_kg;
    if (v.method)
        with.vgm_method = v.method;
    bol_diag_init(&d);
    rc = bol_container_to_json(&with, &jc);
    if (rc == 0)
        rc = bol_container_from_json(jc, &back, &d);
    json_decref(jc);
    if (rc == BOL_E_NOMEM) {
        json_decref(o);
        return FAIL(r, rc, "vgm", "out of memory");
    }
    if (rc == 0) {
        *c = with;
        *type = "vgm.applied";
        *payload = json_pack("{s:o}", "vgm", o);
    } else {
        char reason[BOL_REASON_MAX + 1];

        snprintf(reason, sizeof(reason), "does not fit the box: %.170s", d.msg);
        *type = "vgm.discarded";
        *payload = json_pack("{s:o, s:s}", "vgm", o, "reason", reason);
    }
    return *payload ? 0 : FAIL(r, BOL_E_NOMEM, "vgm", "out of memory");
}
