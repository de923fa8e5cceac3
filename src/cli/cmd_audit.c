/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_audit.c - bollard audit: search the journal as an audit trail, export
 * it as JSON lines, print or forward it as RFC 5424 syslog
 */
#include "compat.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "audit.h"
#include "bol_version.h"
#include "cli.h"
#include "entry.h"
#include "errors.h"
#include "log.h"
#include "merkle.h"
#include "store.h"
#include "syslog_fwd.h"
#include "utctime.h"

const char *const cmd_audit_usage[] = {
    "usage: bollard audit --data DIR [--since TIME] [--until TIME] [--from N]",
    "                     [--actor ACTOR] [--user NAME] [--addr ADDR] [--type TYPE]",
    "                     [--terminal CODE] [--security] [--failures] [--limit K]",
    "                     [--format jsonl|text|syslog] [--forward URL] [--hostname NAME]",
    "                     [--facility N] [--follow]",
    "",
    "Search the journal as an audit trail: every login, lockout, MFA change,",
    "key use, refused request and write is an entry.  Conditions combine:",
    "    --since, --until      entry time (ISO 8601), since <= time < until",
    "    --from N              start at entry N (default 1)",
    "    --actor ACTOR         user:NAME, key:ID, system; a trailing * matches a prefix",
    "    --user NAME           the user acting, or named in the entry",
    "    --addr ADDR           source address",
    "    --type TYPE           event type; a trailing * matches a prefix (account.*)",
    "    --terminal CODE       the terminal the entry concerns",
    "    --security            security events only (auth, account, apikey, access,",
    "                          approval, request, journal, alert,",
    "                          canary, data, service)",
    "    --failures            failed logins, lockouts and refused requests only",
    "    --limit K             stop after K matches (default: all)",
    "Output (--format): jsonl (default) prints each entry's canonical bytes, one",
    "per line, as hashed in the journal; text a line per entry; syslog the",
    "RFC 5424 message.  --forward udp://HOST:PORT or tcp://HOST:PORT sends",
    "RFC 5424 messages to a collector instead (facility N, default 13, log",
    "audit; HOST in the message from --hostname, default this host's name).",
    "--follow keeps reading new entries until interrupted.  What goes out as",
    "syslog names no decoy: canary entries and canary alerts have their payload",
    "replaced by their leaf hash.",
    NULL,
};

#define REDACTED_MAX (2 * BOL_HASH_LEN + 40) /* {"leaf":HEX,"redacted":true} */

struct audit_ctx {
    struct bol_audit_filter f;
    enum { OUT_JSONL, OUT_TEXT, OUT_SYSLOG } format;
    struct bol_syslog_fwd *fwd;
    unsigned facility;
    char host[256];
    uint64_t limit, matched, next_seq;
    struct bol_buf msg;
    struct bol_buf red; /* a decoy entry, redacted */
    char red_payload[REDACTED_MAX];
    struct bol_diag d;
    int err;
};

static volatile sig_atomic_t stop_now;

static void on_signal(int sig)
{
    (void) sig;
    stop_now = 1;
}

static void print_text(const struct bol_entry *e)
{
    char at[BOL_TIME_TEXT_MAX];

    if (!bol_time_format(e->at_us, 0, 3, at))
        snprintf(at, sizeof(at), "?");
    printf("%" PRIu64 "  %s  %-7s %.*s  %.*s  %.*s", e->seq, at,
           bol_audit_severity(e) == BOL_SEV_WARNING  ? "WARNING"
           : bol_audit_severity(e) == BOL_SEV_NOTICE ? "NOTICE"
                                                     : "INFO",
           (int) e->actor.len, e->actor.p, e->addr.len ? (int) e->addr.len : 1,
           e->addr.len ? e->addr.p : "-", (int) e->type.len, e->type.p);
    if (e->terminal.len)
        printf("  terminal=%.*s", (int) e->terminal.len, e->terminal.p);
    printf("  ");
    cli_put_escaped(stdout, e->payload.p, e->payload.len);
    putchar('\n');
}

/*
 * What goes to a collector (--format syslog, --forward) names no decoy: a
 * canary.* entry, or an alert of the canary rule, leaves with its payload
 * replaced by {"leaf":HEX,"redacted":true}, the SHA-256 leaf hash of its
 * stored bytes, so the collector's readers can match it against the
 * journal without learning the decoy.  jsonl and text stay exact: they are
 * read where the data directory, and its canary table, already is.
 */
static bool names_decoy(const struct bol_entry *e)
{
    json_t *p, *rule;
    bool hit;

    if (bol_str_starts_with(e->type, "canary."))
        return true;
    if (!bol_str_starts_with(e->type, "alert."))
        return false;
    p = json_loadb(e->payload.p, e->payload.len, 0, NULL);
    rule = json_object_get(json_object_get(p, "alert"), "rule");
    hit = json_is_string(rule) && !strcmp(json_string_value(rule), "canary");
    json_decref(p);
    return hit;
}

/* The entry with its payload (into payload) redacted, as canonical bytes into out. */
static int redacted(const struct bol_entry *e, struct bol_str bytes, struct bol_entry *r,
                    char payload[REDACTED_MAX], struct bol_buf *out, struct bol_diag *d)
{
    struct bol_hash h;
    size_t k;
    int n;

    bol_merkle_leaf_hash(bytes.p, bytes.len, &h);
    n = snprintf(payload, REDACTED_MAX, "{\"leaf\":\"");
    for (k = 0; k < BOL_HASH_LEN; k++)
        n += snprintf(payload + n, REDACTED_MAX - (size_t) n, "%02x", h.b[k]);
    snprintf(payload + n, REDACTED_MAX - (size_t) n, "\",\"redacted\":true}");
    *r = *e;
    r->payload = bol_str_from(payload);
    bol_buf_reset(out);
    return bol_entry_encode(r, out, d);
}

static int take(void *ctx, uint64_t seq, struct bol_str bytes, const struct bol_hash *leaf)
{
    struct audit_ctx *a = ctx;
    struct bol_entry e;
    int rc;

    (void) leaf;
    a->next_seq = seq + 1;
    if (stop_now)
        return 1;
    bol_diag_init(&a->d);
    if ((rc = bol_entry_decode(bytes, &e, &a->d)) < 0) {
        a->err = rc;
        return 1;
    }
    if (!bol_audit_match(&a->f, &e))
        return 0;
    if (a->fwd || a->format == OUT_SYSLOG) {
        struct bol_entry shown = e;

        rc = 0;
        if (names_decoy(&e)) {
            rc = redacted(&e, bytes, &shown, a->red_payload, &a->red, &a->d);
            bytes = bol_buf_str(&a->red);
        }
        bol_buf_reset(&a->msg);
        if (rc == 0)
            rc = bol_audit_syslog(&shown, bytes, a->facility, a->host, BOLLARD_VERSION, &a->msg,
                                  &a->d);
        if (rc == 0 && a->fwd)
            rc = bol_syslog_fwd_send(a->fwd, a->msg.buf, a->msg.len, &a->d);
        else if (rc == 0)
            printf("%.*s\n", (int) a->msg.len, a->msg.buf);
        if (rc < 0) {
            a->err = rc;
            return 1;
        }
    } else if (a->format == OUT_TEXT) {
        print_text(&e);
    } else {
        fwrite(bytes.p, 1, bytes.len, stdout);
        putchar('\n');
    }
    if (++a->matched == a->limit)
        return 1;
    return 0;
}

static int time_opt(const char *name, const char *text, int64_t *ret)
{
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_time_parse(bol_str_from(text), ret, &d) < 0) {
        bol_log_error("%s: %s", name, d.msg);
        return -1;
    }
    return 0;
}

/* 0, -1 when -h printed the usage, or CLI_EXIT_USAGE. */
static int parse_opts(int argc, char **argv, struct audit_ctx *a, const char **dir,
                      const char **forward, bool *follow)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "since", required_argument, NULL, 's' },
        { "until", required_argument, NULL, 'u' },
        { "from", required_argument, NULL, 'F' },
        { "actor", required_argument, NULL, 'a' },
        { "user", required_argument, NULL, 'U' },
        { "addr", required_argument, NULL, 'A' },
        { "type", required_argument, NULL, 't' },
        { "terminal", required_argument, NULL, 'T' },
        { "security", no_argument, NULL, 'S' },
        { "failures", no_argument, NULL, 'x' },
        { "limit", required_argument, NULL, 'l' },
        { "format", required_argument, NULL, 'o' },
        { "forward", required_argument, NULL, 'w' },
        { "hostname", required_argument, NULL, 'H' },
        { "facility", required_argument, NULL, 'y' },
        { "follow", no_argument, NULL, 'W' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    uint64_t n;
    int ch;

    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            *dir = optarg;
            break;
        case 's':
            if (time_opt("--since", optarg, &a->f.since_us) < 0)
                return CLI_EXIT_USAGE;
            break;
        case 'u':
            if (time_opt("--until", optarg, &a->f.until_us) < 0)
                return CLI_EXIT_USAGE;
            break;
        case 'F':
            if (bol_str_to_u64(bol_str_from(optarg), &a->next_seq) < 0 || a->next_seq == 0) {
                bol_log_error("--from must be an entry number from 1");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'a':
            a->f.actor = optarg;
            break;
        case 'U':
            a->f.user = optarg;
            break;
        case 'A':
            a->f.addr = optarg;
            break;
        case 't':
            a->f.type = optarg;
            break;
        case 'T':
            a->f.terminal = optarg;
            break;
        case 'S':
            a->f.security = true;
            break;
        case 'x':
            a->f.failures = true;
            break;
        case 'l':
            if (bol_str_to_u64(bol_str_from(optarg), &a->limit) < 0 || a->limit == 0) {
                bol_log_error("--limit must be a number from 1");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'o':
            if (!strcmp(optarg, "jsonl"))
                a->format = OUT_JSONL;
            else if (!strcmp(optarg, "text"))
                a->format = OUT_TEXT;
            else if (!strcmp(optarg, "syslog"))
                a->format = OUT_SYSLOG;
            else {
                bol_log_error("--format is jsonl, text or syslog");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'w':
            *forward = optarg;
            break;
        case 'H':
            snprintf(a->host, sizeof(a->host), "%s", optarg);
            break;
        case 'y':
            if (bol_str_to_u64(bol_str_from(optarg), &n) < 0 || n > 23) {
                bol_log_error("--facility is a syslog facility, 0 to 23");
                return CLI_EXIT_USAGE;
            }
            a->facility = (unsigned) n;
            break;
        case 'W':
            *follow = true;
            break;
        case 'h':
            cli_usage(cmd_audit_usage, false);
            return -1;
        default:
            return cli_usage(cmd_audit_usage, true);
        }
    }
    if (!*dir || optind != argc)
        return cli_usage(cmd_audit_usage, true);
    return 0;
}

int cmd_audit(int argc, char **argv, struct cli_ctx *ctx)
{
    struct audit_ctx a;
    struct bol_store_config c = { .read_only = true };
    struct bol_store *s = NULL;
    const char *dir = NULL, *forward = NULL;
    bool follow = false;
    int r;

    (void) ctx;
    memset(&a, 0, sizeof(a));
    a.facility = 13; /* log audit */
    a.next_seq = 1;
    bol_buf_init(&a.msg, NULL, BOL_ENTRY_MAX + 1024);
    bol_buf_init(&a.red, NULL, BOL_ENTRY_MAX + 1);
    r = parse_opts(argc, argv, &a, &dir, &forward, &follow);
    if (r != 0)
        return r < 0 ? CLI_EXIT_OK : r; /* -1: the usage was asked for */
    if (!a.host[0] && (gethostname(a.host, sizeof(a.host) - 1) != 0 || !a.host[0]))
        snprintf(a.host, sizeof(a.host), "-");
    c.data_dir = dir;
    bol_diag_init(&a.d);
    if (forward && bol_syslog_fwd_open(forward, &a.fwd, &a.d) < 0) {
        bol_log_error("%s", a.d.msg);
        return CLI_EXIT_FAIL;
    }
    if ((r = bol_store_open(&c, &s, &a.d)) < 0) {
        bol_log_error("cannot open the store: %s", a.d.msg[0] ? a.d.msg : bol_strerror(r));
        bol_syslog_fwd_close(a.fwd);
        return CLI_EXIT_FAIL;
    }
    if (follow) {
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
    }
    signal(SIGPIPE, SIG_IGN);
    for (;;) {
        bol_diag_init(&a.d);
        r = bol_store_read(s, a.next_seq, 0, take, &a, &a.d);
        if (r < 0 || a.err < 0 || (a.limit && a.matched >= a.limit) || !follow || stop_now)
            break;
        fflush(stdout);
        /* New entries are committed in groups: a second is well inside any RPO. */
        nanosleep(&(struct timespec){ 1, 0 }, NULL);
    }
    if (r < 0 && a.err == 0)
        bol_log_error("cannot read the journal: %s", a.d.msg[0] ? a.d.msg : bol_strerror(r));
    else if (a.err < 0)
        bol_log_error("entry %" PRIu64 ": %s", a.next_seq - 1, a.d.msg);
    bol_store_close(s);
    bol_syslog_fwd_close(a.fwd);
    bol_buf_release(&a.msg);
    bol_buf_release(&a.red);
    if (fflush(stdout) != 0)
        return CLI_EXIT_FAIL;
    return (r < 0 && a.err == 0) || a.err < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
