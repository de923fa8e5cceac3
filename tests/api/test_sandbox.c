/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_sandbox.c - privilege drop and system-call filter
 *
 * Both change the process for good, so every check runs in a forked child
 * that reports through its exit status: 0 for "all as expected", a step
 * number otherwise, or death by SIGSYS where the filter must kill.  Children
 * leave with _exit, so no cmocka or sanitizer exit handler runs in them.
 */
#define _GNU_SOURCE 1 /* accept4, pipe2 */

#include "testutil.h"

#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <pwd.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "sandbox.h"

#define RUN_AS "bollard"

/* Run fn in a child with core dumps off; returns its wait status. */
static int run_child(int (*fn)(void))
{
    int status = 0;
    pid_t pid;

    fflush(NULL);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        const struct rlimit no_core = { 0, 0 };

        (void) setrlimit(RLIMIT_CORE, &no_core);
        _exit(fn());
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return status;
}

static void expect_exit0(int status, const char *what)
{
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return;
    if (WIFEXITED(status))
        fail_msg("%s: child failed at step %d", what, WEXITSTATUS(status));
    fail_msg("%s: child killed by signal %d", what, WIFSIGNALED(status) ? WTERMSIG(status) : -1);
}

static void expect_sigsys(int status, const char *what)
{
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGSYS)
        return;
    if (WIFEXITED(status))
        fail_msg("%s: child exited with %d instead of dying by SIGSYS", what, WEXITSTATUS(status));
    fail_msg("%s: child killed by signal %d instead of SIGSYS", what,
             WIFSIGNALED(status) ? WTERMSIG(status) : -1);
}

/* In a child: report a failed step on stderr and return its number as the exit code. */
static int step_failed(int step, const char *what)
{
    fprintf(stderr, "step %d: %s: %s\n", step, what, strerror(errno));
    return step;
}

static int install(unsigned flags)
{
    struct bol_diag d;

    bol_diag_init(&d);
    if (bol_sandbox_seccomp(flags, &d) != 0) {
        fprintf(stderr, "bol_sandbox_seccomp: %s: %s\n", d.field, d.msg);
        return 1;
    }
    return 0;
}

static bool filter_available(void)
{
    if (bol_sandbox_seccomp_supported())
        return true;
    print_message("sanitizer build: the seccomp filter is left off, its tests are skipped\n");
    return false;
}

/* -- allowed work ---------------------------------------------------------------------------- */

static void *thread_main(void *arg)
{
    unsigned *n = arg;

    *n += 1;
    return arg;
}

static int work_file(void)
{
    char path[] = "/tmp/bol-sandbox-XXXXXX";
    char back[6] = "";
    struct stat st;
    int fd = mkstemp(path);

    if (fd < 0)
        return step_failed(10, "mkstemp");
    if (write(fd, "hello", 5) != 5)
        return step_failed(11, "write");
    if (fsync(fd) != 0 || fdatasync(fd) != 0)
        return step_failed(12, "fsync");
    if (fstat(fd, &st) != 0 || st.st_size != 5)
        return step_failed(13, "fstat");
    if (pread(fd, back, 5, 0) != 5 || memcmp(back, "hello", 5) != 0)
        return step_failed(14, "pread");
    if (ftruncate(fd, 0) != 0 || fcntl(fd, F_SETFL, O_NONBLOCK) != 0)
        return step_failed(15, "ftruncate");
    if (close(fd) != 0 || unlink(path) != 0)
        return step_failed(16, "close");
    return 0;
}

static int work_thread(void)
{
    pthread_t t;
    unsigned n = 0;
    void *ret = NULL;

    if (pthread_create(&t, NULL, thread_main, &n) != 0)
        return step_failed(20, "pthread_create");
    if (pthread_join(t, &ret) != 0 || ret != &n || n != 1)
        return step_failed(21, "pthread_join");
    if (pthread_kill(pthread_self(), 0) != 0)
        return step_failed(22, "pthread_kill");
    return 0;
}

static int work_tcp(void)
{
    struct sockaddr_in a;
    socklen_t alen = sizeof(a);
    char buf[4];
    int one = 1, ls, cs, as;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (ls < 0)
        return step_failed(30, "socket");
    if (setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0)
        return step_failed(31, "setsockopt");
    if (bind(ls, (struct sockaddr *) &a, sizeof(a)) != 0 || listen(ls, 4) != 0)
        return step_failed(32, "bind");
    if (getsockname(ls, (struct sockaddr *) &a, &alen) != 0)
        return step_failed(33, "getsockname");
    cs = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (cs < 0 || connect(cs, (struct sockaddr *) &a, sizeof(a)) != 0)
        return step_failed(34, "connect");
    as = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    if (as < 0)
        return step_failed(35, "accept4");
    if (send(cs, "ping", 4, MSG_NOSIGNAL) != 4 || recv(as, buf, 4, MSG_WAITALL) != 4 ||
        memcmp(buf, "ping", 4) != 0)
        return step_failed(36, "send");
    if (shutdown(cs, SHUT_RDWR) != 0 || close(as) != 0 || close(cs) != 0 || close(ls) != 0)
        return step_failed(37, "close");
    return 0;
}

static int work_misc(void)
{
    struct addrinfo hints, *res = NULL;
    struct timespec now, nap = { 0, 1000 };
    char name[16] = "";
    struct rlimit rl;
    uint8_t rnd[16];
    int sv[2], p[2], avail = -1;
    void *m;

    if (getrandom(rnd, sizeof(rnd), 0) != (ssize_t) sizeof(rnd))
        return step_failed(40, "getrandom");
    if (clock_gettime(CLOCK_MONOTONIC, &now) != 0 || nanosleep(&nap, NULL) != 0)
        return step_failed(41, "clock");
    m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || mprotect(m, 4096, PROT_READ) != 0 || munmap(m, 4096) != 0)
        return step_failed(42, "mmap");
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 || write(sv[0], "x", 1) != 1)
        return step_failed(43, "socketpair");
    if (ioctl(sv[1], FIONREAD, &avail) != 0 || avail != 1)
        return step_failed(44, "ioctl(FIONREAD)");
    if (pipe2(p, O_CLOEXEC) != 0)
        return step_failed(45, "pipe2");
    (void) isatty(p[0]); /* TCGETS */
    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return step_failed(46, "getrlimit");
    if (prctl(PR_SET_NAME, "bol-sandbox", 0UL, 0UL, 0UL) != 0 ||
        prctl(PR_GET_NAME, name, 0UL, 0UL, 0UL) != 0 || strcmp(name, "bol-sandbox") != 0)
        return step_failed(51, "thread name");
    /* Netlink is refused with an error, which getaddrinfo copes with. */
    errno = 0;
    if (socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, 0) != -1 || errno != EAFNOSUPPORT)
        return step_failed(47, "socket(AF_NETLINK) not refused with EAFNOSUPPORT");
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    if (getaddrinfo(NULL, "5432", &hints, &res) != 0)
        return step_failed(48, "getaddrinfo(passive)");
    freeaddrinfo(res);
    hints.ai_flags = 0;
    if (getaddrinfo("localhost", "5432", &hints, &res) != 0)
        return step_failed(49, "getaddrinfo(localhost)");
    freeaddrinfo(res);
    /* clone3 is refused with ENOSYS so that glibc falls back to clone. */
    errno = 0;
    if (syscall(SYS_clone3, NULL, 0) != -1 || errno != ENOSYS)
        return step_failed(50, "clone3 not refused with ENOSYS");
    return 0;
}

static int child_allowed(void)
{
    int r = install(0);

    if (r == 0)
        r = work_file();
    if (r == 0)
        r = work_thread();
    if (r == 0)
        r = work_tcp();
    if (r == 0)
        r = work_misc();
    return r;
}

static void test_filter_allows_server_work(void **state)
{
    (void) state;
    if (!filter_available())
        skip();
    expect_exit0(run_child(child_allowed), "allowed work under the filter");
}

/* -- forbidden calls ------------------------------------------------------------------------- */

static int forbid_execve(void)
{
    char *const argv[] = { (char *) "/bin/true", NULL };
    char *const envp[] = { NULL };

    if (install(0) != 0)
        return 1;
    execve("/bin/true", argv, envp);
    return 2;
}

static int forbid_packet_socket(void)
{
    if (install(0) != 0)
        return 1;
    (void) socket(AF_PACKET, SOCK_RAW, 0);
    return 2;
}

static int forbid_raw_socket(void)
{
    if (install(0) != 0)
        return 1;
    (void) socket(AF_INET, SOCK_RAW, IPPROTO_ICMP);
    return 2;
}

static int forbid_ptrace(void)
{
    if (install(0) != 0)
        return 1;
    (void) ptrace(PTRACE_TRACEME, 0, NULL, NULL);
    return 2;
}

static int forbid_fork(void)
{
    pid_t pid;

    if (install(0) != 0)
        return 1;
    pid = fork();
    if (pid == 0)
        _exit(0);
    return 2;
}

static int forbid_setuid(void)
{
    if (install(0) != 0)
        return 1;
    if (setuid(getuid()) != 0)
        return 3;
    return 2;
}

static int forbid_kill(void)
{
    if (install(0) != 0)
        return 1;
    (void) kill(getpid(), 0);
    return 2;
}

static int forbid_tgkill_other(void)
{
    if (install(0) != 0)
        return 1;
    (void) syscall(SYS_tgkill, 1, 1, 0);
    return 2;
}

static int forbid_wx_memory(void)
{
    void *m;

    if (install(0) != 0)
        return 1;
    m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return 3;
    (void) mprotect(m, 4096, PROT_READ | PROT_WRITE | PROT_EXEC);
    return 2;
}

static int forbid_ioctl_other(void)
{
    int pty_num = 0;

    if (install(0) != 0)
        return 1;
    (void) ioctl(0, TIOCGPTN, &pty_num);
    return 2;
}

static int forbid_prlimit_set(void)
{
    struct rlimit rl = { 0, 0 };

    if (install(0) != 0)
        return 1;
    (void) setrlimit(RLIMIT_CORE, &rl);
    return 2;
}

static int forbid_prctl_other(void)
{
    if (install(0) != 0)
        return 1;
    (void) prctl(PR_SET_DUMPABLE, 1UL, 0UL, 0UL, 0UL);
    return 2;
}

static int forbid_personality(void)
{
    if (install(0) != 0)
        return 1;
    (void) syscall(SYS_personality, 0xffffffffUL);
    return 2;
}

static void test_filter_kills_forbidden(void **state)
{
    static const struct {
        const char *what;
        int (*fn)(void);
    } cases[] = {
        { "execve", forbid_execve },
        { "socket(AF_PACKET)", forbid_packet_socket },
        { "socket(SOCK_RAW)", forbid_raw_socket },
        { "ptrace", forbid_ptrace },
        { "fork", forbid_fork },
        { "setuid", forbid_setuid },
        { "kill", forbid_kill },
        { "tgkill to another process", forbid_tgkill_other },
        { "mprotect writable and executable", forbid_wx_memory },
        { "ioctl(TIOCGPTN)", forbid_ioctl_other },
        { "setrlimit", forbid_prlimit_set },
        { "prctl(PR_SET_DUMPABLE)", forbid_prctl_other },
        { "personality", forbid_personality },
    };
    size_t i;

    (void) state;
    if (!filter_available())
        skip();
    for (i = 0; i < BOL_ARRAY_SIZE(cases); i++)
        expect_sigsys(run_child(cases[i].fn), cases[i].what);
}

/* Logging mode lets a call outside the list run. */
static int child_log_mode(void)
{
    if (install(BOL_SANDBOX_LOG) != 0)
        return 1;
    if (syscall(SYS_personality, 0xffffffffUL) == -1)
        return step_failed(2, "personality");
    return 0;
}

static void test_filter_log_mode(void **state)
{
    (void) state;
    if (!filter_available())
        skip();
    expect_exit0(run_child(child_log_mode), "a call outside the list in log mode");
}

static void test_filter_errors(void **state)
{
    struct bol_diag d;

    (void) state;
    bol_diag_init(&d);
    assert_int_equal(bol_sandbox_seccomp(0x80, &d), BOL_E_INVAL);
    assert_string_equal(d.field, "flags");
    assert_string_equal(d.msg, "unknown sandbox flags 0x80");
    if (!bol_sandbox_seccomp_supported()) {
        bol_diag_init(&d);
        assert_int_equal(bol_sandbox_seccomp(0, &d), BOL_E_UNSUPPORTED);
        assert_string_equal(d.field, "seccomp");
    }
}

/* -- privilege drop -------------------------------------------------------------------------- */

static uid_t drop_uid;
static gid_t drop_gid;
static char root_only[64];

/* A thread started before the drop: glibc must change its ids too. */
struct waiter {
    int fd;
    uid_t uid, euid;
};

static void *waiter_main(void *arg)
{
    struct waiter *w = arg;
    char c;

    if (read(w->fd, &c, 1) == 1) {
        w->uid = getuid();
        w->euid = geteuid();
    }
    return NULL;
}

static int child_drop(void)
{
    struct waiter w = { -1, 0, 0 };
    struct bol_diag d;
    gid_t groups[4];
    pthread_t t;
    int fd, p[2];

    if (pipe(p) != 0)
        return step_failed(9, "pipe");
    w.fd = p[0];
    if (pthread_create(&t, NULL, waiter_main, &w) != 0)
        return step_failed(10, "pthread_create");
    bol_diag_init(&d);
    if (bol_sandbox_drop(RUN_AS, &d) != 0) {
        fprintf(stderr, "bol_sandbox_drop: %s: %s\n", d.field, d.msg);
        return 1;
    }
    if (write(p[1], "x", 1) != 1 || pthread_join(t, NULL) != 0)
        return step_failed(11, "waking the thread");
    if (w.uid != drop_uid || w.euid != drop_uid)
        return step_failed(12, "a thread started before the drop kept its ids");
    if (getuid() != drop_uid || geteuid() != drop_uid || getgid() != drop_gid ||
        getegid() != drop_gid)
        return step_failed(2, "ids are not the user's");
    if (getgroups((int) BOL_ARRAY_SIZE(groups), groups) != 1 || groups[0] != drop_gid)
        return step_failed(3, "supplementary groups");
    if (setuid(0) != -1 || errno != EPERM)
        return step_failed(4, "setuid(0) did not fail with EPERM");
    if (seteuid(0) != -1 || setgid(0) != -1)
        return step_failed(5, "seteuid(0) or setgid(0) did not fail");
    errno = 0;
    fd = open(root_only, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 || errno != EACCES)
        return step_failed(6, "a root-only file could be opened");
    fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
    if (fd >= 0)
        return step_failed(7, "/etc/shadow could be opened");
    if (prctl(PR_GET_NO_NEW_PRIVS, 0UL, 0UL, 0UL, 0UL) != 1)
        return step_failed(8, "no_new_privs not set");
    return 0;
}

static void test_drop_to_user(void **state)
{
    const struct passwd *pw;
    int fd, status;

    (void) state;
    if (!bol_sandbox_is_root()) {
        print_message("not running as root: the privilege drop is not tested\n");
        skip();
    }
    pw = getpwnam(RUN_AS);
    if (!pw) {
        print_message("no system user '" RUN_AS "' (scripts/install-deps creates it): "
                      "the privilege drop is not tested\n");
        skip();
    }
    drop_uid = pw->pw_uid;
    drop_gid = pw->pw_gid;
    snprintf(root_only, sizeof(root_only), "/tmp/bol-root-only-XXXXXX");
    fd = mkstemp(root_only); /* mode 0600, owned by root */
    assert_true(fd >= 0);
    close(fd);
    status = run_child(child_drop);
    assert_int_equal(unlink(root_only), 0);
    expect_exit0(status, "drop to " RUN_AS);
}

/* Not as root, only no_new_privs is set. */
static int child_drop_unprivileged(void)
{
    struct bol_diag d;
    uid_t uid;

    if (bol_sandbox_is_root() && (setgid(65534) != 0 || setuid(65534) != 0))
        return step_failed(1, "cannot become nobody");
    uid = getuid();
    if (bol_sandbox_is_root())
        return step_failed(2, "still root");
    bol_diag_init(&d);
    if (bol_sandbox_drop(RUN_AS, &d) != 0) {
        fprintf(stderr, "bol_sandbox_drop: %s\n", d.msg);
        return 3;
    }
    if (getuid() != uid)
        return step_failed(4, "user changed");
    if (prctl(PR_GET_NO_NEW_PRIVS, 0UL, 0UL, 0UL, 0UL) != 1)
        return step_failed(5, "no_new_privs not set");
    return 0;
}

static void test_drop_unprivileged(void **state)
{
    (void) state;
    expect_exit0(run_child(child_drop_unprivileged), "drop when not root");
}

static void expect_drop_error(const char *user, int code, const char *msg)
{
    struct bol_diag d;

    bol_diag_init(&d);
    assert_int_equal(bol_sandbox_drop(user, &d), code);
    assert_string_equal(d.field, "user");
    assert_string_equal(d.msg, msg);
    assert_int_equal(geteuid(), 0);
}

/* Refusals happen before anything changes, so these run in the test process itself. */
static void test_drop_errors(void **state)
{
    (void) state;
    if (!bol_sandbox_is_root()) {
        print_message("not running as root: the look-up errors are not tested\n");
        skip();
    }
    expect_drop_error("bol-no-such-user", BOL_E_NOTFOUND,
                      "system user 'bol-no-such-user' does not exist: "
                      "scripts/install-deps creates it");
    expect_drop_error("root", BOL_E_INVAL,
                      "user 'root' has user or group id 0: it would keep root's rights");
    expect_drop_error("", BOL_E_INVAL, "no user to run as");
    expect_drop_error(NULL, BOL_E_INVAL, "no user to run as");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_filter_errors),
        cmocka_unit_test(test_filter_allows_server_work),
        cmocka_unit_test(test_filter_kills_forbidden),
        cmocka_unit_test(test_filter_log_mode),
        cmocka_unit_test(test_drop_errors),
        cmocka_unit_test(test_drop_to_user),
        cmocka_unit_test(test_drop_unprivileged),
    };

    return cmocka_run_group_tests(tests, test_group_setup, NULL);
}
