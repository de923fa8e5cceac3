/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_edi_baplie.c - BAPLIE in (baplie.h)
 *
 * The input is an interchange.  Every plan read belongs to a BAPLIE message;
 * each slot lies inside the input; a slot flagged valid has a cell, a
 * container number of the right form and a size-type that the core rules
 * accept again; the counts never exceed the message's segments; written
 * as SMDG 2.2 a plan reads back whole with as many slots and boxes.  `make
 * fuzz` seeds it from ../shared/edi as well.
 */
#include "compat.h"

#include <string.h>

#include "baplie.h"
#include "errors.h"
#include "fuzz.h"

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
    /* Written as SMDG 2.2, a plan reads back whole, slot for slot. */
    for (i = 0; rc == 0 && i < s.nplans; i++) {
        const struct bol_baplie_envelope env = { "BOLLARD", "PARTNER", "F1", 0 };
        struct bol_buf out = BOL_BUF_INIT((size_t) 64 << 20);
        struct bol_baplie_set again;

        FUZZ_ASSERT(bol_baplie_write(&s.plans[i], &env, &out) == 0);
        FUZZ_ASSERT(bol_baplie_read(out.buf, out.len, NULL, &again) == 0);
        FUZZ_ASSERT(again.nplans == 1 && !again.ic.msgs[0].failed);
        FUZZ_ASSERT(again.plans[0].nslots == s.plans[i].nslots &&
                    again.plans[0].containers == s.plans[i].containers);
        bol_baplie_set_release(&again);
        bol_buf_release(&out);
    }
    bol_baplie_set_release(&s);
    return 0;
}
