/* SPDX-License-Identifier: Apache-2.0 */
/*
 * plan.c - the yard planners over the API: slot suggestions, dig-outs and
 * pre-marshalling plans, previewed with GET and committed with POST
 *
 * A preview reads; a commit plans the work instructions as one command of
 * several steps (all or none) through the command service, so the rules,
 * the journal and the caller's scope apply as to any other command.  A
 * caller scoped to some terminals sees and plans only those: a box or block
 * elsewhere does not exist for it (as for GET /api/v1/containers/{id}).
 */
#include "compat.h"

#include "api-int.h"
#include "mem.h"
#include "yard_plan.h"

static const char *param(struct req *r, unsigned i)
{
    return i < r->nparams ? r->params[i] : "";
}

static int in_scope(struct req *r, const char *terminal, const char *what, const char *name)
{
    if (bol_scope_has(&r->who.scope, terminal))
        return 1;
    api_problem(r, 404, "not_found", "no %s %s", what, name);
    return 0;
}

/* Plans steps as one command; responds 201 with the plan and the result. */
static int commit(struct req *r, json_t *plan, json_t *steps)
{
    struct bol_ops_call call;
    struct bol_diag d;
    int rc;

    if (!plan || !steps) {
        json_decref(plan);
        json_decref(steps);
        return api_fail(r, BOL_E_NOMEM, NULL);
    }
    if (json_array_size(steps) == 0) {
        json_decref(steps);
        json_object_set_new(plan, "planned", json_null());
        return api_json(r, 200, plan);
    }
    memset(&call, 0, sizeof(call));
    bol_diag_init(&d);
    rc = api_run(r, steps, &call, &d);
    json_decref(steps);
    if (rc < 0) {
        json_decref(plan);
        return api_fail(r, rc, &d);
    }
    json_object_set_new(plan, "planned", bol_ops_result_json(&call.res));
    return api_json(r, 201, plan);
}

/* GET|POST /api/v1/containers/{id}/digout */
int h_digout(struct req *r)
{
    struct bol_store *s = NULL;
    struct bol_digout dg;
    struct bol_diag d;
    json_t *seen = api_container_visible(r, param(r, 0));
    int rc;

    if (!seen)
        return 0;
    json_decref(seen);
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_ops_digout(s, param(r, 0), NULL, &dg, &d);
    api_reader_put(r->api, s);
    if (rc < 0)
        return api_fail(r, rc, &d);
    json_t *plan = bol_digout_json(&dg);
    if (strcmp(r->route->method, "POST") != 0) {
        bol_digout_release(&dg);
        return plan ? api_json(r, 200, plan) : api_fail(r, BOL_E_NOMEM, NULL);
    }
    json_t *steps = bol_digout_commands(&dg, 0);
    bol_digout_release(&dg);
    return commit(r, plan, steps);
}

/* GET|POST /api/v1/terminals/{terminal}/yard/{block}/premarshal?bay= */
int h_premarshal(struct req *r)
{
    const char *t = param(r, 0), *bay_s = api_query(r, "bay");
    struct bol_store *s = NULL;
    struct bol_premarshal pm;
    struct bol_diag d;
    unsigned long bay = 0;
    int rc;

    if (!in_scope(r, t, "terminal", t))
        return 0;
    if (bay_s) {
        char *end;
        errno = 0;
        bay = strtoul(bay_s, &end, 10);
        if (errno || end == bay_s || *end || bay_s[0] == '-' || bay == 0 || bay > 999)
            return api_problem(r, 400, "invalid", "bay is a number from 1 to 999");
    }
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_ops_premarshal(s, t, param(r, 1), (uint16_t) bay, NULL, &pm, &d);
    api_reader_put(r->api, s);
    if (rc < 0)
        return api_fail(r, rc, &d);
    json_t *plan = bol_premarshal_json(&pm);
    if (strcmp(r->route->method, "POST") != 0) {
        bol_premarshal_release(&pm);
        return plan ? api_json(r, 200, plan) : api_fail(r, BOL_E_NOMEM, NULL);
    }
    json_t *steps = bol_premarshal_commands(&pm, 0);
    bol_premarshal_release(&pm);
    return commit(r, plan, steps);
}

/* GET /api/v1/containers/{id}/slots?count= */
int h_slots(struct req *r)
{
    const char *count_s = api_query(r, "count");
    struct bol_slot_suggestion *g;
    struct bol_store *s = NULL;
    struct bol_diag d;
    unsigned long count = 3;
    json_t *seen;
    int rc;

    if (count_s) {
        char *end;
        errno = 0;
        count = strtoul(count_s, &end, 10);
        if (errno || end == count_s || *end || count_s[0] == '-' || count == 0 ||
            count > BOL_SLOT_TOP_MAX)
            return api_problem(r, 400, "invalid", "count is a number from 1 to %d",
                               BOL_SLOT_TOP_MAX);
    }
    if (!(seen = api_container_visible(r, param(r, 0))))
        return 0;
    json_decref(seen);
    g = bol_calloc(1, sizeof(*g));
    if (!g)
        return api_fail(r, BOL_E_NOMEM, NULL);
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_ops_slot_suggest(s, param(r, 0), (unsigned) count, r->now, g, &d);
    api_reader_put(r->api, s);
    if (rc < 0) {
        bol_free(g);
        return api_fail(r, rc, &d);
    }
    json_t *o = bol_slot_suggestion_json(g);
    bol_free(g);
    return o ? api_json(r, 200, o) : api_fail(r, BOL_E_NOMEM, NULL);
}
