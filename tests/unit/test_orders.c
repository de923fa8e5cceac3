/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_orders.c - loading and discharge orders (COPRAR) and stowage
 * instructions (MOVINS): parse, map, write, parse again.  The messages are
 * built here per the SMDG COPRAR 1.6 and MOVINS 2.x rules.
 */
#include "testutil.h"

#include <jansson.h>
#include <stdio.h>

#include "coprar_map.h"
#include "movins.h"
#include "order.h"
#include "utctime.h"

#define T0 ((int64_t) 1795300000 * BOL_US_PER_SEC)

static const char coprar[] =
    "UNB+UNOA:2+BUILTLINE+DCT1+261122:0100+5'"
    "UNH+1+COPRAR:D:95B:UN:SMDG16'BGM+45+ORD1+9'TDT+20+040W+1++MSC:172:20+++3EAM1000:103::BUILT'"
    "LOC+9+DEHAM:139:6'"
    "EQD+CN+MSCU1234566+45R1:102:5++2+5'RFF+BN:BK1'LOC+11+USLAX:139:6'LOC+147+0120282::5'"
    "MEA+AAE+G+KGM:27000'MEA+AAE+VGM+KGM:25000'TMP+2+-20:CEL'DGS+IMD+3+1203'DGS+IMD+8+1830'"
    "NAD+CF+MSC:160:20'"
    "EQD+CN++22G1:102:5+++4'RFF+BN:BK2'LOC+9+DEHAM:139:6'LOC+11+SGSIN:139:6'"
    "EQD+CN+MSCU7654321+22G1:102:5+++5'LOC+11+XXZZZ:139:6'LOC+147+99::5'"
    "UNT+23+1'UNZ+1+5'";

static const char movins[] =
    "UNB+UNOA:2+BUILTLINE+DCT1+261122:0100+6'"
    "UNH+1+MOVINS:D:95B:UN:SMDG20'BGM++STOW1+9'DTM+137:202611220100:203'"
    "TDT+20+040W+1++MSC:172:20+++3EAM1000:103::BUILT'LOC+5+DEHAM:139:6'"
    "HAN+LOA'LOC+147+0020382::5'MEA+WT++KGM:25000'LOC+9+DEHAM:139:6'LOC+11+USLAX:139:6'"
    "EQD+CN++45R1+++5'TMP+2+-18,5:CEL'RNG+5+CEL:-20:-15'"
    "LOC+147+0040282::5'LOC+11+SGSIN:139:6'DGS+IMD+2.1+1965'EQD+CN++22G1'"
    "HAN+DIS'LOC+147+0060084::5'EQD+CN++45G1'"
    "HAN+XYZ'LOC+147+0080082::5'"
    "UNT+22+1'UNZ+1+6'";

static json_t *coprar_lines(const char *p, size_t n, struct bol_edi_equipment *eq)
{
    json_t *lines = NULL;

    assert_int_equal(bol_edi_equipment_read(p, n, NULL, eq), 0);
    assert_int_equal(eq->ic.nmsgs, 1);
    assert_false(eq->ic.msgs[0].failed);
    assert_int_equal(bol_coprar_lines(&eq->msgs[0], &lines), 0);
    return lines;
}

static void test_coprar_round_trip(void **state)
{
    struct bol_edi_equipment eq, eq2;
    struct bol_report_envelope env = { "DEHAM", "MSC", "4711", T0 };
    struct bol_buf out = BOL_BUF_INIT(1u << 20);
    struct bol_coprar_out o;
    json_t *a, *b, *want;
    size_t i;

    (void) state;
    a = coprar_lines(coprar, sizeof(coprar) - 1, &eq);
    want = json_loads("[{\"container\":\"MSCU1234566\",\"sizetype\":\"45R1\",\"full\":true,"
                      "\"booking\":\"BK1\",\"pod\":\"USLAX\",\"cell\":\"0120282\",\"line\":\"MSC\","
                      "\"gross_kg\":27000,\"vgm_kg\":25000,\"setpoint_c10\":-200,"
                      "\"dg\":[{\"class\":\"3\",\"un\":1203},{\"class\":\"8\",\"un\":1830}]},"
                      "{\"sizetype\":\"22G1\",\"full\":false,\"booking\":\"BK2\",\"pol\":\"DEHAM\","
                      "\"pod\":\"SGSIN\"},"
                      "{\"container\":\"MSCU7654321\",\"flagged\":true,\"sizetype\":\"22G1\","
                      "\"full\":true}]",
                      0, NULL);
    assert_non_null(want);
    assert_true(json_equal(a, want));
    for (i = 0; i < json_array_size(a); i++) {
        struct bol_diag d;

        bol_diag_init(&d);
        assert_int_equal(bol_order_box_check(json_array_get(a, i), &d), 0);
    }
    o = (struct bol_coprar_out){ "load", "ORD1", "040W", "MSC", "3EAM1000", "BUILT", "DEHAM", a };
    assert_int_equal(bol_coprar_write(&o, 1, &env, &out), 0);
    b = coprar_lines(out.buf, out.len, &eq2);
    assert_true(json_equal(a, b));
    assert_string_equal(eq2.msgs[0].doc, "45");
    assert_string_equal(eq2.msgs[0].vessel_id, "3EAM1000");
    assert_string_equal(eq2.msgs[0].voyage, "040W");
    json_decref(a);
    json_decref(b);
    json_decref(want);
    bol_buf_release(&out);
    bol_edi_equipment_release(&eq);
    bol_edi_equipment_release(&eq2);
}

/* The test COPRAR with segment `from` replaced by `to`, read and mapped into eq and m. */
static void coprar_edited(const char *from, const char *to, struct bol_edi_equipment *eq,
                          struct bol_edi_mapped *m)
{
    static const struct bol_coprar_ctx ctx = { "V1", "BUILTLINE" };
    const char *p = strstr(coprar, from);
    char text[2048];

    assert_non_null(p);
    snprintf(text, sizeof(text), "%.*s%s%s", (int) (p - coprar), coprar, to, p + strlen(from));
    assert_int_equal(bol_edi_equipment_read(text, strlen(text), NULL, eq), 0);
    assert_int_equal(bol_coprar_map(&eq->msgs[0], &ctx, m), 0);
}

/* The message function decides the steps: original, replacement, cancellation, others refused. */
static void test_coprar_functions(void **state)
{
    static const struct {
        const char *bgm;
        size_t ncmds;
        bool failed;
        const char *first;
    } cases[] = {
        { "BGM+45+O+9", 3, false, "order.add" },   { "BGM+240+O", 3, false, "order.add" },
        { "BGM+43+O+5", 4, false, "order.clear" }, { "BGM+45+O+1", 1, false, "order.clear" },
        { "BGM+45+O+4", 0, true, NULL },           { "BGM+98+O+9", 0, true, NULL },
    };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(cases); i++) {
        struct bol_edi_equipment eq;
        struct bol_edi_mapped m;

        coprar_edited("BGM+45+ORD1+9", cases[i].bgm, &eq, &m);
        assert_int_equal(m.failed, cases[i].failed);
        if (!cases[i].failed) {
            assert_int_equal(json_array_size(m.cmds), cases[i].ncmds);
            assert_string_equal(
                json_string_value(json_object_get(json_array_get(m.cmds, 0), "cmd")),
                cases[i].first);
        }
        bol_edi_mapped_release(&m);
        bol_edi_equipment_release(&eq);
    }
}

/* A mass an order line cannot hold fails the message, naming the box and the mass. */
static void test_coprar_mass_limit(void **state)
{
    static const char *const mea[][2] = {
        { "MEA+AAE+G+KGM:27000", "MEA+AAE+G+KGM:200001" },
        { "MEA+AAE+VGM+KGM:25000", "MEA+AAE+VGM+KGM:278009" },
    };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(mea); i++) {
        struct bol_edi_equipment eq;
        struct bol_edi_mapped m;
        const char *msg;

        coprar_edited(mea[i][0], mea[i][1], &eq, &m);
        assert_true(m.failed);
        msg = json_string_value(json_object_get(json_array_get(m.notes, 0), "message"));
        assert_non_null(msg);
        assert_non_null(strstr(msg, "MSCU1234566"));
        assert_non_null(strstr(msg, i == 0 ? "200001 kg" : "278009 kg"));
        assert_non_null(strstr(msg, "above 200,000 kg"));
        bol_edi_mapped_release(&m);
        bol_edi_equipment_release(&eq);
    }
}

static json_t *movins_rules(const char *p, size_t n, struct bol_movins_set *s)
{
    json_t *rules = NULL;

    assert_int_equal(bol_movins_read(p, n, NULL, s), 0);
    assert_int_equal(s->ic.nmsgs, 1);
    assert_false(s->ic.msgs[0].failed);
    assert_int_equal(bol_movins_rules(&s->msgs[0], &rules), 0);
    return rules;
}

static void test_movins_round_trip(void **state)
{
    struct bol_movins_set s, s2;
    struct bol_report_envelope env = { "DEHAM", "MSC", "4712", T0 };
    struct bol_buf out = BOL_BUF_INIT(1u << 20);
    struct bol_movins_out o;
    struct bol_movins_ctx ctx = { "V1", "BUILTLINE" };
    struct bol_edi_mapped m;
    json_t *a, *b, *want;
    size_t i;

    (void) state;
    a = movins_rules(movins, sizeof(movins) - 1, &s);
    want = json_loads("[{\"cell\":\"0020382\",\"handling\":\"load\",\"sizetype\":\"45R1\","
                      "\"pol\":\"DEHAM\",\"pod\":\"USLAX\",\"max_kg\":25000,\"setpoint_c10\":-185},"
                      "{\"cell\":\"0040282\",\"handling\":\"load\",\"sizetype\":\"22G1\","
                      "\"pod\":\"SGSIN\",\"dg\":[{\"class\":\"2.1\",\"un\":1965}]},"
                      "{\"cell\":\"0060084\",\"handling\":\"discharge\",\"sizetype\":\"45G1\"},"
                      "{\"cell\":\"0080082\"}]",
                      0, NULL);
    assert_true(json_equal(a, want));
    for (i = 0; i < json_array_size(a); i++) {
        struct bol_diag d;

        bol_diag_init(&d);
        assert_int_equal(bol_stowage_rule_check(json_array_get(a, i), &d), 0);
    }
    /* An unknown handling code: the rule without it, and a warning. */
    assert_int_equal(bol_movins_map(&s.msgs[0], &ctx, &m), 0);
    assert_false(m.failed);
    assert_int_equal(json_array_size(m.cmds), 5);
    assert_int_equal(json_array_size(m.notes), 1);
    bol_edi_mapped_release(&m);
    /* Written and read again, in the same order (the rule without a handling comes first). */
    json_array_remove(a, 3);
    json_array_remove(want, 3);
    o = (struct bol_movins_out){ "STOW1", "040W", "MSC", "3EAM1000", "BUILT", "DEHAM", a };
    assert_int_equal(bol_movins_write(&o, &env, &out), 0);
    b = movins_rules(out.buf, out.len, &s2);
    assert_true(json_equal(b, want));
    json_decref(a);
    json_decref(b);
    json_decref(want);
    bol_buf_release(&out);
    bol_movins_set_release(&s);
    bol_movins_set_release(&s2);
}

/* Bad stowage data: the message fails at its segment, never imports half. */
static void test_movins_refusals(void **state)
{
    static const char *const bad[] = {
        "HAN+LOA'LOC+147+0000000::5'",           /* bay and tier zero */
        "HAN+LOA'LOC+147+12::5'",                /* not 6 or 7 digits */
        "HAN+LOA'LOC+147+0020382'EQD+CN++ZZZZ'", /* a size-type nobody defines */
    };
    struct bol_movins_ctx ctx = { "V1", "BUILTLINE" };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(bad); i++) {
        char text[512];
        struct bol_movins_set s;
        struct bol_edi_mapped m;

        snprintf(text, sizeof(text), "UNH+1+MOVINS:D:95B:UN:SMDG20'BGM++S+9'%sUNT+9+1'", bad[i]);
        assert_int_equal(bol_movins_read(text, strlen(text), NULL, &s), 0);
        assert_int_equal(bol_movins_map(&s.msgs[0], &ctx, &m), 0);
        assert_true(m.failed);
        assert_int_equal(json_integer_value(json_object_get(json_array_get(m.notes, 0), "segment")),
                         4);
        bol_edi_mapped_release(&m);
        bol_movins_set_release(&s);
    }
    /* An unreadable temperature fails the message in the reader. */
    {
        static const char t[] =
            "UNH+1+MOVINS:D:95B:UN:SMDG20'LOC+147+0020382::5'TMP+2+cold:CEL'UNT+4+1'";
        struct bol_movins_set s;

        assert_int_equal(bol_movins_read(t, sizeof(t) - 1, NULL, &s), 0);
        assert_true(s.ic.msgs[0].failed);
        bol_movins_set_release(&s);
    }
}

static void test_checks(void **state)
{
    static const char *const bad_boxes[] = {
        "{\"pod\":\"XXZZZ\"}",  "{\"sizetype\":\"ZZZZ\"}", "{\"cell\":\"12\"}",
        "{\"gross_kg\":0}",     "{\"flagged\":true}",      "{\"dg\":[{\"class\":\"10\"}]}",
        "{\"colour\":\"red\"}", "{\"setpoint_c10\":5000}",
    };
    size_t i;

    (void) state;
    for (i = 0; i < BOL_ARRAY_SIZE(bad_boxes); i++) {
        json_t *o = json_loads(bad_boxes[i], 0, NULL);
        struct bol_diag d;

        bol_diag_init(&d);
        assert_int_equal(bol_order_box_check(o, &d), BOL_E_INVAL);
        assert_true(d.field[0] != '\0');
        json_decref(o);
    }
    {
        json_t *o = json_loads("{\"handling\":\"load\"}", 0, NULL);
        struct bol_diag d;

        bol_diag_init(&d);
        assert_int_equal(bol_stowage_rule_check(o, &d), BOL_E_INVAL);
        assert_string_equal(d.field, "cell");
        json_decref(o);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_coprar_round_trip), cmocka_unit_test(test_coprar_functions),
        cmocka_unit_test(test_coprar_mass_limit), cmocka_unit_test(test_movins_round_trip),
        cmocka_unit_test(test_movins_refusals),   cmocka_unit_test(test_checks),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
