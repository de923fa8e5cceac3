/* SPDX-License-Identifier: Apache-2.0 */
/*
 * detect.c - detection rules over the journal (detect.h)
 *
 * Each (rule, subject) pair has a tracker: a ring of the last matching
 * entries (sequence number, time, and a tag: the account's hash for
 * spraying, the record count for exports) and the time until which the rule
 * stays quiet for that subject.  Trackers live in one hash table; those whose
 * newest entry has left the longest window are swept away.  A list in order
 * of use finds the least recently used one in constant time when the table
 * is full.
 */
#include "compat.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "buf.h"
#include "detect.h"
#include "errors.h"
#include "jsonv.h"
#include "mem.h"
#include "utctime.h"

const char *const bol_alert_severity_names[] = { "low", "medium", "high", "critical", NULL };

const char *const bol_detect_rule_names[] = {
    "brute_force",
    "spraying",
    "success_after_failures",
    "mfa_reset",
    "privilege_escalation",
    "key_outside_window",
    "mass_change",
    "bulk_export",
    "off_hours_admin",
    "logging_gap",
    "canary",
    "journal_verify_failed",
    "replica_refused",
    NULL,
};

#define MIN_US ((int64_t) 60 * 1000000)

/* ---- the alert's JSON form ---- */

static const char *const subject_keys[] = { "user",      "addr",     "actor", "key",
                                            "container", "terminal", NULL };

static char *subject_field(struct bol_alert_subject *s, unsigned i)
{
    char *f[] = { s->user, s->addr, s->actor, s->key, s->container, s->terminal };

    return f[i];
}

int bol_alert_to_json(const struct bol_alert *a, json_t **ret)
{
    json_t *o = json_object(), *sub = json_object(), *ev = json_array();
    struct bol_alert_subject s = a->subject;
    unsigned i;
    int r = (o && sub && ev) ? 0 : BOL_E_NOMEM;

    for (i = 0; r == 0 && subject_keys[i]; i++) {
        const char *v = subject_field(&s, i);

        if (v[0])
            r = jv_set_str(sub, subject_keys[i], v);
    }
    for (i = 0; r == 0 && i < a->nevidence; i++)
        r = json_array_append_new(ev, json_integer((json_int_t) a->evidence[i])) ? BOL_E_NOMEM : 0;
    if (r == 0 && (r = jv_set_str(o, "id", a->id)) == 0 &&
        (r = jv_set_str(o, "rule", a->rule)) == 0 &&
        (r = jv_set_str(o, "severity", bol_alert_severity_names[a->severity])) == 0)
        r = jv_set_str(o, "message", a->message);
    if (r == 0) {
        r = jv_set(o, "subject", sub);
        sub = NULL;
    }
    if (r == 0) {
        r = jv_set(o, "evidence", ev);
        ev = NULL;
    }
    if (r == 0 && (r = jv_set_int(o, "count", (int64_t) a->count)) == 0 &&
        (r = jv_set_time(o, "first", a->first_us)) == 0 &&
        (r = jv_set_time(o, "last", a->last_us)) == 0)
        r = jv_set_str(o, "status", a->acknowledged ? "acknowledged" : "open");
    if (r == 0 && a->acknowledged && (r = jv_set_str(o, "note", a->note)) == 0 &&
        (r = jv_set_str(o, "acked_by", a->acked_by)) == 0)
        r = jv_set_time(o, "acked_at", a->acked_us);
    json_decref(sub);
    json_decref(ev);
    if (r < 0) {
        json_decref(o);
        return r;
    }
    *ret = o;
    return 0;
}

int bol_alert_from_json(json_t *o, struct bol_alert *a, struct bol_diag *diag)
{
    static const char *const keys[] = { "id",       "rule",     "severity", "message", "subject",
                                        "evidence", "count",    "first",    "last",    "status",
                                        "note",     "acked_by", "acked_at", NULL };
    static const char *const status[] = { "open", "acknowledged", NULL };
    json_t *sub, *ev, *v;
    unsigned sev, st, i;
    int64_t count;
    size_t k;
    int r;

    memset(a, 0, sizeof(*a));
    if (!json_is_object(o))
        return bol_diag_fail(diag, BOL_E_INVAL, "alert", "an alert is an object");
    if ((r = jv_only(o, keys, diag)) < 0 ||
        (r = jv_text_buf(o, "id", a->id, sizeof(a->id), true, diag)) < 0 ||
        (r = jv_text_buf(o, "rule", a->rule, sizeof(a->rule), true, diag)) < 0 ||
        (r = jv_enum(o, "severity", bol_alert_severity_names, true, &sev, diag)) < 0 ||
        (r = jv_text_buf(o, "message", a->message, sizeof(a->message), true, diag)) < 0 ||
        (r = jv_object(o, "subject", true, &sub, diag)) < 0 ||
        (r = jv_array(o, "evidence", BOL_ALERT_EVIDENCE_MAX, true, &ev, diag)) < 0 ||
        (r = jv_int(o, "count", 0, INT64_MAX, true, &count, diag)) < 0 ||
        (r = jv_time(o, "first", true, &a->first_us, diag)) < 0 ||
        (r = jv_time(o, "last", true, &a->last_us, diag)) < 0 ||
        (r = jv_enum(o, "status", status, true, &st, diag)) < 0)
        return r;
    a->severity = (enum bol_alert_severity) sev;
    a->count = (uint64_t) count;
    a->acknowledged = st == 1;
    for (i = 0; bol_detect_rule_names[i]; i++)
        if (!strcmp(a->rule, bol_detect_rule_names[i]))
            break;
    if (!bol_detect_rule_names[i])
        return bol_diag_fail(diag, BOL_E_INVAL, "rule", "'%s' is not a detection rule", a->rule);
    if ((r = jv_only(sub, subject_keys, diag)) < 0)
        return r;
    for (i = 0; subject_keys[i]; i++)
        if ((r = jv_text_buf(sub, subject_keys[i], subject_field(&a->subject, i),
                             BOL_ALERT_SUBJECT_MAX, false, diag)) < 0)
            return r;
    json_array_foreach(ev, k, v)
    {
        json_int_t seq = json_is_integer(v) ? json_integer_value(v) : 0;

        if (seq < 1 || (k > 0 && (uint64_t) seq <= a->evidence[k - 1]))
            return bol_diag_fail(diag, BOL_E_INVAL, "evidence",
                                 "evidence is ascending journal sequence numbers");
        a->evidence[k] = (uint64_t) seq;
    }
    a->nevidence = (unsigned) json_array_size(ev);
    if (a->acknowledged) {
        if ((r = jv_text_buf(o, "note", a->note, sizeof(a->note), true, diag)) < 0 ||
            (r = jv_text_buf(o, "acked_by", a->acked_by, sizeof(a->acked_by), true, diag)) < 0 ||
            (r = jv_time(o, "acked_at", true, &a->acked_us, diag)) < 0)
            return r;
    } else if (json_object_get(o, "note") || json_object_get(o, "acked_by") ||
               json_object_get(o, "acked_at")) {
        return bol_diag_fail(diag, BOL_E_INVAL, "status",
                             "only an acknowledged alert has a note and who acknowledged it");
    }
    return 0;
}

void bol_alert_make(struct bol_alert *a, const char *rule, enum bol_alert_severity sev,
                    const char *key, int64_t at_us, const char *fmt, ...)
{
    va_list ap;

    memset(a, 0, sizeof(*a));
    snprintf(a->rule, sizeof(a->rule), "%s", rule);
    snprintf(a->id, sizeof(a->id), "%s-%s", rule, key);
    a->severity = sev;
    a->first_us = a->last_us = at_us;
    va_start(ap, fmt);
    vsnprintf(a->message, sizeof(a->message), fmt, ap);
    va_end(ap);
}

/* ---- configuration ---- */

void bol_detect_policy_default(struct bol_detect_policy *p)
{
    memset(p, 0, sizeof(*p));
    p->rule[BOL_RULE_BRUTE_FORCE] = (struct bol_rule_limit){ false, 10, 10 * MIN_US };
    p->rule[BOL_RULE_SPRAYING] = (struct bol_rule_limit){ false, 10, 30 * MIN_US };
    p->rule[BOL_RULE_SUCCESS_AFTER_FAILURES] = (struct bol_rule_limit){ false, 5, 30 * MIN_US };
    p->rule[BOL_RULE_MFA_RESET] = (struct bol_rule_limit){ false, 1, 0 };
    p->rule[BOL_RULE_PRIVILEGE_ESCALATION] = (struct bol_rule_limit){ false, 1, 0 };
    p->rule[BOL_RULE_KEY_OUTSIDE_WINDOW] = (struct bol_rule_limit){ false, 1, 0 };
    p->rule[BOL_RULE_MASS_CHANGE] = (struct bol_rule_limit){ false, 500, 5 * MIN_US };
    p->rule[BOL_RULE_BULK_EXPORT] = (struct bol_rule_limit){ false, 5000, 10 * MIN_US };
    p->rule[BOL_RULE_OFF_HOURS_ADMIN] = (struct bol_rule_limit){ false, 1, 60 * MIN_US };
    p->rule[BOL_RULE_LOGGING_GAP] = (struct bol_rule_limit){ false, 1, 15 * MIN_US };
    p->rule[BOL_RULE_CANARY] = (struct bol_rule_limit){ false, 1, 10 * MIN_US };
}

static const struct bol_site *site_named(const struct bol_detect_policy *p,
                                         struct bol_str terminal);

const struct bol_site *bol_detect_site(const struct bol_detect_policy *p, struct bol_str terminal)
{
    const struct bol_site *s = terminal.len ? site_named(p, terminal) : NULL;

    return s ? s : site_named(p, bol_str_from("*"));
}

static const struct bol_site *site_named(const struct bol_detect_policy *p, struct bol_str terminal)
{
    unsigned i;

    for (i = 0; i < p->nsites; i++)
        if (bol_str_eq_cstr(terminal, p->site[i].terminal))
            return &p->site[i];
    return NULL;
}

static unsigned site_spans(const struct bol_site *s, bool change, const struct bol_weekspan **spans)
{
    *spans = change ? s->change : s->work;
    return change ? s->nchange : s->nwork;
}

int bol_detect_judge(const struct bol_detect_policy *p, struct bol_str terminal, bool change,
                     int64_t at_us, const struct bol_site **which)
{
    const struct bol_weekspan *spans;
    const struct bol_site *s = bol_detect_site(p, terminal), *first = NULL;
    unsigned i, n;

    *which = s;
    if (s) {
        n = site_spans(s, change, &spans);
        if (!n)
            return -1;
        return bol_site_within(s, spans, n, at_us) ? 0 : 1;
    }
    if (terminal.len)
        return -1; /* a terminal the policy does not name, and no "*" */
    /* Installation-wide, and only named terminals: inside if inside any of them. */
    for (i = 0; i < p->nsites; i++) {
        n = site_spans(&p->site[i], change, &spans);
        if (!n)
            continue;
        if (bol_site_within(&p->site[i], spans, n, at_us)) {
            *which = &p->site[i];
            return 0;
        }
        if (!first)
            first = &p->site[i];
    }
    *which = first;
    return first ? 1 : -1;
}

bool bol_site_within(const struct bol_site *s, const struct bol_weekspan *spans, unsigned n,
                     int64_t at_us)
{
    int64_t local = at_us / 1000000 + bol_tz_offset(&s->tz, at_us);
    int64_t days = local >= 0 ? local / 86400 : (local - 86399) / 86400;
    unsigned minute = (unsigned) ((local - days * 86400) / 60);
    unsigned wd = (unsigned) (((days % 7) + 10) % 7); /* 0 = Monday; 1970-01-01 was a Thursday */
    unsigned yd = (wd + 6) % 7, i;

    for (i = 0; i < n; i++) {
        const struct bol_weekspan *w = &spans[i];

        if (w->from_min <= w->to_min) {
            if ((w->days >> wd & 1) && minute >= w->from_min && minute < w->to_min)
                return true;
        } else {
            /* past midnight: the evening of a listed day, or the morning after one */
            if ((w->days >> wd & 1) && minute >= w->from_min)
                return true;
            if ((w->days >> yd & 1) && minute < w->to_min)
                return true;
        }
    }
    return false;
}

/* ---- trackers ---- */

struct mark {
    uint64_t seq;
    int64_t at;
    uint64_t tag;
};

struct tracker {
    struct tracker *next;
    struct tracker *older, *newer; /* the list in order of use */
    uint64_t hash;
    int64_t quiet_until; /* raised: quiet for this subject until then */
    int64_t last_at;
    unsigned head, n, cap; /* ring of the newest cap marks */
    struct mark *m;
    char key[BOL_ALERT_SUBJECT_MAX + 4];
};

struct account_info {
    struct account_info *next;
    uint64_t hash;
    uint32_t roles;
    bool mfa, mfa_required;
    char user[BOL_USER_MAX + 1];
};

#define BUCKETS 4096

struct bol_detect {
    struct bol_detect_policy p;
    struct tracker *t[BUCKETS];
    struct account_info *acc[BUCKETS];
    size_t ntrackers;
    struct tracker *oldest, *newest;
    uint64_t fed;
    int64_t window_max;
    /* the service, for gaps */
    bool live;
    uint64_t last_seq;
    int64_t last_at;
    int64_t gap_quiet_until;
};

static uint64_t fnv(const void *p, size_t n, uint64_t h)
{
    const unsigned char *c = p;
    size_t i;

    for (i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

#define FNV0 0xcbf29ce484222325ULL

int bol_detect_new(const struct bol_detect_policy *p, struct bol_detect **ret)
{
    struct bol_detect *d = bol_calloc(1, sizeof(*d));
    unsigned i;

    if (!d)
        return BOL_E_NOMEM;
    d->p = *p;
    for (i = 0; i < BOL_RULE_N; i++)
        if (p->rule[i].window_us > d->window_max)
            d->window_max = p->rule[i].window_us;
    *ret = d;
    return 0;
}

static void tracker_free(struct tracker *t)
{
    bol_free(t->m);
    bol_free(t);
}

void bol_detect_free(struct bol_detect *d)
{
    unsigned i;

    if (!d)
        return;
    for (i = 0; i < BUCKETS; i++) {
        while (d->t[i]) {
            struct tracker *t = d->t[i];

            d->t[i] = t->next;
            tracker_free(t);
        }
        while (d->acc[i]) {
            struct account_info *a = d->acc[i];

            d->acc[i] = a->next;
            bol_free(a);
        }
    }
    bol_free(d);
}

static void lru_unlink(struct bol_detect *d, struct tracker *t)
{
    if (t->older)
        t->older->newer = t->newer;
    else
        d->oldest = t->newer;
    if (t->newer)
        t->newer->older = t->older;
    else
        d->newest = t->older;
    t->older = t->newer = NULL;
}

static void lru_append(struct bol_detect *d, struct tracker *t)
{
    t->older = d->newest;
    t->newer = NULL;
    if (d->newest)
        d->newest->newer = t;
    else
        d->oldest = t;
    d->newest = t;
}

/* Drop trackers whose newest mark and quiet time are older than the longest window. */
static void sweep(struct bol_detect *d, int64_t now)
{
    unsigned i;

    for (i = 0; i < BUCKETS; i++) {
        struct tracker **pp = &d->t[i];

        while (*pp) {
            struct tracker *t = *pp;

            if (t->last_at < now - d->window_max && t->quiet_until < now) {
                *pp = t->next;
                lru_unlink(d, t);
                tracker_free(t);
                d->ntrackers--;
            } else {
                pp = &t->next;
            }
        }
    }
}

/*
 * Drop the tracker used least recently (when the table is full of live ones).
 * Constant time: a scan of the whole table for each new subject made a flood
 * of new addresses or names quadratic.
 */
static void evict(struct bol_detect *d)
{
    struct tracker *t = d->oldest, **pp;

    if (!t)
        return;
    for (pp = &d->t[t->hash % BUCKETS]; *pp != t; pp = &(*pp)->next)
        ;
    *pp = t->next;
    lru_unlink(d, t);
    tracker_free(t);
    d->ntrackers--;
}

static struct tracker *tracker_get(struct bol_detect *d, enum bol_detect_rule rule,
                                   struct bol_str subject, unsigned cap)
{
    char key[BOL_ALERT_SUBJECT_MAX + 4];
    struct tracker *t;
    uint64_t h;
    size_t n = BOL_MIN(subject.len, (size_t) BOL_ALERT_SUBJECT_MAX - 1);

    key[0] = (char) ('A' + rule);
    key[1] = ':';
    memcpy(key + 2, subject.p, n);
    key[n + 2] = '\0';
    h = fnv(key, n + 2, FNV0);
    for (t = d->t[h % BUCKETS]; t; t = t->next)
        if (t->hash == h && !strcmp(t->key, key)) {
            lru_unlink(d, t);
            lru_append(d, t);
            return t;
        }
    if (d->ntrackers >= BOL_DETECT_SUBJECTS_MAX)
        evict(d);
    t = bol_calloc(1, sizeof(*t));
    if (!t)
        return NULL;
    t->m = bol_calloc(cap, sizeof(*t->m));
    if (!t->m) {
        bol_free(t);
        return NULL;
    }
    t->cap = cap;
    t->hash = h;
    memcpy(t->key, key, n + 3);
    t->next = d->t[h % BUCKETS];
    d->t[h % BUCKETS] = t;
    lru_append(d, t);
    d->ntrackers++;
    return t;
}

static void push(struct tracker *t, const struct bol_entry *e, uint64_t tag)
{
    unsigned i = (t->head + t->n) % t->cap;

    if (t->n == t->cap) {
        t->head = (t->head + 1) % t->cap;
        i = (t->head + t->n - 1) % t->cap;
    } else {
        t->n++;
    }
    t->m[i] = (struct mark){ e->seq, e->at_us, tag };
    t->last_at = e->at_us;
}

static const struct mark *mark_at(const struct tracker *t, unsigned i)
{
    return &t->m[(t->head + i) % t->cap];
}

/* How many marks are at or after since (the newest ones), and the sum of their tags. */
static unsigned in_window(const struct tracker *t, int64_t since, uint64_t *tags)
{
    unsigned k = 0;
    uint64_t sum = 0;

    while (k < t->n && mark_at(t, t->n - 1 - k)->at >= since) {
        sum += mark_at(t, t->n - 1 - k)->tag;
        k++;
    }
    if (tags)
        *tags = sum;
    return k;
}

/* Distinct tags among the newest k marks. */
static unsigned distinct(const struct tracker *t, unsigned k)
{
    unsigned i, j, n = 0;

    for (i = t->n - k; i < t->n; i++) {
        for (j = t->n - k; j < i; j++)
            if (mark_at(t, j)->tag == mark_at(t, i)->tag)
                break;
        n += j == i;
    }
    return n;
}

/* ---- raising ---- */

struct raise {
    struct bol_detect *d;
    const struct bol_entry *e;
    bol_alert_fn fn;
    void *ctx;
    struct bol_alert a;
};

static void start(struct raise *x, enum bol_detect_rule rule, enum bol_alert_severity sev)
{
    memset(&x->a, 0, sizeof(x->a));
    snprintf(x->a.rule, sizeof(x->a.rule), "%s", bol_detect_rule_names[rule]);
    snprintf(x->a.id, sizeof(x->a.id), "%s-%" PRIu64, x->a.rule, x->e->seq);
    x->a.severity = sev;
    x->a.first_us = x->a.last_us = x->e->at_us;
    x->a.evidence[0] = x->e->seq;
    x->a.nevidence = 1;
    x->a.count = 1;
    if (x->e->terminal.len)
        snprintf(x->a.subject.terminal, sizeof(x->a.subject.terminal), "%.*s",
                 (int) x->e->terminal.len, x->e->terminal.p);
}

/* Evidence from the newest k marks of t (the newest 64 when more). */
static void evidence(struct raise *x, const struct tracker *t, unsigned k)
{
    unsigned from, i;

    if (k > t->n) /* the ring kept only the newest t->n */
        k = t->n;
    from = t->n - k;
    if (k > BOL_ALERT_EVIDENCE_MAX)
        from = t->n - BOL_ALERT_EVIDENCE_MAX;
    x->a.nevidence = 0;
    for (i = from; i < t->n; i++)
        x->a.evidence[x->a.nevidence++] = mark_at(t, i)->seq;
    x->a.count = k;
    x->a.first_us = mark_at(t, t->n - k)->at;
    x->a.last_us = mark_at(t, t->n - 1)->at;
}

static void message(struct raise *x, const char *fmt, ...) BOL_PRINTF(2, 3);

static void message(struct raise *x, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(x->a.message, sizeof(x->a.message), fmt, ap);
    va_end(ap);
}

static void emit(struct raise *x)
{
    if (x->fn)
        x->fn(x->ctx, &x->a);
}

static void copy(char *dst, struct bol_str s)
{
    snprintf(dst, BOL_ALERT_SUBJECT_MAX, "%.*s", (int) BOL_MIN(s.len, (size_t) 95), s.p);
}

/* ---- accounts ---- */

static struct account_info *account_find(struct bol_detect *d, struct bol_str user, bool make)
{
    uint64_t h = fnv(user.p, user.len, FNV0);
    struct account_info *a;

    for (a = d->acc[h % BUCKETS]; a; a = a->next)
        if (a->hash == h && bol_str_eq_cstr(user, a->user))
            return a;
    if (!make || user.len > BOL_USER_MAX || !(a = bol_calloc(1, sizeof(*a))))
        return NULL;
    a->hash = h;
    memcpy(a->user, user.p, user.len);
    a->next = d->acc[h % BUCKETS];
    d->acc[h % BUCKETS] = a;
    return a;
}

int bol_detect_account(struct bol_detect *d, struct bol_str user, uint32_t roles, bool mfa,
                       bool mfa_required)
{
    struct account_info *a = account_find(d, user, true);

    if (!a)
        return BOL_E_NOMEM;
    a->roles = roles;
    a->mfa = mfa;
    a->mfa_required = mfa_required;
    return 0;
}

int bol_detect_key(struct bol_detect *d, struct bol_str id, uint32_t roles)
{
    char name[4 + BOL_KEY_ID_LEN + 1];
    struct account_info *a;

    if (id.len > BOL_KEY_ID_LEN)
        return 0;
    snprintf(name, sizeof(name), "key:%.*s", (int) id.len, id.p);
    if (!(a = account_find(d, bol_str_from(name), true)))
        return BOL_E_NOMEM;
    a->roles = roles;
    return 0;
}

static void roles_text(uint32_t roles, char *out, size_t n)
{
    size_t len = 0;
    unsigned i;

    out[0] = '\0';
    for (i = 0; i < BOL_ROLE_N && len < n; i++)
        if (roles & BOL_ROLE_BIT(i))
            len +=
                (size_t) snprintf(out + len, n - len, "%s%s", len ? ", " : "", bol_role_names[i]);
}

static int on_account(struct raise *x, json_t *p)
{
    struct bol_detect *d = x->d;
    const struct bol_entry *e = x->e;
    struct bol_account acc;
    struct account_info *a;
    uint32_t old = 0, gained;
    bool created = bol_str_eq_cstr(e->type, "account.created");
    bool had_mfa = false, had_required = false;

    if (bol_account_from_json(json_object_get(p, "account"), &acc, NULL) < 0)
        return 0;
    a = account_find(d, bol_str_from(acc.user), false);
    if (a && !created) {
        old = a->roles;
        had_mfa = a->mfa;
        had_required = a->mfa_required;
    }
    if (!a && !(a = account_find(d, bol_str_from(acc.user), true)))
        return BOL_E_NOMEM;
    gained = acc.roles & ~old;
    if (!d->p.rule[BOL_RULE_PRIVILEGE_ESCALATION].off && gained &&
        (!created || (gained & BOL_ROLES_PRIVILEGED))) {
        char r[160];

        roles_text(gained, r, sizeof(r));
        start(x, BOL_RULE_PRIVILEGE_ESCALATION,
              gained & BOL_ROLES_PRIVILEGED ? BOL_ALERT_HIGH : BOL_ALERT_MEDIUM);
        snprintf(x->a.subject.user, sizeof(x->a.subject.user), "%s", acc.user);
        copy(x->a.subject.actor, e->actor);
        message(x,
                created ? "account %s created with role %s by %.*s"
                        : "account %s given role %s by %.*s",
                acc.user, r, (int) e->actor.len, e->actor.p);
        emit(x);
    }
    if (!d->p.rule[BOL_RULE_MFA_RESET].off && !created &&
        (bol_str_eq_cstr(e->type, "account.mfa_reset") || (had_mfa && !acc.mfa) ||
         (had_required && !acc.mfa_required))) {
        bool reset = bol_str_eq_cstr(e->type, "account.mfa_reset");

        start(x, BOL_RULE_MFA_RESET, BOL_ALERT_HIGH);
        snprintf(x->a.subject.user, sizeof(x->a.subject.user), "%s", acc.user);
        copy(x->a.subject.actor, e->actor);
        message(x, reset ? "MFA of %s reset by %.*s" : "MFA of %s turned off by %.*s", acc.user,
                (int) e->actor.len, e->actor.p);
        emit(x);
    }
    a->roles = acc.roles;
    a->mfa = acc.mfa;
    a->mfa_required = acc.mfa_required;
    return 0;
}

/* ---- logins ---- */

static int on_login(struct raise *x, json_t *p)
{
    struct bol_detect *d = x->d;
    const struct bol_entry *e = x->e;
    const char *user = json_string_value(json_object_get(p, "user"));
    const char *result = json_string_value(json_object_get(p, "result"));
    const struct bol_rule_limit *bf = &d->p.rule[BOL_RULE_BRUTE_FORCE];
    const struct bol_rule_limit *sp = &d->p.rule[BOL_RULE_SPRAYING];
    const struct bol_rule_limit *sa = &d->p.rule[BOL_RULE_SUCCESS_AFTER_FAILURES];
    struct tracker *t;
    unsigned k;

    /* An unknown account: its name is not journaled (it may be a mistyped password). */
    if (!user)
        user = "";
    if (!result || !strcmp(result, "mfa_needed"))
        return 0;
    if (!strcmp(result, "ok")) {
        if (sa->off || !user[0])
            return 0;
        t = tracker_get(d, BOL_RULE_SUCCESS_AFTER_FAILURES, bol_str_from(user),
                        sa->n + BOL_ALERT_EVIDENCE_MAX);
        if (!t)
            return BOL_E_NOMEM;
        k = in_window(t, e->at_us - sa->window_us, NULL);
        if (k >= sa->n) {
            start(x, BOL_RULE_SUCCESS_AFTER_FAILURES, BOL_ALERT_HIGH);
            push(t, e, 0);
            evidence(x, t, BOL_MIN(k + 1, t->n));
            snprintf(x->a.subject.user, sizeof(x->a.subject.user), "%s", user);
            copy(x->a.subject.addr, e->addr);
            message(x, "%s logged in from %.*s after %u failed logins in %" PRId64 " minutes", user,
                    (int) e->addr.len, e->addr.p, k, sa->window_us / MIN_US);
            emit(x);
        }
        t->n = 0;
        return 0;
    }
    if (user[0] && !bf->off) {
        t = tracker_get(d, BOL_RULE_BRUTE_FORCE, bol_str_from(user),
                        bf->n + BOL_ALERT_EVIDENCE_MAX);
        if (!t)
            return BOL_E_NOMEM;
        push(t, e, 0);
        k = in_window(t, e->at_us - bf->window_us, NULL);
        if (k >= bf->n && e->at_us >= t->quiet_until) {
            start(x, BOL_RULE_BRUTE_FORCE, BOL_ALERT_HIGH);
            evidence(x, t, k);
            snprintf(x->a.subject.user, sizeof(x->a.subject.user), "%s", user);
            copy(x->a.subject.addr, e->addr);
            message(x, "%u failed logins on account %s in %" PRId64 " minutes (last from %.*s)", k,
                    user, bf->window_us / MIN_US, (int) e->addr.len, e->addr.p);
            t->quiet_until = e->at_us + bf->window_us;
            emit(x);
        }
    }
    if (user[0] && !sa->off) {
        t = tracker_get(d, BOL_RULE_SUCCESS_AFTER_FAILURES, bol_str_from(user),
                        sa->n + BOL_ALERT_EVIDENCE_MAX);
        if (!t)
            return BOL_E_NOMEM;
        push(t, e, 0);
    }
    if (!sp->off && e->addr.len) {
        unsigned cap = BOL_MAX(sp->n * 4, 64u);
        const char *name_tag = json_string_value(json_object_get(p, "name_tag"));
        uint64_t tag;

        /*
         * An unknown name is journaled only as a keyed hash (name_tag): the
         * same mistyped name is one account, and the name itself is not
         * kept.  Entries written before the tag existed count once each.
         */
        if (user[0])
            tag = fnv(user, strlen(user), FNV0);
        else if (name_tag)
            tag = fnv(name_tag, strlen(name_tag), fnv("?", 1, FNV0));
        else
            tag = fnv(&e->seq, sizeof(e->seq), 1);

        t = tracker_get(d, BOL_RULE_SPRAYING, e->addr, cap);
        if (!t)
            return BOL_E_NOMEM;
        push(t, e, tag);
        k = in_window(t, e->at_us - sp->window_us, NULL);
        if (k >= sp->n && e->at_us >= t->quiet_until) {
            unsigned accounts = distinct(t, k);

            if (accounts >= sp->n) {
                start(x, BOL_RULE_SPRAYING, BOL_ALERT_HIGH);
                evidence(x, t, k);
                copy(x->a.subject.addr, e->addr);
                message(x, "failed logins on %u accounts from %.*s in %" PRId64 " minutes",
                        accounts, (int) e->addr.len, e->addr.p, sp->window_us / MIN_US);
                t->quiet_until = e->at_us + sp->window_us;
                emit(x);
            }
        }
    }
    return 0;
}

/* ---- volume per actor ---- */

/* Changes to what exists: registering new boxes (an arriving bay plan) is not one. */
static bool is_change(struct bol_str type)
{
    static const char *const prefixes[] = { "container.", "hold.", "release.", "person.", NULL };
    unsigned i;

    if (bol_str_eq_cstr(type, "container.registered"))
        return false;
    for (i = 0; prefixes[i]; i++)
        if (type.len > strlen(prefixes[i]) && !memcmp(type.p, prefixes[i], strlen(prefixes[i])))
            return true;
    return false;
}

static int on_change(struct raise *x)
{
    const struct bol_rule_limit *mc = &x->d->p.rule[BOL_RULE_MASS_CHANGE];
    const struct bol_entry *e = x->e;
    struct tracker *t = tracker_get(x->d, BOL_RULE_MASS_CHANGE, e->actor, mc->n + 1);
    unsigned k;

    if (!t)
        return BOL_E_NOMEM;
    push(t, e, 0);
    k = in_window(t, e->at_us - mc->window_us, NULL);
    if (k > mc->n && e->at_us >= t->quiet_until) {
        start(x, BOL_RULE_MASS_CHANGE, BOL_ALERT_HIGH);
        evidence(x, t, k);
        copy(x->a.subject.actor, e->actor);
        message(x,
                "more than %u changes to containers, holds and releases by %.*s in %" PRId64
                " minutes",
                mc->n, (int) e->actor.len, e->actor.p, mc->window_us / MIN_US);
        t->quiet_until = e->at_us + mc->window_us;
        emit(x);
    }
    return 0;
}

static int on_export(struct raise *x, json_t *p)
{
    const struct bol_rule_limit *be = &x->d->p.rule[BOL_RULE_BULK_EXPORT];
    const struct bol_entry *e = x->e;
    json_t *rows = json_object_get(p, "rows");
    const char *what = json_string_value(json_object_get(p, "what"));
    struct tracker *t;
    uint64_t sum;
    unsigned k;

    if (!json_is_integer(rows) || json_integer_value(rows) < 0 || !what)
        return 0;
    t = tracker_get(x->d, BOL_RULE_BULK_EXPORT, e->actor, 1024);
    if (!t)
        return BOL_E_NOMEM;
    push(t, e, (uint64_t) json_integer_value(rows));
    k = in_window(t, e->at_us - be->window_us, &sum);
    if (sum >= be->n && e->at_us >= t->quiet_until) {
        start(x, BOL_RULE_BULK_EXPORT, BOL_ALERT_HIGH);
        evidence(x, t, k);
        copy(x->a.subject.actor, e->actor);
        copy(x->a.subject.addr, e->addr);
        message(x, "%" PRIu64 " records exported by %.*s in %" PRId64 " minutes (last: %s)", sum,
                (int) e->actor.len, e->actor.p, be->window_us / MIN_US, what);
        t->quiet_until = e->at_us + be->window_us;
        emit(x);
    }
    return 0;
}

/* ---- local time ---- */

/*
 * Where a key is judged: a key for named terminals by their change windows
 * (inside if inside any of them); a key for every terminal by the entry's
 * terminal ("" for keys: installation-wide, bol_detect_judge).
 */
static int key_judge(const struct bol_detect_policy *p, const struct bol_entry *e, json_t *pl,
                     const struct bol_site **which)
{
    struct bol_apikey_info k;
    const struct bol_site *s;
    int v = -1, one;
    unsigned i;

    if (!pl || bol_apikey_from_json(json_object_get(pl, "key"), &k, NULL) < 0 || k.scope.all ||
        !k.scope.n)
        return bol_detect_judge(p, e->terminal, true, e->at_us, which);
    *which = NULL;
    for (i = 0; i < k.scope.n; i++) {
        one = bol_detect_judge(p, bol_str_from(k.scope.terminal[i]), true, e->at_us, &s);
        if (one == 0) {
            *which = s;
            return 0;
        }
        if (one == 1 && v != 1) {
            v = 1;
            *which = s;
        }
    }
    return v;
}

static int on_key(struct raise *x, json_t *pl)
{
    struct bol_detect *d = x->d;
    const struct bol_entry *e = x->e;
    const struct bol_site *s = NULL;
    struct bol_apikey_info k;

    if (pl && bol_apikey_from_json(json_object_get(pl, "key"), &k, NULL) == 0 &&
        bol_detect_key(d, bol_str_from(k.id), BOL_ROLE_BIT(k.role)) < 0)
        return BOL_E_NOMEM;
    if (!bol_str_eq_cstr(e->type, "apikey.created") || d->p.rule[BOL_RULE_KEY_OUTSIDE_WINDOW].off)
        return 0;
    if (key_judge(&d->p, e, pl, &s) != 1)
        return 0;
    start(x, BOL_RULE_KEY_OUTSIDE_WINDOW, BOL_ALERT_HIGH);
    copy(x->a.subject.actor, e->actor);
    if (pl && bol_apikey_from_json(json_object_get(pl, "key"), &k, NULL) == 0)
        snprintf(x->a.subject.key, sizeof(x->a.subject.key), "%s", k.id);
    message(x, "API key created by %.*s outside a change window (%s: %s time)", (int) e->actor.len,
            e->actor.p, s->terminal, s->tz_name);
    emit(x);
    return 0;
}

/*
 * Administration done on the host itself: the CLI's actor is local:USER
 * (whoever runs it has the data directory, which is more than any role), so
 * its account, key, access, decoy and epoch changes count as an admin's
 * work.  Its other writes (a nightly EDI import from cron) do not.
 */
static bool prefix(struct bol_str s, const char *p);

static bool local_admin(const struct bol_entry *e)
{
    static const char *const kinds[] = { "account.", "apikey.", "access.", "approval.", "canary." };
    size_t i;

    if (e->actor.len <= 6 || memcmp(e->actor.p, "local:", 6) != 0)
        return false;
    if (bol_str_eq_cstr(e->type, "journal.epoch"))
        return true;
    for (i = 0; i < BOL_ARRAY_SIZE(kinds); i++)
        if (prefix(e->type, kinds[i]))
            return true;
    return false;
}

/*
 * Who an entry speaks for, when that is an admin or security principal: an
 * account (user:NAME), an API key (key:ID, its role from apikey.* entries),
 * the account of a successful login (journaled by the system), or an
 * administrator on the host (local:USER, local_admin).
 */
static struct account_info *privileged(struct bol_detect *d, const struct bol_entry *e, json_t *pl,
                                       char *who, size_t n)
{
    static struct account_info host_admin = { NULL,  0,     BOL_ROLE_BIT(BOL_ROLE_ADMIN),
                                              false, false, "" };
    struct account_info *a = NULL;
    const char *user, *result;

    if (local_admin(e)) {
        snprintf(who, n, "%.*s", (int) e->actor.len, e->actor.p);
        return &host_admin;
    }
    if (e->actor.len > 5 && !memcmp(e->actor.p, "user:", 5)) {
        a = account_find(d, (struct bol_str){ e->actor.p + 5, e->actor.len - 5 }, false);
        snprintf(who, n, "%.*s", (int) e->actor.len, e->actor.p);
    } else if (e->actor.len > 4 && !memcmp(e->actor.p, "key:", 4)) {
        a = account_find(d, e->actor, false);
        snprintf(who, n, "%.*s", (int) e->actor.len, e->actor.p);
    } else if (bol_str_eq_cstr(e->type, "auth.login") && pl &&
               (user = json_string_value(json_object_get(pl, "user"))) && user[0] &&
               (result = json_string_value(json_object_get(pl, "result"))) &&
               !strcmp(result, "ok")) {
        a = account_find(d, bol_str_from(user), false);
        snprintf(who, n, "user:%s", user);
    }
    return a && (a->roles & BOL_ROLES_PRIVILEGED) ? a : NULL;
}

static int on_admin(struct raise *x, json_t *pl)
{
    struct bol_detect *d = x->d;
    const struct bol_entry *e = x->e;
    const struct bol_rule_limit *oh = &d->p.rule[BOL_RULE_OFF_HOURS_ADMIN];
    const struct bol_site *s = NULL;
    struct account_info *a;
    struct tracker *t;
    char who[BOL_ALERT_SUBJECT_MAX];

    if (!(a = privileged(d, e, pl, who, sizeof(who))))
        return 0;
    if (bol_detect_judge(&d->p, e->terminal, false, e->at_us, &s) != 1)
        return 0;
    t = tracker_get(d, BOL_RULE_OFF_HOURS_ADMIN, bol_str_from(who), BOL_ALERT_EVIDENCE_MAX);
    if (!t)
        return BOL_E_NOMEM;
    push(t, e, 0);
    if (e->at_us < t->quiet_until)
        return 0;
    start(x, BOL_RULE_OFF_HOURS_ADMIN, BOL_ALERT_MEDIUM);
    snprintf(x->a.subject.actor, sizeof(x->a.subject.actor), "%s", who);
    copy(x->a.subject.addr, e->addr);
    message(x, "%s (%s) at work outside working hours (%s: %s time): %.*s", who,
            a->roles & BOL_ROLE_BIT(BOL_ROLE_ADMIN) ? "admin" : "security", s->terminal, s->tz_name,
            (int) e->type.len, e->type.p);
    t->quiet_until = e->at_us + oh->window_us;
    emit(x);
    return 0;
}

/* ---- canaries ---- */

static int on_canary(struct raise *x, json_t *p)
{
    const struct bol_entry *e = x->e;
    const char *kind = json_string_value(json_object_get(p, "kind"));
    const char *id = json_string_value(json_object_get(p, "id"));
    const char *how = json_string_value(json_object_get(p, "how"));
    struct tracker *t;

    if (!kind || !id || !how)
        return 0;
    t = tracker_get(x->d, BOL_RULE_CANARY, bol_str_from(id), BOL_ALERT_EVIDENCE_MAX);
    if (!t)
        return BOL_E_NOMEM;
    push(t, e, 0);
    if (e->at_us < t->quiet_until)
        return 0;
    start(x, BOL_RULE_CANARY, BOL_ALERT_HIGH);
    copy(x->a.subject.actor, e->actor);
    copy(x->a.subject.addr, e->addr);
    if (!strcmp(kind, "container"))
        snprintf(x->a.subject.container, sizeof(x->a.subject.container), "%s", id);
    else if (!strcmp(kind, "user"))
        snprintf(x->a.subject.user, sizeof(x->a.subject.user), "%s", id);
    else
        snprintf(x->a.subject.key, sizeof(x->a.subject.key), "%s", id);
    message(x, "decoy %s %s %s by %.*s from %.*s", kind, id, how, (int) e->actor.len, e->actor.p,
            (int) e->addr.len, e->addr.p);
    t->quiet_until = e->at_us + x->d->p.rule[BOL_RULE_CANARY].window_us;
    emit(x);
    return 0;
}

/* ---- the service's own entries ---- */

static void on_gap(struct raise *x)
{
    struct bol_detect *d = x->d;
    const struct bol_entry *e = x->e;
    const struct bol_rule_limit *g = &d->p.rule[BOL_RULE_LOGGING_GAP];

    if (g->off || !d->live || !d->last_seq || e->at_us - d->last_at <= g->window_us ||
        d->last_at < d->gap_quiet_until)
        return;
    start(x, BOL_RULE_LOGGING_GAP, BOL_ALERT_HIGH);
    x->a.evidence[0] = d->last_seq;
    x->a.evidence[1] = e->seq;
    x->a.nevidence = 2;
    x->a.count = 2;
    x->a.first_us = d->last_at;
    {
        char a[BOL_TIME_TEXT_MAX], b[BOL_TIME_TEXT_MAX];

        bol_time_format(d->last_at, 0, 0, a);
        bol_time_format(e->at_us, 0, 0, b);
        message(x,
                "nothing was journaled from %s to %s (%" PRId64
                " s) while the service was running, and it did not stop cleanly",
                a, b, (e->at_us - d->last_at) / 1000000);
    }
    emit(x);
}

void bol_detect_idle(struct bol_detect *d, int64_t now_us, bol_alert_fn fn, void *ctx)
{
    const struct bol_rule_limit *g = &d->p.rule[BOL_RULE_LOGGING_GAP];
    struct raise x;
    char a[BOL_TIME_TEXT_MAX];

    if (g->off || !d->live || !d->last_seq || now_us - d->last_at <= g->window_us ||
        d->last_at < d->gap_quiet_until)
        return;
    bol_time_format(d->last_at, 0, 0, a);
    bol_alert_make(&x.a, "logging_gap", BOL_ALERT_HIGH, "", d->last_at,
                   "nothing journaled since %s although the service is running", a);
    snprintf(x.a.id, sizeof(x.a.id), "logging_gap-%" PRIu64 "-stalled", d->last_seq);
    x.a.evidence[0] = d->last_seq;
    x.a.nevidence = 1;
    x.a.count = 1;
    x.a.last_us = now_us;
    d->gap_quiet_until = d->last_at + 1;
    if (fn)
        fn(ctx, &x.a);
}

static bool prefix(struct bol_str s, const char *p)
{
    size_t n = strlen(p);

    return s.len > n && !memcmp(s.p, p, n);
}

int bol_detect_feed(struct bol_detect *d, const struct bol_entry *e, bol_alert_fn fn, void *ctx)
{
    struct raise x;
    const struct bol_rule_limit *rule = d->p.rule;
    json_t *p = NULL;
    json_error_t err;
    bool wants_payload = bol_str_eq_cstr(e->type, "auth.login") || prefix(e->type, "account.") ||
                         bol_str_eq_cstr(e->type, "data.exported") ||
                         bol_str_eq_cstr(e->type, "canary.tripped") || prefix(e->type, "apikey.");
    int r = 0;

    memset(&x, 0, sizeof(x));
    x.d = d;
    x.e = e;
    x.fn = fn;
    x.ctx = ctx;
    if (wants_payload) {
        p = json_loadb(e->payload.p, e->payload.len, 0, &err);
        if (!json_is_object(p))
            goto done;
    }
    on_gap(&x);
    if (bol_str_eq_cstr(e->type, "auth.login"))
        r = on_login(&x, p);
    else if (prefix(e->type, "account."))
        r = on_account(&x, p);
    else if (prefix(e->type, "apikey."))
        r = on_key(&x, p);
    else if (bol_str_eq_cstr(e->type, "data.exported") && !rule[BOL_RULE_BULK_EXPORT].off)
        r = on_export(&x, p);
    else if (bol_str_eq_cstr(e->type, "canary.tripped") && !rule[BOL_RULE_CANARY].off)
        r = on_canary(&x, p);
    else if (is_change(e->type) && !rule[BOL_RULE_MASS_CHANGE].off)
        r = on_change(&x);
    if (r == 0 && !rule[BOL_RULE_OFF_HOURS_ADMIN].off)
        r = on_admin(&x, p);
done:
    json_decref(p);
    if (bol_str_eq_cstr(e->type, "service.started") ||
        bol_str_eq_cstr(e->type, "service.heartbeat"))
        d->live = true;
    else if (bol_str_eq_cstr(e->type, "service.stopped"))
        d->live = false;
    d->last_seq = e->seq;
    d->last_at = e->at_us;
    if (++d->fed % 4096 == 0)
        sweep(d, e->at_us);
    return r;
}
