/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_incident.c - bollard incident open|note|freeze|verify|close|report:
 * incident handling, evidence preservation and the checklist reports
 *
 * open, note and close run as commands through ops, as "local:<login>",
 * like the access commands.  freeze reads the store read-only (it runs
 * beside `bollard serve`): it copies the journal range, its checkpoints, the
 * alerts, the configuration without secrets and the host's facts into
 * DATA/incidents/<ID>/freeze-<N>/, hashes every file, signs the manifest
 * with the journal's key as a signed note, and only then journals
 * incident.frozen with the manifest's SHA-256.  The directory is written
 * under a temporary name and renamed whole, so a failed freeze leaves no
 * half-written evidence.  docs/internals/incident.md has the layout.
 */
#include "compat.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bol_version.h"
#include "cli.h"
#include "secpolicy.h"
#include "entry.h"
#include "errors.h"
#include "incident.h"
#include "incident_report.h"
#include "jsonv.h"
#include "log.h"
#include "mem.h"
#include "note.h"
#include "ops.h"
#include "sha256.h"
#include "store.h"
#include "utctime.h"

#define SECURITY_FILE  "security.json"
#define MANIFEST_NAME  "MANIFEST"
#define FILE_MAX_BYTES (64u << 20) /* security.json, a manifest, /proc files */

/* ---- shared ---- */

/*
 * The "incident" section of DATA/security.json (absent file or section:
 * defaults), read with the rest of the file (cli_load_policy); *ret_security
 * (or NULL) keeps the whole file for the evidence.
 */
static int load_policy(const char *data, struct bol_incident_policy *p, json_t **ret_security)
{
    struct bol_security_policy all;
    struct bol_diag d;
    json_t *root = NULL;

    bol_incident_policy_init(p);
    if (ret_security)
        *ret_security = NULL;
    if (cli_load_policy(data, &all, &root) < 0)
        return -1;
    bol_diag_init(&d);
    if (all.incident && bol_incident_policy_from_json(all.incident, p, &d) < 0) {
        bol_log_error("%s/%s: '%s': %s", data, SECURITY_FILE, d.field, d.msg);
        json_decref(root);
        return -1;
    }
    if (ret_security)
        *ret_security = root;
    else
        json_decref(root);
    return 0;
}

struct fold {
    json_t *c;
    struct bol_diag d;
    int err;
    uint64_t skipped;
};

/*
 * One entry into the case.  An entry that does not decode, or whose payload
 * the case cannot read, is named in the case's "undecodable" and skipped:
 * the case must still be read when the journal has been tampered with,
 * which is exactly when evidence is preserved.
 */
static int fold_entry(void *ctx, uint64_t seq, struct bol_str bytes, const struct bol_hash *leaf)
{
    struct fold *f = ctx;
    struct bol_entry e;
    int r;

    (void) leaf;
    bol_diag_init(&f->d);
    r = bol_entry_decode(bytes, &e, &f->d);
    if (r == 0)
        r = bol_incident_case_add(f->c, &e, &f->d);
    if (r == BOL_E_NOMEM) {
        f->err = r;
        return 1;
    }
    if (r < 0) {
        if (f->skipped++ < 5)
            bol_log_warn("journal entry %" PRIu64 " does not decode (%s); skipped", seq,
                         f->d.msg[0] ? f->d.msg : bol_strerror(r));
        if ((f->err = bol_incident_case_skip(f->c, seq, f->d.msg[0] ? f->d.msg : bol_strerror(r))) <
            0)
            return 1;
    }
    return 0;
}

/* The incident's case from the whole journal; *ret is new.  -1 after saying why. */
static int read_case(struct bol_store *s, const char *id, json_t **ret)
{
    struct fold f = { bol_incident_case_new(id), { 0 }, 0, 0 };
    int r;

    bol_diag_init(&f.d);
    if (!f.c) {
        bol_log_error("out of memory");
        return -1;
    }
    r = bol_store_read(s, 1, 0, fold_entry, &f, &f.d);
    if (r < 0 || f.err < 0) {
        cli_diag_error("cannot read the journal", f.err < 0 ? f.err : r, &f.d);
        json_decref(f.c);
        return -1;
    }
    if (f.skipped)
        bol_log_warn("%" PRIu64 " journal entries do not decode (tampered or damaged?): run "
                     "bollard journal verify",
                     f.skipped);
    if (!json_is_object(json_object_get(f.c, "incident"))) {
        bol_log_error("no incident '%s' in the journal", id);
        json_decref(f.c);
        return -1;
    }
    *ret = f.c;
    return 0;
}

/* Append a repeatable option's value to an array member of cmd. */
static int push(json_t *cmd, const char *key, const char *value)
{
    json_t *a = json_object_get(cmd, key);

    if (!a) {
        a = json_array();
        if (!a || json_object_set_new(cmd, key, a) < 0)
            return -1;
    }
    return json_array_append_new(a, json_string(value));
}

static bool id_ok(const char *id)
{
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_incident_id_check(bol_str_from(id), &d) < 0) {
        bol_log_error("--id: %s", d.msg);
        return false;
    }
    return true;
}

/* ---- open, note, close ---- */

const char *const cmd_incident_open_usage[] = {
    "usage: bollard incident open --data DIR --title TEXT --severity LEVEL [--id ID]",
    "                             [--terminal CODE] [--alert ID]...",
    "",
    "Open an incident: who (this login) and when are journaled.  LEVEL is",
    "critical, high, medium or low.  ID defaults to INC-YYYYMMDD-HHMMSS (UTC);",
    "--alert links an alert (repeat for more); --terminal names the terminal",
    "affected.  Prints the incident's id.",
    NULL,
};

int cmd_incident_open(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },     { "title", required_argument, NULL, 't' },
        { "severity", required_argument, NULL, 's' }, { "id", required_argument, NULL, 'i' },
        { "terminal", required_argument, NULL, 'T' }, { "alert", required_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
    };
    const char *data = NULL, *id = NULL;
    char defid[BOL_INCIDENT_ID_MAX + 1];
    json_t *cmd = json_pack("{s:s}", "cmd", "incident.open");
    int ch, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            data = optarg;
            break;
        case 't':
            json_object_set_new(cmd, "title", json_string(optarg));
            break;
        case 's':
            json_object_set_new(cmd, "severity", json_string(optarg));
            break;
        case 'i':
            id = optarg;
            break;
        case 'T':
            json_object_set_new(cmd, "terminal", json_string(optarg));
            break;
        case 'a':
            push(cmd, "alerts", optarg);
            break;
        case 'h':
            json_decref(cmd);
            return cli_usage(cmd_incident_open_usage, false);
        default:
            json_decref(cmd);
            return cli_usage(cmd_incident_open_usage, true);
        }
    }
    if (!data || optind != argc || !json_object_get(cmd, "title") ||
        !json_object_get(cmd, "severity")) {
        json_decref(cmd);
        return cli_usage(cmd_incident_open_usage, true);
    }
    if (!id) {
        bol_incident_default_id(bol_time_now_us(), defid);
        id = defid;
    }
    if (!id_ok(id)) {
        json_decref(cmd);
        return CLI_EXIT_USAGE;
    }
    json_object_set_new(cmd, "id", json_string(id));
    r = cli_run_local(data, cmd, NULL);
    if (r == CLI_EXIT_OK)
        printf("%s\n", id);
    return r;
}

const char *const cmd_incident_note_usage[] = {
    "usage: bollard incident note --data DIR --id ID --kind KIND --text TEXT [--at TIME]",
    "                             [--addr ADDR]... [--hash HEX]... [--account NAME]...",
    "                             [--disclose sharing|public]...",
    "",
    "Journal a note on an open incident.  KIND is the checklist row it fills:",
    "organization, industry, impact, response, interim, attack, affected_system,",
    "weakness, malware, address, technique.  --at says when the thing noted",
    "happened (ISO 8601, default now).  --addr (IPv4/IPv6), --hash (MD5, SHA-1",
    "or SHA-256 hex) and --account are indicators: they go into the reports'",
    "rows and the STIX bundle.  --disclose releases the note to a report whose",
    "checklist row is case by case (triangle) for that audience.",
    NULL,
};

int cmd_incident_note(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "id", required_argument, NULL, 'i' },
        { "kind", required_argument, NULL, 'k' },
        { "text", required_argument, NULL, 't' },
        { "at", required_argument, NULL, 'a' },
        { "addr", required_argument, NULL, 'A' },
        { "hash", required_argument, NULL, 'H' },
        { "account", required_argument, NULL, 'u' },
        { "disclose", required_argument, NULL, 'D' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *data = NULL;
    json_t *cmd = json_pack("{s:s}", "cmd", "incident.note");
    int ch;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            data = optarg;
            break;
        case 'i':
            json_object_set_new(cmd, "id", json_string(optarg));
            break;
        case 'k':
            json_object_set_new(cmd, "kind", json_string(optarg));
            break;
        case 't':
            json_object_set_new(cmd, "text", json_string(optarg));
            break;
        case 'a':
            json_object_set_new(cmd, "at", json_string(optarg));
            break;
        case 'A':
            push(cmd, "addrs", optarg);
            break;
        case 'H':
            push(cmd, "hashes", optarg);
            break;
        case 'u':
            push(cmd, "accounts", optarg);
            break;
        case 'D':
            push(cmd, "disclose", optarg);
            break;
        case 'h':
            json_decref(cmd);
            return cli_usage(cmd_incident_note_usage, false);
        default:
            json_decref(cmd);
            return cli_usage(cmd_incident_note_usage, true);
        }
    }
    if (!data || optind != argc || !json_object_get(cmd, "id") || !json_object_get(cmd, "kind") ||
        !json_object_get(cmd, "text")) {
        json_decref(cmd);
        return cli_usage(cmd_incident_note_usage, true);
    }
    return cli_run_local(data, cmd, NULL);
}

const char *const cmd_incident_close_usage[] = {
    "usage: bollard incident close --data DIR --id ID --summary TEXT",
    "",
    "Close an incident with a summary (who and when are journaled).  A closed",
    "incident takes no more notes or freezes; its reports can still be made.",
    NULL,
};

int cmd_incident_close(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "id", required_argument, NULL, 'i' },
        { "summary", required_argument, NULL, 's' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *data = NULL, *id = NULL, *summary = NULL;
    int ch;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            data = optarg;
            break;
        case 'i':
            id = optarg;
            break;
        case 's':
            summary = optarg;
            break;
        case 'h':
            return cli_usage(cmd_incident_close_usage, false);
        default:
            return cli_usage(cmd_incident_close_usage, true);
        }
    }
    if (!data || !id || !summary || optind != argc)
        return cli_usage(cmd_incident_close_usage, true);
    return cli_run_local(
        data, json_pack("{s:s,s:s,s:s}", "cmd", "incident.close", "id", id, "summary", summary),
        NULL);
}

/* ---- freeze ---- */

const char *const cmd_incident_freeze_usage[] = {
    "usage: bollard incident freeze --data DIR --id ID [--since TIME | --from N]",
    "",
    "Preserve evidence of an open incident, in time order, while the terminal",
    "keeps working (the store is read, not locked): the journal range as the",
    "entries' canonical bytes, the checkpoints covering it, the alerts, the",
    "configuration without secrets and the host's facts (kernel, boot id,",
    "clocks, listening sockets, processes, mounts) go to",
    "DIR/incidents/ID/freeze-N/, each file with its SHA-256 in a manifest",
    "signed with the journal's key.  The range starts at entry N, or at TIME,",
    "or by default a lookback (security.json incident.freeze_lookback_hours,",
    "24) before the incident or its first linked alert, and runs to the end of",
    "the journal.  The freeze is journaled with the manifest's SHA-256.",
    "Prints the evidence directory.",
    NULL,
};

struct freeze {
    const char *data;
    char id[BOL_INCIDENT_ID_MAX + 1];
    int dirfd;
    char tmpname[64];
    struct bol_evidence_manifest m;
    int64_t last_at;
    struct bol_diag d;
};

struct efile {
    int fd;
    struct bol_sha256_stream h;
    uint64_t size;
    struct bol_evidence_file *f;
    bool failed;
};

static int64_t capture_time(struct freeze *fz)
{
    int64_t now = bol_time_now_us();

    /* the manifest is in time order even if the wall clock steps back */
    if (now < fz->last_at)
        now = fz->last_at;
    fz->last_at = now;
    return now;
}

static int efile_open(struct freeze *fz, const char *path, struct efile *ef)
{
    struct bol_evidence_file *f;
    char full[256];

    memset(ef, 0, sizeof(*ef));
    ef->fd = -1;
    if (fz->m.nfiles == BOL_EVIDENCE_FILES_MAX) {
        bol_log_error("too many evidence files");
        return -1;
    }
    f = &fz->m.files[fz->m.nfiles];
    memset(f, 0, sizeof(*f));
    snprintf(f->path, sizeof(f->path), "%s", path);
    f->at_us = capture_time(fz);
    snprintf(full, sizeof(full), "%s/%s", fz->tmpname, path);
    ef->fd = openat(fz->dirfd, full, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (ef->fd < 0 || bol_sha256_stream_init(&ef->h) < 0) {
        bol_log_error("cannot create %s: %s", full, strerror(errno));
        if (ef->fd >= 0)
            close(ef->fd);
        ef->fd = -1;
        return -1;
    }
    ef->f = f;
    fz->m.nfiles++;
    return 0;
}

static void efile_write(struct efile *ef, const void *p, size_t n)
{
    const char *c = p;

    if (ef->failed)
        return;
    bol_sha256_stream_update(&ef->h, p, n);
    ef->size += n;
    while (n > 0) {
        ssize_t w = write(ef->fd, c, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            ef->failed = true;
            return;
        }
        c += w;
        n -= (size_t) w;
    }
}

static int efile_close(struct efile *ef)
{
    bool bad = ef->failed;

    bol_sha256_stream_final(&ef->h, ef->f->sha256);
    ef->f->size = ef->size;
    if (fsync(ef->fd) != 0)
        bad = true;
    if (close(ef->fd) != 0)
        bad = true;
    ef->fd = -1;
    if (bad) {
        bol_log_error("cannot write evidence file %s: %s", ef->f->path, strerror(errno));
        return -1;
    }
    return 0;
}

/* A whole file from memory. */
static int put_file(struct freeze *fz, const char *path, const void *p, size_t n)
{
    struct efile ef;

    if (efile_open(fz, path, &ef) < 0)
        return -1;
    efile_write(&ef, p, n);
    return efile_close(&ef);
}

static int put_json(struct freeze *fz, const char *path, json_t *j)
{
    struct bol_buf b = BOL_BUF_INIT(256u << 20);
    size_t need = j ? json_dumpb(j, NULL, 0, JSON_INDENT(1) | JSON_SORT_KEYS) : 0;
    int r = -1;

    if (need > 0 && bol_buf_grow(&b, need + 1) == 0) {
        b.len = json_dumpb(j, b.buf, need, JSON_INDENT(1) | JSON_SORT_KEYS);
        b.buf[b.len] = '\0';
        if (bol_buf_addch(&b, '\n') == 0)
            r = put_file(fz, path, b.buf, b.len);
    } else {
        bol_log_error("%s: out of memory", path);
    }
    bol_buf_release(&b);
    return r;
}

/* A file of the host, copied as it reads (absent: an empty file says so). */
static int put_copy(struct freeze *fz, const char *path, const char *src)
{
    struct efile ef;
    char buf[65536];
    ssize_t n;
    int fd = open(src, O_RDONLY | O_CLOEXEC);

    if (efile_open(fz, path, &ef) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    while (fd >= 0 && (n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            break;
        efile_write(&ef, buf, (size_t) n);
        if (ef.size > FILE_MAX_BYTES)
            break;
    }
    if (fd >= 0)
        close(fd);
    return efile_close(&ef);
}

struct range_ctx {
    struct efile *ef;
    struct bol_evidence_manifest *m;
    json_t *alerts_in_range;
    json_t *undecodable; /* [{seq, offset, size, sha256, why}] */
    uint64_t last;
    int err;
    struct bol_diag d;
};

/*
 * One entry of the range, as its bytes are, one per line.  An entry that
 * does not decode is copied all the same (the damaged bytes are the
 * evidence) and named, with where its bytes sit in journal.jsonl, so the
 * copy stays exact even when the damage put a newline into them.
 */
static int copy_entry(void *ctx, uint64_t seq, struct bol_str bytes, const struct bol_hash *leaf)
{
    struct range_ctx *rc = ctx;
    struct bol_entry e;
    uint64_t offset = rc->ef->size;

    (void) leaf;
    efile_write(rc->ef, bytes.p, bytes.len);
    efile_write(rc->ef, "\n", 1);
    rc->last = seq;
    bol_diag_init(&rc->d);
    if (bol_entry_decode(bytes, &e, &rc->d) < 0) {
        uint8_t h[32];
        char hex[65];
        unsigned i;
        json_t *o;

        bol_sha256(bytes.p, bytes.len, h);
        for (i = 0; i < 32; i++)
            snprintf(hex + 2 * i, 3, "%02x", h[i]);
        o = json_pack("{s:I,s:I,s:I,s:s,s:s}", "seq", (json_int_t) seq, "offset",
                      (json_int_t) offset, "size", (json_int_t) bytes.len, "sha256", hex, "why",
                      "does not decode");
        if (o && rc->d.msg[0]) {
            json_t *why = json_string(rc->d.msg); /* NULL when the message is not UTF-8 */

            if (why)
                json_object_set_new(o, "why", why);
        }
        if (!o || json_array_append_new(rc->undecodable, o) < 0) {
            rc->ef->failed = true; /* out of memory: the freeze fails rather than lose one */
            return 1;
        }
        if (rc->m->nundecodable < BOL_INCIDENT_UNDECODABLE_MAX)
            rc->m->undecodable[rc->m->nundecodable++] = seq;
        else if (json_array_size(rc->undecodable) == BOL_INCIDENT_UNDECODABLE_MAX + 1)
            bol_log_warn("entry %" PRIu64 ": more than %d undecodable entries; the manifest "
                         "names the first, journal-undecodable.json all",
                         seq, BOL_INCIDENT_UNDECODABLE_MAX);
        return rc->ef->failed ? 1 : 0;
    }
    if (bol_str_eq_cstr(e.type, "alert.raised") || bol_str_eq_cstr(e.type, "alert.acknowledged"))
        json_array_append_new(rc->alerts_in_range, json_integer((json_int_t) seq));
    return rc->ef->failed ? 1 : 0;
}

static int copy_checkpoint(void *ctx, uint64_t size, int64_t at_us, struct bol_str note)
{
    struct efile *ef = ctx;
    char at[BOL_TIME_TEXT_MAX];
    json_t *o;
    struct bol_buf b = BOL_BUF_INIT(1 << 20);

    if (!bol_time_format(at_us, 0, 6, at))
        snprintf(at, sizeof(at), "?");
    o = json_pack("{s:I,s:s,s:s%}", "size", (json_int_t) size, "at", at, "note", note.p, note.len);
    if (o && jv_dump(o, &b) == 0) {
        efile_write(ef, b.buf, b.len);
        efile_write(ef, "\n", 1);
    } else {
        ef->failed = true;
    }
    json_decref(o);
    bol_buf_release(&b);
    return ef->failed ? 1 : 0;
}

/* The journal range and the checkpoints covering it. */
static int freeze_journal(struct freeze *fz, struct bol_store *s, json_t *c, uint64_t from,
                          uint64_t *ret_to)
{
    struct efile ef;
    struct range_ctx rc;
    uint64_t size = 0;
    json_t *alerts;
    int r;

    memset(&rc, 0, sizeof(rc));
    bol_diag_init(&rc.d);
    if ((r = bol_store_size(s, &size, &rc.d)) < 0) {
        cli_diag_error("cannot read the journal", r, &rc.d);
        return -1;
    }
    if (efile_open(fz, "journal.jsonl", &ef) < 0)
        return -1;
    rc.ef = &ef;
    rc.m = &fz->m;
    rc.alerts_in_range = json_array();
    rc.undecodable = json_array();
    if (!rc.alerts_in_range || !rc.undecodable) {
        bol_log_error("out of memory");
        ef.failed = true;
    } else if (from <= size) {
        r = bol_store_read(s, from, size - from + 1, copy_entry, &rc, &rc.d);
        if (r < 0) {
            cli_diag_error("cannot read the journal", r, &rc.d);
            ef.failed = true;
        }
    }
    if (efile_close(&ef) < 0) {
        json_decref(rc.alerts_in_range);
        json_decref(rc.undecodable);
        return -1;
    }
    *ret_to = rc.last;
    if (json_array_size(rc.undecodable) > 0) {
        json_t *u = json_pack("{s:s,s:O}", "file", "journal.jsonl", "entries", rc.undecodable);

        bol_log_warn("%zu entries of the range do not decode (tampered or damaged?); their bytes "
                     "are preserved as they are and named in journal-undecodable.json",
                     json_array_size(rc.undecodable));
        r = u ? put_json(fz, "journal-undecodable.json", u) : -1;
        json_decref(u);
        if (r < 0) {
            json_decref(rc.alerts_in_range);
            json_decref(rc.undecodable);
            return -1;
        }
    }
    json_decref(rc.undecodable);
    if (efile_open(fz, "checkpoints.jsonl", &ef) < 0) {
        json_decref(rc.alerts_in_range);
        return -1;
    }
    bol_diag_init(&rc.d);
    r = bol_store_checkpoints(s, from > 1 ? from - 1 : 0, copy_checkpoint, &ef, &rc.d);
    if (r < 0) {
        cli_diag_error("cannot read the checkpoints", r, &rc.d);
        ef.failed = true;
    }
    if (efile_close(&ef) < 0) {
        json_decref(rc.alerts_in_range);
        return -1;
    }
    /* alerts: every alert's latest state (the alert table as the journal gives it) */
    alerts = json_pack("{s:O,s:O,s:o}", "alerts", json_object_get(c, "alerts"), "linked",
                       json_object_get(json_object_get(c, "incident"), "alerts"),
                       "entries_in_range", rc.alerts_in_range);
    r = put_json(fz, "alerts.json", alerts);
    json_decref(alerts);
    return r;
}

/* Configuration: what identifies the installation, without secrets or keys. */
static int freeze_config(struct freeze *fz, struct bol_store *s, json_t *security)
{
    struct bol_buf pub = BOL_BUF_INIT(4096);
    json_t *o, *files = json_array();
    DIR *dp = opendir(fz->data);
    struct dirent *e;
    int r;

    while (dp && files && (e = readdir(dp))) {
        struct stat st;
        char mtime[BOL_TIME_TEXT_MAX];

        if (e->d_name[0] == '.' || fstatat(dirfd(dp), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (!bol_time_format((int64_t) st.st_mtim.tv_sec * 1000000 + st.st_mtim.tv_nsec / 1000, 0,
                             6, mtime))
            snprintf(mtime, sizeof(mtime), "?");
        json_array_append_new(files, json_pack("{s:s,s:s,s:I,s:I,s:s}", "name", e->d_name, "mode",
                                               S_ISDIR(st.st_mode) ? "dir" : "file", "perm",
                                               (json_int_t) (st.st_mode & 07777), "size",
                                               (json_int_t) st.st_size, "mtime", mtime));
    }
    if (dp)
        closedir(dp);
    if (bol_verifier_encode(bol_store_verifier(s), &pub) < 0) {
        json_decref(files);
        return -1;
    }
    o = json_pack("{s:s,s:s,s:s,s:s,s:o,s:o}", "origin", bol_store_origin(s), "store",
                  bol_store_location(s), "journal_pub", pub.buf, "bollard_version", BOLLARD_VERSION,
                  "security", security ? bol_incident_redact(security) : json_null(), "data_files",
                  files ? files : json_array());
    bol_buf_release(&pub);
    r = put_json(fz, "config.json", o);
    json_decref(o);
    return r;
}

/* Text with bytes outside printable ASCII as \xNN (NUL, the cmdline separator, as a space). */
static int add_escaped(struct bol_buf *b, const char *p, size_t n)
{
    size_t i;
    int r = 0;

    for (i = 0; i < n && r == 0; i++) {
        unsigned char c = (unsigned char) p[i];

        if (c >= 0x20 && c < 0x7f && c != '\\')
            r = bol_buf_addch(b, (char) c);
        else if (c == 0)
            r = bol_buf_addch(b, ' ');
        else
            r = bol_buf_addf(b, "\\x%02x", c);
    }
    return r;
}

/* The start of a small /proc file, escaped; a file that cannot be read adds nothing. */
static int read_small(const char *path, struct bol_buf *b)
{
    char buf[4096];
    ssize_t n;
    int r = 0, fd = open(path, O_RDONLY | O_CLOEXEC);

    if (fd < 0)
        return 0;
    n = read(fd, buf, sizeof(buf));
    if (n > 0) {
        while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == '\0'))
            n--;
        r = add_escaped(b, buf, (size_t) n);
    }
    close(fd);
    return r;
}

/* Processes: "pid uid comm cmdline" per line, from /proc. */
static int freeze_processes(struct freeze *fz)
{
    struct bol_buf b = BOL_BUF_INIT(FILE_MAX_BYTES);
    DIR *dp = opendir("/proc");
    struct dirent *e;
    int r = bol_buf_adds(&b, "# pid uid comm cmdline\n");

    while (r == 0 && dp && (e = readdir(dp))) {
        char path[300];
        struct stat st;
        uint64_t pid;

        if (bol_str_to_u64(bol_str_from(e->d_name), &pid) < 0)
            continue;
        snprintf(path, sizeof(path), "/proc/%s", e->d_name);
        if (stat(path, &st) != 0)
            continue;
        r = bol_buf_addf(&b, "%" PRIu64 " %u ", pid, (unsigned) st.st_uid);
        snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
        if (r == 0)
            r = read_small(path, &b);
        if (r == 0)
            r = bol_buf_addch(&b, ' ');
        snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
        if (r == 0)
            r = read_small(path, &b);
        if (r == 0)
            r = bol_buf_addch(&b, '\n');
    }
    if (dp)
        closedir(dp);
    if (r < 0)
        bol_log_error("host/processes.txt: too large or out of memory");
    else
        r = put_file(fz, "host/processes.txt", b.buf, b.len);
    bol_buf_release(&b);
    return r;
}

static int freeze_host(struct freeze *fz)
{
    struct utsname u;
    struct timespec rt, mono, boot;
    struct bol_buf bootid = BOL_BUF_INIT(128);
    char host[256] = "", at[BOL_TIME_TEXT_MAX];
    json_t *o;
    int r;

    clock_gettime(CLOCK_REALTIME, &rt);
    clock_gettime(CLOCK_MONOTONIC, &mono);
    clock_gettime(CLOCK_BOOTTIME, &boot);
    if (uname(&u) != 0)
        memset(&u, 0, sizeof(u));
    if (gethostname(host, sizeof(host) - 1) != 0)
        host[0] = '\0';
    if (read_small("/proc/sys/kernel/random/boot_id", &bootid) < 0)
        bol_buf_reset(&bootid);
    if (!bol_time_format((int64_t) rt.tv_sec * 1000000 + rt.tv_nsec / 1000, 0, 6, at))
        snprintf(at, sizeof(at), "?");
    o = json_pack("{s:{s:s,s:s,s:s,s:s,s:s},s:s,s:s,s:{s:s,s:I,s:I},s:I,s:I}", "uname", "sysname",
                  u.sysname, "nodename", u.nodename, "release", u.release, "version", u.version,
                  "machine", u.machine, "hostname", host, "boot_id", bootid.buf, "clock",
                  "realtime", at, "monotonic_ns",
                  (json_int_t) mono.tv_sec * 1000000000 + mono.tv_nsec, "boottime_ns",
                  (json_int_t) boot.tv_sec * 1000000000 + boot.tv_nsec, "uid",
                  (json_int_t) getuid(), "euid", (json_int_t) geteuid());
    bol_buf_release(&bootid);
    r = put_json(fz, "host/facts.json", o);
    json_decref(o);
    if (r == 0)
        r = put_copy(fz, "host/proc-net-tcp.txt", "/proc/net/tcp");
    if (r == 0)
        r = put_copy(fz, "host/proc-net-tcp6.txt", "/proc/net/tcp6");
    if (r == 0)
        r = put_copy(fz, "host/proc-net-udp.txt", "/proc/net/udp");
    if (r == 0)
        r = put_copy(fz, "host/mounts.txt", "/proc/self/mounts");
    if (r == 0)
        r = freeze_processes(fz);
    return r;
}

/* The journal's signing key, checked against the store's public key. */
static int load_signer(const char *data, struct bol_store *s, struct bol_signer *out)
{
    char path[4096];
    struct stat st;
    struct bol_diag d;
    char *text = NULL;
    size_t len = 0;
    int r;

    snprintf(path, sizeof(path), "%s/journal.key", data);
    if (stat(path, &st) != 0 || (st.st_mode & 077) || st.st_uid != geteuid()) {
        bol_log_error("%s: the signing key must be this user's and mode 0600 (run as the data "
                      "directory's owner)",
                      path);
        return -1;
    }
    if (cli_read_file(path, 4096, &text, &len) < 0)
        return -1;
    bol_diag_init(&d);
    r = bol_signer_decode(bol_str_make(text, len), out, &d);
    bol_free_wipe(text, len);
    if (r < 0) {
        cli_diag_error(path, r, &d);
        return -1;
    }
    if (memcmp(out->v.pk, bol_store_verifier(s)->pk, 32) != 0) {
        bol_signer_wipe(out);
        bol_log_error("%s does not match the journal's public key", path);
        return -1;
    }
    return 0;
}

static int mkdir_private(int at, const char *name)
{
    if (mkdirat(at, name, 0700) != 0 && errno != EEXIST) {
        bol_log_error("cannot create %s: %s", name, strerror(errno));
        return -1;
    }
    return 0;
}

/* Remove what a failed freeze wrote (only files it created, one level of subfolders). */
static void remove_tmp(struct freeze *fz)
{
    unsigned i;
    char p[256];

    for (i = 0; i < fz->m.nfiles; i++) {
        snprintf(p, sizeof(p), "%s/%s", fz->tmpname, fz->m.files[i].path);
        unlinkat(fz->dirfd, p, 0);
    }
    snprintf(p, sizeof(p), "%s/%s", fz->tmpname, MANIFEST_NAME);
    unlinkat(fz->dirfd, p, 0);
    snprintf(p, sizeof(p), "%s/host", fz->tmpname);
    unlinkat(fz->dirfd, p, AT_REMOVEDIR);
    unlinkat(fz->dirfd, fz->tmpname, AT_REMOVEDIR);
}

/* The range's first entry: the first at or after since. */
struct since_ctx {
    int64_t since;
    uint64_t found;
    struct bol_diag d;
};

static int find_since(void *ctx, uint64_t seq, struct bol_str bytes, const struct bol_hash *leaf)
{
    struct since_ctx *sc = ctx;
    struct bol_entry e;

    (void) leaf;
    if (bol_entry_decode(bytes, &e, &sc->d) < 0)
        return 0;
    if (e.at_us >= sc->since) {
        sc->found = seq;
        return 1;
    }
    return 0;
}

static int64_t json_time(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    int64_t at = 0;

    if (!s || bol_time_parse(bol_str_from(s), &at, NULL) < 0)
        return 0;
    return at;
}

/* Where the incident's evidence starts by default: lookback before the incident or its first alert. */
static int64_t default_since(json_t *c, const struct bol_incident_policy *p)
{
    json_t *inc = json_object_get(c, "incident"), *v;
    int64_t t = json_time(inc, "opened_at"), a;
    size_t i;

    json_array_foreach(json_object_get(inc, "alerts"), i, v)
    {
        a = json_time(json_object_get(json_object_get(c, "alerts"), json_string_value(v)), "first");
        if (a && a < t)
            t = a;
    }
    return t - p->lookback_us;
}

static int freeze_run(struct freeze *fz, int64_t since, uint64_t from)
{
    struct bol_incident_policy pol;
    struct bol_store *s = NULL;
    struct bol_signer signer;
    struct bol_buf text = BOL_BUF_INIT(BOL_NOTE_MAX), note = BOL_BUF_INIT(BOL_NOTE_MAX);
    json_t *security = NULL, *c = NULL, *cmd;
    char dirname[32], final[BOL_INCIDENT_ID_MAX + 64], hex[65];
    uint8_t mh[32];
    uint64_t to = 0;
    bool have_signer = false, renamed = false;
    int r = CLI_EXIT_FAIL, datafd = -1, incfd = -1;
    struct efile ef;
    unsigned i;

    fz->dirfd = -1;
    if (load_policy(fz->data, &pol, &security) < 0 || cli_open_store(fz->data, true, &s) < 0 ||
        read_case(s, fz->id, &c) < 0)
        goto out;
    if (strcmp(json_string_value(json_object_get(json_object_get(c, "incident"), "status")),
               "open") != 0) {
        bol_log_error("incident %s is closed", fz->id);
        goto out;
    }
    if (load_signer(fz->data, s, &signer) < 0)
        goto out;
    have_signer = true;
    if (!from) {
        struct since_ctx sc = { since ? since : default_since(c, &pol), 0, { 0 } };

        bol_diag_init(&sc.d);
        if (bol_store_read(s, 1, 0, find_since, &sc, &sc.d) < 0) {
            cli_diag_error("cannot read the journal", BOL_E_IO, &sc.d);
            goto out;
        }
        from = sc.found ? sc.found : 1;
        if (!sc.found) {
            uint64_t size = 0;

            if (bol_store_size(s, &size, &sc.d) == 0)
                from = size + 1;
        }
    }
    memset(&fz->m, 0, sizeof(fz->m));
    snprintf(fz->m.incident, sizeof(fz->m.incident), "%s", fz->id);
    fz->m.freeze =
        (uint32_t) json_integer_value(json_object_get(json_object_get(c, "incident"), "freezes")) +
        1;
    snprintf(fz->m.origin, sizeof(fz->m.origin), "%s", bol_store_origin(s));
    fz->m.taken_us = capture_time(fz);
    fz->m.from_seq = from;

    /* DATA/incidents/ID/ (0700), then a temporary folder renamed whole at the end */
    datafd = open(fz->data, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (datafd < 0 || mkdir_private(datafd, "incidents") < 0)
        goto out;
    incfd = openat(datafd, "incidents", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (incfd < 0 || mkdir_private(incfd, fz->id) < 0)
        goto out;
    fz->dirfd = openat(incfd, fz->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    snprintf(fz->tmpname, sizeof(fz->tmpname), ".freeze-%u.tmp", fz->m.freeze);
    snprintf(dirname, sizeof(dirname), "freeze-%u", fz->m.freeze);
    if (fz->dirfd < 0 || mkdirat(fz->dirfd, fz->tmpname, 0700) != 0) {
        bol_log_error("cannot create %s/incidents/%s/%s: %s", fz->data, fz->id, fz->tmpname,
                      strerror(errno));
        goto out;
    }
    {
        char host[96];

        snprintf(host, sizeof(host), "%s/host", fz->tmpname);
        if (mkdirat(fz->dirfd, host, 0700) != 0) {
            bol_log_error("cannot create %s: %s", host, strerror(errno));
            goto fail;
        }
    }
    if (freeze_journal(fz, s, c, from, &to) < 0)
        goto fail;
    fz->m.to_seq = to;
    if (put_json(fz, "incident.json", c) < 0 || freeze_config(fz, s, security) < 0 ||
        freeze_host(fz) < 0)
        goto fail;
    {
        struct bol_buf pub = BOL_BUF_INIT(4096);
        int pr = bol_verifier_encode(bol_store_verifier(s), &pub);

        if (pr == 0)
            pr = bol_buf_addch(&pub, '\n');
        if (pr < 0 || put_file(fz, "journal.pub", pub.buf, pub.len) < 0) {
            bol_buf_release(&pub);
            goto fail;
        }
        bol_buf_release(&pub);
    }
    bol_diag_init(&fz->d);
    if (bol_evidence_manifest_format(&fz->m, &text, &fz->d) < 0 ||
        bol_note_sign(bol_buf_str(&text), &signer, &note, &fz->d) < 0) {
        cli_diag_error("cannot sign the manifest", BOL_E_INVAL, &fz->d);
        goto fail;
    }
    {
        char mp[96];

        snprintf(mp, sizeof(mp), "%s/%s", fz->tmpname, MANIFEST_NAME);
        ef.fd = openat(fz->dirfd, mp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (ef.fd < 0 || write(ef.fd, note.buf, note.len) != (ssize_t) note.len ||
            fsync(ef.fd) != 0) {
            bol_log_error("cannot write %s: %s", mp, strerror(errno));
            if (ef.fd >= 0)
                close(ef.fd);
            goto fail;
        }
        close(ef.fd);
    }
    bol_sha256(note.buf, note.len, mh);
    for (i = 0; i < 32; i++)
        snprintf(hex + 2 * i, 3, "%02x", mh[i]);
    {
        char hostdir[96];
        int hfd, tfd;

        snprintf(hostdir, sizeof(hostdir), "%s/host", fz->tmpname);
        hfd = openat(fz->dirfd, hostdir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        tfd = openat(fz->dirfd, fz->tmpname, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (hfd < 0 || tfd < 0 || fsync(hfd) != 0 || fsync(tfd) != 0) {
            bol_log_error("cannot sync the evidence folder: %s", strerror(errno));
            if (hfd >= 0)
                close(hfd);
            if (tfd >= 0)
                close(tfd);
            goto fail;
        }
        close(hfd);
        close(tfd);
    }
    if (renameat(fz->dirfd, fz->tmpname, fz->dirfd, dirname) != 0) {
        bol_log_error("cannot rename the evidence to %s (another freeze?): %s", dirname,
                      strerror(errno));
        goto fail;
    }
    renamed = true;
    if (fsync(fz->dirfd) != 0 || fsync(incfd) != 0 || fsync(datafd) != 0) {
        bol_log_error("cannot sync %s/incidents: %s", fz->data, strerror(errno));
        goto out;
    }
    snprintf(final, sizeof(final), "incidents/%s/%s", fz->id, dirname);
    bol_store_close(s);
    s = NULL;
    cmd = json_pack("{s:s,s:s,s:i,s:s,s:I,s:I,s:i,s:s}", "cmd", "incident.freeze", "id", fz->id,
                    "n", (int) fz->m.freeze, "manifest_sha256", hex, "from", (json_int_t) from,
                    "to", (json_int_t) to, "files", (int) fz->m.nfiles, "path", final);
    if (cli_run_local(fz->data, cmd, NULL) != CLI_EXIT_OK) {
        bol_log_error("the evidence is in %s/%s but its freeze is not journaled", fz->data, final);
        goto out;
    }
    printf("%s/%s\n", fz->data, final);
    printf("manifest SHA-256 %s, %u files, entries %" PRIu64 "..%" PRIu64 "\n", hex, fz->m.nfiles,
           from, to);
    for (i = 0; i < fz->m.nundecodable; i++)
        printf("%s%" PRIu64 "%s",
               i ? " " : "undecodable entries (bytes kept as they are): ", fz->m.undecodable[i],
               i + 1 == fz->m.nundecodable ? "\n" : "");
    r = CLI_EXIT_OK;
    goto out;
fail:
    if (!renamed)
        remove_tmp(fz);
out:
    if (have_signer)
        bol_signer_wipe(&signer);
    if (fz->dirfd >= 0)
        close(fz->dirfd);
    if (incfd >= 0)
        close(incfd);
    if (datafd >= 0)
        close(datafd);
    bol_buf_release(&text);
    bol_buf_release(&note);
    bol_store_close(s);
    json_decref(c);
    json_decref(security);
    return r;
}

int cmd_incident_freeze(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },  { "id", required_argument, NULL, 'i' },
        { "since", required_argument, NULL, 's' }, { "from", required_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },        { NULL, 0, NULL, 0 },
    };
    struct freeze fz;
    const char *id = NULL;
    struct bol_diag d;
    int64_t since = 0;
    uint64_t from = 0;
    int ch;

    (void) ctx;
    memset(&fz, 0, sizeof(fz));
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            fz.data = optarg;
            break;
        case 'i':
            id = optarg;
            break;
        case 's':
            bol_diag_init(&d);
            if (bol_time_parse(bol_str_from(optarg), &since, &d) < 0) {
                bol_log_error("--since: %s", d.msg);
                return CLI_EXIT_USAGE;
            }
            break;
        case 'f':
            if (bol_str_to_u64(bol_str_from(optarg), &from) < 0 || from == 0) {
                bol_log_error("--from must be an entry number from 1");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'h':
            return cli_usage(cmd_incident_freeze_usage, false);
        default:
            return cli_usage(cmd_incident_freeze_usage, true);
        }
    }
    if (!fz.data || !id || optind != argc || (since && from))
        return cli_usage(cmd_incident_freeze_usage, true);
    if (!id_ok(id))
        return CLI_EXIT_USAGE;
    snprintf(fz.id, sizeof(fz.id), "%s", id);
    return freeze_run(&fz, since, from);
}

/* ---- verify ---- */

const char *const cmd_incident_verify_usage[] = {
    "usage: bollard incident verify (--data DIR | --key KEY) EVIDENCE_DIR",
    "",
    "Check preserved evidence: the manifest's signature by the journal's key",
    "(DIR/journal.pub, or KEY as text or a file), then every file's size and",
    "SHA-256, and that no file is missing or added.  Names the first mismatch",
    "and exits 1.  After a key rotation, give the key the freeze was signed",
    "with.",
    NULL,
};

/* Hash a file under dir; -1 when it cannot be read. */
static int hash_file(int dirfd, const char *path, uint8_t out[32], uint64_t *size)
{
    struct bol_sha256_stream h;
    char buf[65536];
    ssize_t n;
    int fd = openat(dirfd, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    if (fd < 0 || bol_sha256_stream_init(&h) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    *size = 0;
    while ((n = read(fd, buf, sizeof(buf))) != 0) {
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            bol_sha256_stream_abort(&h);
            close(fd);
            return -1;
        }
        bol_sha256_stream_update(&h, buf, (size_t) n);
        *size += (uint64_t) n;
    }
    close(fd);
    bol_sha256_stream_final(&h, out);
    return 0;
}

static bool listed(const struct bol_evidence_manifest *m, const char *path)
{
    unsigned i;

    if (!strcmp(path, MANIFEST_NAME))
        return true;
    for (i = 0; i < m->nfiles; i++) {
        if (!strcmp(m->files[i].path, path))
            return true;
    }
    return false;
}

/* The first file in dir (and one level of folders) that the manifest does not name. */
static bool find_unlisted(int dirfd, const char *prefix, const struct bol_evidence_manifest *m,
                          char *out, size_t n, int depth)
{
    int fd = openat(dirfd, prefix[0] ? prefix : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *dp = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *e;
    bool found = false;

    if (!dp) {
        if (fd >= 0)
            close(fd);
        return false;
    }
    while (!found && (e = readdir(dp))) {
        char path[600];

        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "/" : "", e->d_name);
        if (e->d_type == DT_DIR && depth < 2) {
            found = find_unlisted(dirfd, path, m, out, n, depth + 1);
        } else if (!listed(m, path)) {
            snprintf(out, n, "%s", path);
            found = true;
        }
    }
    closedir(dp);
    return found;
}

int cmd_incident_verify(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "key", required_argument, NULL, 'k' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    static struct bol_evidence_manifest m;
    const char *data = NULL, *key = NULL, *dir;
    struct bol_verifier v;
    struct bol_diag d;
    struct bol_str text;
    char path[4096], extra[600];
    char *note = NULL;
    size_t len = 0;
    unsigned i;
    int ch, dirfd, r;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            data = optarg;
            break;
        case 'k':
            key = optarg;
            break;
        case 'h':
            return cli_usage(cmd_incident_verify_usage, false);
        default:
            return cli_usage(cmd_incident_verify_usage, true);
        }
    }
    if ((!data == !key) || optind != argc - 1)
        return cli_usage(cmd_incident_verify_usage, true);
    dir = argv[optind];
    if (data)
        snprintf(path, sizeof(path), "%s/journal.pub", data);
    if (cli_load_verifier(data ? path : key, &v) < 0)
        return CLI_EXIT_FAIL;
    snprintf(path, sizeof(path), "%s/%s", dir, MANIFEST_NAME);
    if (cli_read_file(path, BOL_NOTE_MAX, &note, &len) < 0)
        return CLI_EXIT_FAIL;
    bol_diag_init(&d);
    r = bol_note_open(bol_str_make(note, len), &v, &text, &d);
    if (r < 0) {
        bol_log_error("%s: the signature does not verify with %s: %s", path, v.name, d.msg);
        bol_free(note);
        return CLI_EXIT_FAIL;
    }
    r = bol_evidence_manifest_parse(text, &m, &d);
    bol_free(note);
    if (r < 0) {
        bol_log_error("%s: line %u: %s", path, d.line, d.msg);
        return CLI_EXIT_FAIL;
    }
    dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0) {
        bol_log_error("cannot open %s: %s", dir, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    for (i = 0; i < m.nfiles; i++) {
        uint8_t h[32];
        uint64_t size = 0;

        if (hash_file(dirfd, m.files[i].path, h, &size) < 0) {
            bol_log_error("%s/%s: missing or unreadable", dir, m.files[i].path);
            close(dirfd);
            return CLI_EXIT_FAIL;
        }
        if (size != m.files[i].size || memcmp(h, m.files[i].sha256, 32) != 0) {
            bol_log_error("%s/%s: %s differs from the manifest", dir, m.files[i].path,
                          size != m.files[i].size ? "size" : "SHA-256");
            close(dirfd);
            return CLI_EXIT_FAIL;
        }
    }
    if (find_unlisted(dirfd, "", &m, extra, sizeof(extra), 0)) {
        bol_log_error("%s/%s: not in the manifest", dir, extra);
        close(dirfd);
        return CLI_EXIT_FAIL;
    }
    close(dirfd);
    printf("%s: %u files verified; incident %s freeze %u, entries %" PRIu64 "..%" PRIu64
           ", signed by %s\n",
           dir, m.nfiles, m.incident, m.freeze, m.from_seq, m.to_seq, v.name);
    for (i = 0; i < m.nundecodable; i++)
        printf("%s%" PRIu64 "%s",
               i ? " " : "undecodable entries preserved as they were: ", m.undecodable[i],
               i + 1 == m.nundecodable ? "\n" : "");
    return CLI_EXIT_OK;
}

/* ---- report ---- */

const char *const cmd_incident_report_usage[] = {
    "usage: bollard incident report --data DIR --id ID --kind sharing|public",
    "                               --lang ja|en [--format md|html] [--include ROW,...]",
    "                               [--out FILE]",
    "       bollard incident report --data DIR --id ID --stix FILE [--name-organization]",
    "",
    "Write the incident's information-sharing report (sharing: ISAC, ministry)",
    "or public-disclosure report (public), in Japanese or English, as Markdown",
    "(default) or self-contained HTML, to FILE or standard output.  The rows",
    "follow the guideline's checklist of information types in its order; a row",
    "the checklist marks case by case for the audience shows only notes",
    "released to it (note --disclose) unless --include names the row (attack,",
    "affected_system, weakness, interim for sharing; malware, address,",
    "technique for public).  Linked alerts are described by their rule; their",
    "addresses, accounts and key ids appear only in rows kept to sharing, and",
    "no decoy is named.  --stix writes a STIX 2.1 bundle of the indicators",
    "(addresses, file hashes, accounts) for sharing with an ISAC; its",
    "reporter is unnamed (the checklist keeps the victim's name out of",
    "sharing) unless --name-organization names the organisation.",
    NULL,
};

static int write_out(const char *file, const char *p, size_t n)
{
    FILE *f = file ? fopen(file, "w") : stdout;

    if (!f) {
        bol_log_error("cannot create %s: %s", file, strerror(errno));
        return CLI_EXIT_FAIL;
    }
    if (fwrite(p, 1, n, f) != n || (file ? fclose(f) : fflush(f)) != 0) {
        bol_log_error("cannot write %s", file ? file : "standard output");
        return CLI_EXIT_FAIL;
    }
    return CLI_EXIT_OK;
}

static int include_opt(const char *text, uint32_t *mask)
{
    struct bol_str cur = bol_str_from(text), tok;
    char key[64];
    int row;

    while (bol_str_next_token(&cur, ',', &tok)) {
        if (bol_str_copy(tok, key, sizeof(key)) < 0 || (row = bol_incident_row(key)) < 0) {
            bol_log_error("--include: unknown row '%.*s'", (int) BOL_MIN(tok.len, 64u), tok.p);
            return -1;
        }
        *mask |= 1u << row;
    }
    return 0;
}

int cmd_incident_report(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "id", required_argument, NULL, 'i' },
        { "kind", required_argument, NULL, 'k' },
        { "lang", required_argument, NULL, 'l' },
        { "format", required_argument, NULL, 'f' },
        { "include", required_argument, NULL, 'I' },
        { "out", required_argument, NULL, 'o' },
        { "stix", required_argument, NULL, 'S' },
        { "name-organization", no_argument, NULL, 'N' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool name_org = false;
    struct bol_incident_report_opts o;
    struct bol_incident_policy pol;
    const char *data = NULL, *id = NULL, *kind = NULL, *lang = NULL, *out = NULL, *stix = NULL;
    struct bol_buf b = BOL_BUF_INIT(64u << 20);
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *c = NULL, *bundle = NULL;
    int ch, r = CLI_EXIT_FAIL;

    (void) ctx;
    memset(&o, 0, sizeof(o));
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            data = optarg;
            break;
        case 'i':
            id = optarg;
            break;
        case 'k':
            kind = optarg;
            break;
        case 'l':
            lang = optarg;
            break;
        case 'f':
            if (!strcmp(optarg, "md"))
                o.format = BOL_INCIDENT_MD;
            else if (!strcmp(optarg, "html"))
                o.format = BOL_INCIDENT_HTML;
            else {
                bol_log_error("--format is md or html");
                return CLI_EXIT_USAGE;
            }
            break;
        case 'I':
            if (include_opt(optarg, &o.include) < 0)
                return CLI_EXIT_USAGE;
            break;
        case 'o':
            out = optarg;
            break;
        case 'S':
            stix = optarg;
            break;
        case 'N':
            name_org = true;
            break;
        case 'h':
            return cli_usage(cmd_incident_report_usage, false);
        default:
            return cli_usage(cmd_incident_report_usage, true);
        }
    }
    if (!data || !id || optind != argc || (!stix && (!kind || !lang)) ||
        (stix && (kind || lang || out)) || (name_org && !stix))
        return cli_usage(cmd_incident_report_usage, true);
    if (kind && strcmp(kind, "sharing") && strcmp(kind, "public")) {
        bol_log_error("--kind is sharing or public");
        return CLI_EXIT_USAGE;
    }
    if (lang && strcmp(lang, "ja") && strcmp(lang, "en")) {
        bol_log_error("--lang is ja or en");
        return CLI_EXIT_USAGE;
    }
    if (!id_ok(id))
        return CLI_EXIT_USAGE;
    o.audience = kind && !strcmp(kind, "public") ? BOL_INCIDENT_PUBLIC : BOL_INCIDENT_SHARING;
    o.lang = lang && !strcmp(lang, "en") ? BOL_INCIDENT_EN : BOL_INCIDENT_JA;
    o.now_us = bol_time_now_us();
    o.policy = &pol;
    if (load_policy(data, &pol, NULL) < 0 || cli_open_store(data, true, &s) < 0 ||
        read_case(s, id, &c) < 0)
        goto done;
    bol_diag_init(&d);
    if (stix) {
        if (bol_incident_stix(c, bol_store_origin(s), &pol, name_org, o.now_us, &bundle, &d) < 0 ||
            jv_dump(bundle, &b) < 0 || bol_buf_addch(&b, '\n') < 0) {
            cli_diag_error("cannot build the STIX bundle", d.code ? d.code : BOL_E_NOMEM, &d);
            goto done;
        }
        r = write_out(stix, b.buf, b.len);
        goto done;
    }
    if ((r = bol_incident_report(c, &o, &b, &d)) < 0) {
        cli_diag_error("cannot write the report", r, &d);
        r = CLI_EXIT_FAIL;
        goto done;
    }
    r = write_out(out, b.buf, b.len);
done:
    bol_store_close(s);
    json_decref(c);
    json_decref(bundle);
    bol_buf_release(&b);
    return r;
}
