/* SPDX-License-Identifier: Apache-2.0 */
/*
 * log.c - logging for the edges
 */
#include "compat.h"

#include <syslog.h>
#include <unistd.h>

#include "log.h"
#include "utctime.h"

static struct {
    char ident[32];
    enum bol_log_level min_level;
    unsigned flags;
    bool syslog_open;
} logcfg = { "bollard", BOL_LOG_INFO, BOL_LOG_TO_STDERR | BOL_LOG_NO_TIME, false };

static const char *level_names[] = { "error", "warning", "info", "debug" };

void bol_log_init(const char *ident, enum bol_log_level min_level, unsigned flags)
{
    snprintf(logcfg.ident, sizeof(logcfg.ident), "%s", ident ? ident : "bollard");
    logcfg.min_level = min_level;
    logcfg.flags = flags;
    if ((flags & BOL_LOG_TO_SYSLOG) && !logcfg.syslog_open) {
        openlog(logcfg.ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
        logcfg.syslog_open = true;
    }
}

void bol_log_set_level(enum bol_log_level min_level)
{
    logcfg.min_level = min_level;
}

/* Copy src into dst with control bytes written as \xNN; always terminates. */
static void escape_controls(char *dst, size_t dst_size, const char *src)
{
    size_t o = 0;

    for (; *src && o + 5 < dst_size; src++) {
        unsigned char c = (unsigned char) *src;

        if (c < 0x20 || c == 0x7f) {
            o += (size_t) snprintf(dst + o, dst_size - o, "\\x%02x", c);
        } else {
            dst[o++] = (char) c;
        }
    }
    dst[o] = '\0';
}

void bol_logv(enum bol_log_level level, const char *fmt, va_list ap)
{
    char raw[2048];
    char msg[sizeof(raw) * 2];
    int saved = errno;

    if (level > logcfg.min_level)
        return;
    vsnprintf(raw, sizeof(raw), fmt, ap);
    escape_controls(msg, sizeof(msg), raw);
    if (logcfg.flags & BOL_LOG_TO_STDERR) {
        if (logcfg.flags & BOL_LOG_NO_TIME) {
            fprintf(stderr, "%s: %s: %s\n", logcfg.ident, level_names[level], msg);
        } else {
            char ts[BOL_TIME_TEXT_MAX];

            if (!bol_time_format(bol_time_now_us(), 0, 3, ts))
                snprintf(ts, sizeof(ts), "-");
            fprintf(stderr, "%s %s[%ld]: %s: %s\n", ts, logcfg.ident, (long) getpid(),
                    level_names[level], msg);
        }
    }
    if (logcfg.flags & BOL_LOG_TO_SYSLOG) {
        static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };

        syslog(prio[level], "%s", msg);
    }
    errno = saved;
}

void bol_log(enum bol_log_level level, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    bol_logv(level, fmt, ap);
    va_end(ap);
}

void bol_die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    bol_logv(BOL_LOG_ERROR, fmt, ap);
    va_end(ap);
    exit(1);
}

void bol_bug_at(const char *file, int line, const char *what)
{
    fprintf(stderr, "bollard: BUG at %s:%d: %s\n", file, line, what);
    abort();
}
