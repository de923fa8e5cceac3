/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_inspect.c - bollard inspect's parsers of outside input: the host
 * facts fixture (--host-facts), the "inspect" section of security.json, and
 * a previous run read back from state; then a run on those facts
 */
#include "compat.h"

#include <jansson.h>

#include "errors.h"
#include "fuzz.h"
#include "inspect.h"
#include "mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bol_inspect_host *h = bol_malloc(sizeof(*h));
    struct bol_inspect_policy p, q;
    struct bol_inspect_facts f;
    struct bol_inspect_report rep;
    json_t *doc = json_loadb((const char *) data, size, JSON_REJECT_DUPLICATES, NULL);
    size_t i;
    int r;

    if (!h || !doc) {
        bol_free(h);
        json_decref(doc);
        return 0;
    }
    h->nsockets = 7;
    r = bol_inspect_host_from_json(doc, h, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL || r == BOL_E_NOMEM);
    if (r != 0)
        FUZZ_ASSERT(h->nsockets == 7);
    else
        for (i = 0; i < h->nsockets; i++)
            FUZZ_ASSERT(h->sockets[i].port >= 1 && h->sockets[i].port <= 65535);
    bol_inspect_policy_default(&p);
    q = p;
    r = bol_inspect_policy_from_json(json_object_get(doc, "inspect"), &p, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL);
    if (r != 0)
        FUZZ_ASSERT(!memcmp(&p, &q, sizeof(p)));
    else
        FUZZ_ASSERT(p.admins_min <= p.admins_max);
    memset(&f, 0, sizeof(f));
    f.verify_ok = true;
    f.service_uid = -1;
    f.host = h->nsockets == 7 ? NULL : h;
    r = bol_inspect_run(&f, &p, json_object_get(doc, "previous"), 1700000000000000, &rep, NULL);
    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL || r == BOL_E_NOMEM);
    if (r == 0) {
        json_t *o = NULL;

        for (i = 1; i < rep.n; i++)
            FUZZ_ASSERT(strcmp(rep.f[i - 1].id, rep.f[i].id) < 0);
        if (bol_inspect_report_json(&rep, true, &o) == 0)
            json_decref(o);
        bol_inspect_report_release(&rep);
    }
    json_decref(doc);
    bol_free(h);
    return 0;
}
