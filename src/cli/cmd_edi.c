/* SPDX-License-Identifier: Apache-2.0 */
/*
 * cmd_edi.c - bollard edi inspect, import and export: EDIFACT in and out
 */
#include "compat.h"

#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include <fcntl.h>
#include <unistd.h>

#include "cli.h"
#include "edi_boxes.h"
#include "edi_export.h"
#include "edi_import.h"
#include "entry.h"
#include "errors.h"
#include "log.h"
#include "mem.h"
#include "baplie.h"
#include "store.h"
#include "summary.h"
#include "utctime.h"

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
        if (ms->smdg[0])
            json_object_update_new(json_array_get(msgs, json_array_size(msgs) - 1),
                                   json_pack("{s:s,s:i,s:i}", "smdg", ms->smdg, "reserved",
                                             (int) ms->reserved, "blocked", (int) ms->blocked));
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
        if (ms->smdg[0])
            printf("    bay plan SMDG %s: reserved cells %u, blocked cells %u\n", ms->smdg,
                   ms->reserved, ms->blocked);
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
    for (i = 0; i < bs.nplans && bs.plans[i].msg < s->cap; i++) {
        const struct bol_baplie *b = &bs.plans[i];
        struct bol_edi_msg_summary *ms = &s->msgs[b->msg];

        /* "SMDG31" is 3.1; D.13B without one is 3.x as well */
        if (!strncmp(b->smdg, "SMDG", 4) && strlen(b->smdg) == 6)
            snprintf(ms->smdg, sizeof(ms->smdg), "%c.%c", b->smdg[4], b->smdg[5]);
        else
            snprintf(ms->smdg, sizeof(ms->smdg), "%s", b->v31 ? "3" : "?");
        ms->reserved = b->reserved;
        ms->blocked = b->blocked;
    }
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

        if (cli_read_file(argv[i], FILE_MAX, &p, &n) < 0) {
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

/* ---- bollard edi import ---- */

const char *const cmd_edi_import_usage[] = {
    "usage: bollard edi import --data DIR [--visit ID | --create-visit] [--terminal T]",
    "                          [--actor NAME] [--json] FILE...",
    "",
    "Import UN/EDIFACT messages: each message on its own, all or nothing.  A",
    "message with an error changes nothing and is reported with its byte",
    "offset and segment; a good message in the same interchange still imports.",
    "Importing the same message into the same visit again changes nothing.",
    "Bay plans (BAPLIE) put their boxes on board the visit given with --visit,",
    "or with --create-visit a new visit CALLSIGN-VOYAGE of the plan's vessel",
    "(a defined vessel, found by IMO number or call sign) at the terminal",
    "given (or the only one).  A wrong check digit is imported and flagged;",
    "an EQD without a number is a reserved slot.  VGM declarations (VERMAS)",
    "record each known box's verified gross mass and method, naming the",
    "message as the reason; for boxes bollard has no record of the VGM is kept",
    "pending and goes into the box's registration.  Container announcements",
    "(COPARN, BGM 126) register their boxes as announced, to come by road; boxes",
    "bollard already knows are left alone.  Release orders (COPARN, BGM 12)",
    "record a booking's release, which trucks quote at the gate.",
    "Move reports (COARRI, CODECO) from partners' systems record each",
    "discharge, load, gate-in and gate-out they report through the same",
    "commands and rules as any other move, into the visit given with --visit",
    "(or the visit of the report's vessel and voyage) or at the gate of the",
    "terminal given with --terminal (or the only one); moves already recorded",
    "are counted, not repeated.",
    "Loading and discharge orders (COPRAR) record the visit's load or",
    "discharge list from the sender (original adds, replacement replaces,",
    "cancellation removes); stowage instructions (MOVINS) replace the",
    "visit's instructions.  Their visit is --visit, or the defined visit of",
    "the message's vessel and voyage.",
    "Exit 0 when every message imported (now or before), 1 when any failed.",
    "",
    "    --data DIR       the data directory",
    "    --visit ID       the vessel visit bay plans, COARRI and orders go into",
    "    --create-visit   make the visit from the plan's vessel and voyage",
    "    --terminal T     the terminal of a visit made with --create-visit, or",
    "                     of a CODECO's gate",
    "    --actor NAME     who is importing (default: local:<login name>)",
    "    --json           print one report object per file",
    NULL,
};

static json_int_t jint(json_t *o, const char *k)
{
    return json_integer_value(json_object_get(o, k));
}

static void print_import(const char *path, json_t *rep)
{
    json_t *m, *nt;
    size_t i, k;

    printf("%s\n", path);
    json_array_foreach(json_object_get(json_object_get(rep, "interchange"), "notes"), k, nt)
        printf("  %s at byte %" JSON_INTEGER_FORMAT ", segment %" JSON_INTEGER_FORMAT ": %s\n",
               json_string_value(json_object_get(nt, "level")), jint(nt, "offset"),
               jint(nt, "segment"), json_string_value(json_object_get(nt, "message")));
    json_array_foreach(json_object_get(rep, "messages"), i, m)
    {
        json_t *vis = json_object_get(m, "visit"), *seq = json_object_get(m, "seq");

        printf("  message %s (%s %s): %s", json_string_value(json_object_get(m, "ref")),
               json_string_value(json_object_get(m, "type")),
               json_string_value(json_object_get(m, "version")),
               json_string_value(json_object_get(m, "outcome")));
        if (vis)
            printf(", visit %s", json_string_value(vis));
        if (json_object_get(m, "terminal"))
            printf(", gate of %s", json_string_value(json_object_get(m, "terminal")));
        if (seq)
            printf(", journal %" JSON_INTEGER_FORMAT "..%" JSON_INTEGER_FORMAT,
                   json_integer_value(json_array_get(seq, 0)),
                   json_integer_value(json_array_get(seq, 1)));
        putchar('\n');
        if (json_object_get(m, "registered"))
            printf("    containers %" JSON_INTEGER_FORMAT ": %" JSON_INTEGER_FORMAT
                   " registered (%" JSON_INTEGER_FORMAT " flagged), %" JSON_INTEGER_FORMAT
                   " reserved slots, %" JSON_INTEGER_FORMAT " unidentified, %" JSON_INTEGER_FORMAT
                   " already on board; reefers %" JSON_INTEGER_FORMAT
                   ", DG lines %" JSON_INTEGER_FORMAT ", VGM %" JSON_INTEGER_FORMAT "\n",
                   jint(m, "containers"), jint(m, "registered"), jint(m, "flagged"),
                   jint(m, "reserved"), jint(m, "unidentified"), jint(m, "already_on_board"),
                   jint(m, "reefers"), jint(m, "dg_lines"), jint(m, "vgm"));
        if (json_object_get(m, "announced"))
            printf("    containers %" JSON_INTEGER_FORMAT ": %" JSON_INTEGER_FORMAT
                   " announced (%" JSON_INTEGER_FORMAT " flagged), %" JSON_INTEGER_FORMAT
                   " already known, %" JSON_INTEGER_FORMAT
                   " unidentified; reefers %" JSON_INTEGER_FORMAT ", DG lines %" JSON_INTEGER_FORMAT
                   ", VGM %" JSON_INTEGER_FORMAT "\n",
                   jint(m, "containers"), jint(m, "announced"), jint(m, "flagged"),
                   jint(m, "already_known"), jint(m, "unidentified"), jint(m, "reefers"),
                   jint(m, "dg_lines"), jint(m, "vgm"));
        if (json_object_get(m, "recorded"))
            printf("    containers %" JSON_INTEGER_FORMAT ": %" JSON_INTEGER_FORMAT
                   " moves recorded, %" JSON_INTEGER_FORMAT
                   " already recorded (%" JSON_INTEGER_FORMAT " flagged)\n",
                   jint(m, "containers"), jint(m, "recorded"), jint(m, "already_recorded"),
                   jint(m, "flagged"));
        if (json_object_get(m, "corrected"))
            printf("    containers %" JSON_INTEGER_FORMAT ": VGM recorded for %" JSON_INTEGER_FORMAT
                   ", unchanged %" JSON_INTEGER_FORMAT ", %" JSON_INTEGER_FORMAT
                   " kept pending (box not yet known), %" JSON_INTEGER_FORMAT " without VGM\n",
                   jint(m, "containers"), jint(m, "corrected"), jint(m, "unchanged"),
                   jint(m, "pending"), jint(m, "without_vgm"));
        if (json_object_get(m, "releases"))
            printf("    release orders recorded: %" JSON_INTEGER_FORMAT "\n", jint(m, "releases"));
        json_array_foreach(json_object_get(m, "notes"), k, nt) printf(
            "    %s at byte %" JSON_INTEGER_FORMAT ", segment %" JSON_INTEGER_FORMAT ": %s\n",
            json_string_value(json_object_get(nt, "level")), jint(nt, "offset"),
            jint(nt, "segment"), json_string_value(json_object_get(nt, "message")));
        if (jint(m, "notes_dropped"))
            printf("    (%" JSON_INTEGER_FORMAT " more notes not shown)\n",
                   jint(m, "notes_dropped"));
    }
}

int cmd_edi_import(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },   { "visit", required_argument, NULL, 'v' },
        { "create-visit", no_argument, NULL, 'c' }, { "terminal", required_argument, NULL, 't' },
        { "actor", required_argument, NULL, 'a' },  { "json", no_argument, NULL, 'j' },
        { "help", no_argument, NULL, 'h' },         { NULL, 0, NULL, 0 },
    };
    struct bol_edi_import_opts io;
    struct bol_ops_opts oo;
    struct bol_ops *ops = NULL;
    struct bol_actor actor;
    struct bol_diag d;
    const char *data = NULL, *who = NULL;
    char actor_id[BOL_ACTOR_MAX + 1];
    bool json = false, failed = false;
    int ch, i, r;

    (void) ctx;
    memset(&io, 0, sizeof(io));
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            data = optarg;
            break;
        case 'v':
            io.visit = optarg;
            break;
        case 'c':
            io.create_visit = true;
            break;
        case 't':
            io.terminal = optarg;
            break;
        case 'a':
            who = optarg;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            return cli_usage(cmd_edi_import_usage, false);
        default:
            return cli_usage(cmd_edi_import_usage, true);
        }
    }
    if (!data || optind >= argc || (io.visit && io.create_visit))
        return cli_usage(cmd_edi_import_usage, true);
    if (who)
        snprintf(actor_id, sizeof(actor_id), "%s", who);
    else
        cli_default_actor(actor_id, sizeof(actor_id));
    bol_diag_init(&d);
    if (bol_entry_check_actor(bol_str_from(actor_id), &d) < 0) {
        bol_log_error("--actor: %s", d.msg);
        return CLI_EXIT_USAGE;
    }
    actor.id = bol_str_from(actor_id);
    actor.addr = bol_str_make("", 0);
    memset(&oo, 0, sizeof(oo));
    oo.data_dir = data;
    r = bol_ops_open(&oo, &ops, &d);
    if (r < 0) {
        bol_log_error("cannot open the store: %s", d.msg);
        return CLI_EXIT_FAIL;
    }
    for (i = optind; i < argc; i++) {
        json_t *rep = NULL;
        char *p;
        size_t n;

        if (cli_read_file(argv[i], FILE_MAX, &p, &n) < 0) {
            failed = true;
            continue;
        }
        bol_diag_init(&d);
        r = bol_edi_import(ops, &actor, p, n, &io, &rep, &d);
        bol_free(p);
        if (!rep) {
            bol_log_error("%s: %s", argv[i], d.msg[0] ? d.msg : bol_strerror(r));
            failed = true;
            continue;
        }
        failed |= r < 0;
        if (json) {
            if (json_object_set_new(rep, "file", json_string(argv[i])) != 0 ||
                json_dumpf(rep, stdout, JSON_COMPACT | JSON_SORT_KEYS) < 0)
                failed = true;
            putchar('\n');
        } else {
            print_import(argv[i], rep);
        }
        json_decref(rep);
    }
    bol_ops_close(ops);
    return failed ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

/* ---- bollard edi export ---- */

const char *const cmd_edi_export_usage[] = {
    "usage: bollard edi export --data DIR (--visit ID | --terminal CODE | --booking B)",
    "                          [--line CODE] [--after SEQ] [--version 2.2|3.1] [--out FILE]",
    "                          baplie|coarri|codeco|coparn|coprar|movins|vermas|dcsa",
    "",
    "Write what the terminal tells shipping lines, as UN/EDIFACT (SMDG, D.95B;",
    "a 3.1 bay plan D.13B) to standard output or FILE:",
    "",
    "    baplie   the departure bay plan of a vessel visit: every box on board",
    "             with its cell, size-type, weights, ports, reefer temperature,",
    "             dangerous goods and out-of-gauge sides, and the cells the last",
    "             imported plan reserved or blocked (SMDG 2.2; --version 3.1:",
    "             SMDG 3.1 on D.13B, the only one that can say a cell is blocked)",
    "    coarri   the discharge report and the loading report of a vessel visit:",
    "             each box moved, when, and its cell on board",
    "    codeco   the gate-in report and the gate-out report of a terminal",
    "    coprar   the load list and the discharge list of a vessel visit, as the",
    "             line's orders recorded them (SMDG 1.6, one message per list)",
    "    movins   the stowage instructions of a vessel visit (SMDG MOVINS 2.x)",
    "    coparn   the release orders of a booking (--booking): line, size-types,",
    "             quantity, full or empty, valid until, boxes named (BGM 12)",
    "    vermas   the VGM of every box on board a vessel visit that has one",
    "    dcsa     the same moves as DCSA Track & Trace 2.2 equipment events, a",
    "             JSON array (DISC, LOAD, GTIN, GTOT); --visit or --terminal",
    "             narrow them, neither gives every terminal's",
    "",
    "Reports hold the moves journaled after entry SEQ (default: all of them);",
    "the last entry looked at is printed on standard error, to pass as --after",
    "next time, so a partner link sends each move once.  Times are UTC.",
    "",
    "    --data DIR         the data directory",
    "    --visit ID         the vessel visit (baplie, coarri, coprar, movins, vermas; dcsa:",
    "                       only its moves)",
    "    --booking B        the booking (coparn)",
    "    --terminal CODE    the terminal (codeco; dcsa: only its moves)",
    "    --line CODE        only this shipping line's boxes, sent to it",
    "    --after SEQ        only moves journaled after this entry (coarri, codeco, dcsa)",
    "    --version V        baplie: SMDG 2.2 (the default) or 3.1",
    "    --out FILE         write here instead (created with mode 0640)",
    NULL,
};

/* The DCSA equipment events the options select, as one JSON array on standard output. */
static int export_dcsa(const char *data, const struct bol_edi_export_opts *eo)
{
    struct bol_store_config sc;
    struct bol_store *s = NULL;
    struct bol_move_filter f;
    struct bol_diag d;
    json_t *ev = NULL;
    uint64_t last = eo->after_seq;
    int r;

    memset(&f, 0, sizeof(f));
    f.visit = eo->visit;
    f.terminal = eo->terminal;
    f.line = eo->line;
    f.after_seq = eo->after_seq;
    f.kinds =
        1u << BOL_MV_DISCHARGE | 1u << BOL_MV_LOAD | 1u << BOL_MV_GATE_IN | 1u << BOL_MV_GATE_OUT;
    memset(&sc, 0, sizeof(sc));
    sc.data_dir = data;
    sc.read_only = true;
    bol_diag_init(&d);
    r = bol_store_open(&sc, &s, &d);
    if (r == 0)
        r = bol_dcsa_events(s, &f, &ev, &last, &d);
    bol_store_close(s);
    if (r < 0) {
        bol_log_error("%s", d.msg[0] ? d.msg : bol_strerror(r));
        return CLI_EXIT_FAIL;
    }
    r = json_dumpf(ev, stdout, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    putchar('\n');
    fprintf(stderr, "%zu events; next time --after %llu\n", json_array_size(ev),
            (unsigned long long) last);
    json_decref(ev);
    return r < 0 || fflush(stdout) != 0 ? CLI_EXIT_FAIL : CLI_EXIT_OK;
}

int cmd_edi_export(int argc, char **argv, struct cli_ctx *ctx)
{
    static const struct option opts[] = {
        { "data", required_argument, NULL, 'd' },     { "visit", required_argument, NULL, 'v' },
        { "terminal", required_argument, NULL, 't' }, { "line", required_argument, NULL, 'l' },
        { "after", required_argument, NULL, 'a' },    { "out", required_argument, NULL, 'o' },
        { "version", required_argument, NULL, 'V' },  { "booking", required_argument, NULL, 'b' },
        { "help", no_argument, NULL, 'h' },           { NULL, 0, NULL, 0 },
    };
    struct bol_edi_boxes_export bo;
    bool boxes = false; /* coparn or vermas (edi_boxes.h) */
    struct bol_store_config sc;
    struct bol_store *s = NULL;
    struct bol_buf b = BOL_BUF_INIT(FILE_MAX);
    struct bol_diag d;
    struct bol_edi_export_opts eo;
    struct bol_edi_export_result res;
    const char *data = NULL, *out = NULL;
    bool version = false;
    FILE *f = stdout;
    unsigned t;
    int ch, r;

    (void) ctx;
    memset(&eo, 0, sizeof(eo));
    memset(&bo, 0, sizeof(bo));
    while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (ch) {
        case 'b':
            bo.booking = optarg;
            break;
        case 'd':
            data = optarg;
            break;
        case 'v':
            eo.visit = optarg;
            break;
        case 't':
            eo.terminal = optarg;
            break;
        case 'l':
            eo.line = optarg;
            break;
        case 'a': {
            char *end;

            errno = 0;
            eo.after_seq = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || optarg[0] == '-') {
                bol_log_error("--after '%s': not an entry number", optarg);
                return CLI_EXIT_USAGE;
            }
            break;
        }
        case 'o':
            out = optarg;
            break;
        case 'V':
            if (strcmp(optarg, "2.2") != 0 && strcmp(optarg, "3.1") != 0) {
                bol_log_error("--version '%s': bollard writes bay plans as SMDG 2.2 or 3.1",
                              optarg);
                return CLI_EXIT_USAGE;
            }
            eo.baplie31 = !strcmp(optarg, "3.1");
            version = true;
            break;
        case 'h':
            return cli_usage(cmd_edi_export_usage, false);
        default:
            return cli_usage(cmd_edi_export_usage, true);
        }
    }
    if (!data || optind + 1 != argc)
        return cli_usage(cmd_edi_export_usage, true);
    for (t = 0; bol_edi_export_type_names[t]; t++)
        if (!strcmp(argv[optind], bol_edi_export_type_names[t]))
            break;
    boxes = !strcmp(argv[optind], "coparn") || !strcmp(argv[optind], "vermas");
    if (bo.booking && strcmp(argv[optind], "coparn") != 0) {
        bol_log_error("--booking selects a coparn export");
        return CLI_EXIT_USAGE;
    }
    if (!strcmp(argv[optind], "dcsa"))
        return export_dcsa(data, &eo);
    if (boxes) {
        bool coparn = argv[optind][2] == 'p';

        if (eo.terminal || eo.line || eo.after_seq ||
            (coparn ? !bo.booking || eo.visit : !eo.visit)) {
            bol_log_error("%s needs %s", argv[optind],
                          coparn ? "--booking (and nothing else)" : "--visit (and nothing else)");
            return CLI_EXIT_USAGE;
        }
        bo.visit = eo.visit;
    } else if (!bol_edi_export_type_names[t]) {
        bol_log_error("'%s' is not a message bollard writes (baplie, coarri, codeco, coparn, "
                      "coprar, movins, vermas, dcsa)",
                      argv[optind]);
        return CLI_EXIT_USAGE;
    }
    eo.type = (enum bol_edi_export_type) t;
    if (version && (boxes || eo.type != BOL_EXPORT_BAPLIE)) {
        bol_log_error("--version is for baplie: %s has one version", argv[optind]);
        return CLI_EXIT_USAGE;
    }
    if (!boxes && ((eo.type == BOL_EXPORT_CODECO) != (eo.terminal != NULL) ||
                   (eo.type != BOL_EXPORT_CODECO) != (eo.visit != NULL))) {
        bol_log_error("%s needs %s", argv[optind],
                      eo.type == BOL_EXPORT_CODECO ? "--terminal (and no --visit)"
                                                   : "--visit (and no --terminal)");
        return CLI_EXIT_USAGE;
    }
    eo.now_us = bol_time_now_us();
    memset(&sc, 0, sizeof(sc));
    sc.data_dir = data;
    sc.read_only = true;
    bol_diag_init(&d);
    r = bol_store_open(&sc, &s, &d);
    bo.now_us = eo.now_us;
    bo.sender = "BOLLARD";
    bo.recipient = NULL; /* the release's line, or UNKNOWN */
    memset(&res, 0, sizeof(res));
    if (r == 0 && boxes)
        r = argv[optind][2] == 'p' ? bol_edi_export_coparn(s, &bo, &b, &d)
                                   : bol_edi_export_vermas(s, &bo, &b, &d);
    else if (r == 0)
        r = bol_edi_export(s, &eo, &b, &res, &d);
    bol_store_close(s);
    if (r < 0) {
        bol_log_error("%s", d.msg[0] ? d.msg : bol_strerror(r));
        bol_buf_release(&b);
        return CLI_EXIT_FAIL;
    }
    if (out) {
        int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);

        f = fd >= 0 ? fdopen(fd, "wb") : NULL;
        if (!f) {
            bol_log_error("%s: %s", out, strerror(errno));
            if (fd >= 0)
                close(fd);
            bol_buf_release(&b);
            return CLI_EXIT_FAIL;
        }
    }
    r = fwrite(b.buf, 1, b.len, f) == b.len ? 0 : -1;
    if (out && fclose(f) != 0)
        r = -1;
    else if (!out && fflush(f) != 0)
        r = -1;
    bol_buf_release(&b);
    if (r < 0) {
        bol_log_error("%s: %s", out ? out : "standard output", strerror(errno));
        return CLI_EXIT_FAIL;
    }
    if (boxes)
        fprintf(stderr, "written\n");
    else if (eo.type == BOL_EXPORT_COPRAR || eo.type == BOL_EXPORT_MOVINS)
        fprintf(stderr, "%zu %s\n", res.boxes,
                eo.type == BOL_EXPORT_COPRAR ? "order lines" : "stowage rules");
    else if (eo.type == BOL_EXPORT_BAPLIE)
        fprintf(stderr, "%zu containers\n", res.boxes);
    else
        fprintf(stderr, "%zu containers; next time --after %llu\n", res.boxes,
                (unsigned long long) res.last);
    return CLI_EXIT_OK;
}
