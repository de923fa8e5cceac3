/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_ops.c - bollard batch, container show, yard show, report
 *
 * Changes go through the command service (ops.h) like every other client's;
 * reading opens the data directory read-only and asks query.h.
 */
#include "compat.h"

#include <getopt.h>
#include <pthread.h>
#include <pwd.h>
#include <unistd.h>

#include "autoplan.h"
#include "cli.h"
#include "commands.h"
#include "container_id.h"
#include "entry.h"
#include "errors.h"
#include "log.h"
#include "mem.h"
#include "ops.h"
#include "query.h"
#include "storeview.h"
#include "utctime.h"
#include "yard_addr.h"
#include "yard_plan.h"

const char *const cmd_batch_usage[] = {
    "usage: bollard batch --data DIR [--actor NAME] [--json] FILE",
    "",
    "Apply a file of operations, one JSON command per line (\"-\" reads standard",
    "input).  Each line is applied on its own, all or nothing, in file order;",
    "a line that is rejected changes nothing and the next line goes on.  Prints",
    "each rejected line with its error code, field and reason, then a summary.",
    "A line may carry \"req\": a request id that makes it safe to apply again.",
    "Exit 0 when every line was applied, 1 when any was rejected.",
    "",
    "    --data DIR     the data directory",
    "    --actor NAME   who is applying it (default: local:<login name>)",
    "    --json         report every line as a JSON object instead",
    NULL,
};

const char *const cmd_container_show_usage[] = {
    "usage: bollard container show --data DIR [--json] ID",
    "",
    "Show a container: master data, where it is now, holds, delivery release,",
    "work instructions and its whole history.",
    NULL,
};

const char *const cmd_yard_show_usage[] = {
    "usage: bollard yard show --data DIR [--bay N] [--json] TERMINAL/BLOCK",
    "",
    "Show a yard block as bays of stacks, seen from the bay's end: one column",
    "per row, the top tier first.  Each box shows its id and a mark: R running",
    "reefer, D dangerous goods, E empty, 4 the second half of a 40 ft box.",
    "",
    "    --bay N   only bay N (a 20 ft bay, or a 40 ft bay for both halves)",
    NULL,
};

const char *const cmd_yard_digout_usage[] = {
    "usage: bollard yard digout --data DIR [--commit] [--actor NAME] [--json] CONTAINER",
    "",
    "Plan how to free a yard box that must leave: which boxes on it move, and",
    "to which slots of its bay, chosen by the block relocation solver so that",
    "they are in the way of as few later departures as possible.  Prints the",
    "plan; with --commit, plans the rehandle work instructions (kind rhdl, in",
    "order) as one command: all of them or, if any is refused, none.",
    "",
    "    --commit       plan the work instructions",
    "    --actor NAME   who is planning them (default: local:<login name>)",
    "    --json         the plan (and the command's result) as JSON",
    NULL,
};

const char *const cmd_yard_premarshal_usage[] = {
    "usage: bollard yard premarshal --data DIR [--bay N] [--commit] [--actor NAME] [--json]",
    "                               TERMINAL/BLOCK",
    "",
    "Plan how to reorder a block's bays before a vessel comes, so that no box",
    "sits on one expected to leave before it, with the fewest moves (the",
    "pre-marshalling solver).  Prints the plan per bay; with --commit, plans",
    "the shift work instructions that can be carried out now (each box once;",
    "plan again when they are done) as one command: all of them or none.",
    "",
    "    --bay N        only this bay (odd: 20 ft, even: 40 ft)",
    "    --commit       plan the work instructions",
    "    --actor NAME   who is planning them (default: local:<login name>)",
    "    --json         the plan (and the command's result) as JSON",
    NULL,
};

const char *const cmd_yard_suggest_usage[] = {
    "usage: bollard yard suggest --data DIR [--count N] [--json] CONTAINER",
    "",
    "Where a box arriving at the yard (on a truck at the gate, on the quay or",
    "on board) should go: the best slots of its terminal's yard, each with",
    "its score and the terms behind it (expected relocations, grouping by",
    "departure, height and room to dig, 20/40 ft mixing, reefer plugs and DG",
    "zones taken), and what the hard constraints ruled out.  Changes nothing.",
    "",
    "    --count N   how many slots (default 3, at most 16)",
    "    --json      as JSON",
    NULL,
};

const char *const cmd_report_usage[] = {
    "usage: bollard report --data DIR [--json] inventory TERMINAL",
    "       bollard report --data DIR [--json] visit VISIT",
    "       bollard report --data DIR [--json] queue TERMINAL [EQUIPMENT]",
    "       bollard report --data DIR [--json] dwell TERMINAL [LIMIT]",
    "       bollard report --data DIR [--json] reefers TERMINAL",
    "       bollard report --data DIR [--json] holds [TERMINAL]",
    "",
    "Yard inventory per block, a vessel visit's progress per crane, a work",
    "queue (unassigned work when EQUIPMENT is left out), dwell times (longest",
    "first, 50 boxes unless LIMIT), running reefers and their plugs, and",
    "active holds.",
    NULL,
};

static void print_error(const char *what, int r, const struct bol_diag *d)
{
    bol_log_error("%s: %s", what, d->msg[0] ? d->msg : bol_strerror(r));
}

/* Common options: --data, --json, and one more with an argument. */
struct opts {
    const char *data;
    const char *extra;
    bool json;
};

static int parse_opts(int argc, char **argv, const char *extra_name, struct opts *o,
                      const char *const *usage)
{
    struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "json", no_argument, NULL, 'j' },
        { extra_name ? extra_name : "-", required_argument, NULL, 'x' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ch;

    memset(o, 0, sizeof(*o));
    /* Options may follow the operands here (no subcommands to pass them on to). */
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            o->data = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'x':
            o->extra = optarg;
            break;
        case 'h':
            return cli_usage(usage, false) + 1000;
        default:
            return cli_usage(usage, true);
        }
    }
    if (!o->data) {
        bol_log_error("--data DIR is required");
        return CLI_EXIT_USAGE;
    }
    return -1;
}

static int open_reader(const char *dir, struct bol_store **ret)
{
    struct bol_store_config c = { .data_dir = dir, .read_only = true };
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = bol_store_open(&c, ret, &d);
    if (r < 0)
        print_error("cannot open the store", r, &d);
    return r;
}

/*
 * Decoys (canary.h): a command that reads a container that does not exist
 * asks, while its store is open, whether the id is a decoy (out: its id),
 * and once the store is closed journals canary.tripped as the one running
 * the command, from "local".  What the command prints and returns does not
 * change, and neither does it when journaling fails (the trip is then lost,
 * which a user who cannot write the data directory could cause anyway).
 */
static bool is_decoy(struct bol_store *s, const char *text, char out[BOL_CONTAINER_ID_LEN + 1])
{
    struct bol_container_id id;
    struct bol_store_view sv;
    struct bol_buf b = BOL_BUF_INIT(1u << 16);
    struct bol_diag d;
    json_t *o;
    bool hit;

    bol_diag_init(&d);
    if (!s || bol_container_id_normalize(bol_str_from(text), &id, &d) < 0)
        return false;
    bol_store_view_init(&sv, s, &d);
    hit = sv.view.doc(sv.view.ctx, BOL_DOC_CANARY, id.s, &b) == 0;
    o = hit ? json_loadb(b.buf, b.len, 0, NULL) : NULL;
    hit = o && json_is_string(json_object_get(o, "kind")) &&
          !strcmp(json_string_value(json_object_get(o, "kind")), "container");
    json_decref(o);
    bol_buf_release(&b);
    if (hit)
        snprintf(out, BOL_CONTAINER_ID_LEN + 1, "%s", id.s);
    return hit;
}

static void trip_decoy(const char *data, const char *actor, const char *id, const char *how)
{
    struct bol_ops_opts oo;
    struct bol_ops *ops = NULL;
    struct bol_ops_call call;
    char who[BOL_ACTOR_MAX + 1];

    if (!actor)
        cli_default_actor(who, sizeof(who));
    else
        snprintf(who, sizeof(who), "%s", actor);
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = data;
    memset(&call, 0, sizeof(call));
    bol_diag_init(&call.diag);
    call.cmd = json_pack("{s:s,s:s,s:s,s:s}", "cmd", "canary.trip", "kind", "container", "id", id,
                         "how", how);
    if (call.cmd && bol_ops_open(&oo, &ops, &call.diag) == 0) {
        call.actor.id = bol_str_from(who);
        call.actor.addr = bol_str_from("local");
        call.req = bol_str_from("");
        if (bol_ops_run_call(ops, &call) < 0)
            bol_log_debug("a decoy's read was not journaled: %s", call.diag.msg);
        bol_ops_close(ops);
    }
    json_decref(call.cmd);
}

static void print_json(json_t *o)
{
    json_dumpf(o, stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
    fputc('\n', stdout);
}

static const char *str(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static long long num(json_t *o, const char *key)
{
    return (long long) json_integer_value(json_object_get(o, key));
}

/* ---- bollard batch ---- */

struct batch_line {
    struct bol_ops_call call;
    unsigned long lineno;
    char req[BOL_REQ_ID_MAX + 1];
    int result;
    bool finished;
};

struct batch {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    unsigned pending;
};

static void line_done(struct bol_ops_call *call, int result)
{
    struct batch_line *l = (struct batch_line *) call;
    struct batch *b = call->user;

    pthread_mutex_lock(&b->lock);
    l->result = result;
    l->finished = true;
    b->pending--;
    pthread_cond_signal(&b->cond);
    pthread_mutex_unlock(&b->lock);
}

#define BATCH_WINDOW   256
#define BATCH_LINE_MAX (1u << 20)

struct report {
    const char *file;
    bool json;
    unsigned long applied, rejected, duplicates;
};

static void report_line(struct report *rep, unsigned long lineno, int result,
                        const struct bol_diag *d, const struct bol_ops_result *res, const char *cmd)
{
    if (result == 0) {
        rep->applied++;
        rep->duplicates += res->duplicate;
    } else {
        rep->rejected++;
    }
    if (rep->json) {
        json_t *o = json_pack("{s:I, s:b}", "line", (json_int_t) lineno, "ok", result == 0);

        if (!o)
            return;
        if (cmd)
            json_object_set_new(o, "cmd", json_string(cmd));
        if (result == 0) {
            json_t *rj = bol_ops_result_json(res);

            if (rj)
                json_object_update(o, rj);
            json_decref(rj);
        } else {
            json_object_set_new(o, "error", json_string(bol_strerror(result)));
            if (d->field[0])
                json_object_set_new(o, "field", json_string(d->field));
            json_object_set_new(o, "message", json_string(d->msg[0] ? d->msg : ""));
        }
        json_dumpf(o, stdout, JSON_COMPACT | JSON_SORT_KEYS);
        fputc('\n', stdout);
        json_decref(o);
    } else if (result < 0) {
        printf("%s:%lu: rejected%s%s: %s%s%s: %s\n", rep->file, lineno, cmd ? " " : "",
               cmd ? cmd : "", bol_strerror(result), d->field[0] ? ", field " : "", d->field,
               d->msg[0] ? d->msg : "");
    }
}

static int flush_window(struct batch *b, struct batch_line *w, unsigned n, struct report *rep)
{
    unsigned i;

    pthread_mutex_lock(&b->lock);
    while (b->pending)
        pthread_cond_wait(&b->cond, &b->lock);
    pthread_mutex_unlock(&b->lock);
    for (i = 0; i < n; i++) {
        report_line(rep, w[i].lineno, w[i].result, &w[i].call.diag, &w[i].call.res,
                    bol_cmd_name(w[i].call.asked ? w[i].call.asked : w[i].call.cmd));
        json_decref(w[i].call.cmd);
        json_decref(w[i].call.asked);
        w[i].call.cmd = NULL;
        w[i].call.asked = NULL;
    }
    return 0;
}

/*
 * A work instruction that asks a planner (autoplan.h), once the lines
 * before it have run, so the planner sees what they did.  *cmd may become
 * the steps of a dig-out.  0, or the planner's error in d.
 */
static int batch_autoplan(struct bol_ops *ops, json_t **cmd, json_t **asked, struct bol_diag *d)
{
    struct bol_store *s = NULL;
    json_t *why = NULL;
    int r = bol_ops_reader(ops, &s, d);

    if (r == 0)
        r = bol_ops_autoplan(s, cmd, bol_time_now_us(), asked, &why, d);
    bol_store_close(s);
    json_decref(why);
    return r;
}

/*
 * Read one line into b without its end; lines longer than max are read to
 * their end and reported with *toolong.  false at the end of the input.
 */
static bool read_line(FILE *in, struct bol_buf *b, size_t max, bool *toolong)
{
    char chunk[4096];
    bool any = false;

    bol_buf_reset(b);
    *toolong = false;
    while (fgets(chunk, sizeof(chunk), in)) {
        size_t n = strlen(chunk);
        bool end = n && chunk[n - 1] == '\n';

        any = true;
        if (!*toolong && (b->len + n > max + 2 || bol_buf_add(b, chunk, n) < 0)) {
            *toolong = true;
            bol_buf_reset(b);
        }
        if (end)
            break;
    }
    while (b->len && (b->buf[b->len - 1] == '\n' || b->buf[b->len - 1] == '\r'))
        bol_buf_truncate(b, b->len - 1);
    return any;
}

void cli_default_actor(char *out, size_t n)
{
    struct passwd *pw = getpwuid(getuid());
    const char *name = pw && pw->pw_name ? pw->pw_name : "unknown";
    size_t i, k = 0;

    k = (size_t) snprintf(out, n, "local:");
    for (i = 0; name[i] && k + 1 < n; i++) {
        char c = name[i];

        out[k++] = bol_is_alpha(c) || bol_is_digit(c) || strchr("._-", c) ? c : '_';
    }
    out[k] = '\0';
}

int cmd_batch(int argc, char **argv, struct cli_ctx *ctx)
{
    struct opts o;
    struct bol_ops_opts oo;
    struct bol_ops *ops = NULL;
    struct batch b;
    struct batch_line *w = NULL;
    struct report rep;
    char actor[BOL_ACTOR_MAX + 1];
    struct bol_buf line = BOL_BUF_INIT(BATCH_LINE_MAX + 2);
    bool toolong;
    unsigned n = 0;
    unsigned long lineno = 0;
    FILE *in;
    struct bol_diag d;
    int r;

    (void) ctx;
    r = parse_opts(argc, argv, "actor", &o, cmd_batch_usage);
    if (r >= 1000)
        return r - 1000;
    if (r >= 0)
        return r;
    if (optind + 1 != argc)
        return cli_usage(cmd_batch_usage, true);
    if (o.extra)
        snprintf(actor, sizeof(actor), "%s", o.extra);
    else
        cli_default_actor(actor, sizeof(actor));
    bol_diag_init(&d);
    if (bol_entry_check_actor(bol_str_from(actor), &d) < 0) {
        print_error("--actor", BOL_E_INVAL, &d);
        return CLI_EXIT_USAGE;
    }
    in = strcmp(argv[optind], "-") ? fopen(argv[optind], "r") : stdin;
    if (!in) {
        bol_log_error("cannot open '%s': %s", argv[optind], strerror(errno));
        return CLI_EXIT_FAIL;
    }
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = o.data;
    oo.max_batch = 100;
    r = bol_ops_open(&oo, &ops, &d);
    if (r < 0) {
        print_error("cannot open the store", r, &d);
        if (in != stdin)
            fclose(in);
        return CLI_EXIT_FAIL;
    }
    w = bol_calloc(BATCH_WINDOW, sizeof(*w));
    pthread_mutex_init(&b.lock, NULL);
    pthread_cond_init(&b.cond, NULL);
    b.pending = 0;
    rep = (struct report){ argv[optind], o.json, 0, 0, 0 };
    while (w && read_line(in, &line, BATCH_LINE_MAX, &toolong)) {
        struct batch_line *l;
        json_error_t err;
        json_t *cmd, *req;

        lineno++;
        if (toolong) {
            bol_diag_init(&d);
            bol_diag_fail(&d, BOL_E_TOOBIG, "line", "line longer than %u bytes", BATCH_LINE_MAX);
            report_line(&rep, lineno, BOL_E_TOOBIG, &d, NULL, NULL);
            continue;
        }
        if (bol_str_trim(bol_str_make(line.buf, line.len)).len == 0)
            continue;
        cmd = json_loadb(line.buf, line.len, JSON_REJECT_DUPLICATES, &err);
        if (!cmd || !json_is_object(cmd)) {
            bol_diag_init(&d);
            if (cmd)
                bol_diag_fail(&d, BOL_E_PARSE, "line", "a line is one JSON object");
            else
                bol_diag_fail(&d, BOL_E_PARSE, "line", "invalid JSON at column %d: %s", err.column,
                              err.text);
            json_decref(cmd);
            report_line(&rep, lineno, BOL_E_PARSE, &d, NULL, NULL);
            continue;
        }
        l = &w[n++];
        memset(l, 0, sizeof(*l));
        l->lineno = lineno;
        req = json_object_get(cmd, "req");
        if (json_is_string(req))
            snprintf(l->req, sizeof(l->req), "%s", json_string_value(req));
        if (req)
            json_object_del(cmd, "req");
        l->call.actor.id = bol_str_from(actor);
        l->call.actor.addr = bol_str_make("", 0);
        l->call.req = bol_str_from(l->req);
        if (bol_ops_autoplan_wanted(cmd)) {
            flush_window(&b, w, n - 1, &rep);
            w[0] = *l;
            l = &w[0];
            l->call.req = bol_str_from(l->req);
            n = 1;
            bol_diag_init(&d);
            r = batch_autoplan(ops, &cmd, &l->call.asked, &d);
            if (r < 0) {
                report_line(&rep, lineno, r, &d, NULL, bol_cmd_name(cmd));
                json_decref(cmd);
                n = 0;
                continue;
            }
        }
        l->call.cmd = cmd;
        l->call.done = line_done;
        l->call.user = &b;
        pthread_mutex_lock(&b.lock);
        b.pending++;
        pthread_mutex_unlock(&b.lock);
        r = bol_ops_submit(ops, &l->call);
        if (r < 0) {
            pthread_mutex_lock(&b.lock);
            b.pending--;
            pthread_mutex_unlock(&b.lock);
            l->result = r;
        }
        if (n == BATCH_WINDOW) {
            flush_window(&b, w, n, &rep);
            n = 0;
        }
    }
    if (w)
        flush_window(&b, w, n, &rep);
    if (in != stdin)
        fclose(in);
    bol_buf_release(&line);
    bol_free(w);
    bol_ops_close(ops);
    pthread_cond_destroy(&b.cond);
    pthread_mutex_destroy(&b.lock);
    if (!o.json)
        printf("%lu applied (%lu already applied before), %lu rejected\n", rep.applied,
               rep.duplicates, rep.rejected);
    return rep.rejected ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* ---- bollard container show ---- */

static void print_container(json_t *o)
{
    json_t *c = json_object_get(o, "container"), *a, *v;
    size_t i;

    printf("%s  %s  %s  %s%s\n", str(c, "id"), str(c, "sizetype"), str(c, "category"),
           json_is_false(json_object_get(c, "full")) ? "empty" : "full",
           json_is_false(json_object_get(c, "check_digit_ok")) ? "  (check digit wrong)" : "");
    printf("  place      %s\n", str(o, "place"));
    if (json_object_get(o, "arrived"))
        printf("  arrived    %s  (%lld h)\n", str(o, "arrived"), num(o, "dwell_hours"));
    if (json_object_get(o, "departed"))
        printf("  departed   %s\n", str(o, "departed"));
    if (json_object_get(c, "line"))
        printf("  line       %s\n", str(c, "line"));
    if (json_object_get(c, "gross_kg") || json_object_get(c, "vgm_kg"))
        printf("  mass       gross %lld kg, VGM %lld kg, tare %lld kg\n", num(c, "gross_kg"),
               num(c, "vgm_kg"), num(c, "tare_kg"));
    if (json_object_get(c, "pol") || json_object_get(c, "pod"))
        printf("  route      %s -> %s\n", str(c, "pol"), str(c, "pod"));
    if (json_object_get(c, "reefer_on"))
        printf("  reefer     set point %.1f C\n", (double) num(c, "setpoint_c10") / 10.0);
    json_array_foreach(json_object_get(c, "dg"), i, v)
        printf("  DG         UN%s class %s\n", str(v, "un"), str(v, "class"));
    if (json_object_get(c, "booking"))
        printf("  booking    %s\n", str(c, "booking"));
    if (json_object_get(c, "bl"))
        printf("  B/L        %s\n", str(c, "bl"));
    if (json_object_get(c, "seals"))
        printf("  seals      %s\n", str(c, "seals"));
    a = json_object_get(o, "holds");
    json_array_foreach(a, i, v)
    {
        if (json_is_true(json_object_get(v, "active")))
            printf("  HOLD       %s: %s (by %s, %s)\n", str(v, "kind"), str(v, "reason"),
                   str(v, "placed_by"), str(v, "placed_at"));
        else
            printf("  hold       %s: %s (by %s, %s), lifted by %s %s: %s\n", str(v, "kind"),
                   str(v, "reason"), str(v, "placed_by"), str(v, "placed_at"), str(v, "lifted_by"),
                   str(v, "lifted_at"), str(v, "lift_reason"));
    }
    if ((v = json_object_get(o, "release")))
        printf("  release    %s (by %s, %s)\n", str(v, "ref"), str(v, "granted_by"),
               str(v, "granted_at"));
    json_array_foreach(json_object_get(o, "work"), i, v) printf(
        "  work       wi %lld %s to %s: %s%s%s\n", num(v, "wi"), str(v, "kind"), str(v, "to"),
        str(v, "status"), json_object_get(v, "equipment") ? " on " : "", str(v, "equipment"));
    printf("history:\n");
    json_array_foreach(json_object_get(o, "history"), i, v)
    {
        printf("  %8lld  %s  %-20s %s", num(v, "seq"), str(v, "at"), str(v, "type"),
               str(v, "actor"));
        if (json_object_get(v, "from") || json_object_get(v, "to"))
            printf("  %s -> %s", json_object_get(v, "from") ? str(v, "from") : "-", str(v, "to"));
        if (json_object_get(v, "note"))
            printf("  (%s)", str(v, "note"));
        printf("\n");
    }
}

int cmd_container_show(int argc, char **argv, struct cli_ctx *ctx)
{
    struct opts o;
    struct bol_store *s;
    struct bol_container_id id;
    struct bol_diag d;
    json_t *res = NULL;
    char decoy_id[BOL_CONTAINER_ID_LEN + 1];
    bool decoy;
    int r;

    (void) ctx;
    r = parse_opts(argc, argv, NULL, &o, cmd_container_show_usage);
    if (r >= 1000)
        return r - 1000;
    if (r >= 0)
        return r;
    if (optind + 1 != argc)
        return cli_usage(cmd_container_show_usage, true);
    bol_diag_init(&d);
    if (bol_container_id_normalize(bol_str_from(argv[optind]), &id, &d) < 0) {
        print_error(argv[optind], BOL_E_INVAL, &d);
        return CLI_EXIT_USAGE;
    }
    if (open_reader(o.data, &s) < 0)
        return CLI_EXIT_FAIL;
    r = bol_query_container(s, id.s, bol_time_now_us(), &res, &d);
    decoy = r == BOL_E_NOTFOUND && is_decoy(s, id.s, decoy_id);
    bol_store_close(s);
    if (decoy)
        trip_decoy(o.data, NULL, decoy_id, "container show");
    if (r < 0) {
        print_error("container show", r, &d);
        return CLI_EXIT_FAIL;
    }
    if (o.json)
        print_json(res);
    else
        print_container(res);
    json_decref(res);
    return CLI_EXIT_OK;
}

/* ---- bollard yard show ---- */

static char box_mark(json_t *b, bool second_half)
{
    if (second_half)
        return '4';
    if (json_object_get(b, "dg"))
        return 'D';
    if (json_is_true(json_object_get(b, "reefer")))
        return 'R';
    if (json_is_false(json_object_get(b, "full")))
        return 'E';
    return ' ';
}

static void print_bay(json_t *block, json_t *bay)
{
    unsigned rows = (unsigned) num(block, "rows"), tiers = (unsigned) num(block, "tiers");
    unsigned row, tier;
    json_t *stacks = json_object_get(bay, "stacks");
    long long bayno = num(bay, "bay");

    printf("bay %03lld\n", bayno);
    for (tier = tiers; tier >= 1; tier--) {
        printf("  %2u ", tier);
        for (row = 1; row <= rows; row++) {
            json_t *st, *b, *found = NULL;
            size_t i, k;

            json_array_foreach(stacks, i, st)
            {
                if ((unsigned) num(st, "row") != row)
                    continue;
                json_array_foreach(json_object_get(st, "tiers"), k, b)
                {
                    if ((unsigned) num(b, "tier") == tier)
                        found = b;
                }
            }
            if (found) {
                /* A 40 ft box takes two 20 ft bays: the one after its even bay is marked 4. */
                bool second = num(found, "length") == 40 && bayno == num(found, "box_bay") + 1;

                printf(" %-11s%c", str(found, "id"), box_mark(found, second));
            } else {
                printf(" %-11s ", "    .");
            }
        }
        printf("\n");
    }
    printf("     ");
    for (row = 1; row <= rows; row++)
        printf("    row %02u   ", row);
    printf("\n");
}

int cmd_yard_show(int argc, char **argv, struct cli_ctx *ctx)
{
    struct opts o;
    struct bol_store *s;
    struct bol_yard_addr a;
    struct bol_diag d;
    uint64_t bay = 0;
    json_t *res = NULL, *v;
    size_t i;
    int r;

    (void) ctx;
    r = parse_opts(argc, argv, "bay", &o, cmd_yard_show_usage);
    if (r >= 1000)
        return r - 1000;
    if (r >= 0)
        return r;
    if (optind + 1 != argc)
        return cli_usage(cmd_yard_show_usage, true);
    bol_diag_init(&d);
    if (bol_yard_addr_parse(bol_str_from(argv[optind]), BOL_YARD_BLOCK, &a, &d) < 0 ||
        a.level != BOL_YARD_BLOCK) {
        if (!d.msg[0])
            bol_diag_fail(&d, BOL_E_INVAL, "block", "give TERMINAL/BLOCK, e.g. NCT1/3C");
        print_error(argv[optind], BOL_E_INVAL, &d);
        return CLI_EXIT_USAGE;
    }
    if (o.extra && (bol_str_to_u64(bol_str_from(o.extra), &bay) < 0 || !bay || bay > 999)) {
        bol_log_error("--bay must be a bay number 1..999");
        return CLI_EXIT_USAGE;
    }
    if (open_reader(o.data, &s) < 0)
        return CLI_EXIT_FAIL;
    r = bol_query_yard(s, a.terminal, a.block, (unsigned) bay, &res, &d);
    bol_store_close(s);
    if (r < 0) {
        print_error("yard show", r, &d);
        return CLI_EXIT_FAIL;
    }
    if (o.json) {
        print_json(res);
    } else {
        json_t *blk = json_object_get(res, "block");

        printf("block %s/%s  %s  %lld bays x %lld rows x %lld tiers\n", a.terminal, a.block,
               str(blk, "kind"), num(blk, "bays"), num(blk, "rows"), num(blk, "tiers"));
        if (!json_array_size(json_object_get(res, "bays")))
            printf("(empty)\n");
        json_array_foreach(json_object_get(res, "bays"), i, v) print_bay(blk, v);
    }
    json_decref(res);
    return CLI_EXIT_OK;
}

/* ---- bollard yard digout ---- */

static void print_digout(const struct bol_digout *d)
{
    char at[BOL_YARD_ADDR_TEXT_MAX], from[BOL_YARD_ADDR_TEXT_MAX], to[BOL_YARD_ADDR_TEXT_MAX];

    bol_yard_addr_format(&d->at, at);
    printf("%s at %s: %zu box%s on it (bay of %u rows x %u tiers, %u boxes)\n", d->target.s, at,
           d->n, d->n == 1 ? "" : "es", d->stacks, d->tiers, d->boxes);
    for (size_t i = 0; i < d->n; i++) {
        bol_yard_addr_format(&d->moves[i].from, from);
        bol_yard_addr_format(&d->moves[i].to, to);
        printf("  %zu. %s  %s -> %s\n", i + 1, d->moves[i].id.s, from, to);
    }
    printf("the whole bay in departure order: %u relocations (%s; lower bound %u)\n",
           d->bay_relocations, d->proven_optimal ? "optimal" : "not proven optimal",
           d->lower_bound);
}

/* Options shared by the yard planners' commands. */
struct plan_opts {
    const char *data, *who, *bay;
    bool commit, json;
};

static int parse_plan_opts(int argc, char **argv, bool with_bay, struct plan_opts *o,
                           const char *const *usage)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },
        { "commit", no_argument, NULL, 'c' },
        { "actor", required_argument, NULL, 'a' },
        { "json", no_argument, NULL, 'j' },
        { "bay", required_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    int ch;

    memset(o, 0, sizeof(*o));
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            o->data = optarg;
            break;
        case 'c':
            o->commit = true;
            break;
        case 'a':
            o->who = optarg;
            break;
        case 'j':
            o->json = true;
            break;
        case 'b':
            if (!with_bay)
                return cli_usage(usage, true);
            o->bay = optarg;
            break;
        case 'h':
            return cli_usage(usage, false) + 1000;
        default:
            return cli_usage(usage, true);
        }
    }
    if (!o->data || optind + 1 != argc)
        return cli_usage(usage, true);
    return -1;
}

/* Opens the data directory: read-only for a preview, the writer too for --commit. */
static int open_plan(const struct plan_opts *o, char *actor, size_t size, struct bol_ops **ops,
                     struct bol_store **s)
{
    struct bol_ops_opts oo;
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    if (o->who)
        snprintf(actor, size, "%s", o->who);
    else
        cli_default_actor(actor, size);
    if (bol_entry_check_actor(bol_str_from(actor), &d) < 0) {
        print_error("--actor", BOL_E_INVAL, &d);
        return CLI_EXIT_USAGE;
    }
    if (!o->commit)
        return open_reader(o->data, s) < 0 ? CLI_EXIT_FAIL : -1;
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = o->data;
    if ((r = bol_ops_open(&oo, ops, &d)) < 0 || (r = bol_ops_reader(*ops, s, &d)) < 0) {
        print_error("cannot open the store", r, &d);
        return CLI_EXIT_FAIL;
    }
    return -1;
}

/* Runs the steps as one command; adds its result to plan as "planned". */
static int commit_steps(struct bol_ops *ops, const char *actor, json_t *steps, json_t *plan)
{
    struct bol_ops_result res;
    struct bol_actor a = { .id = bol_str_from(actor), .addr = bol_str_make("", 0) };
    struct bol_diag d;
    int r;

    bol_diag_init(&d);
    r = steps ? bol_ops_run(ops, &a, bol_str_make("", 0), steps, &res, &d) : BOL_E_NOMEM;
    if (r < 0) {
        print_error("the work instructions were not planned", r, &d);
        return r;
    }
    if (plan)
        json_object_set_new(plan, "planned", bol_ops_result_json(&res));
    return 0;
}

int cmd_yard_digout(int argc, char **argv, struct cli_ctx *ctx)
{
    struct plan_opts o;
    char actor[BOL_ACTOR_MAX + 1];
    struct bol_ops *ops = NULL;
    struct bol_store *s = NULL;
    struct bol_digout dg = { 0 };
    struct bol_diag d;
    json_t *plan = NULL;
    char decoy_id[BOL_CONTAINER_ID_LEN + 1];
    bool decoy = false;
    int r, status = CLI_EXIT_FAIL;

    (void) ctx;
    r = parse_plan_opts(argc, argv, false, &o, cmd_yard_digout_usage);
    if (r >= 1000)
        return r - 1000;
    if (r >= 0)
        return r;
    if ((r = open_plan(&o, actor, sizeof(actor), &ops, &s)) >= 0) {
        status = r;
        goto out;
    }
    bol_diag_init(&d);
    r = bol_ops_digout(s, argv[optind], NULL, &dg, &d);
    if (r < 0) {
        decoy = r == BOL_E_NOTFOUND && is_decoy(s, argv[optind], decoy_id);
        print_error(argv[optind], r, &d);
        goto out;
    }
    plan = bol_digout_json(&dg);
    if (o.commit && dg.n) {
        json_t *steps = bol_digout_commands(&dg, 0);
        r = commit_steps(ops, actor, steps, plan);
        json_decref(steps);
        if (r < 0)
            goto out;
    }
    if (o.json) {
        if (plan)
            print_json(plan);
    } else {
        print_digout(&dg);
        if (o.commit)
            printf(dg.n ? "planned %zu rehandle work instruction%s\n" : "nothing to plan\n", dg.n,
                   dg.n == 1 ? "" : "s");
    }
    status = CLI_EXIT_OK;
out:
    json_decref(plan);
    bol_digout_release(&dg);
    bol_store_close(s);
    bol_ops_close(ops);
    if (decoy)
        trip_decoy(o.data, actor, decoy_id, "yard digout");
    return status;
}

/* ---- bollard yard premarshal ---- */

static void print_premarshal(const struct bol_premarshal *p)
{
    char from[BOL_YARD_ADDR_TEXT_MAX], to[BOL_YARD_ADDR_TEXT_MAX];
    size_t moves = 0, now = 0;

    for (size_t i = 0; i < p->nbays; i++) {
        const struct bol_premarshal_bay *b = &p->bays[i];
        if (b->skipped) {
            printf("bay %03u: not planned: %s\n", b->bay, b->skipped);
            continue;
        }
        if (!b->moves)
            continue;
        printf("bay %03u: %u boxes, %u moves (%s; lower bound %u), %zu now\n", b->bay, b->boxes,
               b->moves, b->proven_optimal ? "optimal" : "not proven optimal", b->lower_bound,
               b->now);
        for (size_t j = 0; j < b->n; j++) {
            const struct bol_digout_move *m = &p->moves[b->first + j];
            bol_yard_addr_format(&m->from, from);
            bol_yard_addr_format(&m->to, to);
            printf("  %zu. %s  %s -> %s%s\n", j + 1, m->id.s, from, to,
                   j < b->now ? "" : "  (later)");
        }
        moves += b->moves;
        now += b->now;
    }
    printf("block %s/%s: %zu bays, %zu moves, %zu of them now\n", p->block.terminal, p->block.block,
           p->nbays, moves, now);
}

int cmd_yard_premarshal(int argc, char **argv, struct cli_ctx *ctx)
{
    struct plan_opts o;
    char actor[BOL_ACTOR_MAX + 1];
    struct bol_ops *ops = NULL;
    struct bol_store *s = NULL;
    struct bol_premarshal pm = { 0 };
    struct bol_yard_addr a;
    struct bol_diag d;
    uint64_t bay = 0;
    json_t *plan = NULL;
    int r, status = CLI_EXIT_FAIL;

    (void) ctx;
    r = parse_plan_opts(argc, argv, true, &o, cmd_yard_premarshal_usage);
    if (r >= 1000)
        return r - 1000;
    if (r >= 0)
        return r;
    bol_diag_init(&d);
    if (bol_yard_addr_parse(bol_str_from(argv[optind]), BOL_YARD_BLOCK, &a, &d) < 0 ||
        a.level != BOL_YARD_BLOCK) {
        if (!d.msg[0])
            bol_diag_fail(&d, BOL_E_INVAL, "block", "give TERMINAL/BLOCK, e.g. NCT1/3C");
        print_error(argv[optind], BOL_E_INVAL, &d);
        return CLI_EXIT_USAGE;
    }
    if (o.bay && (bol_str_to_u64(bol_str_from(o.bay), &bay) < 0 || !bay || bay > 999)) {
        bol_log_error("--bay must be a bay number 1..999");
        return CLI_EXIT_USAGE;
    }
    if ((r = open_plan(&o, actor, sizeof(actor), &ops, &s)) >= 0) {
        status = r;
        goto out;
    }
    r = bol_ops_premarshal(s, a.terminal, a.block, (uint16_t) bay, NULL, &pm, &d);
    if (r < 0) {
        print_error(argv[optind], r, &d);
        goto out;
    }
    plan = bol_premarshal_json(&pm);
    if (o.commit) {
        json_t *steps = bol_premarshal_commands(&pm, 0);
        r = json_array_size(steps) ? commit_steps(ops, actor, steps, plan) : 0;
        json_decref(steps);
        if (r < 0)
            goto out;
    }
    if (o.json) {
        if (plan)
            print_json(plan);
    } else {
        print_premarshal(&pm);
    }
    status = CLI_EXIT_OK;
out:
    json_decref(plan);
    bol_premarshal_release(&pm);
    bol_store_close(s);
    bol_ops_close(ops);
    return status;
}

/* ---- bollard yard suggest ---- */

int cmd_yard_suggest(int argc, char **argv, struct cli_ctx *ctx)
{
    struct opts o;
    struct bol_store *s;
    struct bol_slot_suggestion *g;
    struct bol_diag d;
    uint64_t count = 3;
    char decoy_id[BOL_CONTAINER_ID_LEN + 1];
    bool decoy;
    int r;

    (void) ctx;
    r = parse_opts(argc, argv, "count", &o, cmd_yard_suggest_usage);
    if (r >= 1000)
        return r - 1000;
    if (r >= 0)
        return r;
    if (optind + 1 != argc)
        return cli_usage(cmd_yard_suggest_usage, true);
    if (o.extra &&
        (bol_str_to_u64(bol_str_from(o.extra), &count) < 0 || !count || count > BOL_SLOT_TOP_MAX)) {
        bol_log_error("--count must be 1..%d", BOL_SLOT_TOP_MAX);
        return CLI_EXIT_USAGE;
    }
    g = bol_calloc(1, sizeof(*g));
    if (!g || open_reader(o.data, &s) < 0) {
        bol_free(g);
        return CLI_EXIT_FAIL;
    }
    bol_diag_init(&d);
    r = bol_ops_slot_suggest(s, argv[optind], (unsigned) count, bol_time_now_us(), g, &d);
    decoy = r == BOL_E_NOTFOUND && is_decoy(s, argv[optind], decoy_id);
    bol_store_close(s);
    if (decoy)
        trip_decoy(o.data, NULL, decoy_id, "yard suggest");
    if (r < 0) {
        print_error(argv[optind], r, &d);
        bol_free(g);
        return CLI_EXIT_FAIL;
    }
    if (o.json) {
        json_t *j = bol_slot_suggestion_json(g);
        if (j)
            print_json(j);
        json_decref(j);
    } else {
        printf("%s into %s (a yard of %zu boxes)\n", g->id.s, g->terminal, g->boxes);
        for (unsigned k = 0; k < g->res.n; k++)
            printf("  %u. %s\n", k + 1, g->why[k]);
        printf("%s\n", g->rules);
    }
    bol_free(g);
    return CLI_EXIT_OK;
}

/* ---- bollard report ---- */

static void print_inventory(json_t *o)
{
    json_t *v;
    size_t i;

    printf("%-6s %-9s %6s %6s %6s %6s %6s %4s %7s %5s\n", "block", "kind", "boxes", "TEU", "full",
           "empty", "reefer", "DG", "cap.TEU", "occ%");
    json_array_foreach(json_object_get(o, "blocks"), i, v)
        printf("%-6s %-9s %6lld %6lld %6lld %6lld %6lld %4lld %7lld %4lld%%\n", str(v, "block"),
               str(v, "kind"), num(v, "boxes"), num(v, "teu"), num(v, "full"), num(v, "empty"),
               num(v, "reefers"), num(v, "dg"), num(v, "capacity_teu"), num(v, "occupancy_pct"));
    v = json_object_get(o, "yard");
    printf("%-16s %6lld %6lld %34lld %4lld%%\n", "yard", num(v, "boxes"), num(v, "teu"),
           num(v, "capacity_teu"), num(v, "occupancy_pct"));
    json_array_foreach(json_object_get(o, "elsewhere"), i, v)
        printf("%-16s %6lld\n", str(v, "place"), num(v, "boxes"));
}

static void print_visit(json_t *o)
{
    json_t *vis = json_object_get(o, "visit"), *t = json_object_get(o, "total"), *c;
    const char *k;

    printf("visit %s  vessel %s  %s  berth %s\n", str(vis, "id"), str(vis, "imo"),
           str(vis, "phase"), str(vis, "berth"));
    printf("%-12s %12s %12s\n", "crane", "discharge", "load");
    json_object_foreach(json_object_get(o, "cranes"), k, c)
    {
        json_t *ds = json_object_get(c, "dsch"), *ld = json_object_get(c, "load");

        printf("%-12s %5lld/%-6lld %5lld/%-6lld\n", k, num(ds, "done"),
               num(ds, "done") + num(ds, "planned"), num(ld, "done"),
               num(ld, "done") + num(ld, "planned"));
    }
    printf("%-12s %5lld/%-6lld %5lld/%-6lld  (done/all)\n", "total",
           num(json_object_get(t, "dsch"), "done"),
           num(json_object_get(t, "dsch"), "done") + num(json_object_get(t, "dsch"), "planned"),
           num(json_object_get(t, "load"), "done"),
           num(json_object_get(t, "load"), "done") + num(json_object_get(t, "load"), "planned"));
    printf("on board %lld, on the quay %lld\n", num(o, "on_board"), num(o, "on_quay"));
}

static void print_queue(json_t *o)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(o, "work"), i, v)
        printf("%8lld  %-4s %-11s %-11s %-26s -> %-26s prio %lld\n", num(v, "wi"), str(v, "kind"),
               str(v, "id"), str(v, "status"), str(v, "from"), str(v, "to"), num(v, "priority"));
    if (!json_array_size(json_object_get(o, "work")))
        printf("(no open work)\n");
}

static void print_dwell(json_t *o)
{
    json_t *v;
    const char *k;
    size_t i;

    printf("%lld boxes in the yard, %lld h on average\n", num(o, "in_yard"),
           num(o, "average_hours"));
    json_object_foreach(json_object_get(o, "categories"), k, v)
        printf("  %-14s %6lld boxes, max %lld h\n", k, num(v, "boxes"), num(v, "hours_max"));
    json_array_foreach(json_object_get(o, "boxes"), i, v)
        printf("%-11s %-13s %-28s %6lld h\n", str(v, "id"), str(v, "category"), str(v, "place"),
               num(v, "dwell_hours"));
}

static void print_reefers(json_t *o)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(o, "reefers"), i, v)
        printf("%-11s %-28s %6.1f C  %s\n", str(v, "id"), str(v, "place"),
               (double) num(v, "setpoint_c10") / 10.0,
               json_is_true(json_object_get(v, "plugged")) ? "plugged" : "NOT PLUGGED");
    printf("%zu running reefers, %lld not on a plug\n",
           json_array_size(json_object_get(o, "reefers")), num(o, "unplugged"));
}

static void print_holds(json_t *o)
{
    json_t *v;
    size_t i;

    json_array_foreach(json_object_get(o, "holds"), i, v)
        printf("%-11s %-8s %-28s %s (by %s, %s)\n", str(v, "id"), str(v, "kind"), str(v, "place"),
               str(v, "reason"), str(v, "placed_by"), str(v, "placed_at"));
    printf("%zu active holds\n", json_array_size(json_object_get(o, "holds")));
}

int cmd_report(int argc, char **argv, struct cli_ctx *ctx)
{
    struct opts o;
    struct bol_store *s;
    struct bol_diag d;
    json_t *res = NULL;
    const char *what, *a1, *a2;
    void (*print)(json_t *) = NULL;
    int r;

    (void) ctx;
    r = parse_opts(argc, argv, NULL, &o, cmd_report_usage);
    if (r >= 1000)
        return r - 1000;
    if (r >= 0)
        return r;
    if (optind >= argc)
        return cli_usage(cmd_report_usage, true);
    what = argv[optind];
    a1 = optind + 1 < argc ? argv[optind + 1] : NULL;
    a2 = optind + 2 < argc ? argv[optind + 2] : NULL;
    if (optind + 3 < argc)
        return cli_usage(cmd_report_usage, true);
    if (strcmp(what, "holds") != 0 && !a1)
        return cli_usage(cmd_report_usage, true);
    if (open_reader(o.data, &s) < 0)
        return CLI_EXIT_FAIL;
    bol_diag_init(&d);
    if (!strcmp(what, "inventory") && !a2) {
        r = bol_query_inventory(s, a1, &res, &d);
        print = print_inventory;
    } else if (!strcmp(what, "visit") && !a2) {
        r = bol_query_visit(s, a1, &res, &d);
        print = print_visit;
    } else if (!strcmp(what, "queue")) {
        r = bol_query_queue(s, a1, a2 ? a2 : "", &res, &d);
        print = print_queue;
    } else if (!strcmp(what, "dwell")) {
        uint64_t limit = 50;

        if (a2 && (bol_str_to_u64(bol_str_from(a2), &limit) < 0 || limit > 100000)) {
            bol_store_close(s);
            bol_log_error("LIMIT must be a number up to 100000");
            return CLI_EXIT_USAGE;
        }
        r = bol_query_dwell(s, a1, bol_time_now_us(), (unsigned) limit, &res, &d);
        print = print_dwell;
    } else if (!strcmp(what, "reefers") && !a2) {
        r = bol_query_reefers(s, a1, &res, &d);
        print = print_reefers;
    } else if (!strcmp(what, "holds") && !a2) {
        r = bol_query_holds(s, a1, &res, &d);
        print = print_holds;
    } else {
        bol_store_close(s);
        return cli_usage(cmd_report_usage, true);
    }
    bol_store_close(s);
    if (r < 0) {
        print_error(what, r, &d);
        return CLI_EXIT_FAIL;
    }
    if (o.json)
        print_json(res);
    else
        print(res);
    json_decref(res);
    return CLI_EXIT_OK;
}
