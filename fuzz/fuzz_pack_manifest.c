/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_pack_manifest.c - the signed text of an operations pack's MANIFEST
 *
 * None may crash; what parses lists at least one file and its origin is a
 * valid key name.
 */
#include "compat.h"

#include "errors.h"
#include "fuzz.h"
#include "pack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_pack_info info;
    int r = bol_pack_manifest_parse(bol_str_make((const char *) data, size), &info, NULL);

    FUZZ_ASSERT(r == 0 || r == BOL_E_CORRUPT || r == BOL_E_NOMEM);
    if (r == 0)
        FUZZ_ASSERT(info.files >= 1 && info.origin[0]);
    return 0;
}
