/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_command.c - operations commands as clients send them (commands.h)
 *
 * The input is one command's JSON.  It runs against a small fixed terminal
 * (T1 with block A1, crane QC1, a feeder alongside as visit V1, one box in
 * the yard and one on board), so the field checks of every command and the
 * rules behind them see real objects.  A command either yields events whose
 * payloads the event registry accepts, or fails with a BOL_E_* code and a
 * field named; it never crashes.
 */
#include "compat.h"

#include <jansson.h>

#include "codec.h"
#include "buf.h"
#include "commands.h"
#include "errors.h"
#include "events.h"
#include "fuzz.h"
#include "view.h"

static struct {
    bool ready;
    struct bol_block block;
    struct bol_equipment qc;
    struct bol_vessel vessel;
    struct bol_visit visit;
    struct bol_container yard_box, ship_box;
} w;

static json_t *J(const char *text)
{
    json_t *j = json_loads(text, 0, NULL);

    FUZZ_ASSERT(j != NULL);
    return j;
}

#define LOAD(text, fn, out)                                                                        \
    do {                                                                                           \
        json_t *j_ = J(text);                                                                      \
        struct bol_diag d_;                                                                        \
        bol_diag_init(&d_);                                                                        \
        FUZZ_ASSERT(fn(j_, (out), &d_) == 0);                                                      \
        json_decref(j_);                                                                           \
    } while (0)

static void world(void)
{
    if (w.ready)
        return;
    LOAD("{\"terminal\":\"T1\",\"code\":\"A1\",\"kind\":\"rtg\",\"bays\":10,\"rows\":6,"
         "\"tiers\":4,\"max_stack_kg\":120000}",
         bol_block_from_json, &w.block);
    LOAD("{\"terminal\":\"T1\",\"id\":\"QC1\",\"kind\":\"qc\"}", bol_equipment_from_json, &w.qc);
    LOAD("{\"imo\":\"9074729\",\"name\":\"SAKURA FEEDER\",\"profile\":{\"bays\":20,"
         "\"rows_starboard\":3,\"rows_port\":3,\"hold_tier_max\":6,\"deck_tier_min\":82,"
         "\"deck_tier_max\":86,\"max_stack_kg_hold\":150000,\"max_stack_kg_deck\":80000,"
         "\"reefer\":[{\"bays\":[1,3],\"tiers\":[82,86]}]}}",
         bol_vessel_from_json, &w.vessel);
    LOAD("{\"id\":\"V1\",\"terminal\":\"T1\",\"imo\":\"9074729\",\"berth\":\"B1\","
         "\"phase\":\"working\"}",
         bol_visit_from_json, &w.visit);
    LOAD("{\"id\":\"MSCU1000017\",\"sizetype\":\"22G1\",\"category\":\"import\",\"full\":true,"
         "\"gross_kg\":15000,\"vgm_kg\":15000}",
         bol_container_from_json, &w.yard_box);
    w.yard_box.place.kind = BOL_PLACE_YARD;
    memcpy(w.yard_box.place.yard.terminal, "T1", 3);
    memcpy(w.yard_box.place.yard.block, "A1", 3);
    w.yard_box.place.yard.bay = 1;
    w.yard_box.place.yard.row = 1;
    w.yard_box.place.yard.tier = 1;
    w.yard_box.place.yard.level = BOL_YARD_SLOT;
    LOAD("{\"id\":\"MSCU1000022\",\"sizetype\":\"45G1\",\"category\":\"export\",\"full\":true,"
         "\"gross_kg\":22000,\"vgm_kg\":22000}",
         bol_container_from_json, &w.ship_box);
    w.ship_box.place.kind = BOL_PLACE_VESSEL;
    memcpy(w.ship_box.place.visit, "V1", 3);
    w.ship_box.place.cell.bay = 2;
    w.ship_box.place.cell.row = 1;
    w.ship_box.place.cell.tier = 82;
    w.ready = true;
}

static int v_exists(void *ctx, enum bol_view_thing what, const char *a, const char *b)
{
    (void) ctx;
    (void) what;
    (void) b;
    return !strcmp(a, "T1") || !strcmp(a, "MSC");
}

static int v_container(void *ctx, const char *id, struct bol_container *out)
{
    (void) ctx;
    if (!strcmp(id, w.yard_box.id.s))
        *out = w.yard_box;
    else if (!strcmp(id, w.ship_box.id.s))
        *out = w.ship_box;
    else
        return BOL_E_NOTFOUND;
    return 0;
}

static int v_block(void *ctx, const char *terminal, const char *code, struct bol_block *out)
{
    (void) ctx;
    if (strcmp(terminal, "T1") || strcmp(code, "A1"))
        return BOL_E_NOTFOUND;
    *out = w.block;
    return 0;
}

static int v_yard_stack(void *ctx, const char *terminal, const char *block, uint16_t bay20,
                        uint8_t row, struct bol_view_box *out, unsigned max, unsigned *n)
{
    (void) ctx;
    *n = 0;
    if (!strcmp(terminal, "T1") && !strcmp(block, "A1") && bay20 == 1 && row == 1 && max) {
        memset(&out[0], 0, sizeof(out[0]));
        out[0].id = w.yard_box.id;
        out[0].tier = 1;
        out[0].length = 20;
        out[0].mass_kg = 15000;
        *n = 1;
    }
    return 0;
}

static int v_yard_dg(void *ctx, const char *terminal, const char *block, struct bol_view_dg *out,
                     unsigned max, unsigned *n)
{
    (void) ctx;
    (void) terminal;
    (void) block;
    (void) out;
    (void) max;
    *n = 0;
    return 0;
}

static int v_equipment(void *ctx, const char *terminal, const char *id, struct bol_equipment *out)
{
    (void) ctx;
    if (strcmp(terminal, "T1") || strcmp(id, "QC1"))
        return BOL_E_NOTFOUND;
    *out = w.qc;
    return 0;
}

static int v_vessel(void *ctx, const char *imo, struct bol_vessel *out)
{
    (void) ctx;
    if (strcmp(imo, "9074729"))
        return BOL_E_NOTFOUND;
    *out = w.vessel;
    return 0;
}

static int v_visit(void *ctx, const char *id, struct bol_visit *out)
{
    (void) ctx;
    if (strcmp(id, "V1"))
        return BOL_E_NOTFOUND;
    *out = w.visit;
    return 0;
}

static int v_vessel_stack(void *ctx, const char *visit, uint16_t bay20, uint8_t row, bool deck,
                          uint8_t deck_tier_min, struct bol_view_box *out, unsigned max,
                          unsigned *n)
{
    (void) ctx;
    (void) deck_tier_min;
    *n = 0;
    if (!strcmp(visit, "V1") && (bay20 == 1 || bay20 == 3) && row == 1 && deck && max) {
        memset(&out[0], 0, sizeof(out[0]));
        out[0].id = w.ship_box.id;
        out[0].tier = 82;
        out[0].length = 40;
        out[0].mass_kg = 22000;
        *n = 1;
    }
    return 0;
}

static int v_holds(void *ctx, const char *id, unsigned *mask)
{
    (void) ctx;
    (void) id;
    *mask = 0;
    return 0;
}

static int v_released(void *ctx, const char *id, bool *out)
{
    (void) ctx;
    *out = !strcmp(id, w.yard_box.id.s);
    return 0;
}

static int v_wi(void *ctx, uint64_t id, struct bol_wi *out)
{
    (void) ctx;
    (void) id;
    (void) out;
    return BOL_E_NOTFOUND;
}

static int v_open_wi(void *ctx, const char *container, uint64_t *ret_id)
{
    (void) ctx;
    (void) container;
    (void) ret_id;
    return BOL_E_NOTFOUND;
}

static int v_truck(void *ctx, uint64_t id, struct bol_truck_visit *out)
{
    (void) ctx;
    if (id != 7)
        return BOL_E_NOTFOUND;
    memset(out, 0, sizeof(*out));
    out->id = 7;
    memcpy(out->terminal, "T1", 3);
    return 0;
}

static int v_on_truck(void *ctx, uint64_t truck, struct bol_container_id *out, unsigned max,
                      unsigned *n)
{
    (void) ctx;
    (void) truck;
    (void) out;
    (void) max;
    *n = 0;
    return 0;
}

static int v_seal(void *ctx, struct bol_str person, struct bol_str field, struct bol_str plaintext,
                  struct bol_buf *out)
{
    (void) ctx;
    (void) person;
    (void) field;
    (void) plaintext;
    /* The real seal is sealed-box encryption; its text form is all the command needs. */
    return bol_buf_adds(out, "pii1:fuzz");
}

static int v_erase(void *ctx, struct bol_str person)
{
    (void) ctx;
    (void) person;
    return BOL_E_NOTFOUND;
}

static int v_active_hold(void *ctx, const char *id, enum bol_hold_kind kind, uint64_t *placed_seq)
{
    (void) ctx;
    (void) id;
    (void) kind;
    (void) placed_seq;
    return BOL_E_NOTFOUND;
}

static int v_dest_wis(void *ctx, const char *terminal, const char *area, uint16_t bay_lo,
                      uint16_t bay_hi, uint8_t row, uint8_t tier, struct bol_view_wi_ref *out,
                      unsigned max, unsigned *n)
{
    (void) ctx;
    (void) terminal;
    (void) area;
    (void) bay_lo;
    (void) bay_hi;
    (void) row;
    (void) tier;
    (void) out;
    (void) max;
    *n = 0;
    return 0;
}

static int v_block_extent(void *ctx, const char *terminal, const char *block, unsigned *boxes,
                          uint16_t *bay20_max, uint8_t *row_max, uint8_t *tier_max)
{
    bool a1 = !strcmp(terminal, "T1") && !strcmp(block, "A1");

    (void) ctx;
    *boxes = a1;
    *bay20_max = a1;
    *row_max = a1;
    *tier_max = a1;
    return 0;
}

static int v_ref(void *ctx, const char *ref, uint64_t *id)
{
    (void) ctx;
    if (strcmp(ref, "GA-7"))
        return BOL_E_NOTFOUND;
    *id = 7;
    return 0;
}

static int v_visit_busy(void *ctx, const char *visit, unsigned *open_wis, unsigned *on_quay)
{
    (void) ctx;
    (void) visit;
    *open_wis = 0;
    *on_quay = 0;
    return 0;
}

/* One account and one key, so the access commands reach their checks. */
static int v_doc(void *ctx, enum bol_view_doc what, const char *key, struct bol_buf *out)
{
    static const char account[] =
        "{\"kind\":\"person\",\"mfa\":true,\"mfa_required\":true,\"must_change\":false,"
        "\"roles\":[\"admin\"],\"status\":\"active\",\"terminals\":[\"*\"],\"user\":\"ops1\"}";
    static const char key_doc[] =
        "{\"created\":\"2026-01-01T00:00:00Z\",\"expires\":\"2027-01-01T00:00:00Z\","
        "\"id\":\"abcdefghij\",\"name\":\"edi\",\"role\":\"clerk\",\"status\":\"active\","
        "\"terminals\":[\"*\"]}";

    (void) ctx;
    if (what == BOL_DOC_ACCOUNT && !strcmp(key, "ops1"))
        return bol_buf_adds(out, account);
    if (what == BOL_DOC_APIKEY && !strcmp(key, "abcdefghij"))
        return bol_buf_adds(out, key_doc);
    return BOL_E_NOTFOUND;
}

/* Cell 0010282 of every visit is blocked, so slot.mark and the loads reach their checks. */
static int v_slot_marks(void *ctx, const char *visit, const struct bol_cell *cell,
                        struct bol_slot_mark *out, unsigned max, unsigned *n)
{
    (void) ctx;
    (void) visit;
    *n = 0;
    if (!max || (cell && (cell->bay != 1 || cell->row != 2 || cell->tier != 82)))
        return 0;
    memset(out, 0, sizeof(*out));
    out->cell = (struct bol_cell){ 1, 2, 82 };
    out->kind = BOL_SLOT_BLOCKED;
    snprintf(out->reason, sizeof(out->reason), "overhang of an out-of-gauge box");
    *n = 1;
    return 0;
}

/* Order lists and stowage instructions: a few lines, so the counts are used. */
static int v_order_lines(void *ctx, const char *visit, const char *kind, const char *sender,
                         unsigned *n)
{
    (void) ctx;
    (void) kind;
    (void) sender;
    *n = strlen(visit) % 3;
    return 0;
}

static int v_stowage_rules(void *ctx, const char *visit, unsigned *n)
{
    (void) ctx;
    *n = strlen(visit) % 2;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct bol_view v = {
        NULL,          v_exists,     v_container,    v_block,         v_yard_stack, v_yard_dg,
        v_equipment,   v_vessel,     v_visit,        v_vessel_stack,  v_holds,      v_released,
        v_wi,          v_open_wi,    v_truck,        v_on_truck,      v_seal,       v_erase,
        v_active_hold, v_dest_wis,   v_block_extent, v_ref,           v_ref,        v_visit_busy,
        v_doc,         v_slot_marks, v_order_lines,  v_stowage_rules,
    };
    struct bol_cmd_out out;
    struct bol_diag d;
    json_t *cmd;
    int r;

    world();
    cmd = json_loadb((const char *) data, size, JSON_REJECT_DUPLICATES, NULL);
    if (!cmd)
        return 0;
    bol_diag_init(&d);
    r = bol_cmd_run(&v, cmd, 1795279200000000LL, &out, &d);
    if (r < 0) {
        FUZZ_ASSERT(r >= BOL__E_LAST);
        FUZZ_ASSERT(out.n == 0);
        FUZZ_ASSERT(d.msg[0] != '\0');
    } else {
        FUZZ_ASSERT(out.n >= 1 && out.n <= BOL_CMD_EVENTS_MAX);
        bol_cmd_out_release(&out);
    }
    json_decref(cmd);
    return 0;
}
