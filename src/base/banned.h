/* SPDX-License-Identifier: Apache-2.0 */
/*
 * banned.h - libc calls bollard does not use
 *
 * Each banned call is redefined to an undeclared identifier, so using one is a
 * compile error that names the call.  Included last by compat.h, after the
 * system headers that declare these functions.
 *
 * Why each is banned, and what to use instead:
 *   strcpy strcat strncpy strncat   no bound or a misleading one: bol_buf, memcpy with a checked length
 *   sprintf vsprintf                no bound: snprintf, bol_buf_addf
 *   strtok strtok_r                 hidden state, writes into its input: bol_str cursors
 *   atoi atol atoll                 no error reporting: bol_str_to_u64 / bol_str_to_i64
 *   gets                            cannot be used safely
 *   gmtime localtime ctime asctime  static buffers, local time zone: base/time.h
 *   tmpnam tempnam mktemp           race: mkstemp, mkdtemp
 *   malloc calloc realloc free strdup strndup
 *                                   library code allocates through base/mem.h so that
 *                                   tests can count and fail allocations (mem.c itself
 *                                   defines BOL_MEM_IMPL to reach libc)
 */
#pragma once

#define BOL_BANNED(func) sorry_##func##_is_a_banned_function_in_bollard

#undef strcpy
#define strcpy(x, y) BOL_BANNED(strcpy)
#undef strcat
#define strcat(x, y) BOL_BANNED(strcat)
#undef strncpy
#define strncpy(x, y, n) BOL_BANNED(strncpy)
#undef strncat
#define strncat(x, y, n) BOL_BANNED(strncat)

#undef sprintf
#define sprintf(...) BOL_BANNED(sprintf)
#undef vsprintf
#define vsprintf(...) BOL_BANNED(vsprintf)

#undef strtok
#define strtok(x, y) BOL_BANNED(strtok)
#undef strtok_r
#define strtok_r(x, y, z) BOL_BANNED(strtok_r)

#undef atoi
#define atoi(x) BOL_BANNED(atoi)
#undef atol
#define atol(x) BOL_BANNED(atol)
#undef atoll
#define atoll(x) BOL_BANNED(atoll)

#undef gets
#define gets(x) BOL_BANNED(gets)

#undef gmtime
#define gmtime(t) BOL_BANNED(gmtime)
#undef localtime
#define localtime(t) BOL_BANNED(localtime)
#undef ctime
#define ctime(t) BOL_BANNED(ctime)
#undef asctime
#define asctime(t) BOL_BANNED(asctime)

#undef tmpnam
#define tmpnam(x) BOL_BANNED(tmpnam)
#undef tempnam
#define tempnam(x, y) BOL_BANNED(tempnam)
#undef mktemp
#define mktemp(x) BOL_BANNED(mktemp)

#ifndef BOL_MEM_IMPL
#undef malloc
#define malloc(n) BOL_BANNED(malloc)
#undef calloc
#define calloc(n, m) BOL_BANNED(calloc)
#undef realloc
#define realloc(p, n) BOL_BANNED(realloc)
#undef free
#define free(p) BOL_BANNED(free)
#undef strdup
#define strdup(s) BOL_BANNED(strdup)
#undef strndup
#define strndup(s, n) BOL_BANNED(strndup)
#endif
