/* SPDX-License-Identifier: Apache-2.0 */
/*
 * edi.c - EDI over the API: messages uploaded and imported, messages
 * fetched, and DCSA Track & Trace equipment events
 *
 * Scoping as everywhere in the API (route.c): a line user or key sees only
 * its own line's boxes (an export is made of them alone and addressed to
 * it; events of other lines' boxes do not exist for it), and a caller scoped
 * to some terminals reads and changes only those.
 */
#include "compat.h"

#include <microhttpd.h>

#include "api-int.h"
#include "dcsa.h"
#include "edi_export.h"
#include "edi_import.h"
#include "mem.h"

#define B(r)               BOL_ROLE_BIT(BOL_ROLE_##r)
#define EDI_EXPORT_MAX     (64u << 20)
#define DCSA_LIMIT_DEFAULT 100
#define DCSA_LIMIT_MAX     1000

/* A line-only caller: sees its own line's boxes only. */
static bool line_only(const struct req *r)
{
    return (r->who.roles & ~B(LINE)) == 0;
}

static int number_arg(struct req *r, const char *name, uint64_t max, uint64_t *ret)
{
    const char *s = api_query(r, name);
    char *end;

    if (!s)
        return 0;
    errno = 0;
    *ret = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || *ret > max)
        return api_problem(r, 400, "invalid", "%s is a number up to %llu", name,
                           (unsigned long long) max),
               -1;
    return 0;
}

/* GET /api/v1/edi/{type}?visit=|terminal=&after=&line= */
int h_edi_export(struct req *r)
{
    struct bol_edi_export_opts o;
    struct bol_edi_export_result res;
    struct bol_buf b = BOL_BUF_INIT(EDI_EXPORT_MAX);
    struct bol_store *s = NULL;
    struct bol_diag d;
    unsigned t;
    int rc;

    memset(&o, 0, sizeof(o));
    for (t = 0; bol_edi_export_type_names[t]; t++)
        if (!strcmp(r->params[0], bol_edi_export_type_names[t]))
            break;
    if (!bol_edi_export_type_names[t])
        return api_problem(r, 404, "not_found",
                           "bollard writes baplie, coarri, codeco, coprar and movins here (coparn "
                           "and vermas: bollard edi export)");
    o.type = (enum bol_edi_export_type) t;
    o.visit = api_query(r, "visit");
    o.terminal = api_query(r, "terminal");
    o.line = line_only(r) ? r->who.line : api_query(r, "line");
    o.scope = &r->who.scope;
    o.now_us = r->now;
    if (number_arg(r, "after", UINT64_MAX / 2, &o.after_seq) < 0)
        return 0;
    if ((o.type == BOL_EXPORT_CODECO && (!o.terminal || o.visit)) ||
        (o.type != BOL_EXPORT_CODECO && (!o.visit || o.terminal)))
        return api_problem(r, 400, "invalid", "%s takes %s", bol_edi_export_type_names[t],
                           o.type == BOL_EXPORT_CODECO ? "terminal= (and no visit=)"
                                                       : "visit= (and no terminal=)");
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_edi_export(s, &o, &b, &res, &d);
    api_reader_put(r->api, s);
    if (rc < 0) {
        bol_buf_release(&b);
        return api_fail(r, rc, &d);
    }
    if (o.type != BOL_EXPORT_BAPLIE)
        snprintf(r->next_page, sizeof(r->next_page), "/api/v1/edi/%s?%s=%.128s&after=%llu",
                 bol_edi_export_type_names[t], o.visit ? "visit" : "terminal",
                 o.visit ? o.visit : o.terminal, (unsigned long long) res.last);
    {
        char what[32];

        snprintf(what, sizeof(what), "edi:%s", bol_edi_export_type_names[t]);
        api_note_export(r, what, res.boxes, true);
    }
    return api_text(r, 200, "application/EDIFACT", &b);
}

/* POST /api/v1/edi/import?visit=ID | create_visit=true[&terminal=T], body: the interchange */
int h_edi_import(struct req *r)
{
    struct bol_edi_import_opts o;
    struct bol_actor actor;
    const char *cv = api_query(r, "create_visit");
    json_t *rep = NULL;
    struct bol_diag d;
    int rc;

    memset(&o, 0, sizeof(o));
    o.visit = api_query(r, "visit");
    o.create_visit = cv && !strcmp(cv, "true");
    o.terminal = api_query(r, "terminal");
    o.scope = &r->who.scope;
    if ((cv && strcmp(cv, "true") != 0) || (!o.visit == !o.create_visit) ||
        (o.terminal && !o.create_visit))
        return api_problem(r, 400, "invalid",
                           "name the visit (visit=ID) or make one (create_visit=true, "
                           "terminal= optional)");
    if (!r->body_len)
        return api_problem(r, 400, "invalid", "the body is the EDIFACT interchange");
    actor.id = bol_str_from(r->who.actor);
    actor.addr = bol_str_from(r->addr);
    bol_diag_init(&d);
    rc = bol_edi_import(r->api->ops, &actor, r->body, r->body_len, &o, &rep, &d);
    /* a decoy named in the interchange trips whether the message imported or not */
    api_canary_trip_edi(r, r->body, r->body_len);
    if (!rep)
        return api_fail(r, rc, &d);
    return api_json(r, rc == 0 ? 200 : 422, rep);
}

/* The event codes asked for (equipmentEventTypeCode=LOAD,DISC), as move kind bits. */
static int event_kinds(struct req *r, unsigned *ret)
{
    static const enum bol_move kinds[] = { BOL_MV_DISCHARGE, BOL_MV_LOAD, BOL_MV_GATE_IN,
                                           BOL_MV_GATE_OUT };
    const char *s = api_query(r, "equipmentEventTypeCode");
    unsigned k;

    *ret = 0;
    for (k = 0; k < BOL_ARRAY_SIZE(kinds); k++)
        *ret |= 1u << kinds[k];
    if (!s)
        return 0;
    *ret = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        bool known = false;

        for (k = 0; k < BOL_ARRAY_SIZE(kinds); k++) {
            const char *code = bol_dcsa_event_code(kinds[k]);

            if (strlen(code) == n && !strncmp(code, s, n)) {
                *ret |= 1u << kinds[k];
                known = true;
            }
        }
        /* Codes bollard never records (STUF, STRP, ...) select nothing. */
        if (!known && !(n == 4 && strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") >= 4))
            return api_problem(r, 400, "invalid", "equipmentEventTypeCode is a list of codes"), -1;
        s += n;
        if (*s == ',')
            s++;
    }
    return 0;
}

/* GET /api/v1/dcsa/v2/events: DCSA Track & Trace 2.2 equipment events. */
int h_dcsa_events(struct req *r)
{
    struct bol_move_filter f;
    const char *type = api_query(r, "eventType");
    uint64_t limit = DCSA_LIMIT_DEFAULT, cursor = 0, last = 0;
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *ev = NULL;
    int rc;

    memset(&f, 0, sizeof(f));
    r->api_version = "2.2.0";
    if (number_arg(r, "limit", DCSA_LIMIT_MAX, &limit) < 0 ||
        number_arg(r, "cursor", UINT64_MAX / 2, &cursor) < 0 || event_kinds(r, &f.kinds) < 0)
        return 0;
    if (limit == 0)
        return api_problem(r, 400, "invalid", "limit is 1 to %u", DCSA_LIMIT_MAX);
    f.container = api_query(r, "equipmentReference");
    /* Only equipment events exist here: asking for other types alone gives none. */
    if (type && !strstr(type, "EQUIPMENT")) {
        if (f.container)
            api_canary_trip_container(r, f.container, "events read");
        return api_json(r, 200, json_array());
    }
    if (f.container &&
        (!f.container[0] || strlen(f.container) > 15 ||
         strspn(f.container, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") != strlen(f.container)))
        return api_problem(r, 400, "invalid", "equipmentReference is up to 15 letters and digits");
    /* asking for a decoy's events is a read of it: it has none, as an unknown box has none */
    if (f.container)
        api_canary_trip_container(r, f.container, "events read");
    f.line = line_only(r) ? r->who.line : NULL;
    f.scope = &r->who.scope;
    f.after_seq = cursor;
    f.limit = (unsigned) limit;
    if (f.kinds == 0)
        return api_json(r, 200, json_array());
    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_dcsa_events(s, &f, &ev, &last, &d);
    api_reader_put(r->api, s);
    if (rc < 0)
        return api_fail(r, rc, &d);
    if (json_array_size(ev) == limit)
        snprintf(r->next_page, sizeof(r->next_page),
                 "/api/v1/dcsa/v2/events?cursor=%llu&limit=%llu%s%.20s%s%.60s",
                 (unsigned long long) last, (unsigned long long) limit,
                 f.container ? "&equipmentReference=" : "", f.container ? f.container : "",
                 api_query(r, "equipmentEventTypeCode") ? "&equipmentEventTypeCode=" : "",
                 api_query(r, "equipmentEventTypeCode") ? api_query(r, "equipmentEventTypeCode")
                                                        : "");
    api_note_export(r, "dcsa:events", json_array_size(ev), true);
    return api_json(r, 200, ev);
}
