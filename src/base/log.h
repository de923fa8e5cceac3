/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.h - a small logging facility for the edges
 *
 * Only the edges log: src/cli, src/api and the server main.  Library code
 * returns error codes and diagnostics and lets its caller log once (systemd's
 * rule).  Lines go to stderr as
 *     2026-11-21T07:40:00.123Z bollard[1234]: error: cannot open 'x': not found
 * and optionally to syslog.  Control characters in messages are escaped as
 * \xNN so input echoed into a message cannot forge log lines.  Never pass a
 * secret (password, token, key) to these functions.
 */
#pragma once

#include "compat.h"

enum bol_log_level {
    BOL_LOG_ERROR = 0,
    BOL_LOG_WARN = 1,
    BOL_LOG_INFO = 2,
    BOL_LOG_DEBUG = 3,
};

enum bol_log_flags {
    BOL_LOG_TO_STDERR = 1 << 0,
    BOL_LOG_TO_SYSLOG = 1 << 1,
    BOL_LOG_NO_TIME = 1 << 2, /* omit the timestamp and pid (for CLI messages) */
};

/* Set the program name, lowest level written and destinations (default: "bollard", INFO, stderr without time). */
void bol_log_init(const char *ident, enum bol_log_level min_level, unsigned flags);

/* Change only the lowest level written. */
void bol_log_set_level(enum bol_log_level min_level);

void bol_log(enum bol_log_level level, const char *fmt, ...) BOL_PRINTF(2, 3);
void bol_logv(enum bol_log_level level, const char *fmt, va_list ap) BOL_PRINTF(2, 0);

#define bol_log_error(...) bol_log(BOL_LOG_ERROR, __VA_ARGS__)
#define bol_log_warn(...)  bol_log(BOL_LOG_WARN, __VA_ARGS__)
#define bol_log_info(...)  bol_log(BOL_LOG_INFO, __VA_ARGS__)
#define bol_log_debug(...) bol_log(BOL_LOG_DEBUG, __VA_ARGS__)

/* Log at error level and exit(1).  For the CLI and start-up only. */
BOL_NORETURN void bol_die(const char *fmt, ...) BOL_PRINTF(1, 2);
