/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_day.c - a terminal day through the command service, beside plain SQLite
 *
 * Usage: bench_day [--dir DIR] [--terminals N] [--fill PCT] [--moves N] [--trucks N]
 *                  [--seed N] [--wait-us N]
 *
 * Plans the demo installation (demo.h) at benchmark size: by default three
 * terminals sharing the TOS, their yards stocked with about 60,000 boxes, and
 * one day of about 7,500 container moves with every work-instruction step,
 * about 3,500 gate transactions and the clerks' queries, run by one client
 * thread per quay crane and gate lane, each waiting for its command before
 * sending the next, on SQLite with full durability (WAL, synchronous=FULL).
 *
 * The reference: the same journal entries, read back after the run, written
 * by plain SQLite with prepared statements from one thread in commits of the
 * same number of commands as the service's group commits averaged, same
 * durability: per command its journal rows, its request id, and per event one
 * upsert into a table of 60,000 rows and one history row.  Rates are printed
 * side by side; compare ratios within one run (the machine is shared).
 * Peak resident memory is that of this whole process: plan, yard and store.
 */
#include "compat.h"

#include <dirent.h>
#include <getopt.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <sys/resource.h>
#include <unistd.h>

#include "demo.h"
#include "entry.h"
#include "errors.h"
#include "mem.h"
#include "ops.h"
#include "store.h"
#include "utctime.h"

static double now_s(void)
{
    return (double) bol_time_mono_us() / 1e6;
}

static void die(const char *what, const char *why)
{
    fprintf(stderr, "bench_day: %s: %s\n", what, why ? why : "");
    exit(1);
}

static void row(const char *what, const char *ours, const char *ref, const char *note)
{
    printf("| %-44s | %14s | %22s | %-22s |\n", what, ours, ref, note);
}

/* ---- the day's entries, grouped by command ---- */

struct cmdrows {
    struct bol_buf *entry; /* every entry of the day */
    uint32_t *cmd_first;   /* index of each command's first entry */
    size_t n, cap, ncmd, capcmd;
    char last_req[64];
    uint64_t from_seq;
};

static int take_entry(void *ctx, uint64_t seq, struct bol_str bytes, const struct bol_hash *leaf)
{
    struct cmdrows *c = ctx;
    struct bol_entry e;
    struct bol_diag d;

    (void) leaf;
    if (seq < c->from_seq)
        return 0;
    bol_diag_init(&d);
    if (bol_entry_decode(bytes, &e, &d) < 0)
        die("decode", d.msg);
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 4096;
        c->entry = bol_xrealloc(c->entry, c->cap * sizeof(*c->entry));
    }
    bol_buf_init(&c->entry[c->n], NULL, 1 << 20);
    if (bol_buf_addstr(&c->entry[c->n], bytes) < 0)
        die("entry", "out of memory");
    if (e.req.len >= sizeof(c->last_req) || c->ncmd == 0 ||
        strncmp(c->last_req, e.req.p, e.req.len) != 0 || c->last_req[e.req.len] != '\0') {
        if (c->ncmd == c->capcmd) {
            c->capcmd = c->capcmd ? 2 * c->capcmd : 4096;
            c->cmd_first = bol_xrealloc(c->cmd_first, c->capcmd * sizeof(*c->cmd_first));
        }
        c->cmd_first[c->ncmd++] = (uint32_t) c->n;
        snprintf(c->last_req, sizeof(c->last_req), "%.*s", (int) e.req.len, e.req.p);
    }
    c->n++;
    return 0;
}

/* ---- plain SQLite: the same entries, in commits of the same number of commands ---- */

static double plain_sqlite(const char *root, const struct cmdrows *c, unsigned per_commit)
{
    char path[1024];
    sqlite3 *db;
    sqlite3_stmt *jr, *rq, *up, *hi;
    size_t k, i;
    double t0;

    snprintf(path, sizeof(path), "%s/plain-day.db", root);
    unlink(path);
    if (sqlite3_open(path, &db) != SQLITE_OK ||
        sqlite3_exec(db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;"
                     "PRAGMA wal_autocheckpoint=8000;"
                     "CREATE TABLE journal (seq INTEGER PRIMARY KEY, entry BLOB NOT NULL,"
                     " leaf BLOB NOT NULL);"
                     "CREATE TABLE request (req TEXT PRIMARY KEY, first_seq INTEGER NOT NULL,"
                     " last_seq INTEGER NOT NULL);"
                     "CREATE TABLE box (id INTEGER PRIMARY KEY, doc BLOB NOT NULL,"
                     " updated_seq INTEGER NOT NULL);"
                     "CREATE TABLE history (id INTEGER NOT NULL, seq INTEGER NOT NULL,"
                     " doc BLOB NOT NULL, PRIMARY KEY (id, seq));"
                     "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
                     " WHERE i < 60000) INSERT INTO box SELECT i, zeroblob(300), 0 FROM n;",
                     NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO journal (seq, entry, leaf) VALUES (?1, ?2, ?3)", -1,
                           &jr, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO request (req, first_seq, last_seq) VALUES (?1, ?2, ?3)",
                           -1, &rq, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "UPDATE box SET doc = ?2, updated_seq = ?3 WHERE id = ?1", -1, &up,
                           NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO history (id, seq, doc) VALUES (?1, ?2, ?3)", -1, &hi,
                           NULL) != SQLITE_OK)
        die("plain sqlite", sqlite3_errmsg(db));
    t0 = now_s();
    for (k = 0; k < c->ncmd; k++) {
        size_t end = k + 1 < c->ncmd ? c->cmd_first[k + 1] : c->n;
        char req[32];

        if (k % per_commit == 0)
            sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
        for (i = c->cmd_first[k]; i < end; i++) {
            uint8_t leaf[32];
            sqlite3_int64 seq = (sqlite3_int64) (i + 1);

            memset(leaf, (int) i, sizeof(leaf));
            sqlite3_bind_int64(jr, 1, seq);
            sqlite3_bind_blob(jr, 2, c->entry[i].buf, (int) c->entry[i].len, SQLITE_STATIC);
            sqlite3_bind_blob(jr, 3, leaf, 32, SQLITE_STATIC);
            sqlite3_bind_int64(up, 1, (sqlite3_int64) (i * 7919 % 60000 + 1));
            sqlite3_bind_blob(up, 2, c->entry[i].buf, (int) c->entry[i].len, SQLITE_STATIC);
            sqlite3_bind_int64(up, 3, seq);
            sqlite3_bind_int64(hi, 1, (sqlite3_int64) (i * 7919 % 60000 + 1));
            sqlite3_bind_int64(hi, 2, seq);
            sqlite3_bind_blob(hi, 3, c->entry[i].buf, (int) c->entry[i].len, SQLITE_STATIC);
            if (sqlite3_step(jr) != SQLITE_DONE || sqlite3_step(up) != SQLITE_DONE ||
                sqlite3_step(hi) != SQLITE_DONE)
                die("plain insert", sqlite3_errmsg(db));
            sqlite3_reset(jr);
            sqlite3_reset(up);
            sqlite3_reset(hi);
        }
        snprintf(req, sizeof(req), "r-%zu", k);
        sqlite3_bind_text(rq, 1, req, -1, SQLITE_STATIC);
        sqlite3_bind_int64(rq, 2, (sqlite3_int64) c->cmd_first[k] + 1);
        sqlite3_bind_int64(rq, 3, (sqlite3_int64) end);
        if (sqlite3_step(rq) != SQLITE_DONE)
            die("plain insert", sqlite3_errmsg(db));
        sqlite3_reset(rq);
        if (k % per_commit == per_commit - 1 || k + 1 == c->ncmd)
            if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
                die("plain commit", sqlite3_errmsg(db));
    }
    t0 = now_s() - t0;
    sqlite3_finalize(jr);
    sqlite3_finalize(rq);
    sqlite3_finalize(up);
    sqlite3_finalize(hi);
    sqlite3_close(db);
    unlink(path);
    return t0;
}

/* Remove the benchmark's data directory (files only, one level). */
static void remove_dir(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[1280];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static unsigned long arg(const char *s)
{
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);

    if (!*s || *end)
        die("not a number", s);
    return v;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "dir", required_argument, NULL, 'd' },
        { "terminals", required_argument, NULL, 't' },
        { "fill", required_argument, NULL, 'f' },
        { "moves", required_argument, NULL, 'm' },
        { "trucks", required_argument, NULL, 'k' },
        { "seed", required_argument, NULL, 's' },
        { "wait-us", required_argument, NULL, 'w' },
        { "slice", required_argument, NULL, 'l' },
        { "query-every", required_argument, NULL, 'q' },
        { NULL, 0, NULL, 0 },
    };
    const char *root = "/tmp";
    char dir[1024], buf[64], ref[64], note[64];
    struct bol_demo_opts o;
    struct bol_demo plan;
    struct bol_demo_clock clk;
    struct bol_demo_report setup, day;
    struct bol_store_config sc = { 0 };
    struct bol_ops_opts oo;
    struct bol_ops *ops = NULL;
    struct bol_committer_stats before, after;
    struct bol_store *rd = NULL;
    struct cmdrows rows;
    struct rusage ru;
    uint64_t first_seq = 0;
    double t_plan, per_commit, plain_s, rate, plain_rate;
    long wait_us = 0;
    unsigned slice_min = 48 * 60; /* one slice: every client runs free */
    struct bol_diag d;
    size_t i;
    int ch;

    bol_demo_opts_default(&o);
    o.terminals = 3;
    o.fill_pct = 69;
    o.vessel_moves = 3200;
    o.gate_visits = 3000;
    o.query_every = 20;
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            root = optarg;
            break;
        case 't':
            o.terminals = (unsigned) arg(optarg);
            break;
        case 'f':
            o.fill_pct = (unsigned) arg(optarg);
            break;
        case 'm':
            o.vessel_moves = (unsigned) arg(optarg);
            break;
        case 'k':
            o.gate_visits = (unsigned) arg(optarg);
            break;
        case 's':
            o.seed = arg(optarg);
            break;
        case 'w':
            wait_us = (long) arg(optarg);
            break;
        case 'q':
            o.query_every = (unsigned) arg(optarg);
            break;
        case 'l':
            slice_min = (unsigned) arg(optarg);
            break;
        default:
            die("usage", "bench_day [--dir DIR] [--terminals N] [--fill PCT] [--moves N] "
                         "[--trucks N] [--seed N] [--wait-us N]");
        }
    }
    snprintf(dir, sizeof(dir), "%s/bench-day-%ld", root, (long) getpid());
    o.day_start_us = (bol_time_now_us() / 60000000 - 24 * 60) * 60000000;

    bol_diag_init(&d);
    t_plan = now_s();
    if (bol_demo_plan(&o, &plan, &d) < 0)
        die("plan", d.msg);
    t_plan = now_s() - t_plan;
    sc.data_dir = dir;
    if (bol_store_init(&sc, "bench.example/bollard", o.day_start_us - 4 * 3600 * 1000000LL, NULL,
                       &d) < 0)
        die("init", d.msg);
    atomic_init(&clk.now_us, o.day_start_us - 3 * 3600 * 1000000LL);
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = dir;
    oo.max_batch = 100;
    oo.max_wait_us = wait_us;
    oo.clock = bol_demo_clock_read;
    oo.clock_ctx = &clk;
    if (bol_ops_open(&oo, &ops, &d) < 0)
        die("open", d.msg);
    if (bol_demo_run_setup(ops, &clk, &plan, &setup, &d) < 0 || setup.rejected)
        die("setup", setup.rejected ? setup.first : d.msg);
    if (bol_ops_reader(ops, &rd, &d) < 0 || bol_store_size(rd, &first_seq, &d) < 0)
        die("reader", d.msg);
    first_seq++;
    bol_ops_stats(ops, &before);
    if (bol_demo_run_day(ops, &clk, &plan, slice_min, &day, &d) < 0)
        die("day", d.msg);
    bol_ops_stats(ops, &after);
    bol_ops_close(ops);
    getrusage(RUSAGE_SELF, &ru);
    if (day.rejected)
        die("day", day.first);

    memset(&rows, 0, sizeof(rows));
    rows.from_seq = first_seq;
    if (bol_store_read(rd, first_seq, 0, take_entry, &rows, &d) < 0)
        die("read", d.msg);
    bol_store_close(rd);
    per_commit = (double) (after.units - before.units) / (double) (after.commits - before.commits);
    plain_s = plain_sqlite(root, &rows, (unsigned) (per_commit + 0.5));
    rate = (double) day.cmds / day.seconds;
    plain_rate = (double) rows.ncmd / plain_s;

    printf("terminal day: %u terminal(s), %lu boxes (%lu TEU) in the yard, %lu on board; planned "
           "in %.2f s\n",
           plan.counts.terminals, plan.counts.yard_boxes, plan.counts.yard_teu,
           plan.counts.on_board, t_plan);
    printf("set up: %lu commands in %.2f s (%.0f/s, batches of up to 100)\n", setup.cmds,
           setup.seconds, (double) setup.cmds / setup.seconds);
    printf("day: %lu container moves (%lu discharge, %lu load, %lu dig-out, %lu receive, %lu "
           "deliver),\n     %lu gate transactions on %lu trucks, %lu commands (%lu events), %lu "
           "queries,\n     %u clients, %.1f commands per commit (largest %u)\n\n",
           plan.counts.discharge + plan.counts.load + plan.counts.relocate + plan.counts.receive +
               plan.counts.deliver,
           plan.counts.discharge, plan.counts.load, plan.counts.relocate, plan.counts.receive,
           plan.counts.deliver, plan.counts.receive + plan.counts.deliver, plan.counts.trucks,
           day.cmds, day.events, day.queries, plan.nday, per_commit, after.largest_batch);
    row("measure", "bollard", "reference", "ratio / goal");
    row("--------------------------------------------", "--------------", "----------------------",
        "----------------------");
    snprintf(buf, sizeof(buf), "%.0f/s", rate);
    snprintf(ref, sizeof(ref), "plain SQLite %.0f/s", plain_rate);
    snprintf(note, sizeof(note), "%.2fx (>= 0.50x)", rate / plain_rate);
    row("day commands, durable, concurrent clients", buf, ref, note);
    snprintf(buf, sizeof(buf), "%.2f s", day.seconds);
    row("day total time (commands and queries)", buf, "goal 5 s",
        day.seconds <= 5 ? "met" : "NOT met");
    snprintf(buf, sizeof(buf), "%.0f MB", (double) ru.ru_maxrss / 1024.0);
    row("peak resident memory, whole process", buf, "goal 200 MB",
        ru.ru_maxrss <= 200 * 1024 ? "met" : "NOT met");
    for (i = 0; i < rows.n; i++)
        bol_buf_release(&rows.entry[i]);
    bol_free(rows.entry);
    bol_free(rows.cmd_first);
    bol_demo_release(&plan);
    remove_dir(dir);
    return 0;
}
