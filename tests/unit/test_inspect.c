/* SPDX-License-Identifier: Apache-2.0 */
/* test_inspect.c - the self-inspection's checks, profile, comparison and policy */
#include "testutil.h"

#include "inspect.h"
#include "password.h"

#define DAY ((int64_t) 86400 * 1000000)
#define NOW ((int64_t) 1767225600 * 1000000) /* 2026-01-01T00:00:00Z */

static struct bol_inspect_account account(const char *user, uint32_t roles, bool mfa)
{
    struct bol_inspect_account a;

    memset(&a, 0, sizeof(a));
    snprintf(a.a.user, sizeof(a.a.user), "%s", user);
    a.a.roles = roles;
    a.a.mfa = mfa;
    a.has_password = true;
    a.password_set_us = NOW - DAY;
    a.verdict = BOL_PWV_OK;
    return a;
}

static void base_facts(struct bol_inspect_facts *f)
{
    memset(f, 0, sizeof(*f));
    f->verify_ok = true;
    f->service_uid = -1;
    f->tls.cert_present = f->tls.cert_parsed = true;
    f->tls.not_after_us = NOW + 400 * DAY;
    snprintf(f->tls.key_alg, sizeof(f->tls.key_alg), "EC");
    f->tls.key_bits = 256;
    snprintf(f->tls.sig_alg, sizeof(f->tls.sig_alg), "ECDSA-SHA256");
    f->rec.replica_given = true;
    f->rec.drill_known = f->rec.drill_ok = true;
    f->rec.drill_at_us = NOW - DAY;
    f->resp.syslog = true;
}

/* The ids of a run, comma-separated, with "!" before fixed ones. */
static void ids(const struct bol_inspect_report *r, char *out, size_t n)
{
    size_t i, used = 0;

    out[0] = '\0';
    for (i = 0; i < r->n && used < n; i++)
        used += (size_t) snprintf(out + used, n - used, "%s%s", used ? "," : "", r->f[i].id);
    for (i = 0; i < r->nfixed && used < n; i++)
        used += (size_t) snprintf(out + used, n - used, "%s!%s", used ? "," : "", r->fixed[i]);
}

static void run_expect(const struct bol_inspect_facts *f, json_t *prev, const char *want)
{
    struct bol_inspect_policy p;
    struct bol_inspect_report r;
    char got[2048];

    bol_inspect_policy_default(&p);
    assert_int_equal(bol_inspect_run(f, &p, prev, NOW, &r, NULL), 0);
    ids(&r, got, sizeof(got));
    if (strcmp(got, want))
        fail_msg("got '%s', want '%s'", got, want);
    bol_inspect_report_release(&r);
}

static void test_clean(void **state)
{
    struct bol_inspect_account acc[2] = { account("a1", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true),
                                          account("a2", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true) };
    struct bol_inspect_facts f;

    (void) state;
    base_facts(&f);
    f.accounts = acc;
    f.naccounts = 2;
    run_expect(&f, NULL, "");
}

static void test_accounts(void **state)
{
    struct bol_inspect_account acc[6] = {
        account("a1", BOL_ROLE_BIT(BOL_ROLE_ADMIN), false),
        account("a2", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true),
        account("a3", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true),
        account("a4", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true),
        account("weak", BOL_ROLE_BIT(BOL_ROLE_CLERK), true),
        account("old", BOL_ROLE_BIT(BOL_ROLE_CLERK), true),
    };
    struct bol_inspect_facts f;

    (void) state;
    acc[4].verdict = BOL_PWV_WEAK;
    acc[5].last_login_us = NOW - 91 * DAY;
    base_facts(&f);
    f.accounts = acc;
    f.naccounts = 6;
    run_expect(&f, NULL, "account.dormant:old,admins.too_many,mfa.missing:a1,password.weak:weak");
    /* a locked account (until an admin unlocks it) no longer counts */
    acc[0].a.status = BOL_ACCOUNT_LOCKED;
    acc[5].a.status = BOL_ACCOUNT_DISABLED;
    acc[5].last_login_us = NOW - 89 * DAY;
    acc[4].a.must_change = true;
    run_expect(&f, NULL, "");
    /* one admin left: no second person */
    f.naccounts = 2;
    run_expect(&f, NULL, "admins.too_few");
}

static void test_keys(void **state)
{
    struct bol_inspect_key k[3];
    struct bol_inspect_account acc[2] = { account("a1", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true),
                                          account("a2", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true) };
    struct bol_inspect_facts f;
    size_t i;

    (void) state;
    memset(k, 0, sizeof(k));
    for (i = 0; i < 3; i++) {
        snprintf(k[i].k.id, sizeof(k[i].k.id), "key%zu", i);
        k[i].k.role = BOL_ROLE_CLERK;
        k[i].k.created_us = NOW - DAY;
        k[i].k.expires_us = NOW + 30 * DAY;
        k[i].last_used_us = NOW - DAY;
    }
    k[0].k.expires_us = k[0].k.created_us + 366 * DAY;
    k[1].last_used_us = 0;
    k[1].k.created_us = NOW - 100 * DAY;
    k[2].k.created_us = NOW - 181 * DAY;
    base_facts(&f);
    f.accounts = acc;
    f.naccounts = 2;
    f.keys = k;
    f.nkeys = 3;
    run_expect(&f, NULL, "apikey.long_expiry:key0,apikey.old:key2,apikey.unused:key1");
    k[0].k.status = BOL_APIKEY_REVOKED;
    k[1].k.expires_us = NOW - 1;
    run_expect(&f, NULL, "apikey.old:key2");
}

static void test_host_tls_files(void **state)
{
    struct bol_inspect_account acc[2] = { account("a1", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true),
                                          account("a2", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true) };
    struct bol_inspect_file files[3] = { { ".", BOL_IFILE_DIR, 0750, 5 },
                                         { "journal.key", BOL_IFILE_SECRET, 0640, 5 },
                                         { "bollard.db", BOL_IFILE_DATA, 0600, 6 } };
    struct bol_inspect_host *h = bol_calloc(1, sizeof(*h));
    struct bol_inspect_facts f;
    json_t *j = json_loads("{\"sockets\":[{\"proto\":\"tcp\",\"addr\":\"0.0.0.0\",\"port\":22},"
                           "{\"proto\":\"udp6\",\"addr\":\"::\",\"port\":3389},"
                           "{\"proto\":\"udp\",\"addr\":\"0.0.0.0\",\"port\":445},"
                           "{\"proto\":\"tcp6\",\"addr\":\"::1\",\"port\":5432},"
                           "{\"proto\":\"tcp\",\"addr\":\"127.0.0.1\",\"port\":23}]}",
                           0, NULL);

    (void) state;
    assert_non_null(h);
    assert_int_equal(bol_inspect_host_from_json(j, h, NULL), 0);
    assert_int_equal(h->nsockets, 5);
    base_facts(&f);
    f.accounts = acc;
    f.naccounts = 2;
    f.host = h;
    f.files = files;
    f.nfiles = 3;
    f.service_uid = 5;
    f.tls.not_after_us = NOW + 10 * DAY;
    f.nendpoints = 3;
    snprintf(f.endpoints[0].name, sizeof(f.endpoints[0].name), "10.1.1.1:443");
    f.endpoints[0].reached = true;
    snprintf(f.endpoints[0].old, sizeof(f.endpoints[0].old), "TLS1.0 TLS1.1");
    snprintf(f.endpoints[1].name, sizeof(f.endpoints[1].name), "10.1.1.1:8443");
    f.endpoints[1].reached = true;
    snprintf(f.endpoints[2].name, sizeof(f.endpoints[2].name), "10.1.1.2:443");
    snprintf(f.endpoints[2].error, sizeof(f.endpoints[2].error), "connection refused");
    f.tls.key_bits = 160;
    run_expect(
        &f, NULL,
        "file.mode:.,file.mode:journal.key,file.owner:bollard.db,port.exposed:22,"
        "port.exposed:3389,tls.cert_expiring,tls.endpoint_unreachable:10.1.1.2:443,tls.key_weak,"
        "tls.protocol_old:10.1.1.1:443");
    json_decref(j);
    bol_free(h);
    assert_true(bol_inspect_is_loopback("127.0.0.53"));
    assert_true(bol_inspect_is_loopback("::ffff:127.0.0.1"));
    assert_false(bol_inspect_is_loopback("::"));
    assert_false(bol_inspect_is_loopback("10.0.0.1"));
}

static void test_host_refused(void **state)
{
    static const char *const bad[] = {
        "[]",
        "{\"sockets\":[{\"proto\":\"tcp\",\"addr\":\"0.0.0.0\",\"port\":0}]}",
        "{\"sockets\":[{\"proto\":\"sctp\",\"addr\":\"0.0.0.0\",\"port\":22}]}",
        "{\"sockets\":[{\"proto\":\"tcp\",\"addr\":\"256.0.0.1\",\"port\":22}]}",
        "{\"sockets\":[{\"proto\":\"tcp\",\"addr\":\"0.0.0.0\",\"port\":22,\"x\":1}]}",
        "{\"sockets\":[],\"more\":1}",
    };
    struct bol_inspect_host *h = bol_calloc(1, sizeof(*h));
    struct bol_diag d;
    size_t i;

    (void) state;
    assert_non_null(h);
    for (i = 0; i < BOL_ARRAY_SIZE(bad); i++) {
        json_t *j = json_loads(bad[i], 0, NULL);

        h->nsockets = 3;
        bol_diag_init(&d);
        assert_int_equal(bol_inspect_host_from_json(j, h, &d), BOL_E_INVAL);
        assert_int_equal(h->nsockets, 3);
        assert_true(d.msg[0] != '\0');
        json_decref(j);
    }
    bol_free(h);
}

static void test_recovery_and_verify(void **state)
{
    struct bol_inspect_account acc[2] = { account("a1", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true),
                                          account("a2", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true) };
    struct bol_inspect_facts f;

    (void) state;
    base_facts(&f);
    f.accounts = acc;
    f.naccounts = 2;
    f.rec.drill_at_us = NOW - 31 * DAY;
    f.rec.journal_size = 100;
    f.rec.replica_verified = 50;
    f.rec.replica_checkpoint_us = NOW - 3600 * (int64_t) 1000000;
    f.verify_ok = false;
    run_expect(&f, NULL, "drill.stale,journal.verify_failed,replica.lag");
    memset(&f.rec, 0, sizeof(f.rec));
    f.verify_ok = true;
    run_expect(&f, NULL, "drill.unknown,replica.missing");
    f.rec.replica_key = true;
    f.rec.replica_key_used_us = NOW - 10 * (int64_t) 1000000;
    run_expect(&f, NULL, "drill.unknown");
}

static void test_compare_and_profile(void **state)
{
    struct bol_inspect_account acc[2] = { account("a1", BOL_ROLE_BIT(BOL_ROLE_ADMIN), false),
                                          account("a2", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true) };
    struct bol_inspect_policy p;
    struct bol_inspect_report r;
    struct bol_inspect_facts f;
    json_t *prev, *again = NULL;

    (void) state;
    base_facts(&f);
    f.accounts = acc;
    f.naccounts = 2;
    snprintf(f.fp[0].name, sizeof(f.fp[0].name), "accounts");
    memset(f.fp[0].sha256, 'a', 64);
    f.nfp = 1;
    prev = json_loads("{\"at\":\"2025-12-01T00:00:00Z\",\"findings\":[{\"id\":\"mfa.missing:a1\","
                      "\"severity\":\"high\",\"status\":\"new\"},{\"id\":\"port.exposed:22\","
                      "\"severity\":\"medium\",\"status\":\"new\"}],\"fixed\":[],"
                      "\"fingerprints\":{\"accounts\":\""
                      "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
                      "\",\"tls.crt\":\""
                      "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
                      "\"}}",
                      0, NULL);
    assert_non_null(prev);
    bol_inspect_policy_default(&p);
    assert_int_equal(bol_inspect_run(&f, &p, prev, NOW, &r, NULL), 0);
    assert_int_equal(r.n, 3);
    assert_string_equal(r.f[0].id, "drift:accounts");
    assert_int_equal(r.f[0].status, BOL_IFIND_NEW);
    assert_string_equal(r.f[1].id, "drift:tls.crt");
    assert_string_equal(r.f[2].id, "mfa.missing:a1");
    assert_int_equal(r.f[2].status, BOL_IFIND_OPEN);
    assert_string_equal(r.f[2].clause, "5.4.2");
    assert_int_equal(r.nfixed, 1);
    assert_string_equal(r.fixed[0], "port.exposed:22");
    assert_int_equal(r.level[BOL_IAREA_IDENTITY], 1);
    assert_int_equal(r.level[BOL_IAREA_MONITORING], 2);
    assert_int_equal(r.level[BOL_IAREA_CRYPTO], 4);
    assert_int_equal(r.target[BOL_IAREA_CRYPTO], 3);
    assert_int_equal(bol_inspect_worst(&r), BOL_ISEV_HIGH);
    assert_int_equal(bol_inspect_report_json(&r, false, &again), 0);
    assert_int_equal(json_array_size(json_object_get(again, "findings")), 3);
    json_decref(again);
    bol_inspect_report_release(&r);
    json_decref(prev);
    prev = json_loads("{\"findings\":[{\"severity\":\"high\"}]}", 0, NULL);
    assert_int_equal(bol_inspect_run(&f, &p, prev, NOW, &r, NULL), BOL_E_INVAL);
    json_decref(prev);
}

/* Alerts that reach nobody, alerts nobody acknowledged: at the alert_ack_days edge to the µs. */
static void test_response(void **state)
{
    struct bol_inspect_account acc[2] = { account("a1", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true),
                                          account("a2", BOL_ROLE_BIT(BOL_ROLE_ADMIN), true) };
    int64_t open[3] = { NOW - 7 * DAY, NOW - 7 * DAY - 1, NOW - 30 * DAY };
    struct bol_inspect_policy p;
    struct bol_inspect_report r;
    struct bol_inspect_facts f;

    (void) state;
    base_facts(&f);
    f.accounts = acc;
    f.naccounts = 2;
    f.resp.syslog = false;
    run_expect(&f, NULL, "alerts.no_delivery");
    f.resp.webhook = true;
    f.resp.open_alert_us = open;
    f.resp.nopen = 1;
    run_expect(&f, NULL, "");
    f.resp.nopen = 3;
    bol_inspect_policy_default(&p);
    assert_int_equal(bol_inspect_run(&f, &p, NULL, NOW, &r, NULL), 0);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.f[0].id, "alerts.unacknowledged");
    assert_string_equal(r.f[0].clause, "4.7.2");
    assert_non_null(strstr(r.f[0].detail, "2 alert(s) open for more than 7 days"));
    assert_non_null(strstr(r.f[0].detail, "oldest last seen 2025-"));
    assert_int_equal(r.level[BOL_IAREA_RESPONSE], 2);
    bol_inspect_report_release(&r);
    p.alert_ack_days = 31;
    assert_int_equal(bol_inspect_run(&f, &p, NULL, NOW, &r, NULL), 0);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.level[BOL_IAREA_RESPONSE], 4);
    bol_inspect_report_release(&r);
}

static void test_policy(void **state)
{
    struct bol_inspect_policy p, q;
    struct bol_diag d;
    json_t *j;

    (void) state;
    bol_inspect_policy_default(&p);
    j = json_loads("{\"dormant_days\":30,\"admins_max\":5,\"target\":{\"recovery\":4}}", 0, NULL);
    assert_int_equal(bol_inspect_policy_from_json(j, &p, NULL), 0);
    assert_int_equal(p.dormant_days, 30);
    assert_int_equal(p.admins_max, 5);
    assert_int_equal(p.target[BOL_IAREA_RECOVERY], 4);
    assert_int_equal(p.target[BOL_IAREA_IDENTITY], 3);
    json_decref(j);
    q = p;
    j = json_loads("{\"dormant_days\":30,\"colour\":\"red\"}", 0, NULL);
    bol_diag_init(&d);
    assert_int_equal(bol_inspect_policy_from_json(j, &p, &d), BOL_E_INVAL);
    assert_non_null(strstr(d.msg, "colour"));
    assert_memory_equal(&p, &q, sizeof(p));
    json_decref(j);
    j = json_loads("{\"target\":{\"identity\":5}}", 0, NULL);
    assert_int_equal(bol_inspect_policy_from_json(j, &p, NULL), BOL_E_INVAL);
    json_decref(j);
    j = json_loads("{\"admins_min\":4,\"admins_max\":3}", 0, NULL);
    assert_int_equal(bol_inspect_policy_from_json(j, &p, NULL), BOL_E_INVAL);
    json_decref(j);
}

static void test_verdicts(void **state)
{
    const char *why;
    char buf[128];

    (void) state;
    assert_int_equal(bol_pw_verdict_parse("weak: it is based on a dictionary word", &why),
                     BOL_PWV_WEAK);
    assert_string_equal(why, "it is based on a dictionary word");
    assert_int_equal(bol_pw_verdict_parse("ok", &why), BOL_PWV_OK);
    assert_int_equal(bol_pw_verdict_parse("generated", &why), BOL_PWV_GENERATED);
    assert_int_equal(bol_pw_verdict_parse("unchecked: no dictionary", &why), BOL_PWV_UNKNOWN);
    assert_int_equal(bol_pw_verdict_parse(NULL, &why), BOL_PWV_UNKNOWN);
    assert_int_equal(bol_password_weakness(S("sunshine12345"), buf, sizeof(buf)), 1);
    assert_null(strstr(buf, "sunshine"));
    assert_int_equal(bol_password_weakness(S("abcabcabcabc"), buf, sizeof(buf)), 1);
    assert_int_equal(bol_password_weakness(S("berth three tide tables"), buf, sizeof(buf)), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_clean),
        cmocka_unit_test(test_accounts),
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_host_tls_files),
        cmocka_unit_test(test_host_refused),
        cmocka_unit_test(test_recovery_and_verify),
        cmocka_unit_test(test_compare_and_profile),
        cmocka_unit_test(test_response),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_verdicts),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
