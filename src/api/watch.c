/* SPDX-License-Identifier: Apache-2.0 */
/*
 * watch.c - what the API tells detection besides writes: decoys touched and
 * large reads
 *
 * A decoy (canary.created) has no real record, so every lookup of one ends
 * in "not found" like any other unknown id; before answering, the lookup is
 * checked against the canary table and, on a match, journaled as
 * canary.tripped with the caller and its address.  The detector turns that
 * into a high alert.  The answer itself does not change, so the intruder
 * learns nothing.  Reads that hand over records in bulk are journaled as
 * data.exported with their record count, for the bulk-export rule: every
 * EDI export and event-feed page that carries records (machines pull these,
 * a few times an hour), and lists of at least EXPORT_NOTE_MIN records (the
 * UI's ordinary pages stay below it and leave no trace).
 */
#include "compat.h"

#include "api-int.h"
#include "view.h"

#define EXPORT_NOTE_MIN 100

bool api_canary_trip(struct req *r, const char *kind, const char *id, const char *how)
{
    struct bol_store *s = NULL;
    struct bol_ops_call call;
    struct bol_diag d;
    json_t *o = NULL, *cmd;
    const char *k;
    bool hit;
    int rc;

    bol_diag_init(&d);
    if (!id || !id[0] || api_reader_get(r->api, &s, &d) < 0)
        return false;
    rc = api_doc(s, BOL_DOC_CANARY, id, &o, &d);
    api_reader_put(r->api, s);
    k = json_string_value(json_object_get(o, "kind"));
    hit = rc == 0 && k && !strcmp(k, kind);
    json_decref(o);
    if (!hit)
        return false;
    cmd = json_pack("{s:s,s:s,s:s,s:s}", "cmd", "canary.trip", "kind", kind, "id", id, "how", how);
    memset(&call, 0, sizeof(call));
    bol_diag_init(&d);
    if (!cmd || api_run_as(r, r->who.actor[0] ? r->who.actor : "anonymous", cmd, &call, &d) < 0)
        fprintf(stderr, "bollard serve: cannot journal a decoy's use: %s\n", d.msg);
    json_decref(cmd);
    return true;
}

void api_note_export(struct req *r, const char *what, size_t rows, bool bulk)
{
    struct bol_ops_call call;
    struct bol_diag d;
    json_t *cmd;

    if (rows == 0 || (!bulk && rows < EXPORT_NOTE_MIN))
        return;
    cmd = json_pack("{s:s,s:s,s:I}", "cmd", "data.export", "what", what, "rows", (json_int_t) rows);
    memset(&call, 0, sizeof(call));
    bol_diag_init(&d);
    if (!cmd || api_run_as(r, r->who.actor[0] ? r->who.actor : "anonymous", cmd, &call, &d) < 0)
        fprintf(stderr, "bollard serve: cannot journal an export: %s\n", d.msg);
    json_decref(cmd);
}
