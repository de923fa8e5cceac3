/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_event.c - event payloads as the journal holds them (events.h)
 *
 * The input is an event type, a NUL, and the payload.  Checking never
 * crashes and accepts only canonical JSON the event's schema allows; an
 * accepted payload also prepares (what replay does before applying it).
 */
#include "compat.h"

#include "entry.h"
#include "errors.h"
#include "events.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    struct bol_str type, payload;
    struct bol_event_prep *p = NULL;
    struct bol_diag d;
    int r;

    if (!nul)
        return 0;
    type = bol_str_make((const char *) data, (size_t) (nul - data));
    payload = bol_str_make((const char *) nul + 1, size - (size_t) (nul - data) - 1);
    bol_diag_init(&d);
    r = bol_event_check(type, 1, payload, &d);
    FUZZ_ASSERT(r <= 0 && r >= BOL__E_LAST);
    if (r == 0) {
        FUZZ_ASSERT(bol_payload_is_canonical(payload));
        r = bol_event_prepare(type, 1, payload, &p, &d);
        FUZZ_ASSERT(r == 0);
        bol_event_prep_free(p);
    }
    return 0;
}
