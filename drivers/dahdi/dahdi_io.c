/* dahdi_io.c: the C side of the DAHDI backend (compiled by drivers/dahdi/_build.py).
 *
 * Keeps per-channel work out of Python's block loop: one call polls every voice channel of a
 * span and reads a block from each (draining pending events, the ELAST rule), one call writes
 * a block to each. All system calls go through a small table that points at libc, or at the
 * userspace emulation's entry points (drivers/dahdi/emu/dahdi_emu.c) when the process was not
 * started with the emulation preloaded but asked for it (e1d_use_emulation). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "dahdi_abi.h"

struct e1d_io {
    int (*open)(const char *, int, ...);
    int (*close)(int);
    int (*ioctl)(int, unsigned long, ...);
    ssize_t (*read)(int, void *, size_t);
    ssize_t (*write)(int, const void *, size_t);
    int (*poll)(struct pollfd *, nfds_t, int);
};

static int libc_ioctl(int fd, unsigned long req, ...)
{
    va_list ap;
    va_start(ap, req);
    void *arg = va_arg(ap, void *);
    va_end(ap);
    return ioctl(fd, req, arg);
}

static int libc_open(const char *path, int flags, ...)
{
    return open(path, flags);
}

static struct e1d_io io = {libc_open, close, libc_ioctl, read, write, poll};

/* Route this module's system calls through the emulation library at `path` (its e1emu_*
 * entry points). Returns 0, or -1 when the library or a symbol is missing. */
static int e1d_use_emulation(const char *path)
{
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return -1;
    struct e1d_io emu = {
        (int (*)(const char *, int, ...))dlsym(lib, "e1emu_open"),
        (int (*)(int))dlsym(lib, "e1emu_close"),
        (int (*)(int, unsigned long, ...))dlsym(lib, "e1emu_ioctl"),
        (ssize_t (*)(int, void *, size_t))dlsym(lib, "e1emu_read"),
        (ssize_t (*)(int, const void *, size_t))dlsym(lib, "e1emu_write"),
        (int (*)(struct pollfd *, nfds_t, int))dlsym(lib, "e1emu_poll"),
    };
    if (!emu.open || !emu.close || !emu.ioctl || !emu.read || !emu.write || !emu.poll)
        return -1;
    io = emu;
    return 0;
}

static int e1d_open(const char *path)
{
    int fd = io.open(path, O_RDWR | O_NONBLOCK);
    return fd < 0 ? -errno : fd;
}

/* /dev/dahdi/channel, then DAHDI_SPECIFY before any other ioctl: fd or -errno. */
static int e1d_open_channel(int channo)
{
    int fd = e1d_open("/dev/dahdi/channel");
    if (fd < 0)
        return fd;
    if (io.ioctl(fd, DAHDI_SPECIFY, &channo) < 0) {
        int err = errno;
        io.close(fd);
        return -err;
    }
    return fd;
}

static int e1d_close(int fd) { return io.close(fd) < 0 ? -errno : 0; }

static int e1d_ioctl(int fd, unsigned long request, void *arg)
{
    return io.ioctl(fd, request, arg) < 0 ? -errno : 0;
}

static int e1d_read(int fd, unsigned char *buf, int size)
{
    ssize_t n = io.read(fd, buf, size);
    return n < 0 ? -errno : (int)n;
}

static int e1d_write(int fd, const unsigned char *buf, int size)
{
    ssize_t n = io.write(fd, buf, size);
    return n < 0 ? -errno : (int)n;
}

/* Pending events of channel `idx` into the (ev_chan, ev_code) arrays: DAHDI_GETEVENT until
 * it reports none. */
static void drain_events(int fd, int idx, int *ev_chan, int *ev_code, int ev_max, int *nev)
{
    for (int guard = 0; guard < 64; guard++) {
        int event = 0;
        if (io.ioctl(fd, DAHDI_GETEVENT, &event) < 0 || event == DAHDI_EVENT_NONE)
            return;
        if (*nev < ev_max) {
            ev_chan[*nev] = idx;
            ev_code[*nev] = event;
            (*nev)++;
        }
    }
}

static long ms_left(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
    return ms < 0 ? 0 : ms;
}

/* Wait (up to timeout_ms, -1 = forever) until every fd delivered one block of `bs` bytes into
 * out[i*bs]; got[i] = bytes read (0 = nothing yet, <0 = -errno). Events found on the way go to
 * the ev_* arrays (channel index, event code). Returns how many fds delivered, or -errno. */
static int e1d_read_span(const int *fds, int n, unsigned char *out, int bs, int timeout_ms,
                         int *got, int *ev_chan, int *ev_code, int ev_max, int *nev)
{
    struct pollfd pfds[64];
    int map[64];
    struct timespec deadline;
    int done = 0;
    if (n > 64)
        return -EINVAL;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    if (timeout_ms > 0) {
        deadline.tv_sec += timeout_ms / 1000;
        deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
        if (deadline.tv_nsec >= 1000000000) {
            deadline.tv_sec++;
            deadline.tv_nsec -= 1000000000;
        }
    }
    *nev = 0;
    memset(got, 0, sizeof(int) * n);
    while (done < n) {
        int m = 0;
        for (int i = 0; i < n; i++) {
            if (got[i] != 0)
                continue;
            pfds[m].fd = fds[i];
            pfds[m].events = POLLIN | POLLPRI;
            pfds[m].revents = 0;
            map[m++] = i;
        }
        int wait = timeout_ms < 0 ? -1 : (int)ms_left(&deadline);
        int r = io.poll(pfds, m, wait);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (r == 0)
            break;
        for (int k = 0; k < m; k++) {
            int i = map[k], fd = pfds[k].fd;
            short rev = pfds[k].revents;
            if (rev & POLLPRI)
                drain_events(fd, i, ev_chan, ev_code, ev_max, nev);
            if (rev & (POLLERR | POLLNVAL | POLLHUP)) {
                got[i] = -EIO;
                done++;
                continue;
            }
            if (!(rev & POLLIN))
                continue;
            ssize_t b = io.read(fd, out + (size_t)i * bs, bs);
            if (b < 0 && errno == ELAST) {
                drain_events(fd, i, ev_chan, ev_code, ev_max, nev);
                b = io.read(fd, out + (size_t)i * bs, bs);
            }
            if (b < 0 && (errno == EAGAIN || errno == ELAST))
                continue;
            got[i] = b < 0 ? -errno : (b == 0 ? -EIO : (int)b);
            done++;
        }
        if (timeout_ms == 0)
            break;
    }
    return done;
}

/* Write one block of `bs` bytes from data[i*bs] to each fd; status[i] = bytes or -errno.
 * A pending event (ELAST) is drained into the ev_* arrays and the write retried once. */
static int e1d_write_span(const int *fds, int n, const unsigned char *data, int bs, int *status,
                          int *ev_chan, int *ev_code, int ev_max, int *nev)
{
    int ok = 0;
    *nev = 0;
    for (int i = 0; i < n; i++) {
        ssize_t b = io.write(fds[i], data + (size_t)i * bs, bs);
        if (b < 0 && errno == ELAST) {
            drain_events(fds[i], i, ev_chan, ev_code, ev_max, nev);
            b = io.write(fds[i], data + (size_t)i * bs, bs);
        }
        status[i] = b < 0 ? -errno : (int)b;
        ok += b == bs;
    }
    return ok;
}

/* Drain one channel's events (for channels outside the voice set, e.g. the D-channel). */
static int e1d_get_events(int fd, int idx, int *ev_chan, int *ev_code, int ev_max)
{
    int nev = 0;
    drain_events(fd, idx, ev_chan, ev_code, ev_max, &nev);
    return nev;
}
