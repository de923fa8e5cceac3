/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sandbox.h - process hardening for the API server: drop root, then seccomp
 *
 * `bollard serve` starts as root only to bind its port and read its TLS key.
 * Once that is done it calls, in this order:
 *
 *     bol_sandbox_drop("bollard", &diag)   root -> the system user, no way back
 *     ... open the store, start the worker threads, connect to PostgreSQL ...
 *     bol_sandbox_seccomp(0, &diag)        from here on only the calls below
 *
 * A failure of either leaves the process in an unknown state: log the
 * diagnostic and exit.  Never carry on unhardened.
 *
 * Dropping privileges (bol_sandbox_drop)
 *
 *   As root: the user is looked up (getpwnam_r); the supplementary groups
 *   become just the user's group; real, effective and saved group and user ids
 *   become the user's (setresgid, setresuid; glibc applies them to every
 *   thread).  Then the drop is checked: setuid(0) and setgid(0) must fail and
 *   getresuid/getresgid must report only the user.  Finally no_new_privs is
 *   set, so no later execve (there is none; see below) can gain privileges.
 *   The user is created by scripts/install-deps; root as a target is refused.
 *   Not as root: only no_new_privs is set.
 *
 * The system-call filter (bol_sandbox_seccomp)
 *
 *   An allow-list: any call not named here kills the whole process with
 *   SIGSYS (SCMP_ACT_KILL_PROCESS), so an attacker who gets code running
 *   cannot exec a shell, fork, trace another process or load kernel code.
 *   It covers every thread: existing ones through SECCOMP_FILTER_FLAG_TSYNC,
 *   later ones because a filter is inherited.  It cannot be removed or
 *   replaced (seccomp and prctl(PR_SET_SECCOMP) are not allowed), so install
 *   it once, after start-up.  Calls of another ABI (32-bit int 0x80, x32) kill too.
 *
 *   Allowed, grouped by who needs them:
 *
 *   files (SQLite database, WAL and -shm in the data directory; CA bundles
 *   for webhooks; /etc/hosts, resolv.conf, nsswitch.conf, localtime):
 *     read write pread64 pwrite64 readv writev openat close fstat newfstatat
 *     statx lseek fsync fdatasync ftruncate fallocate flock unlink unlinkat
 *     rename renameat renameat2 mkdir mkdirat access faccessat faccessat2
 *     readlink readlinkat getcwd getdents64 fchmod fchown fcntl
 *       (the legacy unlink/rename/mkdir/access/readlink calls are what glibc
 *       uses on x86-64; SQLite matches journal permissions with fchmod and, as
 *       root only, ownership with fchown; fcntl carries its record locks)
 *   memory: brk mmap munmap mremap madvise mlock munlock membarrier, and
 *     mprotect - mmap and mprotect only without PROT_WRITE and PROT_EXEC
 *     together (no writable code; libsodium's guarded heap uses mlock)
 *   threads: clone only with CLONE_THREAD and no namespace flag (threads,
 *     never a process); futex set_robust_list rseq sched_yield
 *     sched_getaffinity exit exit_group restart_syscall, and prctl only for
 *     PR_SET_NAME and PR_GET_NAME (libmicrohttpd names its threads)
 *   signals: rt_sigaction rt_sigprocmask rt_sigreturn rt_sigpending
 *     rt_sigtimedwait sigaltstack signalfd4, and tgkill only to this process
 *     (raise, abort, pthread_kill)
 *   identity and limits: getpid gettid getuid geteuid getgid getegid
 *     getresuid getresgid getgroups uname sysinfo, and prlimit64 only to read
 *     this process's own limits
 *   time and randomness: clock_gettime clock_getres gettimeofday time
 *     nanosleep clock_nanosleep getrandom
 *   waiting: poll ppoll select pselect6 epoll_create epoll_create1 epoll_ctl
 *     epoll_wait epoll_pwait epoll_pwait2 eventfd2 pipe pipe2
 *   network (libmicrohttpd, libpq, libcurl and glibc's resolver, syslog):
 *     socket only for AF_UNIX, AF_INET and AF_INET6 and only SOCK_STREAM or
 *     SOCK_DGRAM (no raw sockets); socketpair only AF_UNIX; connect accept
 *     accept4 bind listen setsockopt getsockopt getsockname getpeername sendto
 *     recvfrom sendmsg recvmsg sendmmsg shutdown
 *   ioctl only FIONBIO, FIONREAD and TCGETS (isatty)
 *
 *   Refused with an error the libraries handle, rather than killed:
 *     clone3 -> ENOSYS: its flags are in memory the filter cannot read; glibc
 *       then falls back to clone, whose flags it can
 *     socket(AF_NETLINK) -> EAFNOSUPPORT: glibc's getaddrinfo asks the kernel
 *       for the interface addresses through NETLINK_ROUTE when it has more
 *       than one answer to sort (e.g. "localhost"), and without it assumes
 *       both IPv4 and IPv6 are there
 *
 *   Not allowed, among everything else: execve execveat fork vfork, clone
 *   without CLONE_THREAD, ptrace process_vm_readv process_vm_writev kill,
 *   the setuid/setgid family and capset, mount umount2 pivot_root chroot
 *   unshare setns, init_module finit_module delete_module kexec_load bpf
 *   perf_event_open userfaultfd keyctl add_key request_key personality
 *   pkey_mprotect io_uring_*, socket for AF_PACKET and any other family,
 *   seccomp and any other prctl.
 *
 *   Writes to /proc/self/mem still bypass page protections; the filter makes
 *   an exploit's life harder, it does not replace the privilege drop.
 *
 * Sanitizer builds (b_sanitize) cannot run under the filter: the
 * LeakSanitizer stops threads with ptrace from a forked task.  There
 * bol_sandbox_seccomp_supported() is false and bol_sandbox_seccomp refuses
 * with BOL_E_UNSUPPORTED; callers log that and go on without the filter.
 */
#pragma once

#include "compat.h"
#include "errors.h"

/* Is the effective user root? */
bool bol_sandbox_is_root(void);

/*
 * As root: become `user` (groups, then user ids, real, effective and saved),
 * check there is no way back and set no_new_privs.  Not as root: set
 * no_new_privs only.  Returns 0, or BOL_E_NOTFOUND (no such user: run
 * scripts/install-deps), BOL_E_INVAL (user is empty or root), or the error
 * of the failing call.  After a failure past the look-up the process must
 * exit.
 */
BOL_MUST_CHECK int bol_sandbox_drop(const char *user, struct bol_diag *diag);

/* Flags for bol_sandbox_seccomp. */
enum {
    /* Log calls outside the list (kernel audit log) and let them run: for
     * finding what a new code path needs, never in production. */
    BOL_SANDBOX_LOG = 1u << 0,
};

/* False when this build cannot run under the filter (sanitizers). */
bool bol_sandbox_seccomp_supported(void);

/*
 * Install the system-call filter described above on every thread of the
 * process.  flags: 0 or BOL_SANDBOX_LOG.  Returns 0, BOL_E_INVAL (unknown
 * flag), BOL_E_UNSUPPORTED (sanitizer build, or a kernel without
 * SECCOMP_RET_KILL_PROCESS), or the error of the failing call.
 */
BOL_MUST_CHECK int bol_sandbox_seccomp(unsigned flags, struct bol_diag *diag);
