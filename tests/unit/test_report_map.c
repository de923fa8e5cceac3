/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_report_map.c - move reports (COARRI, CODECO) as the commands that
 * record their moves: each kind of move, moves already recorded, and the
 * refusals with their positions.  The messages are written here to the SMDG
 * rules (no partner's file).
 */
#include "testutil.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>

#include "equipment.h"
#include "report.h"
#include "report_map.h"
#include "utctime.h"

/* What the fake terminal knows of a box. */
struct known {
    const char *id;
    enum bol_place_kind place;
    const char *visit;
    int moves[BOL_REPORT_KINDS]; /* recorded moves of each kind (with the visit, at DCT1) */
};

static const struct known boxes[] = {
    { "MSCU1000017", BOL_PLACE_VESSEL, "V1", { 0, 0, 0, 0 } },
    { "HLXU1001826", BOL_PLACE_YARD, NULL, { 1, 0, 0, 0 } },   /* discharged before */
    { "MSCU1031363", BOL_PLACE_VESSEL, "V2", { 0, 0, 0, 0 } }, /* another visit */
    { "MSCU1041090", BOL_PLACE_QUAY, "V1", { 1, 1, 0, 0 } },   /* loaded, restowed */
    { "CMAU1001618", BOL_PLACE_YARD, NULL, { 0, 0, 1, 0 } },   /* came in by gate */
    { "CMAU1001623", BOL_PLACE_GONE, NULL, { 0, 0, 1, 1 } },   /* went out */
};

static int box_cb(void *u, const char *id, struct bol_container *out)
{
    size_t i;

    (void) u;
    for (i = 0; i < BOL_ARRAY_SIZE(boxes); i++) {
        if (strcmp(boxes[i].id, id) != 0)
            continue;
        memset(out, 0, sizeof(*out));
        snprintf(out->id.s, sizeof(out->id.s), "%s", id);
        out->place.kind = boxes[i].place;
        if (boxes[i].visit)
            snprintf(out->place.visit, sizeof(out->place.visit), "%s", boxes[i].visit);
        return 1;
    }
    return 0;
}

static int moved_cb(void *u, const char *id, enum bol_report_kind kind, const char *visit,
                    const char *terminal)
{
    size_t i;

    (void) u;
    (void) visit;
    (void) terminal;
    for (i = 0; i < BOL_ARRAY_SIZE(boxes); i++)
        if (!strcmp(boxes[i].id, id))
            return boxes[i].moves[kind];
    return 0;
}

struct mapped {
    char text[4096];
    struct bol_edi_equipment e;
    struct bol_report r;
    struct bol_edi_mapped m;
};

/* Read message text (one message in an interchange) as a report and map it. */
static void map(struct mapped *x, const char *fmt, ...) BOL_PRINTF(2, 3);

static void map(struct mapped *x, const char *fmt, ...)
{
    struct bol_report_map_ctx ctx = { "V1",     "DCT1", "edi-0123456789ab", "CRANES", box_cb,
                                      moved_cb, NULL };
    struct bol_diag d;
    va_list ap;
    int n;

    memset(x, 0, sizeof(*x));
    n = snprintf(x->text, sizeof(x->text), "UNB+UNOA:2+CRANES+BOLLARD+261122:0930+T1'");
    va_start(ap, fmt);
    n += vsnprintf(x->text + n, sizeof(x->text) - (size_t) n, fmt, ap);
    va_end(ap);
    snprintf(x->text + n, sizeof(x->text) - (size_t) n, "UNZ+1+T1'");
    assert_int_equal(bol_edi_equipment_read(x->text, strlen(x->text), NULL, &x->e), 0);
    assert_int_equal(x->e.ic.nmsgs, 1);
    bol_diag_init(&d);
    assert_int_equal(bol_report_from_boxes(&x->e.ic, &x->e.msgs[0], &x->r, &d), 0);
    assert_int_equal(bol_report_map(&x->r, &ctx, &x->m), 0);
}

static void release(struct mapped *x)
{
    bol_edi_mapped_release(&x->m);
    bol_report_release(&x->r);
    bol_edi_equipment_release(&x->e);
}

static const char *field(json_t *cmd, const char *k)
{
    const char *v = json_string_value(json_object_get(cmd, k));

    return v ? v : "";
}

static json_t *cmd(const struct mapped *x, size_t i)
{
    return json_array_get(x->m.cmds, i);
}

/* The byte where text t first occurs in the interchange. */
static uint64_t at(const struct mapped *x, const char *t)
{
    const char *p = strstr(x->text, t);

    assert_non_null(p);
    return (uint64_t) (p - x->text);
}

static const char *error_note(const struct mapped *x, uint64_t *offset, uint32_t *segment)
{
    json_t *n = json_array_get(x->m.notes, 0);

    assert_non_null(n);
    assert_string_equal(field(n, "level"), "error");
    *offset = (uint64_t) json_integer_value(json_object_get(n, "offset"));
    *segment = (uint32_t) json_integer_value(json_object_get(n, "segment"));
    return field(n, "message");
}

#define COARRI(bgm)                                                                                \
    "UNH+1+COARRI:D:95B:UN:ITG12'BGM+" bgm "+R1+9'TDT+20+V001+1++MSC:172:20+++9624744:146::TEST'"
#define END "CNT+16:1'UNT+9+1'"

static void test_discharge(void **state)
{
    struct mapped x;
    uint64_t off;
    uint32_t seg;

    (void) state;
    /* On board: discharged, with the reported time.  Discharged before: already. */
    map(&x, COARRI("98") "EQD+CN+MSCU1000017+22G1:102:5++3+5'DTM+203:202611220930:203'"
                         "EQD+CN+HLXU1001826+22G1:102:5++3+5'DTM+203:202611220931:203'" END);
    assert_false(x.m.failed);
    assert_int_equal(x.m.boxes, 1);
    assert_int_equal(x.m.already, 1);
    assert_int_equal(json_array_size(x.m.cmds), 1);
    assert_string_equal(field(cmd(&x, 0), "cmd"), "discharge");
    assert_string_equal(field(cmd(&x, 0), "id"), "MSCU1000017");
    assert_string_equal(field(cmd(&x, 0), "reported_at"), "2026-11-22T09:30:00Z");
    assert_int_equal(x.m.slot[0], 0);
    release(&x);

    /* D.23A's discharge code; a box on board another visit fails at its EQD. */
    map(&x, COARRI("119") "EQD+CN+MSCU1031363+22G1:102:5++3+5'DTM+203:202611220930:203'" END);
    assert_true(x.m.failed);
    assert_non_null(strstr(error_note(&x, &off, &seg), "on board vessel visit V2, not V1"));
    assert_int_equal(off, at(&x, "EQD+CN+MSCU1031363"));
    assert_int_equal(seg, 5);
    release(&x);

    /* A box bollard does not know. */
    map(&x, COARRI("98") "EQD+CN+ZZZU1234564+22G1:102:5++3+5'DTM+203:202611220930:203'" END);
    assert_true(x.m.failed);
    assert_non_null(strstr(error_note(&x, &off, &seg), "ZZZU1234564: bollard has no record"));
    assert_int_equal(off, at(&x, "EQD+CN+ZZZU1234564"));
    release(&x);
}

static void test_load(void **state)
{
    struct mapped x;
    uint64_t off;
    uint32_t seg;

    (void) state;
    /* Loaded once already, reported twice (a restow): the second is a load into the cell. */
    map(&x, COARRI("270") "EQD+CN+MSCU1041090+22G1:102:5++2+5'DTM+203:202611221000:203'"
                          "LOC+147+0120482::5'"
                          "EQD+CN+MSCU1041090+22G1:102:5++2+5'DTM+203:202611221100:203'"
                          "LOC+147+120484::5'" END);
    assert_false(x.m.failed);
    assert_int_equal(x.m.already, 1);
    assert_int_equal(x.m.boxes, 1);
    assert_int_equal(json_array_size(x.m.cmds), 1);
    assert_string_equal(field(cmd(&x, 0), "cmd"), "load");
    assert_string_equal(field(cmd(&x, 0), "visit"), "V1");
    assert_string_equal(field(cmd(&x, 0), "cell"), "0120484"); /* normalised */
    assert_string_equal(field(cmd(&x, 0), "reported_at"), "2026-11-22T11:00:00Z");
    assert_int_equal(x.m.slot[0], 1);
    release(&x);

    /* D.23A's loading code without a stowage cell. */
    map(&x, COARRI("122") "EQD+CN+MSCU1000017+22G1:102:5++2+5'DTM+203:202611221000:203'" END);
    assert_true(x.m.failed);
    assert_non_null(strstr(error_note(&x, &off, &seg), "without the stowage cell"));
    assert_int_equal(off, at(&x, "EQD+CN+MSCU1000017"));
    release(&x);
}

#define CODECO(bgm) "UNH+1+CODECO:D:95B:UN'BGM+" bgm "+G1+9'LOC+165+JPNGO:139:6'"

static void test_gate_in(void **state)
{
    struct mapped x;
    json_t *c;

    (void) state;
    /* A new box: a truck visit without a driver, and the box registered by its data. */
    map(&x, CODECO("34") "EQD+CN+ZZZU1234564+22G1:102:5++2+5'DTM+7:202611220800:203'"
                         "MEA+AAE+G+KGM:15400'LOC+11+SGSIN:139:6'TDT+1++3+31++++NGO 100'"
                         "EQD+CN+CMAU1001618+22G1:102:5++2+5'DTM+7:202611220810:203'" END);
    assert_false(x.m.failed);
    assert_int_equal(x.m.boxes, 1);
    assert_int_equal(x.m.already, 1); /* inside, came in by gate */
    assert_int_equal(json_array_size(x.m.cmds), 2);
    assert_string_equal(field(cmd(&x, 0), "cmd"), "truck.arrive");
    assert_string_equal(field(cmd(&x, 0), "terminal"), "DCT1");
    assert_string_equal(field(cmd(&x, 0), "person"), "edi");
    assert_string_equal(field(cmd(&x, 0), "driver"), "not reported");
    assert_string_equal(field(cmd(&x, 0), "plate"), "NGO 100");
    assert_string_equal(field(cmd(&x, 0), "company"), "CRANES");
    assert_string_equal(field(cmd(&x, 0), "ref"), "edi-0123456789ab-1");
    assert_string_equal(field(cmd(&x, 1), "cmd"), "gate.receive");
    assert_string_equal(field(cmd(&x, 1), "truck"), "edi-0123456789ab-1");
    assert_string_equal(field(cmd(&x, 1), "reported_at"), "2026-11-22T08:00:00Z");
    c = json_object_get(cmd(&x, 1), "container");
    assert_non_null(c);
    assert_string_equal(field(c, "id"), "ZZZU1234564");
    assert_string_equal(field(c, "category"), "export");
    assert_string_equal(field(c, "pod"), "SGSIN");
    assert_int_equal(x.m.slot[0], 0);
    assert_int_equal(x.m.slot[1], 0);
    release(&x);
}

static void test_gate_out(void **state)
{
    struct mapped x;
    uint64_t off;
    uint32_t seg;

    (void) state;
    map(&x, CODECO("36") "EQD+CN+HLXU1001826+22G1:102:5++3+5'DTM+7:202611221200:203'"
                         "EQD+CN+CMAU1001623+22G1:102:5++3+5'DTM+7:202611221210:203'" END);
    assert_false(x.m.failed);
    assert_int_equal(x.m.boxes, 1);
    assert_int_equal(x.m.already, 1); /* gone, went out by gate */
    assert_int_equal(json_array_size(x.m.cmds), 3);
    assert_string_equal(field(cmd(&x, 0), "cmd"), "truck.arrive");
    assert_string_equal(field(cmd(&x, 0), "plate"), "not reported");
    assert_string_equal(field(cmd(&x, 1), "cmd"), "gate.deliver");
    assert_string_equal(field(cmd(&x, 1), "id"), "HLXU1001826");
    assert_string_equal(field(cmd(&x, 2), "cmd"), "truck.depart");
    assert_string_equal(field(cmd(&x, 2), "reported_at"), "2026-11-22T12:00:00Z");
    release(&x);

    /* Unknown boxes do not go out. */
    map(&x, CODECO("36") "EQD+CN+ZZZU1234564+22G1:102:5++3+5'DTM+7:202611221200:203'" END);
    assert_true(x.m.failed);
    assert_non_null(strstr(error_note(&x, &off, &seg), "no record"));
    assert_int_equal(off, at(&x, "EQD+CN+ZZZU1234564"));
    assert_int_equal(seg, 5);
    assert_int_equal(json_array_size(x.m.cmds), 0);
    release(&x);
}

/* Parse -> write -> parse: the same report and the same commands (the truck's plate too). */
static void test_round_trip(void **state)
{
    struct mapped x, y;
    struct bol_report_envelope env = { "BOLLARD", "LINE", "R2", 0 };
    struct bol_buf out = BOL_BUF_INIT(1 << 20);
    char *again;
    size_t i;

    (void) state;
    map(&x, CODECO("34") "EQD+CN+ZZZU1234564+22G1:102:5++2+5'DTM+7:202611220800:203'"
                         "MEA+AAE+G+KGM:15400'LOC+11+SGSIN:139:6'TDT+1++3+31++++NGO 100'" END);
    env.prepared_us = x.r.boxes[0].at_us;
    assert_int_equal(bol_report_write(&x.r, 1, &env, &out), 0);
    /* map() wraps a message in its own envelope: take the message out of ours. */
    again = strstr(out.buf, "UNH+");
    assert_non_null(again);
    *strstr(again, "UNZ+") = '\0';
    map(&y, "%s", again);
    assert_int_equal(x.r.n, y.r.n);
    assert_string_equal(x.r.boxes[0].plate, y.r.boxes[0].plate);
    assert_int_equal(x.r.boxes[0].at_us, y.r.boxes[0].at_us);
    assert_int_equal(json_array_size(x.m.cmds), json_array_size(y.m.cmds));
    for (i = 0; i < json_array_size(x.m.cmds); i++)
        assert_true(json_equal(cmd(&x, i), cmd(&y, i)));
    release(&x);
    release(&y);
    bol_buf_release(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_discharge),  cmocka_unit_test(test_load),
        cmocka_unit_test(test_gate_in),    cmocka_unit_test(test_gate_out),
        cmocka_unit_test(test_round_trip),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
