/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_edi_baplie.c - BAPLIE in (baplie.h)
 *
 * The input is an interchange.  Every plan read belongs to a BAPLIE message;
 * each slot lies inside the input; a slot flagged valid has a cell, a
 * container number of the right form and a size-type that the core rules
 * accept again; the counts never exceed the message's segments; written
 * as SMDG 2.2 a plan reads back whole with as many slots and boxes; mapped
 * to commands (baplie_map.h), every box the mapper lets through is master
 * data the core accepts, at a cell it can read.  `make fuzz` seeds it from
 * ../shared/edi as well.
 */
#include "compat.h"

#include <string.h>

#include "baplie.h"
#include "baplie_map.h"
#include "codec.h"
#include "domain.h"
#include "errors.h"
#include "fuzz.h"

static int some_lines(void *u, const char *code)
{
    (void) u;
    return code[0] == 'M';
}

static int nowhere(void *u, const char *id, char cell[8])
{
    (void) u;
    (void) id;
    (void) cell;
    return 0;
}

/* What the mapper lets through, the core accepts. */
static void map_plan(const struct bol_baplie *b)
{
    struct bol_edi_map_ctx ctx = { "V1", "JPNGO", some_lines, nowhere, NULL, NULL };
    struct bol_edi_mapped m;
    json_t *cmd;
    size_t i;

    if (bol_baplie_map(b, &ctx, &m) < 0)
        return;
    FUZZ_ASSERT(m.boxes + m.reserved + m.unidentified + m.already <= b->nslots);
    json_array_foreach(m.cmds, i, cmd)
    {
        struct bol_container c;
        struct bol_cell cell;
        struct bol_diag d;
        json_t *at = json_object_get(cmd, "at");

        FUZZ_ASSERT(m.slot[i] < b->nslots);
        if (m.failed)
            continue;
        bol_diag_init(&d);
        FUZZ_ASSERT(bol_container_from_json(json_object_get(cmd, "container"), &c, &d) == 0);
        FUZZ_ASSERT(bol_container_length_class(&c) != 0);
        FUZZ_ASSERT(bol_cell_parse(bol_str_from(json_string_value(json_object_get(at, "cell"))),
                                   &cell, &d) == 0);
    }
    bol_edi_mapped_release(&m);
    {
        uint32_t reserved, blocked;

        if (bol_baplie_marks(b, "V1", "1", &cmd, &reserved, &blocked) < 0)
            return;
        FUZZ_ASSERT(reserved + blocked == json_array_size(json_object_get(cmd, "marks")) &&
                    reserved <= b->reserved && blocked <= b->blocked);
        json_decref(cmd);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_edi_limits lim = { 0, 20000, 128 };
    struct bol_baplie_set s;
    size_t i, k;
    int rc = bol_baplie_read((const char *) data, size, &lim, &s);

    FUZZ_ASSERT(rc == 0 || rc == BOL_E_TOOBIG || rc == BOL_E_UNSUPPORTED || rc == BOL_E_NOMEM);
    FUZZ_ASSERT(s.nplans <= s.ic.nmsgs);
    for (i = 0; i < s.nplans; i++) {
        const struct bol_baplie *b = &s.plans[i];
        const struct bol_edi_message *m = &s.ic.msgs[b->msg];

        FUZZ_ASSERT(!strcmp(m->type, "BAPLIE"));
        FUZZ_ASSERT(b->containers + b->reefers + b->dg_lines <= m->segments);
        FUZZ_ASSERT(b->nslots <= m->segments);
        for (k = 0; k < b->nslots; k++) {
            const struct bol_baplie_slot *sl = &b->slots[k];
            struct bol_cell c;
            struct bol_container_id id;
            struct bol_diag d;

            FUZZ_ASSERT(sl->offset < size);
            if (sl->cell_ok)
                FUZZ_ASSERT(bol_cell_parse(bol_str_from(sl->cell_text), &c, &d) == 0 &&
                            c.bay == sl->cell.bay && c.tier == sl->cell.tier);
            if (sl->check_ok)
                FUZZ_ASSERT(sl->id_ok &&
                            bol_container_id_parse(bol_str_from(sl->id.s), &id, &d) == 0);
            if (sl->reefer)
                FUZZ_ASSERT(sl->temp_c10 >= BOL_TEMP_MIN_C10 && sl->temp_c10 <= BOL_TEMP_MAX_C10);
        }
    }
    for (i = 0; i < s.nplans; i++) {
        if (!s.ic.msgs[s.plans[i].msg].failed)
            map_plan(&s.plans[i]);
    }
    /*
     * Written as SMDG 2.2, a plan reads back whole, slot for slot (2.2 cannot
     * say a cell is blocked: those are left out); as 3.1, blocked cells too.
     */
    for (i = 0; rc == 0 && i < s.nplans * 2; i++) {
        const struct bol_baplie_envelope env = { "BOLLARD", "PARTNER", "F1", 0 };
        const struct bol_baplie *b = &s.plans[i / 2];
        struct bol_buf out = BOL_BUF_INIT((size_t) 64 << 20);
        struct bol_baplie_set again;
        bool v31 = i % 2;

        FUZZ_ASSERT(bol_baplie_write_as(b, &env, v31 ? BOL_BAPLIE_31 : BOL_BAPLIE_22, &out) == 0);
        FUZZ_ASSERT(bol_baplie_read(out.buf, out.len, NULL, &again) == 0);
        FUZZ_ASSERT(again.nplans == 1 && !again.ic.msgs[0].failed);
        FUZZ_ASSERT(again.plans[0].nslots == b->nslots - (v31 ? 0 : b->blocked) &&
                    again.plans[0].containers == b->containers &&
                    again.plans[0].blocked == (v31 ? b->blocked : 0));
        bol_baplie_set_release(&again);
        bol_buf_release(&out);
    }
    bol_baplie_set_release(&s);
    return 0;
}
