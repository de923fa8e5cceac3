/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_edi_booking.c - COPARN release orders and announcements and VERMAS,
 * written and read back (coparn.h, vermas_write.h)
 *
 * parse -> generate -> parse gives the same domain data: a release order
 * (counted and named boxes, cancelled), an announcement through the
 * announcement mapper, VGM declarations through the equipment reader.
 * The messages are built here from the SMDG rules; the real Riga sample is
 * read in tests/shared/t-edi-booking.sh.
 */
#include "testutil.h"

#include <string.h>

#include "baplie_map.h"
#include "codec.h"
#include "coparn.h"
#include "equipment.h"
#include "vermas_write.h"

#define T0 1795000020000000LL /* on a minute: messages carry minutes */

static int any_line(void *u, const char *code)
{
    (void) u;
    return strcmp(code, "ZZZ") != 0;
}

static int unknown_box(void *u, const char *id)
{
    (void) u;
    (void) id;
    return 0;
}

static void release_back(const struct bol_booking_release *in, struct bol_booking_release *out,
                         const char **cmd)
{
    struct bol_coparn_envelope env = { "MSC", "DCT1", "77", T0 };
    struct bol_coparn_ctx ctx = { "cancelled", any_line, NULL };
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    struct bol_coparn_set s;
    struct bol_edi_mapped m;

    assert_int_equal(bol_coparn_write_releases(in, 1, &env, &b), 0);
    assert_int_equal(bol_coparn_read(b.buf, b.len, NULL, &s), 0);
    assert_int_equal(s.ic.nmsgs, 1);
    assert_false(s.ic.msgs[0].failed);
    assert_int_equal(bol_coparn_release_map(&s.msgs[0], &ctx, out, &m), 0);
    assert_false(m.failed);
    *cmd = json_string_value(json_object_get(json_array_get(m.cmds, 0), "cmd"));
    *cmd = !strcmp(*cmd, "booking.release_order")    ? "order"
           : !strcmp(*cmd, "booking.release_cancel") ? "cancel"
                                                     : "other";
    bol_edi_mapped_release(&m);
    bol_coparn_set_release(&s);
    bol_buf_release(&b);
}

static void test_release_round_trip(void **state)
{
    struct bol_booking_release r, back;
    const char *cmd;

    (void) state;
    memset(&r, 0, sizeof(r));
    snprintf(r.ref, sizeof(r.ref), "REL-1");
    snprintf(r.booking, sizeof(r.booking), "BK1");
    snprintf(r.line, sizeof(r.line), "MSC");
    snprintf(r.sizetypes[0], 5, "45G1");
    snprintf(r.sizetypes[1], 5, "22G1");
    snprintf(r.message, sizeof(r.message), "RO1");
    r.nsizetypes = 2;
    r.quantity = 7;
    r.valid_until_us = T0 + 3600000000LL;
    release_back(&r, &back, &cmd);
    assert_string_equal(cmd, "order");
    assert_memory_equal(&r, &back, sizeof(r));
    /* the booking as the reference, boxes named, full */
    memset(r.ref, 0, sizeof(r.ref));
    snprintf(r.ref, sizeof(r.ref), "BK1");
    memset(r.sizetypes[1], 0, sizeof(r.sizetypes[1]));
    r.nsizetypes = 1;
    r.quantity = 2;
    r.nboxes = 2;
    r.full = true;
    r.valid_until_us = 0;
    snprintf(r.boxes[0].s, sizeof(r.boxes[0].s), "MSCU1234566");
    snprintf(r.boxes[1].s, sizeof(r.boxes[1].s), "MSCU7654321");
    release_back(&r, &back, &cmd);
    assert_memory_equal(&r, &back, sizeof(r));
    r.cancelled = true;
    release_back(&r, &back, &cmd);
    assert_string_equal(cmd, "cancel");
}

static void test_release_refused(void **state)
{
    static const char *const bad[][2] = {
        { "BGM+12+R+9'NAD+CA+MSC'EQD+CN++45G1+++4'", "booking" },
        { "BGM+12+R+9'RFF+BN:B'EQD+CN++45G1+++4'", "NAD" },
        { "BGM+12+R+9'RFF+BN:B'NAD+CA+ZZZ'EQD+CN++45G1+++4'", "not defined" },
        { "BGM+12+R+9'RFF+BN:B'NAD+CA+MSC'EQD+CN++45G1+++4'EQD+CN++22G1+++5'", "full and empty" },
        { "BGM+12+R+9'RFF+BN:B'NAD+CA+MSC'EQD+CN++45G1+++4'EQN+0'", "EQN" },
        { "BGM+12+R+9'RFF+BN:B'NAD+CA+MSC'DTM+36:2026:203'EQD+CN++45G1+++4'", "DTM+36" },
        { "BGM+12+R+3'RFF+BN:B'NAD+CA+MSC'EQD+CN++45G1+++4'", "function" },
    };
    struct bol_coparn_ctx ctx = { "x", any_line, NULL };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(bad); i++) {
        char text[512];
        struct bol_coparn_set s;
        struct bol_booking_release rel;
        struct bol_edi_mapped m;
        json_t *note;

        snprintf(text, sizeof(text), "UNH+1+COPARN:D:95B:UN'%sUNT+9+1'", bad[i][0]);
        assert_int_equal(bol_coparn_read(text, strlen(text), NULL, &s), 0);
        assert_int_equal(bol_coparn_release_map(&s.msgs[0], &ctx, &rel, &m), 0);
        assert_true(m.failed);
        assert_int_equal(json_array_size(m.cmds), 0);
        note = json_array_get(m.notes, 0);
        if (!strstr(json_string_value(json_object_get(note, "message")), bad[i][1]))
            fail_msg("case %zu: %s", i, json_string_value(json_object_get(note, "message")));
        assert_true(json_integer_value(json_object_get(note, "segment")) >= 2);
        bol_edi_mapped_release(&m);
        bol_coparn_set_release(&s);
    }
}

static void test_announcement_round_trip(void **state)
{
    struct bol_coparn_envelope env = { "MSC", "DCT1", "78", T0 };
    struct bol_edi_map_ctx ctx;
    struct bol_container c[2], back;
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    struct bol_edi_equipment e;
    struct bol_edi_mapped m;
    size_t i;

    (void) state;
    memset(c, 0, sizeof(c));
    memset(&ctx, 0, sizeof(ctx));
    ctx.line_known = any_line;
    ctx.known = unknown_box;
    for (i = 0; i < 2; i++) {
        snprintf(c[i].id.s, sizeof(c[i].id.s), "%s", i ? "MSCU7654321" : "MSCU1234566");
        c[i].check_digit_ok = i == 0;
        snprintf(c[i].sizetype, sizeof(c[i].sizetype), "%s", i ? "22G1" : "45G1");
        snprintf(c[i].line, sizeof(c[i].line), "MSC");
        snprintf(c[i].booking, sizeof(c[i].booking), "BK%zu", i);
        snprintf(c[i].pol, sizeof(c[i].pol), "JPNGO");
        snprintf(c[i].pod, sizeof(c[i].pod), "USLAX");
        c[i].category = i ? BOL_CAT_EMPTY : BOL_CAT_EXPORT;
        c[i].full = i == 0;
        c[i].vgm_kg = i ? 0 : 21000;
    }
    assert_int_equal(bol_coparn_write_announcement(c, 2, &env, &b), 0);
    assert_int_equal(bol_edi_equipment_read(b.buf, b.len, NULL, &e), 0);
    assert_int_equal(bol_coparn_map(&e.msgs[0], &ctx, &m), 0);
    assert_false(m.failed);
    assert_int_equal(json_array_size(m.cmds), 2);
    for (i = 0; i < 2; i++) {
        json_t *jc = json_object_get(json_array_get(m.cmds, i), "container");

        assert_int_equal(bol_container_from_json(jc, &back, NULL), 0);
        assert_string_equal(back.id.s, c[i].id.s);
        assert_string_equal(back.sizetype, c[i].sizetype);
        assert_string_equal(back.booking, c[i].booking);
        assert_string_equal(back.line, c[i].line);
        assert_string_equal(back.pol, c[i].pol);
        assert_string_equal(back.pod, c[i].pod);
        assert_int_equal(back.category, c[i].category);
        assert_int_equal(back.full, c[i].full);
        assert_int_equal(back.vgm_kg, c[i].vgm_kg);
    }
    bol_edi_mapped_release(&m);
    bol_edi_equipment_release(&e);
    bol_buf_release(&b);
}

static void test_vermas_round_trip(void **state)
{
    struct bol_vermas_envelope env = { "DCT1", "MSC", "79", T0 };
    struct bol_vermas_decl d[2];
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    struct bol_edi_equipment e;
    size_t i;

    (void) state;
    memset(d, 0, sizeof(d));
    for (i = 0; i < 2; i++) {
        snprintf(d[i].id.s, sizeof(d[i].id.s), "%s", i ? "MSCU7654320" : "MSCU1234566");
        snprintf(d[i].sizetype, sizeof(d[i].sizetype), "45G1");
        d[i].vgm_kg = (uint32_t) (20000 + i * 1234);
        d[i].method = i ? BOL_VGM_SM2 : BOL_VGM_SM1;
        snprintf(d[i].booking, sizeof(d[i].booking), "BK%zu", i);
        snprintf(d[i].declarant, sizeof(d[i].declarant), "SHIPPER %zu", i);
    }
    assert_int_equal(bol_vermas_write(d, 2, &env, &b), 0);
    assert_int_equal(bol_edi_equipment_read(b.buf, b.len, NULL, &e), 0);
    assert_int_equal(e.ic.nmsgs, 1);
    assert_false(e.ic.msgs[0].failed);
    assert_int_equal(e.msgs[0].n, 2);
    for (i = 0; i < 2; i++) {
        const struct bol_edi_box *x = &e.msgs[0].v[i];

        assert_string_equal(x->id.s, d[i].id.s);
        assert_int_equal(x->vgm_kg, d[i].vgm_kg);
        assert_string_equal(x->vgm_method, i ? "SM2" : "SM1");
        assert_string_equal(x->booking, d[i].booking);
        assert_string_equal(x->st.code, d[i].sizetype);
    }
    bol_edi_equipment_release(&e);
    bol_buf_release(&b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_release_round_trip),
        cmocka_unit_test(test_release_refused),
        cmocka_unit_test(test_announcement_round_trip),
        cmocka_unit_test(test_vermas_round_trip),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
