/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_alert.c - the alert's JSON form (detect.h)
 *
 * The input is an alert's JSON text, as alert.raised and alert.acknowledged
 * carry it.  Reading never crashes; an alert it accepts has ascending
 * evidence within the limit, and writes back a form that reads back to the
 * same alert and the same JSON.
 */
#include "compat.h"

#include <jansson.h>
#include <string.h>

#include "detect.h"
#include "errors.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bol_alert a, b;
    json_error_t err;
    json_t *o = json_loadb((const char *) data, size, JSON_REJECT_DUPLICATES, &err);
    json_t *j1 = NULL, *j2 = NULL;
    int r;

    if (!o)
        return 0;
    r = bol_alert_from_json(o, &a, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
    if (r == 0) {
        FUZZ_ASSERT(a.nevidence <= BOL_ALERT_EVIDENCE_MAX);
        FUZZ_ASSERT(a.severity <= BOL_ALERT_CRITICAL);
        for (unsigned i = 1; i < a.nevidence; i++)
            FUZZ_ASSERT(a.evidence[i - 1] < a.evidence[i]);
        FUZZ_ASSERT(a.nevidence == 0 || a.evidence[0] >= 1);
        FUZZ_ASSERT(bol_alert_to_json(&a, &j1) == 0);
        FUZZ_ASSERT(bol_alert_from_json(j1, &b, NULL) == 0);
        FUZZ_ASSERT(!strcmp(a.id, b.id) && !strcmp(a.rule, b.rule) &&
                    !strcmp(a.message, b.message) && !strcmp(a.note, b.note) &&
                    !strcmp(a.acked_by, b.acked_by));
        FUZZ_ASSERT(!memcmp(&a.subject, &b.subject, sizeof(a.subject)));
        FUZZ_ASSERT(a.severity == b.severity && a.count == b.count && a.nevidence == b.nevidence &&
                    a.first_us == b.first_us && a.last_us == b.last_us &&
                    a.acknowledged == b.acknowledged && a.acked_us == b.acked_us);
        FUZZ_ASSERT(!memcmp(a.evidence, b.evidence, a.nevidence * sizeof(a.evidence[0])));
        FUZZ_ASSERT(bol_alert_to_json(&b, &j2) == 0);
        FUZZ_ASSERT(json_equal(j1, j2));
    }
    json_decref(j1);
    json_decref(j2);
    json_decref(o);
    return 0;
}
