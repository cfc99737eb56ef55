/* dahdi_emu.c: a userspace DAHDI stack for tests, as an LD_PRELOAD shim.
 *
 * Interposes open/openat/close/ioctl/read/write/poll/select on /dev/dahdi/{ctl,channel,
 * chan/S/C,N} and emulates E1 spans whose channels are joined back to back (span 1 TSn <->
 * span 2 TSn, span 3 <-> 4, ...): voice bytes, ABCD bits (BITSCHANGED events), HDLC frames
 * on D-channels (reads carry 2 FCS bytes, writes 2 placeholder bytes), span alarms with
 * debounce counted in line frames, error counters, and the ELAST rule. Other files pass
 * through untouched, and so does everything when E1DESK_DAHDI_EMU is unset.
 *
 * State lives in a shared file (E1DESK_DAHDI_EMU=path, made by e1emu_create) guarded by a
 * process-shared robust mutex, so the box, a peer such as OpenR2 and a test's far end can
 * run in different processes. The line is clocked: line time = monotonic clock x 8000 x
 * speed frames, or a lock-step clock moved by e1emu_step; a channel's read yields a block
 * each `blocksize` frames; a writer that falls behind is filled with idle (underrun) and
 * resumes at the next 8-frame chunk, as DAHDI's transmit path does.
 *
 * Processes that cannot be started preloaded (a test runner) call the e1emu_* entry points
 * through dlopen instead (drivers/dahdi/dahdi_io.c does). Facts from dahdi/user.h via
 * drivers/dahdi/dahdi_abi.h; no DAHDI code.
 *
 * This file holds the interposed calls and the e1emu_* entry points behind them; the rest is
 * in emu_state.c (state, clock, alarms, control), emu_line.c (voice, HDLC), emu_ioctl.c
 * (ioctls) and drivers/dahdi/dahdi_emu.h (the shared layout). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "dahdi_emu.h"

/* ---- the interposed calls ------------------------------------------------------------- */
static int is_emu_fd(int fd) { return S && fd >= 0 && fd < EMU_MAX_FDS && fdtab[fd].kind != FD_NONE; }

static int emu_open_path(const char *path, int flags)
{
    const char *p = path + strlen("/dev/dahdi/");
    int kind = FD_CHAN, chan = -1, a, b;
    char tail;
    if (strcmp(p, "ctl") == 0)
        kind = FD_CTL;
    else if (strcmp(p, "channel") == 0)
        chan = -1;
    else if (sscanf(p, "chan/%d/%d%c", &a, &b, &tail) == 2 && a >= 1 && a <= S->nspans && b >= 1 && b <= EMU_CHANS)
        chan = (a - 1) * EMU_CHANS + b - 1;
    else if (sscanf(p, "%d%c", &a, &tail) == 1 && chan_by_no(a))
        chan = a - 1;
    else {
        fprintf(stderr, "dahdi_emu: %s is not emulated (ctl, channel, chan/S/C, N are)\n", path);
        return fail(ENODEV);
    }
    if (chan >= 0 && S->chans[chan].sigtype == DAHDI_SIG_NONE)
        return fail(ENXIO);
    int fd = real_open("/dev/null", O_RDWR | (flags & (O_NONBLOCK | O_CLOEXEC)));
    if (fd < 0)
        return -1;
    if (fd >= EMU_MAX_FDS) {
        real_close(fd);
        return fail(EMFILE);
    }
    fdtab[fd].kind = (unsigned char)kind;
    fdtab[fd].chan = (short)chan;
    if (chan >= 0) {
        lock();
        S->chans[chan].opens++;
        start_channel(&S->chans[chan], now_frames());
        unlock();
    }
    return fd;
}

static int wants_emu(const char *path) { return path && strncmp(path, "/dev/dahdi/", 11) == 0 && active(); }

EMU_API int e1emu_open(const char *path, int flags, ...)
{
    resolve();
    if (wants_emu(path))
        return emu_open_path(path, flags);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
    va_end(ap);
    return real_open(path, flags, mode);
}

EMU_API int e1emu_openat(int dirfd, const char *path, int flags, ...)
{
    resolve();
    if (wants_emu(path))
        return emu_open_path(path, flags);
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
    va_end(ap);
    return real_openat(dirfd, path, flags, mode);
}

EMU_API int e1emu_close(int fd)
{
    resolve();
    if (is_emu_fd(fd)) {
        if (fdtab[fd].chan >= 0) {
            lock();
            struct emu_chan *c = &S->chans[fdtab[fd].chan];
            if (c->opens > 0)
                c->opens--;
            unlock();
        }
        fdtab[fd].kind = FD_NONE;
    }
    return real_close(fd);
}

EMU_API int e1emu_ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    resolve();
    if (is_emu_fd(fd))
        return emu_ioctl(fd, req, arg);
    return real_ioctl(fd, req, arg);
}

static int nonblocking(int fd) { return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

/* Wait (lock held) until `ready` or the fd is non-blocking; returns 0, or -1 with errno. */
static int wait_chan(int fd, struct emu_chan *c, int writing, int64_t *T)
{
    for (;;) {
        *T = now_frames();
        advance_alarms(*T);
        if (events_pending(c))
            return fail(ELAST);
        if (writing ? (is_hdlc(c) || voice_writable(c, *T)) : readable(c, *T))
            return 0;
        if (nonblocking(fd))
            return fail(EAGAIN);
        unlock();
        sleep_slice(EMU_SLICE_NS);
        lock();
    }
}

EMU_API ssize_t e1emu_read(int fd, void *buf, size_t n)
{
    resolve();
    if (!is_emu_fd(fd))
        return real_read(fd, buf, n);
    if (fdtab[fd].kind != FD_CHAN || fdtab[fd].chan < 0)
        return fail(EINVAL);
    lock();
    struct emu_chan *c = &S->chans[fdtab[fd].chan];
    int64_t T;
    ssize_t rc = wait_chan(fd, c, 0, &T);
    if (rc == 0) {
        if (is_hdlc(c)) {
            rc = read_hdlc(c, buf, (int)n);
        } else {
            rc = n < (size_t)c->blocksize ? (ssize_t)n : c->blocksize;
            read_voice(c, buf, (int)rc);
        }
    }
    unlock();
    return rc;
}

EMU_API ssize_t e1emu_write(int fd, const void *buf, size_t n)
{
    resolve();
    if (!is_emu_fd(fd))
        return real_write(fd, buf, n);
    if (fdtab[fd].kind != FD_CHAN || fdtab[fd].chan < 0)
        return fail(EINVAL);
    lock();
    struct emu_chan *c = &S->chans[fdtab[fd].chan];
    int64_t T;
    ssize_t rc = wait_chan(fd, c, 1, &T);
    if (rc == 0) {
        if (is_hdlc(c)) {
            rc = write_hdlc(c, buf, (int)n, T);
        } else if (n > (size_t)c->blocksize * c->numbufs) {
            rc = fail(EINVAL);
        } else {
            write_voice(c, buf, (int)n, T);
            rc = (ssize_t)n;
        }
    }
    unlock();
    return rc;
}

static short emu_revents(int fd, short events, int64_t T)
{
    struct emu_fd *e = &fdtab[fd];
    if (e->kind != FD_CHAN || e->chan < 0)
        return 0;
    struct emu_chan *c = &S->chans[e->chan];
    short rev = 0;
    if (events_pending(c)) rev |= POLLPRI;
    if (readable(c, T)) rev |= POLLIN | POLLRDNORM;
    if (is_hdlc(c) || voice_writable(c, T)) rev |= POLLOUT | POLLWRNORM;
    return rev & (events | POLLERR | POLLHUP | POLLNVAL);
}

EMU_API int e1emu_poll(struct pollfd *fds, nfds_t n, int timeout)
{
    resolve();
    int any = 0;
    for (nfds_t i = 0; i < n && !any; i++)
        any = is_emu_fd(fds[i].fd);
    if (!any)
        return real_poll(fds, n, timeout);
    struct pollfd stack[256], *real = n <= 256 ? stack : malloc(sizeof(struct pollfd) * n);
    int64_t deadline = timeout < 0 ? INT64_MAX : mono_ns() + (int64_t)timeout * 1000000;
    int ready;
    for (;;) {
        ready = 0;
        lock();
        int64_t T = now_frames();
        advance_alarms(T);
        int64_t next_block = INT64_MAX;
        for (nfds_t i = 0; i < n; i++) {
            if (!is_emu_fd(fds[i].fd))
                continue;
            fds[i].revents = emu_revents(fds[i].fd, fds[i].events, T);
            ready += fds[i].revents != 0;
            struct emu_fd *e = &fdtab[fds[i].fd];
            if (e->kind == FD_CHAN && e->chan >= 0) {
                struct emu_chan *c = &S->chans[e->chan];
                int64_t due = c->rpos + c->blocksize;
                if (!is_hdlc(c) && due < next_block) next_block = due;
            }
        }
        int64_t wait_ns = next_block == INT64_MAX ? EMU_SLICE_NS : frames_to_ns(next_block - T);
        unlock();
        nfds_t m = 0;
        for (nfds_t i = 0; i < n; i++)
            if (!is_emu_fd(fds[i].fd))
                real[m++] = fds[i];
        int64_t left = deadline == INT64_MAX ? INT64_MAX : deadline - mono_ns();
        if (wait_ns > EMU_SLICE_NS) wait_ns = EMU_SLICE_NS;
        if (wait_ns > left) wait_ns = left;
        if (wait_ns < 0 || ready) wait_ns = 0;
        int r = 0;
        if (m) {
            r = real_poll(real, m, (int)((wait_ns + 999999) / 1000000));
            if (r < 0) { ready = -1; break; }
        } else if (wait_ns > 0) {
            sleep_slice(wait_ns);
        }
        for (nfds_t i = 0, k = 0; i < n; i++)
            if (!is_emu_fd(fds[i].fd))
                fds[i].revents = real[k++].revents;
        ready += r;
        if (ready || (deadline != INT64_MAX && mono_ns() >= deadline))
            break;
    }
    if (real != stack)
        free(real);
    return ready;
}

/* ---- libc names (active when preloaded) ------------------------------------------------- */
EMU_API int open(const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
    va_end(ap);
    return e1emu_open(path, flags, mode);
}
EMU_API int open64(const char *path, int flags, ...) __attribute__((alias("open")));
EMU_API int __open_2(const char *path, int flags) { return e1emu_open(path, flags); }
EMU_API int __open64_2(const char *path, int flags) { return e1emu_open(path, flags); }

EMU_API int openat(int dirfd, const char *path, int flags, ...)
{
    va_list ap;
    va_start(ap, flags);
    mode_t mode = (flags & (O_CREAT | O_TMPFILE)) ? va_arg(ap, mode_t) : 0;
    va_end(ap);
    return e1emu_openat(dirfd, path, flags, mode);
}
EMU_API int openat64(int dirfd, const char *path, int flags, ...) __attribute__((alias("openat")));

EMU_API int close(int fd) { return e1emu_close(fd); }

EMU_API int ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return e1emu_ioctl(fd, req, arg);
}

EMU_API ssize_t read(int fd, void *buf, size_t n) { return e1emu_read(fd, buf, n); }
EMU_API ssize_t __read_chk(int fd, void *buf, size_t n, size_t buflen) { (void)buflen; return e1emu_read(fd, buf, n); }
EMU_API ssize_t write(int fd, const void *buf, size_t n) { return e1emu_write(fd, buf, n); }
EMU_API int poll(struct pollfd *fds, nfds_t n, int timeout) { return e1emu_poll(fds, n, timeout); }
EMU_API int __poll_chk(struct pollfd *fds, nfds_t n, int timeout, size_t len) { (void)len; return e1emu_poll(fds, n, timeout); }

EMU_API int select(int nfds, fd_set *rd, fd_set *wr, fd_set *ex, struct timeval *tv)
{
    resolve();
    int any = 0;
    for (int fd = 0; fd < nfds && !any; fd++)
        any = is_emu_fd(fd) && ((rd && FD_ISSET(fd, rd)) || (wr && FD_ISSET(fd, wr)) || (ex && FD_ISSET(fd, ex)));
    if (!any)
        return real_select(nfds, rd, wr, ex, tv);
    struct pollfd *p = calloc(nfds, sizeof *p);
    int m = 0;
    for (int fd = 0; fd < nfds; fd++) {
        short ev = (rd && FD_ISSET(fd, rd) ? POLLIN : 0) | (wr && FD_ISSET(fd, wr) ? POLLOUT : 0)
                 | (ex && FD_ISSET(fd, ex) ? POLLPRI : 0);
        if (ev) { p[m].fd = fd; p[m].events = ev; m++; }
    }
    int timeout = tv ? (int)(tv->tv_sec * 1000 + tv->tv_usec / 1000) : -1;
    int r = e1emu_poll(p, m, timeout);
    if (r >= 0) {
        r = 0;
        if (rd) FD_ZERO(rd);
        if (wr) FD_ZERO(wr);
        if (ex) FD_ZERO(ex);
        for (int i = 0; i < m; i++) {
            if (rd && (p[i].revents & (POLLIN | POLLHUP | POLLERR))) { FD_SET(p[i].fd, rd); r++; }
            if (wr && (p[i].revents & (POLLOUT | POLLERR))) { FD_SET(p[i].fd, wr); r++; }
            if (ex && (p[i].revents & POLLPRI)) { FD_SET(p[i].fd, ex); r++; }
        }
    }
    free(p);
    return r;
}

