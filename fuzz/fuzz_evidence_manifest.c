/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_evidence_manifest.c - the signed text of an incident freeze's MANIFEST
 *
 * None may crash; what parses names at least one file, in time order, and
 * formats back to the very same bytes.
 */
#include "compat.h"

#include "buf.h"
#include "errors.h"
#include "fuzz.h"
#include "incident.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bol_evidence_manifest m;
    struct bol_buf again = BOL_BUF_INIT(1 << 20);
    unsigned i;
    int r = bol_evidence_manifest_parse(bol_str_make((const char *) data, size), &m, NULL);

    FUZZ_ASSERT(r == 0 || r == BOL_E_PARSE);
    if (r == 0) {
        FUZZ_ASSERT(m.nfiles >= 1 && m.nfiles <= BOL_EVIDENCE_FILES_MAX && m.freeze >= 1);
        for (i = 1; i < m.nfiles; i++)
            FUZZ_ASSERT(m.files[i].at_us >= m.files[i - 1].at_us);
        FUZZ_ASSERT(bol_evidence_manifest_format(&m, &again, NULL) == 0);
        FUZZ_ASSERT(again.len == size && !memcmp(again.buf, data, size));
    }
    bol_buf_release(&again);
    return 0;
}
