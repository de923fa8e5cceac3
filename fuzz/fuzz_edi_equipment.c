/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_edi_equipment.c - the container groups of equipment messages
 * (equipment.h)
 *
 * The input is an interchange.  Every box lies inside the input, belongs
 * to a message, and is flagged valid only when its container number is;
 * the counts never exceed the message's segments.  `make fuzz` seeds it
 * from ../shared/edi as well.
 */
#include "compat.h"

#include "equipment.h"
#include "errors.h"
#include "fuzz.h"

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
    }
    bol_edi_equipment_release(&e);
    return 0;
}
