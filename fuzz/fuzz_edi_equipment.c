/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_edi_equipment.c - the container groups of equipment messages
 * (equipment.h)
 *
 * The input is an interchange.  Every box lies inside the input, belongs
 * to a message, and is flagged valid only when its container number is;
 * the counts never exceed the message's segments.  A message that reads
 * as a move report (COARRI, CODECO: report.h) is written out again and
 * read back: the same boxes, cells and times.  Every message is also mapped
 * as a VGM declaration (vermas_map.h) against a terminal that knows every
 * other box: each correction (or pending declaration of an unknown box)
 * carries its box's VGM; and as a container
 * announcement (baplie_map.h): every box it announces is master data the
 * core accepts.  A move report is also mapped to the commands that record
 * its moves (report_map.h) against a terminal that knows every other box:
 * every command names a box of the report, and a refused report says
 * where.  `make fuzz` seeds it from
 * ../shared/edi as well.
 */
#include "compat.h"

#include "equipment.h"
#include "errors.h"
#include "fuzz.h"
#include "report.h"
#include "report_map.h"
#include "vermas_map.h"
#include "baplie_map.h"
#include "codec.h"

/* A report written and read back is the same report. */
static void round_trip(const struct bol_report *r)
{
    struct bol_report_envelope env = { "A", "B", "1", 0 };
    struct bol_buf out = BOL_BUF_INIT(1u << 26);
    struct bol_edi_equipment e;
    struct bol_report back;
    struct bol_diag d;
    size_t k;

    if (bol_report_write(r, 1, &env, &out) < 0) {
        bol_buf_release(&out);
        return;
    }
    FUZZ_ASSERT(bol_edi_equipment_read(out.buf, out.len, NULL, &e) == 0);
    FUZZ_ASSERT(e.ic.nmsgs == 1 && !e.ic.msgs[0].failed);
    FUZZ_ASSERT(bol_report_from_boxes(&e.ic, &e.msgs[0], &back, &d) == 0);
    FUZZ_ASSERT(back.kind == r->kind && back.n == r->n);
    for (k = 0; k < back.n; k++) {
        FUZZ_ASSERT(!strcmp(back.boxes[k].c.id.s, r->boxes[k].c.id.s));
        FUZZ_ASSERT(back.boxes[k].at_us == r->boxes[k].at_us);
        FUZZ_ASSERT(back.boxes[k].c.full == r->boxes[k].c.full);
        FUZZ_ASSERT(back.boxes[k].c.category == r->boxes[k].c.category);
        FUZZ_ASSERT(!strcmp(back.boxes[k].cell, r->boxes[k].cell));
        FUZZ_ASSERT(!strcmp(back.boxes[k].plate, r->boxes[k].plate));
    }
    bol_report_release(&back);
    bol_edi_equipment_release(&e);
    bol_buf_release(&out);
}

/* A terminal that knows the boxes whose last digit is even, with no VGM. */
static int known(void *u, const char *id, struct bol_container *out)
{
    (void) u;
    memset(out, 0, sizeof(*out));
    return (id[10] - '0') % 2 == 0;
}

/* Each kind of move recorded once for boxes whose serial is odd. */
static int moved_once(void *u, const char *id, enum bol_report_kind kind, const char *visit,
                      const char *terminal)
{
    (void) u;
    (void) kind;
    (void) visit;
    (void) terminal;
    return (id[9] - '0') % 2;
}

/* A report as the commands that record its moves: each names a box of the report. */
static void map_moves(const struct bol_report *r)
{
    struct bol_report_map_ctx ctx = { "V1", "T1", "edi-0", "S", known, moved_once, NULL };
    struct bol_edi_mapped m;
    size_t k;

    if (bol_report_map(r, &ctx, &m) < 0)
        return;
    FUZZ_ASSERT(m.boxes + m.already <= r->n);
    FUZZ_ASSERT(json_array_size(m.cmds) <= 3 * r->n);
    FUZZ_ASSERT(!m.failed || json_array_size(m.notes) > 0 || m.dropped);
    for (k = 0; k < json_array_size(m.cmds); k++) {
        json_t *c = json_array_get(m.cmds, k);

        FUZZ_ASSERT(m.slot[k] < r->n);
        FUZZ_ASSERT(json_is_string(json_object_get(c, "cmd")));
    }
    bol_edi_mapped_release(&m);
}

static int every_line(void *u, const char *code)
{
    (void) u;
    (void) code;
    return 1;
}

static int known_any(void *u, const char *id)
{
    struct bol_container c;

    return known(u, id, &c);
}

static void announce(const struct bol_edi_boxes *b)
{
    struct bol_edi_map_ctx ctx = { "", "", every_line, NULL, known_any, NULL };
    struct bol_edi_mapped m;
    size_t k;

    if (bol_coparn_map(b, &ctx, &m) < 0)
        return;
    for (k = 0; !m.failed && k < json_array_size(m.cmds); k++) {
        json_t *cmd = json_array_get(m.cmds, k);
        struct bol_container c;

        FUZZ_ASSERT(!json_object_get(cmd, "at"));
        FUZZ_ASSERT(bol_container_from_json(json_object_get(cmd, "container"), &c, NULL) == 0);
        FUZZ_ASSERT(!strcmp(c.id.s, b->v[m.slot[k]].id.s));
    }
    bol_edi_mapped_release(&m);
}

static void vgm_map(const struct bol_edi_boxes *b)
{
    struct bol_vermas_ctx ctx = { "fuzz", known, NULL, "A", "1" };
    struct bol_vermas_mapped vm;
    size_t k;

    if (bol_vermas_map(b, &ctx, &vm) < 0)
        return;
    FUZZ_ASSERT(!vm.m.failed);
    FUZZ_ASSERT(json_array_size(vm.m.cmds) == vm.m.boxes);
    FUZZ_ASSERT(vm.m.boxes + vm.unknown + vm.same + vm.no_vgm <= b->n);
    for (k = 0; k < vm.m.boxes; k++) {
        json_t *cmd = json_array_get(vm.m.cmds, k);
        const struct bol_edi_box *x = &b->v[vm.m.slot[k]];

        json_t *set = json_object_get(cmd, "set");

        FUZZ_ASSERT(!strcmp(json_string_value(json_object_get(cmd, "id")), x->id.s));
        /* A correction of a known box, or a VGM kept pending for an unknown one. */
        FUZZ_ASSERT(json_integer_value(json_object_get(set ? set : cmd, "vgm_kg")) ==
                    (json_int_t) x->vgm_kg);
    }
    bol_edi_mapped_release(&vm.m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_edi_limits lim = { 0, 20000, 128 };
    struct bol_edi_equipment e;
    size_t i, k;
    int rc = bol_edi_equipment_read((const char *) data, size, &lim, &e);

    FUZZ_ASSERT(rc == 0 || rc == BOL_E_TOOBIG || rc == BOL_E_UNSUPPORTED || rc == BOL_E_NOMEM);
    for (i = 0; rc == 0 && i < e.ic.nmsgs; i++) {
        const struct bol_edi_boxes *b = &e.msgs[i];

        FUZZ_ASSERT(b->msg == i);
        FUZZ_ASSERT(b->n + b->reefers + b->dg_lines <= e.ic.msgs[i].segments);
        for (k = 0; k < b->n; k++) {
            const struct bol_edi_box *x = &b->v[k];
            struct bol_container_id id;

            FUZZ_ASSERT(x->offset < size);
            if (x->check_ok)
                FUZZ_ASSERT(x->id_ok &&
                            bol_container_id_parse(bol_str_from(x->id.s), &id, NULL) == 0);
            if (x->reefer)
                FUZZ_ASSERT(x->temp_c10 >= BOL_TEMP_MIN_C10 && x->temp_c10 <= BOL_TEMP_MAX_C10);
        }
        vgm_map(b);
        announce(b);
        if (!e.ic.msgs[i].failed) {
            struct bol_report r;
            struct bol_diag d;

            if (bol_report_from_boxes(&e.ic, b, &r, &d) == 0) {
                round_trip(&r);
                map_moves(&r);
                bol_report_release(&r);
            }
        }
    }
    bol_edi_equipment_release(&e);
    return 0;
}
