/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_journal.c - bollard init, bollard journal verify|show|replay
 */
#include "compat.h"

#include <getopt.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "entry.h"
#include "errors.h"
#include "log.h"
#include "mem.h"
#include "store.h"
#include "tlscert.h"
#include "utctime.h"

const char *const cmd_init_usage[] = {
    "usage: bollard init --data DIR [--db URL] [--origin NAME]",
    "",
    "Create a bollard data directory: a new journal signing key (DIR/journal.key,",
    "mode 0600), its public key (DIR/journal.pub), the database and the",
    "journal's first entry, and a self-signed TLS certificate for `bollard serve`",
    "(DIR/tls.crt, DIR/tls.key).  The database is SQLite in DIR unless --db gives a",
    "postgres:// URL.  Prints the public key: pin it on the backup host.",
    "",
    "    --data DIR      the data directory (created, mode 0700)",
    "    --db URL        use PostgreSQL at URL instead of SQLite",
    "    --origin NAME   the journal's name in checkpoints (default HOST/bollard)",
    NULL,
};

const char *const cmd_journal_verify_usage[] = {
    "usage: bollard journal verify --data DIR [--key FILE] [--deep]",
    "",
    "Recompute the journal's Merkle tree from its entries, check every stored",
    "hash, every checkpoint's signature, and that each checkpoint matches the",
    "entries before it.  Exit 0 with a summary when intact; exit 1 naming the",
    "first bad entry or checkpoint when anything was altered, removed,",
    "reordered or inserted.",
    "",
    "    --data DIR   the data directory",
    "    --key FILE   check signatures with this public key (a journal.pub pinned",
    "                 elsewhere) instead of the one in DIR",
    "    --deep       also decode every entry and check its payload is canonical",
    NULL,
};

const char *const cmd_journal_show_usage[] = {
    "usage: bollard journal show --data DIR [--from N] [--limit K] [--json]",
    "",
    "Print journal entries in order, from entry N (default 1), at most K of",
    "them (default 100, 0 for all).  --json prints each entry's canonical bytes,",
    "one per line, exactly as they are hashed.",
    NULL,
};

const char *const cmd_journal_replay_usage[] = {
    "usage: bollard journal replay --data DIR [--scratch PATH]",
    "",
    "Rebuild state from the journal into a scratch database and compare a",
    "digest of every state table with the live store.  Exit 0 when they are",
    "equal, 1 when any table differs.  The scratch database is PATH (default:",
    "a new file in the temporary directory, removed afterwards).",
    NULL,
};

static void default_origin(char *out, size_t n)
{
    char host[256] = "localhost";
    size_t i;

    if (gethostname(host, sizeof(host) - 1) != 0 || !host[0])
        snprintf(host, sizeof(host), "localhost");
    host[sizeof(host) - 1] = '\0';
    for (i = 0; host[i]; i++) {
        if (host[i] <= 0x20 || host[i] >= 0x7f || host[i] == '+')
            host[i] = '-';
    }
    snprintf(out, n, "%.100s/bollard", host);
}

int cmd_init(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "db", required_argument, NULL, 'b' },
        { "origin", required_argument, NULL, 'o' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct bol_store_config c = { 0 };
    struct bol_verifier pub;
    struct bol_buf vkey = BOL_BUF_INIT(1024);
    char origin[BOL_ORIGIN_MAX + 1] = "";
    struct bol_diag d;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            c.data_dir = optarg;
            break;
        case 'b':
            c.db_url = optarg;
            break;
        case 'o':
            snprintf(origin, sizeof(origin), "%s", optarg);
            break;
        case 'h':
            return cli_usage(cmd_init_usage, false);
        default:
            return cli_usage(cmd_init_usage, true);
        }
    }
    if (!c.data_dir || optind != argc)
        return cli_usage(cmd_init_usage, true);
    if (!origin[0])
        default_origin(origin, sizeof(origin));
    bol_diag_init(&d);
    r = bol_store_init(&c, origin, bol_time_now_us(), &pub, &d);
    if (r < 0) {
        cli_diag_error("cannot initialise", r, &d);
        return CLI_EXIT_FAIL;
    }
    if (bol_verifier_encode(&pub, &vkey) < 0) {
        bol_log_error("out of memory");
        return CLI_EXIT_FAIL;
    }
    {
        char crt[600], key[600], fp[65];

        snprintf(crt, sizeof(crt), "%s/tls.crt", c.data_dir);
        snprintf(key, sizeof(key), "%s/tls.key", c.data_dir);
        if (bol_tls_selfsigned(crt, key, bol_time_now_us(), fp, &d) < 0) {
            cli_diag_error("cannot make the TLS certificate", BOL_E_IO, &d);
            bol_buf_release(&vkey);
            return CLI_EXIT_FAIL;
        }
        printf("initialised a bollard store in %s (%s)\n", c.data_dir,
               c.db_url ? "PostgreSQL" : "SQLite");
        printf("journal origin: %s\n", origin);
        printf("journal public key (pin it on the backup host):\n%s\n", vkey.buf);
        printf("TLS certificate (self-signed, for localhost): %s\n  SHA-256 %s\n", crt, fp);
    }
    bol_buf_release(&vkey);
    return CLI_EXIT_OK;
}

static void hex(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

int cmd_journal_verify(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "key", required_argument, NULL, 'k' },
        { "deep", no_argument, NULL, 'D' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *dir = NULL, *keyfile = NULL;
    struct bol_verify_report rep;
    struct bol_verifier key;
    struct bol_store *s = NULL;
    unsigned flags = 0;
    struct bol_diag d;
    char root[65];
    int64_t t0;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            dir = optarg;
            break;
        case 'k':
            keyfile = optarg;
            break;
        case 'D':
            flags |= BOL_VERIFY_DEEP;
            break;
        case 'h':
            return cli_usage(cmd_journal_verify_usage, false);
        default:
            return cli_usage(cmd_journal_verify_usage, true);
        }
    }
    if (!dir || optind != argc)
        return cli_usage(cmd_journal_verify_usage, true);
    if (keyfile && cli_load_verifier(keyfile, &key) < 0)
        return CLI_EXIT_FAIL;
    if (cli_open_store(dir, true, &s) < 0)
        return CLI_EXIT_FAIL;
    bol_diag_init(&d);
    t0 = bol_time_mono_us();
    r = bol_store_verify(s, keyfile ? &key : NULL, flags, &rep, &d);
    if (r == 0) {
        double secs = (double) (bol_time_mono_us() - t0) / 1e6;

        hex(rep.root.b, BOL_HASH_LEN, root);
        printf("journal intact: %" PRIu64 " entries, %" PRIu64
               " checkpoints verified, root %s (%.2f s)\n",
               rep.entries, rep.checkpoints, root, secs);
    } else if (r == BOL_E_CORRUPT && rep.what[0]) {
        printf("journal damaged: %s\n", rep.what);
        if (rep.bad_seq)
            printf("first bad entry: %" PRIu64 "\n", rep.bad_seq);
        if (rep.bad_checkpoint)
            printf("first bad checkpoint: size %" PRIu64 "\n", rep.bad_checkpoint);
        printf("store: %s\n", bol_store_location(s));
    } else {
        cli_diag_error("cannot verify", r, &d);
        printf("journal damaged: the store cannot be read\nstore: %s\n", bol_store_location(s));
    }
    bol_store_close(s);
    return r == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

struct show_ctx {
    bool json;
};

static int show_entry(void *ctx, uint64_t seq, struct bol_str bytes, const struct bol_hash *leaf)
{
    struct show_ctx *sc = ctx;
    struct bol_entry e;
    struct bol_diag d;
    char at[BOL_TIME_TEXT_MAX];

    (void) leaf;
    if (sc->json) {
        cli_put_escaped(stdout, bytes.p, bytes.len);
        putchar('\n');
        return 0;
    }
    bol_diag_init(&d);
    if (bol_entry_decode(bytes, &e, &d) < 0) {
        printf("%" PRIu64 "  (undecodable: %s)\n", seq, d.msg);
        return 0;
    }
    if (!bol_time_format(e.at_us, 0, 3, at))
        snprintf(at, sizeof(at), "?");
    printf("%" PRIu64 "  %s  %.*s  %.*s v%u", e.seq, at, (int) e.actor.len, e.actor.p,
           (int) e.type.len, e.type.p, e.ver);
    if (e.terminal.len)
        printf("  terminal=%.*s", (int) e.terminal.len, e.terminal.p);
    if (e.req.len)
        printf("  req=%.*s", (int) e.req.len, e.req.p);
    printf("\n    ");
    cli_put_escaped(stdout, e.payload.p, e.payload.len);
    putchar('\n');
    return 0;
}

static int parse_u64_opt(const char *s, uint64_t *ret)
{
    return bol_str_to_u64(bol_str_from(s), ret);
}

int cmd_journal_show(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },  { "from", required_argument, NULL, 'f' },
        { "limit", required_argument, NULL, 'l' }, { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
    };
    struct show_ctx sc = { false };
    const char *dir = NULL;
    uint64_t from = 1, limit = 100;
    struct bol_store *s = NULL;
    struct bol_diag d;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            dir = optarg;
            break;
        case 'f':
            if (parse_u64_opt(optarg, &from) < 0 || from == 0) {
                bol_log_error("--from must be an entry number from 1");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'l':
            if (parse_u64_opt(optarg, &limit) < 0) {
                bol_log_error("--limit must be a number");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'j':
            sc.json = true;
            break;
        case 'h':
            return cli_usage(cmd_journal_show_usage, false);
        default:
            return cli_usage(cmd_journal_show_usage, true);
        }
    }
    if (!dir || optind != argc)
        return cli_usage(cmd_journal_show_usage, true);
    if (cli_open_store(dir, true, &s) < 0)
        return CLI_EXIT_FAIL;
    bol_diag_init(&d);
    r = bol_store_read(s, from, limit, show_entry, &sc, &d);
    if (r < 0)
        cli_diag_error("cannot read the journal", r, &d);
    bol_store_close(s);
    return r < 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_journal_replay(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "scratch", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *dir = NULL, *scratch = NULL;
    struct bol_state_digest live, rebuilt;
    char tmpdir[4096] = "", path[4200];
    struct bol_store *s = NULL;
    uint64_t events = 0;
    struct bol_diag d;
    bool same = true;
    int64_t t0;
    size_t i;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            dir = optarg;
            break;
        case 's':
            scratch = optarg;
            break;
        case 'h':
            return cli_usage(cmd_journal_replay_usage, false);
        default:
            return cli_usage(cmd_journal_replay_usage, true);
        }
    }
    if (!dir || optind != argc)
        return cli_usage(cmd_journal_replay_usage, true);
    if (!scratch) {
        const char *t = getenv("TMPDIR");

        snprintf(tmpdir, sizeof(tmpdir), "%s/bollard-replay-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(tmpdir)) {
            bol_log_error("cannot create a scratch directory: %s", strerror(errno));
            return CLI_EXIT_FAIL;
        }
        snprintf(path, sizeof(path), "%s/state.db", tmpdir);
        scratch = path;
    }
    if (cli_open_store(dir, true, &s) < 0) {
        r = BOL_E_IO;
        goto out;
    }
    bol_diag_init(&d);
    r = bol_store_state_digest(s, &live, &d);
    t0 = bol_time_mono_us();
    if (r == 0)
        r = bol_store_replay_into(s, scratch, &rebuilt, &events, &d);
    if (r < 0) {
        cli_diag_error("cannot replay", r, &d);
        goto out;
    }
    printf("replayed %" PRIu64 " entries in %.2f s\n", events,
           (double) (bol_time_mono_us() - t0) / 1e6);
    for (i = 0; i < live.n && i < rebuilt.n; i++) {
        bool eq = live.t[i].rows == rebuilt.t[i].rows &&
                  !memcmp(live.t[i].hash.b, rebuilt.t[i].hash.b, BOL_HASH_LEN);
        char h[65];

        hex(live.t[i].hash.b, BOL_HASH_LEN, h);
        printf("%-24s %8" PRIu64 " rows  %.16s  %s\n", live.t[i].table, live.t[i].rows, h,
               eq ? "same" : "DIFFERS");
        if (!eq) {
            printf("%-24s %8" PRIu64 " rows after replay\n", "", rebuilt.t[i].rows);
            same = false;
        }
    }
    same = same && live.n == rebuilt.n;
    printf(same ? "state equals a replay of the journal\n"
                : "state differs from a replay of the journal\n");
    r = same ? 0 : BOL_E_CORRUPT;
out:
    bol_store_close(s);
    if (tmpdir[0]) {
        unlink(path);
        rmdir(tmpdir);
    }
    return r == 0 ? CLI_EXIT_OK : CLI_EXIT_FAIL;
}

const char *const cmd_journal_rotate_key_usage[] = {
    "usage: bollard journal rotate-key --data DIR [--note TEXT]",
    "",
    "Start a new journal epoch with a new signing key: append a journal.epoch",
    "entry naming it and the last checkpoint of the old key, and sign the",
    "checkpoint covering that entry with the new key.  Then DIR/journal.key",
    "holds the new key (the old one is overwritten and removed) and",
    "DIR/journal.pub its public key; the old public key stays as",
    "DIR/journal.pub.N (N: the old epoch).  Prints the new public key: pin it",
    "on the backup host in place of the old one.",
    "",
    "    --data DIR    the data directory",
    "    --note TEXT   why the key changes (at most 512 bytes, journaled)",
    NULL,
};

int cmd_journal_rotate_key(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "note", required_argument, NULL, 'n' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *dir = NULL, *note = NULL;
    struct bol_buf text = BOL_BUF_INIT(4096);
    struct bol_store *s = NULL;
    struct bol_verifier pub;
    struct bol_diag d;
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            dir = optarg;
            break;
        case 'n':
            note = optarg;
            break;
        case 'h':
            return cli_usage(cmd_journal_rotate_key_usage, false);
        default:
            return cli_usage(cmd_journal_rotate_key_usage, true);
        }
    }
    if (!dir || optind != argc)
        return cli_usage(cmd_journal_rotate_key_usage, true);
    if (cli_open_store(dir, false, &s) < 0)
        return CLI_EXIT_FAIL;
    bol_diag_init(&d);
    r = bol_store_rotate_key(s, note, bol_time_now_us(), &pub, &d);
    if (r == 0)
        r = bol_verifier_encode(&pub, &text);
    if (r < 0) {
        cli_diag_error("cannot rotate the journal key", r, &d);
    } else {
        printf("new journal key (pin it on the backup host):\n");
        cli_put_escaped(stdout, text.buf, text.len);
        printf("\n");
    }
    bol_store_close(s);
    bol_buf_release(&text);
    return r < 0 ? CLI_EXIT_FAIL : 0;
}
