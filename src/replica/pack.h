/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pack.h - the manual operations pack: what the terminal needs on paper
 * when the primary TOS is down
 *
 * A pack is a directory of files written from the state of a store:
 *
 *     inventory.csv       every box in the yard (by terminal, block, bay,
 *                         row, tier), then on the quay and on trucks
 *     work.csv            open work instructions, by equipment and queue order
 *     visits.csv          vessel visits that have not departed
 *     bayplan-<visit>.csv the boxes on board a visit, by cell (one per visit
 *                         with boxes on board)
 *     holds.csv           active holds
 *     index.html          all of the above as one printable page (A4, inline
 *                         CSS, no scripts, no external resources)
 *     MANIFEST            a C2SP signed note (note.h) listing every other
 *                         file with its size and SHA-256, the journal origin,
 *                         the journal position the state reflects and the
 *                         time the pack was made
 *
 * CSV follows RFC 4180: CRLF line ends, a header row, fields quoted when
 * they hold a comma, a quote, CR or LF, quotes doubled.  A text field that
 * begins with '=', '+', '-', '@', TAB or CR gets a leading "'" so that a
 * spreadsheet shows it as text instead of running it as a formula (CSV
 * injection); numeric fields (a set point of -18.5) are written as they are.
 * HTML escapes every value (& < > " ' and control characters).
 *
 * The manifest text:
 *     bollard operations pack 1
 *     origin <journal origin>
 *     seq <journal position>
 *     generated <ISO 8601 UTC, microseconds>
 *     file <name> <size> <sha256 hex>       one line per file, by name
 */
#pragma once

#include "buf.h"
#include "compat.h"
#include "note.h"
#include "str.h"

struct bol_diag;
struct bol_store;

#define BOL_PACK_MANIFEST  "MANIFEST"
#define BOL_PACK_FILES_MAX 256                  /* files a manifest may list */
#define BOL_PACK_FILE_MAX  (512u * 1024 * 1024) /* bytes in one file */
#define BOL_PACK_NAME_MAX  64                   /* bytes in a file name */
#define BOL_PACK_VISITS_MAX                                                                        \
    (BOL_PACK_FILES_MAX - 6) /* visits with a bay plan: the other files take 6 */

struct bol_pack_stats {
    uint64_t terminals;
    uint64_t boxes;    /* rows of inventory.csv */
    uint64_t work;     /* rows of work.csv */
    uint64_t visits;   /* rows of visits.csv */
    uint64_t on_board; /* rows of all bayplan files */
    uint64_t holds;    /* rows of holds.csv */
    uint64_t files;    /* files listed in the manifest */
    uint64_t bytes;    /* their total size */
};

struct bol_pack_info {
    char origin[BOL_ORIGIN_MAX + 1];
    uint64_t seq;
    int64_t generated_at_us;
    unsigned files; /* listed in the manifest */
    uint64_t bytes; /* their total size */
};

/*
 * Parse a manifest's signed text (what bol_pack_verify reads once the
 * signature holds): the header, origin, seq, generation time and the file
 * lines, names strictly in order.  0 or BOL_E_CORRUPT naming the line.
 */
BOL_MUST_CHECK int bol_pack_manifest_parse(struct bol_str text, struct bol_pack_info *info,
                                           struct bol_diag *diag);

/*
 * Write a pack of the state in s (any store: a data directory opened
 * read-only, or a state-only store) into out_dir, which must not exist:
 * files are written to a temporary sibling (out_dir.tmp-XXXXXX) and renamed
 * into place at the end, without replacing anything that appeared there
 * meanwhile, so a reader never sees half a pack.  The directory is private
 * to the writing user (mode 0700).  seq is the journal position the state
 * reflects; origin names the journal (a key name, note.h).  The caller keeps
 * the state still while this runs (a read transaction, query.h
 * bol_query_snapshot_begin, or the only writer).  The manifest lists every
 * file with its SHA-256 and size; it is signed with key as a C2SP signed
 * note and written as MANIFEST.  stats (may be NULL) gets the counts.
 * 0; BOL_E_CONFLICT when out_dir exists; BOL_E_INVAL (origin); BOL_E_TOOBIG
 * (over BOL_PACK_VISITS_MAX visits with boxes on board, or a file over
 * BOL_PACK_FILE_MAX); BOL_E_IO / BOL_E_NOSPACE; a store error.  On failure
 * nothing is left behind.
 */
BOL_MUST_CHECK int bol_pack_write(struct bol_store *s, const char *out_dir,
                                  const struct bol_signer *key, const char *origin, uint64_t seq,
                                  int64_t now_us, struct bol_pack_stats *stats,
                                  struct bol_diag *diag);

/*
 * Verify a pack: the manifest's signature with pub, every listed file's
 * size and hash, no file missing, no file (or directory, or link) that the
 * manifest does not list.  0 when intact, with info (may be NULL) filled;
 * BOL_E_CORRUPT with diag->field naming the first bad file ("MANIFEST" for a
 * bad or missing signature or a malformed manifest) and diag->msg saying
 * what is wrong; BOL_E_NOTFOUND / BOL_E_IO when dir cannot be read.
 */
BOL_MUST_CHECK int bol_pack_verify(const char *dir, const struct bol_verifier *pub,
                                   struct bol_pack_info *info, struct bol_diag *diag);

/*
 * Append v to out as one CSV field (RFC 4180).  text: the formula guard
 * applies (a leading = + - @ TAB CR gets a "'" in front); false for numbers.
 * Quoted when it holds a comma, a quote, CR or LF.  0, BOL_E_TOOBIG or
 * BOL_E_NOMEM (out as it was).
 */
BOL_MUST_CHECK int bol_pack_csv_field(struct bol_buf *out, struct bol_str v, bool text);

/*
 * Append v to out escaped for HTML text and attribute values: & < > " '
 * become entities; control characters other than TAB and LF become U+FFFD.
 * 0, BOL_E_TOOBIG or BOL_E_NOMEM (out as it was).
 */
BOL_MUST_CHECK int bol_pack_html_escape(struct bol_buf *out, struct bol_str v);

/* A file name a pack may hold: 1..BOL_PACK_NAME_MAX of [A-Za-z0-9._-], not starting with '.'. */
bool bol_pack_name_ok(struct bol_str name);
