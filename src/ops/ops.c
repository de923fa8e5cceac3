/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ops.c - the command service: request ids, rules, journal, group commit
 */
#include "compat.h"

#include "buf.h"
#include "commands.h"
#include "errors.h"
#include "events.h"
#include "jsonv.h"
#include "mem.h"
#include "ops.h"
#include "storeview.h"
#include "utctime.h"

struct bol_ops {
    struct bol_store *s;
    struct bol_committer *c;
    struct bol_ops_opts o;
    char data_dir[4096];
    char vfs[64];
};

static int64_t now_us(const struct bol_ops *ops)
{
    return ops->o.clock ? ops->o.clock(ops->o.clock_ctx) : bol_time_now_us();
}

int bol_ops_open(const struct bol_ops_opts *o, struct bol_ops **ret, struct bol_diag *diag)
{
    struct bol_store_config sc;
    struct bol_committer_opts co;
    struct bol_ops *ops;
    int r;

    if (!o || !o->data_dir)
        return bol_diag_fail(diag, BOL_E_INVAL, "data", "no data directory");
    ops = bol_calloc(1, sizeof(*ops));
    if (!ops)
        return bol_diag_fail(diag, BOL_E_NOMEM, "ops", "out of memory");
    ops->o = *o;
    snprintf(ops->data_dir, sizeof(ops->data_dir), "%s", o->data_dir);
    snprintf(ops->vfs, sizeof(ops->vfs), "%s", o->sqlite_vfs ? o->sqlite_vfs : "");
    ops->o.data_dir = ops->data_dir;
    ops->o.sqlite_vfs = ops->vfs[0] ? ops->vfs : NULL;
    memset(&sc, 0, sizeof(sc));
    sc.data_dir = ops->data_dir;
    sc.sqlite_vfs = ops->o.sqlite_vfs;
    sc.checkpoint_every = o->checkpoint_every;
    sc.checkpoint_interval_us = o->checkpoint_interval_us;
    r = bol_store_open(&sc, &ops->s, diag);
    if (r < 0) {
        bol_free(ops);
        return r;
    }
    co.max_batch = o->max_batch;
    co.max_wait_us = o->max_wait_us;
    r = bol_committer_start(ops->s, &co, &ops->c, diag);
    if (r < 0) {
        bol_store_close(ops->s);
        bol_free(ops);
        return r;
    }
    *ret = ops;
    return 0;
}

void bol_ops_close(struct bol_ops *ops)
{
    if (!ops)
        return;
    bol_committer_stop(ops->c);
    bol_store_close(ops->s);
    bol_free(ops);
}

const char *bol_ops_data_dir(const struct bol_ops *ops)
{
    return ops->data_dir;
}

void bol_ops_stats(struct bol_ops *ops, struct bol_committer_stats *out)
{
    bol_committer_stats(ops->c, out);
}

int bol_ops_reader(struct bol_ops *ops, struct bol_store **ret, struct bol_diag *diag)
{
    struct bol_store_config sc;

    memset(&sc, 0, sizeof(sc));
    sc.data_dir = ops->data_dir;
    sc.sqlite_vfs = ops->o.sqlite_vfs;
    sc.read_only = true;
    return bol_store_open(&sc, ret, diag);
}

/* What a request id stands for: who asked, and the command's canonical text. */
static int command_hash(struct bol_ops_call *call, struct bol_diag *diag)
{
    struct bol_buf b = BOL_BUF_INIT(json_is_array(call->cmd) ? BOL_OPS_STEPS_BYTES : 1u << 22);
    int r = bol_buf_add(&b, call->actor.id.p, call->actor.id.len);

    if (r == 0)
        r = bol_buf_add(&b, "\n", 1);
    if (r == 0)
        r = jv_dump(call->asked ? call->asked : call->cmd, &b);
    if (r < 0) {
        bol_buf_release(&b);
        return bol_diag_fail(diag, r, "cmd", "the command is too large");
    }
    bol_sha256(b.buf, b.len, call->hash);
    bol_buf_release(&b);
    return 0;
}

static void result_from(struct bol_ops_call *call, const struct bol_append_result *ar,
                        const struct bol_cmd_out *out)
{
    const char *name = bol_cmd_name(call->asked ? call->asked : call->cmd);

    call->res.first_seq = ar->first_seq;
    call->res.last_seq = ar->last_seq;
    call->res.events = (unsigned) (ar->last_seq - ar->first_seq + 1);
    call->res.duplicate = ar->duplicate;
    if (out && out->id_event >= 0) {
        call->res.id = ar->first_seq + (uint64_t) out->id_event;
        call->res.id_name = out->id_name;
    } else if (!out && name && (!strcmp(name, "wi.plan") || !strcmp(name, "truck.arrive"))) {
        /*
         * A repeat, or an instruction after its dig-out's steps: these
         * commands journal one event, the last, whose number is the id.
         */
        call->res.id = ar->last_seq;
        call->res.id_name = !strcmp(name, "wi.plan") ? "wi" : "truck";
    }
}

/* Every event of out in a terminal of scope (NULL: any). */
static int scope_check(const struct bol_cmd_out *out, const struct bol_scope *scope,
                       struct bol_diag *diag)
{
    unsigned i;

    for (i = 0; scope && i < out->n; i++) {
        if (out->terminal[i][0] && !bol_scope_has(scope, out->terminal[i]))
            return bol_diag_fail(diag, BOL_E_PERM, "terminal",
                                 "this account may not change terminal %s", out->terminal[i]);
    }
    return 0;
}

int bol_ops_check(struct bol_store *s, json_t *cmd, int64_t now, const struct bol_scope *scope,
                  struct bol_diag *diag)
{
    struct bol_store_view sv;
    struct bol_cmd_out out;
    int r;

    if (!json_is_object(cmd))
        return bol_diag_fail(diag, BOL_E_INVAL, "cmd", "a command is a JSON object");
    bol_store_view_init(&sv, s, diag);
    r = bol_cmd_run(&sv.view, cmd, now, &out, diag);
    if (r < 0)
        return r;
    r = scope_check(&out, scope, diag);
    bol_cmd_out_release(&out);
    return r;
}

/*
 * Run one command and journal its events: under the request id with its hash
 * for the first step, then as more of the same request.
 */
static int run_step(struct bol_store *s, struct bol_ops_call *call, json_t *cmd, int64_t at,
                    bool first, struct bol_append_result *ar, struct bol_cmd_out *out,
                    struct bol_diag *diag)
{
    struct bol_store_view sv;
    struct bol_event ev[BOL_CMD_EVENTS_MAX];
    const uint8_t *hash = call->req.len ? call->hash : NULL;
    unsigned i;
    int r;

    bol_store_view_init(&sv, s, diag);
    r = bol_cmd_run(&sv.view, cmd, at, out, diag);
    if (r < 0)
        return r;
    for (i = 0; i < out->n; i++) {
        ev[i].type = bol_event_prep_type(out->ev[i]);
        ev[i].ver = bol_event_prep_version(out->ev[i]);
        ev[i].terminal = bol_str_from(out->terminal[i]);
        ev[i].payload = bol_event_prep_payload(out->ev[i]);
        ev[i].prep = out->ev[i];
    }
    if ((r = scope_check(out, call->scope, diag)) < 0)
        return r;
    if (first)
        return bol_store_append(s, &call->actor, call->req, hash, at, ev, out->n, ar, diag);
    return bol_store_append_more(s, &call->actor, call->req, at, ev, out->n, ar, diag);
}

/* A command of several steps: each sees what the ones before it did; all or nothing. */
static int run_steps(struct bol_store *s, struct bol_ops_call *call, int64_t at,
                     struct bol_diag *diag)
{
    struct bol_append_result ar, whole = { 0, 0, false };
    struct bol_cmd_out out;
    size_t i, n = json_array_size(call->cmd);
    int r = 0;

    for (i = 0; i < n && r == 0; i++) {
        r = run_step(s, call, json_array_get(call->cmd, i), at, i == 0, &ar, &out, diag);
        if (r == 0 && out.n) {
            if (!whole.first_seq)
                whole.first_seq = ar.first_seq;
            whole.last_seq = ar.last_seq;
        }
        if (r < 0)
            call->failed_step = (long) i;
        bol_cmd_out_release(&out);
    }
    if (r == 0) {
        result_from(call, &whole, NULL);
        call->res.steps = (unsigned) n;
    }
    return r;
}

/* Runs on the writer thread, inside the batch's transaction; may run more than once. */
static int run_unit(struct bol_store *s, void *ctx, struct bol_diag *diag)
{
    struct bol_ops_call *call = ctx;
    struct bol_store_view sv;
    struct bol_cmd_out out;
    struct bol_event ev[BOL_CMD_EVENTS_MAX];
    struct bol_append_result ar;
    const uint8_t *hash = call->req.len ? call->hash : NULL;
    int64_t at = now_us(call->ops);
    unsigned i;
    int r;

    memset(&call->res, 0, sizeof(call->res));
    r = bol_store_request_find(s, call->req, hash, &ar, diag);
    if (r == 0) {
        result_from(call, &ar, NULL);
        return 0;
    }
    if (r != BOL_E_NOTFOUND)
        return r;
    call->failed_step = -1;
    if (json_is_array(call->cmd))
        return run_steps(s, call, at, diag);
    bol_store_view_init(&sv, s, diag);
    r = bol_cmd_run(&sv.view, call->cmd, at, &out, diag);
    if (r < 0)
        return r;
    for (i = 0; i < out.n; i++) {
        ev[i].type = bol_event_prep_type(out.ev[i]);
        ev[i].ver = bol_event_prep_version(out.ev[i]);
        ev[i].terminal = bol_str_from(out.terminal[i]);
        ev[i].payload = bol_event_prep_payload(out.ev[i]);
        ev[i].prep = out.ev[i];
    }
    if ((r = scope_check(&out, call->scope, diag)) < 0) {
        bol_cmd_out_release(&out);
        return r;
    }
    r = bol_store_append(s, &call->actor, call->req, hash, at, ev, out.n, &ar, diag);
    if (r == 0)
        result_from(call, &ar, &out);
    if (r == 0 && call->tx_hook)
        r = call->tx_hook(s, call, diag);
    bol_cmd_out_release(&out);
    return r;
}

static void unit_done(struct bol_unit *u, int result)
{
    struct bol_ops_call *call =
        (struct bol_ops_call *) ((char *) u - offsetof(struct bol_ops_call, unit));

    call->done(call, result);
}

static int prepare_call(struct bol_ops *ops, struct bol_ops_call *call)
{
    bol_diag_init(&call->diag);
    memset(&call->res, 0, sizeof(call->res));
    call->ops = ops;
    call->failed_step = -1;
    if (json_is_array(call->cmd)) {
        size_t i, n = json_array_size(call->cmd);

        if (n == 0 || n > BOL_OPS_STEPS_MAX)
            return bol_diag_fail(&call->diag, BOL_E_INVAL, "cmd",
                                 "a command of several steps has 1 to %u of them",
                                 BOL_OPS_STEPS_MAX);
        for (i = 0; i < n; i++) {
            if (!json_is_object(json_array_get(call->cmd, i))) {
                call->failed_step = (long) i;
                return bol_diag_fail(&call->diag, BOL_E_INVAL, "cmd",
                                     "step %zu is not a JSON object", i);
            }
        }
    } else if (!json_is_object(call->cmd)) {
        return bol_diag_fail(&call->diag, BOL_E_INVAL, "cmd", "a command is a JSON object");
    }
    if (call->req.len && bol_entry_check_req(call->req, &call->diag) < 0)
        return BOL_E_INVAL;
    return call->req.len ? command_hash(call, &call->diag) : 0;
}

int bol_ops_submit(struct bol_ops *ops, struct bol_ops_call *call)
{
    int r = prepare_call(ops, call);

    if (r < 0)
        return r;
    memset(&call->unit, 0, sizeof(call->unit));
    call->unit.fn = run_unit;
    call->unit.ctx = call;
    call->unit.diag = &call->diag;
    call->unit.done = unit_done;
    return bol_committer_submit(ops->c, &call->unit);
}

static int tick(struct bol_store *s, void *ctx, struct bol_diag *diag)
{
    struct bol_ops *ops = ctx;

    return bol_store_checkpoint_mark(s, now_us(ops), diag);
}

int bol_ops_checkpoint_tick(struct bol_ops *ops, struct bol_diag *diag)
{
    return bol_ops_run_tx(ops, tick, ops, diag);
}

int bol_ops_run_tx(struct bol_ops *ops,
                   int (*fn)(struct bol_store *s, void *ctx, struct bol_diag *diag), void *ctx,
                   struct bol_diag *diag)
{
    return bol_committer_run(ops->c, fn, ctx, diag);
}

int bol_ops_run_call(struct bol_ops *ops, struct bol_ops_call *call)
{
    int r = prepare_call(ops, call);

    if (r == 0)
        r = bol_committer_run(ops->c, run_unit, call, &call->diag);
    return r;
}

int bol_ops_run(struct bol_ops *ops, const struct bol_actor *actor, struct bol_str req, json_t *cmd,
                struct bol_ops_result *res, struct bol_diag *diag)
{
    struct bol_ops_call call;
    int r;

    memset(&call, 0, sizeof(call));
    call.actor = *actor;
    call.req = req;
    call.cmd = cmd;
    r = bol_ops_run_call(ops, &call);
    if (r < 0 && diag)
        *diag = call.diag;
    if (r == 0 && res)
        *res = call.res;
    return r;
}

json_t *bol_ops_result_json(const struct bol_ops_result *res)
{
    json_t *o = json_pack("{s:[I,I], s:I, s:b}", "seq", (json_int_t) res->first_seq,
                          (json_int_t) res->last_seq, "events", (json_int_t) res->events,
                          "duplicate", res->duplicate);

    if (o && res->steps && json_object_set_new(o, "steps", json_integer((json_int_t) res->steps))) {
        json_decref(o);
        return NULL;
    }
    if (o && res->id_name &&
        json_object_set_new(o, res->id_name, json_integer((json_int_t) res->id))) {
        json_decref(o);
        o = NULL;
    }
    return o;
}
