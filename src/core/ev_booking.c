/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev_booking.c - booking-level release orders and pending VGMs (booking.h):
 * their documents, state tables and events
 *
 * Every event carries the document after the change, so applying needs no
 * read: booking.release_ordered, _replaced, _cancelled and _used put the
 * "booking_release" row; vgm.declared puts the "vgm_pending" row, and
 * vgm.applied (the box was registered with it) and vgm.discarded (it did
 * not fit the box) delete it.
 */
#include "compat.h"

#include <string.h>

#include "booking.h"
#include "buf.h"
#include "container_id.h"
#include "errors.h"
#include "events-int.h"
#include "jsonv.h"
#include "sizetype.h"

/* ---- documents ---- */

static const char *const release_keys[] = { "ref",      "booking", "line",        "sizetypes",
                                            "quantity", "full",    "valid_until", "boxes",
                                            "used",     "status",  "message",     NULL };
static const char *const statuses[] = { "open", "cancelled", NULL };
static const char *const methods[] = { "", "SM1", "SM2", NULL };

static int id_text(json_t *v, const char *field, struct bol_container_id *out,
                   struct bol_diag *diag)
{
    const char *s = json_string_value(v);

    if (!s)
        return bol_diag_fail(diag, BOL_E_INVAL, field, "'%s' holds container ids", field);
    if (bol_container_id_normalize(bol_str_from(s), out, diag) < 0)
        return bol_diag_wrap(diag, BOL_E_INVAL, field);
    if (strcmp(s, out->s) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, field, "'%s' is not a normalised container id", s);
    return 0;
}

int bol_booking_release_from_json(json_t *o, struct bol_booking_release *out, struct bol_diag *diag)
{
    struct bol_booking_release b;
    json_t *a = NULL, *v;
    int64_t q = 0, used = 0;
    unsigned st = 0;
    size_t i;
    int r;

    memset(&b, 0, sizeof(b));
    if (!json_is_object(o))
        return bol_diag_fail(diag, BOL_E_INVAL, "release", "a release is an object");
    if ((r = jv_only(o, release_keys, diag)) < 0 ||
        (r = jv_text_buf(o, "ref", b.ref, sizeof(b.ref), true, diag)) < 0 ||
        (r = jv_text_buf(o, "booking", b.booking, sizeof(b.booking), true, diag)) < 0 ||
        (r = jv_text_buf(o, "line", b.line, sizeof(b.line), true, diag)) < 0 ||
        (r = jv_int(o, "quantity", 1, BOL_RELEASE_QTY_MAX, true, &q, diag)) < 0 ||
        (r = jv_int(o, "used", 0, BOL_RELEASE_QTY_MAX, true, &used, diag)) < 0 ||
        (r = jv_bool(o, "full", true, &b.full, diag)) < 0 ||
        (r = jv_time(o, "valid_until", false, &b.valid_until_us, diag)) < 0 ||
        (r = jv_enum(o, "status", statuses, true, &st, diag)) < 0 ||
        (r = jv_text_buf(o, "message", b.message, sizeof(b.message), false, diag)) < 0 ||
        (r = jv_array(o, "sizetypes", BOL_RELEASE_SIZETYPES_MAX, true, &a, diag)) < 0)
        return r;
    if (!json_array_size(a))
        return bol_diag_fail(diag, BOL_E_INVAL, "sizetypes", "a release names a size-type");
    json_array_foreach(a, i, v)
    {
        struct bol_sizetype t;
        const char *s = json_string_value(v);

        if (!s || bol_sizetype_parse(bol_str_from(s), &t, diag) < 0)
            return bol_diag_wrap(diag, BOL_E_INVAL, "sizetypes");
        if (strcmp(t.code, s) != 0)
            return bol_diag_fail(diag, BOL_E_INVAL, "sizetypes",
                                 "size-type '%s' is written '%s' today", s, t.code);
        memcpy(b.sizetypes[i], t.code, sizeof(b.sizetypes[i]));
    }
    b.nsizetypes = (unsigned) json_array_size(a);
    if ((r = jv_array(o, "boxes", BOL_RELEASE_BOXES_MAX, false, &a, diag)) < 0)
        return r;
    json_array_foreach(a, i, v)
    {
        if ((r = id_text(v, "boxes", &b.boxes[i], diag)) < 0)
            return r;
    }
    b.nboxes = a ? (unsigned) json_array_size(a) : 0;
    if (a && !b.nboxes)
        return bol_diag_fail(diag, BOL_E_INVAL, "boxes", "leave 'boxes' out when none are named");
    b.quantity = (uint32_t) q;
    b.used = (uint32_t) used;
    b.cancelled = st == 1;
    if (!b.line[0] || !b.ref[0] || !b.booking[0])
        return bol_diag_fail(diag, BOL_E_INVAL, "release", "a release has a line, ref and booking");
    *out = b;
    return 0;
}

int bol_booking_release_to_json(const struct bol_booking_release *b, json_t **ret)
{
    json_t *o = json_pack("{s:s, s:s, s:s, s:[], s:I, s:I, s:b, s:s}", "ref", b->ref, "booking",
                          b->booking, "line", b->line, "sizetypes", "quantity",
                          (json_int_t) b->quantity, "used", (json_int_t) b->used, "full",
                          (int) b->full, "status", b->cancelled ? "cancelled" : "open");
    json_t *a = o ? json_object_get(o, "sizetypes") : NULL;
    unsigned i;
    int r = o ? 0 : BOL_E_NOMEM;

    for (i = 0; i < b->nsizetypes && r == 0; i++)
        r = json_array_append_new(a, json_string(b->sizetypes[i])) == 0 ? 0 : BOL_E_NOMEM;
    if (r == 0 && b->valid_until_us)
        r = jv_set_time(o, "valid_until", b->valid_until_us);
    if (r == 0 && b->message[0])
        r = jv_set_str(o, "message", b->message);
    if (r == 0 && b->nboxes) {
        a = json_array();
        r = jv_set(o, "boxes", a);
        for (i = 0; i < b->nboxes && r == 0; i++)
            r = json_array_append_new(a, json_string(b->boxes[i].s)) == 0 ? 0 : BOL_E_NOMEM;
    }
    if (r < 0) {
        json_decref(o);
        return BOL_E_NOMEM;
    }
    *ret = o;
    return 0;
}

/* Same length, height, width and type group: a 45G0 box serves a 45G1 order. */
static bool same_kind(const char *order, const char *box)
{
    struct bol_sizetype a, b;

    if (!strcmp(order, box))
        return true;
    if (bol_sizetype_parse(bol_str_from(order), &a, NULL) < 0 ||
        bol_sizetype_parse(bol_str_from(box), &b, NULL) < 0)
        return false;
    return a.length_mm == b.length_mm && a.height_mm == b.height_mm && a.width == b.width &&
           !strcmp(a.group_code, b.group_code);
}

int bol_booking_release_fits(const struct bol_booking_release *b, const struct bol_container *c,
                             int64_t now_us, struct bol_diag *diag)
{
    unsigned i;

    if (b->cancelled)
        return bol_diag_fail(diag, BOL_E_STATE, "release", "release %s was cancelled", b->ref);
    if (b->valid_until_us && now_us > b->valid_until_us)
        return bol_diag_fail(diag, BOL_E_STATE, "release", "release %s has expired", b->ref);
    if (b->used >= b->quantity)
        return bol_diag_fail(diag, BOL_E_STATE, "release",
                             "release %s is used up: %u of %u boxes have left on it", b->ref,
                             b->used, b->quantity);
    if (strcmp(c->line, b->line) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "release",
                             "%s is a box of line '%s'; release %s is for line %s", c->id.s,
                             c->line, b->ref, b->line);
    if (c->full != b->full)
        return bol_diag_fail(diag, BOL_E_INVAL, "release", "%s is %s; release %s is for %s boxes",
                             c->id.s, c->full ? "full" : "empty", b->ref,
                             b->full ? "full" : "empty");
    for (i = 0; i < b->nsizetypes && !same_kind(b->sizetypes[i], c->sizetype); i++)
        ;
    if (i == b->nsizetypes)
        return bol_diag_fail(diag, BOL_E_INVAL, "release",
                             "%s is a %s; release %s is for size-type %s%s", c->id.s, c->sizetype,
                             b->ref, b->sizetypes[0], b->nsizetypes > 1 ? " and others" : "");
    if (!b->nboxes)
        return 0;
    for (i = 0; i < b->nboxes && strcmp(b->boxes[i].s, c->id.s) != 0; i++)
        ;
    if (i == b->nboxes)
        return bol_diag_fail(diag, BOL_E_INVAL, "release", "release %s does not name %s", b->ref,
                             c->id.s);
    return 0;
}

static const char *const vgm_keys[] = { "id", "vgm_kg", "method", "declarant", "ref", NULL };

int bol_vgm_pending_from_json(json_t *o, struct bol_vgm_pending *out, struct bol_diag *diag)
{
    struct bol_vgm_pending v;
    int64_t kg = 0;
    unsigned m = 0;
    int r;

    memset(&v, 0, sizeof(v));
    if (!json_is_object(o))
        return bol_diag_fail(diag, BOL_E_INVAL, "vgm", "a pending VGM is an object");
    if ((r = jv_only(o, vgm_keys, diag)) < 0 ||
        (r = id_text(json_object_get(o, "id"), "id", &v.id, diag)) < 0 ||
        (r = jv_int(o, "vgm_kg", 1, 100000, true, &kg, diag)) < 0 ||
        (r = jv_enum(o, "method", methods, false, &m, diag)) < 0 ||
        (r = jv_text_buf(o, "declarant", v.declarant, sizeof(v.declarant), false, diag)) < 0 ||
        (r = jv_text_buf(o, "ref", v.ref, sizeof(v.ref), false, diag)) < 0)
        return r;
    if (json_object_get(o, "method") && !m)
        return bol_diag_fail(diag, BOL_E_INVAL, "method", "'method' is SM1 or SM2");
    v.vgm_kg = (uint32_t) kg;
    v.method = (enum bol_vgm_method) m;
    *out = v;
    return 0;
}

int bol_vgm_pending_to_json(const struct bol_vgm_pending *v, json_t **ret)
{
    json_t *o = json_pack("{s:s, s:I}", "id", v->id.s, "vgm_kg", (json_int_t) v->vgm_kg);
    int r = o ? 0 : BOL_E_NOMEM;

    if (r == 0 && v->method)
        r = jv_set_str(o, "method", methods[v->method]);
    if (r == 0 && v->declarant[0])
        r = jv_set_str(o, "declarant", v->declarant);
    if (r == 0 && v->ref[0])
        r = jv_set_str(o, "ref", v->ref);
    if (r < 0) {
        json_decref(o);
        return BOL_E_NOMEM;
    }
    *ret = o;
    return 0;
}

/* ---- state tables ---- */

static const struct bol_column release_cols[] = {
    { "ref", BOL_V_TEXT, false },
    { "booking", BOL_V_TEXT, false },
    { "doc", BOL_V_TEXT, false },
    { "changed_seq", BOL_V_INT, false },
};
static const char *const release_indexes[] = { "booking", NULL };
const struct bol_table bol_t_booking_release = { "booking_release", release_cols, 4, 1,
                                                 release_indexes };

static const struct bol_column vgm_cols[] = {
    { "id", BOL_V_TEXT, false },
    { "doc", BOL_V_TEXT, false },
    { "changed_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_vgm_pending = { "vgm_pending", vgm_cols, 3, 1, NULL };

/* ---- events ---- */

/* {"release": doc, extra...}: the document in its canonical form. */
static int release_payload(json_t *p, const char *const *keys, const char *status,
                           struct bol_booking_release *b, struct bol_diag *diag)
{
    json_t *doc = NULL, *again = NULL;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = jv_object(p, "release", true, &doc, diag)) < 0 ||
        (r = bol_booking_release_from_json(doc, b, diag)) < 0)
        return r;
    if (strcmp(status, b->cancelled ? "cancelled" : "open") != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "status", "the release must be %s", status);
    if (bol_booking_release_to_json(b, &again) < 0)
        return bol_diag_fail(diag, BOL_E_NOMEM, "release", "out of memory");
    return bol_ev_same(doc, again, "release", diag);
}

static const char *const doc_keys[] = { "release", NULL };
static const char *const cancel_keys[] = { "release", "reason", NULL };
static const char *const used_keys[] = { "release", "id", NULL };

static int ordered_check(json_t *p, struct bol_diag *diag)
{
    struct bol_booking_release b;
    int r = release_payload(p, doc_keys, "open", &b, diag);

    if (r == 0 && b.used)
        return bol_diag_fail(diag, BOL_E_INVAL, "used", "a new release has no box taken yet");
    return r;
}

static int replaced_check(json_t *p, struct bol_diag *diag)
{
    struct bol_booking_release b;

    return release_payload(p, doc_keys, "open", &b, diag);
}

static int cancelled_check(json_t *p, struct bol_diag *diag)
{
    struct bol_booking_release b;
    struct bol_str reason;
    int r = release_payload(p, cancel_keys, "cancelled", &b, diag);

    return r < 0 ? r : jv_text(p, "reason", BOL_REASON_MAX, true, &reason, diag);
}

static int used_check(json_t *p, struct bol_diag *diag)
{
    struct bol_booking_release b;
    struct bol_container_id id;
    int r = release_payload(p, used_keys, "open", &b, diag);

    if (r < 0 || (r = id_text(json_object_get(p, "id"), "id", &id, diag)) < 0)
        return r;
    if (!b.used || b.used > b.quantity)
        return bol_diag_fail(diag, BOL_E_INVAL, "used", "a used release counts 1..quantity");
    return 0;
}

static int put_doc(const struct bol_entry *e, const struct bol_table *t, json_t *doc,
                   const char *key, const char *booking, const struct bol_mutation_sink *sink)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    struct bol_value row[4];
    unsigned k = 0;
    int r = jv_dump(doc, &b);

    if (r < 0)
        return r;
    row[k++] = BOL_VAL_TEXT(bol_str_from(key));
    if (booking)
        row[k++] = BOL_VAL_TEXT(bol_str_from(booking));
    row[k++] = BOL_VAL_TEXT(bol_buf_str(&b));
    row[k++] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, t, row);
    bol_buf_release(&b);
    return r;
}

#define RELEASE_APPLY(name)                                                                        \
    static int name##_apply(const struct bol_entry *e, json_t *p,                                  \
                            const struct bol_mutation_sink *sink, struct bol_diag *diag)           \
    {                                                                                              \
        json_t *doc = json_object_get(p, "release");                                               \
        int r = name##_check(p, diag);                                                             \
                                                                                                   \
        return r < 0 ? r                                                                           \
                     : put_doc(e, &bol_t_booking_release, doc,                                     \
                               json_string_value(json_object_get(doc, "ref")),                     \
                               json_string_value(json_object_get(doc, "booking")), sink);          \
    }

RELEASE_APPLY(ordered)
RELEASE_APPLY(replaced)
RELEASE_APPLY(cancelled)
RELEASE_APPLY(used)

static const char *const declared_keys[] = { "vgm", NULL };
static const char *const discarded_keys[] = { "vgm", "reason", NULL };

static int vgm_payload(json_t *p, const char *const *keys, struct bol_vgm_pending *v,
                       struct bol_diag *diag)
{
    json_t *doc = NULL, *again = NULL;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = jv_object(p, "vgm", true, &doc, diag)) < 0 ||
        (r = bol_vgm_pending_from_json(doc, v, diag)) < 0)
        return r;
    if (bol_vgm_pending_to_json(v, &again) < 0)
        return bol_diag_fail(diag, BOL_E_NOMEM, "vgm", "out of memory");
    return bol_ev_same(doc, again, "pending VGM", diag);
}

static int declared_check(json_t *p, struct bol_diag *diag)
{
    struct bol_vgm_pending v;

    return vgm_payload(p, declared_keys, &v, diag);
}

static int applied_check(json_t *p, struct bol_diag *diag)
{
    return declared_check(p, diag);
}

static int discarded_check(json_t *p, struct bol_diag *diag)
{
    struct bol_vgm_pending v;
    struct bol_str reason;
    int r = vgm_payload(p, discarded_keys, &v, diag);

    return r < 0 ? r : jv_text(p, "reason", BOL_REASON_MAX, true, &reason, diag);
}

static int declared_apply(const struct bol_entry *e, json_t *p,
                          const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    json_t *doc = json_object_get(p, "vgm");
    int r = declared_check(p, diag);

    return r < 0 ? r
                 : put_doc(e, &bol_t_vgm_pending, doc,
                           json_string_value(json_object_get(doc, "id")), NULL, sink);
}

static int taken_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                       bool discarded, struct bol_diag *diag)
{
    struct bol_value key[1];
    int r = discarded ? discarded_check(p, diag) : applied_check(p, diag);

    (void) e;
    if (r < 0)
        return r;
    key[0] = BOL_VAL_TEXT(
        bol_str_from(json_string_value(json_object_get(json_object_get(p, "vgm"), "id"))));
    return sink->del(sink->ctx, &bol_t_vgm_pending, key);
}

static int applied_apply(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink,
                         struct bol_diag *diag)
{
    return taken_apply(e, p, sink, false, diag);
}

static int discarded_apply(const struct bol_entry *e, json_t *p,
                           const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    return taken_apply(e, p, sink, true, diag);
}

const struct bol_event_def bol_booking_events[] = {
    { "booking.release_cancelled", 1, NULL, cancelled_check, cancelled_apply },
    { "booking.release_ordered", 1, NULL, ordered_check, ordered_apply },
    { "booking.release_replaced", 1, NULL, replaced_check, replaced_apply },
    { "booking.release_used", 1, NULL, used_check, used_apply },
    { "vgm.applied", 1, NULL, applied_check, applied_apply },
    { "vgm.declared", 1, NULL, declared_check, declared_apply },
    { "vgm.discarded", 1, NULL, discarded_check, discarded_apply },
};
const size_t bol_booking_nevents = BOL_ARRAY_SIZE(bol_booking_events);
