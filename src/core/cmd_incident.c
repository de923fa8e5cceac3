/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_incident.c - incident commands: open, note, freeze (record the
 * evidence the CLI preserved), close
 *
 * Each reads the incident's document, checks the command against it, and
 * emits the document after the change with the note or freeze.  Who acted
 * is the entry's actor; when is the command's time, except a note's "at",
 * which says when the thing noted happened (an attack seen in a log hours
 * ago).  A closed incident takes no more commands.
 */
#include "compat.h"

#include <string.h>

#include "buf.h"
#include "cmd-int.h"
#include "incident.h"
#include "jsonv.h"
#include "view.h"

static int load_incident(struct run *r, const char *id, json_t **ret)
{
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    json_error_t je;
    int rc = r->v->doc(r->v->ctx, BOL_DOC_INCIDENT, id, &b);

    if (rc == BOL_E_NOTFOUND)
        rc = FAIL(r, BOL_E_NOTFOUND, "id", "no incident '%s'", id);
    if (rc == 0) {
        *ret = json_loadb(b.buf, b.len, JSON_REJECT_DUPLICATES, &je);
        if (!*ret)
            rc = FAIL(r, BOL_E_CORRUPT, "state", "a stored incident does not parse");
    }
    bol_buf_release(&b);
    return rc;
}

/* The open incident the command names; *ret is new. */
static int open_incident(struct run *r, char id[BOL_INCIDENT_ID_MAX + 1], json_t **ret)
{
    json_t *doc = NULL;
    int rc;

    if ((rc = jv_text_buf(r->cmd, "id", id, BOL_INCIDENT_ID_MAX + 1, true, r->diag)) < 0 ||
        (rc = load_incident(r, id, &doc)) < 0)
        return rc;
    if (strcmp(json_string_value(json_object_get(doc, "status")), "open") != 0) {
        json_decref(doc);
        return FAIL(r, BOL_E_STATE, "id", "incident %s is closed", id);
    }
    *ret = doc;
    return 0;
}

static int bump(struct run *r, json_t *doc, const char *count, int64_t *ret_n)
{
    int64_t n = (int64_t) json_integer_value(json_object_get(doc, count)) + 1;

    if (n > BOL_INCIDENT_NOTES_MAX)
        return FAIL(r, BOL_E_TOOBIG, count, "an incident holds at most %d %s",
                    BOL_INCIDENT_NOTES_MAX, count);
    if (jv_set_int(doc, count, n) < 0)
        return FAIL(r, BOL_E_NOMEM, count, "out of memory");
    *ret_n = n;
    return 0;
}

int bol_c_incident_open(struct run *r)
{
    static const char *const keys[] = { "id", "title", "severity", "terminal", "alerts", NULL };
    char id[BOL_INCIDENT_ID_MAX + 1], terminal[16] = "";
    json_t *doc, *alerts = NULL, *old = NULL;
    struct bol_str title;
    unsigned sev;
    int rc;

    id[0] = '\0';
    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text_buf(r->cmd, "id", id, sizeof(id), false, r->diag)) < 0 ||
        (rc = jv_text(r->cmd, "title", BOL_INCIDENT_TITLE_MAX, true, &title, r->diag)) < 0 ||
        (rc = jv_enum(r->cmd, "severity", bol_incident_severities, true, &sev, r->diag)) < 0 ||
        (rc = jv_text_buf(r->cmd, "terminal", terminal, sizeof(terminal), false, r->diag)) < 0 ||
        (rc = jv_array(r->cmd, "alerts", BOL_INCIDENT_ALERTS_MAX, false, &alerts, r->diag)) < 0)
        return rc;
    if (!id[0])
        bol_incident_default_id(r->now, id);
    if ((rc = bol_incident_id_check(bol_str_from(id), r->diag)) < 0)
        return rc;
    if (terminal[0]) {
        rc = r->v->exists(r->v->ctx, BOL_THING_TERMINAL, terminal, NULL);
        if (rc == BOL_E_NOTFOUND)
            return FAIL(r, BOL_E_NOTFOUND, "terminal", "no terminal %s", terminal);
        if (rc < 0)
            return rc;
    }
    rc = load_incident(r, id, &old);
    json_decref(old);
    if (rc == 0)
        return FAIL(r, BOL_E_CONFLICT, "id", "incident %s exists", id);
    if (rc != BOL_E_NOTFOUND)
        return rc;
    bol_diag_init(r->diag);
    doc = json_pack("{s:s,s:s%,s:s,s:s,s:s,s:O,s:i,s:i}", "id", id, "title", title.p, title.len,
                    "severity", bol_incident_severities[sev], "status", "open", "terminal",
                    terminal, "alerts", alerts ? alerts : json_array(), "notes", 0, "freezes", 0);
    if (!alerts)
        json_decref(json_object_get(doc, "alerts")); /* the new empty array's own reference */
    if (!doc || jv_set_time(doc, "opened_at", r->now) < 0) {
        json_decref(doc);
        return FAIL(r, BOL_E_NOMEM, "incident", "out of memory");
    }
    if ((rc = bol_incident_check(doc, r->diag)) < 0) {
        json_decref(doc);
        return rc;
    }
    return bol_cmd_emit(r, "incident.opened", terminal, json_pack("{s:o}", "incident", doc));
}

int bol_c_incident_note(struct run *r)
{
    static const char *const keys[] = { "id",     "kind",     "text",     "at", "addrs",
                                        "hashes", "accounts", "disclose", NULL };
    static const char *const copied[] = { "kind",     "text",     "addrs", "hashes",
                                          "accounts", "disclose", NULL };
    char id[BOL_INCIDENT_ID_MAX + 1];
    json_t *doc = NULL, *note = NULL, *v;
    int64_t at = r->now, n;
    size_t i;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 || (rc = jv_time(r->cmd, "at", false, &at, r->diag)) < 0)
        return rc;
    if (at > r->now)
        return FAIL(r, BOL_E_INVAL, "at", "a note is about something that already happened");
    if ((rc = open_incident(r, id, &doc)) < 0)
        return rc;
    note = json_object();
    for (i = 0; note && copied[i]; i++) {
        v = json_object_get(r->cmd, copied[i]);
        if (v && json_object_set(note, copied[i], v) < 0)
            rc = BOL_E_NOMEM;
    }
    if (!note || rc < 0 || jv_set_time(note, "at", at) < 0 ||
        jv_set_time(note, "noted_at", r->now) < 0) {
        rc = FAIL(r, BOL_E_NOMEM, "note", "out of memory");
        goto out;
    }
    if ((rc = bump(r, doc, "notes", &n)) < 0 || (rc = jv_set_int(note, "n", n)) < 0 ||
        (rc = bol_incident_note_check(note, r->diag)) < 0)
        goto out;
    rc = bol_cmd_emit(r, "incident.noted", json_string_value(json_object_get(doc, "terminal")),
                      json_pack("{s:O,s:O}", "incident", doc, "note", note));
out:
    json_decref(doc);
    json_decref(note);
    return rc;
}

int bol_c_incident_freeze(struct run *r)
{
    static const char *const keys[] = { "id",   "n", "manifest_sha256", "from", "to", "files",
                                        "path", NULL };
    static const char *const copied[] = { "manifest_sha256", "from", "to", "files", "path", NULL };
    char id[BOL_INCIDENT_ID_MAX + 1];
    json_t *doc = NULL, *fr = NULL, *v;
    int64_t want, n;
    size_t i;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_int(r->cmd, "n", 1, BOL_INCIDENT_NOTES_MAX, true, &want, r->diag)) < 0 ||
        (rc = open_incident(r, id, &doc)) < 0)
        return rc;
    if ((rc = bump(r, doc, "freezes", &n)) < 0)
        goto out;
    if (n != want) {
        rc = FAIL(r, BOL_E_CONFLICT, "n", "incident %s is at freeze %" PRId64 ", not %" PRId64, id,
                  n - 1, want - 1);
        goto out;
    }
    fr = json_object();
    for (i = 0; fr && copied[i]; i++) {
        v = json_object_get(r->cmd, copied[i]);
        if (v && json_object_set(fr, copied[i], v) < 0)
            rc = BOL_E_NOMEM;
    }
    if (!fr || rc < 0 || jv_set_time(fr, "at", r->now) < 0 || jv_set_int(fr, "n", n) < 0) {
        rc = FAIL(r, BOL_E_NOMEM, "freeze", "out of memory");
        goto out;
    }
    if ((rc = bol_incident_freeze_check(fr, r->diag)) < 0)
        goto out;
    rc = bol_cmd_emit(r, "incident.frozen", json_string_value(json_object_get(doc, "terminal")),
                      json_pack("{s:O,s:O}", "incident", doc, "freeze", fr));
out:
    json_decref(doc);
    json_decref(fr);
    return rc;
}

int bol_c_incident_close(struct run *r)
{
    static const char *const keys[] = { "id", "summary", NULL };
    char id[BOL_INCIDENT_ID_MAX + 1];
    struct bol_str summary;
    json_t *doc = NULL;
    int rc;

    if ((rc = bol_cmd_keys(r, keys)) < 0 ||
        (rc = jv_text(r->cmd, "summary", BOL_INCIDENT_TEXT_MAX, true, &summary, r->diag)) < 0 ||
        (rc = open_incident(r, id, &doc)) < 0)
        return rc;
    if (jv_set_str(doc, "status", "closed") < 0 || jv_set_time(doc, "closed_at", r->now) < 0 ||
        jv_set_strn(doc, "summary", summary) < 0) {
        json_decref(doc);
        return FAIL(r, BOL_E_NOMEM, "incident", "out of memory");
    }
    if ((rc = bol_incident_check(doc, r->diag)) < 0) {
        json_decref(doc);
        return rc;
    }
    return bol_cmd_emit(r, "incident.closed", json_string_value(json_object_get(doc, "terminal")),
                        json_pack("{s:o}", "incident", doc));
}
