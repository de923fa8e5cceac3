/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_alert.c - bollard alert list|ack|scan, bollard canary create|list, and
 * the security policy file's loader the server and these commands share
 */
#include "compat.h"

#include <errno.h>
#include <getopt.h>
#include <pwd.h>
#include <sodium.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alertsink.h"
#include "cli.h"
#include "container_id.h"
#include "detect.h"
#include "entry.h"
#include "errors.h"
#include "jsonv.h"
#include "log.h"
#include "mem.h"
#include "query.h"
#include "secpolicy.h"
#include "store.h"
#include "token.h"
#include "tzrule.h"
#include "utctime.h"
#include "view.h"

/* ---- the policy file ---- */

#define POLICY_MAX (1u << 20)
#define TZIF_MAX   (1u << 20)

/* An IANA name: letters, digits, '/', '_', '-', '+'; no "..", no leading '/'. */
static int tz_resolve(void *ctx, const char *name, char rule[BOL_TZ_RULE_MAX],
                      struct bol_diag *diag)
{
    char path[320];
    char *data = NULL;
    size_t len = 0, i;
    int r;

    (void) ctx;
    for (i = 0; name[i]; i++)
        if (!((name[i] >= 'A' && name[i] <= 'Z') || (name[i] >= 'a' && name[i] <= 'z') ||
              (name[i] >= '0' && name[i] <= '9') || strchr("/_-+", name[i])))
            break;
    if (name[i] || name[0] == '/' || strstr(name, "..") || i > 64)
        return bol_diag_fail(diag, BOL_E_INVAL, "tz", "'%s' is not a time zone name", name);
    snprintf(path, sizeof(path), "/usr/share/zoneinfo/%s", name);
    if (access(path, R_OK) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "tz", "unknown time zone '%s' (%s: %s)", name, path,
                             strerror(errno));
    if (cli_read_file(path, TZIF_MAX, &data, &len) < 0)
        return bol_diag_fail(diag, BOL_E_IO, "tz", "cannot read %s", path);
    r = bol_tz_from_tzif(data, len, rule, diag);
    bol_free(data);
    return r;
}

int cli_load_policy(const char *data, struct bol_security_policy *p, json_t **root)
{
    char path[600];
    char *text = NULL;
    size_t len = 0;
    json_error_t je;
    struct bol_diag d;

    *root = NULL;
    bol_security_policy_default(p);
    snprintf(path, sizeof(path), "%s/security.json", data);
    if (access(path, F_OK) != 0)
        return 0;
    if (cli_read_file(path, POLICY_MAX, &text, &len) < 0)
        return -1;
    *root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &je);
    bol_free(text);
    if (!*root) {
        bol_log_error("%s: line %d, column %d: %s", path, je.line, je.column, je.text);
        return -1;
    }
    bol_diag_init(&d);
    if (bol_security_policy_from_json(*root, tz_resolve, NULL, p, &d) < 0) {
        bol_log_error("%s: %s", path, d.msg);
        json_decref(*root);
        *root = NULL;
        return -1;
    }
    return 0;
}

/*
 * The webhook's secret: a file of the service user's alone (0600 or 0400),
 * 32 to 256 bytes, trailing newline dropped.
 */
int cli_load_webhook_key(const char *data, const struct bol_alert_policy *p, uint8_t key[256],
                         size_t *len)
{
    char path[800];
    char *text = NULL;
    struct stat st;

    *len = 0;
    if (!p->webhook_url[0])
        return 0;
    if (p->webhook_secret_file[0] == '/')
        snprintf(path, sizeof(path), "%s", p->webhook_secret_file);
    else
        snprintf(path, sizeof(path), "%s/%s", data, p->webhook_secret_file);
    if (stat(path, &st) != 0) {
        bol_log_error("%s: the webhook's secret: %s", path, strerror(errno));
        return -1;
    }
    if (st.st_mode & 077) {
        bol_log_error("%s: the webhook's secret must not be readable by others (chmod 600)", path);
        return -1;
    }
    if (cli_read_file(path, 4096, &text, len) < 0)
        return -1;
    while (*len && (text[*len - 1] == '\n' || text[*len - 1] == '\r'))
        (*len)--;
    if (*len < BOL_WEBHOOK_KEY_MIN || *len > 256) {
        bol_log_error("%s: the webhook's secret must be %d to 256 bytes", path,
                      BOL_WEBHOOK_KEY_MIN);
        sodium_memzero(text, *len);
        bol_free(text);
        return -1;
    }
    memcpy(key, text, *len);
    sodium_memzero(text, *len);
    bol_free(text);
    return 0;
}

/* ---- shared ---- */

/* Every document of a kind, from DIR's store opened read-only; NULL after logging why. */
static json_t *read_docs(const char *data, enum bol_view_doc what)
{
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *a = NULL;
    int r;

    if (cli_open_store(data, true, &s) < 0)
        return NULL;
    bol_diag_init(&d);
    r = bol_query_docs(s, what, NULL, &a, &d);
    bol_store_close(s);
    if (r < 0) {
        cli_diag_error("cannot read the store", r, &d);
        return NULL;
    }
    return a;
}

static void put_json(json_t *v)
{
    json_dumpf(v, stdout, JSON_COMPACT | JSON_SORT_KEYS);
    putchar('\n');
}

/* ---- alert list ---- */

const char *const cmd_alert_list_usage[] = {
    "usage: bollard alert list --data DIR [--open] [--json]",
    "",
    "List the alerts detection raised, oldest first: id, severity, status, time",
    "and message (--json: each alert as one JSON object per line).  --open shows",
    "only those not yet acknowledged.",
    NULL,
};

int cmd_alert_list(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "open", no_argument, NULL, 'o' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *data = NULL;
    bool open_only = false, as_json = false;
    json_t *a = NULL, *v;
    size_t i;
    int c;

    (void) ctx;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'o':
            open_only = true;
            break;
        case 'j':
            as_json = true;
            break;
        case 'h':
            return cli_usage(cmd_alert_list_usage, false);
        default:
            return cli_usage(cmd_alert_list_usage, true);
        }
    }
    if (!data || optind != argc)
        return cli_usage(cmd_alert_list_usage, true);
    if (!(a = read_docs(data, BOL_DOC_ALERT)))
        return CLI_EXIT_FAIL;
    json_array_foreach(a, i, v)
    {
        const char *st = json_string_value(json_object_get(v, "status"));

        if (open_only && st && strcmp(st, "open"))
            continue;
        if (as_json) {
            put_json(v);
            continue;
        }
        printf("%-28s %-8s %-12s %s  %s\n", json_string_value(json_object_get(v, "id")),
               json_string_value(json_object_get(v, "severity")), st,
               json_string_value(json_object_get(v, "last")),
               json_string_value(json_object_get(v, "message")));
    }
    json_decref(a);
    return CLI_EXIT_OK;
}

/* ---- alert ack ---- */

const char *const cmd_alert_ack_usage[] = {
    "usage: bollard alert ack --data DIR --id ID --note TEXT",
    "",
    "Acknowledge an alert with a note saying what was found or done; the",
    "acknowledgement is journaled with who gave it.  An alert is acknowledged",
    "once.",
    NULL,
};

int cmd_alert_ack(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "id", required_argument, NULL, 'i' },
        { "note", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *data = NULL, *id = NULL, *note = NULL;
    struct passwd *pw = getpwuid(getuid());
    char by[96];
    int c;

    (void) ctx;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'i':
            id = optarg;
            break;
        case 'n':
            note = optarg;
            break;
        case 'h':
            return cli_usage(cmd_alert_ack_usage, false);
        default:
            return cli_usage(cmd_alert_ack_usage, true);
        }
    }
    if (!data || !id || !note || optind != argc)
        return cli_usage(cmd_alert_ack_usage, true);
    snprintf(by, sizeof(by), "local:%s", pw && pw->pw_name ? pw->pw_name : "unknown");
    if (cli_run_local(
            data,
            json_pack("{s:s,s:s,s:s,s:s}", "cmd", "alert.ack", "id", id, "note", note, "by", by),
            NULL) != 0)
        return CLI_EXIT_FAIL;
    printf("alert %s acknowledged\n", id);
    return CLI_EXIT_OK;
}

/* ---- alert scan ---- */

const char *const cmd_alert_scan_usage[] = {
    "usage: bollard alert scan --data DIR [--from N] [--to N] [--json]",
    "",
    "Run the detection rules of DIR/security.json over journal entries N..M",
    "(default: all) and print the alerts they would raise, without journaling",
    "or sending anything: to try thresholds, or to look back over a stretch of",
    "journal after the fact.  Exit 0 when none, 1 when some, 2 on usage errors.",
    NULL,
};

struct scan {
    struct bol_detect *eng;
    uint64_t to, alerts;
    bool as_json;
};

static void scan_alert(void *ctx, const struct bol_alert *a)
{
    struct scan *sc = ctx;
    json_t *o = NULL;

    sc->alerts++;
    if (sc->as_json && bol_alert_to_json(a, &o) == 0) {
        put_json(o);
        json_decref(o);
        return;
    }
    printf("%-28s %-8s %s\n", a->id, bol_alert_severity_names[a->severity], a->message);
}

static int scan_entry(void *ctx, uint64_t seq, struct bol_str bytes, const struct bol_hash *leaf)
{
    struct scan *sc = ctx;
    struct bol_entry e;

    (void) leaf;
    if (sc->to && seq > sc->to)
        return 1;
    if (bol_entry_decode(bytes, &e, NULL) < 0)
        return 0;
    return bol_detect_feed(sc->eng, &e, scan_alert, sc);
}

static int num_opt(const char *name, const char *s, uint64_t *out)
{
    char *end;

    errno = 0;
    *out = strtoull(s, &end, 10);
    if (errno || !s[0] || *end || s[0] == '-') {
        bol_log_error("%s wants a number", name);
        return -1;
    }
    return 0;
}

int cmd_alert_scan(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' }, { "from", required_argument, NULL, 'f' },
        { "to", required_argument, NULL, 't' },   { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
    };
    struct bol_security_policy pol;
    struct scan sc;
    const char *data = NULL;
    uint64_t from = 1;
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *root = NULL;
    int c, r;

    (void) ctx;
    memset(&sc, 0, sizeof(sc));
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'f':
            if (num_opt("--from", optarg, &from) < 0)
                return cli_usage(cmd_alert_scan_usage, true);
            break;
        case 't':
            if (num_opt("--to", optarg, &sc.to) < 0)
                return cli_usage(cmd_alert_scan_usage, true);
            break;
        case 'j':
            sc.as_json = true;
            break;
        case 'h':
            return cli_usage(cmd_alert_scan_usage, false);
        default:
            return cli_usage(cmd_alert_scan_usage, true);
        }
    }
    if (!data || optind != argc || from == 0)
        return cli_usage(cmd_alert_scan_usage, true);
    if (cli_load_policy(data, &pol, &root) < 0)
        return CLI_EXIT_FAIL;
    json_decref(root);
    if (bol_detect_new(&pol.detect, &sc.eng) < 0 || cli_open_store(data, true, &s) < 0) {
        bol_detect_free(sc.eng);
        return CLI_EXIT_FAIL;
    }
    bol_diag_init(&d);
    r = bol_store_read(s, from, 0, scan_entry, &sc, &d);
    bol_store_close(s);
    bol_detect_free(sc.eng);
    if (r < 0) {
        cli_diag_error("cannot read the journal", r, &d);
        return CLI_EXIT_FAIL;
    }
    if (!sc.as_json)
        printf("%" PRIu64 " alert%s\n", sc.alerts, sc.alerts == 1 ? "" : "s");
    return sc.alerts ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* ---- canary create ---- */

const char *const cmd_canary_create_usage[] = {
    "usage: bollard canary create --data DIR --kind container|user|key [--id ID]",
    "                             [--note TEXT]",
    "",
    "Create a decoy: a container number, an account name or an API key that no",
    "real record has.  Any read or use of it through the API raises a high",
    "alert; it never appears in lists, counts, EDI messages or the yard.",
    "    container   ID an ISO 6346 number (default: a new random one)",
    "    user        ID the account name to watch (required)",
    "    key         a new key is made and printed once: plant it where only an",
    "                intruder would look (a script, a share, a backup)",
    "Prints the decoy's id (and the key) on stdout.",
    NULL,
};

static void random_container(char out[12])
{
    struct bol_container_id id;
    char code[11];
    unsigned i;

    for (;;) {
        uint32_t serial = randombytes_uniform(1000000);
        int cd;

        for (i = 0; i < 3; i++)
            code[i] = (char) ('A' + randombytes_uniform(26));
        code[3] = 'U';
        snprintf(code + 4, 7, "%06u", (unsigned) serial);
        cd = bol_iso6346_check_digit(code);
        if (cd < 0 || cd > 9)
            continue; /* owners avoid numbers whose check digit would be 10 */
        memcpy(out, code, 10);
        out[10] = (char) ('0' + cd);
        out[11] = '\0';
        if (bol_container_id_parse(bol_str_from(out), &id, NULL) == 0)
            return;
    }
}

int cmd_canary_create(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' }, { "kind", required_argument, NULL, 'k' },
        { "id", required_argument, NULL, 'i' },   { "note", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
    };
    const char *data = NULL, *kind = NULL, *id = NULL, *note = NULL;
    char made[16];
    struct bol_apikey key;
    json_t *cmd;
    int c;

    (void) ctx;
    memset(&key, 0, sizeof(key));
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'k':
            kind = optarg;
            break;
        case 'i':
            id = optarg;
            break;
        case 'n':
            note = optarg;
            break;
        case 'h':
            return cli_usage(cmd_canary_create_usage, false);
        default:
            return cli_usage(cmd_canary_create_usage, true);
        }
    }
    if (!data || !kind || optind != argc)
        return cli_usage(cmd_canary_create_usage, true);
    if (!strcmp(kind, "container") && !id) {
        random_container(made);
        id = made;
    } else if (!strcmp(kind, "key")) {
        if (id) {
            bol_log_error("--id is not taken with --kind key: the key is made here");
            return CLI_EXIT_USAGE;
        }
        bol_apikey_make(&key);
        id = key.id;
    } else if (!strcmp(kind, "user") && !id) {
        bol_log_error("--kind user needs --id NAME: the account name to watch");
        return CLI_EXIT_USAGE;
    } else if (strcmp(kind, "container") && strcmp(kind, "user")) {
        return cli_usage(cmd_canary_create_usage, true);
    }
    cmd = json_pack("{s:s,s:s,s:s}", "cmd", "canary.create", "kind", kind, "id", id);
    if (cmd && note && jv_set_str(cmd, "note", note) < 0) {
        json_decref(cmd);
        cmd = NULL;
    }
    if (cli_run_local(data, cmd, NULL) != 0) {
        sodium_memzero(&key, sizeof(key));
        return CLI_EXIT_FAIL;
    }
    if (key.text[0])
        printf("%s\n%s\n", id, key.text);
    else
        printf("%s\n", id);
    sodium_memzero(&key, sizeof(key));
    return CLI_EXIT_OK;
}

/* ---- canary list ---- */

const char *const cmd_canary_list_usage[] = {
    "usage: bollard canary list --data DIR [--json]",
    "",
    "List the decoys: kind, id and note.",
    NULL,
};

int cmd_canary_list(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *data = NULL;
    bool as_json = false;
    json_t *a = NULL, *v;
    size_t i;
    int c;

    (void) ctx;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'j':
            as_json = true;
            break;
        case 'h':
            return cli_usage(cmd_canary_list_usage, false);
        default:
            return cli_usage(cmd_canary_list_usage, true);
        }
    }
    if (!data || optind != argc)
        return cli_usage(cmd_canary_list_usage, true);
    if (!(a = read_docs(data, BOL_DOC_CANARY)))
        return CLI_EXIT_FAIL;
    json_array_foreach(a, i, v)
    {
        const char *note = json_string_value(json_object_get(v, "note"));

        if (as_json)
            put_json(v);
        else
            printf("%-10s %-14s %s\n", json_string_value(json_object_get(v, "kind")),
                   json_string_value(json_object_get(v, "id")), note ? note : "");
    }
    json_decref(a);
    return CLI_EXIT_OK;
}
