/* SPDX-License-Identifier: Apache-2.0 */
/* test_incident.c - incident documents, settings, the case, the manifest, reports and STIX */
#include "testutil.h"

#include <jansson.h>

#include "entry.h"
#include "incident.h"
#include "incident_report.h"
#include "jsonv.h"
#include "mem.h"
#include "utctime.h"

#define T0 "2026-03-01T01:00:00.000000Z"

static const char doc_open[] =
    "{\"alerts\":[\"brute_force-7\"],\"freezes\":0,\"id\":\"INC-1\",\"notes\":0,"
    "\"opened_at\":\"" T0 "\",\"severity\":\"high\",\"status\":\"open\",\"terminal\":\"NCT1\","
    "\"title\":\"Password <guessing>\"}";

static json_t *load(const char *s)
{
    json_error_t e;
    json_t *j = json_loads(s, 0, &e);

    assert_non_null(j);
    return j;
}

static void test_documents(void **state)
{
    json_t *d = load(doc_open), *n;
    struct bol_diag diag;

    (void) state;
    assert_int_equal(bol_incident_check(d, NULL), 0);
    json_object_set_new(d, "summary", json_string("early"));
    bol_diag_init(&diag);
    assert_int_equal(bol_incident_check(d, &diag), BOL_E_INVAL);
    assert_string_equal(diag.field, "status");
    json_object_del(d, "summary");
    json_object_set_new(d, "opened_at", json_string("2026-03-01T01:00:00Z"));
    assert_int_equal(bol_incident_check(d, NULL), BOL_E_INVAL); /* not the canonical form */
    json_decref(d);

    n = load("{\"n\":1,\"at\":\"" T0 "\",\"noted_at\":\"" T0 "\",\"kind\":\"address\","
             "\"text\":\"c2\",\"addrs\":[\"198.51.100.1\",\"2001:db8::1\"]}");
    assert_int_equal(bol_incident_note_check(n, NULL), 0);
    json_object_set_new(n, "addrs", json_pack("[s]", "300.1.1.1"));
    bol_diag_init(&diag);
    assert_int_equal(bol_incident_note_check(n, &diag), BOL_E_INVAL);
    assert_string_equal(diag.field, "addrs");
    json_object_set_new(n, "addrs", json_pack("[s,s]", "198.51.100.1", "198.51.100.1"));
    assert_int_equal(bol_incident_note_check(n, NULL), BOL_E_INVAL); /* twice */
    json_object_del(n, "addrs");
    json_object_set_new(n, "kind", json_string("gossip"));
    assert_int_equal(bol_incident_note_check(n, NULL), BOL_E_INVAL);
    json_object_set_new(n, "kind", json_string("malware"));
    json_object_set_new(n, "hashes", json_pack("[s]", "ABCDEF0123456789abcdef0123456789"));
    assert_int_equal(bol_incident_note_check(n, NULL), BOL_E_INVAL); /* upper case */
    json_object_set_new(n, "accounts", json_pack("[s]", "o'brien"));
    json_object_del(n, "hashes");
    assert_int_equal(bol_incident_note_check(n, NULL), BOL_E_INVAL); /* a quote */
    json_decref(n);

    assert_int_equal(bol_incident_id_check(S("INC-2026.1_a"), NULL), 0);
    assert_int_equal(bol_incident_id_check(S("-INC"), NULL), BOL_E_INVAL);
    assert_int_equal(bol_incident_id_check(S("INC 1"), NULL), BOL_E_INVAL);
    assert_int_equal(bol_incident_id_check(S(""), NULL), BOL_E_INVAL);
}

static void test_policy_and_redact(void **state)
{
    struct bol_incident_policy p;
    struct bol_diag diag;
    json_t *sec, *red;

    (void) state;
    bol_incident_policy_init(&p);
    assert_int_equal(p.lookback_us, 24LL * 3600 * 1000000);
    sec = load("{\"organization\":\"Port Co\",\"freeze_lookback_hours\":2}");
    assert_int_equal(bol_incident_policy_from_json(sec, &p, NULL), 0);
    assert_string_equal(p.organization, "Port Co");
    assert_int_equal(p.lookback_us, 2LL * 3600 * 1000000);
    json_decref(sec);
    sec = load("{\"organisation\":\"typo\"}");
    bol_diag_init(&diag);
    assert_int_equal(bol_incident_policy_from_json(sec, &p, &diag), BOL_E_INVAL);
    assert_non_null(strstr(diag.field, "incident."));
    assert_string_equal(p.organization, "Port Co"); /* unchanged */
    json_decref(sec);

    sec = load("{\"alerts\":{\"webhook\":{\"url\":\"https://x\",\"hmac_secret\":\"s1\"},"
               "\"apiKey\":\"s2\",\"list\":[{\"password\":\"s3\"}]},\"n\":1}");
    red = bol_incident_redact(sec);
    assert_non_null(red);
    assert_string_equal(json_string_value(json_object_get(
                            json_object_get(json_object_get(red, "alerts"), "webhook"), "url")),
                        "https://x");
    {
        struct bol_buf t = BOL_BUF_INIT(4096);

        assert_int_equal(jv_dump(red, &t), 0);
        assert_null(strstr(t.buf, "s1"));
        assert_null(strstr(t.buf, "s2"));
        assert_null(strstr(t.buf, "s3"));
        bol_buf_release(&t);
    }
    json_decref(sec);
    json_decref(red);
}

static void test_manifest(void **state)
{
    static struct bol_evidence_manifest m, back;
    struct bol_buf b = BOL_BUF_INIT(1 << 16);
    struct bol_diag diag;
    char *bad;

    (void) state;
    memset(&m, 0, sizeof(m));
    snprintf(m.incident, sizeof(m.incident), "INC-1");
    m.freeze = 2;
    snprintf(m.origin, sizeof(m.origin), "port.example/bollard");
    m.taken_us = 1772326800000000;
    m.from_seq = 10;
    m.to_seq = 20;
    m.nfiles = 2;
    snprintf(m.files[0].path, sizeof(m.files[0].path), "journal.jsonl");
    m.files[0].at_us = m.taken_us + 1;
    m.files[0].size = 123;
    m.files[0].sha256[0] = 0xab;
    snprintf(m.files[1].path, sizeof(m.files[1].path), "host/facts.json");
    m.files[1].at_us = m.taken_us + 2;
    assert_int_equal(bol_evidence_manifest_format(&m, &b, NULL), 0);
    assert_int_equal(bol_evidence_manifest_parse(bol_buf_str(&b), &back, NULL), 0);
    assert_memory_equal(&m, &back, sizeof(m));

    /* every refusal names the line */
    bad = strstr(b.buf, "host/facts.json");
    memcpy(bad, "../facts.json..", 15);
    bol_diag_init(&diag);
    assert_int_equal(bol_evidence_manifest_parse(bol_buf_str(&b), &back, &diag), BOL_E_PARSE);
    assert_int_equal(diag.line, 8);
    bol_buf_reset(&b);
    m.files[1].at_us = m.taken_us; /* before the first file */
    assert_int_equal(bol_evidence_manifest_format(&m, &b, NULL), BOL_E_INVAL);
    assert_int_equal(bol_evidence_manifest_parse(S("bollard incident evidence v1\n"), &back, NULL),
                     BOL_E_PARSE);
    assert_int_equal(bol_evidence_manifest_parse(S(""), &back, NULL), BOL_E_PARSE);

    /* entries that did not decode are named, ascending, inside the range */
    m.files[1].at_us = m.taken_us + 2;
    m.nundecodable = 2;
    m.undecodable[0] = 12;
    m.undecodable[1] = 17;
    bol_buf_reset(&b);
    assert_int_equal(bol_evidence_manifest_format(&m, &b, NULL), 0);
    assert_non_null(strstr(b.buf, "range 10 20\nundecodable 12\nundecodable 17\nfile "));
    assert_int_equal(bol_evidence_manifest_parse(bol_buf_str(&b), &back, NULL), 0);
    assert_memory_equal(&m, &back, sizeof(m));
    bad = strstr(b.buf, "undecodable 17");
    memcpy(bad, "undecodable 21", 14); /* outside the range */
    bol_diag_init(&diag);
    assert_int_equal(bol_evidence_manifest_parse(bol_buf_str(&b), &back, &diag), BOL_E_PARSE);
    assert_int_equal(diag.line, 8);
    memcpy(bad, "undecodable 11", 14); /* before the one above */
    assert_int_equal(bol_evidence_manifest_parse(bol_buf_str(&b), &back, NULL), BOL_E_PARSE);
    m.undecodable[1] = 12;
    bol_buf_reset(&b);
    assert_int_equal(bol_evidence_manifest_format(&m, &b, NULL), BOL_E_INVAL);
    bol_buf_release(&b);
}

/* An entry of type t at time at with payload p, folded into c. */
static void fold(json_t *c, uint64_t seq, const char *type, const char *p)
{
    struct bol_entry e;

    memset(&e, 0, sizeof(e));
    e.seq = seq;
    assert_int_equal(bol_time_parse(S("2026-03-01T02:00:00Z"), &e.at_us, NULL), 0);
    e.at_us += (int64_t) seq * 1000000;
    e.actor = S("user:officer");
    e.type = S(type);
    e.ver = 1;
    e.payload = S(p);
    assert_int_equal(bol_incident_case_add(c, &e, NULL), 0);
}

static json_t *a_case(void)
{
    json_t *c = bol_incident_case_new("INC-1");
    char p[4096];

    fold(c, 1, "container.discharged", "{}");
    fold(c, 2, "alert.raised",
         "{\"alert\":{\"id\":\"brute_force-7\",\"rule\":\"brute_force\",\"severity\":\"high\","
         "\"message\":\"12 failed logins\",\"subject\":{\"user\":\"gate.clerk\",\"addr\":"
         "\"203.0.113.9\"},\"evidence\":[1],\"count\":12,\"first\":\"2026-03-01T00:50:00Z\","
         "\"last\":\"2026-03-01T00:59:00Z\",\"status\":\"open\"}}");
    snprintf(p, sizeof(p), "{\"incident\":%s}", doc_open);
    fold(c, 3, "incident.opened", p);
    snprintf(p, sizeof(p),
             "{\"incident\":%.*s\"notes\":1%s,\"note\":{\"n\":1,\"at\":\"" T0
             "\",\"noted_at\":\"" T0
             "\",\"kind\":\"impact\",\"text\":\"Gate <delayed> & closed\"}}",
             (int) (strstr(doc_open, "\"notes\":0") - doc_open), doc_open,
             strstr(doc_open, "\"notes\":0") + 9);
    fold(c, 4, "incident.noted", p);
    snprintf(p, sizeof(p),
             "{\"incident\":%.*s\"notes\":2%s,\"note\":{\"n\":2,\"at\":\"" T0
             "\",\"noted_at\":\"" T0
             "\",\"kind\":\"address\",\"text\":\"C2\",\"addrs\":[\"198.51.100.77\"]}}",
             (int) (strstr(doc_open, "\"notes\":0") - doc_open), doc_open,
             strstr(doc_open, "\"notes\":0") + 9);
    fold(c, 5, "incident.noted", p);
    snprintf(p, sizeof(p), "{\"incident\":{\"id\":\"INC-2\"}}");
    fold(c, 6, "incident.opened", p); /* another incident: ignored */
    return c;
}

static char *report(json_t *c, enum bol_incident_audience a, enum bol_incident_lang l,
                    enum bol_incident_format f, uint32_t include)
{
    struct bol_incident_policy p;
    struct bol_incident_report_opts o = { a, l, f, 1772330400000000, include, &p };
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    char *s;

    bol_incident_policy_init(&p);
    snprintf(p.organization, sizeof(p.organization), "Port Co");
    assert_int_equal(bol_incident_report(c, &o, &b, NULL), 0);
    s = bol_strdup(b.buf);
    assert_non_null(s);
    bol_buf_release(&b);
    return s;
}

static void test_case_and_reports(void **state)
{
    json_t *c = a_case();
    char *s;

    (void) state;
    assert_int_equal(json_array_size(json_object_get(c, "notes")), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_array_get(json_object_get(c, "notes"), 0), "by")),
        "user:officer");
    assert_int_equal(json_array_size(json_object_get(c, "timeline")), 3);

    s = report(c, BOL_INCIDENT_SHARING, BOL_INCIDENT_JA, BOL_INCIDENT_MD, 0);
    assert_non_null(strstr(s, "不正通信先"));
    assert_non_null(strstr(s, "198.51.100.77"));
    assert_non_null(strstr(s, "203.0.113.9")); /* the alert's subject */
    assert_non_null(strstr(s, "gate.clerk"));  /* ○ for sharing: other attack methods */
    assert_non_null(strstr(s, "単一アカウントへのパスワード総当たり")); /* the rule, in Japanese */
    assert_null(strstr(s, "12 failed logins")); /* the English message is not copied */
    assert_null(strstr(s, "Port Co"));          /* — for sharing */
    assert_null(strstr(s, "Gate"));
    assert_true(strstr(s, "タイミング") < strstr(s, "被害組織名"));
    assert_true(strstr(s, "被害組織名") < strstr(s, "マルウェア"));
    bol_free(s);

    s = report(c, BOL_INCIDENT_PUBLIC, BOL_INCIDENT_EN, BOL_INCIDENT_HTML, 0);
    assert_null(strstr(s, "198.51.100.77")); /* △ for public, not released */
    assert_null(strstr(s, "<delayed>"));
    assert_non_null(strstr(s, "Gate &lt;delayed&gt; &amp; closed"));
    assert_non_null(strstr(s, "Port Co"));
    /* attack timeline: the linked alert by its rule, nothing that names an address or account */
    assert_non_null(strstr(s, "Password guessing on one account"));
    assert_null(strstr(s, "203.0.113.9"));
    assert_null(strstr(s, "gate.clerk"));
    assert_null(strstr(s, "failed logins"));
    assert_null(strstr(s, "user:officer")); /* who responded is an account too */
    assert_non_null(strstr(s, "</html>"));
    bol_free(s);

    s = report(c, BOL_INCIDENT_PUBLIC, BOL_INCIDENT_JA, BOL_INCIDENT_MD, 0);
    assert_non_null(strstr(s, "単一アカウントへのパスワード総当たり"));
    assert_non_null(strstr(s, "重大度: 高"));
    assert_null(strstr(s, "brute\\_force"));
    assert_null(strstr(s, "203.0.113.9"));
    assert_null(strstr(s, "gate.clerk"));
    assert_non_null(strstr(s, "ログイン (認証) 機能")); /* the system the rule says was attacked */
    bol_free(s);

    s = report(c, BOL_INCIDENT_PUBLIC, BOL_INCIDENT_EN, BOL_INCIDENT_MD,
               1u << bol_incident_row("address"));
    assert_non_null(strstr(s, "198.51.100.77"));
    assert_non_null(strstr(s, "Gate &lt;delayed&gt; &amp; closed"));
    bol_free(s);
    json_decref(c);

    c = bol_incident_case_new("INC-9");
    {
        struct bol_incident_report_opts o = { 0 };
        struct bol_buf b = BOL_BUF_INIT(1024);

        assert_int_equal(bol_incident_report(c, &o, &b, NULL), BOL_E_NOTFOUND);
        bol_buf_release(&b);
    }
    json_decref(c);
}

/* The JSON text of o, a new string. */
static char *dump(json_t *o)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    char *s;

    assert_int_equal(jv_dump(o, &b), 0);
    s = bol_strdup(b.buf);
    assert_non_null(s);
    bol_buf_release(&b);
    return s;
}

static void test_stix(void **state)
{
    json_t *c = a_case(), *b1 = NULL, *b2 = NULL, *o;
    size_t i, indicators = 0;
    char *s;

    (void) state;
    assert_int_equal(
        bol_incident_stix(c, "port.example/bollard", NULL, false, 1772330400000000, &b1, NULL), 0);
    assert_int_equal(
        bol_incident_stix(c, "port.example/bollard", NULL, false, 1772330460000000, &b2, NULL), 0);
    assert_string_equal(json_string_value(json_object_get(b1, "type")), "bundle");
    assert_string_not_equal(json_string_value(json_object_get(b1, "id")),
                            json_string_value(json_object_get(b2, "id")));
    json_array_foreach(json_object_get(b1, "objects"), i, o)
    {
        const char *id = json_string_value(json_object_get(o, "id"));

        /* name-based ids: the same in both exports; version 5 */
        assert_string_equal(id, json_string_value(json_object_get(
                                    json_array_get(json_object_get(b2, "objects"), i), "id")));
        assert_int_equal(strstr(id, "--")[16], '5');
        if (!strcmp(json_string_value(json_object_get(o, "type")), "indicator")) {
            indicators++;
            assert_string_equal(json_string_value(json_object_get(o, "pattern_type")), "stix");
        }
    }
    assert_int_equal(indicators, 3); /* 198.51.100.77, 203.0.113.9, gate.clerk */
    /* the checklist keeps the victim's name out of sharing unless asked for */
    s = dump(b1);
    assert_null(strstr(s, "port.example"));
    bol_free(s);
    json_decref(b1);
    b1 = NULL;
    assert_int_equal(
        bol_incident_stix(c, "port.example/bollard", NULL, true, 1772330400000000, &b1, NULL), 0);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(b1, "objects"), 0), "name")),
                        "port.example/bollard");
    json_decref(b1);
    json_decref(b2);
    json_decref(c);
}

/* A decoy read and an entry that did not decode: what each report and the bundle may say. */
static void test_decoy_and_undecodable(void **state)
{
    json_t *c = bol_incident_case_new("INC-1"), *b = NULL;
    char p[4096], *s;

    (void) state;
    fold(c, 2, "alert.raised",
         "{\"alert\":{\"id\":\"canary-8\",\"rule\":\"canary\",\"severity\":\"high\","
         "\"message\":\"decoy container ZTCU5504480 read by key:sqfe45ordn from 203.0.113.9\","
         "\"subject\":{\"container\":\"ZTCU5504480\",\"actor\":\"key:sqfe45ordn\","
         "\"addr\":\"203.0.113.9\"},\"evidence\":[1],\"count\":1,"
         "\"first\":\"2026-03-01T00:50:00Z\",\"last\":\"2026-03-01T00:50:00Z\","
         "\"status\":\"open\"}}");
    fold(c, 3, "alert.raised",
         "{\"alert\":{\"id\":\"canary-9\",\"rule\":\"canary\",\"severity\":\"high\","
         "\"message\":\"decoy user backup-admin used\",\"subject\":{\"user\":"
         "\"backup-admin\",\"addr\":\"203.0.113.9\"},\"evidence\":[1],\"count\":1,"
         "\"first\":\"2026-03-01T00:51:00Z\",\"last\":\"2026-03-01T00:51:00Z\","
         "\"status\":\"open\"}}");
    assert_int_equal(bol_incident_case_skip(c, 4, "expected '\"seq\"' at byte 6\xff"), 0);
    snprintf(p, sizeof(p), "{\"incident\":%.*s\"canary-8\",\"canary-9\"%s}",
             (int) (strstr(doc_open, "\"brute_force-7\"") - doc_open), doc_open,
             strstr(doc_open, "\"brute_force-7\"") + 15);
    fold(c, 5, "incident.opened", p);
    assert_int_equal(json_array_size(json_object_get(c, "undecodable")), 1);
    assert_string_equal(json_string_value(json_object_get(
                            json_array_get(json_object_get(c, "undecodable"), 0), "why")),
                        "expected '\"seq\"' at byte 6?");

    s = report(c, BOL_INCIDENT_PUBLIC, BOL_INCIDENT_EN, BOL_INCIDENT_MD, 0);
    assert_non_null(strstr(s, "A decoy was read or used"));
    assert_null(strstr(s, "ZTCU5504480"));
    assert_null(strstr(s, "sqfe45ordn"));
    assert_null(strstr(s, "backup-admin"));
    assert_null(strstr(s, "203.0.113.9"));
    bol_free(s);
    s = report(c, BOL_INCIDENT_SHARING, BOL_INCIDENT_JA, BOL_INCIDENT_MD,
               1u << bol_incident_row("affected_system"));
    assert_non_null(strstr(s, "key:sqfe45ordn")); /* who read it: for sharing */
    assert_non_null(strstr(s, "203.0.113.9"));
    assert_non_null(strstr(s, "囮の種類: コンテナ"));
    assert_null(strstr(s, "ZTCU5504480")); /* a decoy is named nowhere, nor is it a system */
    assert_null(strstr(s, "backup-admin"));
    assert_non_null(strstr(s, "ジャーナル記録を解読できない")); /* released to sharing */
    assert_non_null(strstr(s, "記録番号 4"));
    bol_free(s);

    assert_int_equal(bol_incident_stix(c, "o", NULL, false, 1772330400000000, &b, NULL), 0);
    s = dump(b);
    assert_non_null(strstr(s, "203.0.113.9"));
    assert_null(strstr(s, "backup-admin"));
    assert_null(strstr(s, "ZTCU5504480"));
    bol_free(s);
    json_decref(b);
    json_decref(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_documents), cmocka_unit_test(test_policy_and_redact),
        cmocka_unit_test(test_manifest),  cmocka_unit_test(test_case_and_reports),
        cmocka_unit_test(test_stix),      cmocka_unit_test(test_decoy_and_undecodable),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
