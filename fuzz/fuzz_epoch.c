/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_epoch.c - the journal.epoch payload (a new signing key and the
 * checkpoint of the previous epoch it names)
 *
 * None may crash; what parses names two keys and a checkpoint that opens
 * with the previous key.
 */
#include "compat.h"

#include "epoch.h"
#include "errors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_str in = bol_str_make((const char *) data, size);
    struct bol_epoch e;
    int r = bol_epoch_parse(in, &e, NULL);

    FUZZ_ASSERT(r <= 0);
    if (r == 0)
        FUZZ_ASSERT(e.epoch > 1);
    return 0;
}
