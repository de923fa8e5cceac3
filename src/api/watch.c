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
 * a few times an hour), lists (dwell, holds, reefers, a queue, a yard block)
 * of at least EXPORT_NOTE_MIN records, and smaller lists once one caller
 * has taken EXPORT_NOTE_MIN records of a kind through them (the UI's
 * ordinary pages stay below it and leave no trace; walking every block does
 * not).
 */
#include "compat.h"

#include <pthread.h>

#include "api-int.h"
#include "container_id.h"
#include "edifact.h"
#include "entry.h"
#include "mem.h"
#include "query.h"
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

bool api_canary_trip_container(struct req *r, const char *text, const char *how)
{
    struct bol_container_id id;
    struct bol_diag d;

    bol_diag_init(&d);
    if (!text || bol_container_id_normalize(bol_str_from(text), &id, &d) < 0)
        return false;
    return api_canary_trip(r, "container", id.s, how);
}

/* The container decoys as a set {id: true}, or NULL when there are none (or on an error). */
static json_t *container_decoys(struct req *r)
{
    struct bol_store *s = NULL;
    struct bol_diag d;
    json_t *a = NULL, *set, *v;
    size_t i;
    int rc;

    bol_diag_init(&d);
    rc = api_reader_get(r->api, &s, &d);
    if (rc == 0)
        rc = bol_query_docs(s, BOL_DOC_CANARY, NULL, &a, &d);
    api_reader_put(r->api, s);
    if (rc < 0) {
        fprintf(stderr, "bollard serve: cannot read the decoys: %s\n", d.msg);
        return NULL;
    }
    set = json_object();
    json_array_foreach(a, i, v)
    {
        const char *kind = json_string_value(json_object_get(v, "kind"));
        const char *id = json_string_value(json_object_get(v, "id"));

        if (set && kind && id && !strcmp(kind, "container"))
            json_object_set_new(set, id, json_true());
    }
    json_decref(a);
    if (set && json_object_size(set) == 0) {
        json_decref(set);
        set = NULL;
    }
    return set;
}

/*
 * Every container an interchange names is in an EQD segment (element 2),
 * whatever the message: the segments are read once, each distinct decoy
 * named is tripped once.  Unreadable segments are skipped (the import
 * reports them); nothing here changes what the import does or answers.
 */
void api_canary_trip_edi(struct req *r, const char *p, size_t n)
{
    struct bol_edi_limits lim = { 0, 0, 0 };
    struct bol_edi_reader rd;
    struct bol_edi_seg *seg;
    json_t *decoys, *hits;
    const char *id;
    json_t *v;
    int rc;

    if (!p || n == 0 || !(decoys = container_decoys(r)))
        return;
    seg = bol_malloc(sizeof(*seg));
    hits = json_object();
    if (!seg || !hits) {
        bol_free(seg);
        json_decref(hits);
        json_decref(decoys);
        return;
    }
    bol_edi_reader_init(&rd, p, n, &lim);
    for (;;) {
        struct bol_container_id cid;
        struct bol_diag d;
        char text[32];

        bol_diag_init(&d);
        rc = bol_edi_next(&rd, seg, &d);
        if (rc == 0)
            break;
        if (rc < 0) {
            if (bol_edi_resync(&rd) == 0)
                break;
            continue;
        }
        if (strcmp(seg->tag, "EQD") != 0 ||
            bol_edi_text(&rd.syn, bol_edi_get(seg, 2, 1), text, sizeof(text)) <= 0 ||
            bol_container_id_normalize(bol_str_from(text), &cid, &d) < 0)
            continue;
        if (json_object_get(decoys, cid.s))
            json_object_set_new(hits, cid.s, json_true());
    }
    bol_free(seg);
    json_decref(decoys);
    json_object_foreach(hits, id, v) api_canary_trip(r, "container", id, "named in an EDI import");
    json_decref(hits);
}

/*
 * Lists below EXPORT_NOTE_MIN records are counted per caller and kind of
 * list, and journaled once a caller's count reaches it within
 * EXPORT_TALLY_WINDOW_US: one yard block is an ordinary page, every block
 * one after another is an export.  A count older than the window starts
 * again; with more callers than slots, the oldest count is dropped (it
 * was below EXPORT_NOTE_MIN).
 */
#define EXPORT_TALLY_SLOTS     64
#define EXPORT_TALLY_WINDOW_US (600 * 1000000LL)

static struct export_tally {
    char actor[BOL_ACTOR_MAX + 1];
    char what[16];
    size_t rows;
    int64_t since_us;
} tally[EXPORT_TALLY_SLOTS];
static pthread_mutex_t tally_lock = PTHREAD_MUTEX_INITIALIZER;

/* Adds rows to the caller's count of what: the count to journal now, or 0. */
static size_t tally_add(const char *actor, const char *what, size_t rows, int64_t now_us)
{
    struct export_tally *t = NULL;
    size_t i, due = 0;

    pthread_mutex_lock(&tally_lock);
    for (i = 0; i < EXPORT_TALLY_SLOTS && !t; i++)
        if (tally[i].rows && !strcmp(tally[i].actor, actor) && !strcmp(tally[i].what, what))
            t = &tally[i];
    if (t && now_us - t->since_us > EXPORT_TALLY_WINDOW_US)
        t->rows = 0;
    if (!t) {
        t = &tally[0];
        for (i = 0; i < EXPORT_TALLY_SLOTS && t->rows; i++)
            if (!tally[i].rows || tally[i].since_us < t->since_us)
                t = &tally[i];
        t->rows = 0;
        snprintf(t->actor, sizeof(t->actor), "%s", actor);
        snprintf(t->what, sizeof(t->what), "%s", what);
    }
    if (t->rows == 0)
        t->since_us = now_us;
    t->rows += rows;
    if (t->rows >= EXPORT_NOTE_MIN) {
        due = t->rows;
        t->rows = 0;
    }
    pthread_mutex_unlock(&tally_lock);
    return due;
}

void api_note_export(struct req *r, const char *what, size_t rows, bool bulk)
{
    const char *actor = r->who.actor[0] ? r->who.actor : "anonymous";
    struct bol_ops_call call;
    struct bol_diag d;
    json_t *cmd;

    if (rows == 0)
        return;
    if (!bulk && rows < EXPORT_NOTE_MIN && (rows = tally_add(actor, what, rows, r->now)) == 0)
        return;
    cmd = json_pack("{s:s,s:s,s:I}", "cmd", "data.export", "what", what, "rows", (json_int_t) rows);
    memset(&call, 0, sizeof(call));
    bol_diag_init(&d);
    if (!cmd || api_run_as(r, actor, cmd, &call, &d) < 0)
        fprintf(stderr, "bollard serve: cannot journal an export: %s\n", d.msg);
    json_decref(cmd);
}
