/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_access.c - `bollard serve` and the access administration commands:
 * user, key and access (maintenance windows)
 *
 * The admin commands act as "local:<login name>" on a data directory the
 * caller can open, which already means full control of the host's copy;
 * they are how the first admin is made.  Every change is journaled like
 * the API's; secrets are printed once and never stored in clear.
 */
#include "compat.h"

#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "account.h"
#include "alertsink.h"
#include "api.h"
#include "bol_version.h"
#include "cli.h"
#include "entry.h"
#include "errors.h"
#include "log.h"
#include "mem.h"
#include "ops.h"
#include "query.h"
#include "sandbox.h"
#include "secpolicy.h"
#include "secrets.h"
#include "token.h"
#include "utctime.h"

/* ---- serve ---- */

const char *const cmd_serve_usage[] = {
    "usage: bollard serve --data DIR [--listen ADDR:PORT] [--no-tls] [--trust-proxy ADDR]",
    "                     [--webhook URL] [--user NAME] [--no-seccomp]",
    "                     [--session-idle S] [--session-max S] [--lockout N,WINDOW,LOCK]",
    "                     [--hash-slots N] [--verify-every S]",
    "       bollard serve --routes",
    "",
    "Serve the HTTPS JSON API (docs/api/openapi.yaml) until SIGINT or SIGTERM.",
    "Started as root it drops to the service user first and never serves as",
    "root; then it installs its seccomp allow-list.",
    "",
    "    --data DIR            the data directory",
    "    --listen ADDR:PORT    where to listen (default 127.0.0.1:8443)",
    "    --no-tls              plain HTTP, only behind a TLS proxy on loopback",
    "    --trust-proxy ADDR    take the client address from X-Forwarded-For when",
    "                          the peer is ADDR (nginx in front)",
    "    --webhook URL         POST lockout notifications here (JSON)",
    "    --user NAME           the service user to drop to as root (default bollard)",
    "    --no-seccomp          do not install the seccomp filter (diagnosis only)",
    "    --session-idle S      end sessions idle for S seconds (default 1800)",
    "    --session-max S       end every session S seconds after login (default 43200)",
    "    --lockout N,WINDOW,LOCK  lock an account for LOCK seconds after N failed",
    "                          logins within WINDOW seconds (default 5,900,900)",
    "    --hash-slots N        password hashes run at once (default 1; each takes",
    "                          64 MiB and a core for about 0.1 s)",
    "    --verify-every S      verify the whole journal every S seconds and raise",
    "                          an alert when it fails (default 3600; 0: never)",
    "    --routes              print the route table (method, path, access, roles, body) and exit",
    "",
    "Detection runs inside the server: rules, canaries and alert delivery",
    "(syslog, signed webhook) as DIR/security.json sets them (docs/operations/",
    "detection.md); without that file the default thresholds apply and alerts",
    "go to the journal, the alerts API and the local syslog.",
    NULL,
};

/*
 * METHOD PATH public|write|read ROLE,ROLE... BODY: what the role-matrix and
 * OpenAPI tests read.  BODY is "-", "cmd" or the body's fields ("name?" optional).
 */
static int print_routes(void)
{
    struct bol_api_route_info ri;
    size_t i;
    unsigned k;

    for (i = 0; bol_api_route(i, &ri); i++) {
        const char *sep = "";

        printf("%s %s %s ", ri.method, ri.path,
               ri.public_ ? "public"
               : ri.write ? "write"
                          : "read");
        for (k = 0; k < BOL_ROLE_N; k++) {
            if (ri.roles & BOL_ROLE_BIT(k)) {
                printf("%s%s", sep, bol_role_names[k]);
                sep = ",";
            }
        }
        printf("%s %s\n", ri.public_ ? "-" : "", ri.body[0] ? ri.body : "-");
    }
    return CLI_EXIT_OK;
}

/* A whole number from 1 to max, or -1 after saying what is wrong. */
static int seconds_opt(const char *name, const char *text, uint64_t max, uint64_t *ret)
{
    if (bol_str_to_u64(bol_str_from(text), ret) < 0 || *ret < 1 || *ret > max) {
        bol_log_error("%s is a whole number from 1 to %" PRIu64, name, max);
        return -1;
    }
    return 0;
}

/* N,WINDOW,LOCK: failures, window seconds, lock seconds. */
static int lockout_opt(const char *text, struct bol_api_config *cfg)
{
    unsigned long long n, w, l;
    int used = 0;

    if (sscanf(text, "%llu,%llu,%llu%n", &n, &w, &l, &used) != 3 || text[used] != '\0' || n < 1 ||
        n > 100 || w < 1 || w > 86400 || l < 1 || l > 86400) {
        bol_log_error("--lockout is N,WINDOW,LOCK: 1..100 failures, 1..86400 s, 1..86400 s");
        return -1;
    }
    cfg->lockout_failures = (unsigned) n;
    cfg->lockout_window_s = (unsigned) w;
    cfg->lockout_s = (unsigned) l;
    return 0;
}

static volatile sig_atomic_t stop_now;

static void on_signal(int sig)
{
    (void) sig;
    stop_now = 1;
}

int cmd_serve(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "listen", required_argument, NULL, 'l' },
        { "no-tls", no_argument, NULL, 'n' },
        { "trust-proxy", required_argument, NULL, 'p' },
        { "webhook", required_argument, NULL, 'w' },
        { "user", required_argument, NULL, 'u' },
        { "no-seccomp", no_argument, NULL, 's' },
        { "routes", no_argument, NULL, 'R' },
        { "session-idle", required_argument, NULL, 'I' },
        { "session-max", required_argument, NULL, 'M' },
        { "lockout", required_argument, NULL, 'L' },
        { "hash-slots", required_argument, NULL, 'H' },
        { "verify-every", required_argument, NULL, 'V' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct bol_security_policy policy;
    json_t *policy_root = NULL;
    uint8_t wkey[256];
    struct bol_api_config cfg;
    struct bol_api *api = NULL;
    struct bol_diag d;
    const char *user = "bollard";
    bool seccomp = true;
    uint64_t n;
    int c, r;

    (void) ctx;
    memset(&cfg, 0, sizeof(cfg));
    cfg.tls = true;
    cfg.verify_every_s = 3600;
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            cfg.data_dir = optarg;
            break;
        case 'l':
            cfg.listen = optarg;
            break;
        case 'n':
            cfg.tls = false;
            break;
        case 'p':
            cfg.trust_proxy = optarg;
            break;
        case 'w':
            cfg.webhook = optarg;
            break;
        case 'u':
            user = optarg;
            break;
        case 's':
            seccomp = false;
            break;
        case 'R':
            return print_routes();
        case 'I':
        case 'M':
            if (seconds_opt(c == 'I' ? "--session-idle" : "--session-max", optarg, 7 * 86400, &n) <
                0)
                return CLI_EXIT_USAGE;
            *(c == 'I' ? &cfg.session_idle_us : &cfg.session_max_us) = (int64_t) n * 1000000;
            break;
        case 'L':
            if (lockout_opt(optarg, &cfg) < 0)
                return CLI_EXIT_USAGE;
            break;
        case 'H':
            if (seconds_opt("--hash-slots", optarg, 64, &n) < 0)
                return CLI_EXIT_USAGE;
            cfg.hash_slots = (unsigned) n;
            break;
        case 'V':
            if (seconds_opt("--verify-every", optarg, 30 * 86400, &n) < 0)
                return CLI_EXIT_USAGE;
            cfg.verify_every_s = (unsigned) n;
            break;
        case 'h':
            return cli_usage(cmd_serve_usage, false);
        default:
            return cli_usage(cmd_serve_usage, true);
        }
    }
    if (!cfg.data_dir || optind != argc)
        return cli_usage(cmd_serve_usage, true);
    bol_diag_init(&d);
    r = cli_give_dir(cfg.data_dir, user, false, &d);
    if (r == 0)
        r = bol_sandbox_drop(user, &d);
    if (r < 0) {
        bol_log_error("cannot drop privileges: %s", d.msg);
        return CLI_EXIT_FAIL;
    }
    if (cli_load_policy(cfg.data_dir, &policy, &policy_root) < 0 ||
        cli_load_webhook_key(cfg.data_dir, &policy.alerts, wkey, &cfg.webhook_key_len) < 0) {
        json_decref(policy_root);
        return CLI_EXIT_FAIL;
    }
    cfg.policy = &policy;
    cfg.webhook_key = wkey;
    cfg.version = BOLLARD_VERSION;
    r = bol_api_start(&cfg, &api, &d);
    sodium_memzero(wkey, sizeof(wkey));
    json_decref(policy_root);
    if (r < 0) {
        bol_log_error("cannot serve: %s", d.msg);
        return CLI_EXIT_FAIL;
    }
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGPIPE, SIG_IGN);
    if (seccomp && !bol_sandbox_seccomp_supported()) {
        bol_log_warn("this build (sanitizers) runs without the seccomp filter");
        seccomp = false;
    }
    if (seccomp && bol_sandbox_seccomp(0, &d) < 0) {
        bol_log_error("cannot install the seccomp filter: %s", d.msg);
        bol_api_stop(api);
        return CLI_EXIT_FAIL;
    }
    printf("bollard serving %s://%s:%u/ (data %s)\n", cfg.tls ? "https" : "http",
           cfg.listen && cfg.listen[0] == '[' ? "[::1]" : "127.0.0.1", bol_api_port(api),
           cfg.data_dir);
    fflush(stdout);
    while (!stop_now) {
        struct timespec ts = { 1, 0 };

        /* a signal cuts the sleep short; stop_now is then seen at once */
        (void) nanosleep(&ts, NULL);
        if (!stop_now && bol_api_tick(api, &d) < 0) {
            bol_log_warn("journal checkpoint: %s", d.msg);
            bol_diag_init(&d);
        }
    }
    bol_api_stop(api);
    return CLI_EXIT_OK;
}

/* ---- shared ---- */

struct acc_opts {
    const char *data, *user, *roles, *terminals, *line, *kind, *reason, *name, *role, *id, *from,
        *until;
    unsigned days, hours, overlap;
    bool json;
};

static int acc_parse(int argc, char **argv, const char *const *usage, struct acc_opts *o)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "user", required_argument, NULL, 'u' },
        { "roles", required_argument, NULL, 'R' },
        { "terminals", required_argument, NULL, 't' },
        { "line", required_argument, NULL, 'l' },
        { "kind", required_argument, NULL, 'k' },
        { "reason", required_argument, NULL, 'r' },
        { "name", required_argument, NULL, 'n' },
        { "role", required_argument, NULL, 'o' },
        { "id", required_argument, NULL, 'i' },
        { "from", required_argument, NULL, 'f' },
        { "days", required_argument, NULL, 'D' },
        { "hours", required_argument, NULL, 'H' },
        { "overlap", required_argument, NULL, 'O' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int c;

    memset(o, 0, sizeof(*o));
    optind = 1;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        char *end = NULL;
        unsigned long v = 0;

        if (c == 'D' || c == 'H' || c == 'O') {
            v = strtoul(optarg, &end, 10);
            if (*end || !optarg[0] || v > 10000000)
                return cli_usage(usage, true);
        }
        switch (c) {
        case 'd':
            o->data = optarg;
            break;
        case 'u':
            o->user = optarg;
            break;
        case 'R':
            o->roles = optarg;
            break;
        case 't':
            o->terminals = optarg;
            break;
        case 'l':
            o->line = optarg;
            break;
        case 'k':
            o->kind = optarg;
            break;
        case 'r':
            o->reason = optarg;
            break;
        case 'n':
            o->name = optarg;
            break;
        case 'o':
            o->role = optarg;
            break;
        case 'i':
            o->id = optarg;
            break;
        case 'f':
            o->from = optarg;
            break;
        case 'D':
            o->days = (unsigned) v;
            break;
        case 'H':
            o->hours = (unsigned) v;
            break;
        case 'O':
            o->overlap = (unsigned) v;
            break;
        case 'j':
            o->json = true;
            break;
        case 'h':
            return cli_usage(usage, false);
        default:
            return cli_usage(usage, true);
        }
    }
    if (!o->data || optind != argc)
        return cli_usage(usage, true);
    return -1;
}

/* "a,b,c" as a sorted JSON array ("*" alone for terminals). */
static json_t *list_arg(const char *s)
{
    json_t *a = json_array();

    while (a && *s) {
        size_t n = strcspn(s, ",");

        if (n)
            json_array_append_new(a, json_stringn(s, n));
        s += n;
        if (*s == ',')
            s++;
    }
    return a;
}

/* Roles in enum order, as the account codec wants them. */
static json_t *roles_arg(const char *s)
{
    json_t *in = list_arg(s), *out = json_array(), *v;
    unsigned i;
    size_t k;

    for (i = 0; i < BOL_ROLE_N; i++) {
        json_array_foreach(in, k, v)
        {
            if (!strcmp(json_string_value(v), bol_role_names[i]))
                json_array_append_new(out, json_string(bol_role_names[i]));
        }
    }
    if (json_array_size(in) != json_array_size(out)) {
        json_decref(out);
        out = in; /* core names the unknown role */
    } else {
        json_decref(in);
    }
    return out;
}

/* Run an access command as the local operator. */
int cli_run_local(const char *data, json_t *cmd, struct bol_secrets *x)
{
    struct bol_ops_opts oo;
    struct bol_ops *ops = NULL;
    struct bol_ops_call call;
    char actor[BOL_ACTOR_MAX + 1];
    int r;

    if (!cmd) {
        bol_log_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = data;
    memset(&call, 0, sizeof(call));
    bol_diag_init(&call.diag);
    r = bol_ops_open(&oo, &ops, &call.diag);
    if (r < 0) {
        bol_log_error("cannot open %s: %s", data, call.diag.msg);
        json_decref(cmd);
        return CLI_EXIT_FAIL;
    }
    cli_default_actor(actor, sizeof(actor));
    call.actor.id = bol_str_from(actor);
    call.actor.addr = bol_str_from("local");
    call.req = bol_str_from("");
    call.cmd = cmd;
    call.user = x;
    call.tx_hook = x ? bol_secrets_hook : NULL;
    r = bol_ops_run_call(ops, &call);
    bol_ops_close(ops);
    json_decref(cmd);
    if (r < 0) {
        char msg[400];

        bol_log_error("%s", bol_diag_text(&call.diag, msg, sizeof(msg)));
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

static int list_docs(const char *data, enum bol_view_doc what, bool as_json)
{
    struct bol_store_config c = { .data_dir = data, .read_only = true };
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *a = NULL, *v;
    size_t i;
    int r;

    bol_diag_init(&d);
    r = bol_store_open(&c, &s, &d);
    if (r == 0)
        r = bol_query_docs(s, what, NULL, &a, &d);
    bol_store_close(s);
    if (r < 0) {
        bol_log_error("cannot list: %s", d.msg);
        return CLI_EXIT_FAIL;
    }
    json_array_foreach(a, i, v)
    {
        if (as_json) {
            json_dumpf(v, stdout, JSON_COMPACT | JSON_SORT_KEYS);
            putchar('\n');
        } else if (what == BOL_DOC_ACCOUNT) {
            json_t *rl;
            size_t k;

            printf("%-20s %-8s %-8s mfa=%-3s", json_string_value(json_object_get(v, "user")),
                   json_string_value(json_object_get(v, "kind")),
                   json_string_value(json_object_get(v, "status")),
                   json_is_true(json_object_get(v, "mfa")) ? "yes" : "no");
            json_array_foreach(json_object_get(v, "roles"), k, rl)
                printf("%s%s", k ? "," : " ", json_string_value(rl));
            putchar('\n');
        } else {
            json_dumpf(v, stdout, JSON_COMPACT | JSON_SORT_KEYS);
            putchar('\n');
        }
    }
    json_decref(a);
    return CLI_EXIT_OK;
}

/* ---- user ---- */

const char *const cmd_user_add_usage[] = {
    "usage: bollard user add --data DIR --user NAME --roles R[,R...] [--terminals T[,T...]]",
    "                        [--line CODE] [--kind person|vendor]",
    "",
    "Create an account and print its one-time password, which must be changed at",
    "the first login.  Admin, security and vendor accounts must enrol MFA first.",
    "Roles: admin, security, vessel_planner, yard_planner, clerk, operator, line,",
    "customs, auditor, replica.",
    "",
    "    --data DIR         the data directory",
    "    --user NAME        the user name (a-z, 0-9, '.', '_', '-')",
    "    --roles LIST       comma-separated roles",
    "    --terminals LIST   terminals the account may work on (default *: all)",
    "    --line CODE        the shipping line a line account acts for",
    "    --kind KIND        person (default) or vendor (maintenance windows only)",
    NULL,
};

int cmd_user_add(int argc, char **argv, struct cli_ctx *ctx)
{
    struct acc_opts o;
    struct bol_secrets x;
    char otp[BOL_OTP_LEN + 1];
    char pw_hash[crypto_pwhash_STRBYTES];
    json_t *cmd;
    int r = acc_parse(argc, argv, cmd_user_add_usage, &o);

    (void) ctx;
    if (r >= 0)
        return r;
    if (!o.user || !o.roles)
        return cli_usage(cmd_user_add_usage, true);
    bol_onetime_password(otp);
    memset(&x, 0, sizeof(x));
    x.user = o.user;
    x.now_us = bol_time_now_us();
    x.pw_hash = pw_hash;
    x.pw_verdict = "generated";
    if (crypto_pwhash_str(pw_hash, otp, strlen(otp), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        bol_log_error("out of memory hashing the password");
        return CLI_EXIT_FAIL;
    }
    cmd = json_pack("{s:s,s:s,s:o,s:o,s:s}", "cmd", "user.add", "user", o.user, "roles",
                    roles_arg(o.roles), "terminals", list_arg(o.terminals ? o.terminals : "*"),
                    "kind", o.kind ? o.kind : "person");
    if (cmd && o.line)
        json_object_set_new(cmd, "line", json_string(o.line));
    r = cli_run_local(o.data, cmd, &x);
    if (r == CLI_EXIT_OK)
        printf("%s\none-time password for %s (shown once; must be changed at first login)\n", otp,
               o.user);
    sodium_memzero(otp, sizeof(otp));
    return r;
}

const char *const cmd_user_list_usage[] = {
    "usage: bollard user list --data DIR [--json]",
    "",
    "List accounts: name, kind, status and whether MFA is enrolled; --json",
    "prints each account's document.",
    NULL,
};

int cmd_user_list(int argc, char **argv, struct cli_ctx *ctx)
{
    struct acc_opts o;
    int r = acc_parse(argc, argv, cmd_user_list_usage, &o);

    (void) ctx;
    if (r >= 0)
        return r;
    return list_docs(o.data, BOL_DOC_ACCOUNT, o.json);
}

static int user_step(int argc, char **argv, const char *const *usage, const char *name)
{
    struct acc_opts o;
    struct bol_secrets x;
    json_t *cmd;
    int r = acc_parse(argc, argv, usage, &o);

    if (r >= 0)
        return r;
    if (!o.user || !o.reason)
        return cli_usage(usage, true);
    memset(&x, 0, sizeof(x));
    x.user = o.user;
    bol_secrets_for(&x, name);
    cmd = json_pack("{s:s,s:s,s:s}", "cmd", name, "user", o.user, "reason", o.reason);
    r = cli_run_local(o.data, cmd, &x);
    if (r == CLI_EXIT_OK)
        printf("%s: done\n", o.user);
    return r;
}

const char *const cmd_user_lock_usage[] = {
    "usage: bollard user lock --data DIR --user NAME --reason TEXT",
    "",
    "Lock an account until it is unlocked; its sessions end at once.",
    NULL,
};

int cmd_user_lock(int argc, char **argv, struct cli_ctx *ctx)
{
    (void) ctx;
    return user_step(argc, argv, cmd_user_lock_usage, "user.lock");
}

const char *const cmd_user_unlock_usage[] = {
    "usage: bollard user unlock --data DIR --user NAME --reason TEXT",
    "",
    "Unlock an account locked by an admin or by too many failed logins.",
    NULL,
};

int cmd_user_unlock(int argc, char **argv, struct cli_ctx *ctx)
{
    (void) ctx;
    return user_step(argc, argv, cmd_user_unlock_usage, "user.unlock");
}

const char *const cmd_user_reset_mfa_usage[] = {
    "usage: bollard user reset-mfa --data DIR --user NAME --reason TEXT",
    "",
    "Remove an account's authenticator and recovery codes (the person enrols",
    "again at the next login); its sessions end at once.",
    NULL,
};

int cmd_user_reset_mfa(int argc, char **argv, struct cli_ctx *ctx)
{
    (void) ctx;
    return user_step(argc, argv, cmd_user_reset_mfa_usage, "user.mfa_reset");
}

const char *const cmd_user_reset_password_usage[] = {
    "usage: bollard user reset-password --data DIR --user NAME --reason TEXT",
    "",
    "Give an account a new one-time password, printed once, which must be changed",
    "at the next login; its sessions end at once.  After a restore every account",
    "needs this before its owner can log in again.",
    NULL,
};

int cmd_user_reset_password(int argc, char **argv, struct cli_ctx *ctx)
{
    struct acc_opts o;
    struct bol_secrets x;
    char otp[BOL_OTP_LEN + 1];
    char pw_hash[crypto_pwhash_STRBYTES];
    json_t *cmd;
    int r = acc_parse(argc, argv, cmd_user_reset_password_usage, &o);

    (void) ctx;
    if (r >= 0)
        return r;
    if (!o.user || !o.reason)
        return cli_usage(cmd_user_reset_password_usage, true);
    bol_onetime_password(otp);
    memset(&x, 0, sizeof(x));
    x.user = o.user;
    x.now_us = bol_time_now_us();
    x.pw_hash = pw_hash;
    x.pw_verdict = "generated";
    x.drop_sessions = true;
    if (crypto_pwhash_str(pw_hash, otp, strlen(otp), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0) {
        bol_log_error("out of memory hashing the password");
        return CLI_EXIT_FAIL;
    }
    cmd = json_pack("{s:s,s:s,s:b,s:s}", "cmd", "user.password", "user", o.user, "must_change", 1,
                    "reason", o.reason);
    r = cli_run_local(o.data, cmd, &x);
    sodium_memzero(pw_hash, sizeof(pw_hash));
    if (r == CLI_EXIT_OK)
        printf("%s\none-time password for %s (shown once; must be changed at first login)\n", otp,
               o.user);
    sodium_memzero(otp, sizeof(otp));
    return r;
}

/* ---- key ---- */

const char *const cmd_key_create_usage[] = {
    "usage: bollard key create --data DIR --name NAME --role ROLE [--terminals T[,T...]]",
    "                          [--line CODE] [--days N]",
    "",
    "Create an API key for a machine (an EDI gateway, a line's system, the backup",
    "replica) and print it once, alone on the first line.  Keys always expire",
    "(default 90 days, at most 366); rotate them before they do.",
    "",
    "    --data DIR         the data directory",
    "    --name NAME        what the key is for",
    "    --role ROLE        its one role",
    "    --terminals LIST   terminals it may work on (default *: all)",
    "    --line CODE        the shipping line, for the line role",
    "    --days N           days until it expires (default 90)",
    NULL,
};

static void expiry_text(unsigned days, char out[BOL_TIME_TEXT_MAX])
{
    bol_time_format(bol_time_now_us() + (int64_t) (days ? days : 90) * 86400 * 1000000, 0, 6, out);
}

int cmd_key_create(int argc, char **argv, struct cli_ctx *ctx)
{
    struct acc_opts o;
    struct bol_secrets x;
    struct bol_apikey key;
    char exp[BOL_TIME_TEXT_MAX];
    json_t *cmd;
    int r = acc_parse(argc, argv, cmd_key_create_usage, &o);

    (void) ctx;
    if (r >= 0)
        return r;
    if (!o.name || !o.role)
        return cli_usage(cmd_key_create_usage, true);
    memset(&x, 0, sizeof(x));
    bol_apikey_make(&key);
    x.key = &key;
    expiry_text(o.days, exp);
    cmd = json_pack("{s:s,s:s,s:s,s:s,s:o,s:s}", "cmd", "key.create", "id", key.id, "name", o.name,
                    "role", o.role, "terminals", list_arg(o.terminals ? o.terminals : "*"),
                    "expires", exp);
    if (cmd && o.line)
        json_object_set_new(cmd, "line", json_string(o.line));
    r = cli_run_local(o.data, cmd, &x);
    if (r == CLI_EXIT_OK)
        printf("%s\nkey %s (%s, role %s) expires %s; shown once\n", key.text, key.id, o.name,
               o.role, exp);
    sodium_memzero(&key, sizeof(key));
    return r;
}

const char *const cmd_key_list_usage[] = {
    "usage: bollard key list --data DIR",
    "",
    "List API keys (never their secrets): id, name, role, scope, expiry, status.",
    NULL,
};

int cmd_key_list(int argc, char **argv, struct cli_ctx *ctx)
{
    struct acc_opts o;
    int r = acc_parse(argc, argv, cmd_key_list_usage, &o);

    (void) ctx;
    if (r >= 0)
        return r;
    return list_docs(o.data, BOL_DOC_APIKEY, true);
}

const char *const cmd_key_revoke_usage[] = {
    "usage: bollard key revoke --data DIR --id ID --reason TEXT",
    "",
    "Revoke an API key at once.",
    NULL,
};

int cmd_key_revoke(int argc, char **argv, struct cli_ctx *ctx)
{
    struct acc_opts o;
    json_t *cmd;
    int r = acc_parse(argc, argv, cmd_key_revoke_usage, &o);

    (void) ctx;
    if (r >= 0)
        return r;
    if (!o.id || !o.reason)
        return cli_usage(cmd_key_revoke_usage, true);
    cmd = json_pack("{s:s,s:s,s:s}", "cmd", "key.revoke", "id", o.id, "reason", o.reason);
    r = cli_run_local(o.data, cmd, NULL);
    if (r == CLI_EXIT_OK)
        printf("key %s revoked\n", o.id);
    return r;
}

const char *const cmd_key_rotate_usage[] = {
    "usage: bollard key rotate --data DIR --id ID [--days N] [--overlap SECONDS]",
    "",
    "Make a new key with the same name, role and scope and print it once; the old",
    "key stays valid for the overlap (default 86400 s) so the machine can switch.",
    NULL,
};

int cmd_key_rotate(int argc, char **argv, struct cli_ctx *ctx)
{
    struct bol_store_config c;
    struct bol_store *s = NULL;
    struct bol_diag d;
    struct acc_opts o;
    struct bol_secrets x;
    struct bol_apikey key;
    char exp[BOL_TIME_TEXT_MAX];
    json_t *all = NULL, *v, *old = NULL, *cmd;
    size_t i;
    int r = acc_parse(argc, argv, cmd_key_rotate_usage, &o);

    (void) ctx;
    if (r >= 0)
        return r;
    if (!o.id)
        return cli_usage(cmd_key_rotate_usage, true);
    memset(&c, 0, sizeof(c));
    c.data_dir = o.data;
    c.read_only = true;
    bol_diag_init(&d);
    r = bol_store_open(&c, &s, &d);
    if (r == 0)
        r = bol_query_docs(s, BOL_DOC_APIKEY, NULL, &all, &d);
    bol_store_close(s);
    json_array_foreach(all, i, v)
    {
        if (!strcmp(json_string_value(json_object_get(v, "id")), o.id))
            old = json_incref(v);
    }
    json_decref(all);
    if (r < 0 || !old) {
        bol_log_error("no API key %s", o.id);
        return CLI_EXIT_FAIL;
    }
    memset(&x, 0, sizeof(x));
    bol_apikey_make(&key);
    x.key = &key;
    expiry_text(o.days, exp);
    cmd = json_pack("{s:s,s:s,s:O,s:O,s:O,s:s,s:s,s:i}", "cmd", "key.create", "id", key.id, "name",
                    json_object_get(old, "name"), "role", json_object_get(old, "role"), "terminals",
                    json_object_get(old, "terminals"), "expires", exp, "replaces", o.id, "overlap",
                    (int) (o.overlap ? o.overlap : 86400));
    if (cmd && json_object_get(old, "line"))
        json_object_set(cmd, "line", json_object_get(old, "line"));
    json_decref(old);
    r = cli_run_local(o.data, cmd, &x);
    if (r == CLI_EXIT_OK)
        printf("%s\nkey %s replaces %s; expires %s; shown once\n", key.text, key.id, o.id, exp);
    sodium_memzero(&key, sizeof(key));
    return r;
}

/* ---- access (maintenance windows) ---- */

const char *const cmd_access_grant_usage[] = {
    "usage: bollard access grant --data DIR --user NAME --from ADDR[/BITS] --hours N",
    "                            --reason TEXT",
    "",
    "Open a maintenance window: the vendor account NAME may log in (with MFA) from",
    "ADDR for the next N hours (at most 168).  Prints the window's id.",
    NULL,
};

int cmd_access_grant(int argc, char **argv, struct cli_ctx *ctx)
{
    struct acc_opts o;
    char id[16], ends[BOL_TIME_TEXT_MAX];
    uint8_t rnd[5];
    json_t *cmd;
    int r = acc_parse(argc, argv, cmd_access_grant_usage, &o);

    (void) ctx;
    if (r >= 0)
        return r;
    if (!o.user || !o.from || !o.hours || !o.reason)
        return cli_usage(cmd_access_grant_usage, true);
    randombytes_buf(rnd, sizeof(rnd));
    snprintf(id, sizeof(id), "mw-%02x%02x%02x%02x%02x", rnd[0], rnd[1], rnd[2], rnd[3], rnd[4]);
    bol_time_format(bol_time_now_us() + (int64_t) o.hours * 3600 * 1000000, 0, 6, ends);
    cmd = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s}", "cmd", "access.grant", "id", id, "user", o.user,
                    "from", o.from, "ends", ends, "reason", o.reason);
    r = cli_run_local(o.data, cmd, NULL);
    if (r == CLI_EXIT_OK)
        printf("%s\nwindow for %s from %s until %s\n", id, o.user, o.from, ends);
    return r;
}

const char *const cmd_access_list_usage[] = {
    "usage: bollard access list --data DIR",
    "",
    "List maintenance windows, open and closed.",
    NULL,
};

int cmd_access_list(int argc, char **argv, struct cli_ctx *ctx)
{
    struct acc_opts o;
    int r = acc_parse(argc, argv, cmd_access_list_usage, &o);

    (void) ctx;
    if (r >= 0)
        return r;
    return list_docs(o.data, BOL_DOC_GRANT, true);
}

const char *const cmd_access_revoke_usage[] = {
    "usage: bollard access revoke --data DIR --id ID",
    "",
    "Close a maintenance window now.",
    NULL,
};

int cmd_access_revoke(int argc, char **argv, struct cli_ctx *ctx)
{
    struct acc_opts o;
    json_t *cmd;
    int r = acc_parse(argc, argv, cmd_access_revoke_usage, &o);

    (void) ctx;
    if (r >= 0)
        return r;
    if (!o.id)
        return cli_usage(cmd_access_revoke_usage, true);
    cmd = json_pack("{s:s,s:s}", "cmd", "access.revoke", "id", o.id);
    r = cli_run_local(o.data, cmd, NULL);
    if (r == CLI_EXIT_OK)
        printf("window %s closed\n", o.id);
    return r;
}
