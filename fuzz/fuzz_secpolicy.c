/* SPDX-License-Identifier: Apache-2.0 */
/*
 * fuzz_secpolicy.c - the security policy file (secpolicy.h)
 *
 * The input is the file's JSON text.  Reading never crashes; it succeeds or
 * fails with BOL_E_INVAL (or the resolver's own error) naming a field, and a
 * policy it accepts holds only values in their documented ranges.  The
 * resolver knows "Asia/Tokyo", takes "Rule/<text>" as the rule <text> (so
 * resolved rules are fuzzed too) and knows nothing else.
 */
#include "compat.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"
#include "fuzz.h"
#include "secpolicy.h"

static int resolve(void *ctx, const char *name, char rule[BOL_TZ_RULE_MAX], struct bol_diag *diag)
{
    (void) ctx;
    if (!strcmp(name, "Asia/Tokyo")) {
        snprintf(rule, BOL_TZ_RULE_MAX, "%s", "JST-9");
        return 0;
    }
    if (!strncmp(name, "Rule/", 5) && strlen(name + 5) < BOL_TZ_RULE_MAX) {
        snprintf(rule, BOL_TZ_RULE_MAX, "%s", name + 5);
        return 0;
    }
    return bol_diag_fail(diag, BOL_E_NOTFOUND, "tz", "no time zone '%.40s'", name);
}

static void spans_ok(const struct bol_weekspan *w, unsigned n)
{
    FUZZ_ASSERT(n <= BOL_SITE_SPANS_MAX);
    for (unsigned i = 0; i < n; i++) {
        FUZZ_ASSERT(w[i].days != 0 && w[i].days <= 0x7f);
        FUZZ_ASSERT(w[i].from_min <= 1440 && w[i].to_min <= 1440);
        FUZZ_ASSERT(w[i].from_min != w[i].to_min);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct bol_security_policy p;
    json_error_t err;
    json_t *root = json_loadb((const char *) data, size, JSON_REJECT_DUPLICATES, &err);
    struct bol_diag d;
    int r;

    if (!root)
        return 0;
    bol_diag_init(&d);
    r = bol_security_policy_from_json(root, resolve, NULL, &p, &d);
    FUZZ_ASSERT(r == 0 || r == BOL_E_INVAL || r == BOL_E_NOTFOUND);
    if (r < 0) {
        FUZZ_ASSERT(d.code == r && d.msg[0]);
        json_decref(root);
        return 0;
    }
    FUZZ_ASSERT(p.detect.nsites <= BOL_SITES_MAX);
    for (unsigned i = 0; i < BOL_RULE_N; i++)
        FUZZ_ASSERT(p.detect.rule[i].n >= 1 && p.detect.rule[i].window_us >= 0 &&
                    p.detect.rule[i].window_us <= (int64_t) 7 * 86400 * 1000000);
    for (unsigned i = 0; i < p.detect.nsites; i++) {
        const struct bol_site *s = &p.detect.site[i];

        FUZZ_ASSERT(s->terminal[0] && s->tz_name[0]);
        FUZZ_ASSERT(bol_detect_site(&p.detect, bol_str_from(s->terminal)) != NULL);
        spans_ok(s->work, s->nwork);
        spans_ok(s->change, s->nchange);
    }
    FUZZ_ASSERT(p.alerts.facility <= 23);
    FUZZ_ASSERT(p.alerts.webhook_attempts >= 1 && p.alerts.webhook_attempts <= 20);
    FUZZ_ASSERT(p.alerts.webhook_backoff_max_s >= 1 && p.alerts.webhook_backoff_max_s <= 3600);
    FUZZ_ASSERT(!p.alerts.webhook_url[0] || p.alerts.webhook_secret_file[0]);
    FUZZ_ASSERT(p.inspect == json_object_get(root, "inspect"));
    json_decref(root);
    return 0;
}
