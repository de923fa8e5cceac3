/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_booking.c - booking-level release orders and pending VGMs (booking.h)
 *
 * The release's own rules (a unit taken, used up, expired, a box that does
 * not match, cancelled) on the struct, and the commands through
 * bol_cmd_run against a small in-memory view: an order, a replacement that
 * keeps the count, a cancellation, gate.deliver quoting a release, a VGM
 * kept pending for an unknown box and taken into its registration.
 */
#include "testutil.h"

#include <string.h>

#include "booking.h"
#include "buf.h"
#include "codec.h"
#include "commands.h"
#include "events.h"
#include "view.h"

#define T0 1795000000000000LL /* 2026-11-18 */

static struct {
    const char *release_doc, *vgm_doc; /* what the view's doc callback answers */
    bool know_box;
} W;

static int w_exists(void *ctx, enum bol_view_thing what, const char *a, const char *b)
{
    (void) ctx;
    (void) b;
    return what == BOL_THING_LINE && !strcmp(a, "MSC") ? 0 : BOL_E_NOTFOUND;
}

static int w_container(void *ctx, const char *id, struct bol_container *out)
{
    (void) ctx;
    (void) id;
    (void) out;
    return BOL_E_NOTFOUND;
}

static int w_doc(void *ctx, enum bol_view_doc what, const char *key, struct bol_buf *out)
{
    const char *d = what == BOL_DOC_BOOKING_RELEASE ? W.release_doc
                    : what == BOL_DOC_VGM_PENDING   ? W.vgm_doc
                                                    : NULL;

    (void) ctx;
    (void) key;
    if (!d)
        return BOL_E_NOTFOUND;
    return bol_buf_adds(out, d);
}

static const struct bol_view view = {
    .exists = w_exists,
    .container = w_container,
    .doc = w_doc,
};

static void release_of(struct bol_booking_release *b)
{
    memset(b, 0, sizeof(*b));
    snprintf(b->ref, sizeof(b->ref), "%s", "REL1");
    snprintf(b->booking, sizeof(b->booking), "%s", "BK1");
    snprintf(b->line, sizeof(b->line), "%s", "MSC");
    snprintf(b->sizetypes[0], sizeof(b->sizetypes[0]), "%s", "45G1");
    b->nsizetypes = 1;
    b->quantity = 2;
}

static void box_of(struct bol_container *c, const char *st, const char *line, bool full)
{
    memset(c, 0, sizeof(*c));
    snprintf(c->id.s, sizeof(c->id.s), "%s", "MSCU1234566");
    snprintf(c->sizetype, sizeof(c->sizetype), "%s", st);
    snprintf(c->line, sizeof(c->line), "%s", line);
    c->full = full;
    c->category = full ? BOL_CAT_IMPORT : BOL_CAT_EMPTY;
}

static void test_fits(void **state)
{
    struct bol_booking_release b;
    struct bol_container c;
    struct bol_diag d;

    (void) state;
    release_of(&b);
    box_of(&c, "45G1", "MSC", false);
    bol_diag_init(&d);
    assert_int_equal(bol_booking_release_fits(&b, &c, T0, &d), 0);
    box_of(&c, "45G0", "MSC", false); /* same length, height, width and group */
    assert_int_equal(bol_booking_release_fits(&b, &c, T0, &d), 0);
    b.used = 2;
    assert_int_equal(bol_booking_release_fits(&b, &c, T0, &d), BOL_E_STATE);
    assert_non_null(strstr(d.msg, "used up"));
    b.used = 1;
    b.valid_until_us = T0 - 1;
    bol_diag_init(&d);
    assert_int_equal(bol_booking_release_fits(&b, &c, T0, &d), BOL_E_STATE);
    assert_non_null(strstr(d.msg, "expired"));
    b.valid_until_us = 0;
    box_of(&c, "22G1", "MSC", false);
    assert_int_equal(bol_booking_release_fits(&b, &c, T0, &d), BOL_E_INVAL);
    assert_non_null(strstr(d.msg, "size-type"));
    box_of(&c, "45G1", "MAE", false);
    assert_int_equal(bol_booking_release_fits(&b, &c, T0, &d), BOL_E_INVAL);
    assert_non_null(strstr(d.msg, "line"));
    box_of(&c, "45G1", "MSC", true);
    assert_int_equal(bol_booking_release_fits(&b, &c, T0, &d), BOL_E_INVAL);
    box_of(&c, "45G1", "MSC", false);
    b.nboxes = 1;
    snprintf(b.boxes[0].s, sizeof(b.boxes[0].s), "%s", "MSCU7654321");
    assert_int_equal(bol_booking_release_fits(&b, &c, T0, &d), BOL_E_INVAL);
    assert_non_null(strstr(d.msg, "does not name"));
    b.nboxes = 0;
    b.cancelled = true;
    assert_int_equal(bol_booking_release_fits(&b, &c, T0, &d), BOL_E_STATE);
    assert_non_null(strstr(d.msg, "cancelled"));
}

static void test_documents(void **state)
{
    struct bol_booking_release b, back;
    struct bol_vgm_pending v, vb;
    json_t *o = NULL;
    struct bol_diag d;

    (void) state;
    release_of(&b);
    b.valid_until_us = T0;
    b.nboxes = 1;
    snprintf(b.boxes[0].s, sizeof(b.boxes[0].s), "%s", "MSCU1234566");
    assert_int_equal(bol_booking_release_to_json(&b, &o), 0);
    bol_diag_init(&d);
    assert_int_equal(bol_booking_release_from_json(o, &back, &d), 0);
    assert_memory_equal(&b, &back, sizeof(b));
    json_object_set_new(o, "quantity", json_integer(0));
    assert_int_equal(bol_booking_release_from_json(o, &back, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "quantity");
    json_decref(o);
    memset(&v, 0, sizeof(v));
    snprintf(v.id.s, sizeof(v.id.s), "%s", "MSCU1234566");
    v.vgm_kg = 17000;
    v.method = BOL_VGM_SM2;
    snprintf(v.declarant, sizeof(v.declarant), "%s", "SHIPPER");
    assert_int_equal(bol_vgm_pending_to_json(&v, &o), 0);
    assert_int_equal(bol_vgm_pending_from_json(o, &vb, &d), 0);
    assert_memory_equal(&v, &vb, sizeof(v));
    json_decref(o);
}

/* Run cmd (JSON text); its events' types, comma separated, into types. */
static int run(const char *cmd, char *types, size_t n, json_t **last, struct bol_diag *d)
{
    struct bol_cmd_out out;
    json_error_t je;
    json_t *c = json_loads(cmd, 0, &je);
    unsigned i;
    int r;

    assert_non_null(c);
    bol_diag_init(d);
    r = bol_cmd_run(&view, c, T0, &out, d);
    json_decref(c);
    types[0] = '\0';
    if (last)
        *last = NULL;
    for (i = 0; r == 0 && i < out.n; i++) {
        struct bol_str t = bol_event_prep_type(out.ev[i]), p = bol_event_prep_payload(out.ev[i]);
        size_t len = strlen(types);

        snprintf(types + len, n - len, "%s%.*s", i ? "," : "", (int) t.len, t.p);
        if (last && i == 0) {
            *last = json_loadb(p.p, p.len, 0, &je);
        }
    }
    bol_cmd_out_release(&out);
    return r;
}

static void test_commands(void **state)
{
    static const char open_doc[] =
        "{\"booking\":\"BK1\",\"full\":false,\"line\":\"MSC\",\"quantity\":2,\"ref\":\"REL1\","
        "\"sizetypes\":[\"45G1\"],\"status\":\"open\",\"used\":1}";
    char types[256];
    struct bol_diag d;
    json_t *p = NULL;

    (void) state;
    memset(&W, 0, sizeof(W));
    assert_int_equal(run("{\"cmd\":\"booking.release_order\",\"release\":{\"ref\":\"REL1\","
                         "\"booking\":\"BK1\",\"line\":\"MSC\",\"sizetypes\":[\"45G1\"],"
                         "\"quantity\":2,\"full\":false}}",
                         types, sizeof(types), &p, &d),
                     0);
    assert_string_equal(types, "booking.release_ordered");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(p, "release"), "used")), 0);
    json_decref(p);
    /* an unknown line */
    assert_int_equal(run("{\"cmd\":\"booking.release_order\",\"release\":{\"ref\":\"REL1\","
                         "\"booking\":\"BK1\",\"line\":\"XXX\",\"sizetypes\":[\"45G1\"],"
                         "\"quantity\":2,\"full\":false}}",
                         types, sizeof(types), NULL, &d),
                     BOL_E_NOTFOUND);
    W.release_doc = open_doc;
    assert_int_equal(run("{\"cmd\":\"booking.release_order\",\"release\":{\"ref\":\"REL1\","
                         "\"booking\":\"BK1\",\"line\":\"MSC\",\"sizetypes\":[\"45G1\"],"
                         "\"quantity\":2,\"full\":false}}",
                         types, sizeof(types), NULL, &d),
                     BOL_E_CONFLICT);
    /* a replacement keeps the box already out; below it is refused */
    assert_int_equal(run("{\"cmd\":\"booking.release_replace\",\"release\":{\"ref\":\"REL1\","
                         "\"booking\":\"BK1\",\"line\":\"MSC\",\"sizetypes\":[\"45G1\"],"
                         "\"quantity\":5,\"full\":false}}",
                         types, sizeof(types), &p, &d),
                     0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(p, "release"), "used")), 1);
    json_decref(p);
    W.release_doc = "{\"booking\":\"BK1\",\"full\":false,\"line\":\"MSC\",\"quantity\":2,"
                    "\"ref\":\"REL1\",\"sizetypes\":[\"45G1\"],\"status\":\"open\",\"used\":2}";
    assert_int_equal(run("{\"cmd\":\"booking.release_replace\",\"release\":{\"ref\":\"REL1\","
                         "\"booking\":\"BK1\",\"line\":\"MSC\",\"sizetypes\":[\"45G1\"],"
                         "\"quantity\":1,\"full\":false}}",
                         types, sizeof(types), NULL, &d),
                     BOL_E_INVAL);
    assert_string_equal(d.field, "quantity");
    /* cancel, then a cancelled release takes no more */
    assert_int_equal(run("{\"cmd\":\"booking.release_cancel\",\"ref\":\"REL1\",\"reason\":\"x\"}",
                         types, sizeof(types), &p, &d),
                     0);
    assert_string_equal(json_string_value(json_object_get(json_object_get(p, "release"), "status")),
                        "cancelled");
    json_decref(p);
    W.release_doc = NULL;
    assert_int_equal(run("{\"cmd\":\"booking.release_cancel\",\"ref\":\"REL1\",\"reason\":\"x\"}",
                         types, sizeof(types), NULL, &d),
                     BOL_E_NOTFOUND);
}

static void test_pending_vgm(void **state)
{
    char types[256];
    struct bol_diag d;
    json_t *p = NULL;

    (void) state;
    memset(&W, 0, sizeof(W));
    assert_int_equal(run("{\"cmd\":\"vgm.declare\",\"id\":\"MSCU1234566\",\"vgm_kg\":17000,"
                         "\"method\":\"SM1\",\"declarant\":\"SHIPPER\",\"ref\":\"VG1\"}",
                         types, sizeof(types), NULL, &d),
                     0);
    assert_string_equal(types, "vgm.declared");
    /* registration takes it: the VGM in the registration, the pending row removed */
    W.vgm_doc = "{\"declarant\":\"SHIPPER\",\"id\":\"MSCU1234566\",\"method\":\"SM1\","
                "\"ref\":\"VG1\",\"vgm_kg\":17000}";
    assert_int_equal(run("{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1234566\","
                         "\"sizetype\":\"45G1\",\"category\":\"export\",\"full\":true,"
                         "\"line\":\"MSC\"}}",
                         types, sizeof(types), &p, &d),
                     0);
    assert_string_equal(types, "container.registered,vgm.applied");
    assert_int_equal(json_integer_value(json_object_get(json_object_get(p, "container"), "vgm_kg")),
                     17000);
    json_decref(p);
    /* a VGM the box cannot have is dropped with its reason; the box still registers */
    W.vgm_doc = "{\"id\":\"MSCU1234566\",\"vgm_kg\":99000}";
    assert_int_equal(run("{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1234566\","
                         "\"sizetype\":\"22G1\",\"category\":\"export\",\"full\":true,"
                         "\"line\":\"MSC\"}}",
                         types, sizeof(types), NULL, &d),
                     0);
    assert_string_equal(types, "container.registered,vgm.discarded");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fits),
        cmocka_unit_test(test_documents),
        cmocka_unit_test(test_commands),
        cmocka_unit_test(test_pending_vgm),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
