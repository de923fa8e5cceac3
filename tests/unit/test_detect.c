/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_detect.c - detection rules over journal entries, and the alert's JSON
 *
 * Entries are built by hand with payloads shaped like the real events
 * (auth.login {"user","result","method"}, account.* {"account": ...} as
 * bol_account_to_json writes it, data.exported {"what","rows"},
 * canary.tripped {"kind","id","how"}, service.*).  Each rule is checked at
 * its threshold and one below, at its window's edges, for its quiet period,
 * its evidence and its message.
 */
#include "testutil.h"

#include <stdio.h>

#include "account.h"
#include "detect.h"
#include "errors.h"
#include "utctime.h"

#define US  ((int64_t) 1000000)
#define SEC US
#define MIN (60 * US)

/* 2026-06-01T00:00:00Z, a Monday. */
#define T0 ((int64_t) 1780272000 * US)

#define MAX_SEEN 16

struct sink {
    unsigned n;
    struct bol_alert a[MAX_SEEN];
};

static struct bol_detect *eng;
static struct sink seen;
static uint64_t next_seq;
static char payload_buf[4096];

static void collect(void *ctx, const struct bol_alert *a)
{
    struct sink *s = ctx;

    if (s->n < MAX_SEEN)
        s->a[s->n] = *a;
    s->n++;
}

static void start_with(const struct bol_detect_policy *p)
{
    assert_int_equal(bol_detect_new(p, &eng), 0);
    memset(&seen, 0, sizeof(seen));
    next_seq = 1;
}

static void start_default(void)
{
    struct bol_detect_policy p;

    bol_detect_policy_default(&p);
    start_with(&p);
}

static void stop(void)
{
    bol_detect_free(eng);
    eng = NULL;
}

/* Feed one entry; returns its sequence number.  prime: fn == NULL. */
static uint64_t feed_as(bool prime, int64_t at, const char *actor, const char *addr,
                        const char *terminal, const char *type, const char *payload)
{
    struct bol_entry e = {
        .seq = next_seq++,
        .at_us = at,
        .actor = S(actor),
        .addr = S(addr),
        .terminal = S(terminal),
        .type = S(type),
        .ver = 1,
        .req = S(""),
        .payload = S(payload),
    };

    assert_int_equal(bol_detect_feed(eng, &e, prime ? NULL : collect, &seen), 0);
    return e.seq;
}

static uint64_t feed(int64_t at, const char *actor, const char *addr, const char *terminal,
                     const char *type, const char *payload)
{
    return feed_as(false, at, actor, addr, terminal, type, payload);
}

static uint64_t login(int64_t at, const char *user, const char *result, const char *addr)
{
    char p[256];

    snprintf(p, sizeof(p), "{\"method\":\"password\",\"result\":\"%s\",\"user\":\"%s\"}", result,
             user);
    return feed(at, user[0] ? "system" : "anonymous", addr, "", "auth.login", p);
}

static void assert_contains(const char *hay, const char *needle)
{
    if (!strstr(hay, needle))
        fail_msg("'%s' does not contain '%s'", hay, needle);
}

/* The only alert raised so far is of this rule; returns it. */
static const struct bol_alert *only_alert(const char *rule)
{
    if (seen.n != 1)
        fail_msg("%u alerts, want one %s", seen.n, rule);
    assert_string_equal(seen.a[0].rule, rule);
    assert_false(seen.a[0].acknowledged);
    return &seen.a[0];
}

/* Evidence is exactly the seqs first..first+n-1 (consecutive entries). */
static void assert_evidence_run(const struct bol_alert *a, uint64_t first, unsigned n)
{
    assert_int_equal(a->nevidence, n);
    for (unsigned i = 0; i < n; i++)
        assert_int_equal(a->evidence[i], first + i);
}

/* ---- an account's JSON payload ---- */

static const char *account_payload(const char *user, uint32_t roles, bool mfa)
{
    struct bol_account a;
    json_t *o, *wrap;
    size_t n;

    memset(&a, 0, sizeof(a));
    snprintf(a.user, sizeof(a.user), "%s", user);
    a.kind = BOL_ACCOUNT_PERSON;
    a.roles = roles;
    a.scope.all = true;
    a.status = BOL_ACCOUNT_ACTIVE;
    a.mfa = mfa;
    a.mfa_required = mfa || (roles & BOL_ROLES_PRIVILEGED);
    assert_int_equal(bol_account_to_json(&a, &o), 0);
    wrap = json_pack("{s:o}", "account", o);
    assert_non_null(wrap);
    n = json_dumpb(wrap, payload_buf, sizeof(payload_buf) - 1, JSON_COMPACT | JSON_SORT_KEYS);
    assert_true(n > 0 && n < sizeof(payload_buf) - 1);
    payload_buf[n] = '\0';
    json_decref(wrap);
    return payload_buf;
}

static uint64_t account_event(int64_t at, const char *type, const char *user, uint32_t roles,
                              bool mfa)
{
    return feed(at, "user:root", "192.0.2.1", "", type, account_payload(user, roles, mfa));
}

#define ROLE(r) BOL_ROLE_BIT(BOL_ROLE_##r)

/* ---- brute force ---- */

static void test_brute_force_threshold(void **state)
{
    uint64_t first;
    const struct bol_alert *a;

    (void) state;
    start_default();
    first = login(T0, "tanaka", "bad_password", "198.51.100.7");
    for (int i = 1; i < 9; i++)
        login(T0 + i * 30 * SEC, "tanaka", "bad_password", "198.51.100.7");
    assert_int_equal(seen.n, 0); /* 9 of 10 */
    login(T0 + 9 * 30 * SEC, "tanaka", "bad_password", "198.51.100.7");
    a = only_alert("brute_force");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_string_equal(a->subject.user, "tanaka");
    assert_string_equal(a->subject.addr, "198.51.100.7");
    assert_int_equal(a->count, 10);
    assert_evidence_run(a, first, 10);
    assert_int_equal(a->first_us, T0);
    assert_int_equal(a->last_us, T0 + 270 * SEC);
    assert_string_equal(a->id, "brute_force-10");
    assert_contains(a->message, "tanaka");
    assert_contains(a->message, "10 failed logins");

    /* Still going inside the window: quiet. */
    for (int i = 10; i < 29; i++)
        login(T0 + i * 30 * SEC, "tanaka", "bad_password", "198.51.100.7");
    assert_int_equal(seen.n, 1);
    /* Ten minutes after the raise: the next one raises again, naming the window's entries. */
    login(T0 + 270 * SEC + 10 * MIN, "tanaka", "bad_password", "198.51.100.7");
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.a[1].rule, "brute_force");
    assert_true(seen.a[1].count >= 10);
    assert_true(seen.a[1].nevidence <= BOL_ALERT_EVIDENCE_MAX);
    assert_int_equal(seen.a[1].evidence[seen.a[1].nevidence - 1], next_seq - 1);
    stop();
}

static void test_brute_force_window_edges(void **state)
{
    (void) state;
    /* The oldest failure exactly one window before the tenth still counts. */
    start_default();
    login(T0, "suzuki", "bad_password", "198.51.100.7");
    for (int i = 0; i < 8; i++)
        login(T0 + 5 * MIN, "suzuki", "bad_password", "198.51.100.7");
    assert_int_equal(seen.n, 0);
    login(T0 + 10 * MIN, "suzuki", "bad_password", "198.51.100.7");
    assert_int_equal(only_alert("brute_force")->count, 10);
    stop();

    /* One microsecond later it has left the window. */
    start_default();
    login(T0, "suzuki", "bad_password", "198.51.100.7");
    for (int i = 0; i < 8; i++)
        login(T0 + 5 * MIN, "suzuki", "bad_password", "198.51.100.7");
    login(T0 + 10 * MIN + 1, "suzuki", "bad_password", "198.51.100.7");
    assert_int_equal(seen.n, 0);
    login(T0 + 10 * MIN + 2, "suzuki", "bad_password", "198.51.100.7");
    assert_int_equal(only_alert("brute_force")->count, 10);
    stop();
}

static void test_brute_force_counts(void **state)
{
    uint64_t first;

    (void) state;
    /* Attempts on a locked account and bad codes count; MFA prompts and successes do not. */
    start_default();
    first = login(T0, "ito", "bad_password", "198.51.100.7");
    for (int i = 1; i < 5; i++)
        login(T0 + i * SEC, "ito", "bad_password", "198.51.100.7");
    login(T0 + 5 * SEC, "ito", "mfa_needed", "198.51.100.7");
    login(T0 + 6 * SEC, "ito", "bad_code", "198.51.100.7");
    for (int i = 7; i < 10; i++)
        login(T0 + i * SEC, "ito", "locked", "198.51.100.7");
    assert_int_equal(seen.n, 0); /* 9 failures */
    login(T0 + 10 * SEC, "ito", "locked", "198.51.100.7");
    assert_int_equal(only_alert("brute_force")->count, 10);
    assert_int_equal(seen.a[0].evidence[0], first);
    assert_int_equal(seen.a[0].nevidence, 10);
    stop();

    /* Unknown accounts ("" user) are not an account to brute force; other accounts do not add up. */
    start_default();
    for (int i = 0; i < 9; i++) {
        login(T0 + i * SEC, "", "unknown_user", "198.51.100.7");
        login(T0 + i * SEC, "kato", "bad_password", "198.51.100.8");
        login(T0 + i * SEC, "sato", "bad_password", "198.51.100.9");
    }
    assert_int_equal(seen.n, 0);
    stop();

    /* Switched off by policy. */
    {
        struct bol_detect_policy p;

        bol_detect_policy_default(&p);
        p.rule[BOL_RULE_BRUTE_FORCE].off = true;
        start_with(&p);
        for (int i = 0; i < 20; i++)
            login(T0 + i * SEC, "ito", "bad_password", "198.51.100.7");
        assert_int_equal(seen.n, 0);
        stop();
    }
    /* A lower threshold and shorter window from the policy. */
    {
        struct bol_detect_policy p;

        bol_detect_policy_default(&p);
        p.rule[BOL_RULE_BRUTE_FORCE].n = 3;
        p.rule[BOL_RULE_BRUTE_FORCE].window_us = MIN;
        start_with(&p);
        login(T0, "ito", "bad_password", "198.51.100.7");
        login(T0 + 30 * SEC, "ito", "bad_password", "198.51.100.7");
        login(T0 + 61 * SEC, "ito", "bad_password", "198.51.100.7");
        assert_int_equal(seen.n, 0);
        login(T0 + 62 * SEC, "ito", "bad_password", "198.51.100.7");
        assert_int_equal(only_alert("brute_force")->count, 3);
        assert_contains(seen.a[0].message, "in 1 minutes");
        stop();
    }
}

/* ---- spraying ---- */

static void test_spraying(void **state)
{
    char user[32];
    uint64_t first = 0;
    const struct bol_alert *a;

    (void) state;
    start_default();
    for (int i = 0; i < 9; i++) {
        snprintf(user, sizeof(user), "user%d", i);
        /* Each account twice: 18 attempts, 9 accounts. */
        uint64_t s = login(T0 + i * MIN, user, "bad_password", "203.0.113.5");

        login(T0 + i * MIN + SEC, user, "bad_password", "203.0.113.5");
        if (i == 0)
            first = s;
    }
    assert_int_equal(seen.n, 0);
    login(T0 + 20 * MIN, "user9", "bad_password", "203.0.113.5");
    a = only_alert("spraying");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_string_equal(a->subject.addr, "203.0.113.5");
    assert_string_equal(a->subject.user, "");
    assert_int_equal(a->count, 19);
    assert_evidence_run(a, first, 19);
    assert_contains(a->message, "10 accounts");
    assert_contains(a->message, "203.0.113.5");
    /* More accounts inside the window: quiet. */
    login(T0 + 21 * MIN, "user10", "bad_password", "203.0.113.5");
    assert_int_equal(seen.n, 1);
    stop();
}

static void test_spraying_unknown_users_and_window(void **state)
{
    (void) state;
    /* Unknown names are each counted once. */
    start_default();
    for (int i = 0; i < 9; i++)
        login(T0 + i * SEC, "", "unknown_user", "203.0.113.6");
    assert_int_equal(seen.n, 0);
    login(T0 + 9 * SEC, "", "unknown_user", "203.0.113.6");
    assert_int_equal(only_alert("spraying")->count, 10);
    stop();

    /* The first account leaves the 30-minute window one microsecond too early. */
    start_default();
    login(T0, "", "unknown_user", "203.0.113.6");
    for (int i = 1; i < 9; i++)
        login(T0 + i * MIN, "", "unknown_user", "203.0.113.6");
    login(T0 + 30 * MIN + 1, "", "unknown_user", "203.0.113.6");
    assert_int_equal(seen.n, 0);
    login(T0 + 30 * MIN + 2, "", "unknown_user", "203.0.113.6");
    assert_int_equal(only_alert("spraying")->count, 10);
    stop();

    /* Exactly at the edge it still counts. */
    start_default();
    login(T0, "", "unknown_user", "203.0.113.6");
    for (int i = 1; i < 9; i++)
        login(T0 + i * MIN, "", "unknown_user", "203.0.113.6");
    login(T0 + 30 * MIN, "", "unknown_user", "203.0.113.6");
    assert_int_equal(only_alert("spraying")->count, 10);
    stop();

    /* Without an address there is nothing to follow; different addresses do not add up. */
    start_default();
    for (int i = 0; i < 27; i++)
        login(T0 + i * SEC, "", "unknown_user",
              i % 3 == 0   ? ""
              : i % 3 == 1 ? "203.0.113.7"
                           : "203.0.113.8");
    assert_int_equal(seen.n, 0);
    stop();
}

/* An unknown name's failed login, as the server journals it: a keyed hash of the name. */
static uint64_t login_tagged(int64_t at, const char *tag, const char *addr)
{
    char p[256];

    snprintf(p, sizeof(p),
             "{\"method\":\"password\",\"name_tag\":\"%s\",\"result\":\"unknown_user\"}", tag);
    return feed(at, "system", addr, "", "auth.login", p);
}

static void test_spraying_name_tags(void **state)
{
    char tag[17];

    (void) state;
    /* One person mistyping the same unknown name twenty times is one account. */
    start_default();
    for (int i = 0; i < 20; i++)
        login_tagged(T0 + i * SEC, "00000000000000aa", "203.0.113.9");
    assert_int_equal(seen.n, 0);
    /* With seven other names and a real account, nine; one more name, ten. */
    for (int i = 0; i < 7; i++) {
        snprintf(tag, sizeof(tag), "%016x", 0x100 + i);
        login_tagged(T0 + MIN + i * SEC, tag, "203.0.113.9");
        login_tagged(T0 + MIN + i * SEC + 1, tag, "203.0.113.9");
    }
    assert_int_equal(seen.n, 0);
    login(T0 + 2 * MIN, "ann", "bad_password", "203.0.113.9");
    assert_int_equal(seen.n, 0);
    login_tagged(T0 + 3 * MIN, "00000000000001ff", "203.0.113.9");
    assert_contains(only_alert("spraying")->message, "10 accounts");
    stop();

    /* A name tag is never taken for the account of the same spelling. */
    start_default();
    for (int i = 0; i < 5; i++) {
        snprintf(tag, sizeof(tag), "%016x", i);
        login_tagged(T0 + i * SEC, tag, "203.0.113.10");
        snprintf(tag, sizeof(tag), "%x", i);
        login(T0 + i * SEC, tag, "bad_password", "203.0.113.10");
    }
    assert_contains(only_alert("spraying")->message, "10 accounts");
    stop();
}

/* ---- success after failures ---- */

static void test_success_after_failures(void **state)
{
    uint64_t first, ok;
    const struct bol_alert *a;

    (void) state;
    /* Four failures, then a success: nothing. */
    start_default();
    for (int i = 0; i < 4; i++)
        login(T0 + i * MIN, "mori", "bad_password", "198.51.100.20");
    login(T0 + 5 * MIN, "mori", "ok", "198.51.100.20");
    assert_int_equal(seen.n, 0);
    stop();

    /* Five: raised, naming the failures and the success. */
    start_default();
    first = login(T0, "mori", "bad_password", "198.51.100.20");
    for (int i = 1; i < 5; i++)
        login(T0 + i * MIN, "mori", "bad_password", "198.51.100.20");
    ok = login(T0 + 29 * MIN, "mori", "ok", "198.51.100.21");
    a = only_alert("success_after_failures");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_string_equal(a->subject.user, "mori");
    assert_string_equal(a->subject.addr, "198.51.100.21");
    assert_int_equal(a->count, 6);
    assert_evidence_run(a, first, 6);
    assert_int_equal(a->evidence[5], ok);
    assert_int_equal(a->first_us, T0);
    assert_int_equal(a->last_us, T0 + 29 * MIN);
    assert_contains(a->message, "mori");
    assert_contains(a->message, "after 5 failed logins");
    /* The success closed the run: the next success is quiet. */
    login(T0 + 31 * MIN, "mori", "ok", "198.51.100.21");
    assert_int_equal(seen.n, 1);
    stop();

    /* A failure older than the window does not count. */
    start_default();
    login(T0, "mori", "bad_password", "198.51.100.20");
    for (int i = 1; i < 5; i++)
        login(T0 + i * MIN, "mori", "bad_password", "198.51.100.20");
    login(T0 + 30 * MIN + 1, "mori", "ok", "198.51.100.20");
    assert_int_equal(seen.n, 0);
    stop();

    /* Many failures (brute force first), then a success: evidence ends with the success. */
    start_default();
    for (int i = 0; i < 12; i++)
        login(T0 + i * SEC, "mori", "bad_password", "198.51.100.20");
    ok = login(T0 + 20 * SEC, "mori", "ok", "198.51.100.20");
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.a[0].rule, "brute_force");
    a = &seen.a[1];
    assert_string_equal(a->rule, "success_after_failures");
    assert_int_equal(a->nevidence, 13);
    assert_int_equal(a->count, 13);
    assert_contains(a->message, "after 12 failed logins");
    assert_int_equal(a->evidence[a->nevidence - 1], ok);
    for (unsigned i = 1; i < a->nevidence; i++)
        assert_true(a->evidence[i - 1] < a->evidence[i]);
    assert_int_equal(a->first_us, T0);
    assert_int_equal(a->last_us, T0 + 20 * SEC);
    stop();
}

/* ---- accounts: MFA and roles ---- */

static void test_mfa_reset(void **state)
{
    uint64_t s;
    const struct bol_alert *a;

    (void) state;
    start_default();
    account_event(T0, "account.created", "nakamura", ROLE(CLERK), false);
    account_event(T0 + MIN, "account.mfa_enrolled", "nakamura", ROLE(CLERK), true);
    account_event(T0 + 2 * MIN, "account.password_set", "nakamura", ROLE(CLERK), true);
    assert_int_equal(seen.n, 0);
    s = account_event(T0 + 3 * MIN, "account.mfa_reset", "nakamura", ROLE(CLERK), false);
    a = only_alert("mfa_reset");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_string_equal(a->subject.user, "nakamura");
    assert_string_equal(a->subject.actor, "user:root");
    assert_evidence_run(a, s, 1);
    assert_int_equal(a->count, 1);
    assert_contains(a->message, "nakamura");
    assert_contains(a->message, "reset");

    /* Turned off by an update. */
    seen.n = 0;
    account_event(T0 + 4 * MIN, "account.mfa_enrolled", "nakamura", ROLE(CLERK), true);
    account_event(T0 + 5 * MIN, "account.updated", "nakamura", ROLE(CLERK), false);
    a = only_alert("mfa_reset");
    assert_contains(a->message, "turned off");
    /* An update that keeps MFA off is quiet. */
    account_event(T0 + 6 * MIN, "account.updated", "nakamura", ROLE(CLERK), false);
    assert_int_equal(seen.n, 1);
    stop();

    /* Switched off by policy. */
    {
        struct bol_detect_policy p;

        bol_detect_policy_default(&p);
        p.rule[BOL_RULE_MFA_RESET].off = true;
        start_with(&p);
        account_event(T0, "account.created", "nakamura", ROLE(CLERK), true);
        account_event(T0 + MIN, "account.mfa_reset", "nakamura", ROLE(CLERK), false);
        assert_int_equal(seen.n, 0);
        stop();
    }
}

static void test_privilege_escalation(void **state)
{
    const struct bol_alert *a;

    (void) state;
    start_default();
    /* A clerk created as a clerk: nothing. */
    account_event(T0, "account.created", "yamada", ROLE(CLERK), false);
    assert_int_equal(seen.n, 0);
    /* Given yard planning: medium. */
    account_event(T0 + MIN, "account.updated", "yamada", ROLE(CLERK) | ROLE(YARD_PLANNER), false);
    a = only_alert("privilege_escalation");
    assert_int_equal(a->severity, BOL_ALERT_MEDIUM);
    assert_string_equal(a->subject.user, "yamada");
    assert_string_equal(a->subject.actor, "user:root");
    assert_contains(a->message, "yamada");
    assert_contains(a->message, "yard_planner");
    /* Given admin: high, naming only the new role. */
    seen.n = 0;
    account_event(T0 + 2 * MIN, "account.updated", "yamada",
                  ROLE(CLERK) | ROLE(YARD_PLANNER) | ROLE(ADMIN), true);
    a = only_alert("privilege_escalation");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_contains(a->message, "admin");
    assert_null(strstr(a->message, "clerk"));
    /* The same roles again, or fewer: nothing. */
    seen.n = 0;
    account_event(T0 + 3 * MIN, "account.updated", "yamada",
                  ROLE(CLERK) | ROLE(YARD_PLANNER) | ROLE(ADMIN), true);
    account_event(T0 + 4 * MIN, "account.updated", "yamada", ROLE(CLERK), true);
    assert_int_equal(seen.n, 0);
    /* Created as security: high. */
    account_event(T0 + 5 * MIN, "account.created", "kobayashi", ROLE(SECURITY), true);
    a = only_alert("privilege_escalation");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_contains(a->message, "kobayashi created with role security");
    stop();

    /* An account the engine was told about keeps its roles; one it never saw starts with none. */
    start_default();
    assert_int_equal(bol_detect_account(eng, S("boss"), ROLE(ADMIN), true, true), 0);
    account_event(T0, "account.updated", "boss", ROLE(ADMIN), true);
    assert_int_equal(seen.n, 0);
    account_event(T0 + MIN, "account.updated", "stranger", ROLE(SECURITY), true);
    assert_int_equal(only_alert("privilege_escalation")->severity, BOL_ALERT_HIGH);
    stop();
}

/* ---- sites: working hours and change windows ---- */

static struct bol_weekspan span(uint8_t days, unsigned from_h, unsigned from_m, unsigned to_h,
                                unsigned to_m)
{
    struct bol_weekspan w = { days, (uint16_t) (from_h * 60 + from_m),
                              (uint16_t) (to_h * 60 + to_m) };

    return w;
}

#define MON_FRI 0x1f
#define MON     0x01
#define WED     0x04
#define SUN     0x40

static struct bol_site *add_site(struct bol_detect_policy *p, const char *terminal, const char *tz)
{
    struct bol_site *s = &p->site[p->nsites++];

    memset(s, 0, sizeof(*s));
    snprintf(s->terminal, sizeof(s->terminal), "%s", terminal);
    snprintf(s->tz_name, sizeof(s->tz_name), "%s", tz);
    assert_int_equal(bol_tz_parse(S(tz), &s->tz, NULL), 0);
    return s;
}

/* Local time in Tokyo (JST-9) of 2026-06-01 (Monday) + day, as UTC microseconds. */
static int64_t jst(int day, unsigned h, unsigned m)
{
    return T0 + day * 86400 * US + (int64_t) h * 3600 * US + (int64_t) m * 60 * US - 9 * 3600 * US;
}

static void test_site_within(void **state)
{
    struct bol_detect_policy p;
    struct bol_site *s;
    struct bol_weekspan w[2];

    (void) state;
    memset(&p, 0, sizeof(p));
    s = add_site(&p, "NCT1", "JST-9");
    w[0] = span(MON_FRI, 8, 0, 18, 0);
    assert_true(bol_site_within(s, w, 1, jst(0, 8, 0)));
    assert_false(bol_site_within(s, w, 1, jst(0, 8, 0) - 1));
    assert_true(bol_site_within(s, w, 1, jst(0, 17, 59)));
    assert_false(bol_site_within(s, w, 1, jst(0, 18, 0)));
    assert_true(bol_site_within(s, w, 1, jst(4, 12, 0)));  /* Friday */
    assert_false(bol_site_within(s, w, 1, jst(5, 12, 0))); /* Saturday */
    assert_false(bol_site_within(s, w, 1, jst(6, 12, 0))); /* Sunday */
    /* 23:00 UTC on Sunday is 08:00 Monday in Tokyo. */
    assert_true(bol_site_within(s, w, 1, T0 - 1 * 3600 * US));

    /* Past midnight: Monday and Wednesday nights, 22:00 to 06:00 the next morning. */
    w[0] = span(MON | WED, 22, 0, 6, 0);
    assert_true(bol_site_within(s, w, 1, jst(0, 22, 0)));
    assert_true(bol_site_within(s, w, 1, jst(0, 23, 59)));
    assert_true(bol_site_within(s, w, 1, jst(1, 0, 0))); /* Tuesday morning */
    assert_true(bol_site_within(s, w, 1, jst(1, 5, 59)));
    assert_false(bol_site_within(s, w, 1, jst(1, 6, 0)));
    assert_false(bol_site_within(s, w, 1, jst(1, 22, 30))); /* Tuesday night */
    assert_false(bol_site_within(s, w, 1, jst(2, 3, 0)));   /* Wednesday morning */
    assert_true(bol_site_within(s, w, 1, jst(2, 23, 0)));
    assert_true(bol_site_within(s, w, 1, jst(3, 5, 0)));
    assert_false(bol_site_within(s, w, 1, jst(0, 3, 0))); /* Monday morning: Sunday not listed */
    assert_false(bol_site_within(s, w, 1, jst(0, 21, 59)));
    /* Sunday night into Monday morning crosses the week. */
    w[1] = span(SUN, 23, 0, 1, 0);
    assert_true(bol_site_within(s, w, 2, jst(6, 23, 30)));
    assert_true(bol_site_within(s, w, 2, jst(7, 0, 30)));
    assert_true(bol_site_within(s, w, 2, jst(-1, 23, 30)));
    assert_true(bol_site_within(s, w, 2, jst(0, 0, 59)));
    assert_false(bol_site_within(s, w, 2, jst(0, 1, 0)));
    /* 24:00 as the end of a day. */
    w[0] = span(0x7f, 20, 0, 24, 0);
    assert_true(bol_site_within(s, w, 1, jst(0, 23, 59)));
    assert_false(bol_site_within(s, w, 1, jst(1, 0, 0)));

    /* Summer time: Berlin working hours 08:00-18:00 are 06:00Z in summer, 07:00Z in winter. */
    s = add_site(&p, "DEHAM", "CET-1CEST,M3.5.0,M10.5.0/3");
    w[0] = span(MON_FRI, 8, 0, 18, 0);
    assert_true(bol_site_within(s, w, 1, T0 + 6 * 3600 * US));
    assert_false(bol_site_within(s, w, 1, T0 + 6 * 3600 * US - 1));
    /* 2026-12-07 is a Monday. */
    assert_false(bol_site_within(s, w, 1, T0 + 189 * 86400 * US + 6 * 3600 * US + 30 * MIN));
    assert_true(bol_site_within(s, w, 1, T0 + 189 * 86400 * US + 7 * 3600 * US));
    assert_false(bol_site_within(s, w, 0, T0 + 6 * 3600 * US));

    /* The site of a terminal: its own, else "*", else none. */
    assert_ptr_equal(bol_detect_site(&p, S("NCT1")), &p.site[0]);
    assert_null(bol_detect_site(&p, S("XXX")));
    assert_null(bol_detect_site(&p, S("")));
    add_site(&p, "*", "UTC0");
    assert_ptr_equal(bol_detect_site(&p, S("XXX")), &p.site[2]);
    assert_ptr_equal(bol_detect_site(&p, S("")), &p.site[2]);
    assert_ptr_equal(bol_detect_site(&p, S("DEHAM")), &p.site[1]);
}

static void test_key_outside_window(void **state)
{
    struct bol_detect_policy p;
    struct bol_site *s;
    const struct bol_alert *a;

    (void) state;
    bol_detect_policy_default(&p);
    s = add_site(&p, "NCT1", "JST-9");
    s->change[s->nchange++] = span(MON_FRI, 9, 0, 17, 0);
    s->change[s->nchange++] = span(SUN, 22, 0, 2, 0);
    s = add_site(&p, "*", "UTC0");
    s->work[s->nwork++] = span(MON_FRI, 9, 0, 17, 0); /* hours, but no change windows */
    start_with(&p);

    feed(jst(0, 9, 0), "user:ops", "192.0.2.9", "NCT1", "apikey.created", "{}");
    feed(jst(2, 16, 59), "user:ops", "192.0.2.9", "NCT1", "apikey.created", "{}");
    feed(jst(6, 23, 0), "user:ops", "192.0.2.9", "NCT1", "apikey.created", "{}");
    feed(jst(7, 1, 59), "user:ops", "192.0.2.9", "NCT1", "apikey.created", "{}");
    /* Elsewhere no change windows are configured: nothing to hold keys to. */
    feed(jst(5, 3, 0), "user:ops", "192.0.2.9", "", "apikey.created", "{}");
    feed(jst(5, 3, 0), "user:ops", "192.0.2.9", "OTHER", "apikey.created", "{}");
    assert_int_equal(seen.n, 0);

    feed(jst(0, 17, 0), "user:ops", "192.0.2.9", "NCT1", "apikey.created", "{}");
    a = only_alert("key_outside_window");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_string_equal(a->subject.actor, "user:ops");
    assert_string_equal(a->subject.terminal, "NCT1");
    assert_int_equal(a->nevidence, 1);
    assert_int_equal(a->evidence[0], next_seq - 1);
    assert_contains(a->message, "user:ops");
    assert_contains(a->message, "JST-9");
    /* Each key is its own event: no quiet period. */
    feed(jst(7, 2, 0), "user:ops", "192.0.2.9", "NCT1", "apikey.created", "{}");
    assert_int_equal(seen.n, 2);
    stop();

    /* No sites at all: never. */
    start_default();
    feed(jst(5, 3, 0), "user:ops", "192.0.2.9", "NCT1", "apikey.created", "{}");
    assert_int_equal(seen.n, 0);
    stop();
}

static void test_off_hours_admin(void **state)
{
    struct bol_detect_policy p;
    struct bol_site *s;
    const struct bol_alert *a;

    (void) state;
    bol_detect_policy_default(&p);
    s = add_site(&p, "NCT1", "JST-9");
    s->work[s->nwork++] = span(MON_FRI, 8, 0, 18, 0);
    s->work[s->nwork++] = span(WED, 22, 0, 6, 0); /* Wednesday's night shift */
    start_with(&p);
    assert_int_equal(bol_detect_account(eng, S("boss"), ROLE(ADMIN) | ROLE(CLERK), true, true), 0);
    assert_int_equal(bol_detect_account(eng, S("guard"), ROLE(SECURITY), true, true), 0);
    assert_int_equal(bol_detect_account(eng, S("clerk1"), ROLE(CLERK), false, false), 0);

    feed(jst(0, 8, 0), "user:boss", "192.0.2.3", "NCT1", "container.updated", "{}");
    feed(jst(2, 23, 0), "user:boss", "192.0.2.3", "NCT1", "container.updated", "{}");
    feed(jst(3, 5, 59), "user:boss", "192.0.2.3", "NCT1", "container.updated", "{}");
    feed(jst(0, 21, 0), "user:clerk1", "192.0.2.3", "NCT1", "container.updated", "{}");
    feed(jst(0, 21, 0), "key:AAAAAAAAAA", "192.0.2.3", "NCT1", "container.updated", "{}");
    feed(jst(0, 21, 0), "system", "", "NCT1", "container.updated", "{}");
    feed(jst(0, 21, 0), "user:boss", "192.0.2.3", "ELSEWHERE", "container.updated", "{}");
    assert_int_equal(seen.n, 0);

    feed(jst(0, 18, 0), "user:boss", "192.0.2.3", "NCT1", "account.updated", "{\"x\":1}");
    a = only_alert("off_hours_admin");
    assert_int_equal(a->severity, BOL_ALERT_MEDIUM);
    assert_string_equal(a->subject.actor, "user:boss");
    assert_string_equal(a->subject.addr, "192.0.2.3");
    assert_string_equal(a->subject.terminal, "NCT1");
    assert_contains(a->message, "user:boss");
    assert_contains(a->message, "admin");
    assert_contains(a->message, "JST-9");
    assert_contains(a->message, "account.updated");
    /* Quiet for an hour for that actor; the other admin is separate. */
    feed(jst(0, 18, 59), "user:boss", "192.0.2.3", "NCT1", "container.updated", "{}");
    assert_int_equal(seen.n, 1);
    feed(jst(0, 19, 0), "user:guard", "192.0.2.4", "NCT1", "container.updated", "{}");
    assert_int_equal(seen.n, 2);
    assert_contains(seen.a[1].message, "security");
    feed(jst(0, 19, 0), "user:boss", "192.0.2.3", "NCT1", "container.updated", "{}");
    assert_int_equal(seen.n, 3);
    /* Tuesday 06:00 is outside (Monday is not a night shift); Saturday too. */
    feed(jst(1, 6, 0), "user:boss", "192.0.2.3", "NCT1", "container.updated", "{}");
    feed(jst(5, 12, 0), "user:boss", "192.0.2.3", "NCT1", "container.updated", "{}");
    assert_int_equal(seen.n, 5);
    /* The account loses admin: no longer watched. */
    account_event(jst(5, 13, 30), "account.updated", "boss", ROLE(CLERK), true);
    feed(jst(5, 15, 0), "user:boss", "192.0.2.3", "NCT1", "container.updated", "{}");
    assert_int_equal(seen.n, 5);
    stop();
}

/* Administration on the host (local:USER) counts; the CLI's other writes at night do not. */
static void test_off_hours_host_admin(void **state)
{
    struct bol_detect_policy p;
    struct bol_site *s;
    const struct bol_alert *a;
    uint64_t seq;

    (void) state;
    bol_detect_policy_default(&p);
    s = add_site(&p, "*", "JST-9");
    s->work[s->nwork++] = span(MON_FRI, 8, 0, 18, 0);
    start_with(&p);
    /* a nightly import from cron, and administration inside hours: nothing */
    feed(jst(0, 2, 0), "local:bollard", "local", "NCT1", "container.registered", "{}");
    feed(jst(0, 2, 0), "local:bollard", "local", "NCT1", "hold.placed", "{}");
    feed(jst(0, 10, 0), "local:root", "local", "", "account.created", "{}");
    feed(jst(0, 10, 0), "local:root", "local", "", "canary.created", "{}");
    assert_int_equal(seen.n, 0);
    /* a key made on the host at night */
    seq = feed(jst(0, 23, 0), "local:root", "local", "", "apikey.created", "{}");
    a = only_alert("off_hours_admin");
    assert_string_equal(a->subject.actor, "local:root");
    assert_int_equal(a->evidence[0], seq);
    assert_contains(a->message, "local:root (admin)");
    assert_contains(a->message, "apikey.created");
    /* another host account is its own subject; a new epoch at night is administration too */
    feed(jst(1, 3, 0), "local:ops", "local", "", "journal.epoch", "{}");
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.a[1].subject.actor, "local:ops");
    stop();
}

/* An apikey.created payload for a key of one role and the given terminals ("*" for all). */
static const char *key_payload(const char *id, const char *role, const char *terminals)
{
    snprintf(
        payload_buf, sizeof(payload_buf),
        "{\"key\":{\"created\":\"2026-01-01T00:00:00Z\",\"expires\":\"2027-01-01T00:00:00Z\","
        "\"id\":\"%s\",\"name\":\"k\",\"role\":\"%s\",\"status\":\"active\",\"terminals\":[%s]}}",
        id, role, terminals);
    return payload_buf;
}

static void test_off_hours_keys_and_logins(void **state)
{
    struct bol_detect_policy p;
    struct bol_site *s;
    const struct bol_alert *a;
    uint64_t seq;

    (void) state;
    bol_detect_policy_default(&p);
    s = add_site(&p, "*", "JST-9");
    s->work[s->nwork++] = span(MON_FRI, 8, 0, 18, 0);
    start_with(&p);
    assert_int_equal(bol_detect_account(eng, S("boss"), ROLE(ADMIN), true, true), 0);
    assert_int_equal(bol_detect_account(eng, S("clerk1"), ROLE(CLERK), false, false), 0);
    assert_int_equal(bol_detect_key(eng, S("soc2soc2so"), ROLE(SECURITY)), 0);
    assert_int_equal(bol_detect_key(eng, S("gategate22"), ROLE(CLERK)), 0);

    /* Inside hours: nothing; a clerk key or a clerk's login at night: nothing. */
    feed(jst(0, 9, 0), "key:soc2soc2so", "192.0.2.5", "", "alert.acknowledged", "{}");
    login(jst(0, 9, 0), "boss", "ok", "192.0.2.5");
    feed(jst(0, 22, 0), "key:gategate22", "192.0.2.5", "NCT1", "hold.placed", "{}");
    login(jst(0, 22, 0), "clerk1", "ok", "192.0.2.5");
    /* A failed login is no work done, and an unknown key is no admin. */
    login(jst(0, 22, 0), "boss", "bad_password", "192.0.2.5");
    feed(jst(0, 22, 0), "key:zzzzzzzzzz", "192.0.2.5", "", "alert.acknowledged", "{}");
    assert_int_equal(seen.n, 0);

    /* A security key at night. */
    seq = feed(jst(0, 22, 1), "key:soc2soc2so", "192.0.2.5", "", "alert.acknowledged", "{}");
    a = only_alert("off_hours_admin");
    assert_string_equal(a->subject.actor, "key:soc2soc2so");
    assert_int_equal(a->evidence[0], seq);
    assert_contains(a->message, "security");
    /* An admin's login at night, journaled by the system: the account is the subject. */
    seq = login(jst(0, 22, 2), "boss", "ok", "192.0.2.6");
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.a[1].rule, "off_hours_admin");
    assert_string_equal(seen.a[1].subject.actor, "user:boss");
    assert_string_equal(seen.a[1].subject.addr, "192.0.2.6");
    assert_int_equal(seen.a[1].evidence[0], seq);
    assert_contains(seen.a[1].message, "auth.login");
    /* ... and the same account's work within the hour is the same alert's quiet period. */
    feed(jst(0, 22, 30), "user:boss", "192.0.2.6", "", "account.updated", "{\"x\":1}");
    assert_int_equal(seen.n, 2);
    /* A key learns its role from the journal: an admin key made at night acts at night. */
    feed(jst(0, 23, 0), "user:boss", "192.0.2.6", "", "apikey.created",
         key_payload("adminadmin", "admin", "\"*\""));
    assert_int_equal(seen.n, 2);
    feed(jst(0, 23, 5), "key:adminadmin", "192.0.2.7", "", "user.added", "{}");
    assert_int_equal(seen.n, 3);
    assert_string_equal(seen.a[2].subject.actor, "key:adminadmin");
    assert_contains(seen.a[2].message, "admin");
    stop();
}

static void test_installation_wide_with_named_terminals(void **state)
{
    struct bol_detect_policy p;
    const struct bol_site *which;
    struct bol_site *s;

    (void) state;
    /* Tokyo 08:00-18:00 and Hamburg (summer) 08:00-18:00, no "*". */
    bol_detect_policy_default(&p);
    s = add_site(&p, "NCT1", "JST-9");
    s->work[s->nwork++] = span(MON_FRI, 8, 0, 18, 0);
    s->change[s->nchange++] = span(MON_FRI, 10, 0, 12, 0);
    s = add_site(&p, "DEHAM", "CET-1CEST,M3.5.0,M10.5.0/3");
    s->work[s->nwork++] = span(MON_FRI, 8, 0, 18, 0);
    s->change[s->nchange++] = span(MON_FRI, 10, 0, 12, 0);

    /* 2026-06-01 Monday 12:00Z: 21:00 in Tokyo, 14:00 in Hamburg. */
    assert_int_equal(bol_detect_judge(&p, S("NCT1"), false, T0 + 12 * 3600 * US, &which), 1);
    assert_ptr_equal(which, &p.site[0]);
    assert_int_equal(bol_detect_judge(&p, S("DEHAM"), false, T0 + 12 * 3600 * US, &which), 0);
    /* An entry with no terminal is inside when inside any terminal's hours ... */
    assert_int_equal(bol_detect_judge(&p, S(""), false, T0 + 12 * 3600 * US, &which), 0);
    assert_ptr_equal(which, &p.site[1]);
    /* ... and outside when outside all of them: 20:00Z is 05:00 Tokyo, 22:00 Hamburg. */
    assert_int_equal(bol_detect_judge(&p, S(""), false, T0 + 20 * 3600 * US, &which), 1);
    assert_ptr_equal(which, &p.site[0]);
    /* Change windows the same way: 01:30Z is 10:30 Tokyo. */
    assert_int_equal(bol_detect_judge(&p, S(""), true, T0 + 90 * MIN, &which), 0);
    assert_int_equal(bol_detect_judge(&p, S(""), true, T0 + 12 * 3600 * US, &which), 1);
    /* A terminal the policy does not name is not judged (no "*"). */
    assert_int_equal(bol_detect_judge(&p, S("OTHER"), false, T0 + 20 * 3600 * US, &which), -1);
    assert_null(which);

    /* Through the rules: an admin's account change and a key, neither at a terminal. */
    start_with(&p);
    assert_int_equal(bol_detect_account(eng, S("boss"), ROLE(ADMIN), true, true), 0);
    feed(T0 + 12 * 3600 * US, "user:boss", "192.0.2.3", "", "account.updated", "{\"x\":1}");
    feed(T0 + 90 * MIN, "user:ops", "192.0.2.9", "", "apikey.created",
         key_payload("aaaaaaaaaa", "clerk", "\"*\""));
    assert_int_equal(seen.n, 0);
    feed(T0 + 20 * 3600 * US, "user:boss", "192.0.2.3", "", "account.updated", "{\"x\":1}");
    assert_contains(only_alert("off_hours_admin")->message, "NCT1");
    /* A key for all terminals at 12:00Z (outside both change windows). */
    feed(T0 + 12 * 3600 * US, "user:ops", "192.0.2.9", "", "apikey.created",
         key_payload("bbbbbbbbbb", "clerk", "\"*\""));
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.a[1].rule, "key_outside_window");
    assert_string_equal(seen.a[1].subject.key, "bbbbbbbbbb");
    /* A key for one terminal by that terminal's windows: 01:30Z is inside Tokyo's, 03:30 Hamburg. */
    feed(T0 + 90 * MIN, "user:ops", "192.0.2.9", "", "apikey.created",
         key_payload("cccccccccc", "clerk", "\"DEHAM\""));
    assert_int_equal(seen.n, 3);
    assert_contains(seen.a[2].message, "DEHAM");
    feed(T0 + 90 * MIN, "user:ops", "192.0.2.9", "", "apikey.created",
         key_payload("dddddddddd", "clerk", "\"DEHAM\",\"NCT1\""));
    assert_int_equal(seen.n, 3);
    stop();
}

/* ---- volume ---- */

static void test_mass_change(void **state)
{
    uint64_t last = 0;
    const struct bol_alert *a;

    (void) state;
    start_default();
    for (int i = 0; i < 500; i++) {
        static const char *const types[] = { "container.updated", "hold.placed", "release.issued",
                                             "container.deleted" };

        feed(T0 + i * 500000, "user:bulk", "192.0.2.5", "NCT1", types[i % 4], "{}");
    }
    /* Another actor, and entries that are not changes, do not count. */
    feed(T0 + 250 * SEC, "user:other", "192.0.2.5", "NCT1", "container.updated", "{}");
    feed(T0 + 250 * SEC, "user:bulk", "192.0.2.5", "NCT1", "vessel.updated", "{}");
    feed(T0 + 250 * SEC, "user:bulk", "192.0.2.5", "NCT1", "container", "{}");
    assert_int_equal(seen.n, 0); /* 500 is not more than 500 */
    last = feed(T0 + 250 * SEC, "user:bulk", "192.0.2.5", "NCT1", "container.updated", "{}");
    a = only_alert("mass_change");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_string_equal(a->subject.actor, "user:bulk");
    assert_int_equal(a->count, 501);
    assert_int_equal(a->nevidence, BOL_ALERT_EVIDENCE_MAX);
    assert_int_equal(a->evidence[BOL_ALERT_EVIDENCE_MAX - 1], last);
    assert_int_equal(a->first_us, T0);
    assert_int_equal(a->last_us, T0 + 250 * SEC);
    assert_contains(a->message, "user:bulk");
    assert_contains(a->message, "more than 500");
    for (int i = 0; i < 100; i++)
        feed(T0 + 251 * SEC, "user:bulk", "192.0.2.5", "NCT1", "container.updated", "{}");
    assert_int_equal(seen.n, 1);
    stop();

    /* Spread over more than five minutes: never more than 500 at once. */
    start_default();
    for (int i = 0; i < 2000; i++)
        feed(T0 + i * 601000, "user:bulk", "192.0.2.5", "NCT1", "container.updated", "{}");
    assert_int_equal(seen.n, 0);
    stop();
}

static void test_bulk_export(void **state)
{
    uint64_t a1, a2;
    const struct bol_alert *a;

    (void) state;
    start_default();
    a1 = feed(T0, "user:spy", "192.0.2.66", "NCT1", "data.exported",
              "{\"rows\":4999,\"what\":\"containers\"}");
    /* Bad payloads are skipped, and another actor's exports do not add up. */
    feed(T0 + SEC, "user:spy", "192.0.2.66", "NCT1", "data.exported",
         "{\"rows\":-1,\"what\":\"x\"}");
    feed(T0 + SEC, "user:spy", "192.0.2.66", "NCT1", "data.exported", "{\"rows\":\"9\"}");
    feed(T0 + SEC, "user:spy", "192.0.2.66", "NCT1", "data.exported", "not json");
    feed(T0 + SEC, "user:other", "192.0.2.66", "NCT1", "data.exported",
         "{\"rows\":9999,\"what\":\"containers\"}");
    assert_int_equal(only_alert("bulk_export")->count, 1);
    assert_string_equal(seen.a[0].subject.actor, "user:other");
    seen.n = 0;
    a2 = feed(T0 + 10 * MIN, "user:spy", "192.0.2.66", "NCT1", "data.exported",
              "{\"rows\":1,\"what\":\"visits\"}");
    a = only_alert("bulk_export");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_string_equal(a->subject.actor, "user:spy");
    assert_string_equal(a->subject.addr, "192.0.2.66");
    assert_int_equal(a->count, 2);
    assert_int_equal(a->nevidence, 2);
    assert_int_equal(a->evidence[0], a1);
    assert_int_equal(a->evidence[1], a2);
    assert_contains(a->message, "5000 records");
    assert_contains(a->message, "user:spy");
    assert_contains(a->message, "visits");
    stop();

    /* Just outside the window: 4999 + 1 do not meet. */
    start_default();
    feed(T0, "user:spy", "192.0.2.66", "NCT1", "data.exported",
         "{\"rows\":4999,\"what\":\"containers\"}");
    feed(T0 + 10 * MIN + 1, "user:spy", "192.0.2.66", "NCT1", "data.exported",
         "{\"rows\":1,\"what\":\"containers\"}");
    assert_int_equal(seen.n, 0);
    stop();
}

/* ---- logging gap ---- */

static void test_logging_gap(void **state)
{
    uint64_t s1, s2;
    const struct bol_alert *a;

    (void) state;
    start_default();
    /* Before the service says it runs, a gap means nothing. */
    feed(T0, "system", "", "", "container.updated", "{}");
    feed(T0 + 60 * MIN, "system", "", "", "container.updated", "{}");
    s1 = feed(T0 + 61 * MIN, "system", "", "", "service.started", "{\"heartbeat_s\":300}");
    /* Exactly the gap: fine. */
    feed(T0 + 76 * MIN, "system", "", "", "service.heartbeat", "{}");
    assert_int_equal(seen.n, 0);
    s1 = feed(T0 + 77 * MIN, "system", "", "", "container.updated", "{}");
    s2 = feed(T0 + 92 * MIN + 1, "system", "", "", "container.updated", "{}");
    a = only_alert("logging_gap");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_int_equal(a->nevidence, 2);
    assert_int_equal(a->evidence[0], s1);
    assert_int_equal(a->evidence[1], s2);
    assert_int_equal(a->count, 2);
    assert_int_equal(a->first_us, T0 + 77 * MIN);
    assert_int_equal(a->last_us, T0 + 92 * MIN + 1);
    assert_contains(a->message, "did not stop cleanly");

    /* A clean stop: the gap that follows is no alert, until the service starts again. */
    feed(T0 + 93 * MIN, "system", "", "", "service.stopped", "{}");
    feed(T0 + 300 * MIN, "system", "", "", "container.updated", "{}");
    assert_int_equal(seen.n, 1);
    feed(T0 + 301 * MIN, "system", "", "", "service.heartbeat", "{}");
    feed(T0 + 400 * MIN, "system", "", "", "container.updated", "{}");
    assert_int_equal(seen.n, 2);
    stop();

    /* Switched off. */
    {
        struct bol_detect_policy p;

        bol_detect_policy_default(&p);
        p.rule[BOL_RULE_LOGGING_GAP].off = true;
        start_with(&p);
        feed(T0, "system", "", "", "service.started", "{}");
        feed(T0 + 100 * MIN, "system", "", "", "container.updated", "{}");
        bol_detect_idle(eng, T0 + 200 * MIN, collect, &seen);
        assert_int_equal(seen.n, 0);
        stop();
    }
}

static void test_detect_idle(void **state)
{
    uint64_t s;
    const struct bol_alert *a;

    (void) state;
    start_default();
    /* Nothing fed yet, or not running: nothing. */
    bol_detect_idle(eng, T0, collect, &seen);
    feed(T0, "system", "", "", "container.updated", "{}");
    bol_detect_idle(eng, T0 + 100 * MIN, collect, &seen);
    assert_int_equal(seen.n, 0);

    s = feed(T0 + 100 * MIN, "system", "", "", "service.started", "{}");
    bol_detect_idle(eng, T0 + 115 * MIN, collect, &seen);
    assert_int_equal(seen.n, 0);
    bol_detect_idle(eng, T0 + 115 * MIN + 1, collect, &seen);
    a = only_alert("logging_gap");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_int_equal(a->nevidence, 1);
    assert_int_equal(a->evidence[0], s);
    assert_int_equal(a->count, 1);
    assert_int_equal(a->first_us, T0 + 100 * MIN);
    assert_int_equal(a->last_us, T0 + 115 * MIN + 1);
    assert_contains(a->id, "logging_gap-");
    assert_contains(a->message, "although the service is running");
    /* Once per stall: neither idle again nor the entry that ends the gap repeats it. */
    bol_detect_idle(eng, T0 + 200 * MIN, collect, &seen);
    feed(T0 + 201 * MIN, "system", "", "", "container.updated", "{}");
    assert_int_equal(seen.n, 1);
    /* A new stall is a new alert. */
    bol_detect_idle(eng, T0 + 217 * MIN, collect, &seen);
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.a[1].rule, "logging_gap");
    assert_string_not_equal(seen.a[1].id, seen.a[0].id);
    /* Without a callback it raises nothing and stays usable. */
    feed(T0 + 300 * MIN, "system", "", "", "container.updated", "{}");
    bol_detect_idle(eng, T0 + 400 * MIN, NULL, NULL);
    assert_int_equal(seen.n, 2);
    stop();
}

/* ---- canary ---- */

static void test_canary(void **state)
{
    const struct bol_alert *a;

    (void) state;
    start_default();
    feed(T0, "user:mole", "192.0.2.77", "NCT1", "canary.tripped",
         "{\"how\":\"read\",\"id\":\"MSCU1234565\",\"kind\":\"container\"}");
    a = only_alert("canary");
    assert_int_equal(a->severity, BOL_ALERT_HIGH);
    assert_string_equal(a->subject.container, "MSCU1234565");
    assert_string_equal(a->subject.actor, "user:mole");
    assert_string_equal(a->subject.addr, "192.0.2.77");
    assert_int_equal(a->evidence[0], next_seq - 1);
    assert_contains(a->message, "decoy container MSCU1234565 read by user:mole from 192.0.2.77");
    /* The same decoy again within ten minutes: quiet; another decoy: raised. */
    feed(T0 + 9 * MIN, "user:mole", "192.0.2.77", "NCT1", "canary.tripped",
         "{\"how\":\"read\",\"id\":\"MSCU1234565\",\"kind\":\"container\"}");
    assert_int_equal(seen.n, 1);
    feed(T0 + 9 * MIN, "anonymous", "192.0.2.78", "", "canary.tripped",
         "{\"how\":\"login\",\"id\":\"honey\",\"kind\":\"user\"}");
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.a[1].subject.user, "honey");
    feed(T0 + 9 * MIN, "key:DECOY00001", "192.0.2.79", "", "canary.tripped",
         "{\"how\":\"used\",\"id\":\"DECOY00001\",\"kind\":\"key\"}");
    assert_int_equal(seen.n, 3);
    assert_string_equal(seen.a[2].subject.key, "DECOY00001");
    feed(T0 + 10 * MIN, "user:mole", "192.0.2.77", "NCT1", "canary.tripped",
         "{\"how\":\"read\",\"id\":\"MSCU1234565\",\"kind\":\"container\"}");
    assert_int_equal(seen.n, 4);
    /* Incomplete payloads are skipped. */
    feed(T0 + 11 * MIN, "user:mole", "192.0.2.77", "NCT1", "canary.tripped",
         "{\"id\":\"X\",\"kind\":\"container\"}");
    assert_int_equal(seen.n, 4);
    stop();
}

/* ---- priming ---- */

static void test_priming(void **state)
{
    (void) state;
    /* Entries fed without a callback raise nothing but fill the windows. */
    start_default();
    for (int i = 0; i < 9; i++)
        feed_as(true, T0 + i * SEC, "system", "198.51.100.7", "", "auth.login",
                "{\"method\":\"password\",\"result\":\"bad_password\",\"user\":\"abe\"}");
    assert_int_equal(seen.n, 0);
    login(T0 + 9 * SEC, "abe", "bad_password", "198.51.100.7");
    assert_int_equal(only_alert("brute_force")->count, 10);
    stop();

    /* An alert already crossed while priming is not raised again by the next entry. */
    start_default();
    for (int i = 0; i < 10; i++)
        feed_as(true, T0 + i * SEC, "system", "198.51.100.7", "", "auth.login",
                "{\"method\":\"password\",\"result\":\"bad_password\",\"user\":\"abe\"}");
    login(T0 + 11 * SEC, "abe", "bad_password", "198.51.100.7");
    feed_as(true, T0 + 12 * SEC, "user:x", "", "", "canary.tripped",
            "{\"how\":\"read\",\"id\":\"C1\",\"kind\":\"container\"}");
    feed(T0 + 13 * SEC, "user:x", "", "", "canary.tripped",
         "{\"how\":\"read\",\"id\":\"C1\",\"kind\":\"container\"}");
    feed_as(true, T0 + 14 * SEC, "system", "", "", "service.started", "{}");
    feed_as(true, T0 + 60 * MIN, "system", "", "", "container.updated", "{}");
    feed(T0 + 61 * MIN, "system", "", "", "container.updated", "{}");
    assert_int_equal(seen.n, 0);
    stop();
}

/* ---- the alert's JSON ---- */

static json_t *alert_json(const struct bol_alert *a)
{
    json_t *o = NULL;

    assert_int_equal(bol_alert_to_json(a, &o), 0);
    return o;
}

static void from_json_bad(const char *text, const char *field)
{
    json_error_t err;
    json_t *o = json_loads(text, 0, &err);
    struct bol_alert a;
    struct bol_diag d;

    if (!o)
        fail_msg("bad test JSON: %s", err.text);
    bol_diag_init(&d);
    assert_int_equal(bol_alert_from_json(o, &a, &d), BOL_E_INVAL);
    if (strcmp(d.field, field) != 0)
        fail_msg("%s: field '%s' (%s), want '%s'", text, d.field, d.msg, field);
    json_decref(o);
}

#define GOOD_HEAD                                                                                  \
    "{\"id\":\"brute_force-10\",\"rule\":\"brute_force\",\"severity\":\"high\",\"message\":\"m\"," \
    "\"subject\":{\"user\":\"tanaka\"},"

static void test_alert_json(void **state)
{
    struct bol_alert a, b;
    json_t *o, *o2;

    (void) state;
    /* A real alert round-trips. */
    start_default();
    for (int i = 0; i < 10; i++)
        login(T0 + i * SEC, "tanaka", "bad_password", "198.51.100.7");
    a = *only_alert("brute_force");
    stop();
    o = alert_json(&a);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "open");
    assert_null(json_object_get(o, "note"));
    assert_null(json_object_get(o, "acked_by"));
    assert_string_equal(json_string_value(json_object_get(o, "first")),
                        "2026-06-01T00:00:00.000000Z");
    assert_int_equal(json_array_size(json_object_get(o, "evidence")), 10);
    assert_int_equal(json_integer_value(json_object_get(o, "count")), 10);
    assert_int_equal(json_object_size(json_object_get(o, "subject")), 2);
    assert_int_equal(bol_alert_from_json(o, &b, NULL), 0);
    assert_string_equal(b.id, a.id);
    assert_string_equal(b.rule, a.rule);
    assert_string_equal(b.message, a.message);
    assert_int_equal(b.severity, a.severity);
    assert_memory_equal(&b.subject, &a.subject, sizeof(a.subject));
    assert_int_equal(b.nevidence, a.nevidence);
    assert_memory_equal(b.evidence, a.evidence, a.nevidence * sizeof(a.evidence[0]));
    assert_int_equal(b.count, a.count);
    assert_int_equal(b.first_us, a.first_us);
    assert_int_equal(b.last_us, a.last_us);
    assert_false(b.acknowledged);
    o2 = alert_json(&b);
    assert_true(json_equal(o, o2));
    json_decref(o2);
    json_decref(o);

    /* Acknowledged, with the note and who. */
    a.acknowledged = true;
    snprintf(a.note, sizeof(a.note), "%s", "known test, 日本語 ok");
    snprintf(a.acked_by, sizeof(a.acked_by), "%s", "user:sec");
    a.acked_us = T0 + 3600 * US;
    o = alert_json(&a);
    assert_string_equal(json_string_value(json_object_get(o, "status")), "acknowledged");
    assert_int_equal(bol_alert_from_json(o, &b, NULL), 0);
    assert_true(b.acknowledged);
    assert_string_equal(b.note, a.note);
    assert_string_equal(b.acked_by, "user:sec");
    assert_int_equal(b.acked_us, a.acked_us);
    o2 = alert_json(&b);
    assert_true(json_equal(o, o2));
    json_decref(o2);
    json_decref(o);

    /* bol_alert_make for the rules raised outside the engine. */
    bol_alert_make(&a, "journal_verify_failed", BOL_ALERT_CRITICAL, "42", T0,
                   "entry %d does not verify", 42);
    assert_string_equal(a.id, "journal_verify_failed-42");
    assert_string_equal(a.message, "entry 42 does not verify");
    o = alert_json(&a);
    assert_string_equal(json_string_value(json_object_get(o, "severity")), "critical");
    assert_int_equal(bol_alert_from_json(o, &b, NULL), 0);
    json_decref(o);
}

static void test_alert_json_refused(void **state)
{
    static const char tail[] = "\"evidence\":[1,2],\"count\":2,\"first\":\"2026-06-01T00:00:00Z\","
                               "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"";
    char buf[1024];
    struct bol_alert a;
    json_t *o;

    (void) state;
    snprintf(buf, sizeof(buf), "%s%s}", GOOD_HEAD, tail);
    o = json_loads(buf, 0, NULL);
    assert_non_null(o);
    assert_int_equal(bol_alert_from_json(o, &a, NULL), 0);
    json_decref(o);

    snprintf(buf, sizeof(buf), "%s%s,\"extra\":1}", GOOD_HEAD, tail);
    from_json_bad(buf, "extra");
    from_json_bad("[]", "alert");
    from_json_bad(GOOD_HEAD "\"evidence\":[2,1],\"count\":2,\"first\":\"2026-06-01T00:00:00Z\","
                            "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"}",
                  "evidence");
    from_json_bad(GOOD_HEAD "\"evidence\":[2,2],\"count\":2,\"first\":\"2026-06-01T00:00:00Z\","
                            "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"}",
                  "evidence");
    from_json_bad(GOOD_HEAD "\"evidence\":[0],\"count\":2,\"first\":\"2026-06-01T00:00:00Z\","
                            "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"}",
                  "evidence");
    from_json_bad(GOOD_HEAD "\"evidence\":[\"1\"],\"count\":2,\"first\":\"2026-06-01T00:00:00Z\","
                            "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"}",
                  "evidence");
    /* An open alert carries no acknowledgement. */
    snprintf(buf, sizeof(buf), "%s%s,\"note\":\"n\"}", GOOD_HEAD, tail);
    from_json_bad(buf, "status");
    snprintf(buf, sizeof(buf), "%s%s,\"acked_by\":\"user:x\"}", GOOD_HEAD, tail);
    from_json_bad(buf, "status");
    /* An acknowledged one must say who and when. */
    from_json_bad(GOOD_HEAD "\"evidence\":[1],\"count\":1,\"first\":\"2026-06-01T00:00:00Z\","
                            "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"acknowledged\","
                            "\"note\":\"n\",\"acked_by\":\"user:x\"}",
                  "acked_at");
    from_json_bad("{\"id\":\"x-1\",\"rule\":\"nope\",\"severity\":\"high\",\"message\":\"m\","
                  "\"subject\":{},\"evidence\":[],\"count\":0,\"first\":\"2026-06-01T00:00:00Z\","
                  "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"}",
                  "rule");
    from_json_bad("{\"id\":\"x-1\",\"rule\":\"canary\",\"severity\":\"urgent\",\"message\":\"m\","
                  "\"subject\":{},\"evidence\":[],\"count\":0,\"first\":\"2026-06-01T00:00:00Z\","
                  "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"}",
                  "severity");
    from_json_bad("{\"id\":\"x-1\",\"rule\":\"canary\",\"severity\":\"low\",\"message\":\"m\","
                  "\"subject\":{\"host\":\"h\"},\"evidence\":[],\"count\":0,"
                  "\"first\":\"2026-06-01T00:00:00Z\",\"last\":\"2026-06-01T00:00:00Z\","
                  "\"status\":\"open\"}",
                  "host");
    from_json_bad("{\"id\":\"x-1\",\"rule\":\"canary\",\"severity\":\"low\",\"message\":\"m\","
                  "\"subject\":{},\"evidence\":[],\"count\":-1,\"first\":\"2026-06-01T00:00:00Z\","
                  "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"}",
                  "count");
    from_json_bad("{\"id\":\"x-1\",\"rule\":\"canary\",\"severity\":\"low\",\"message\":\"m\","
                  "\"subject\":{},\"evidence\":[],\"count\":0,\"first\":\"yesterday\","
                  "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"}",
                  "first");
    from_json_bad("{\"id\":\"x-1\",\"rule\":\"canary\",\"severity\":\"low\",\"message\":\"m\","
                  "\"subject\":{},\"evidence\":[],\"count\":0,\"first\":\"2026-06-01T00:00:00Z\","
                  "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"closed\"}",
                  "status");
    from_json_bad("{\"rule\":\"canary\",\"severity\":\"low\",\"message\":\"m\","
                  "\"subject\":{},\"evidence\":[],\"count\":0,\"first\":\"2026-06-01T00:00:00Z\","
                  "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"}",
                  "id");
    /* At most 64 evidence entries. */
    {
        char big[2048];
        size_t n = 0;

        n += (size_t) snprintf(big + n, sizeof(big) - n, "%s\"evidence\":[", GOOD_HEAD);
        for (int i = 1; i <= BOL_ALERT_EVIDENCE_MAX + 1; i++)
            n += (size_t) snprintf(big + n, sizeof(big) - n, "%s%d", i > 1 ? "," : "", i);
        snprintf(big + n, sizeof(big) - n,
                 "],\"count\":65,\"first\":\"2026-06-01T00:00:00Z\","
                 "\"last\":\"2026-06-01T00:00:00Z\",\"status\":\"open\"}");
        from_json_bad(big, "evidence");
    }
}

/* ---- the memory bound ---- */

/* Allocation hooks that keep the bytes in use, over cmocka's (which still finds leaks). */
static size_t live_bytes;

#define HDR 16

static void *count_malloc(size_t n)
{
    unsigned char *p = _test_malloc(n + HDR, __FILE__, __LINE__);

    if (!p)
        return NULL;
    memcpy(p, &n, sizeof(n));
    live_bytes += n;
    return p + HDR;
}

static void count_free(void *q)
{
    unsigned char *p = q;
    size_t n;

    if (!p)
        return;
    memcpy(&n, p - HDR, sizeof(n));
    live_bytes -= n;
    _test_free(p - HDR, __FILE__, __LINE__);
}

static void *count_realloc(void *q, size_t n)
{
    unsigned char *p;
    size_t old = 0;

    if (q)
        memcpy(&old, (unsigned char *) q - HDR, sizeof(old));
    p = _test_realloc(q ? (unsigned char *) q - HDR : NULL, n + HDR, __FILE__, __LINE__);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof(n));
    live_bytes = live_bytes - old + n;
    return p + HDR;
}

static void test_many_subjects(void **state)
{
    static const struct bol_mem_hooks counting = { count_malloc, count_realloc, count_free };
    char user[32], addr[32];
    int64_t t = T0;
    size_t at_100k = 0;

    (void) state;
    bol_mem_set_hooks(&counting);
    live_bytes = 0;
    start_default();
    /* 200k accounts tried once each from 200k addresses, all inside one window. */
    for (int i = 0; i < 200000; i++) {
        snprintf(user, sizeof(user), "u%d", i);
        snprintf(addr, sizeof(addr), "10.%d.%d.%d", i >> 16 & 255, i >> 8 & 255, i & 255);
        login(t, user, "bad_password", addr);
        t += 1000;
        if (i == 100000)
            at_100k = live_bytes;
    }
    assert_int_equal(seen.n, 0);
    /* Full well before 100k, and no bigger after twice as many subjects. */
    assert_true(at_100k > 0);
    assert_true(live_bytes <= at_100k + at_100k / 100);
    assert_true(live_bytes < (size_t) 256 << 20);
    /* Still working: a fresh attack is seen in full. */
    for (int i = 0; i < 10; i++)
        login(t + i * SEC, "victim", "bad_password", "198.51.100.99");
    assert_int_equal(only_alert("brute_force")->count, 10);
    assert_int_equal(seen.a[0].nevidence, 10);
    /* And so is one from an address seen long before (its tracker was dropped). */
    for (int i = 0; i < 10; i++) {
        snprintf(user, sizeof(user), "v%d", i);
        login(t + 2 * 3600 * SEC + i * SEC, user, "bad_password", "10.0.0.1");
    }
    assert_int_equal(seen.n, 2);
    assert_string_equal(seen.a[1].rule, "spraying");
    assert_int_equal(seen.a[1].count, 10);
    stop();
    assert_int_equal(live_bytes, 0);
    test_mem_hooks_install();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_brute_force_threshold),
        cmocka_unit_test(test_brute_force_window_edges),
        cmocka_unit_test(test_brute_force_counts),
        cmocka_unit_test(test_spraying),
        cmocka_unit_test(test_spraying_unknown_users_and_window),
        cmocka_unit_test(test_spraying_name_tags),
        cmocka_unit_test(test_success_after_failures),
        cmocka_unit_test(test_mfa_reset),
        cmocka_unit_test(test_privilege_escalation),
        cmocka_unit_test(test_site_within),
        cmocka_unit_test(test_key_outside_window),
        cmocka_unit_test(test_off_hours_admin),
        cmocka_unit_test(test_off_hours_keys_and_logins),
        cmocka_unit_test(test_off_hours_host_admin),
        cmocka_unit_test(test_installation_wide_with_named_terminals),
        cmocka_unit_test(test_mass_change),
        cmocka_unit_test(test_bulk_export),
        cmocka_unit_test(test_logging_gap),
        cmocka_unit_test(test_detect_idle),
        cmocka_unit_test(test_canary),
        cmocka_unit_test(test_priming),
        cmocka_unit_test(test_alert_json),
        cmocka_unit_test(test_alert_json_refused),
        cmocka_unit_test(test_many_subjects),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
