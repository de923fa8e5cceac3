/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_replica.c - bollard replica init|run|status|approve, restore, drill
 *
 * The backup host's commands (docs/operations/recovery.md).  The replica
 * pulls; nothing here listens on the network.
 */
#include "compat.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alertsink.h"
#include "bol_version.h"
#include "buf.h"
#include "cli.h"
#include "sandbox.h"
#include "detect.h"
#include "entry.h"
#include "errors.h"
#include "jsonv.h"
#include "log.h"
#include "mem.h"
#include "replica-int.h"
#include "replica.h"
#include "restore.h"
#include "secpolicy.h"
#include "tlscert.h"
#include "utctime.h"

/* A public key, as text or in a file, in its text form. */
static int key_arg(const char *arg, char *out, size_t len)
{
    struct bol_verifier v;
    struct bol_buf b = BOL_BUF_INIT(1024);
    int r = cli_load_verifier(arg, &v);

    if (r == 0 && (bol_verifier_encode(&v, &b) < 0 || b.len >= len))
        r = -1;
    if (r == 0)
        snprintf(out, len, "%s", b.buf);
    bol_buf_release(&b);
    return r;
}

/* A secret held in a file (the API key): its text without the line end. */
static int secret_arg(const char *arg, char *out, size_t len)
{
    char *text = NULL;
    size_t n = 0;

    if (cli_read_file(arg, 4096, &text, &n) < 0)
        return -1;
    while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
        text[--n] = '\0';
    snprintf(out, len, "%s", text);
    sodium_memzero(text, n);
    bol_free(text);
    return 0;
}

static void print_alert(void *ctx, const char *kind, const char *message)
{
    (void) ctx;
    bol_log_error("ALERT %s: %s", kind, message);
}

/*
 * replica run: each alert also goes out as a replica_refused alert through
 * the syslog collector and webhook that DIR/security.json names (the
 * primary may be the one under attack, so the backup host speaks for
 * itself).  A fork, a cut or an unapproved key is critical; an unreachable
 * primary medium; the rest high.  These alerts are no entry of the
 * primary's journal: their body's "seq" is 0 and their X-Bollard-Delivery is
 * "replica-<start>-<n>" (the second this process started, then a counter),
 * never a number a primary's entry could have.
 */
struct alert_out {
    struct bol_alertsink *sink;
    uint64_t n;
    int64_t started_s;
};

static void send_alert(void *ctx, const char *kind, const char *message)
{
    struct alert_out *o = ctx;
    struct bol_alert a;
    struct bol_entry e;
    struct bol_buf b = BOL_BUF_INIT(1u << 16);
    enum bol_alert_severity sev = BOL_ALERT_HIGH;
    int64_t now = bol_time_now_us();
    json_t *j = NULL, *p;
    char key[96], id[BOL_DELIVERY_ID_MAX];

    print_alert(NULL, kind, message);
    if (!o->sink)
        return;
    if (!strcmp(kind, "replica.fork") || !strcmp(kind, "replica.truncated") ||
        !strcmp(kind, "replica.epoch"))
        sev = BOL_ALERT_CRITICAL;
    else if (!strcmp(kind, "replica.unreachable"))
        sev = BOL_ALERT_MEDIUM;
    snprintf(key, sizeof(key), "%s-%lld", kind + 8, (long long) (now / 1000000));
    bol_alert_make(&a, "replica_refused", sev, key, now, "%s: %s", kind, message);
    a.count = 1;
    if (bol_alert_to_json(&a, &j) < 0)
        return;
    p = json_pack("{s:o}", "alert", j);
    if (p && jv_dump(p, &b) == 0) {
        memset(&e, 0, sizeof(e));
        if (!o->started_s)
            o->started_s = now / 1000000;
        snprintf(id, sizeof(id), "replica-%lld-%llu", (long long) o->started_s,
                 (unsigned long long) ++o->n);
        e.seq = 0;
        e.at_us = now;
        e.actor = bol_str_from("system");
        e.type = bol_str_from("alert.raised");
        e.payload = bol_buf_str(&b);
        bol_alertsink_deliver_as(o->sink, &e, e.payload, id);
    }
    json_decref(p);
    bol_buf_release(&b);
}

/* ---- replica init ---- */

const char *const cmd_replica_init_usage[] = {
    "usage: bollard replica init --data DIR --primary URL --pin KEY --api-key FILE",
    "                            [--ca-cert FILE]",
    "",
    "Set up a replica on the backup host: an encrypted vault whose key is made",
    "here and never leaves this host, the primary's address and pinned journal",
    "key, the replica-role API key it pulls with, and a signing key of its own",
    "for operations packs (printed).",
    "",
    "    --data DIR        the replica's directory (must not exist, or be empty)",
    "    --primary URL     the primary's API, https://host:port",
    "    --pin KEY         the primary's journal public key, or a file holding it",
    "    --api-key FILE    a file holding an API key of the replica role (0600)",
    "    --ca-cert FILE    the primary's TLS certificate, pinned (default: system CAs)",
    NULL,
};

int cmd_replica_init(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "primary", required_argument, NULL, 'p' },
        { "pin", required_argument, NULL, 'k' },
        { "api-key", required_argument, NULL, 'a' },
        { "ca-cert", required_argument, NULL, 'c' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct bol_replica_init in = { 0 };
    struct bol_buf pub = BOL_BUF_INIT(1024);
    const char *keyfile = NULL;
    char pin[1024], apikey[512];
    struct bol_diag d;
    struct stat st;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            in.dir = optarg;
            break;
        case 'p':
            in.primary = optarg;
            break;
        case 'k':
            if (key_arg(optarg, pin, sizeof(pin)) < 0)
                return CLI_EXIT_FAIL;
            in.pin = pin;
            break;
        case 'a':
            keyfile = optarg;
            break;
        case 'c':
            in.ca_file = optarg;
            break;
        case 'h':
            return cli_usage(cmd_replica_init_usage, false);
        default:
            return cli_usage(cmd_replica_init_usage, true);
        }
    }
    if (!in.dir || !in.primary || !in.pin || !keyfile || optind != argc)
        return cli_usage(cmd_replica_init_usage, true);
    if (stat(keyfile, &st) == 0 && (st.st_mode & 077)) {
        bol_log_error("'%s' is readable by others (mode %03o); make it 0600", keyfile,
                      (unsigned) (st.st_mode & 0777));
        return CLI_EXIT_FAIL;
    }
    if (secret_arg(keyfile, apikey, sizeof(apikey)) < 0)
        return CLI_EXIT_FAIL;
    in.api_key = apikey;
    bol_diag_init(&d);
    r = bol_replica_create(&in, &pub, &d);
    sodium_memzero(apikey, sizeof(apikey));
    if (r < 0) {
        cli_diag_error("cannot set up the replica", r, &d);
        bol_buf_release(&pub);
        return CLI_EXIT_FAIL;
    }
    printf("replica set up in %s, pulling from %s\n", in.dir, in.primary);
    printf("operations pack key (give it to whoever checks packs):\n%s\n", pub.buf);
    bol_buf_release(&pub);
    return CLI_EXIT_OK;
}

/* ---- replica run ---- */

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
    (void) sig;
    stop_requested = 1;
}

const char *const cmd_replica_run_usage[] = {
    "usage: bollard replica run --data DIR [--once] [--poll-ms N] [--snapshot-every S]",
    "                           [--pack-every S] [--user NAME]",
    "",
    "Pull the primary's journal and checkpoints, verify them and keep them,",
    "until SIGINT or SIGTERM.  Snapshots of the state and operations packs",
    "are written when due.  Alerts (a rewritten, truncated or forked history, an",
    "unapproved epoch, an unreachable primary) go to standard error and into the",
    "vault, and as replica_refused alerts to the syslog collector and webhook",
    "that DIR/security.json names (its \"alerts\" section, docs/operations/",
    "detection.md).  Listens on no port.",
    "",
    "    --data DIR          the replica's directory",
    "    --once              one pull, a snapshot and a pack, then exit",
    "                        (exit 1 when the primary's answer was refused)",
    "    --poll-ms N         milliseconds between pulls (default: replica.conf, 1000)",
    "    --snapshot-every S  seconds between state snapshots (default 3600)",
    "    --pack-every S      seconds between operations packs (default 300)",
    "    --user NAME         started as root: give DIR to NAME and run as NAME",
    "                        (default bollard-replica; scripts/install-deps makes it)",
    NULL,
};

int cmd_replica_run(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "once", no_argument, NULL, '1' },
        { "poll-ms", required_argument, NULL, 'p' },
        { "snapshot-every", required_argument, NULL, 's' },
        { "pack-every", required_argument, NULL, 'k' },
        { "user", required_argument, NULL, 'u' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *user = "bollard-replica";
    struct bol_replica *rep = NULL;
    struct bol_replica_config_override ov = { 0 };
    struct bol_security_policy policy;
    struct alert_out out = { NULL, 0, 0 };
    json_t *policy_root = NULL;
    uint8_t wkey[256];
    size_t wkey_len = 0;
    const char *dir = NULL;
    bool once = false, refused = false;
    struct bol_diag d;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        char *end;
        unsigned long v;

        switch (ch) {
        case 'd':
            dir = optarg;
            break;
        case '1':
            once = true;
            break;
        case 'u':
            user = optarg;
            break;
        case 'p':
        case 's':
        case 'k':
            errno = 0;
            v = strtoul(optarg, &end, 10);
            if (errno || *end || v == 0 || v > 86400000UL) {
                bol_log_error("--%s wants a positive number", ch == 'p'   ? "poll-ms"
                                                              : ch == 's' ? "snapshot-every"
                                                                          : "pack-every");
                return CLI_EXIT_USAGE;
            }
            if (ch == 'p')
                ov.poll_ms = (unsigned) v;
            else if (ch == 's')
                ov.snapshot_every_s = (unsigned) v;
            else
                ov.pack_every_s = (unsigned) v;
            break;
        case 'h':
            return cli_usage(cmd_replica_run_usage, false);
        default:
            return cli_usage(cmd_replica_run_usage, true);
        }
    }
    if (!dir || optind != argc)
        return cli_usage(cmd_replica_run_usage, true);
    /*
     * Root on the replica host gives the directory to the replica's own
     * account and drops to it before reading anything: the vault key and
     * every file written later belong to that account alone.
     */
    bol_diag_init(&d);
    r = cli_give_dir(dir, user, true, &d);
    if (r == 0)
        r = bol_sandbox_drop(user, &d);
    if (r < 0) {
        cli_diag_error("cannot drop privileges", r, &d);
        return CLI_EXIT_FAIL;
    }
    if (cli_load_policy(dir, &policy, &policy_root) < 0 ||
        cli_load_webhook_key(dir, &policy.alerts, wkey, &wkey_len) < 0) {
        json_decref(policy_root);
        return CLI_EXIT_FAIL;
    }
    json_decref(policy_root);
    bol_diag_init(&d);
    r = bol_alertsink_open(&policy.alerts, wkey, wkey_len, BOLLARD_VERSION, &out.sink, &d);
    sodium_memzero(wkey, sizeof(wkey));
    if (r < 0) {
        cli_diag_error("cannot set up alert delivery", r, &d);
        return CLI_EXIT_FAIL;
    }
    r = bol_replica_open(dir, BOL_REPLICA_WRITE, send_alert, &out, &rep, &d);
    if (r < 0) {
        cli_diag_error("cannot open the replica", r, &d);
        bol_alertsink_close(out.sink, 0);
        return CLI_EXIT_FAIL;
    }
    bol_replica_override(rep, &ov);
    signal(SIGINT, on_stop);
    signal(SIGTERM, on_stop);
    signal(SIGPIPE, SIG_IGN);
    fprintf(stderr, "bollard replica: %s holds %" PRIu64 " entries (%" PRIu64 " verified)\n", dir,
            bol_replica_size(rep), bol_replica_verified(rep));
    while (!stop_requested) {
        struct bol_replica_poll p;
        int64_t now = bol_time_now_us(), t0 = bol_time_mono_us(), t1;

        r = bol_replica_poll(rep, now, &p, &d);
        t1 = bol_time_mono_us();
        if (r == 0)
            r = bol_replica_tend(rep, now, once, &d);
        if (once && r == 0)
            printf("pulled and verified %" PRIu64 " entries in %.2f s (%.0f entries/s); "
                   "snapshot and pack in %.2f s\n",
                   p.entries, (double) (t1 - t0) / 1e6,
                   t1 > t0 ? (double) p.entries * 1e6 / (double) (t1 - t0) : 0.0,
                   (double) (bol_time_mono_us() - t1) / 1e6);
        if (r < 0) {
            cli_diag_error("replica", r, &d);
            break;
        }
        refused = refused || p.refused || p.unreachable;
        if (p.entries)
            fprintf(stderr,
                    "bollard replica: +%" PRIu64 " entries, %" PRIu64 " held, %" PRIu64
                    " verified\n",
                    p.entries, bol_replica_size(rep), bol_replica_verified(rep));
        if (once)
            break;
        {
            unsigned ms = bol_replica_poll_ms(rep);
            struct timespec ts = { (time_t) (ms / 1000), (long) (ms % 1000) * 1000000L };

            while (!stop_requested && nanosleep(&ts, &ts) != 0 && errno == EINTR)
                ;
        }
    }
    bol_replica_close(rep);
    bol_alertsink_close(out.sink, 3000);
    if (r < 0)
        return CLI_EXIT_FAIL;
    return once && refused ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* ---- replica status ---- */

const char *const cmd_replica_status_usage[] = {
    "usage: bollard replica status --data DIR [--json]",
    "",
    "What the replica holds: entries held and verified, the epochs and their",
    "keys, alerts raised, snapshots kept.  Reads only; works while the replica",
    "runs.",
    NULL,
};

int cmd_replica_status(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct bol_replica *rep = NULL;
    const char *dir = NULL;
    bool as_json = false;
    struct bol_diag d;
    json_t *st = NULL;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            dir = optarg;
            break;
        case 'j':
            as_json = true;
            break;
        case 'h':
            return cli_usage(cmd_replica_status_usage, false);
        default:
            return cli_usage(cmd_replica_status_usage, true);
        }
    }
    if (!dir || optind != argc)
        return cli_usage(cmd_replica_status_usage, true);
    bol_diag_init(&d);
    r = bol_replica_open(dir, BOL_REPLICA_READ, NULL, NULL, &rep, &d);
    if (r == 0)
        r = bol_replica_status(rep, &st, &d);
    bol_replica_close(rep);
    if (r < 0) {
        cli_diag_error("cannot read the replica", r, &d);
        return CLI_EXIT_FAIL;
    }
    if (as_json) {
        json_dumpf(st, stdout, JSON_COMPACT | JSON_SORT_KEYS);
        putchar('\n');
    } else {
        json_t *e;
        size_t i;

        printf("origin:    %s\n", json_string_value(json_object_get(st, "origin")));
        printf("primary:   %s\n", json_string_value(json_object_get(st, "primary")));
        printf("entries:   %" JSON_INTEGER_FORMAT " held, %" JSON_INTEGER_FORMAT " verified\n",
               json_integer_value(json_object_get(st, "entries")),
               json_integer_value(json_object_get(st, "verified")));
        printf("alerts:    %" JSON_INTEGER_FORMAT "\n",
               json_integer_value(json_object_get(st, "alerts")));
        json_array_foreach(json_object_get(st, "epochs"), i, e)
        {
            printf("epoch %" JSON_INTEGER_FORMAT ": from entry %" JSON_INTEGER_FORMAT ", key %s\n",
                   json_integer_value(json_object_get(e, "epoch")),
                   json_integer_value(json_object_get(e, "first_entry")),
                   json_string_value(json_object_get(e, "key")));
        }
        json_array_foreach(json_object_get(st, "snapshots"), i, e)
        {
            printf("snapshot:  entry %" JSON_INTEGER_FORMAT " at %s\n",
                   json_integer_value(json_object_get(e, "seq")),
                   json_string_value(json_object_get(e, "at")));
        }
    }
    json_decref(st);
    return CLI_EXIT_OK;
}

/* ---- replica approve ---- */

const char *const cmd_replica_approve_usage[] = {
    "usage: bollard replica approve --data DIR --key KEY --from SEQ [--note TEXT]",
    "",
    "Accept a new journal epoch: entries from SEQ on are signed by KEY (the key a",
    "restore or a key rotation printed).  When SEQ is below what the replica holds",
    "(a restore to an earlier point), the entries after it stay in the vault as",
    "evidence and the new epoch continues from SEQ - 1.  Run it with the replica",
    "stopped, after checking the key with the people who made it.",
    "",
    "    --data DIR    the replica's directory",
    "    --key KEY     the new journal public key, or a file holding it",
    "    --from SEQ    the new epoch's first entry",
    "    --note TEXT   why (kept in the vault)",
    NULL,
};

int cmd_replica_approve(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' }, { "key", required_argument, NULL, 'k' },
        { "from", required_argument, NULL, 'f' }, { "note", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
    };
    struct bol_replica *rep = NULL;
    const char *dir = NULL, *note = NULL;
    char key[1024] = "";
    unsigned long long from = 0;
    struct bol_diag d;
    char *end;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            dir = optarg;
            break;
        case 'k':
            if (key_arg(optarg, key, sizeof(key)) < 0)
                return CLI_EXIT_FAIL;
            break;
        case 'f':
            errno = 0;
            from = strtoull(optarg, &end, 10);
            if (errno || *end || from < 2) {
                bol_log_error("--from wants an entry number of 2 or more");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'n':
            note = optarg;
            break;
        case 'h':
            return cli_usage(cmd_replica_approve_usage, false);
        default:
            return cli_usage(cmd_replica_approve_usage, true);
        }
    }
    if (!dir || !key[0] || !from || optind != argc)
        return cli_usage(cmd_replica_approve_usage, true);
    bol_diag_init(&d);
    r = bol_replica_open(dir, BOL_REPLICA_WRITE, print_alert, NULL, &rep, &d);
    if (r == 0)
        r = bol_replica_approve(rep, bol_str_from(key), from, note, bol_time_now_us(), &d);
    if (r == 0)
        printf("epoch approved: entries from %llu on are signed by %s\n", from, key);
    bol_replica_close(rep);
    if (r < 0) {
        cli_diag_error("cannot approve the epoch", r, &d);
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

/* ---- restore ---- */

const char *const cmd_restore_usage[] = {
    "usage: bollard restore --from REPLICA --data DIR [--db URL] [--to-seq N | --to-time T]",
    "                       [--admin USER]... [--keep-mfa] [--note TEXT]",
    "",
    "Build a new primary in DIR from the replica's verified entries, on a clean",
    "host: nothing of the attacked primary is copied.  The journal is imported as",
    "it was hashed (to the latest entry held, to entry N, or to the last entry",
    "accepted before T, e.g. just before the attacker's first action) and opens a",
    "new epoch under a new signing key.  Every API key is revoked, every password",
    "must be set again, authenticators are enrolled again (unless --keep-mfa),",
    "sessions are gone, and a new TLS certificate is made.  The result is",
    "verified before this succeeds.  Prints the new journal key (approve it on the",
    "replica) and a one-time password for each --admin.",
    "",
    "    --from REPLICA  the replica's directory (read; it may keep running)",
    "    --data DIR      the new primary's data directory (must not exist)",
    "    --db URL        a postgres:// URL of an empty database (default: SQLite in DIR)",
    "    --to-seq N      keep entries 1..N",
    "    --to-time T     keep entries accepted before T (ISO 8601 with a zone)",
    "    --admin USER    give USER a one-time password now (repeatable, up to 8)",
    "    --keep-mfa      keep accounts' MFA enrolment flags (seeds must be re-issued anyway)",
    "    --note TEXT     why: recorded in the new epoch's first entry",
    NULL,
};

struct restore_args {
    struct bol_restore_opts o;
    const char *from;
};

static int restore_parse(int argc, char **argv, const char *const *usage, struct restore_args *a)
{
    static const struct option opts[] = {
        { "from", required_argument, NULL, 'f' },    { "data", required_argument, NULL, 'd' },
        { "db", required_argument, NULL, 'b' },      { "to-seq", required_argument, NULL, 's' },
        { "to-time", required_argument, NULL, 't' }, { "admin", required_argument, NULL, 'a' },
        { "keep-mfa", no_argument, NULL, 'm' },      { "note", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },          { NULL, 0, NULL, 0 },
    };
    struct bol_diag d;
    char *end;
    int ch;

    memset(a, 0, sizeof(*a));
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'f':
            a->from = optarg;
            break;
        case 'd':
            a->o.data_dir = optarg;
            break;
        case 'b':
            a->o.db_url = optarg;
            break;
        case 's':
            errno = 0;
            a->o.to_seq = strtoull(optarg, &end, 10);
            if (errno || *end || a->o.to_seq == 0) {
                bol_log_error("--to-seq wants a positive entry number");
                return CLI_EXIT_USAGE;
            }
            break;
        case 't':
            bol_diag_init(&d);
            if (bol_time_parse(bol_str_from(optarg), &a->o.to_time_us, &d) < 0) {
                bol_log_error("--to-time: %s", d.msg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'a':
            if (a->o.nadmins == BOL_RESTORE_ADMINS_MAX) {
                bol_log_error("at most %d --admin", BOL_RESTORE_ADMINS_MAX);
                return CLI_EXIT_USAGE;
            }
            a->o.admins[a->o.nadmins++] = optarg;
            break;
        case 'm':
            a->o.keep_mfa = true;
            break;
        case 'n':
            a->o.note = optarg;
            break;
        case 'h':
            return cli_usage(usage, false);
        default:
            return cli_usage(usage, true);
        }
    }
    if (!a->from || !a->o.data_dir || optind != argc || (a->o.to_seq && a->o.to_time_us))
        return cli_usage(usage, true);
    return -1;
}

int cmd_restore(int argc, char **argv, struct cli_ctx *ctx)
{
    struct restore_args a;
    struct bol_restore_result res;
    struct bol_replica *rep = NULL;
    struct bol_buf pub = BOL_BUF_INIT(1024);
    struct bol_diag d;
    char crt[4200], key[4200], fp[65];
    int64_t t0 = bol_time_mono_us();
    unsigned i;
    int r = restore_parse(argc, argv, cmd_restore_usage, &a);

    (void) ctx;
    if (r >= 0)
        return r;
    a.o.now_us = bol_time_now_us();
    bol_diag_init(&d);
    r = bol_replica_open(a.from, BOL_REPLICA_READ, NULL, NULL, &rep, &d);
    if (r == 0)
        r = bol_restore(rep, &a.o, &res, &d);
    bol_replica_close(rep);
    if (r == 0) {
        snprintf(crt, sizeof(crt), "%s/tls.crt", a.o.data_dir);
        snprintf(key, sizeof(key), "%s/tls.key", a.o.data_dir);
        r = bol_tls_selfsigned(crt, key, a.o.now_us, fp, &d);
    }
    if (r == 0 && bol_verifier_encode(&res.pub, &pub) < 0)
        r = bol_diag_fail(&d, BOL_E_NOMEM, "restore", "out of memory");
    if (r < 0) {
        cli_diag_error("restore failed", r, &d);
        bol_buf_release(&pub);
        return CLI_EXIT_FAIL;
    }
    if (res.snapshot_seq)
        printf("restored %" PRIu64 " of %" PRIu64 " entries into %s (state from the snapshot at "
               "entry %" PRIu64 "), verified: %" PRIu64 " entries\n",
               res.entries, res.held, a.o.data_dir, res.snapshot_seq, res.size);
    else
        printf("restored %" PRIu64 " of %" PRIu64 " entries into %s (state replayed from the "
               "journal), verified: %" PRIu64 " entries\n",
               res.entries, res.held, a.o.data_dir, res.size);
    printf("time: %.2f s (import %.2f s: state %.2f s, journal %.2f s; credentials %.2f s, "
           "verify %.2f s)\n",
           (double) (bol_time_mono_us() - t0) / 1e6, res.import_s, res.snapshot_s, res.entries_s,
           res.rotate_s, res.verify_s);
    printf("credentials rotated: %u API keys revoked, %u accounts must set a new password\n",
           res.keys_revoked, res.accounts_reset);
    printf("new journal key (epoch from entry %" PRIu64 "):\n%s\n", res.epoch_seq, pub.buf);
    printf("approve it on the replica host with:\n  bollard replica approve --data %s --key '%s' "
           "--from %" PRIu64 "\n",
           a.from, pub.buf, res.epoch_seq);
    printf("TLS certificate: %s\n  SHA-256 %s\n", crt, fp);
    for (i = 0; i < a.o.nadmins; i++) {
        printf("%s\none-time password for %s (shown once; must be changed at first login)\n",
               res.otp[i], a.o.admins[i]);
        sodium_memzero(res.otp[i], sizeof(res.otp[i]));
    }
    bol_buf_release(&pub);
    return CLI_EXIT_OK;
}

/* ---- drill ---- */

const char *const cmd_drill_usage[] = {
    "usage: bollard drill --from REPLICA [--scratch DIR] [--keep] [--wait S]",
    "",
    "A restore drill: ask the primary for its state digest and journal size,",
    "restore the replica to that size into a scratch directory, verify it,",
    "compare the rebuilt state with the primary's, and record the result (signed",
    "with the replica's key) in REPLICA/drills.  Prints the measured recovery",
    "time.  Exit 0 when the drill succeeded, 1 when it did not.",
    "",
    "    --from REPLICA  the replica's directory (read; it may keep running)",
    "    --scratch DIR   where to restore (default: a new directory under /tmp)",
    "    --keep          keep the scratch directory",
    "    --wait S        seconds to wait for the replica to reach the primary (default 60)",
    NULL,
};

static int parse_digest(json_t *o, uint64_t *size, struct bol_state_digest *dg)
{
    json_t *t = json_object_get(o, "tables"), *e;
    size_t i;

    if (!json_is_integer(json_object_get(o, "size")) || !json_is_array(t) ||
        json_array_size(t) > BOL_STATE_TABLES_MAX)
        return BOL_E_PARSE;
    *size = (uint64_t) json_integer_value(json_object_get(o, "size"));
    memset(dg, 0, sizeof(*dg));
    json_array_foreach(t, i, e)
    {
        const char *name = json_string_value(json_object_get(e, "table")),
                   *hex = json_string_value(json_object_get(e, "sha256"));
        size_t n = 0;

        if (!name || !hex || strlen(name) >= sizeof(dg->t[i].table) ||
            sodium_hex2bin(dg->t[i].hash.b, BOL_HASH_LEN, hex, strlen(hex), NULL, &n, NULL) != 0 ||
            n != BOL_HASH_LEN)
            return BOL_E_PARSE;
        snprintf(dg->t[i].table, sizeof(dg->t[i].table), "%s", name);
        dg->t[i].rows = (uint64_t) json_integer_value(json_object_get(e, "rows"));
        dg->n++;
    }
    return 0;
}

int cmd_drill(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "from", required_argument, NULL, 'f' }, { "scratch", required_argument, NULL, 's' },
        { "keep", no_argument, NULL, 'k' },       { "wait", required_argument, NULL, 'w' },
        { "help", no_argument, NULL, 'h' },       { NULL, 0, NULL, 0 },
    };
    const char *from = NULL, *scratch = NULL;
    char tmpl[] = "/tmp/bollard-drill-XXXXXX", dir[4200], recorded[4200] = "";
    struct bol_replica *rep = NULL;
    struct bol_state_digest want;
    struct bol_restore_opts o;
    struct bol_restore_result res;
    struct bol_buf body = BOL_BUF_INIT(1 << 20);
    struct bol_diag d;
    const char *problem = NULL;
    unsigned long wait_s = 60;
    uint64_t size = 0;
    bool keep = false, same = false;
    int64_t t0, deadline;
    double secs = 0;
    long status = 0;
    size_t i;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        char *end;

        switch (ch) {
        case 'f':
            from = optarg;
            break;
        case 's':
            scratch = optarg;
            break;
        case 'k':
            keep = true;
            break;
        case 'w':
            errno = 0;
            wait_s = strtoul(optarg, &end, 10);
            if (errno || *end || wait_s > 3600) {
                bol_log_error("--wait wants seconds, 0 to 3600");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'h':
            return cli_usage(cmd_drill_usage, false);
        default:
            return cli_usage(cmd_drill_usage, true);
        }
    }
    if (!from || optind != argc)
        return cli_usage(cmd_drill_usage, true);
    bol_diag_init(&d);
    /* the primary's state, asked with the replica's own read-only key */
    r = bol_replica_open(from, BOL_REPLICA_READ, NULL, NULL, &rep, &d);
    if (r == 0)
        r = bol_replica_load_key(rep, &d);
    if (r == 0)
        r = bol_replica_http_get(rep, "/api/v1/journal/state-digest", &body, &status, &d);
    if (r == 0 && status != 200)
        r = bol_diag_fail(&d, BOL_E_IO, "drill", "the primary answered %ld for its state digest",
                          status);
    if (r == 0) {
        json_error_t je;
        json_t *o2 = json_loadb(body.buf, body.len, 0, &je);

        if (parse_digest(o2, &size, &want) < 0)
            r = bol_diag_fail(&d, BOL_E_PARSE, "drill",
                              "the primary's state digest does not parse");
        json_decref(o2);
    }
    bol_buf_release(&body);
    /* the replica must hold that much; it may still be pulling */
    deadline = bol_time_mono_us() + (int64_t) wait_s * 1000000;
    while (r == 0 && bol_replica_size(rep) < size && bol_time_mono_us() < deadline) {
        struct timespec ts = { 0, 200000000L };

        bol_replica_close(rep);
        rep = NULL;
        nanosleep(&ts, NULL);
        r = bol_replica_open(from, BOL_REPLICA_READ, NULL, NULL, &rep, &d);
    }
    if (r == 0 && bol_replica_size(rep) < size)
        r = bol_diag_fail(&d, BOL_E_STATE, "drill",
                          "the replica holds %" PRIu64 " entries, the primary %" PRIu64
                          ": is the replica running?",
                          bol_replica_size(rep), size);
    if (r < 0) {
        cli_diag_error("drill failed", r, &d);
        bol_replica_close(rep);
        return CLI_EXIT_FAIL;
    }
    if (scratch) {
        snprintf(dir, sizeof(dir), "%s", scratch);
    } else {
        if (!mkdtemp(tmpl)) {
            bol_log_error("cannot make a scratch directory: %s", strerror(errno));
            bol_replica_close(rep);
            return CLI_EXIT_FAIL;
        }
        snprintf(dir, sizeof(dir), "%s/primary", tmpl);
    }
    memset(&o, 0, sizeof(o));
    o.data_dir = dir;
    o.to_seq = size;
    o.digest = true;
    o.note = "restore drill";
    o.now_us = bol_time_now_us();
    t0 = bol_time_mono_us();
    r = bol_restore(rep, &o, &res, &d);
    secs = (double) (bol_time_mono_us() - t0) / 1e6;
    if (r < 0) {
        problem = d.msg[0] ? d.msg : bol_strerror(r);
    } else {
        same = res.digest.n == want.n;
        for (i = 0; same && i < want.n; i++)
            same = !strcmp(res.digest.t[i].table, want.t[i].table) &&
                   res.digest.t[i].rows == want.t[i].rows &&
                   !memcmp(res.digest.t[i].hash.b, want.t[i].hash.b, BOL_HASH_LEN);
        if (!same)
            problem = "the rebuilt state differs from the primary's";
    }
    {
        char at[BOL_TIME_TEXT_MAX];
        json_t *rec;

        bol_time_format(o.now_us, 0, 0, at);
        rec = json_pack("{s:s,s:b,s:I,s:I,s:f,s:s?}", "at", at, "ok", problem == NULL, "entries",
                        (json_int_t) size, "snapshot", (json_int_t) (r == 0 ? res.snapshot_seq : 0),
                        "seconds", secs, "problem", problem);
        bol_diag_init(&d);
        if (!rec ||
            bol_replica_record_drill(rep, rec, o.now_us, recorded, sizeof(recorded), &d) < 0)
            bol_log_error("cannot record the drill: %s", d.msg[0] ? d.msg : "out of memory");
        json_decref(rec);
    }
    bol_replica_close(rep);
    if (!keep)
        (void) bol_replica_rmtree(scratch ? dir : tmpl);
    if (problem) {
        printf("drill FAILED after %.2f s: %s\n", secs, problem);
        return CLI_EXIT_FAIL;
    }
    printf("drill passed: %" PRIu64 " entries restored and verified in %.2f s (state %.2f s, "
           "journal %.2f s, state digest %.2f s, credentials %.2f s, verify %.2f s); state equals "
           "the primary's at entry %" PRIu64 "\n",
           size, secs, res.snapshot_s, res.entries_s, res.digest_s, res.rotate_s, res.verify_s,
           size);
    if (recorded[0])
        printf("recorded: %s\n", recorded);
    return CLI_EXIT_OK;
}
