/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_edi.c - bollard edi inspect: what an EDIFACT interchange holds
 */
#include "compat.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "errors.h"
#include "log.h"
#include "mem.h"
#include "baplie.h"
#include "summary.h"

const char *const cmd_edi_inspect_usage[] = {
    "usage: bollard edi inspect [--json] FILE...",
    "",
    "Read UN/EDIFACT interchanges and show what a planner needs before an",
    "import: sender and receiver, each message's type and version, vessel and",
    "voyage, counts of containers (EQD), reefer temperatures (TMP),",
    "dangerous-goods lines (DGS) and verified gross masses (VGM), and every",
    "warning and error with its byte offset, segment number, tag and element;",
    "bay plans (BAPLIE) are read as such too, so a wrong check digit or an",
    "unreadable VGM is shown where it is.",
    "Nothing is imported.  --json prints one object per file.  Exit 0 when",
    "every message is whole (warnings allowed), 1 when any has an error.",
    NULL,
};

#define FILE_MAX ((size_t) 64 << 20)

static int read_file(const char *path, char **ret, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t n = 0, cap = 0;

    *ret = NULL;
    if (!f) {
        bol_log_error("%s: %s", path, strerror(errno));
        return -1;
    }
    for (;;) {
        size_t got;

        if (n == cap) {
            char *q;

            if (cap > FILE_MAX) {
                bol_log_error("%s: larger than %zu bytes", path, FILE_MAX);
                goto fail;
            }
            cap = cap ? cap * 2 : 65536;
            q = bol_realloc(p, cap);
            if (!q) {
                bol_log_error("%s: out of memory", path);
                goto fail;
            }
            p = q;
        }
        got = fread(p + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        bol_log_error("%s: %s", path, strerror(errno));
        goto fail;
    }
    fclose(f);
    *ret = p;
    *len = n;
    return 0;
fail:
    fclose(f);
    bol_free(p);
    return -1;
}

static json_t *note_json(const struct bol_edi_note *nt)
{
    return json_pack("{s:I,s:i,s:s,s:i,s:s}", "offset", (json_int_t) nt->offset, "segment",
                     (int) nt->segment, "tag", nt->tag, "element", (int) nt->element, "message",
                     nt->text);
}

static json_t *notes_json(const struct bol_edi_interchange *ic, int msg, bool errors)
{
    json_t *a = json_array();
    size_t i;

    for (i = 0; a && i < ic->nnotes; i++)
        if (ic->notes[i].msg == msg && ic->notes[i].error == errors)
            json_array_append_new(a, note_json(&ic->notes[i]));
    return a;
}

static json_t *summary_json(const char *path, const struct bol_edi_summary *s)
{
    const struct bol_edi_interchange *ic = &s->ic;
    json_t *o, *msgs = json_array();
    size_t i;

    for (i = 0; msgs && i < ic->nmsgs && i < s->cap; i++) {
        const struct bol_edi_message *m = &ic->msgs[i];
        const struct bol_edi_msg_summary *ms = &s->msgs[i];
        char version[16];

        snprintf(version, sizeof(version), "%s:%s", m->version, m->release);
        json_array_append_new(
            msgs,
            json_pack("{s:s,s:s,s:s,s:s,s:s,s:I,s:i,s:b,s:b,s:s,s:s,s:s,s:i,s:i,s:i,s:i,"
                      "s:o,s:o}",
                      "type", m->type, "version", version, "agency", m->agency, "assoc", m->assoc,
                      "ref", m->ref, "offset", (json_int_t) m->offset, "segments",
                      (int) m->segments, "complete", m->complete, "failed", m->failed, "vessel",
                      ms->vessel, "vessel_id", ms->vessel_id, "voyage", ms->voyage, "containers",
                      (int) ms->containers, "reefers", (int) ms->reefers, "dg_lines",
                      (int) ms->dg_lines, "vgm", (int) ms->vgm, "warnings",
                      notes_json(ic, (int) i, false), "errors", notes_json(ic, (int) i, true)));
    }
    o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:b,s:b,s:i,s:o,s:o,s:o,s:b}", "file", path,
                  "syntax", ic->syntax, "syntax_version", ic->syntax_version, "sender", ic->sender,
                  "recipient", ic->recipient, "prepared", ic->prepared, "control", ic->control,
                  "una", ic->una, "bom", ic->bom, "segments", (int) ic->segments, "messages", msgs,
                  "warnings", notes_json(ic, -1, false), "errors", notes_json(ic, -1, true),
                  "failed", ic->failed);
    if (o && ic->notes_dropped)
        json_object_set_new(o, "notes_dropped", json_integer((json_int_t) ic->notes_dropped));
    return o;
}

static void print_notes(const struct bol_edi_interchange *ic, int msg, const char *indent)
{
    size_t i;

    for (i = 0; i < ic->nnotes; i++) {
        const struct bol_edi_note *nt = &ic->notes[i];

        if (nt->msg != msg)
            continue;
        printf("%s%s at byte %llu, segment %u", indent, nt->error ? "error" : "warning",
               (unsigned long long) nt->offset, nt->segment);
        if (nt->tag[0])
            printf(" (%s)", nt->tag);
        if (nt->element)
            printf(", element %u", nt->element);
        printf(": %s\n", nt->text);
    }
}

static void print_text(const char *path, const struct bol_edi_summary *s)
{
    const struct bol_edi_interchange *ic = &s->ic;
    size_t i;

    printf("%s: ", path);
    if (ic->unb)
        printf("interchange %s from %s to %s, prepared %s, syntax %s:%s", ic->control, ic->sender,
               ic->recipient, ic->prepared, ic->syntax, ic->syntax_version);
    else
        printf("no interchange envelope");
    printf(", %u segments%s%s\n", ic->segments, ic->una ? ", UNA" : "",
           ic->bom ? ", byte-order mark" : "");
    for (i = 0; i < ic->nmsgs && i < s->cap; i++) {
        const struct bol_edi_message *m = &ic->msgs[i];
        const struct bol_edi_msg_summary *ms = &s->msgs[i];

        printf("  message %zu: %s %s:%s%s%s ref %s, %u segments at byte %llu%s\n", i + 1, m->type,
               m->version, m->release, m->assoc[0] ? " " : "", m->assoc, m->ref, m->segments,
               (unsigned long long) m->offset, m->failed ? " - CANNOT IMPORT" : "");
        if (ms->vessel[0] || ms->voyage[0])
            printf("    vessel %s%s%s%s, voyage %s\n", ms->vessel[0] ? ms->vessel : "-",
                   ms->vessel_id[0] && strcmp(ms->vessel_id, ms->vessel) ? " (" : "",
                   ms->vessel_id[0] && strcmp(ms->vessel_id, ms->vessel) ? ms->vessel_id : "",
                   ms->vessel_id[0] && strcmp(ms->vessel_id, ms->vessel) ? ")" : "",
                   ms->voyage[0] ? ms->voyage : "-");
        printf("    containers %u, reefers %u, DG lines %u, VGM %u\n", ms->containers, ms->reefers,
               ms->dg_lines, ms->vgm);
        print_notes(ic, (int) i, "    ");
    }
    print_notes(ic, -1, "  ");
    if (ic->notes_dropped)
        printf("  (%zu more warnings and errors not shown)\n", ic->notes_dropped);
}

/*
 * Bay plans are also read as such, so the planner sees the mapper's
 * warnings and errors too (a wrong check digit, an unreadable VGM): the
 * walk is the same, so its notes replace the envelope-only ones.
 */
static int add_baplie_notes(const char *p, size_t n, struct bol_edi_summary *s)
{
    struct bol_baplie_set bs;
    struct bol_edi_note *notes;
    size_t i, nn, cap;
    int rc;

    for (i = 0; i < s->ic.nmsgs && strcmp(s->ic.msgs[i].type, "BAPLIE") != 0; i++)
        ;
    if (i == s->ic.nmsgs)
        return 0;
    rc = bol_baplie_read(p, n, NULL, &bs);
    if (rc == BOL_E_NOMEM || bs.ic.nmsgs != s->ic.nmsgs) {
        bol_baplie_set_release(&bs);
        return rc == BOL_E_NOMEM ? rc : 0;
    }
    for (i = 0; i < s->ic.nmsgs; i++)
        s->ic.msgs[i].failed = bs.ic.msgs[i].failed;
    s->ic.failed = bs.ic.failed;
    notes = s->ic.notes, nn = s->ic.nnotes, cap = s->ic.notes_cap;
    s->ic.notes = bs.ic.notes, s->ic.nnotes = bs.ic.nnotes, s->ic.notes_cap = bs.ic.notes_cap;
    s->ic.notes_dropped = bs.ic.notes_dropped;
    bs.ic.notes = notes, bs.ic.nnotes = nn, bs.ic.notes_cap = cap;
    bol_baplie_set_release(&bs);
    return 0;
}

static bool any_failed(const struct bol_edi_interchange *ic)
{
    size_t i;

    for (i = 0; i < ic->nmsgs; i++)
        if (ic->msgs[i].failed)
            return true;
    return ic->failed;
}

int cmd_edi_inspect(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    bool json = false, failed = false;
    int ch, i;

    (void) ctx;
    while ((ch = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (ch) {
        case 'j':
            json = true;
            break;
        case 'h':
            return cli_usage(cmd_edi_inspect_usage, false);
        default:
            return cli_usage(cmd_edi_inspect_usage, true);
        }
    }
    if (optind >= argc)
        return cli_usage(cmd_edi_inspect_usage, true);
    for (i = optind; i < argc; i++) {
        struct bol_edi_summary s;
        char *p;
        size_t n;
        int rc;

        if (read_file(argv[i], &p, &n) < 0) {
            failed = true;
            continue;
        }
        rc = bol_edi_summarize(p, n, NULL, &s);
        if (rc != BOL_E_NOMEM)
            rc = add_baplie_notes(p, n, &s);
        if (rc == BOL_E_NOMEM) {
            bol_log_error("%s: out of memory", argv[i]);
            failed = true;
        } else if (json) {
            json_t *o = summary_json(argv[i], &s);

            if (!o || json_dumpf(o, stdout, JSON_COMPACT) < 0)
                failed = true;
            putchar('\n');
            json_decref(o);
        } else {
            print_text(argv[i], &s);
        }
        failed |= any_failed(&s.ic);
        bol_edi_summary_release(&s);
        bol_free(p);
    }
    return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}
