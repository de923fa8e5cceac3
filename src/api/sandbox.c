/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sandbox.c - privilege drop and system-call filter for the API server
 *
 * What is allowed and why is documented in sandbox.h; the tables below must
 * say the same.  setresuid and setresgid come from glibc, not from raw system
 * calls: glibc applies them to every thread of the process, the kernel call
 * only to the calling one.
 */
#define _GNU_SOURCE 1 /* setresuid, setresgid, getresuid, getresgid, CLONE_* */

#include "compat.h"

#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include "errors.h"
#include "mem.h"
#include "sandbox.h"

/*
 * Sanitizer runtimes stop the world with ptrace from a task cloned without
 * CLONE_THREAD (LeakSanitizer at exit) and use more calls besides: such a
 * build runs without the filter.  Meson defines BOL_SANITIZE for b_sanitize;
 * the compiler macros catch a sanitizer added through CFLAGS.
 */
#if defined(BOL_SANITIZE) || defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define SANDBOX_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) ||                         \
    __has_feature(memory_sanitizer)
#define SANDBOX_SANITIZED 1
#endif
#endif

/* getpwnam_r's buffer grows up to this before we give up. */
#define PW_BUF_MAX (1u << 20)

bool bol_sandbox_is_root(void)
{
    return geteuid() == 0;
}

static int fail_errno(struct bol_diag *diag, const char *field, const char *what)
{
    int e = errno;

    return bol_diag_fail(diag, bol_err_from_errno(e), field, "%s failed: %s", what, strerror(e));
}

static int set_no_new_privs(struct bol_diag *diag)
{
    if (prctl(PR_SET_NO_NEW_PRIVS, 1UL, 0UL, 0UL, 0UL) != 0)
        return fail_errno(diag, "no_new_privs", "prctl(PR_SET_NO_NEW_PRIVS)");
    return 0;
}

static int lookup_user(const char *user, uid_t *uid, gid_t *gid, struct bol_diag *diag)
{
    struct passwd pw, *found = NULL;
    size_t size = 4096;
    char *buf;
    int e;

    for (;;) {
        buf = bol_malloc(size);
        if (!buf)
            return bol_diag_fail(diag, BOL_E_NOMEM, "user", "out of memory");
        e = getpwnam_r(user, &pw, buf, size, &found);
        if (e != ERANGE || size >= PW_BUF_MAX)
            break;
        bol_free(buf);
        size *= 2;
    }
    if (e == 0 && found) {
        *uid = pw.pw_uid;
        *gid = pw.pw_gid;
    }
    bol_free(buf);
    /* Some NSS modules say "not found" with an errno rather than 0. */
    if (e == 0 && !found)
        e = ENOENT;
    if (e == ENOENT || e == ESRCH)
        return bol_diag_fail(diag, BOL_E_NOTFOUND, "user",
                             "system user '%s' does not exist: scripts/install-deps creates it",
                             user);
    if (e != 0)
        return bol_diag_fail(diag, bol_err_from_errno(e), "user", "cannot look up user '%s': %s",
                             user, strerror(e));
    return 0;
}

/* After the drop: no capability may be left in any set. */
static int check_no_caps(const char *user, struct bol_diag *diag)
{
    struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];
    size_t i;

    memset(data, 0, sizeof(data));
    if (syscall(SYS_capget, &hdr, data) != 0)
        return fail_errno(diag, "user", "capget");
    for (i = 0; i < BOL_ARRAY_SIZE(data); i++) {
        if (data[i].effective || data[i].permitted || data[i].inheritable)
            return bol_diag_fail(diag, BOL_E_INTERNAL, "user",
                                 "capabilities remain after switching to '%s'", user);
    }
    return 0;
}

/* Is there a way back to root?  Every id must be the user's and setuid(0) must fail. */
static int check_dropped(const char *user, uid_t uid, gid_t gid, struct bol_diag *diag)
{
    uid_t ru, eu, su;
    gid_t rg, eg, sg, groups[2];
    int n;

    if (setuid(0) != -1 || setgid(0) != -1)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "user",
                             "root regained after switching to '%s': privileges not dropped", user);
    if (getresuid(&ru, &eu, &su) != 0 || getresgid(&rg, &eg, &sg) != 0)
        return fail_errno(diag, "user", "getresuid");
    if (ru != uid || eu != uid || su != uid || rg != gid || eg != gid || sg != gid ||
        getuid() != uid || geteuid() != uid)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "user",
                             "ids after switching to '%s' are not the user's", user);
    n = getgroups((int) BOL_ARRAY_SIZE(groups), groups);
    if (n != 1 || groups[0] != gid)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "user",
                             "supplementary groups after switching to '%s' are not just its own",
                             user);
    return check_no_caps(user, diag);
}

int bol_sandbox_drop(const char *user, struct bol_diag *diag)
{
    uid_t uid = 0;
    gid_t gid = 0;
    int r;

    if (!bol_sandbox_is_root())
        return set_no_new_privs(diag);
    if (!user || !*user)
        return bol_diag_fail(diag, BOL_E_INVAL, "user", "no user to run as");
    r = lookup_user(user, &uid, &gid, diag);
    if (r < 0)
        return r;
    if (uid == 0 || gid == 0)
        return bol_diag_fail(diag, BOL_E_INVAL, "user",
                             "user '%s' has user or group id 0: it would keep root's rights", user);

    /* Capabilities must not survive the change of user ids. */
    if (prctl(PR_SET_KEEPCAPS, 0UL, 0UL, 0UL, 0UL) != 0)
        return fail_errno(diag, "user", "prctl(PR_SET_KEEPCAPS)");
    /* Groups first: once the user ids change we no longer may. */
    if (setgroups(1, &gid) != 0)
        return fail_errno(diag, "user", "setgroups");
    if (setresgid(gid, gid, gid) != 0)
        return fail_errno(diag, "user", "setresgid");
    if (setresuid(uid, uid, uid) != 0)
        return fail_errno(diag, "user", "setresuid");

    r = check_dropped(user, uid, gid, diag);
    if (r < 0)
        return r;
    return set_no_new_privs(diag);
}

bool bol_sandbox_seccomp_supported(void)
{
#ifdef SANDBOX_SANITIZED
    return false;
#else
    return true;
#endif
}

/*
 * Allowed with any arguments.  A name this architecture does not have (the
 * legacy open-style calls on arm64) is skipped; a name libseccomp does not
 * know at all is a bug in this table.
 */
static const char *const allow_any[] = {
    /* files */
    "read", "write", "pread64", "pwrite64", "readv", "writev", "openat", "close", "fstat",
    "newfstatat", "statx", "lseek", "fsync", "fdatasync", "ftruncate", "fallocate", "flock",
    "unlink", "unlinkat", "rename", "renameat", "renameat2", "mkdir", "mkdirat", "access",
    "faccessat", "faccessat2", "readlink", "readlinkat", "getcwd", "getdents64", "fchmod", "fchown",
    "fcntl",
    /* memory (mmap and mprotect: see add_prot) */
    "brk", "munmap", "mremap", "madvise", "mlock", "munlock", "membarrier",
    /* threads (clone: see add_clone) */
    "futex", "set_robust_list", "rseq", "sched_yield", "sched_getaffinity", "exit", "exit_group",
    "restart_syscall",
    /* signals */
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigpending", "rt_sigtimedwait",
    "sigaltstack", "signalfd4",
    /* identity */
    "getpid", "gettid", "getuid", "geteuid", "getgid", "getegid", "getresuid", "getresgid",
    "getgroups", "uname", "sysinfo",
    /* time and randomness */
    "clock_gettime", "clock_getres", "gettimeofday", "time", "nanosleep", "clock_nanosleep",
    "pause", "getrandom",
    /* waiting */
    "poll", "ppoll", "select", "pselect6", "epoll_create", "epoll_create1", "epoll_ctl",
    "epoll_wait", "epoll_pwait", "epoll_pwait2", "eventfd2", "pipe", "pipe2",
    /* network (socket, socketpair: see add_socket) */
    "connect", "accept", "accept4", "bind", "listen", "setsockopt", "getsockopt", "getsockname",
    "getpeername", "sendto", "recvfrom", "sendmsg", "recvmsg", "sendmmsg", "shutdown"
};

/* A 32-bit argument: compare the low half only (the upper one is not defined by the ABI). */
#define ARG32(n, v) SCMP_CMP((n), SCMP_CMP_MASKED_EQ, 0xffffffffu, (scmp_datum_t) (v))

static int rule_failed(struct bol_diag *diag, int rc, const char *name)
{
    return bol_diag_fail(diag, BOL_E_INTERNAL, "seccomp", "cannot add the rule for %s: %s", name,
                         strerror(-rc));
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr, const char *name, unsigned n_args,
                    const struct scmp_arg_cmp *args, struct bol_diag *diag)
{
    int rc = seccomp_rule_add_array(ctx, action, nr, n_args, args);

    return rc < 0 ? rule_failed(diag, rc, name) : 0;
}

static int add_allow_any(scmp_filter_ctx ctx, struct bol_diag *diag)
{
    size_t i;
    int r;

    for (i = 0; i < BOL_ARRAY_SIZE(allow_any); i++) {
        int nr = seccomp_syscall_resolve_name(allow_any[i]);

        if (nr == __NR_SCMP_ERROR)
            return bol_diag_fail(diag, BOL_E_INTERNAL, "seccomp", "unknown system call '%s'",
                                 allow_any[i]);
        if (nr < 0)
            continue; /* not on this architecture */
        r = add_rule(ctx, SCMP_ACT_ALLOW, nr, allow_any[i], 0, NULL, diag);
        if (r < 0)
            return r;
    }
    return 0;
}

/* mmap and mprotect, but never writable and executable at once. */
static int add_prot(scmp_filter_ctx ctx, struct bol_diag *diag)
{
    static const scmp_datum_t ok[] = { 0, PROT_WRITE, PROT_EXEC };
    size_t i;
    int r;

    for (i = 0; i < BOL_ARRAY_SIZE(ok); i++) {
        const struct scmp_arg_cmp prot = SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_WRITE | PROT_EXEC, ok[i]);

        r = add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mmap), "mmap", 1, &prot, diag);
        if (r < 0)
            return r;
        r = add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(mprotect), "mprotect", 1, &prot, diag);
        if (r < 0)
            return r;
    }
    return 0;
}

/*
 * clone only for a thread (CLONE_THREAD, no namespace).  clone3 passes its
 * flags in memory the filter cannot read: refuse it with ENOSYS, and glibc
 * falls back to clone.
 */
static int add_clone(scmp_filter_ctx ctx, struct bol_diag *diag)
{
    const scmp_datum_t mask = CLONE_THREAD | CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS |
                              CLONE_NEWIPC | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET;
#if defined(__s390__) || defined(__s390x__)
    const unsigned flags_arg = 1; /* clone(stack, flags, ...) */
#else
    const unsigned flags_arg = 0;
#endif
    const struct scmp_arg_cmp thread = SCMP_CMP(flags_arg, SCMP_CMP_MASKED_EQ, mask, CLONE_THREAD);
    int r;

    r = add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(clone), "clone", 1, &thread, diag);
    if (r < 0)
        return r;
    return add_rule(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), "clone3", 0, NULL, diag);
}

/*
 * socket: local, IPv4 and IPv6 streams and datagrams only.  Netlink gets
 * EAFNOSUPPORT: getaddrinfo then assumes both address families are there.
 * socketpair: AF_UNIX only.
 */
static int add_socket(scmp_filter_ctx ctx, struct bol_diag *diag)
{
    static const int families[] = { AF_UNIX, AF_INET, AF_INET6 };
    static const int types[] = { SOCK_STREAM, SOCK_DGRAM };
    const struct scmp_arg_cmp netlink = ARG32(0, AF_NETLINK);
    const struct scmp_arg_cmp unix_pair = ARG32(0, AF_UNIX);
    size_t i, j;
    int r;

    for (i = 0; i < BOL_ARRAY_SIZE(families); i++) {
        for (j = 0; j < BOL_ARRAY_SIZE(types); j++) {
            /* The type's low bits; SOCK_NONBLOCK and SOCK_CLOEXEC may be added. */
            const struct scmp_arg_cmp a[2] = {
                ARG32(0, families[i]),
                SCMP_A1(SCMP_CMP_MASKED_EQ, 0xf, (scmp_datum_t) types[j]),
            };

            r = add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socket), "socket", 2, a, diag);
            if (r < 0)
                return r;
        }
    }
    r = add_rule(ctx, SCMP_ACT_ERRNO(EAFNOSUPPORT), SCMP_SYS(socket), "socket", 1, &netlink, diag);
    if (r < 0)
        return r;
    return add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(socketpair), "socketpair", 1, &unix_pair, diag);
}

/*
 * ioctl: non-blocking mode, bytes waiting, isatty.  prctl: thread names
 * (libmicrohttpd names its threads).  tgkill: this process.  prlimit64: read
 * our own limits.
 */
static int add_misc(scmp_filter_ctx ctx, struct bol_diag *diag)
{
    static const unsigned long requests[] = { FIONBIO, FIONREAD, TCGETS };
    static const int prctl_ops[] = { PR_SET_NAME, PR_GET_NAME };
    const struct scmp_arg_cmp self = ARG32(0, (uint32_t) getpid());
    /* pid 0 (this process) and no new limit; EQ does not use the second datum. */
    const struct scmp_arg_cmp read_own[2] = {
        SCMP_A0(SCMP_CMP_EQ, 0, 0),
        SCMP_A2(SCMP_CMP_EQ, 0, 0),
    };
    size_t i;
    int r;

    for (i = 0; i < BOL_ARRAY_SIZE(requests); i++) {
        const struct scmp_arg_cmp req = ARG32(1, requests[i]);

        r = add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(ioctl), "ioctl", 1, &req, diag);
        if (r < 0)
            return r;
    }
    for (i = 0; i < BOL_ARRAY_SIZE(prctl_ops); i++) {
        const struct scmp_arg_cmp op = ARG32(0, prctl_ops[i]);

        r = add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prctl), "prctl", 1, &op, diag);
        if (r < 0)
            return r;
    }
    r = add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(tgkill), "tgkill", 1, &self, diag);
    if (r < 0)
        return r;
    return add_rule(ctx, SCMP_ACT_ALLOW, SCMP_SYS(prlimit64), "prlimit64", 2, read_own, diag);
}

static int set_attr(scmp_filter_ctx ctx, enum scmp_filter_attr attr, uint32_t value,
                    const char *name, struct bol_diag *diag)
{
    int rc = seccomp_attr_set(ctx, attr, value);

    if (rc < 0)
        return bol_diag_fail(diag, BOL_E_INTERNAL, "seccomp", "cannot set %s: %s", name,
                             strerror(-rc));
    return 0;
}

static int build(scmp_filter_ctx ctx, struct bol_diag *diag)
{
    int r;

    /* Another ABI (int 0x80, x32) is never legitimate here: kill, even when logging. */
    r = set_attr(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_KILL_PROCESS, "the bad-arch action", diag);
    if (r == 0)
        r = set_attr(ctx, SCMP_FLTATR_CTL_NNP, 1, "no_new_privs", diag);
    if (r == 0)
        r = set_attr(ctx, SCMP_FLTATR_CTL_TSYNC, 1, "thread sync", diag);
    if (r == 0)
        r = set_attr(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2, "binary-tree optimisation", diag);
    if (r == 0)
        r = add_allow_any(ctx, diag);
    if (r == 0)
        r = add_prot(ctx, diag);
    if (r == 0)
        r = add_clone(ctx, diag);
    if (r == 0)
        r = add_socket(ctx, diag);
    if (r == 0)
        r = add_misc(ctx, diag);
    return r;
}

static int install(unsigned flags, struct bol_diag *diag)
{
    scmp_filter_ctx ctx;
    int r, rc;

    /* Level 3: SCMP_ACT_LOG and SECCOMP_RET_KILL_PROCESS (Linux 4.14). */
    if (seccomp_api_get() < 3)
        return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "seccomp",
                             "the kernel's seccomp is too old (Linux 4.14 or later is needed)");
    ctx = seccomp_init((flags & BOL_SANDBOX_LOG) ? SCMP_ACT_LOG : SCMP_ACT_KILL_PROCESS);
    if (!ctx)
        return bol_diag_fail(diag, BOL_E_NOMEM, "seccomp", "cannot create the filter");
    r = build(ctx, diag);
    if (r == 0) {
        rc = seccomp_load(ctx);
        if (rc == -ESRCH)
            r = bol_diag_fail(diag, BOL_E_STATE, "seccomp",
                              "cannot load the filter: a thread already has a different one");
        else if (rc != 0)
            r = bol_diag_fail(diag, bol_err_from_errno(-rc), "seccomp",
                              "cannot load the filter: %s", strerror(-rc));
    }
    seccomp_release(ctx);
    return r;
}

int bol_sandbox_seccomp(unsigned flags, struct bol_diag *diag)
{
    if (flags & ~(unsigned) BOL_SANDBOX_LOG)
        return bol_diag_fail(diag, BOL_E_INVAL, "flags", "unknown sandbox flags 0x%x",
                             flags & ~(unsigned) BOL_SANDBOX_LOG);
    if (!bol_sandbox_seccomp_supported())
        return bol_diag_fail(diag, BOL_E_UNSUPPORTED, "seccomp",
                             "built with sanitizers, whose runtime needs ptrace and fork: "
                             "the system-call filter is left off");
    return install(flags, diag);
}
