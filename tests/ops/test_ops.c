/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_ops.c - the terminal's operations, end to end through the command
 * service, on SQLite and on a real PostgreSQL server
 *
 * Usage: test_ops sqlite|pg.  Every test gets a fresh terminal.  The last
 * test drives thousands of seeded random commands, valid and not, and then
 * checks the physical invariants and that state equals a replay.
 */
#include "compat.h"

#include <setjmp.h>
#include <stdarg.h>

#include "codec.h"
#include "container_id.h"
#include "opstest.h"
#include "rules.h"

/* A small terminal: blocks of every kind, a quay crane, a feeder vessel and its visit. */
static void terminal(struct opsfix *o)
{
    ok(o, "{\"cmd\":\"terminal.define\",\"code\":\"T1\",\"name\":\"Test terminal\","
          "\"timezone\":\"Asia/Tokyo\",\"unlocode\":\"JPNGO\"}");
    ok(o, "{\"cmd\":\"line.define\",\"code\":\"MSC\",\"name\":\"Mediterranean Shipping\","
          "\"scac\":\"MSCU\"}");
    ok(o, "{\"cmd\":\"berth.define\",\"terminal\":\"T1\",\"code\":\"B1\",\"from_m\":0,"
          "\"to_m\":350,\"depth_dm\":160}");
    ok(o, "{\"cmd\":\"block.define\",\"terminal\":\"T1\",\"code\":\"A1\",\"kind\":\"rtg\","
          "\"bays\":10,\"rows\":6,\"tiers\":4,\"max_stack_kg\":60000}");
    ok(o, "{\"cmd\":\"block.define\",\"terminal\":\"T1\",\"code\":\"R1\",\"kind\":\"reefer\","
          "\"bays\":4,\"rows\":4,\"tiers\":3,\"max_stack_kg\":100000}");
    ok(o, "{\"cmd\":\"block.define\",\"terminal\":\"T1\",\"code\":\"D1\",\"kind\":\"dg\","
          "\"bays\":8,\"rows\":6,\"tiers\":2,\"max_stack_kg\":100000}");
    ok(o, "{\"cmd\":\"block.define\",\"terminal\":\"T1\",\"code\":\"E1\",\"kind\":\"empty\","
          "\"bays\":6,\"rows\":6,\"tiers\":5,\"max_stack_kg\":100000}");
    ok(o, "{\"cmd\":\"block.define\",\"terminal\":\"T1\",\"code\":\"S1\",\"kind\":\"rtg\","
          "\"bays\":4,\"rows\":4,\"tiers\":3,\"max_stack_kg\":100000,\"sizes\":[\"20\"]}");
    ok(o, "{\"cmd\":\"equipment.define\",\"terminal\":\"T1\",\"id\":\"QC1\",\"kind\":\"qc\"}");
    ok(o, "{\"cmd\":\"equipment.define\",\"terminal\":\"T1\",\"id\":\"RTG1\",\"kind\":\"rtg\"}");
    ok(o, "{\"cmd\":\"equipment.define\",\"terminal\":\"T1\",\"id\":\"RTG9\",\"kind\":\"rtg\","
          "\"status\":\"breakdown\"}");
    ok(o, "{\"cmd\":\"vessel.define\",\"imo\":\"9074729\",\"name\":\"SAKURA FEEDER\","
          "\"operator\":\"MSC\",\"profile\":{\"bays\":20,\"rows_starboard\":3,\"rows_port\":3,"
          "\"hold_tier_max\":6,\"deck_tier_min\":82,\"deck_tier_max\":86,"
          "\"max_stack_kg_hold\":150000,\"max_stack_kg_deck\":80000,"
          "\"reefer\":[{\"bays\":[1,3],\"tiers\":[82,86]}],\"teu\":700}}");
    ok(o, "{\"cmd\":\"visit.define\",\"id\":\"V1\",\"terminal\":\"T1\",\"imo\":\"9074729\","
          "\"line\":\"MSC\",\"berth\":\"B1\",\"eta\":\"2026-11-21T08:00:00+09:00\","
          "\"phase\":\"planned\"}");
}

static void working(struct opsfix *o)
{
    ok(o, "{\"cmd\":\"visit.advance\",\"visit\":\"V1\",\"phase\":\"arrived\"}");
    ok(o, "{\"cmd\":\"visit.advance\",\"visit\":\"V1\",\"phase\":\"working\"}");
}

/*
 * Register a box on board V1 at cell, of gross mass kg (also its VGM), with
 * extra master-data fields ("" for none).
 */
static void on_board_kg(struct opsfix *o, const char *id, const char *sizetype, const char *cell,
                        unsigned kg, const char *extra)
{
    char cmd[1024];

    snprintf(cmd, sizeof(cmd),
             "{\"cmd\":\"container.register\",\"container\":{\"id\":\"%s\",\"sizetype\":\"%s\","
             "\"line\":\"MSC\",\"category\":\"import\",\"full\":true,\"tare_kg\":2200,"
             "\"gross_kg\":%u,\"vgm_kg\":%u%s%s},\"at\":{\"kind\":\"vessel\","
             "\"visit\":\"V1\",\"cell\":\"%s\"}}",
             id, sizetype, kg, kg, extra[0] ? "," : "", extra, cell);
    ok(o, cmd);
}

static void on_board(struct opsfix *o, const char *id, const char *sizetype, const char *cell,
                     const char *extra)
{
    on_board_kg(o, id, sizetype, cell, 15000, extra);
}

/* Discharge a box straight to a yard slot. */
static void to_yard(struct opsfix *o, const char *id, const char *slot)
{
    char cmd[256];

    snprintf(cmd, sizeof(cmd), "{\"cmd\":\"discharge\",\"id\":\"%s\",\"to\":\"%s\"}", id, slot);
    ok(o, cmd);
}

static char *fmt(char *buf, size_t n, const char *f, ...) BOL_PRINTF(3, 4);
static char *fmt(char *buf, size_t n, const char *f, ...)
{
    va_list ap;

    va_start(ap, f);
    vsnprintf(buf, n, f, ap);
    va_end(ap);
    return buf;
}

#define CMD(...) fmt(cmdbuf, sizeof(cmdbuf), __VA_ARGS__)

static bool history_has(json_t *c, const char *type, const char *note_part)
{
    json_t *h;
    size_t i;

    json_array_foreach(json_object_get(c, "history"), i, h)
    {
        const char *t = json_string_value(json_object_get(h, "type"));
        const char *n = json_string_value(json_object_get(h, "note"));

        if (t && !strcmp(t, type) && (!note_part || (n && strstr(n, note_part))))
            return true;
    }
    return false;
}

/* ---- reference data ---- */

static void test_reference_data(void **state)
{
    struct opsfix *o = *state;

    terminal(o);
    fails(o,
          "{\"cmd\":\"block.define\",\"terminal\":\"T9\",\"code\":\"A2\",\"kind\":\"rtg\","
          "\"bays\":10,\"rows\":6,\"tiers\":4,\"max_stack_kg\":60000}",
          BOL_E_NOTFOUND, "terminal");
    fails(o,
          "{\"cmd\":\"block.define\",\"terminal\":\"T1\",\"code\":\"A2\",\"kind\":\"tower\","
          "\"bays\":10,\"rows\":6,\"tiers\":4,\"max_stack_kg\":60000}",
          BOL_E_INVAL, "kind");
    fails(o,
          "{\"cmd\":\"block.define\",\"terminal\":\"T1\",\"code\":\"A2\",\"kind\":\"rtg\","
          "\"bays\":10,\"rows\":6,\"tiers\":99,\"max_stack_kg\":60000}",
          BOL_E_INVAL, "tiers");
    fails(o,
          "{\"cmd\":\"vessel.define\",\"imo\":\"9074728\",\"name\":\"X\",\"profile\":{"
          "\"bays\":20,\"rows_starboard\":3,\"rows_port\":3,\"hold_tier_max\":6,"
          "\"deck_tier_min\":82,\"deck_tier_max\":86,\"max_stack_kg_hold\":150000,"
          "\"max_stack_kg_deck\":80000}}",
          BOL_E_INVAL, "imo");
    fails(o,
          "{\"cmd\":\"vessel.define\",\"imo\":\"9074729\",\"name\":\"X\",\"operator\":\"ZZZ\","
          "\"profile\":{\"bays\":20,\"rows_starboard\":3,\"rows_port\":3,\"hold_tier_max\":6,"
          "\"deck_tier_min\":82,\"deck_tier_max\":86,\"max_stack_kg_hold\":150000,"
          "\"max_stack_kg_deck\":80000}}",
          BOL_E_NOTFOUND, "operator");
    fails(o,
          "{\"cmd\":\"visit.define\",\"id\":\"V2\",\"terminal\":\"T1\",\"imo\":\"9167423\","
          "\"phase\":\"planned\"}",
          BOL_E_NOTFOUND, "imo");
    fails(o,
          "{\"cmd\":\"visit.define\",\"id\":\"V2\",\"terminal\":\"T1\",\"imo\":\"9074729\","
          "\"berth\":\"B7\",\"phase\":\"planned\"}",
          BOL_E_NOTFOUND, "berth");
    fails(o, "{\"cmd\":\"equipment.define\",\"terminal\":\"T1\",\"id\":\"qc 2\",\"kind\":\"qc\"}",
          BOL_E_INVAL, "id");
    working(o);
    fails(o, "{\"cmd\":\"visit.advance\",\"visit\":\"V1\",\"phase\":\"arrived\"}", BOL_E_STATE,
          "phase");
    fails(o,
          "{\"cmd\":\"visit.define\",\"id\":\"V1\",\"terminal\":\"T1\",\"imo\":\"9074729\","
          "\"phase\":\"planned\"}",
          BOL_E_STATE, "phase");
    fails(o, "{\"cmd\":\"visit.advance\",\"visit\":\"NOPE\",\"phase\":\"departed\"}",
          BOL_E_NOTFOUND, "visit");

    /* A block holding boxes cannot shrink below them. */
    on_board(o, "MSCU1000017", "22G1", "0010282", "");
    to_yard(o, "MSCU1000017", "T1/A1/019/06/1");
    fails(o,
          "{\"cmd\":\"block.define\",\"terminal\":\"T1\",\"code\":\"A1\",\"kind\":\"rtg\","
          "\"bays\":9,\"rows\":6,\"tiers\":4,\"max_stack_kg\":60000}",
          BOL_E_CONFLICT, "bays");
    ok(o, "{\"cmd\":\"block.define\",\"terminal\":\"T1\",\"code\":\"A1\",\"kind\":\"rtg\","
          "\"bays\":12,\"rows\":6,\"tiers\":4,\"max_stack_kg\":60000}");
}

/* ---- every command refuses bad input and changes nothing ---- */

static void test_invalid_input_changes_nothing(void **state)
{
    struct opsfix *o = *state;
    static const struct {
        const char *cmd;
        int code;
        const char *field;
    } cases[] = {
        { "{\"cmd\":\"nope\"}", BOL_E_INVAL, "cmd" },
        { "{\"id\":\"MSCU1000017\"}", BOL_E_INVAL, "cmd" },
        { "{\"cmd\":\"discharge\",\"id\":\"MSCU1000017\",\"colour\":\"red\"}", BOL_E_INVAL,
          "colour" },
        { "{\"cmd\":\"discharge\"}", BOL_E_INVAL, "id" },
        { "{\"cmd\":\"discharge\",\"id\":12}", BOL_E_INVAL, "id" },
        { "{\"cmd\":\"discharge\",\"id\":\"MSC1000017\"}", BOL_E_INVAL, "id" },
        { "{\"cmd\":\"discharge\",\"id\":\"TGHU0000013\"}", BOL_E_NOTFOUND, "id" },
        { "{\"cmd\":\"discharge\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/001/01\"}", BOL_E_INVAL,
          "to" },
        { "{\"cmd\":\"discharge\",\"id\":\"MSCU1000017\",\"to\":\"T1/ZZ/001/01/1\"}", BOL_E_INVAL,
          "to" },
        { "{\"cmd\":\"discharge\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/001/01/2\"}", BOL_E_INVAL,
          "to" },
        { "{\"cmd\":\"discharge\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/002/01/1\"}", BOL_E_INVAL,
          "to" },
        { "{\"cmd\":\"discharge\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/001/07/1\"}", BOL_E_INVAL,
          "to" },
        { "{\"cmd\":\"load\",\"id\":\"MSCU1000017\",\"visit\":\"V1\",\"cell\":\"0010282\"}",
          BOL_E_STATE, "id" },
        { "{\"cmd\":\"load\",\"id\":\"MSCU1000017\",\"visit\":\"V1\",\"cell\":\"01x0282\"}",
          BOL_E_INVAL, "cell" },
        { "{\"cmd\":\"yard.put\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/001/01/1\"}", BOL_E_STATE,
          "id" },
        { "{\"cmd\":\"shift\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/001/01/1\"}", BOL_E_STATE,
          "id" },
        { "{\"cmd\":\"relocate\",\"id\":\"MSCU1000017\",\"to\":{\"kind\":\"quay\","
          "\"visit\":\"V1\"}}",
          BOL_E_INVAL, "to" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000018\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true}}",
          BOL_E_INVAL, "id" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000090\","
          "\"sizetype\":\"22X9\",\"category\":\"import\",\"full\":true}}",
          BOL_E_INVAL, "sizetype" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000090\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true,\"line\":\"ZZZ\"}}",
          BOL_E_NOTFOUND, "line" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000090\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true,\"setpoint\":\"-18\"}}",
          BOL_E_INVAL, "setpoint" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000090\","
          "\"sizetype\":\"22G1\",\"category\":\"empty\",\"full\":true}}",
          BOL_E_INVAL, "full" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000090\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true,\"dg\":[{\"un\":\"1203\","
          "\"class\":\"11\"}]}}",
          BOL_E_INVAL, "class" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000017\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true}}",
          BOL_E_CONFLICT, "id" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000090\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true},\"at\":{\"kind\":"
          "\"vessel\",\"visit\":\"V1\",\"cell\":\"0010282\"}}",
          BOL_E_CONFLICT, "at" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000090\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true},\"at\":{\"kind\":"
          "\"vessel\",\"visit\":\"V1\",\"cell\":\"0990282\"}}",
          BOL_E_INVAL, "at" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000090\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true},\"at\":{\"kind\":"
          "\"quay\",\"visit\":\"V1\"}}",
          BOL_E_INVAL, "at" },
        { "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000090\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true},\"at\":\"T1/A1/001/01/1\"}",
          BOL_E_INVAL, "reason" },
        { "{\"cmd\":\"container.correct\",\"id\":\"MSCU1000017\",\"set\":{\"gross_kg\":16000}}",
          BOL_E_INVAL, "reason" },
        { "{\"cmd\":\"container.correct\",\"id\":\"MSCU1000017\",\"reason\":\"x\","
          "\"set\":{\"id\":\"MSCU1000090\"}}",
          BOL_E_INVAL, "id" },
        { "{\"cmd\":\"container.correct\",\"id\":\"MSCU1000017\",\"reason\":\"x\","
          "\"set\":{\"gross_kg\":15000}}",
          BOL_E_INVAL, "set" },
        { "{\"cmd\":\"container.correct\",\"id\":\"MSCU1000017\",\"reason\":\"x\","
          "\"set\":{\"gross_kg\":-1}}",
          BOL_E_INVAL, "gross_kg" },
        { "{\"cmd\":\"hold.place\",\"id\":\"MSCU1000017\",\"kind\":\"police\",\"reason\":\"x\"}",
          BOL_E_INVAL, "kind" },
        { "{\"cmd\":\"hold.place\",\"id\":\"MSCU1000017\",\"kind\":\"customs\"}", BOL_E_INVAL,
          "reason" },
        { "{\"cmd\":\"hold.lift\",\"id\":\"MSCU1000017\",\"kind\":\"customs\",\"reason\":\"x\"}",
          BOL_E_STATE, "kind" },
        { "{\"cmd\":\"release.revoke\",\"id\":\"MSCU1000017\",\"reason\":\"x\"}", BOL_E_STATE,
          "id" },
        { "{\"cmd\":\"release.grant\",\"id\":\"MSCU1000017\"}", BOL_E_INVAL, "ref" },
        { "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"d 1\",\"driver\":\"A\","
          "\"plate\":\"B\"}",
          BOL_E_INVAL, "person" },
        { "{\"cmd\":\"truck.arrive\",\"terminal\":\"T9\",\"person\":\"d1\",\"driver\":\"A\","
          "\"plate\":\"B\"}",
          BOL_E_NOTFOUND, "terminal" },
        { "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"d1\",\"driver\":\"A\"}",
          BOL_E_INVAL, "plate" },
        { "{\"cmd\":\"gate.receive\",\"truck\":999999}", BOL_E_NOTFOUND, "truck" },
        { "{\"cmd\":\"gate.receive\",\"truck\":\"NOPE\"}", BOL_E_NOTFOUND, "truck" },
        { "{\"cmd\":\"gate.deliver\",\"truck\":true,\"id\":\"MSCU1000017\"}", BOL_E_INVAL,
          "truck" },
        { "{\"cmd\":\"truck.depart\",\"truck\":-4}", BOL_E_INVAL, "truck" },
        { "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/001/01/1\","
          "\"equipment\":\"RTG9\"}",
          BOL_E_STATE, "equipment" },
        { "{\"cmd\":\"wi.plan\",\"kind\":\"load\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/001/01/"
          "1\"}",
          BOL_E_STATE, "id" },
        { "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"MSCU1000017\",\"to\":{\"kind\":\"quay\","
          "\"visit\":\"V9\"}}",
          BOL_E_INVAL, "to" },
        { "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"MSCU1000017\",\"to\":\"T1/R1/001/01/1\","
          "\"priority\":5000}",
          BOL_E_INVAL, "priority" },
        { "{\"cmd\":\"wi.dispatch\",\"wi\":1,\"equipment\":\"RTG1\"}", BOL_E_NOTFOUND, "wi" },
        { "{\"cmd\":\"wi.start\",\"wi\":\"NOPE\"}", BOL_E_NOTFOUND, "wi" },
        { "{\"cmd\":\"wi.cancel\",\"wi\":1}", BOL_E_INVAL, "reason" },
        { "{\"cmd\":\"person.erase\",\"person\":\"nobody\"}", BOL_E_NOTFOUND, "person" },
        { "{\"cmd\":\"terminal.define\",\"code\":\"t2\",\"name\":\"x\",\"timezone\":\"UTC\","
          "\"unlocode\":\"JPNGO\"}",
          BOL_E_INVAL, "code" },
        { "{\"cmd\":\"line.define\",\"code\":\"MS-C\",\"name\":\"x\"}", BOL_E_INVAL, "code" },
        { "{\"cmd\":\"berth.define\",\"terminal\":\"T1\",\"code\":\"B2\",\"from_m\":300,"
          "\"to_m\":100}",
          BOL_E_INVAL, "to_m" },
    };
    size_t i;

    terminal(o);
    working(o);
    on_board(o, "MSCU1000017", "22G1", "0010282", "");
    for (i = 0; i < BOL_ARRAY_SIZE(cases); i++)
        fails(o, cases[i].cmd, cases[i].code, cases[i].field);
    /* Still all there to do: the box is discharged at the end. */
    to_yard(o, "MSCU1000017", "T1/A1/001/01/1");
}

/* ---- the yard's physics ---- */

static void test_yard_rules(void **state)
{
    struct opsfix *o = *state;
    char cmdbuf[512], p[96];

    terminal(o);
    working(o);
    on_board(o, "MSCU1000017", "22G1", "0010282", "");
    on_board(o, "MSCU1000022", "22G1", "0010482", "");
    on_board_kg(o, "MSCU1000038", "45G1", "0020682", 30000, "");
    on_board_kg(o, "MSCU1000043", "22G1", "0050282", 31000, "");
    on_board(o, "MSCU1000059", "22R1", "0030282", "\"reefer_on\":true,\"setpoint_c10\":-180");
    on_board(o, "MSCU1000064", "22G1", "0070282", "\"dg\":[{\"un\":\"1203\",\"class\":\"3\"}]");
    on_board(o, "MSCU1000070", "22G1", "0090282", "\"dg\":[{\"un\":\"1942\",\"class\":\"5.1\"}]");

    /* No floating boxes; one box per slot; 20 on 20 only. */
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/001/01/2\"}",
          BOL_E_INVAL, "to");
    to_yard(o, "MSCU1000017", "T1/A1/001/01/1");
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000022\",\"to\":\"T1/A1/001/01/1\"}",
          BOL_E_CONFLICT, "to");
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000038\",\"to\":\"T1/A1/002/01/2\"}",
          BOL_E_INVAL, "to");
    to_yard(o, "MSCU1000022", "T1/A1/001/01/2");

    /* A 40 ft box takes two 20 ft positions; it does not fit a 20-only block. */
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000038\",\"to\":\"T1/S1/002/01/1\"}",
          BOL_E_INVAL, "to");
    to_yard(o, "MSCU1000038", "T1/A1/004/01/1");
    assert_string_equal(place_of(o, "MSCU1000038", p), "yard T1/A1/004/01/1");
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000043\",\"to\":\"T1/A1/005/01/1\"}",
          BOL_E_CONFLICT, "to");

    /* Stack weight: 60 t per position; a 40 ft box weighs half on each. */
    to_yard(o, "MSCU1000043", "T1/A1/003/02/1");
    on_board_kg(o, "MSCU1000085", "22G1", "0110282", 29001, "");
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000085\",\"to\":\"T1/A1/003/02/2\"}",
          BOL_E_INVAL, "to");
    ok(o, "{\"cmd\":\"container.correct\",\"id\":\"MSCU1000085\",\"reason\":\"weighed again\","
          "\"set\":{\"gross_kg\":29000,\"vgm_kg\":29000,\"tare_kg\":2000}}");
    to_yard(o, "MSCU1000085", "T1/A1/003/02/2");

    /* Nothing may be taken from under another box. */
    fails(o, "{\"cmd\":\"shift\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/001/03/1\"}", BOL_E_CONFLICT,
          "id");
    ok(o, CMD("{\"cmd\":\"relocate\",\"id\":\"MSCU1000022\",\"to\":\"T1/A1/001/02/1\"}"));
    ok(o, "{\"cmd\":\"shift\",\"id\":\"MSCU1000017\",\"to\":\"T1/A1/001/03/1\"}");

    /* Running reefers need plugs; DG only where allowed, segregated. */
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000059\",\"to\":\"T1/A1/007/01/1\"}",
          BOL_E_INVAL, "to");
    to_yard(o, "MSCU1000059", "T1/R1/001/01/1");
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000064\",\"to\":\"T1/A1/007/01/1\"}",
          BOL_E_INVAL, "to");
    to_yard(o, "MSCU1000064", "T1/D1/001/01/1");
    /* Class 3 and 5.1 must be separated: the next stack is too close, three rows away is not. */
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000070\",\"to\":\"T1/D1/001/02/1\"}",
          BOL_E_INVAL, "to");
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000070\",\"to\":\"T1/D1/003/01/1\"}",
          BOL_E_INVAL, "to");
    to_yard(o, "MSCU1000070", "T1/D1/001/04/1");

    /* Empties only in the empty block. */
    fails(o, "{\"cmd\":\"shift\",\"id\":\"MSCU1000085\",\"to\":\"T1/E1/001/01/1\"}", BOL_E_INVAL,
          "to");
}

/* ---- vessel loading ---- */

static void test_loading_rules(void **state)
{
    struct opsfix *o = *state;
    json_t *c;

    terminal(o);
    working(o);
    ok(o, "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"drv-1\","
          "\"driver\":\"Taro Yamada\",\"plate\":\"Nagoya 100 a 12-34\",\"ref\":\"GA-1\"}");
    /* An export arrives by road without a VGM: it may be stacked, not loaded. */
    ok(o, "{\"cmd\":\"gate.receive\",\"truck\":\"GA-1\",\"container\":{\"id\":\"TGHU0000013\","
          "\"sizetype\":\"22G1\",\"category\":\"export\",\"full\":true,\"gross_kg\":20000,"
          "\"pod\":\"SGSIN\"}}");
    ok(o, "{\"cmd\":\"yard.put\",\"id\":\"TGHU0000013\",\"to\":\"T1/A1/001/01/1\"}");
    ok(o, "{\"cmd\":\"truck.depart\",\"truck\":\"GA-1\"}");
    fails(o, "{\"cmd\":\"load\",\"id\":\"TGHU0000013\",\"visit\":\"V1\",\"cell\":\"0010202\"}",
          BOL_E_INVAL, "vgm_kg");
    ok(o, "{\"cmd\":\"container.correct\",\"id\":\"TGHU0000013\",\"reason\":\"VERMAS\","
          "\"set\":{\"vgm_kg\":20100,\"vgm_method\":\"SM1\"}}");
    fails(o, "{\"cmd\":\"load\",\"id\":\"TGHU0000013\",\"visit\":\"V1\",\"cell\":\"0010204\"}",
          BOL_E_INVAL, "cell");
    fails(o, "{\"cmd\":\"load\",\"id\":\"TGHU0000013\",\"visit\":\"V1\",\"cell\":\"0020202\"}",
          BOL_E_INVAL, "cell");
    ok(o, "{\"cmd\":\"hold.place\",\"id\":\"TGHU0000013\",\"kind\":\"customs\","
          "\"reason\":\"export declaration missing\"}");
    fails(o, "{\"cmd\":\"load\",\"id\":\"TGHU0000013\",\"visit\":\"V1\",\"cell\":\"0010202\"}",
          BOL_E_STATE, "id");
    ok(o, "{\"cmd\":\"hold.lift\",\"id\":\"TGHU0000013\",\"kind\":\"customs\","
          "\"reason\":\"declared\"}");
    ok(o, "{\"cmd\":\"load\",\"id\":\"TGHU0000013\",\"visit\":\"V1\",\"cell\":\"0010202\"}");
    c = container_json(o, "TGHU0000013");
    assert_string_equal(json_string_value(json_object_get(c, "place")), "vessel V1 0010202");
    assert_true(history_has(c, "container.corrected", "VERMAS"));
    assert_true(json_object_get(c, "departed") != NULL);
    json_decref(c);
    /* The cell is taken now; a visit that departed takes nothing more. */
    fails(o,
          "{\"cmd\":\"visit.advance\",\"visit\":\"V1\",\"phase\":\"departed\",\"at\":"
          "\"2026-11-21T20:00:00+09:00\",\"x\":1}",
          BOL_E_INVAL, "x");
    ok(o, "{\"cmd\":\"visit.advance\",\"visit\":\"V1\",\"phase\":\"departed\"}");
    fails(o,
          "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000090\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true},\"at\":{\"kind\":"
          "\"vessel\",\"visit\":\"V1\",\"cell\":\"0030202\"}}",
          BOL_E_STATE, "at");
}

/* ---- acceptance: a held box is not delivered until the hold is lifted ---- */

static void test_delivery_refused_while_held(void **state)
{
    struct opsfix *o = *state;
    json_t *c;
    char p[96];

    terminal(o);
    working(o);
    on_board(o, "MSCU1000017", "22G1", "0010282", "");
    to_yard(o, "MSCU1000017", "T1/A1/001/01/1");
    ok(o, "{\"cmd\":\"hold.place\",\"id\":\"MSCU1000017\",\"kind\":\"customs\","
          "\"reason\":\"x-ray inspection\",\"ref\":\"NACCS-42\"}");
    fails(o,
          "{\"cmd\":\"hold.place\",\"id\":\"MSCU1000017\",\"kind\":\"customs\","
          "\"reason\":\"again\"}",
          BOL_E_CONFLICT, "kind");
    ok(o,
       "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"drv-7\",\"driver\":\"Hanako\","
       "\"plate\":\"Mikawa 300 sa 55-01\",\"ref\":\"GA-7\"}");
    /* No release yet, and a hold: both refuse the delivery. */
    fails(o, "{\"cmd\":\"gate.deliver\",\"truck\":\"GA-7\",\"id\":\"MSCU1000017\"}", BOL_E_STATE,
          "id");
    ok(o, "{\"cmd\":\"release.grant\",\"id\":\"MSCU1000017\",\"ref\":\"DO-2026-1\"}");
    fails(o, "{\"cmd\":\"gate.deliver\",\"truck\":\"GA-7\",\"id\":\"MSCU1000017\"}", BOL_E_STATE,
          "id");
    fails(o,
          "{\"cmd\":\"wi.plan\",\"kind\":\"gtot\",\"id\":\"MSCU1000017\",\"to\":{\"kind\":"
          "\"truck\",\"truck\":\"GA-7\"}}",
          BOL_E_STATE, "id");
    ok(o, "{\"cmd\":\"hold.lift\",\"id\":\"MSCU1000017\",\"kind\":\"customs\","
          "\"reason\":\"inspection passed\"}");
    ok(o, "{\"cmd\":\"gate.deliver\",\"truck\":\"GA-7\",\"id\":\"MSCU1000017\"}");
    assert_true(!strncmp(place_of(o, "MSCU1000017", p), "truck ", 6));
    /* A hold placed while the box is on the truck stops it at the out-gate. */
    ok(o, "{\"cmd\":\"hold.place\",\"id\":\"MSCU1000017\",\"kind\":\"line\","
          "\"reason\":\"freight unpaid\"}");
    fails(o, "{\"cmd\":\"truck.depart\",\"truck\":\"GA-7\"}", BOL_E_STATE, "id");
    ok(o, "{\"cmd\":\"hold.lift\",\"id\":\"MSCU1000017\",\"kind\":\"line\",\"reason\":\"paid\"}");
    ok(o, "{\"cmd\":\"truck.depart\",\"truck\":\"GA-7\"}");
    c = container_json(o, "MSCU1000017");
    assert_string_equal(json_string_value(json_object_get(c, "place")), "gone");
    assert_true(history_has(c, "hold.placed", "x-ray inspection"));
    assert_true(history_has(c, "hold.lifted", "inspection passed"));
    assert_true(history_has(c, "container.moved", "deliver"));
    assert_true(history_has(c, "container.moved", "gate-out"));
    assert_int_equal(json_array_size(json_object_get(c, "holds")), 2);
    assert_null(json_object_get(c, "release")); /* used up by the box leaving */
    json_decref(c);
}

/* ---- gate receival, truck capacity ---- */

static void test_gate(void **state)
{
    struct opsfix *o = *state;
    char p[96], want[96], cmdbuf[256];
    uint64_t truck;

    terminal(o);
    truck = ok(o, "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"drv-1\","
                  "\"driver\":\"A\",\"plate\":\"P1\",\"ref\":\"GA-1\"}");
    fails(o,
          "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"drv-2\",\"driver\":\"B\","
          "\"plate\":\"P2\",\"ref\":\"GA-1\"}",
          BOL_E_CONFLICT, "ref");
    fails(o,
          "{\"cmd\":\"gate.receive\",\"truck\":\"GA-1\",\"container\":{\"id\":\"TGHU0000013\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true}}",
          BOL_E_INVAL, "category");
    ok(o, "{\"cmd\":\"gate.receive\",\"truck\":\"GA-1\",\"container\":{\"id\":\"TGHU0000013\","
          "\"sizetype\":\"22G1\",\"category\":\"export\",\"full\":true,\"gross_kg\":12000}}");
    ok(o, "{\"cmd\":\"gate.receive\",\"truck\":\"GA-1\",\"container\":{\"id\":\"TGHU0000029\","
          "\"sizetype\":\"22G1\",\"category\":\"empty\",\"full\":false}}");
    /* A chassis carries 40 ft: a third box does not fit. */
    fails(o,
          "{\"cmd\":\"gate.receive\",\"truck\":\"GA-1\",\"container\":{\"id\":\"TGHU0000034\","
          "\"sizetype\":\"22G1\",\"category\":\"empty\",\"full\":false}}",
          BOL_E_CONFLICT, "truck");
    fails(o,
          "{\"cmd\":\"gate.receive\",\"truck\":\"GA-1\",\"container\":{\"id\":\"TGHU0000013\","
          "\"sizetype\":\"22G1\",\"category\":\"export\",\"full\":true}}",
          BOL_E_CONFLICT, "id");
    snprintf(want, sizeof(want), "truck %" PRIu64, truck);
    assert_string_equal(place_of(o, "TGHU0000013", p), want);
    ok(o, "{\"cmd\":\"yard.put\",\"id\":\"TGHU0000029\",\"to\":\"T1/E1/001/01/1\"}");
    ok(o, "{\"cmd\":\"yard.put\",\"id\":\"TGHU0000013\",\"to\":\"T1/A1/001/01/1\"}");
    ok(o, "{\"cmd\":\"truck.depart\",\"truck\":\"GA-1\"}");
    fails(o, CMD("{\"cmd\":\"truck.depart\",\"truck\":%" PRIu64 "}", truck), BOL_E_STATE, "truck");
    /* The reference is free again once the truck has left. */
    ok(o, "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"drv-2\",\"driver\":\"B\","
          "\"plate\":\"P2\",\"ref\":\"GA-1\"}");
}

/* ---- yard take-on: stock registered straight into a slot ---- */

static void test_take_on(void **state)
{
    struct opsfix *o = *state;
    char p[96];
    json_t *c;

    terminal(o);
    fails(o,
          "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000017\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true,\"gross_kg\":9000},"
          "\"at\":\"T1/A1/001/01/1\"}",
          BOL_E_INVAL, "reason");
    fails(o,
          "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000017\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true,\"gross_kg\":9000},"
          "\"at\":\"T1/A1/001/01/2\",\"reason\":\"go-live stock\"}",
          BOL_E_INVAL, "at");
    fails(o,
          "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000017\","
          "\"sizetype\":\"22R1\",\"category\":\"import\",\"full\":true,\"gross_kg\":9000,"
          "\"reefer_on\":true,\"setpoint_c10\":-180},"
          "\"at\":\"T1/A1/001/01/1\",\"reason\":\"go-live stock\"}",
          BOL_E_INVAL, "at");
    fails(o,
          "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000017\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true,\"gross_kg\":9000},"
          "\"at\":\"T9/A1/001/01/1\",\"reason\":\"go-live stock\"}",
          BOL_E_NOTFOUND, "at");
    ok(o, "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000017\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true,\"gross_kg\":9000},"
          "\"at\":\"T1/A1/001/01/1\",\"reason\":\"go-live stock\"}");
    fails(o,
          "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000022\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true,\"gross_kg\":9000},"
          "\"at\":\"T1/A1/001/01/1\",\"reason\":\"go-live stock\"}",
          BOL_E_CONFLICT, "at");
    fails(o,
          "{\"cmd\":\"container.register\",\"container\":{\"id\":\"MSCU1000017\","
          "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true,\"gross_kg\":9000},"
          "\"at\":\"T1/A1/001/02/1\",\"reason\":\"go-live stock\"}",
          BOL_E_CONFLICT, "id");
    assert_string_equal(place_of(o, "MSCU1000017", p), "yard T1/A1/001/01/1");
    c = container_json(o, "MSCU1000017");
    assert_true(history_has(c, "container.registered", "go-live stock"));
    json_decref(c);
    /* Taken-on stock leaves like any other box. */
    ok(o, "{\"cmd\":\"release.grant\",\"id\":\"MSCU1000017\",\"ref\":\"DO-1\"}");
    ok(o, "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"drv-1\","
          "\"driver\":\"A\",\"plate\":\"P1\",\"ref\":\"GA-1\"}");
    ok(o, "{\"cmd\":\"gate.deliver\",\"truck\":\"GA-1\",\"id\":\"MSCU1000017\"}");
    ok(o, "{\"cmd\":\"truck.depart\",\"truck\":\"GA-1\"}");
}

/* ---- work instructions ---- */

static void test_work_instructions(void **state)
{
    struct opsfix *o = *state;
    char cmdbuf[512], p[96];
    uint64_t w1, w2, w3;
    json_t *q = NULL;
    struct bol_diag d;

    terminal(o);
    working(o);
    on_board(o, "MSCU1000017", "22G1", "0010282", "");
    on_board(o, "MSCU1000022", "22G1", "0010482", "");
    on_board(o, "MSCU1000038", "45G1", "0020682", "");
    w1 =
        ok(o, "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"MSCU1000017\","
              "\"to\":\"T1/A1/001/01/1\",\"equipment\":\"QC1\",\"priority\":5,\"ref\":\"V1-D-1\"}");
    assert_true(w1 > 0);
    /* One open instruction per box; one planned box per slot (40 ft overlaps two). */
    fails(o,
          "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"MSCU1000017\","
          "\"to\":\"T1/A1/003/01/1\"}",
          BOL_E_CONFLICT, "id");
    fails(o,
          "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"MSCU1000022\","
          "\"to\":\"T1/A1/001/01/1\"}",
          BOL_E_CONFLICT, "to");
    fails(o,
          "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"MSCU1000038\","
          "\"to\":\"T1/A1/002/01/1\"}",
          BOL_E_CONFLICT, "to");
    /* Planned work may stack on planned work. */
    w2 = ok(o, "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"MSCU1000022\","
               "\"to\":\"T1/A1/001/01/2\",\"equipment\":\"QC1\",\"priority\":5}");
    w3 = ok(o, "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"MSCU1000038\","
               "\"to\":\"T1/A1/004/02/1\",\"ref\":\"V1-D-3\"}");
    fails(o, "{\"cmd\":\"discharge\",\"id\":\"MSCU1000017\"}", BOL_E_CONFLICT, "id");

    /* The queue: highest priority first. */
    bol_diag_init(&d);
    assert_int_equal(bol_query_queue(o->reader, "T1", "QC1", &q, &d), 0);
    assert_int_equal(json_array_size(json_object_get(q, "work")), 2);
    json_decref(q);

    fails(o, CMD("{\"cmd\":\"wi.start\",\"wi\":%" PRIu64 "}", w1), BOL_E_STATE, "wi");
    fails(o, CMD("{\"cmd\":\"wi.complete\",\"wi\":%" PRIu64 "}", w1), BOL_E_STATE, "wi");
    ok(o, "{\"cmd\":\"wi.dispatch\",\"wi\":\"V1-D-1\",\"equipment\":\"QC1\",\"queue_seq\":1}");
    ok(o, CMD("{\"cmd\":\"wi.start\",\"wi\":%" PRIu64 "}", w1));
    ok(o, CMD("{\"cmd\":\"wi.complete\",\"wi\":%" PRIu64 "}", w1));
    assert_string_equal(place_of(o, "MSCU1000017", p), "yard T1/A1/001/01/1");
    fails(o, CMD("{\"cmd\":\"wi.cancel\",\"wi\":%" PRIu64 ",\"reason\":\"late\"}", w1), BOL_E_STATE,
          "wi");
    fails(o, "{\"cmd\":\"wi.start\",\"wi\":\"V1-D-1\"}", BOL_E_NOTFOUND, "wi");

    /* The second runs into a box that is not where the plan said: it fails, then is redone. */
    ok(o, CMD("{\"cmd\":\"wi.dispatch\",\"wi\":%" PRIu64 ",\"equipment\":\"QC1\"}", w2));
    ok(o, CMD("{\"cmd\":\"wi.start\",\"wi\":%" PRIu64 "}", w2));
    ok(o, CMD("{\"cmd\":\"wi.fail\",\"wi\":%" PRIu64 ",\"reason\":\"spreader fault\"}", w2));
    fails(o, CMD("{\"cmd\":\"wi.dispatch\",\"wi\":%" PRIu64 ",\"equipment\":\"RTG9\"}", w3),
          BOL_E_STATE, "equipment");
    ok(o, CMD("{\"cmd\":\"wi.cancel\",\"wi\":%" PRIu64 ",\"reason\":\"replanned\"}", w3));
    ok(o, "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"MSCU1000038\","
          "\"to\":{\"kind\":\"quay\",\"visit\":\"V1\"},\"ref\":\"V1-D-3\"}");
    ok(o, "{\"cmd\":\"wi.dispatch\",\"wi\":\"V1-D-3\",\"equipment\":\"QC1\"}");
    /* The 40 ft box sits under nothing: it can start. */
    ok(o, "{\"cmd\":\"wi.start\",\"wi\":\"V1-D-3\"}");
    ok(o, "{\"cmd\":\"wi.complete\",\"wi\":\"V1-D-3\"}");
    assert_string_equal(place_of(o, "MSCU1000038", p), "quay V1");
    /* A departure waits for the quay to be cleared. */
    fails(o, "{\"cmd\":\"visit.advance\",\"visit\":\"V1\",\"phase\":\"departed\"}", BOL_E_STATE,
          "phase");
    bol_diag_init(&d);
    assert_int_equal(bol_query_visit(o->reader, "V1", &q, &d), 0);
    assert_int_equal(json_integer_value(json_object_get(
                         json_object_get(json_object_get(q, "total"), "dsch"), "done")),
                     2);
    json_decref(q);
}

/* ---- corrections ---- */

static void test_corrections(void **state)
{
    struct opsfix *o = *state;
    json_t *c;

    terminal(o);
    working(o);
    on_board(o, "MSCU1000017", "22G1", "0010282", "");
    to_yard(o, "MSCU1000017", "T1/A1/001/01/1");
    fails(o,
          "{\"cmd\":\"container.correct\",\"id\":\"MSCU1000017\",\"reason\":\"typo\","
          "\"set\":{\"sizetype\":\"42G1\"}}",
          BOL_E_CONFLICT, "set");
    ok(o, "{\"cmd\":\"container.correct\",\"id\":\"MSCU1000017\",\"reason\":\"seal checked\","
          "\"set\":{\"seals\":\"SL-99\",\"pod\":\"USLAX\",\"booking\":null}}");
    c = container_json(o, "MSCU1000017");
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(c, "container"), "seals")), "SL-99");
    assert_true(history_has(c, "container.corrected", "seal checked"));
    json_decref(c);
}

/* ---- request ids ---- */

static void test_request_ids(void **state)
{
    struct opsfix *o = *state;
    struct bol_actor actor = { BOL_STR("user:tester"), BOL_STR("") };
    struct bol_ops_result a, b;
    struct bol_diag d;
    json_t *cmd, *other;

    terminal(o);
    cmd = parse("{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"drv-1\","
                "\"driver\":\"A\",\"plate\":\"P1\"}");
    other = parse("{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"drv-2\","
                  "\"driver\":\"B\",\"plate\":\"P2\"}");
    bol_diag_init(&d);
    assert_int_equal(bol_ops_run(o->ops, &actor, BOL_STR("gate-0001"), cmd, &a, &d), 0);
    assert_int_equal(bol_ops_run(o->ops, &actor, BOL_STR("gate-0001"), cmd, &b, &d), 0);
    assert_false(a.duplicate);
    assert_true(b.duplicate);
    assert_int_equal(a.first_seq, b.first_seq);
    assert_int_equal(a.id, b.id);
    assert_string_equal(b.id_name, "truck");
    assert_int_equal(bol_ops_run(o->ops, &actor, BOL_STR("gate-0001"), other, &b, &d),
                     BOL_E_CONFLICT);
    assert_string_equal(d.field, "req");
    json_decref(cmd);
    json_decref(other);
}

static void replay_equals_live(struct opsfix *o);

/*
 * A command of several steps: each sees the ones before it, all or nothing,
 * one request id for the whole.
 */
static void test_steps(void **state)
{
    struct opsfix *o = *state;
    struct bol_actor actor = { BOL_STR("edi:tester"), BOL_STR("") };
    struct bol_state_digest before, after;
    struct bol_ops_result a, b;
    struct bol_ops_call call;
    struct bol_diag d;
    json_t *good, *bad, *c;
    size_t i;
    char cmdbuf[1024];

    terminal(o);
    /* Two boxes, then a third into the first one's cell: the third step fails. */
    bad = json_array();
    for (i = 0; i < 3; i++) {
        static const char *const ids[] = { "MSCU1000017", "MSCU1000022", "MSCU1000038" };
        static const char *const cells[] = { "0010182", "0030182", "0010182" };

        c = parse(CMD("{\"cmd\":\"container.register\",\"container\":{\"id\":\"%s\","
                      "\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true},"
                      "\"at\":{\"kind\":\"vessel\",\"visit\":\"V1\",\"cell\":\"%s\"}}",
                      ids[i], cells[i]));
        assert_int_equal(json_array_append_new(bad, c), 0);
    }
    digest(o, &before);
    memset(&call, 0, sizeof(call));
    call.actor = actor;
    call.req = BOL_STR("edi-0001");
    call.cmd = bad;
    assert_int_equal(bol_ops_run_call(o->ops, &call), BOL_E_CONFLICT);
    assert_int_equal(call.failed_step, 2);
    assert_string_equal(call.diag.field, "at");
    digest(o, &after);
    assert_true(same_digest(&before, &after));

    /* The same two steps without the third: both journaled, as one request. */
    good = json_array();
    assert_int_equal(json_array_append(good, json_array_get(bad, 0)), 0);
    assert_int_equal(json_array_append(good, json_array_get(bad, 1)), 0);
    bol_diag_init(&d);
    assert_int_equal(bol_ops_run(o->ops, &actor, BOL_STR("edi-0001"), good, &a, &d), 0);
    assert_int_equal(a.steps, 2);
    assert_int_equal(a.events, 2);
    assert_false(a.duplicate);
    assert_int_equal(bol_ops_run(o->ops, &actor, BOL_STR("edi-0001"), good, &b, &d), 0);
    assert_true(b.duplicate);
    assert_int_equal(b.first_seq, a.first_seq);
    assert_int_equal(b.last_seq, a.last_seq);
    assert_int_equal(bol_ops_run(o->ops, &actor, BOL_STR("edi-0001"), bad, &b, &d), BOL_E_CONFLICT);
    assert_string_equal(d.field, "req");

    /* Not commands: refused before anything runs. */
    json_decref(bad);
    bad = json_array();
    assert_int_equal(bol_ops_run(o->ops, &actor, BOL_STR(""), bad, &b, &d), BOL_E_INVAL);
    assert_int_equal(json_array_append_new(bad, json_string("x")), 0);
    assert_int_equal(bol_ops_run(o->ops, &actor, BOL_STR(""), bad, &b, &d), BOL_E_INVAL);
    json_decref(bad);
    json_decref(good);
    replay_equals_live(o);
}

/* ---- personal data ---- */

static void test_person_erase(void **state)
{
    struct opsfix *o = *state;
    struct bol_verify_report rep;
    struct bol_diag d;

    terminal(o);
    ok(o, "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"drv-1\",\"driver\":\"A\","
          "\"plate\":\"P1\"}");
    ok(o, "{\"cmd\":\"person.erase\",\"person\":\"drv-1\"}");
    fails(o, "{\"cmd\":\"person.erase\",\"person\":\"drv-1\"}", BOL_E_NOTFOUND, "person");
    bol_diag_init(&d);
    assert_int_equal(bol_store_verify(o->reader, bol_store_verifier(o->reader), 0, &rep, &d), 0);
}

/* ---- queries ---- */

static void test_queries(void **state)
{
    struct opsfix *o = *state;
    struct bol_diag d;
    json_t *j = NULL;

    terminal(o);
    working(o);
    on_board(o, "MSCU1000017", "22G1", "0010282", "");
    on_board(o, "MSCU1000059", "22R1", "0030282", "\"reefer_on\":true,\"setpoint_c10\":-180");
    to_yard(o, "MSCU1000017", "T1/A1/001/01/1");
    to_yard(o, "MSCU1000059", "T1/R1/001/01/1");
    bol_diag_init(&d);
    assert_int_equal(bol_query_inventory(o->reader, "T1", &j, &d), 0);
    assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "yard"), "boxes")), 2);
    json_decref(j);
    assert_int_equal(bol_query_reefers(o->reader, "T1", &j, &d), 0);
    assert_int_equal(json_array_size(json_object_get(j, "reefers")), 1);
    assert_int_equal(json_integer_value(json_object_get(j, "unplugged")), 0);
    json_decref(j);
    assert_int_equal(bol_query_dwell(o->reader, "T1", o->clock + 7200LL * 1000000, 10, &j, &d), 0);
    assert_int_equal(json_integer_value(json_object_get(j, "in_yard")), 2);
    json_decref(j);
    assert_int_equal(bol_query_yard(o->reader, "T1", "A1", 1, &j, &d), 0);
    assert_int_equal(json_array_size(json_object_get(j, "bays")), 1);
    json_decref(j);
    assert_int_equal(bol_query_yard(o->reader, "T1", "Q9", 0, &j, &d), BOL_E_NOTFOUND);
    assert_int_equal(bol_query_container(o->reader, "TGHU0000013", 0, &j, &d), BOL_E_NOTFOUND);
    ok(o, "{\"cmd\":\"hold.place\",\"id\":\"MSCU1000017\",\"kind\":\"damage\","
          "\"reason\":\"dented door\"}");
    assert_int_equal(bol_query_holds(o->reader, "T1", &j, &d), 0);
    assert_int_equal(json_array_size(json_object_get(j, "holds")), 1);
    json_decref(j);
}

/* ---- property: random commands keep every invariant, and state equals a replay ---- */

struct model {
    char ids[160][12];
    unsigned nids;
    uint64_t wis[4096];
    unsigned nwis;
    uint64_t trucks[32];
    unsigned ntrucks;
    unsigned accepted, rejected;
    json_t *by_cmd; /* accepted commands per name */
};

static const char *const blocks[] = { "A1", "R1", "D1", "E1", "S1", "Z9" };
static const char *const sizetypes[] = { "22G1", "45G1", "22R1", "42G1", "L5G1", "22U1" };
static const char *const classes[] = { "3", "5.1", "8", "2.1", "6.1", "1.1D", "9" };

static unsigned rnd(uint64_t *s, unsigned n)
{
    /* xorshift64* */
    *s ^= *s >> 12;
    *s ^= *s << 25;
    *s ^= *s >> 27;
    return (unsigned) ((*s * 2685821657736338717ULL) >> 33) % n;
}

static void random_slot(uint64_t *s, char *out, size_t n)
{
    snprintf(out, n, "T1/%s/%03u/%02u/%u", blocks[rnd(s, BOL_ARRAY_SIZE(blocks))], 1 + rnd(s, 14),
             1 + rnd(s, 7), 1 + rnd(s, 5));
}

static void any_command(struct model *m, uint64_t *s, char *cmd, size_t n)
{
    char slot[64];
    const char *id = m->nids ? m->ids[rnd(s, m->nids)] : "MSCU1000017";
    unsigned k = rnd(s, 20);

    random_slot(s, slot, sizeof(slot));
    switch (k) {
    case 0:
    case 1: {
        char fresh[12];
        const char *st = sizetypes[rnd(s, BOL_ARRAY_SIZE(sizetypes))];
        char extra[160] = "";

        box_id("RND", 1000 + m->nids + rnd(s, 3), fresh);
        if (strchr(st, 'R') && rnd(s, 2))
            snprintf(extra, sizeof(extra), ",\"reefer_on\":true,\"setpoint_c10\":-%u", rnd(s, 250));
        else if (rnd(s, 4) == 0)
            snprintf(extra, sizeof(extra), ",\"dg\":[{\"un\":\"1203\",\"class\":\"%s\"}]",
                     classes[rnd(s, BOL_ARRAY_SIZE(classes))]);
        snprintf(cmd, n,
                 "{\"cmd\":\"container.register\",\"container\":{\"id\":\"%s\",\"sizetype\":"
                 "\"%s\",\"category\":\"import\",\"full\":true,\"gross_kg\":%u,\"vgm_kg\":%u%s},"
                 "\"at\":{\"kind\":\"vessel\",\"visit\":\"V1\",\"cell\":\"%03u%02u%02u\"}}",
                 fresh, st, 3000 + rnd(s, 30000), 3000 + rnd(s, 30000), extra, 1 + rnd(s, 21),
                 rnd(s, 8), rnd(s, 2) ? 82 + 2 * rnd(s, 4) : 2 + 2 * rnd(s, 4));
        break;
    }
    case 2:
    case 3:
        snprintf(cmd, n, "{\"cmd\":\"discharge\",\"id\":\"%s\",\"to\":\"%s\"}", id, slot);
        break;
    case 4:
        snprintf(cmd, n, "{\"cmd\":\"discharge\",\"id\":\"%s\"}", id);
        break;
    case 5:
    case 6:
        snprintf(cmd, n, "{\"cmd\":\"%s\",\"id\":\"%s\",\"to\":\"%s\"}",
                 rnd(s, 2) ? "shift" : "relocate", id, slot);
        break;
    case 7:
        snprintf(cmd, n, "{\"cmd\":\"yard.put\",\"id\":\"%s\",\"to\":\"%s\"}", id, slot);
        break;
    case 8:
        snprintf(cmd, n,
                 "{\"cmd\":\"load\",\"id\":\"%s\",\"visit\":\"V1\",\"cell\":\"%03u%02u%02u\"}", id,
                 1 + rnd(s, 21), rnd(s, 8), rnd(s, 2) ? 82 + 2 * rnd(s, 4) : 2 + 2 * rnd(s, 4));
        break;
    case 9:
        snprintf(cmd, n, "{\"cmd\":\"hold.%s\",\"id\":\"%s\",\"kind\":\"%s\",\"reason\":\"r\"}",
                 rnd(s, 2) ? "place" : "lift", id, bol_hold_kind_names[rnd(s, 3)]);
        break;
    case 10:
        snprintf(cmd, n, "{\"cmd\":\"release.grant\",\"id\":\"%s\",\"ref\":\"R%u\"}", id,
                 rnd(s, 100));
        break;
    case 11:
        snprintf(cmd, n,
                 "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"p%u\","
                 "\"driver\":\"D\",\"plate\":\"P\"}",
                 rnd(s, 5));
        break;
    case 12:
        snprintf(cmd, n, "{\"cmd\":\"gate.deliver\",\"truck\":%" PRIu64 ",\"id\":\"%s\"}",
                 m->ntrucks ? m->trucks[rnd(s, m->ntrucks)] : 1, id);
        break;
    case 13:
        snprintf(cmd, n, "{\"cmd\":\"truck.depart\",\"truck\":%" PRIu64 "}",
                 m->ntrucks ? m->trucks[rnd(s, m->ntrucks)] : 1);
        break;
    case 14:
    case 15: {
        static const char *const kinds[] = { "dsch", "load", "shft", "rhdl", "gtot" };
        const char *kd = kinds[rnd(s, BOL_ARRAY_SIZE(kinds))];

        if (!strcmp(kd, "load"))
            snprintf(cmd, n,
                     "{\"cmd\":\"wi.plan\",\"kind\":\"load\",\"id\":\"%s\",\"to\":{\"kind\":"
                     "\"vessel\",\"visit\":\"V1\",\"cell\":\"%03u%02u%02u\"}}",
                     id, 1 + rnd(s, 21), rnd(s, 8), 82 + 2 * rnd(s, 3));
        else if (!strcmp(kd, "gtot"))
            snprintf(cmd, n,
                     "{\"cmd\":\"wi.plan\",\"kind\":\"gtot\",\"id\":\"%s\",\"to\":{\"kind\":"
                     "\"truck\",\"truck\":%" PRIu64 "}}",
                     id, m->ntrucks ? m->trucks[rnd(s, m->ntrucks)] : 1);
        else
            snprintf(cmd, n, "{\"cmd\":\"wi.plan\",\"kind\":\"%s\",\"id\":\"%s\",\"to\":\"%s\"}",
                     kd, id, slot);
        break;
    }
    case 16:
    case 17:
    case 18: {
        static const char *const steps[] = { "dispatch", "start",  "complete",
                                             "complete", "cancel", "fail" };
        const char *st = steps[rnd(s, BOL_ARRAY_SIZE(steps))];
        uint64_t w = m->nwis ? m->wis[rnd(s, m->nwis)] : 1;

        if (!strcmp(st, "dispatch"))
            snprintf(cmd, n, "{\"cmd\":\"wi.dispatch\",\"wi\":%" PRIu64 ",\"equipment\":\"%s\"}", w,
                     rnd(s, 3) ? "RTG1" : "QC1");
        else if (!strcmp(st, "cancel") || !strcmp(st, "fail"))
            snprintf(cmd, n, "{\"cmd\":\"wi.%s\",\"wi\":%" PRIu64 ",\"reason\":\"r\"}", st, w);
        else
            snprintf(cmd, n, "{\"cmd\":\"wi.%s\",\"wi\":%" PRIu64 "}", st, w);
        break;
    }
    default:
        snprintf(cmd, n, "{\"cmd\":\"gate.receive\",\"truck\":%" PRIu64 ",\"id\":\"%s\"}",
                 m->ntrucks ? m->trucks[rnd(s, m->ntrucks)] : 1, id);
        break;
    }
}

/* A slot of a real block that fits a box of this length, low tiers more likely. */
static void fitting_slot(uint64_t *s, unsigned len, char *out, size_t n)
{
    static const struct {
        const char *code;
        unsigned bays, rows;
    } real[] = { { "A1", 10, 6 }, { "R1", 4, 4 }, { "D1", 8, 6 }, { "E1", 6, 6 }, { "S1", 4, 4 } };
    unsigned b = rnd(s, BOL_ARRAY_SIZE(real)), bay;

    bay = len == 40 ? 2 + 2 * rnd(s, real[b].bays - 1) : 1 + 2 * rnd(s, real[b].bays);
    snprintf(out, n, "T1/%s/%03u/%02u/%u", real[b].code, bay, 1 + rnd(s, real[b].rows),
             1 + rnd(s, 2) * rnd(s, 3));
}

/* A command that mostly makes sense for where the box is now, sometimes anything at all. */
static void random_command(struct opsfix *o, struct model *m, uint64_t *s, char *cmd, size_t n)
{
    char slot[64], place[96];
    const char *id;
    unsigned len, k;
    json_t *c;

    if (m->nids < 120 && rnd(s, 10) < 3) {
        char fresh[12];
        const char *st = sizetypes[rnd(s, 3)];
        bool forty = st[0] == '4';
        char extra[160] = "";

        box_id("RND", 2000 + m->nids, fresh);
        if (st[2] == 'R')
            snprintf(extra, sizeof(extra), ",\"reefer_on\":true,\"setpoint_c10\":-%u", rnd(s, 250));
        else if (rnd(s, 5) == 0)
            snprintf(extra, sizeof(extra), ",\"dg\":[{\"un\":\"1203\",\"class\":\"%s\"}]",
                     classes[rnd(s, BOL_ARRAY_SIZE(classes))]);
        snprintf(cmd, n,
                 "{\"cmd\":\"container.register\",\"container\":{\"id\":\"%s\",\"sizetype\":"
                 "\"%s\",\"category\":\"%s\",\"full\":true,\"gross_kg\":%u,\"vgm_kg\":%u%s},"
                 "\"at\":{\"kind\":\"vessel\",\"visit\":\"V1\",\"cell\":\"%03u%02u%02u\"}}",
                 fresh, st, rnd(s, 2) ? "import" : "transshipment", 5000 + rnd(s, 20000),
                 5000 + rnd(s, 20000), extra, forty ? 2 + 4 * rnd(s, 5) : 1 + 2 * rnd(s, 10),
                 1 + rnd(s, 6), rnd(s, 2) ? 82 + 2 * rnd(s, 3) : 2 + 2 * rnd(s, 3));
        return;
    }
    if (m->ntrucks < 3 && rnd(s, 10) == 0) {
        snprintf(cmd, n,
                 "{\"cmd\":\"truck.arrive\",\"terminal\":\"T1\",\"person\":\"p%u\","
                 "\"driver\":\"D\",\"plate\":\"P\"}",
                 rnd(s, 5));
        return;
    }
    if (!m->nids || rnd(s, 10) < 2) {
        any_command(m, s, cmd, n);
        return;
    }
    if (m->nwis && rnd(s, 4) == 0) {
        static const char *const steps[] = { "dispatch", "start", "complete" };
        uint64_t w = m->wis[m->nwis - 1 - rnd(s, m->nwis < 8 ? m->nwis : 8)];
        const char *st = steps[rnd(s, 3)];

        if (!strcmp(st, "dispatch"))
            snprintf(cmd, n, "{\"cmd\":\"wi.dispatch\",\"wi\":%" PRIu64 ",\"equipment\":\"RTG1\"}",
                     w);
        else
            snprintf(cmd, n, "{\"cmd\":\"wi.%s\",\"wi\":%" PRIu64 "}", st, w);
        return;
    }
    id = m->ids[rnd(s, m->nids)];
    c = container_json(o, id);
    snprintf(place, sizeof(place), "%s", json_string_value(json_object_get(c, "place")));
    len = json_string_value(json_object_get(json_object_get(c, "container"), "sizetype"))[0] == '2'
              ? 20
              : 40;
    json_decref(c);
    fitting_slot(s, len, slot, sizeof(slot));
    k = rnd(s, 10);
    if (!strncmp(place, "vessel", 6)) {
        if (k < 6)
            snprintf(cmd, n, "{\"cmd\":\"discharge\",\"id\":\"%s\",\"to\":\"%s\"}", id, slot);
        else if (k < 8)
            snprintf(cmd, n, "{\"cmd\":\"discharge\",\"id\":\"%s\"}", id);
        else
            snprintf(cmd, n, "{\"cmd\":\"wi.plan\",\"kind\":\"dsch\",\"id\":\"%s\",\"to\":\"%s\"}",
                     id, slot);
    } else if (!strncmp(place, "quay", 4)) {
        if (k < 7)
            snprintf(cmd, n, "{\"cmd\":\"yard.put\",\"id\":\"%s\",\"to\":\"%s\"}", id, slot);
        else
            snprintf(cmd, n,
                     "{\"cmd\":\"load\",\"id\":\"%s\",\"visit\":\"V1\","
                     "\"cell\":\"%03u%02u%02u\"}",
                     id, len == 40 ? 2 + 4 * rnd(s, 5) : 1 + 2 * rnd(s, 10), 1 + rnd(s, 6),
                     82 + 2 * rnd(s, 2));
    } else if (!strncmp(place, "yard", 4)) {
        if (k < 3)
            snprintf(cmd, n, "{\"cmd\":\"%s\",\"id\":\"%s\",\"to\":\"%s\"}",
                     rnd(s, 2) ? "shift" : "relocate", id, slot);
        else if (k < 5)
            snprintf(cmd, n, "{\"cmd\":\"wi.plan\",\"kind\":\"%s\",\"id\":\"%s\",\"to\":\"%s\"}",
                     rnd(s, 2) ? "shft" : "rhdl", id, slot);
        else if (k < 6)
            snprintf(cmd, n, "{\"cmd\":\"hold.%s\",\"id\":\"%s\",\"kind\":\"%s\",\"reason\":\"r\"}",
                     rnd(s, 2) ? "place" : "lift", id, bol_hold_kind_names[rnd(s, 3)]);
        else if (k < 7)
            snprintf(cmd, n, "{\"cmd\":\"release.grant\",\"id\":\"%s\",\"ref\":\"R%u\"}", id,
                     rnd(s, 100));
        else if (k < 8 && m->ntrucks)
            snprintf(cmd, n, "{\"cmd\":\"gate.deliver\",\"truck\":%" PRIu64 ",\"id\":\"%s\"}",
                     m->trucks[m->ntrucks - 1], id);
        else
            snprintf(cmd, n,
                     "{\"cmd\":\"load\",\"id\":\"%s\",\"visit\":\"V1\","
                     "\"cell\":\"%03u%02u%02u\"}",
                     id, len == 40 ? 2 + 4 * rnd(s, 5) : 1 + 2 * rnd(s, 10), 1 + rnd(s, 6),
                     82 + 2 * rnd(s, 2));
    } else if (!strncmp(place, "truck", 5)) {
        if (k < 6)
            snprintf(cmd, n, "{\"cmd\":\"yard.put\",\"id\":\"%s\",\"to\":\"%s\"}", id, slot);
        else
            snprintf(cmd, n, "{\"cmd\":\"truck.depart\",\"truck\":%s}", place + 6);
    } else {
        any_command(m, s, cmd, n);
    }
}

/* The rules, checked again from the outside: every slot and every box, through the queries. */
static void check_invariants(struct opsfix *o, const struct model *m)
{
    static const char *const real_blocks[] = { "A1", "R1", "D1", "E1", "S1" };
    struct bol_diag d;
    json_t *yard[BOL_ARRAY_SIZE(real_blocks)];
    unsigned b, slots_seen = 0, yard_boxes = 0, i;

    bol_diag_init(&d);
    for (b = 0; b < BOL_ARRAY_SIZE(real_blocks); b++) {
        json_t *bay, *st, *box, *blk;
        struct bol_block block;
        size_t x, y, z;

        assert_int_equal(bol_query_yard(o->reader, "T1", real_blocks[b], 0, &yard[b], &d), 0);
        blk = json_object_get(yard[b], "block");
        assert_int_equal(bol_block_from_json(blk, &block, &d), 0);
        json_array_foreach(json_object_get(yard[b], "bays"), x, bay)
        {
            unsigned bay20 = (unsigned) json_integer_value(json_object_get(bay, "bay"));

            json_array_foreach(json_object_get(bay, "stacks"), y, st)
            {
                unsigned row = (unsigned) json_integer_value(json_object_get(st, "row"));
                struct bol_stack_attr a;
                int64_t mass = 0;
                unsigned expect_tier = 1, below_len = 0;

                bol_block_stack_attr(&block, (uint16_t) bay20, (uint8_t) row, &a);
                assert_true(bay20 & 1);
                assert_true(bay20 <= 2u * block.bays - 1 && row <= block.rows);
                json_array_foreach(json_object_get(st, "tiers"), z, box)
                {
                    unsigned tier = (unsigned) json_integer_value(json_object_get(box, "tier"));
                    unsigned len = (unsigned) json_integer_value(json_object_get(box, "length"));
                    int64_t kg = json_integer_value(json_object_get(box, "mass_kg"));

                    slots_seen++;
                    /* From the ground up, no gaps, within the block's height. */
                    assert_int_equal(tier, expect_tier);
                    assert_true(tier <= block.tiers);
                    expect_tier++;
                    /* 20 on 20, 40 on 40. */
                    if (below_len)
                        assert_int_equal(len, below_len);
                    below_len = len;
                    assert_true(a.sizes & (len == 20 ? BOL_SIZE_20 : BOL_SIZE_40));
                    mass += len == 40 ? kg / 2 : kg;
                    if (json_is_true(json_object_get(box, "reefer")))
                        assert_true(a.reefer);
                    if (json_object_get(box, "dg"))
                        assert_true(a.dg);
                    if (a.empties_only)
                        assert_false(json_is_true(json_object_get(box, "full")));
                }
                assert_true(mass <= a.max_stack_kg + 1);
            }
        }
    }
    /* Every box is in exactly one place, and the yard agrees with the box. */
    for (i = 0; i < m->nids; i++) {
        json_t *c = container_json(o, m->ids[i]);
        const char *place = json_string_value(json_object_get(c, "place"));
        unsigned len =
            strncmp(json_string_value(json_object_get(json_object_get(c, "container"), "sizetype")),
                    "2", 1)
                ? 40
                : 20;
        unsigned found = 0;

        if (!strncmp(place, "yard ", 5)) {
            struct bol_yard_addr a;

            yard_boxes++;
            assert_int_equal(bol_yard_addr_parse(bol_str_from(place + 5), BOL_YARD_SLOT, &a, &d),
                             0);
            for (b = 0; b < BOL_ARRAY_SIZE(real_blocks); b++) {
                json_t *bay, *st, *box;
                size_t x, y, z;

                json_array_foreach(json_object_get(yard[b], "bays"), x, bay)
                    json_array_foreach(json_object_get(bay, "stacks"), y, st)
                        json_array_foreach(json_object_get(st, "tiers"), z, box)
                {
                    if (strcmp(json_string_value(json_object_get(box, "id")), m->ids[i]) != 0)
                        continue;
                    found++;
                    assert_string_equal(real_blocks[b], a.block);
                    assert_int_equal(json_integer_value(json_object_get(st, "row")), a.row);
                    assert_int_equal(json_integer_value(json_object_get(box, "tier")), a.tier);
                }
            }
            assert_int_equal(found, len == 40 ? 2 : 1);
        }
        json_decref(c);
    }
    for (b = 0; b < BOL_ARRAY_SIZE(real_blocks); b++)
        json_decref(yard[b]);
    (void) slots_seen;
    (void) yard_boxes;
}

static void replay_equals_live(struct opsfix *o)
{
    struct bol_state_digest live, rebuilt;
    struct bol_diag d;
    char path[600];
    uint64_t n = 0;

    snprintf(path, sizeof(path), "%s/../replay.db", o->f.dir);
    bol_diag_init(&d);
    assert_int_equal(bol_store_state_digest(o->reader, &live, &d), 0);
    if (bol_store_replay_into(o->reader, path, &rebuilt, &n, &d) < 0)
        fail_msg("replay: %s", d.msg);
    assert_true(same_digest(&live, &rebuilt));
    unlink(path);
}

static unsigned property_runs = 3000;

static void test_random_sequences_keep_invariants(void **state)
{
    struct opsfix *o = *state;
    struct model m;
    uint64_t seed = 0x9e3779b97f4a7c15ULL;
    unsigned i;

    memset(&m, 0, sizeof(m));
    m.by_cmd = json_object();
    terminal(o);
    working(o);
    for (i = 0; i < property_runs; i++) {
        struct bol_ops_result res;
        struct bol_state_digest before, after;
        struct bol_diag d;
        char cmd[1024];
        bool probe = i % 97 == 0;
        int r;

        random_command(o, &m, &seed, cmd, sizeof(cmd));
        if (probe)
            digest(o, &before);
        r = run_cmd(o, cmd, &res, &d);
        if (r == 0) {
            json_t *j = parse(cmd);
            const char *name = json_string_value(json_object_get(j, "cmd"));

            m.accepted++;
            json_object_set_new(
                m.by_cmd, name,
                json_integer(json_integer_value(json_object_get(m.by_cmd, name)) + 1));
            if (!strcmp(name, "container.register") && m.nids < BOL_ARRAY_SIZE(m.ids))
                snprintf(m.ids[m.nids++], 12, "%s",
                         json_string_value(json_object_get(json_object_get(j, "container"), "id")));
            if (!strcmp(name, "wi.plan") && m.nwis < BOL_ARRAY_SIZE(m.wis))
                m.wis[m.nwis++] = res.id;
            if (!strcmp(name, "truck.arrive") && m.ntrucks < BOL_ARRAY_SIZE(m.trucks))
                m.trucks[m.ntrucks++] = res.id;
            json_decref(j);
        } else {
            m.rejected++;
            if (!d.msg[0] || !d.field[0])
                fail_msg("%s\n  refused without a reason (%s)", cmd, bol_strerror(r));
            if (r == BOL_E_INTERNAL || r == BOL_E_CORRUPT || r == BOL_E_NOMEM)
                fail_msg("%s\n  %s: %s", cmd, bol_strerror(r), d.msg);
            if (probe) {
                digest(o, &after);
                assert_true(same_digest(&before, &after));
            }
        }
        if (i % 500 == 499)
            check_invariants(o, &m);
    }
    print_message("%u commands: %u accepted, %u refused; %u boxes, %u work instructions\n",
                  property_runs, m.accepted, m.rejected, m.nids, m.nwis);
    {
        char by[2048];
        size_t len = json_dumpb(m.by_cmd, by, sizeof(by) - 1, JSON_COMPACT | JSON_SORT_KEYS);

        by[len < sizeof(by) ? len : 0] = '\0';
        print_message("accepted: %s\n", by);
    }
    json_decref(m.by_cmd);
    assert_true(m.accepted > property_runs / 10);
    assert_true(m.rejected > property_runs / 10);
    check_invariants(o, &m);
    replay_equals_live(o);
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_reference_data, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_invalid_input_changes_nothing, opsfix_setup,
                                        opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_yard_rules, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_loading_rules, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_delivery_refused_while_held, opsfix_setup,
                                        opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_gate, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_take_on, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_work_instructions, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_corrections, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_request_ids, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_steps, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_person_erase, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_queries, opsfix_setup, opsfix_teardown),
        cmocka_unit_test_setup_teardown(test_random_sequences_keep_invariants, opsfix_setup,
                                        opsfix_teardown),
    };
    int r;

    if (argc == 3) {
        property_runs = (unsigned) strtoul(argv[2], NULL, 10);
        argc = 2;
    }
    r = store_test_engine(argc, argv);
    if (r >= 0)
        return r;
    return cmocka_run_group_tests_name(use_pg ? "ops_pg" : "ops_sqlite", tests, NULL, NULL);
}
