/* SPDX-License-Identifier: Apache-2.0 */
/*
 * compat.h - the first include of every bollard source file
 *
 * Pulls in the system headers nearly every file needs, defines the attribute
 * macros used in prototypes, and finally includes banned.h so that unsafe libc
 * calls are compile errors.  The build defines _DEFAULT_SOURCE (POSIX.2008
 * plus explicit_bzero on glibc).
 */
#pragma once

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Results that must be looked at: error codes, verifiers, allocations. */
#define BOL_MUST_CHECK        __attribute__((__warn_unused_result__))
#define BOL_NONNULL(...)      __attribute__((__nonnull__(__VA_ARGS__)))
#define BOL_PRINTF(fmt, args) __attribute__((__format__(__printf__, fmt, args)))
#define BOL_NORETURN          __attribute__((__noreturn__))
#define BOL_UNUSED            __attribute__((__unused__))
#define BOL_MALLOC            __attribute__((__malloc__))

/* Number of elements of a true array (not a pointer). */
#define BOL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#define BOL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define BOL_MAX(a, b) ((a) > (b) ? (a) : (b))

/*
 * Invariants.  BOL_BUG() aborts with the location: for states the code rules
 * out.  BOL_NEVER(x)/BOL_ALWAYS(x) mark defensive branches (SQLite's NEVER and
 * ALWAYS): debug builds assert, release builds just evaluate the condition.
 */
BOL_NORETURN void bol_bug_at(const char *file, int line, const char *what);
#define BOL_BUG(what) bol_bug_at(__FILE__, __LINE__, (what))
#ifdef NDEBUG
#define BOL_NEVER(x)  (x)
#define BOL_ALWAYS(x) (x)
#else
#define BOL_NEVER(x)  ((x) ? (BOL_BUG("never: " #x), 1) : 0)
#define BOL_ALWAYS(x) ((x) ? 1 : (BOL_BUG("always: " #x), 0))
#endif

#include "banned.h"
