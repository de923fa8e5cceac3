/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_sec.c - detection commands: raise and acknowledge alerts, create
 * canaries, and the facts the API and the server record (a canary tripped,
 * a large export, the service starting, alive, stopping)
 *
 * None of these is reachable through the API's generic command route: the
 * server's detector raises alerts, the alerts route acknowledges them with
 * the caller as "by", and `bollard canary create` makes decoys.
 */
#include "compat.h"

#include <string.h>

#include "account.h"
#include "buf.h"
#include "cmd-int.h"
#include "container_id.h"
#include "detect.h"
#include "jsonv.h"
#include "token.h"
#include "view.h"

extern const char *const bol_canary_kinds[];

static int doc_exists(struct run *r, enum bol_view_doc what, const char *key, json_t **ret)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    json_error_t je;
    int rc = r->v->doc(r->v->ctx, what, key, &b);

    if (rc == 0 && ret) {
        *ret = json_loadb(b.buf, b.len, JSON_REJECT_DUPLICATES, &je);
        if (!*ret)
            rc = FAIL(r, BOL_E_CORRUPT, "state", "a stored document does not parse");
    }
    bol_buf_release(&b);
    return rc;
}

static int emit_alert(struct run *r, const char *type, const struct bol_alert *a)
{
    json_t *o = NULL, *p;
    int rc = bol_alert_to_json(a, &o);

    if (rc < 0)
        return rc;
    p = json_pack("{s:o}", "alert", o);
    if (!p)
        return BOL_E_NOMEM;
    return bol_cmd_emit(r, type, a->subject.terminal, p);
}

/* alert.raise {"alert": A}: a new, open alert. */
int bol_c_alert_raise(struct run *r)
{
    static const char *const keys[] = { "alert", NULL };
    struct bol_alert a;
    json_t *o;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_object(r->cmd, "alert", true, &o, r->diag)) < 0 ||
        (rc = bol_alert_from_json(o, &a, r->diag)) < 0)
        return rc;
    if (a.acknowledged)
        return FAIL(r, BOL_E_INVAL, "status", "a new alert is open");
    if (a.subject.terminal[0] &&
        r->v->exists(r->v->ctx, BOL_THING_TERMINAL, a.subject.terminal, NULL) == BOL_E_NOTFOUND)
        a.subject.terminal[0] = '\0'; /* an alert about an unknown terminal is installation-wide */
    rc = doc_exists(r, BOL_DOC_ALERT, a.id, NULL);
    if (rc == 0)
        return FAIL(r, BOL_E_CONFLICT, "id", "alert '%s' was already raised", a.id);
    if (rc != BOL_E_NOTFOUND)
        return rc;
    return emit_alert(r, "alert.raised", &a);
}

/* alert.ack {"id", "note", "by"}: acknowledged once, with a note. */
int bol_c_alert_ack(struct run *r)
{
    static const char *const keys[] = { "id", "note", "by", NULL };
    struct bol_alert a;
    struct bol_str id, note, by;
    json_t *o = NULL;
    char key[BOL_ALERT_ID_MAX];
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text(r->cmd, "id", BOL_ALERT_ID_MAX - 1, true, &id, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "note", BOL_ALERT_NOTE_MAX, true, &note, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "by", BOL_ALERT_SUBJECT_MAX - 1, true, &by, r->diag)) < 0)
        return rc;
    snprintf(key, sizeof(key), "%.*s", (int) id.len, id.p);
    rc = doc_exists(r, BOL_DOC_ALERT, key, &o);
    if (rc == BOL_E_NOTFOUND)
        return FAIL(r, BOL_E_NOTFOUND, "id", "no alert '%s'", key);
    if (rc < 0)
        return rc;
    rc = bol_alert_from_json(o, &a, r->diag);
    json_decref(o);
    if (rc < 0)
        return rc;
    if (a.acknowledged)
        return FAIL(r, BOL_E_STATE, "id", "alert '%s' was already acknowledged by %s", key,
                    a.acked_by);
    a.acknowledged = true;
    snprintf(a.note, sizeof(a.note), "%.*s", (int) note.len, note.p);
    snprintf(a.acked_by, sizeof(a.acked_by), "%.*s", (int) by.len, by.p);
    a.acked_us = r->now;
    return emit_alert(r, "alert.acknowledged", &a);
}

/* canary.create {"kind", "id", "note"?}: a decoy that no real record has. */
int bol_c_canary_create(struct run *r)
{
    static const char *const keys[] = { "kind", "id", "note", NULL };
    struct bol_container_id cid;
    struct bol_container c;
    struct bol_str idt, note = { NULL, 0 };
    unsigned kind;
    char id[BOL_USER_MAX + 1];
    json_t *p;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_enum(r->cmd, "kind", bol_canary_kinds, true, &kind, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "id", BOL_USER_MAX, true, &idt, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "note", BOL_REASON_MAX, false, &note, r->diag)) < 0)
        return rc;
    snprintf(id, sizeof(id), "%.*s", (int) idt.len, idt.p);
    switch (kind) {
    case 0:
        if ((rc = bol_container_id_parse(idt, &cid, r->diag)) < 0)
            return rc;
        snprintf(id, sizeof(id), "%s", cid.s);
        rc = r->v->container(r->v->ctx, id, &c);
        if (rc == 0)
            return FAIL(r, BOL_E_CONFLICT, "id", "container %s is a real one", id);
        break;
    case 1:
        if ((rc = bol_user_check(id, r->diag)) < 0)
            return rc;
        rc = doc_exists(r, BOL_DOC_ACCOUNT, id, NULL);
        if (rc == 0)
            return FAIL(r, BOL_E_CONFLICT, "id", "'%s' is a real account", id);
        break;
    default:
        if (idt.len != BOL_APIKEY_ID_LEN || strspn(id, "0123456789abcdefghijklmnopqrstuvwxyz"
                                                       "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != idt.len)
            return FAIL(r, BOL_E_INVAL, "id", "a key id is %d letters and digits",
                        BOL_APIKEY_ID_LEN);
        rc = doc_exists(r, BOL_DOC_APIKEY, id, NULL);
        if (rc == 0)
            return FAIL(r, BOL_E_CONFLICT, "id", "'%s' is a real key", id);
        break;
    }
    if (rc != BOL_E_NOTFOUND)
        return rc;
    rc = doc_exists(r, BOL_DOC_CANARY, id, NULL);
    if (rc == 0)
        return FAIL(r, BOL_E_CONFLICT, "id", "'%s' is already a canary", id);
    if (rc != BOL_E_NOTFOUND)
        return rc;
    p = json_pack("{s:{s:s,s:s}}", "canary", "kind", bol_canary_kinds[kind], "id", id);
    if (!p)
        return BOL_E_NOMEM;
    if (note.len && jv_set_strn(json_object_get(p, "canary"), "note", note) < 0) {
        json_decref(p);
        return BOL_E_NOMEM;
    }
    return bol_cmd_emit(r, "canary.created", "", p);
}

int bol_c_canary_trip(struct run *r)
{
    static const char *const keys[] = { "kind", "id", "how", NULL };

    return bol_cmd_fact(r, keys, "canary.tripped");
}

int bol_c_data_export(struct run *r)
{
    static const char *const keys[] = { "what", "rows", NULL };

    return bol_cmd_fact(r, keys, "data.exported");
}

int bol_c_service_start(struct run *r)
{
    static const char *const keys[] = { "version", "heartbeat_s", NULL };

    return bol_cmd_fact(r, keys, "service.started");
}

int bol_c_service_heartbeat(struct run *r)
{
    static const char *const keys[] = { NULL };

    return bol_cmd_fact(r, keys, "service.heartbeat");
}

int bol_c_service_stop(struct run *r)
{
    static const char *const keys[] = { NULL };

    return bol_cmd_fact(r, keys, "service.stopped");
}
