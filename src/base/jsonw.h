/* SPDX-License-Identifier: Apache-2.0 */
/*
 * jsonw.h - writing canonical JSON, and UTF-8 validation
 *
 * bollard's journal entries and event payloads are canonical JSON: no
 * insignificant whitespace, object keys in a fixed or sorted order, integers
 * only, UTF-8 text as-is, and only these escapes in strings: \" \\ \b \f \n
 * \r \t and \u00XX for the other control characters (the same bytes jansson
 * writes with JSON_COMPACT).  One value always has one encoding, so equal
 * data hashes equally.
 */
#pragma once

#include "buf.h"
#include "compat.h"

/* True when the n bytes are well-formed UTF-8 (no overlongs, surrogates or values above U+10FFFF). */
bool bol_utf8_valid(const char *s, size_t n);

/*
 * Append s as a quoted, escaped JSON string.  BOL_E_INVAL when s is not valid
 * UTF-8 (nothing appended), BOL_E_TOOBIG / BOL_E_NOMEM from the buffer.
 */
BOL_MUST_CHECK int bol_json_put_str(struct bol_buf *b, const char *s, size_t n);

/* Append a JSON integer. */
BOL_MUST_CHECK int bol_json_put_i64(struct bol_buf *b, int64_t v);
