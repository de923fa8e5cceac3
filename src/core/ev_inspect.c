/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev_inspect.c - inspect.completed: the result of a self-inspection
 *
 * Payload {"run": RUN}, RUN as bol_inspect_report_json writes it without
 * the long fields: {"at", "counts", "findings": [{"id", "severity",
 * "status"}], "fixed": [id], "fingerprints": {name: sha256 hex}, "profile":
 * {area: {"current", "target"}}}.  The state table inspect_run keeps every
 * run by its entry's seq, so the next run finds the previous one (the row
 * with the highest seq) without reading the journal.
 */
#include "compat.h"

#include "errors.h"
#include "events-int.h"
#include "inspect.h"
#include "jsonv.h"

#define RUN_FINDINGS_MAX 4000

static const struct bol_column inspect_run_cols[] = {
    { "seq", BOL_V_INT, false },
    { "at_us", BOL_V_INT, false },
    { "doc", BOL_V_TEXT, false },
};
const struct bol_table bol_t_inspect_run = { "inspect_run", inspect_run_cols, 3, 1, NULL };

static bool is_hex64(const char *s)
{
    size_t i;

    for (i = 0; i < 64; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    }
    return s[64] == '\0';
}

static int finding_check(json_t *f, size_t i, struct bol_diag *diag)
{
    static const char *const keys[] = { "id", "severity", "status", NULL };
    static const char *const status[] = { "new", "open", NULL };
    struct bol_str id;
    unsigned v;
    int r;

    if (!json_is_object(f))
        return bol_diag_fail(diag, BOL_E_INVAL, "findings", "findings[%zu] must be an object", i);
    if ((r = jv_only(f, keys, diag)) < 0 ||
        (r = jv_text(f, "id", BOL_INSPECT_ID_MAX - 1, true, &id, diag)) < 0 ||
        (r = jv_enum(f, "severity", bol_isev_names, true, &v, diag)) < 0 ||
        (r = jv_enum(f, "status", status, true, &v, diag)) < 0)
        return r;
    return 0;
}

static int run_check(json_t *run, struct bol_diag *diag)
{
    static const char *const keys[] = { "at",           "counts",  "findings", "fixed",
                                        "fingerprints", "profile", NULL };
    static const char *const lv[] = { "current", "target", NULL };
    json_t *counts, *findings, *fixed, *fps, *prof, *v;
    const char *k;
    int64_t t, n;
    size_t i;
    int r;

    if ((r = jv_only(run, keys, diag)) < 0 || (r = jv_time(run, "at", true, &t, diag)) < 0 ||
        (r = jv_object(run, "counts", true, &counts, diag)) < 0 ||
        (r = jv_array(run, "findings", RUN_FINDINGS_MAX, true, &findings, diag)) < 0 ||
        (r = jv_array(run, "fixed", RUN_FINDINGS_MAX, true, &fixed, diag)) < 0 ||
        (r = jv_object(run, "fingerprints", true, &fps, diag)) < 0 ||
        (r = jv_object(run, "profile", true, &prof, diag)) < 0 ||
        (r = jv_only(counts, bol_isev_names, diag)) < 0 ||
        (r = jv_only(prof, bol_iarea_names, diag)) < 0)
        return r;
    for (i = 0; bol_isev_names[i]; i++) {
        if ((r = jv_int(counts, bol_isev_names[i], 0, RUN_FINDINGS_MAX, true, &n, diag)) < 0)
            return r;
    }
    for (i = 0; bol_iarea_names[i]; i++) {
        json_t *a = NULL;

        if ((r = jv_object(prof, bol_iarea_names[i], true, &a, diag)) < 0 ||
            (r = jv_only(a, lv, diag)) < 0 ||
            (r = jv_int(a, "current", 0, BOL_INSPECT_LEVEL_MAX, true, &n, diag)) < 0 ||
            (r = jv_int(a, "target", 0, BOL_INSPECT_LEVEL_MAX, true, &n, diag)) < 0)
            return r;
    }
    json_array_foreach(findings, i, v)
    {
        if ((r = finding_check(v, i, diag)) < 0)
            return r;
    }
    json_array_foreach(fixed, i, v)
    {
        if (!json_is_string(v) || json_string_length(v) == 0 ||
            json_string_length(v) >= BOL_INSPECT_ID_MAX)
            return bol_diag_fail(diag, BOL_E_INVAL, "fixed", "fixed[%zu] must be a finding id", i);
    }
    if (json_object_size(fps) > BOL_INSPECT_FP_MAX)
        return bol_diag_fail(diag, BOL_E_INVAL, "fingerprints", "at most %d fingerprints",
                             BOL_INSPECT_FP_MAX);
    json_object_foreach(fps, k, v)
    {
        if (strlen(k) == 0 || strlen(k) >= sizeof(((struct bol_inspect_fingerprint *) 0)->name) ||
            !json_is_string(v) || !is_hex64(json_string_value(v)))
            return bol_diag_fail(diag, BOL_E_INVAL, "fingerprints",
                                 "fingerprint '%.32s' must be a SHA-256 in hex", k);
    }
    return 0;
}

static int completed_check(json_t *p, struct bol_diag *diag)
{
    static const char *const keys[] = { "run", NULL };
    json_t *run = NULL;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = jv_object(p, "run", true, &run, diag)) < 0)
        return r;
    return run_check(run, diag);
}

static int completed_apply(const struct bol_entry *e, json_t *p,
                           const struct bol_mutation_sink *sink, struct bol_diag *diag)
{
    struct bol_buf doc = BOL_BUF_INIT(BOL_ENTRY_MAX);
    struct bol_value row[3];
    int64_t at = 0;
    int r = completed_check(p, diag);

    if (r < 0)
        return r;
    if ((r = jv_time(json_object_get(p, "run"), "at", true, &at, diag)) < 0)
        return r;
    r = jv_dump(json_object_get(p, "run"), &doc);
    if (r < 0)
        return r;
    row[0] = BOL_VAL_INT(e->seq);
    row[1] = BOL_VAL_INT(at);
    row[2] = BOL_VAL_TEXT(bol_buf_str(&doc));
    r = sink->put(sink->ctx, &bol_t_inspect_run, row);
    bol_buf_release(&doc);
    return r;
}

const struct bol_event_def bol_inspect_events[] = {
    { "inspect.completed", 1, NULL, completed_check, completed_apply },
};
const size_t bol_inspect_nevents = BOL_ARRAY_SIZE(bol_inspect_events);
