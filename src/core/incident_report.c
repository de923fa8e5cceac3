/* SPDX-License-Identifier: Apache-2.0 */
/*
 * incident_report.c - the checklist reports (Markdown, HTML; Japanese,
 * English) and the STIX 2.1 bundle of an incident
 *
 * Each row of the checklist gathers items: the notes of its kind and what
 * the journal says on its own (the response timeline from the incident's
 * events, the attack timeline from the linked alerts, addresses, hashes and
 * accounts from the notes' indicators and the alerts' subjects).  An item
 * carries the audiences it was released to, which decides what a △ row
 * shows.  Everything from outside (note texts, alert messages) is escaped
 * for the output format: HTML entities, Markdown's special characters.
 */
#include "compat.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "incident.h"
#include "incident_report.h"
#include "jsonv.h"
#include "mem.h"
#include "sha256.h"
#include "utctime.h"

enum mark { M_NO = 0, M_MAYBE = 1, M_YES = 2 };

struct row {
    const char *key, *ja, *en;
    bool group;
    enum mark mark[2]; /* [sharing, public] */
};

/* The checklist (guideline, 情報共有と被害公表における情報の種類のチェックリスト), in its order. */
static const struct row rows[] = {
    { "timing", "タイミング", "Timing", false, { M_YES, M_YES } },
    { "damage", "被害内容・対応情報", "Damage and response", true, { M_NO, M_YES } },
    { "organization", "被害組織名", "Name of the affected organisation", false, { M_NO, M_YES } },
    { "industry",
      "被害業種/規模",
      "Industry and size of the affected organisation",
      false,
      { M_NO, M_YES } },
    { "impact", "被害内容", "Damage", false, { M_NO, M_YES } },
    { "response", "対応のタイムライン", "Timeline of the response", false, { M_NO, M_YES } },
    { "interim", "中間の情報", "Intermediate information", true, { M_MAYBE, M_YES } },
    { "attack", "攻撃のタイムライン", "Timeline of the attack", false, { M_MAYBE, M_YES } },
    { "affected_system",
      "攻撃対象システムについて",
      "Systems attacked",
      false,
      { M_MAYBE, M_YES } },
    { "weakness",
      "脆弱性悪用の情報等",
      "Exploited vulnerabilities and weaknesses",
      false,
      { M_MAYBE, M_YES } },
    { "technical", "攻撃技術情報", "Attack technique information", true, { M_YES, M_MAYBE } },
    { "malware", "マルウェア", "Malware", false, { M_YES, M_MAYBE } },
    { "address", "不正通信先", "Malicious communication destinations", false, { M_YES, M_MAYBE } },
    { "technique",
      "その他攻撃手法に関する情報",
      "Other information on attack methods",
      false,
      { M_YES, M_MAYBE } },
};
#define NROWS BOL_ARRAY_SIZE(rows)

const char *const bol_incident_rows[] = {
    "timing",    "damage",  "organization", "industry",        "impact",
    "response",  "interim", "attack",       "affected_system", "weakness",
    "technical", "malware", "address",      "technique",       NULL,
};

int bol_incident_row(const char *key)
{
    size_t i;

    for (i = 0; i < NROWS; i++) {
        if (!strcmp(rows[i].key, key))
            return (int) i;
    }
    return -1;
}

static const char *const marks[] = { "—", "△", "○" };

/* ---- text ---- */

/* The fixed texts, Japanese then English. */
enum msg {
    T_TITLE_SHARING,
    T_TITLE_PUBLIC,
    T_INCIDENT,
    T_SEVERITY,
    T_STATUS,
    T_GENERATED,
    T_BASIS,
    T_TIMING_SHARING,
    T_TIMING_PUBLIC,
    T_OPENED_AT,
    T_OUT_OF_SCOPE,
    T_NOTHING,
    T_WITHHELD,
    T_EV_OPENED,
    T_EV_NOTED,
    T_EV_FROZEN,
    T_EV_CLOSED,
    T_ALERT,
    T_TERMINAL,
    T_SUBJECT,
    T_ADDR,
    T_HASH,
    T_ACCOUNT,
    T_RULE,
    T_EVIDENCE,
    T_FREEZE,
    T_NO_EVIDENCE,
    T_LEGEND,
    T_SIZE,
    T_SUMMARY,
    T_MANIFEST,
    T_JOURNAL,
    T_FILES,
    T_COUNT,
    T_ACTOR,
    T_DECOY,
    T_UNDECODABLE,
    T_UNDECODABLE_MORE,
    T_UNDECODABLE_FREEZE,
};

static const char *const texts[][2] = {
    [T_TITLE_SHARING] = { "インシデント情報共有報告", "Incident information-sharing report" },
    [T_TITLE_PUBLIC] = { "インシデント被害公表", "Incident public-disclosure report" },
    [T_INCIDENT] = { "インシデント", "Incident" },
    [T_SEVERITY] = { "重大度", "Severity" },
    [T_STATUS] = { "状態", "Status" },
    [T_GENERATED] = { "作成日時", "Generated" },
    [T_BASIS] = { "構成: 「情報共有と被害公表における情報の種類のチェックリスト」の行の順",
                  "Rows follow the guideline's checklist \"情報共有と被害公表における情報の種類"
                  "のチェックリスト\" (types of information for sharing and public disclosure)" },
    [T_TIMING_SHARING] = { "可能な限り早期のタイミング", "As early as possible" },
    [T_TIMING_PUBLIC] = { "ケースバイケース", "Case by case" },
    [T_OPENED_AT] = { "インシデント認知", "Incident opened" },
    [T_OUT_OF_SCOPE] = { "基本的に対象外", "Basically out of scope" },
    [T_NOTHING] = { "記載事項なし", "Nothing recorded" },
    [T_WITHHELD] = { "件は内容/状況により非掲載", "item(s) withheld (case by case)" },
    [T_EV_OPENED] = { "インシデント対応開始", "Incident opened" },
    [T_EV_NOTED] = { "記録", "Note recorded" },
    [T_EV_FROZEN] = { "証拠保全", "Evidence preserved" },
    [T_EV_CLOSED] = { "インシデント対応終了", "Incident closed" },
    [T_ALERT] = { "検知", "Alert" },
    [T_TERMINAL] = { "ターミナル", "Terminal" },
    [T_SUBJECT] = { "対象", "Subject" },
    [T_ADDR] = { "通信先", "Address" },
    [T_HASH] = { "ファイルハッシュ", "File hash" },
    [T_ACCOUNT] = { "関係アカウント", "Account involved" },
    [T_RULE] = { "検知ルール", "Detection rule" },
    [T_EVIDENCE] = { "保全した証拠", "Preserved evidence" },
    [T_FREEZE] = { "保全", "Freeze" },
    [T_NO_EVIDENCE] = { "保全記録なし", "No evidence preserved yet" },
    [T_LEGEND] = { "○: 主要内容となる情報 △: 内容/状況による —: 基本的に対象外",
                   "○: main content  △: depends on content and situation  —: basically out "
                   "of scope" },
    [T_SIZE] = { "規模", "size" },
    [T_SUMMARY] = { "総括", "Summary" },
    [T_MANIFEST] = { "マニフェスト SHA-256", "manifest SHA-256" },
    [T_JOURNAL] = { "ジャーナル記録", "journal entries" },
    [T_FILES] = { "ファイル数", "files" },
    [T_COUNT] = { "件数", "count" },
    [T_ACTOR] = { "操作主体", "actor" },
    [T_DECOY] = { "囮の種類", "decoy kind" },
    [T_UNDECODABLE] = { "ジャーナル記録を解読できない (改ざんまたは破損の疑い、証拠保全では原本の"
                        "バイト列のまま保存): 記録番号",
                        "Journal entry cannot be decoded (tampered with or damaged; a freeze "
                        "keeps its bytes as they are): entry" },
    [T_UNDECODABLE_MORE] = { "件の解読できない記録 (上記以外)",
                             "more undecodable entries (besides those above)" },
    [T_UNDECODABLE_FREEZE] = { "解読できない記録", "undecodable entries" },
};

/*
 * Machine-written words in the report's language: the detection rules
 * (detect.h), severities and statuses.  An alert's own message is English
 * and names addresses, accounts and keys, so the reports never copy it:
 * they describe the alert by its rule, and the subjects go to the rows the
 * checklist allows for them.
 */
struct label {
    const char *key, *ja, *en;
};

static const struct label rule_labels[] = {
    { "brute_force", "単一アカウントへのパスワード総当たり", "Password guessing on one account" },
    { "spraying", "パスワードスプレー (多数のアカウントへの試行)", "Password spraying" },
    { "success_after_failures", "連続したログイン失敗後の成功",
      "Login success after many failures" },
    { "mfa_reset", "多要素認証の無効化・リセット", "MFA turned off or reset" },
    { "privilege_escalation", "管理者の追加・権限の昇格", "New administrator or role escalation" },
    { "key_outside_window", "変更時間帯外の API キー作成",
      "API key created outside a change window" },
    { "mass_change", "大量の変更・削除", "Mass changes or deletions" },
    { "bulk_export", "データの大量持ち出し", "Bulk export of data" },
    { "off_hours_admin", "業務時間外の管理者操作", "Administrator activity outside working hours" },
    { "logging_gap", "ログ記録の停止", "Logging stopped" },
    { "canary", "囮 (デコイ) への参照・使用", "A decoy was read or used" },
    { "journal_verify_failed", "ジャーナル検証の失敗 (改ざんの疑い)",
      "Journal verification failed" },
    { "replica_refused", "レプリカによる受け入れ拒否", "Replica refused the journal" },
    { NULL, NULL, NULL },
};

/* What each rule says was attacked (never the decoy itself: a decoy is bait, not a system). */
static const struct label rule_systems[] = {
    { "brute_force", "ログイン (認証) 機能", "Login (authentication)" },
    { "spraying", "ログイン (認証) 機能", "Login (authentication)" },
    { "success_after_failures", "ログイン (認証) 機能", "Login (authentication)" },
    { "mfa_reset", "アカウント管理", "Account management" },
    { "privilege_escalation", "アカウント管理", "Account management" },
    { "key_outside_window", "API キー管理", "API key management" },
    { "mass_change", "コンテナ・ホールド等の業務データ", "Container, hold and release records" },
    { "bulk_export", "データ出力 (API・EDI)", "Data export (API, EDI)" },
    { "off_hours_admin", "管理機能", "Administration" },
    { "logging_gap", "ジャーナル (操作記録)", "Journal (audit log)" },
    { "journal_verify_failed", "ジャーナル (操作記録)", "Journal (audit log)" },
    { "replica_refused", "ジャーナルの複製 (レプリカ)", "Journal replica" },
    { NULL, NULL, NULL },
};

static const struct label severity_labels[] = {
    { "critical", "緊急", "critical" },
    { "high", "高", "high" },
    { "medium", "中", "medium" },
    { "low", "低", "low" },
    { "open", "対応中", "open" },
    { "closed", "対応終了", "closed" },
    { NULL, NULL, NULL },
};

/* The label of key in table, or NULL. */
static const char *label_of(const struct label *table, const char *key, bool ja)
{
    size_t i;

    for (i = 0; table[i].key; i++) {
        if (!strcmp(table[i].key, key))
            return ja ? table[i].ja : table[i].en;
    }
    return NULL;
}

/* A rule's label; a rule this build does not know keeps its name. */
static const char *rule_label(const char *rule, bool ja)
{
    const char *l = label_of(rule_labels, rule, ja);

    return l ? l : rule;
}

static const char *word(const char *value, bool ja)
{
    const char *l = label_of(severity_labels, value, ja);

    return l ? l : value;
}

struct out {
    struct bol_buf *b;
    const struct bol_incident_report_opts *o;
    int r;
};

static const char *tx(const struct out *w, enum msg m)
{
    return texts[m][w->o->lang == BOL_INCIDENT_JA ? 0 : 1];
}

static void add(struct out *w, const char *s, size_t n)
{
    if (w->r == 0)
        w->r = bol_buf_add(w->b, s, n);
}

static void adds(struct out *w, const char *s)
{
    add(w, s, strlen(s));
}

/* Outside text, escaped for the format; control characters become spaces. */
static void esc(struct out *w, const char *s, size_t n)
{
    size_t i;

    for (i = 0; i < n && w->r == 0; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c < 0x20 || c == 0x7f)
            adds(w, " ");
        else if (c == '&')
            adds(w, "&amp;");
        else if (c == '<')
            adds(w, "&lt;");
        else if (c == '>')
            adds(w, "&gt;");
        else if (c == '"' && w->o->format == BOL_INCIDENT_HTML)
            adds(w, "&quot;");
        else if (c == '\'' && w->o->format == BOL_INCIDENT_HTML)
            adds(w, "&#39;");
        else if (w->o->format == BOL_INCIDENT_MD && strchr("\\`*_[]#|!~", c))
            add(w, (const char[]){ '\\', (char) c }, 2);
        else
            add(w, s + i, 1);
    }
}

static void escs(struct out *w, const char *s)
{
    esc(w, s, strlen(s));
}

static void heading(struct out *w, int level, const char *text, bool escape)
{
    bool html = w->o->format == BOL_INCIDENT_HTML;

    if (html) {
        if (w->r == 0)
            w->r = bol_buf_addf(w->b, "<h%d>", level);
    } else {
        adds(w, level == 1 ? "# " : level == 2 ? "\n## " : "\n### ");
    }
    if (escape)
        escs(w, text);
    else
        adds(w, text);
    if (html && w->r == 0)
        w->r = bol_buf_addf(w->b, "</h%d>\n", level);
    else if (!html)
        adds(w, "\n\n");
}

static void list_open(struct out *w)
{
    if (w->o->format == BOL_INCIDENT_HTML)
        adds(w, "<ul>\n");
}

static void list_close(struct out *w)
{
    if (w->o->format == BOL_INCIDENT_HTML)
        adds(w, "</ul>\n");
}

static void item_open(struct out *w)
{
    adds(w, w->o->format == BOL_INCIDENT_HTML ? "<li>" : "- ");
}

static void item_close(struct out *w)
{
    adds(w, w->o->format == BOL_INCIDENT_HTML ? "</li>\n" : "\n");
}

/* A whole list item: "label: value", the value escaped. */
static void pair(struct out *w, const char *label, const char *value)
{
    item_open(w);
    adds(w, label);
    adds(w, ": ");
    escs(w, value);
    item_close(w);
}

static void time_text(int64_t at_us, char out[BOL_TIME_TEXT_MAX])
{
    if (!bol_time_format(at_us, 0, 0, out))
        snprintf(out, BOL_TIME_TEXT_MAX, "?");
}

/* ---- checking the case ---- */

static const char *sget(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static int damaged(struct bol_diag *diag, const char *what)
{
    char msg[BOL_DIAG_MSG_MAX];

    snprintf(msg, sizeof(msg), "%s", diag ? diag->msg : "invalid");
    return bol_diag_fail(diag, BOL_E_CORRUPT, what, "the journaled %s: %s", what, msg);
}

/* The case's incident and notes as the journal holds them (notes without the "by" the fold added). */
static int check_case(json_t *c, struct bol_diag *diag)
{
    json_t *inc = json_object_get(c, "incident"), *v, *copy;
    size_t i;
    int r;

    if (!json_is_object(inc))
        return bol_diag_fail(diag, BOL_E_NOTFOUND, "id", "no incident '%.40s' in the journal",
                             sget(c, "id"));
    if (bol_incident_check(inc, diag) < 0)
        return damaged(diag, "incident");
    json_array_foreach(json_object_get(c, "notes"), i, v)
    {
        copy = json_copy(v);
        if (!copy)
            return bol_diag_fail(diag, BOL_E_NOMEM, "note", "out of memory");
        json_object_del(copy, "by");
        r = bol_incident_note_check(copy, diag);
        json_decref(copy);
        if (r < 0)
            return damaged(diag, "note");
    }
    return 0;
}

/* ---- items ---- */

/* An item of a row: {"t": at (µs, 0 none), "x": text, "r": audiences (bit 1 << audience)}. */
static int item(json_t *list, int64_t at_us, const char *text, unsigned rel)
{
    json_t *o = json_pack("{s:I,s:s,s:i}", "t", (json_int_t) at_us, "x", text, "r", (int) rel);

    if (!o || json_array_append_new(list, o) < 0)
        return BOL_E_NOMEM;
    return 0;
}

static int itemf(json_t *list, int64_t at_us, unsigned rel, const char *fmt, ...) BOL_PRINTF(4, 5);

static int itemf(json_t *list, int64_t at_us, unsigned rel, const char *fmt, ...)
{
    struct bol_buf b = BOL_BUF_INIT(BOL_INCIDENT_TEXT_MAX * 2);
    va_list ap;
    int r;

    va_start(ap, fmt);
    r = bol_buf_vaddf(&b, fmt, ap);
    va_end(ap);
    if (r == 0)
        r = item(list, at_us, b.buf, rel);
    bol_buf_release(&b);
    return r;
}

static int64_t time_of(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    int64_t at = 0;

    if (!s || bol_time_parse(bol_str_from(s), &at, NULL) < 0)
        return 0;
    return at;
}

static unsigned note_rel(json_t *note)
{
    json_t *d = json_object_get(note, "disclose"), *v;
    unsigned rel = 0;
    size_t i;

    json_array_foreach(d, i, v)
    {
        if (!strcmp(json_string_value(v) ? json_string_value(v) : "", "sharing"))
            rel |= 1u << BOL_INCIDENT_SHARING;
        else if (!strcmp(json_string_value(v) ? json_string_value(v) : "", "public"))
            rel |= 1u << BOL_INCIDENT_PUBLIC;
    }
    return rel;
}

/* The linked alerts that the case holds, in the incident's order. */
static json_t *linked_alerts(json_t *c)
{
    json_t *inc = json_object_get(c, "incident"), *all = json_object_get(c, "alerts");
    json_t *out = json_array(), *v, *a;
    size_t i;

    json_array_foreach(json_object_get(inc, "alerts"), i, v)
    {
        a = json_object_get(all, json_string_value(v) ? json_string_value(v) : "");
        if (a && out)
            json_array_append(out, a);
    }
    return out;
}

/* An item, unless the row already has one with the same text (the first one's time stays). */
static int item_once(json_t *list, int64_t at_us, const char *text, unsigned rel)
{
    json_t *v;
    size_t i;

    json_array_foreach(list, i, v)
    {
        if (!strcmp(sget(v, "x"), text))
            return 0;
    }
    return item(list, at_us, text, rel);
}

/*
 * One linked alert into the rows.  The public report shows the attack's
 * timeline and the systems attacked (○), so those items say only what
 * happened: the rule in the report's language, severity, count and times.
 * Addresses go to the malicious addresses' row and accounts, actors (key
 * ids) and the alert's id to "other information on attack methods", both
 * ○ for sharing and △ for public, never released by default.  A decoy
 * (canary) is bait, not a system: its id and the decoy account's name are
 * written nowhere.
 */
static int gather_alert(json_t *v, json_t *inc, bool ja, json_t *items[NROWS])
{
    static const char *const decoy_kinds[][3] = {
        { "container", "コンテナ", "container" },
        { "user", "アカウント", "account" },
        { "key", "API キー", "API key" },
    };
    json_t *subj = json_object_get(v, "subject");
    const char *rule = sget(v, "rule"), *sys = label_of(rule_systems, rule, ja);
    bool decoy = !strcmp(rule, "canary");
    int64_t first = time_of(v, "first");
    struct bol_buf d = BOL_BUF_INIT(BOL_INCIDENT_TEXT_MAX * 2);
    char last[BOL_TIME_TEXT_MAX];
    size_t k;
    int r;

    time_text(time_of(v, "last"), last);
    r = itemf(items[bol_incident_row("attack")], first, 0, "%s: %s (%s: %s, %s: %" PRId64 "%s%s)",
              texts[T_ALERT][ja ? 0 : 1], rule_label(rule, ja), texts[T_SEVERITY][ja ? 0 : 1],
              word(sget(v, "severity"), ja), texts[T_COUNT][ja ? 0 : 1],
              (int64_t) json_integer_value(json_object_get(v, "count")),
              time_of(v, "last") > first ? ", .. " : "", time_of(v, "last") > first ? last : "");
    if (r == 0 && sys)
        r = item_once(items[bol_incident_row("affected_system")], 0, sys, 0);
    if (r == 0 && sget(subj, "terminal")[0] &&
        strcmp(sget(subj, "terminal"), sget(inc, "terminal")))
        r = itemf(items[bol_incident_row("affected_system")], 0, 0, "%s %s",
                  texts[T_TERMINAL][ja ? 0 : 1], sget(subj, "terminal"));
    if (r == 0 && sget(subj, "addr")[0]) {
        struct bol_buf a = BOL_BUF_INIT(512);

        r = bol_buf_addf(&a, "%s: %s", texts[T_ADDR][ja ? 0 : 1], sget(subj, "addr"));
        if (r == 0)
            r = item_once(items[bol_incident_row("address")], first, a.buf, 0);
        bol_buf_release(&a);
    }

    /* the detail, for sharing */
    if (r == 0)
        r = bol_buf_addf(&d, "%s: %s (%s)", texts[T_RULE][ja ? 0 : 1], rule_label(rule, ja),
                         sget(v, "id"));
    if (r == 0 && !decoy && sget(subj, "user")[0])
        r = bol_buf_addf(&d, ", %s: %s", texts[T_ACCOUNT][ja ? 0 : 1], sget(subj, "user"));
    for (k = 0; r == 0 && decoy && k < BOL_ARRAY_SIZE(decoy_kinds); k++) {
        if (sget(subj, decoy_kinds[k][0])[0])
            r = bol_buf_addf(&d, ", %s: %s", texts[T_DECOY][ja ? 0 : 1],
                             decoy_kinds[k][ja ? 1 : 2]);
    }
    if (r == 0 && sget(subj, "actor")[0])
        r = bol_buf_addf(&d, ", %s: %s", texts[T_ACTOR][ja ? 0 : 1], sget(subj, "actor"));
    if (r == 0 && sget(subj, "addr")[0])
        r = bol_buf_addf(&d, ", %s: %s", texts[T_ADDR][ja ? 0 : 1], sget(subj, "addr"));
    if (r == 0)
        r = bol_buf_addf(&d, ", %s: %" PRId64, texts[T_COUNT][ja ? 0 : 1],
                         (int64_t) json_integer_value(json_object_get(v, "count")));
    if (r == 0)
        r = item(items[bol_incident_row("technique")], first, d.buf, 0);
    bol_buf_release(&d);
    return r;
}

/* Gather every row's items. */
static int gather(json_t *c, const struct bol_incident_report_opts *o, json_t *items[NROWS])
{
    const struct bol_incident_policy *p = o->policy;
    bool ja = o->lang == BOL_INCIDENT_JA;
    json_t *inc = json_object_get(c, "incident"), *v, *alerts, *ind;
    size_t i, k;
    int row, r = 0;

    /* notes of each kind, and their indicators */
    json_array_foreach(json_object_get(c, "notes"), i, v)
    {
        unsigned rel = note_rel(v);
        int64_t at = time_of(v, "at");

        row = bol_incident_row(sget(v, "kind"));
        if (row >= 0 && (r = item(items[row], at, sget(v, "text"), rel)) < 0)
            return r;
        json_array_foreach(json_object_get(v, "addrs"), k, ind)
        {
            if ((r = itemf(items[bol_incident_row("address")], at, rel, "%s: %s",
                           texts[T_ADDR][ja ? 0 : 1], json_string_value(ind))) < 0)
                return r;
        }
        json_array_foreach(json_object_get(v, "hashes"), k, ind)
        {
            if ((r = itemf(items[bol_incident_row("malware")], at, rel, "%s: %s",
                           texts[T_HASH][ja ? 0 : 1], json_string_value(ind))) < 0)
                return r;
        }
        json_array_foreach(json_object_get(v, "accounts"), k, ind)
        {
            if ((r = itemf(items[bol_incident_row("technique")], at, rel, "%s: %s",
                           texts[T_ACCOUNT][ja ? 0 : 1], json_string_value(ind))) < 0)
                return r;
        }
    }

    /* the organisation, from the settings */
    if (p && p->organization[0] &&
        (r = item(items[bol_incident_row("organization")], 0, p->organization, 0)) < 0)
        return r;
    if (p && (p->industry[0] || p->size[0]) &&
        (r = itemf(items[bol_incident_row("industry")], 0, 0, "%s%s%s%s%s", p->industry,
                   p->industry[0] && p->size[0] ? ", " : "",
                   p->size[0] ? texts[T_SIZE][ja ? 0 : 1] : "", p->size[0] ? ": " : "", p->size)) <
            0)
        return r;

    /* the response, from the incident's own events (who acted is left out: an account name) */
    row = bol_incident_row("response");
    json_array_foreach(json_object_get(c, "timeline"), i, v)
    {
        const char *type = sget(v, "type");
        int64_t at = time_of(v, "at");

        if (!strcmp(type, "incident.opened"))
            r = item(items[row], at, texts[T_EV_OPENED][ja ? 0 : 1], 0);
        else if (!strcmp(type, "incident.closed"))
            r = itemf(items[row], at, 0, "%s: %s", texts[T_EV_CLOSED][ja ? 0 : 1],
                      sget(inc, "summary"));
        if (r < 0)
            return r;
    }
    json_array_foreach(json_object_get(c, "freezes"), i, v)
    {
        if ((r = itemf(items[row], time_of(v, "at"), 0, "%s %" PRId64 ": %s %s",
                       texts[T_EV_FROZEN][ja ? 0 : 1],
                       (int64_t) json_integer_value(json_object_get(v, "n")),
                       texts[T_MANIFEST][ja ? 0 : 1], sget(v, "manifest_sha256"))) < 0)
            return r;
    }

    /* entries the journal could not decode: told to sharing in the attack's timeline */
    row = bol_incident_row("attack");
    json_array_foreach(json_object_get(c, "undecodable"), i, v)
    {
        if ((r = itemf(items[row], 0, 1u << BOL_INCIDENT_SHARING, "%s %" PRId64,
                       texts[T_UNDECODABLE][ja ? 0 : 1],
                       (int64_t) json_integer_value(json_object_get(v, "seq")))) < 0)
            return r;
    }
    if (json_integer_value(json_object_get(c, "undecodable_more")) > 0 &&
        (r = itemf(items[row], 0, 1u << BOL_INCIDENT_SHARING, "%" PRId64 " %s",
                   (int64_t) json_integer_value(json_object_get(c, "undecodable_more")),
                   texts[T_UNDECODABLE_MORE][ja ? 0 : 1])) < 0)
        return r;

    /* the attack, from the linked alerts */
    if (sget(inc, "terminal")[0] &&
        (r = itemf(items[bol_incident_row("affected_system")], 0, 0, "%s %s",
                   texts[T_TERMINAL][ja ? 0 : 1], sget(inc, "terminal"))) < 0)
        return r;
    alerts = linked_alerts(c);
    if (!alerts)
        return BOL_E_NOMEM;
    json_array_foreach(alerts, i, v)
    {
        if ((r = gather_alert(v, inc, ja, items)) < 0)
            break;
    }
    json_decref(alerts);
    return r;
}

struct sorted {
    json_t *it;
    size_t idx;
};

static int by_time(const void *a, const void *b)
{
    const struct sorted *x = a, *y = b;
    json_int_t tx_ = json_integer_value(json_object_get(x->it, "t"));
    json_int_t ty = json_integer_value(json_object_get(y->it, "t"));

    if (tx_ != ty)
        return tx_ < ty ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx ? 1 : 0;
}

/* The row's items that this report shows, in time order; *withheld counts the rest. */
static int row_items(const struct out *w, size_t ri, json_t *list, struct sorted **ret,
                     size_t *ret_n, size_t *withheld)
{
    enum mark m = rows[ri].mark[w->o->audience];
    unsigned bit = 1u << w->o->audience;
    bool whole = m == M_YES || (m == M_MAYBE && (w->o->include & (1u << ri)));
    struct sorted *s;
    size_t i, n = 0;
    json_t *v;

    *withheld = 0;
    s = bol_malloc(sizeof(*s) * (json_array_size(list) + 1));
    if (!s)
        return BOL_E_NOMEM;
    json_array_foreach(list, i, v)
    {
        unsigned rel = (unsigned) json_integer_value(json_object_get(v, "r"));

        if (m == M_NO)
            continue;
        if (!whole && !(rel & bit)) {
            (*withheld)++;
            continue;
        }
        s[n].it = v;
        s[n].idx = i;
        n++;
    }
    qsort(s, n, sizeof(*s), by_time);
    *ret = s;
    *ret_n = n;
    return 0;
}

static void write_row(struct out *w, size_t ri, json_t *list, size_t number)
{
    const struct row *rw = &rows[ri];
    bool ja = w->o->lang == BOL_INCIDENT_JA;
    enum mark m = rw->mark[w->o->audience];
    struct bol_buf h = BOL_BUF_INIT(512);
    struct sorted *s = NULL;
    size_t n = 0, withheld = 0, i;
    char at[BOL_TIME_TEXT_MAX];

    if (w->r == 0)
        w->r = ja ? bol_buf_addf(&h, "%zu. %s (%s)", number, rw->ja, marks[m])
                  : bol_buf_addf(&h, "%zu. %s (%s, %s)", number, rw->en, rw->ja, marks[m]);
    if (w->r == 0)
        heading(w, rw->group ? 2 : 3, h.buf, true);
    bol_buf_release(&h);
    if (w->r < 0)
        return;
    list_open(w);
    if (m == M_NO) {
        item_open(w);
        adds(w, tx(w, T_OUT_OF_SCOPE));
        item_close(w);
        list_close(w);
        return;
    }
    if (w->r == 0)
        w->r = row_items(w, ri, list, &s, &n, &withheld);
    for (i = 0; i < n && w->r == 0; i++) {
        int64_t t = (int64_t) json_integer_value(json_object_get(s[i].it, "t"));

        item_open(w);
        if (t) {
            time_text(t, at);
            adds(w, at);
            adds(w, " ");
        }
        escs(w, sget(s[i].it, "x"));
        item_close(w);
    }
    if (n == 0 && withheld == 0 && !rw->group) {
        item_open(w);
        adds(w, tx(w, T_NOTHING));
        item_close(w);
    }
    if (withheld && w->r == 0) {
        item_open(w);
        if (w->r == 0)
            w->r = bol_buf_addf(w->b, "%zu %s", withheld, tx(w, T_WITHHELD));
        item_close(w);
    }
    list_close(w);
    bol_free(s);
}

static const char html_head[] =
    "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
static const char html_style[] =
    "</title>\n<style>\nbody{font-family:sans-serif;max-width:60em;margin:2em auto;"
    "padding:0 1em;line-height:1.5;color:#111}\nh1{font-size:1.5em}h2{font-size:1.25em;"
    "border-bottom:1px solid #999}h3{font-size:1.05em}li{margin:.2em 0}"
    "footer{margin-top:2em;font-size:.9em;color:#444}\n</style>\n</head>\n<body>\n";

int bol_incident_report(json_t *c, const struct bol_incident_report_opts *o, struct bol_buf *out,
                        struct bol_diag *diag)
{
    struct out w = { out, o, 0 };
    json_t *inc = json_object_get(c, "incident"), *items[NROWS] = { NULL }, *v;
    bool html = o->format == BOL_INCIDENT_HTML;
    enum msg title = o->audience == BOL_INCIDENT_SHARING ? T_TITLE_SHARING : T_TITLE_PUBLIC;
    char at[BOL_TIME_TEXT_MAX];
    size_t i;
    int r;

    if ((r = check_case(c, diag)) < 0)
        return r;
    for (i = 0; i < NROWS; i++) {
        items[i] = json_array();
        if (!items[i]) {
            r = BOL_E_NOMEM;
            goto out;
        }
    }
    r = gather(c, o, items);
    if (r < 0)
        goto out;

    if (html) {
        if (w.r == 0)
            w.r = bol_buf_addf(out, html_head, o->lang == BOL_INCIDENT_JA ? "ja" : "en");
        adds(&w, tx(&w, title));
        adds(&w, ": ");
        escs(&w, sget(inc, "title"));
        adds(&w, html_style);
        adds(&w, "<h1>");
    } else {
        adds(&w, "# ");
    }
    adds(&w, tx(&w, title));
    adds(&w, ": ");
    escs(&w, sget(inc, "title"));
    adds(&w, html ? "</h1>\n" : "\n\n");
    list_open(&w);
    pair(&w, tx(&w, T_INCIDENT), sget(inc, "id"));
    pair(&w, tx(&w, T_SEVERITY), word(sget(inc, "severity"), o->lang == BOL_INCIDENT_JA));
    pair(&w, tx(&w, T_STATUS), word(sget(inc, "status"), o->lang == BOL_INCIDENT_JA));
    time_text(o->now_us, at);
    pair(&w, tx(&w, T_GENERATED), at);
    item_open(&w);
    adds(&w, tx(&w, T_BASIS));
    item_close(&w);
    list_close(&w);

    for (i = 0; i < NROWS && w.r == 0; i++) {
        if (i == 0) {
            /* timing: the checklist's own words, and when the incident was known */
            struct bol_buf h = BOL_BUF_INIT(512);

            w.r = o->lang == BOL_INCIDENT_JA
                      ? bol_buf_addf(&h, "1. %s (%s)", rows[0].ja, marks[M_YES])
                      : bol_buf_addf(&h, "1. %s (%s, %s)", rows[0].en, rows[0].ja, marks[M_YES]);
            if (w.r == 0)
                heading(&w, 2, h.buf, true);
            bol_buf_release(&h);
            list_open(&w);
            item_open(&w);
            adds(&w,
                 tx(&w, o->audience == BOL_INCIDENT_SHARING ? T_TIMING_SHARING : T_TIMING_PUBLIC));
            item_close(&w);
            time_text(time_of(inc, "opened_at"), at);
            pair(&w, tx(&w, T_OPENED_AT), at);
            list_close(&w);
            continue;
        }
        write_row(&w, i, items[i], i + 1);
    }

    heading(&w, 2, tx(&w, T_EVIDENCE), false);
    list_open(&w);
    if (json_array_size(json_object_get(c, "freezes")) == 0) {
        item_open(&w);
        adds(&w, tx(&w, T_NO_EVIDENCE));
        item_close(&w);
    }
    json_array_foreach(json_object_get(c, "freezes"), i, v)
    {
        item_open(&w);
        time_text(time_of(v, "at"), at);
        if (w.r == 0)
            w.r = bol_buf_addf(
                out, "%s %s %" PRId64 ": %s %" PRId64 "..%" PRId64 ", %s %" PRId64 ", %s ", at,
                tx(&w, T_FREEZE), (int64_t) json_integer_value(json_object_get(v, "n")),
                tx(&w, T_JOURNAL), (int64_t) json_integer_value(json_object_get(v, "from")),
                (int64_t) json_integer_value(json_object_get(v, "to")), tx(&w, T_FILES),
                (int64_t) json_integer_value(json_object_get(v, "files")), tx(&w, T_MANIFEST));
        escs(&w, sget(v, "manifest_sha256"));
        item_close(&w);
    }
    list_close(&w);
    if (!strcmp(sget(inc, "status"), "closed") && o->audience == BOL_INCIDENT_PUBLIC) {
        heading(&w, 2, tx(&w, T_SUMMARY), false);
        adds(&w, html ? "<p>" : "");
        escs(&w, sget(inc, "summary"));
        adds(&w, html ? "</p>\n" : "\n");
    }
    adds(&w, html ? "<footer>" : "\n---\n\n");
    adds(&w, tx(&w, T_LEGEND));
    adds(&w, html ? "</footer>\n</body>\n</html>\n" : "\n");
    r = w.r;
    if (r < 0)
        bol_diag_fail(diag, r, "report", "the report does not fit or out of memory");
out:
    for (i = 0; i < NROWS; i++)
        json_decref(items[i]);
    return r;
}

/* ---- STIX 2.1 ---- */

/* An account name that can go into a pattern as it is (incident.c checks notes' the same way). */
static bool account_ok(const char *s)
{
    size_t i, n = strlen(s);

    for (i = 0; i < n; i++) {
        if (s[i] <= ' ' || s[i] > '~' || s[i] == '\'' || s[i] == '"' || s[i] == '\\')
            return false;
    }
    return n > 0 && n <= BOL_INCIDENT_ACCOUNT_MAX;
}

/* STIX's namespace for deterministic identifiers (STIX 2.1, 2.9). */
static const uint8_t stix_ns[16] = { 0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
                                     0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7 };

static void stix_id(const char *type, const char *incident, const char *value, char out[80])
{
    static const char hex[] = "0123456789abcdef";
    struct bol_span parts[7] = {
        { stix_ns, sizeof(stix_ns) },
        { incident, strlen(incident) },
        { "\n", 1 },
        { type, strlen(type) },
        { "\n", 1 },
        { value, strlen(value) },
        { "\n", 1 },
    };
    uint8_t d[BOL_SHA256_LEN];
    char u[37];
    size_t i, k = 0;

    bol_sha256_parts(parts, BOL_ARRAY_SIZE(parts), d);
    d[6] = (uint8_t) ((d[6] & 0x0f) | 0x50); /* version 5: name-based */
    d[8] = (uint8_t) ((d[8] & 0x3f) | 0x80); /* RFC 9562 variant */
    for (i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            u[k++] = '-';
        u[k++] = hex[d[i] >> 4];
        u[k++] = hex[d[i] & 15];
    }
    u[k] = '\0';
    snprintf(out, 80, "%s--%s", type, u);
}

static bool stix_time(int64_t at_us, char out[BOL_TIME_TEXT_MAX])
{
    return bol_time_format(at_us, 0, 3, out) != NULL;
}

struct stix {
    json_t *objects;
    const char *incident;
    char identity[80], incident_ref[80];
    char now[BOL_TIME_TEXT_MAX];
    json_t *seen; /* pattern -> true */
};

static int stix_add_indicator(struct stix *st, const char *kind, const char *value,
                              int64_t first_us, const char *why)
{
    struct bol_buf pat = BOL_BUF_INIT(512), name = BOL_BUF_INIT(512);
    char id[80], rid[80], from[BOL_TIME_TEXT_MAX];
    const char *itype = "malicious-activity";
    bool v6 = false;
    json_t *ind, *rel;
    int r;

    if (!strcmp(kind, "addr")) {
        if (bol_incident_addr_check(bol_str_from(value), &v6, NULL) < 0)
            return 0;
        r = bol_buf_addf(&pat, "[%s:value = '%s']", v6 ? "ipv6-addr" : "ipv4-addr", value);
    } else if (!strcmp(kind, "hash")) {
        size_t n = strlen(value);

        r = bol_buf_addf(&pat, "[file:hashes.'%s' = '%s']",
                         n == 32   ? "MD5"
                         : n == 40 ? "SHA-1"
                                   : "SHA-256",
                         value);
    } else {
        itype = "compromised";
        r = bol_buf_addf(&pat, "[user-account:account_login = '%s']", value);
    }
    if (r == 0 && json_object_get(st->seen, pat.buf)) {
        bol_buf_release(&pat);
        return 0;
    }
    if (r == 0)
        r = bol_buf_addf(&name, "%s %s (%s)", kind, value, why);
    if (r < 0)
        goto out;
    stix_id("indicator", st->incident, pat.buf, id);
    stix_id("relationship", st->incident, id, rid);
    if (!first_us || !stix_time(first_us, from))
        memcpy(from, st->now, sizeof(from));
    ind = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:[s]}", "type", "indicator",
                    "spec_version", "2.1", "id", id, "created", st->now, "modified", st->now,
                    "created_by_ref", st->identity, "name", name.buf, "pattern", pat.buf,
                    "pattern_type", "stix", "valid_from", from, "indicator_types", itype);
    rel = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "type", "relationship", "spec_version",
                    "2.1", "id", rid, "created", st->now, "modified", st->now, "created_by_ref",
                    st->identity, "relationship_type", "indicates", "source_ref", id, "target_ref",
                    st->incident_ref);
    if (!ind || !rel || json_array_append_new(st->objects, ind) < 0 ||
        json_array_append_new(st->objects, rel) < 0 ||
        json_object_set_new(st->seen, pat.buf, json_true()) < 0) {
        r = BOL_E_NOMEM;
        goto out;
    }
    r = 0;
out:
    bol_buf_release(&pat);
    bol_buf_release(&name);
    return r;
}

/* The reporter's name when the bundle does not name the organisation (checklist: 被害組織名 is — for sharing). */
#define STIX_ANONYMOUS "reporting organisation (name withheld)"

int bol_incident_stix(json_t *c, const char *origin, const struct bol_incident_policy *policy,
                      bool name_organization, int64_t now_us, json_t **ret, struct bol_diag *diag)
{
    json_t *inc = json_object_get(c, "incident"), *bundle = NULL, *v, *x, *alerts = NULL;
    struct stix st;
    char opened[BOL_TIME_TEXT_MAX], bid[80], salt[BOL_TIME_TEXT_MAX + 8];
    const char *org = !name_organization                  ? STIX_ANONYMOUS
                      : policy && policy->organization[0] ? policy->organization
                                                          : origin;
    size_t i, k;
    int r = BOL_E_NOMEM;

    if ((r = check_case(c, diag)) < 0)
        return r;
    memset(&st, 0, sizeof(st));
    st.incident = sget(inc, "id");
    if (!stix_time(now_us, st.now) || !stix_time(time_of(inc, "opened_at"), opened))
        return bol_diag_fail(diag, BOL_E_INVAL, "now", "time out of range");
    /* a withheld name gets an id of this incident's own, which says nothing of the name */
    if (name_organization)
        stix_id("identity", "", org, st.identity);
    else
        stix_id("identity", st.incident, STIX_ANONYMOUS, st.identity);
    stix_id("incident", st.incident, st.incident, st.incident_ref);
    snprintf(salt, sizeof(salt), "bundle %s", st.now);
    stix_id("bundle", st.incident, salt, bid);
    st.objects = json_array();
    st.seen = json_object();
    if (!st.objects || !st.seen)
        goto out;
    v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "type", "identity", "spec_version", "2.1", "id",
                  st.identity, "created", opened, "modified", st.now, "name", org, "identity_class",
                  "organization");
    if (!v || json_array_append_new(st.objects, v) < 0)
        goto out;
    v = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s}", "type", "incident", "spec_version", "2.1",
                  "id", st.incident_ref, "created", opened, "modified", st.now, "created_by_ref",
                  st.identity, "name", sget(inc, "title"), "description",
                  sget(inc, "summary")[0] ? sget(inc, "summary") : sget(inc, "title"));
    if (!v || json_array_append_new(st.objects, v) < 0)
        goto out;
    json_array_foreach(json_object_get(c, "notes"), i, v)
    {
        int64_t at = time_of(v, "at");

        json_array_foreach(json_object_get(v, "addrs"), k, x)
        {
            if ((r = stix_add_indicator(&st, "addr", json_string_value(x), at, "note")) < 0)
                goto out;
        }
        json_array_foreach(json_object_get(v, "hashes"), k, x)
        {
            if ((r = stix_add_indicator(&st, "hash", json_string_value(x), at, "note")) < 0)
                goto out;
        }
        json_array_foreach(json_object_get(v, "accounts"), k, x)
        {
            if ((r = stix_add_indicator(&st, "account", json_string_value(x), at, "note")) < 0)
                goto out;
        }
    }
    r = BOL_E_NOMEM;
    alerts = linked_alerts(c);
    if (!alerts)
        goto out;
    json_array_foreach(alerts, i, v)
    {
        json_t *subj = json_object_get(v, "subject");
        int64_t at = time_of(v, "first");

        r = 0;
        if (sget(subj, "addr")[0])
            r = stix_add_indicator(&st, "addr", sget(subj, "addr"), at, sget(v, "rule"));
        /* a decoy account's name is ours, not the attacker's: never shared */
        if (r == 0 && sget(subj, "user")[0] && strcmp(sget(v, "rule"), "canary") != 0 &&
            account_ok(sget(subj, "user")))
            r = stix_add_indicator(&st, "account", sget(subj, "user"), at, sget(v, "rule"));
        if (r < 0)
            goto out;
    }
    bundle = json_pack("{s:s,s:s,s:O}", "type", "bundle", "id", bid, "objects", st.objects);
    r = bundle ? 0 : BOL_E_NOMEM;
out:
    json_decref(alerts);
    json_decref(st.objects);
    json_decref(st.seen);
    if (r < 0)
        return bol_diag_fail(diag, r, "stix", "cannot build the bundle: %s", bol_strerror(r));
    *ret = bundle;
    return 0;
}
