/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_secpolicy.c - the security policy file's reader
 *
 * A full file, what an absent section means, and for every section the
 * errors, each naming the setting's path ("terminals.DCT1.working_hours[0].from").
 */
#include "testutil.h"

#include <stdio.h>

#include "errors.h"
#include "secpolicy.h"

struct resolver_log {
    unsigned calls;
    char last[64];
};

/* Knows two IANA names; a third resolves to a broken rule. */
static int resolve(void *ctx, const char *name, char rule[BOL_TZ_RULE_MAX], struct bol_diag *diag)
{
    struct resolver_log *log = ctx;

    log->calls++;
    snprintf(log->last, sizeof(log->last), "%s", name);
    if (!strcmp(name, "Asia/Tokyo")) {
        snprintf(rule, BOL_TZ_RULE_MAX, "%s", "JST-9");
        return 0;
    }
    if (!strcmp(name, "Europe/Berlin")) {
        snprintf(rule, BOL_TZ_RULE_MAX, "%s", "CET-1CEST,M3.5.0,M10.5.0/3");
        return 0;
    }
    if (!strcmp(name, "Broken/Zone")) {
        snprintf(rule, BOL_TZ_RULE_MAX, "%s", "XX");
        return 0;
    }
    return bol_diag_fail(diag, BOL_E_NOTFOUND, "tz", "no time zone '%s' on this host", name);
}

static json_t *load(const char *text)
{
    json_error_t err;
    json_t *o = json_loads(text, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &err);

    if (!o)
        fail_msg("bad test JSON (%s): %s", err.text, text);
    return o;
}

static const char full[] =
    "{"
    " \"detect\": {"
    "   \"brute_force\": {\"n\": 5, \"window_s\": 300},"
    "   \"spraying\": {\"off\": true},"
    "   \"mass_change\": {\"n\": 100},"
    "   \"logging_gap\": {\"window_s\": 1800, \"off\": false}"
    " },"
    " \"terminals\": {"
    "   \"DCT1\": {"
    "     \"tz\": \"Asia/Tokyo\","
    "     \"working_hours\": [{\"days\": \"mon-fri\", \"from\": \"08:00\", \"to\": \"18:00\"},"
    "                         {\"days\": \"sat\", \"from\": \"09:00\", \"to\": \"12:30\"}],"
    "     \"change_windows\": [{\"days\": \"sun,wed\", \"from\": \"22:00\", \"to\": \"06:00\"}]"
    "   },"
    "   \"NCT-2\": {\"tz\": \"Europe/Berlin\","
    "              \"working_hours\": [{\"days\": \"fri-mon\", \"from\": \"00:00\", \"to\": "
    "\"24:00\"}]},"
    "   \"*\": {\"tz\": \"UTC0\", \"change_windows\": [{\"days\": \"*\", \"from\": \"23:00\","
    "          \"to\": \"23:30\"}]}"
    " },"
    " \"alerts\": {"
    "   \"syslog\": {\"url\": \"udp://192.0.2.10:514\", \"facility\": 4, \"hostname\": \"tos1\"},"
    "   \"webhook\": {\"url\": \"https://soc.example/hook\", \"secret_file\": \"webhook.key\","
    "                 \"attempts\": 5, \"backoff_max_s\": 60}"
    " },"
    " \"inspect\": {\"dormant_days\": 60},"
    " \"incident\": {\"contacts\": []}"
    "}";

static void test_full(void **state)
{
    struct bol_security_policy p;
    struct resolver_log log = { 0 };
    struct bol_diag d;
    json_t *root = load(full);
    const struct bol_site *s;

    (void) state;
    bol_diag_init(&d);
    if (bol_security_policy_from_json(root, resolve, &log, &p, &d) != 0)
        fail_msg("%s: %s", d.field, d.msg);
    /* detect */
    assert_int_equal(p.detect.rule[BOL_RULE_BRUTE_FORCE].n, 5);
    assert_int_equal(p.detect.rule[BOL_RULE_BRUTE_FORCE].window_us, (int64_t) 300 * 1000000);
    assert_false(p.detect.rule[BOL_RULE_BRUTE_FORCE].off);
    assert_true(p.detect.rule[BOL_RULE_SPRAYING].off);
    assert_int_equal(p.detect.rule[BOL_RULE_SPRAYING].n, 10); /* kept */
    assert_int_equal(p.detect.rule[BOL_RULE_MASS_CHANGE].n, 100);
    assert_int_equal(p.detect.rule[BOL_RULE_MASS_CHANGE].window_us, (int64_t) 300 * 1000000);
    assert_int_equal(p.detect.rule[BOL_RULE_LOGGING_GAP].window_us, (int64_t) 1800 * 1000000);
    assert_int_equal(p.detect.rule[BOL_RULE_BULK_EXPORT].n, 5000);
    /* terminals: IANA names through the resolver, POSIX rules directly */
    assert_int_equal(log.calls, 2);
    assert_int_equal(p.detect.nsites, 3);
    s = bol_detect_site(&p.detect, S("DCT1"));
    assert_non_null(s);
    assert_string_equal(s->tz_name, "Asia/Tokyo");
    assert_int_equal(s->tz.std_east_s, 9 * 3600);
    assert_int_equal(s->nwork, 2);
    assert_int_equal(s->work[0].days, 0x1f);
    assert_int_equal(s->work[0].from_min, 8 * 60);
    assert_int_equal(s->work[0].to_min, 18 * 60);
    assert_int_equal(s->work[1].days, 0x20);
    assert_int_equal(s->work[1].to_min, 12 * 60 + 30);
    assert_int_equal(s->nchange, 1);
    assert_int_equal(s->change[0].days, 0x40 | 0x04);
    assert_int_equal(s->change[0].from_min, 22 * 60);
    assert_int_equal(s->change[0].to_min, 6 * 60);
    s = bol_detect_site(&p.detect, S("NCT-2"));
    assert_non_null(s);
    assert_true(s->tz.has_dst);
    assert_int_equal(s->work[0].days, 0x10 | 0x20 | 0x40 | 0x01); /* fri-mon wraps */
    assert_int_equal(s->work[0].to_min, 24 * 60);
    assert_int_equal(s->nchange, 0);
    s = bol_detect_site(&p.detect, S("OTHER"));
    assert_non_null(s);
    assert_string_equal(s->terminal, "*");
    assert_string_equal(s->tz_name, "UTC0");
    assert_int_equal(s->change[0].days, 0x7f);
    assert_int_equal(s->nwork, 0);
    /* alerts */
    assert_string_equal(p.alerts.syslog_url, "udp://192.0.2.10:514");
    assert_int_equal(p.alerts.facility, 4);
    assert_string_equal(p.alerts.hostname, "tos1");
    assert_string_equal(p.alerts.webhook_url, "https://soc.example/hook");
    assert_string_equal(p.alerts.webhook_secret_file, "webhook.key");
    assert_int_equal(p.alerts.webhook_attempts, 5);
    assert_int_equal(p.alerts.webhook_backoff_max_s, 60);
    /* the other owners' sections, borrowed */
    assert_ptr_equal(p.inspect, json_object_get(root, "inspect"));
    assert_ptr_equal(p.incident, json_object_get(root, "incident"));
    json_decref(root);
}

static void test_defaults(void **state)
{
    struct bol_security_policy p, def;
    struct bol_detect_policy dp;
    json_t *root = load("{}");

    (void) state;
    assert_int_equal(bol_security_policy_from_json(root, NULL, NULL, &p, NULL), 0);
    bol_security_policy_default(&def);
    bol_detect_policy_default(&dp);
    for (unsigned i = 0; i < BOL_RULE_N; i++) {
        assert_int_equal(p.detect.rule[i].off, dp.rule[i].off);
        assert_int_equal(p.detect.rule[i].n, dp.rule[i].n);
        assert_int_equal(p.detect.rule[i].window_us, dp.rule[i].window_us);
    }
    assert_int_equal(p.detect.rule[BOL_RULE_BRUTE_FORCE].window_us, (int64_t) 600 * 1000000);
    assert_int_equal(p.alerts.facility, def.alerts.facility);
    assert_int_equal(p.alerts.webhook_attempts, def.alerts.webhook_attempts);
    assert_int_equal(p.alerts.webhook_backoff_max_s, def.alerts.webhook_backoff_max_s);
    assert_int_equal(p.alerts.facility, 13);
    assert_int_equal(p.alerts.webhook_attempts, 8);
    assert_int_equal(p.alerts.webhook_backoff_max_s, 300);
    assert_string_equal(p.alerts.syslog_url, "");
    assert_null(p.inspect);
    assert_null(p.incident);
    assert_int_equal(p.detect.nsites, 0);
    json_decref(root);

    /* A POSIX rule needs no resolver; a syslog with only a URL keeps the defaults. */
    root = load("{\"terminals\":{\"X1\":{\"tz\":\"<+0530>-5:30\"}},"
                "\"alerts\":{\"syslog\":{\"url\":\"tcp://[2001:db8::1]:6514\"}}}");
    assert_int_equal(bol_security_policy_from_json(root, NULL, NULL, &p, NULL), 0);
    assert_int_equal(p.detect.site[0].tz.std_east_s, 19800);
    assert_int_equal(p.alerts.facility, 13);
    assert_string_equal(p.alerts.webhook_url, "");
    json_decref(root);
}

/* The text is refused with code, the diag's field is path and the message names it too. */
static void refused_code(const char *text, int code, const char *path)
{
    struct bol_security_policy p;
    struct resolver_log log = { 0 };
    struct bol_diag d;
    json_t *root = load(text);

    bol_diag_init(&d);
    assert_int_equal(bol_security_policy_from_json(root, resolve, &log, &p, &d), code);
    if (strcmp(d.field, path) != 0)
        fail_msg("%s\n  field '%s' (%s), want '%s'", text, d.field, d.msg, path);
    if (path[0] && !strstr(d.msg, path))
        fail_msg("%s\n  message '%s' does not name '%s'", text, d.msg, path);
    json_decref(root);
}

static void refused(const char *text, const char *path)
{
    refused_code(text, BOL_E_INVAL, path);
}

static void test_root_errors(void **state)
{
    (void) state;
    refused("[]", "");
    refused("{\"detection\":{}}", "detection");
    refused("{\"detect\":{},\"extra\":1}", "extra");
}

static void test_detect_errors(void **state)
{
    (void) state;
    refused("{\"detect\":[]}", "detect");
    refused("{\"detect\":{\"nope\":{}}}", "detect.nope");
    refused("{\"detect\":{\"journal_verify_failed\":{}}}", "detect.journal_verify_failed");
    refused("{\"detect\":{\"brute_force\":3}}", "detect.brute_force");
    refused("{\"detect\":{\"brute_force\":{\"limit\":3}}}", "detect.brute_force.limit");
    refused("{\"detect\":{\"brute_force\":{\"off\":\"yes\"}}}", "detect.brute_force.off");
    refused("{\"detect\":{\"brute_force\":{\"n\":0}}}", "detect.brute_force.n");
    refused("{\"detect\":{\"brute_force\":{\"n\":1000001}}}", "detect.brute_force.n");
    refused("{\"detect\":{\"brute_force\":{\"n\":\"5\"}}}", "detect.brute_force.n");
    refused("{\"detect\":{\"spraying\":{\"window_s\":0}}}", "detect.spraying.window_s");
    refused("{\"detect\":{\"spraying\":{\"window_s\":604801}}}", "detect.spraying.window_s");
    refused("{\"detect\":{\"spraying\":{\"window_s\":1.5}}}", "detect.spraying.window_s");
}

#define TERM(body) "{\"terminals\":{\"DCT1\":" body "}}"
#define WORK(span) TERM("{\"tz\":\"JST-9\",\"working_hours\":[" span "]}")

static void test_terminal_errors(void **state)
{
    char big[4096];
    size_t n = 0;

    (void) state;
    refused("{\"terminals\":[]}", "terminals");
    refused("{\"terminals\":{\"dct1\":{\"tz\":\"JST-9\"}}}", "terminals.dct1");
    refused("{\"terminals\":{\"ABCDEFGHIJKLMNOPQ\":{\"tz\":\"JST-9\"}}}",
            "terminals.ABCDEFGHIJKLMNOPQ");
    refused("{\"terminals\":{\"\":{\"tz\":\"JST-9\"}}}", "terminals.");
    refused(TERM("[]"), "terminals.DCT1");
    refused(TERM("{\"tz\":\"JST-9\",\"hours\":[]}"), "terminals.DCT1.hours");
    refused(TERM("{}"), "terminals.DCT1.tz");
    refused(TERM("{\"tz\":\"\"}"), "terminals.DCT1.tz");
    refused(TERM("{\"tz\":9}"), "terminals.DCT1.tz");
    /* IANA names go to the resolver, whose error is named by the setting. */
    refused_code(TERM("{\"tz\":\"Mars/Olympus\"}"), BOL_E_NOTFOUND, "terminals.DCT1.tz");
    refused(TERM("{\"tz\":\"Broken/Zone\"}"), "terminals.DCT1.tz");
    /* Without a resolver only POSIX rules do. */
    {
        struct bol_security_policy p;
        struct bol_diag d;
        json_t *root = load(TERM("{\"tz\":\"Asia/Tokyo\"}"));

        bol_diag_init(&d);
        assert_int_equal(bol_security_policy_from_json(root, NULL, NULL, &p, &d), BOL_E_INVAL);
        assert_string_equal(d.field, "terminals.DCT1.tz");
        json_decref(root);
    }
    /* spans */
    refused(TERM("{\"tz\":\"JST-9\",\"working_hours\":{}}"), "terminals.DCT1.working_hours");
    refused(TERM("{\"tz\":\"JST-9\",\"working_hours\":[]}"), "terminals.DCT1.working_hours");
    refused(TERM("{\"tz\":\"JST-9\",\"change_windows\":7}"), "terminals.DCT1.change_windows");
    refused(WORK("1"), "terminals.DCT1.working_hours[0]");
    refused(WORK("{\"days\":\"mon\",\"from\":\"08:00\",\"to\":\"09:00\",\"tz\":\"UTC0\"}"),
            "terminals.DCT1.working_hours[0].tz");
    refused(WORK("{\"from\":\"08:00\",\"to\":\"09:00\"}"), "terminals.DCT1.working_hours[0].days");
    refused(WORK("{\"days\":\"monday\",\"from\":\"08:00\",\"to\":\"09:00\"}"),
            "terminals.DCT1.working_hours[0].days");
    refused(WORK("{\"days\":\"mon-xyz\",\"from\":\"08:00\",\"to\":\"09:00\"}"),
            "terminals.DCT1.working_hours[0].days");
    refused(WORK("{\"days\":\"mon,\",\"from\":\"08:00\",\"to\":\"09:00\"}"),
            "terminals.DCT1.working_hours[0].days");
    refused(WORK("{\"days\":\"\",\"from\":\"08:00\",\"to\":\"09:00\"}"),
            "terminals.DCT1.working_hours[0].days");
    refused(WORK("{\"days\":\"Mon\",\"from\":\"08:00\",\"to\":\"09:00\"}"),
            "terminals.DCT1.working_hours[0].days");
    refused(WORK("{\"days\":\"mon\",\"from\":\"8:00\",\"to\":\"09:00\"}"),
            "terminals.DCT1.working_hours[0].from");
    refused(WORK("{\"days\":\"mon\",\"to\":\"09:00\"}"), "terminals.DCT1.working_hours[0].from");
    refused(WORK("{\"days\":\"mon\",\"from\":\"08:60\",\"to\":\"09:00\"}"),
            "terminals.DCT1.working_hours[0].from");
    refused(WORK("{\"days\":\"mon\",\"from\":\"08:00\",\"to\":\"24:01\"}"),
            "terminals.DCT1.working_hours[0].to");
    refused(WORK("{\"days\":\"mon\",\"from\":\"08:00\",\"to\":\"25:00\"}"),
            "terminals.DCT1.working_hours[0].to");
    refused(WORK("{\"days\":\"mon\",\"from\":\"08:00\",\"to\":900}"),
            "terminals.DCT1.working_hours[0].to");
    refused(WORK("{\"days\":\"mon\",\"from\":\"08:00\",\"to\":\"09:00\"},"
                 "{\"days\":\"tue\",\"from\":\"10:00\",\"to\":\"10:00\"}"),
            "terminals.DCT1.working_hours[1]");
    refused(TERM("{\"tz\":\"JST-9\",\"change_windows\":["
                 "{\"days\":\"sat\",\"from\":\"08:00\",\"to\":\"09:00\"},"
                 "{\"days\":\"sun\",\"from\":\"08:00\",\"to\":\"9\"}]}"),
            "terminals.DCT1.change_windows[1].to");
    /* More than 16 spans, more than 32 terminals. */
    n += (size_t) snprintf(big + n, sizeof(big) - n,
                           "{\"terminals\":{\"DCT1\":{\"tz\":\"JST-9\","
                           "\"working_hours\":[");
    for (int i = 0; i <= BOL_SITE_SPANS_MAX; i++)
        n += (size_t) snprintf(big + n, sizeof(big) - n,
                               "%s{\"days\":\"mon\",\"from\":\"08:00\",\"to\":\"09:00\"}",
                               i ? "," : "");
    snprintf(big + n, sizeof(big) - n, "]}}}");
    refused(big, "terminals.DCT1.working_hours");
    n = (size_t) snprintf(big, sizeof(big), "{\"terminals\":{");
    for (int i = 0; i <= BOL_SITES_MAX; i++)
        n += (size_t) snprintf(big + n, sizeof(big) - n, "%s\"T%d\":{\"tz\":\"UTC0\"}",
                               i ? "," : "", i);
    snprintf(big + n, sizeof(big) - n, "}}");
    refused(big, "terminals");
}

static void test_alert_errors(void **state)
{
    (void) state;
    refused("{\"alerts\":[]}", "alerts");
    refused("{\"alerts\":{\"pager\":{}}}", "alerts.pager");
    refused("{\"alerts\":{\"syslog\":[]}}", "alerts.syslog");
    refused("{\"alerts\":{\"syslog\":{\"url\":\"udp://h:514\",\"port\":514}}}",
            "alerts.syslog.port");
    refused("{\"alerts\":{\"syslog\":{}}}", "alerts.syslog.url");
    refused("{\"alerts\":{\"syslog\":{\"url\":\"http://h:514\"}}}", "alerts.syslog.url");
    refused("{\"alerts\":{\"syslog\":{\"url\":\"udp://\"}}}", "alerts.syslog.url");
    refused("{\"alerts\":{\"syslog\":{\"url\":\"udp://h :514\"}}}", "alerts.syslog.url");
    refused("{\"alerts\":{\"syslog\":{\"url\":\"\"}}}", "alerts.syslog.url");
    refused("{\"alerts\":{\"syslog\":{\"url\":\"udp://h:514\",\"facility\":24}}}",
            "alerts.syslog.facility");
    refused("{\"alerts\":{\"syslog\":{\"url\":\"udp://h:514\",\"facility\":-1}}}",
            "alerts.syslog.facility");
    refused("{\"alerts\":{\"syslog\":{\"url\":\"udp://h:514\",\"hostname\":\"\"}}}",
            "alerts.syslog.hostname");
    refused("{\"alerts\":{\"webhook\":{\"url\":\"https://h/x\"}}}", "alerts.webhook.secret_file");
    refused("{\"alerts\":{\"webhook\":{\"url\":\"ftp://h/x\",\"secret_file\":\"k\"}}}",
            "alerts.webhook.url");
    refused("{\"alerts\":{\"webhook\":{\"secret_file\":\"k\"}}}", "alerts.webhook.url");
    refused("{\"alerts\":{\"webhook\":{\"url\":\"https://h/x\",\"secret_file\":\"k\","
            "\"attempts\":0}}}",
            "alerts.webhook.attempts");
    refused("{\"alerts\":{\"webhook\":{\"url\":\"https://h/x\",\"secret_file\":\"k\","
            "\"backoff_max_s\":3601}}}",
            "alerts.webhook.backoff_max_s");
    refused("{\"alerts\":{\"webhook\":{\"url\":\"https://h/x\",\"secret_file\":\"k\","
            "\"sign\":false}}}",
            "alerts.webhook.sign");
    refused("{\"alerts\":{\"webhook\":{\"url\":\"https://h/x\",\"secret_file\":\"a\\u0000b\"}}}",
            "alerts.webhook.secret_file");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_full),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_root_errors),
        cmocka_unit_test(test_detect_errors),
        cmocka_unit_test(test_terminal_errors),
        cmocka_unit_test(test_alert_errors),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
