/* SPDX-License-Identifier: Apache-2.0 */
/*
 * ev_incident.c - incident events: opened, noted, frozen, closed
 *
 * Each event carries the incident's document after the change (incident.h)
 * and, for a note or a freeze, that note or freeze, so applying needs no
 * read: the row of the "incident" table is replaced by the document.  The
 * note or freeze's number is the document's count after it, which the
 * check holds them to.
 */
#include "compat.h"

#include <string.h>

#include "buf.h"
#include "errors.h"
#include "events-int.h"
#include "incident.h"
#include "jsonv.h"

static const struct bol_column incident_cols[] = {
    { "id", BOL_V_TEXT, false },
    { "doc", BOL_V_TEXT, false },
    { "changed_seq", BOL_V_INT, false },
};
const struct bol_table bol_t_incident = { "incident", incident_cols, 3, 1, NULL };

/* {"incident": doc, "<extra>": object} with the extra's number equal to the doc's count. */
static int check_with(json_t *p, const char *extra, const char *count, const char *status,
                      struct bol_diag *diag)
{
    const char *keys[] = { "incident", extra, NULL };
    json_t *doc = NULL, *x = NULL;
    int r;

    if ((r = jv_only(p, keys, diag)) < 0 || (r = jv_object(p, "incident", true, &doc, diag)) < 0 ||
        (r = bol_incident_check(doc, diag)) < 0)
        return r;
    if (status && strcmp(json_string_value(json_object_get(doc, "status")), status) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "status", "the incident must be %s", status);
    if (!extra)
        return 0;
    if ((r = jv_object(p, extra, true, &x, diag)) < 0)
        return r;
    r = !strcmp(extra, "note") ? bol_incident_note_check(x, diag)
                               : bol_incident_freeze_check(x, diag);
    if (r < 0)
        return r;
    if (!json_equal(json_object_get(x, "n"), json_object_get(doc, count)))
        return bol_diag_fail(diag, BOL_E_INVAL, "n", "the %s's number is not the incident's %s",
                             extra, count);
    return 0;
}

static int opened_check(json_t *p, struct bol_diag *diag)
{
    json_t *doc;
    int r = check_with(p, NULL, NULL, "open", diag);

    if (r < 0)
        return r;
    doc = json_object_get(p, "incident");
    if (json_integer_value(json_object_get(doc, "notes")) != 0 ||
        json_integer_value(json_object_get(doc, "freezes")) != 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "incident", "a new incident has no notes yet");
    return 0;
}

static int noted_check(json_t *p, struct bol_diag *diag)
{
    return check_with(p, "note", "notes", NULL, diag);
}

static int frozen_check(json_t *p, struct bol_diag *diag)
{
    return check_with(p, "freeze", "freezes", NULL, diag);
}

static int closed_check(json_t *p, struct bol_diag *diag)
{
    return check_with(p, NULL, NULL, "closed", diag);
}

static int put_incident(const struct bol_entry *e, json_t *p, const struct bol_mutation_sink *sink)
{
    json_t *doc = json_object_get(p, "incident");
    struct bol_buf b = BOL_BUF_INIT(1 << 20);
    struct bol_value row[3];
    const char *id = json_string_value(json_object_get(doc, "id"));
    int r = jv_dump(doc, &b);

    if (r < 0)
        return r;
    row[0] = BOL_VAL_TEXT(bol_str_from(id));
    row[1] = BOL_VAL_TEXT(bol_buf_str(&b));
    row[2] = BOL_VAL_INT(e->seq);
    r = sink->put(sink->ctx, &bol_t_incident, row);
    bol_buf_release(&b);
    return r;
}

#define APPLY(name)                                                                                \
    static int name##_apply(const struct bol_entry *e, json_t *p,                                  \
                            const struct bol_mutation_sink *sink, struct bol_diag *diag)           \
    {                                                                                              \
        int r = name##_check(p, diag);                                                             \
                                                                                                   \
        return r < 0 ? r : put_incident(e, p, sink);                                               \
    }

APPLY(opened)
APPLY(noted)
APPLY(frozen)
APPLY(closed)

const struct bol_event_def bol_incident_events[] = {
    { "incident.closed", 1, NULL, closed_check, closed_apply },
    { "incident.frozen", 1, NULL, frozen_check, frozen_apply },
    { "incident.noted", 1, NULL, noted_check, noted_apply },
    { "incident.opened", 1, NULL, opened_check, opened_apply },
};
const size_t bol_incident_nevents = BOL_ARRAY_SIZE(bol_incident_events);
