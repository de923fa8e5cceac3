/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_demo.c - bollard demo-data: a demo terminal and a day of its traffic
 */
#include "compat.h"

#include <getopt.h>
#include <stdatomic.h>
#include <time.h>

#include "cli.h"
#include "demo.h"
#include "errors.h"
#include "log.h"
#include "ops.h"
#include "query.h"
#include "store.h"

const char *const cmd_demo_data_usage[] = {
    "usage: bollard demo-data --data DIR [--seed N] [--terminals N] [--fill PCT]",
    "                         [--moves N] [--trucks N] [--json]",
    "",
    "Fill a new data directory with a demo terminal and the last 24 hours of its",
    "work: DCT1 at Nagoya (Asia/Tokyo), 1 km of quay, 8 quay cranes, 40 yard",
    "blocks of about 47,600 TEU, three vessels alongside from a feeder to a",
    "23,000 TEU mainliner; the yard stocked, then a day of discharges, loads,",
    "dig-outs and truck visits with every work-instruction step, run by one",
    "client per quay crane and gate lane at once.  Everything goes through the",
    "command service and the journal.  Exit 1 if any command was rejected.",
    "",
    "    --data DIR      an initialised data directory without terminals",
    "    --seed N        the plan's random seed (default 1)",
    "    --terminals N   terminals DCT1..DCTn sharing the installation (default 1)",
    "    --fill PCT      yard stock before the day, in % of slots (default 60)",
    "    --moves N       vessel moves in the day, all terminals (default 3200)",
    "    --trucks N      truck visits in the day, all terminals (default 3000)",
    "    --json          print the summary as JSON",
    NULL,
};

static int number(const char *name, const char *s, unsigned long max, unsigned long *out)
{
    char *end = NULL;
    unsigned long v;

    errno = 0;
    v = strtoul(s, &end, 10);
    if (errno || !*s || *end || v > max || s[0] == '-') {
        bol_log_error("%s: '%s' is not a number from 0 to %lu", name, s, max);
        return CLI_EXIT_USAGE;
    }
    *out = v;
    return 0;
}

/* Refuse a directory that already has terminals: the demo's would collide with them. */
static int fresh(const char *dir)
{
    struct bol_store_config c = { .data_dir = dir, .read_only = true };
    struct bol_store *s = NULL;
    json_t *inv = NULL;
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = bol_store_open(&c, &s, &d);
    if (r < 0) {
        bol_log_error("cannot open the store: %s", d.msg[0] ? d.msg : bol_strerror(r));
        return CLI_EXIT_FAIL;
    }
    r = bol_query_inventory(s, "DCT1", &inv, &d);
    bol_store_close(s);
    if (r < 0) {
        bol_log_error("cannot read the store: %s", d.msg[0] ? d.msg : bol_strerror(r));
        return CLI_EXIT_FAIL;
    }
    r = json_array_size(json_object_get(inv, "blocks")) > 0;
    json_decref(inv);
    if (r) {
        bol_log_error("%s already holds terminal DCT1: demo-data fills a new data directory "
                      "(bollard init --data NEWDIR)",
                      dir);
        return CLI_EXIT_FAIL;
    }
    return 0;
}

static void local_text(int64_t us, char out[32])
{
    time_t t = (time_t) (us / 1000000 + 9 * 3600);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%d %H:%M", &tm);
}

int cmd_demo_data(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "seed", required_argument, NULL, 's' },
        { "terminals", required_argument, NULL, 't' },
        { "fill", required_argument, NULL, 'f' },
        { "moves", required_argument, NULL, 'm' },
        { "trucks", required_argument, NULL, 'k' },
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    struct bol_demo_opts o;
    struct bol_demo plan;
    struct bol_demo_clock clk;
    struct bol_demo_report setup, day;
    struct bol_ops_opts oo;
    struct bol_ops *ops = NULL;
    const char *data = NULL;
    bool json = false;
    unsigned long v;
    char from[32], to[32];
    struct bol_diag d;
    int ch, r;

    (void) ctx;
    bol_demo_opts_default(&o);
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        r = 0;
        switch (ch) {
        case 'd':
            data = optarg;
            break;
        case 's':
            r = number("--seed", optarg, ULONG_MAX, &v);
            o.seed = v;
            break;
        case 't':
            r = number("--terminals", optarg, 9, &v);
            o.terminals = (unsigned) v;
            break;
        case 'f':
            r = number("--fill", optarg, 90, &v);
            o.fill_pct = (unsigned) v;
            break;
        case 'm':
            r = number("--moves", optarg, 1000000, &v);
            o.vessel_moves = (unsigned) v;
            break;
        case 'k':
            r = number("--trucks", optarg, 1000000, &v);
            o.gate_visits = (unsigned) v;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            return cli_usage(cmd_demo_data_usage, false);
        default:
            return cli_usage(cmd_demo_data_usage, true);
        }
        if (r)
            return r;
    }
    if (optind != argc)
        return cli_usage(cmd_demo_data_usage, true);
    if (!data) {
        bol_log_error("--data DIR is required");
        return CLI_EXIT_USAGE;
    }
    if (!o.terminals) {
        bol_log_error("--terminals: at least 1");
        return CLI_EXIT_USAGE;
    }
    if ((r = fresh(data)) != 0)
        return r;

    /* The day ends now, on a whole minute. */
    o.day_start_us = ((int64_t) time(NULL) / 60 * 60 - 24 * 3600) * 1000000;
    bol_diag_init(&d);
    if (bol_demo_plan(&o, &plan, &d) < 0) {
        bol_log_error("%s", d.msg);
        return CLI_EXIT_FAIL;
    }
    atomic_init(&clk.now_us, o.day_start_us - 3 * 3600 * 1000000LL);
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = data;
    oo.max_batch = 100;
    oo.clock = bol_demo_clock_read;
    oo.clock_ctx = &clk;
    r = bol_ops_open(&oo, &ops, &d);
    if (r < 0) {
        bol_log_error("cannot open the store: %s", d.msg[0] ? d.msg : bol_strerror(r));
        bol_demo_release(&plan);
        return CLI_EXIT_FAIL;
    }
    r = bol_demo_run_setup(ops, &clk, &plan, &setup, &d);
    if (r == 0 && !setup.rejected)
        r = bol_demo_run_day(ops, &clk, &plan, 15, &day, &d);
    else
        memset(&day, 0, sizeof(day));
    bol_ops_close(ops);
    if (r < 0) {
        bol_log_error("%s", d.msg);
        bol_demo_release(&plan);
        return CLI_EXIT_FAIL;
    }
    local_text(o.day_start_us, from);
    local_text(o.day_start_us + 24 * 3600 * 1000000LL, to);
    if (json) {
        const struct bol_demo_counts *c = &plan.counts;
        json_t *j = json_pack(
            "{s:i, s:i, s:i, s:I, s:I, s:I, s:I, s:{s:I, s:I, s:f}, s:{s:I, s:I, s:I, s:f, s:I,"
            " s:I, s:I, s:I, s:I, s:I, s:I}, s:s}",
            "terminals", (int) c->terminals, "blocks", (int) c->blocks, "visits", (int) c->visits,
            "capacity_teu", (json_int_t) c->capacity_teu, "yard_boxes", (json_int_t) c->yard_boxes,
            "yard_teu", (json_int_t) c->yard_teu, "on_board", (json_int_t) c->on_board, "setup",
            "commands", (json_int_t) setup.cmds, "rejected", (json_int_t) setup.rejected, "seconds",
            setup.seconds, "day", "commands", (json_int_t) day.cmds, "rejected",
            (json_int_t) day.rejected, "queries", (json_int_t) day.queries, "seconds", day.seconds,
            "discharge", (json_int_t) c->discharge, "load", (json_int_t) c->load, "relocate",
            (json_int_t) c->relocate, "receive", (json_int_t) c->receive, "deliver",
            (json_int_t) c->deliver, "trucks", (json_int_t) c->trucks, "holds_lifted",
            (json_int_t) c->holds_lifted, "first_rejection",
            setup.rejected ? setup.first : day.first);

        if (j) {
            json_dumpf(j, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
            fputc('\n', stdout);
            json_decref(j);
        }
    } else {
        const struct bol_demo_counts *c = &plan.counts;

        printf("demo installation: %u terminal%s (DCT1%s), %u yard blocks, %lu TEU of slots, "
               "%u vessels alongside\n",
               c->terminals, c->terminals > 1 ? "s" : "", c->terminals > 1 ? "..." : "", c->blocks,
               c->capacity_teu, c->visits);
        printf("set up: %lu commands in %.1f s (%lu rejected): %lu boxes (%lu TEU) taken on in "
               "the yard, %lu on board in the bay plans\n",
               setup.cmds, setup.seconds, setup.rejected, c->yard_boxes, c->yard_teu, c->on_board);
        printf("day %s .. %s (Asia/Tokyo): %lu commands and %lu queries from %u clients in "
               "%.1f s (%lu rejected)\n",
               from, to, day.cmds, day.queries, plan.nday, day.seconds, day.rejected);
        printf("  moves: %lu discharged, %lu loaded, %lu dug out, %lu received, %lu delivered; "
               "%lu trucks; %lu customs holds lifted\n",
               c->discharge, c->load, c->relocate, c->receive, c->deliver, c->trucks,
               c->holds_lifted);
        if (setup.rejected || day.rejected)
            printf("first rejection: %s\n", setup.rejected ? setup.first : day.first);
    }
    r = setup.rejected || day.rejected ? CLI_EXIT_FAIL : CLI_EXIT_OK;
    bol_demo_release(&plan);
    return r;
}
