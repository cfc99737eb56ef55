/* emu_state.c: the emulation's shared state (attach, line clock, lock), the alarm machines
 * debounced in line frames, and the control entry points tests use (EmulatedDahdi). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "dahdi_emu.h"

struct emu_shared *S;
char S_path[4096];
struct emu_fd fdtab[EMU_MAX_FDS];

/* ---- the real libc calls ---------------------------------------------------------------- */
int (*real_open)(const char *, int, ...);
int (*real_openat)(int, const char *, int, ...);
int (*real_close)(int);
int (*real_ioctl)(int, unsigned long, ...);
ssize_t (*real_read)(int, void *, size_t);
ssize_t (*real_write)(int, const void *, size_t);
int (*real_poll)(struct pollfd *, nfds_t, int);
int (*real_select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);

static void *next_sym(const char *name)
{
    void *p = dlsym(RTLD_NEXT, name);
    return p ? p : dlsym(RTLD_DEFAULT, name);
}

void resolve(void)
{
    if (real_open)
        return;
    real_openat = next_sym("openat");
    real_close = next_sym("close");
    real_ioctl = next_sym("ioctl");
    real_read = next_sym("read");
    real_write = next_sym("write");
    real_poll = next_sym("poll");
    real_select = next_sym("select");
    real_open = next_sym("open");
}

/* ---- shared state ----------------------------------------------------------------------- */
int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int64_t now_frames(void)
{
    if (S->stepped)
        return __atomic_load_n(&S->t_manual, __ATOMIC_ACQUIRE);
    return EMU_T0 + (int64_t)((double)(mono_ns() - S->epoch_ns) * 8000.0 * S->speed / 1e9);
}

int64_t frames_to_ns(int64_t frames)
{
    return (int64_t)((double)frames * 1e9 / (8000.0 * S->speed));
}

void lock(void)
{
    if (pthread_mutex_lock(&S->lock) == EOWNERDEAD)
        pthread_mutex_consistent(&S->lock);
}

void unlock(void) { pthread_mutex_unlock(&S->lock); }

static void detach(void)
{
    if (S)
        munmap(S, sizeof *S);
    S = NULL;
    S_path[0] = 0;
}

int attach(const char *path)
{
    resolve();
    if (S && strcmp(path, S_path) == 0)
        return 0;
    detach();
    int fd = real_open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    void *p = mmap(NULL, sizeof *S, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    real_close(fd);
    if (p == MAP_FAILED)
        return -errno;
    if (((struct emu_shared *)p)->magic != EMU_MAGIC || ((struct emu_shared *)p)->size != sizeof *S) {
        munmap(p, sizeof *S);
        return -EINVAL;
    }
    S = p;
    snprintf(S_path, sizeof S_path, "%s", path);
    return 0;
}

/* Attached to the emulation named by the environment? (re-checked at every open) */
int active(void)
{
    const char *path = getenv("E1DESK_DAHDI_EMU");
    if (!path || !*path)
        return 0;
    if (attach(path) < 0) {
        fprintf(stderr, "dahdi_emu: cannot attach %s (E1DESK_DAHDI_EMU)\n", path);
        return 0;
    }
    return 1;
}

struct emu_chan *chan_by_no(int channo)
{
    if (!S || channo < 1 || channo > S->nspans * EMU_CHANS)
        return NULL;
    struct emu_chan *c = &S->chans[channo - 1];
    return c->sigtype == DAHDI_SIG_NONE ? NULL : c;
}

int peer_span(int spanno) { return spanno % 2 ? spanno + 1 : spanno - 1; }

struct emu_chan *peer_of(struct emu_chan *c)
{
    int ps = peer_span(c->spanno);
    if (ps < 1 || ps > S->nspans)
        return NULL;
    return &S->chans[(ps - 1) * EMU_CHANS + c->chanpos - 1];
}

unsigned char idle_byte(const struct emu_chan *c) { return c->law == DAHDI_LAW_MULAW ? 0xFF : 0xD5; }

void push_event(struct emu_chan *c, int event)
{
    int next = (c->ev_in + 1) % EMU_EVQ;
    if (next == c->ev_out)
        return;                               /* queue full: DAHDI drops it too */
    c->ev[c->ev_in] = event;
    c->ev_in = next;
}

int events_pending(const struct emu_chan *c) { return c->ev_in != c->ev_out; }

/* ---- alarms: raw conditions from the peer's transmitter, debounced in line frames ---------- */
static int tx_sends_rai(const struct emu_span *t)
{
    return (t->faults & F_RAI) || t->on[C_RED] || t->on[C_BLUE];
}

static void raw_colours(int spanno, int raw[NCOLOURS])
{
    memset(raw, 0, sizeof(int) * NCOLOURS);
    int ps = peer_span(spanno);
    if (ps < 1 || ps > S->nspans)
        return;
    const struct emu_span *t = &S->spans[ps - 1];
    if (t->faults & (F_LOS | F_LOF))
        raw[C_RED] = 1;
    else if (t->faults & F_AIS)
        raw[C_BLUE] = 1;
    else if (tx_sends_rai(t))
        raw[C_YELLOW] = 1;
}

int alarm_bits(const struct emu_span *s)
{
    int ps = peer_span(s->spanno), bits = 0;
    const struct emu_span *t = (ps >= 1 && ps <= S->nspans) ? &S->spans[ps - 1] : NULL;
    if (s->on[C_RED]) bits |= DAHDI_ALARM_RED;
    if (s->on[C_BLUE]) bits |= DAHDI_ALARM_BLUE;
    if (s->on[C_YELLOW]) bits |= DAHDI_ALARM_YELLOW;
    if (t && (t->faults & F_LOS)) bits |= DAHDI_ALARM_LOS;
    else if (t && (t->faults & F_LOF)) bits |= DAHDI_ALARM_LFA;
    return bits;
}

static void notify_alarm(struct emu_span *s)
{
    int colours = (s->on[C_RED] ? DAHDI_ALARM_RED : 0) | (s->on[C_BLUE] ? DAHDI_ALARM_BLUE : 0)
                | (s->on[C_YELLOW] ? DAHDI_ALARM_YELLOW : 0);
    if (colours == s->alarms)
        return;
    s->alarms = colours;
    for (int i = 0; i < EMU_CHANS; i++) {
        struct emu_chan *c = &S->chans[(s->spanno - 1) * EMU_CHANS + i];
        if (c->opens > 0)
            push_event(c, colours ? DAHDI_EVENT_ALARM : DAHDI_EVENT_NOALARM);
    }
}

/* Move the alarm machines to line time T, one transition at a time, in time order. */
void advance_alarms(int64_t T)
{
    for (int guard = 0; guard < 64; guard++) {
        int64_t t_cur = S->t_alarm, best = INT64_MAX;
        int bs = -1, bc = -1;
        for (int s = 0; s < S->nspans; s++) {
            int raw[NCOLOURS];
            raw_colours(s + 1, raw);
            struct emu_span *sp = &S->spans[s];
            for (int k = 0; k < NCOLOURS; k++) {
                if (raw[k] != sp->raw[k]) {
                    sp->raw[k] = raw[k];
                    sp->since[k] = t_cur;
                }
                if (sp->raw[k] != sp->on[k]) {
                    int64_t due = sp->since[k] + (sp->raw[k] ? S->debounce_on[k] : S->debounce_off[k]);
                    if (due < best) { best = due; bs = s; bc = k; }
                }
            }
        }
        if (bs < 0 || best > T)
            break;
        S->t_alarm = best > t_cur ? best : t_cur;
        S->spans[bs].on[bc] = S->spans[bs].raw[bc];
        notify_alarm(&S->spans[bs]);
    }
    if (T > S->t_alarm)
        S->t_alarm = T;
}

int64_t running(int64_t acc, int64_t since, int64_t T, int per)
{
    return acc + (since >= 0 ? (T - since) / per : 0);
}

/* ---- control entry points (tests, EmulatedDahdi) ------------------------------------------ */
/* layout: per chanpos, 'c' CAS, 'h' HDLC D-channel (FCS), 'v' clear channel, '-' none;
 * 31 characters (TS1..TS31). */
EMU_API int e1emu_create(const char *path, int nspans, const char *layout, double speed, int crc4, int idlebits)
{
    resolve();
    if (nspans < 1 || nspans > EMU_MAX_SPANS || !layout || strlen(layout) != EMU_CHANS || speed < 0)
        return -EINVAL;
    int fd = real_open(path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0)
        return -errno;
    if (ftruncate(fd, sizeof(struct emu_shared)) < 0) {
        int err = errno;
        real_close(fd);
        return -err;
    }
    struct emu_shared *s = mmap(NULL, sizeof *s, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    real_close(fd);
    if (s == MAP_FAILED)
        return -errno;
    memset(s, 0, sizeof *s);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
    pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&s->lock, &attr);
    s->nspans = nspans;
    s->speed = speed > 0 ? speed : 1.0;
    s->stepped = speed == 0;                        /* speed 0 = lock-step clock */
    s->t_manual = EMU_T0;
    s->t_alarm = EMU_T0;
    s->epoch_ns = mono_ns();
    s->debounce_on[C_RED] = 20000;                  /* raise after 2.5 s: RED and BLUE */
    s->debounce_on[C_BLUE] = 20000;
    s->debounce_on[C_YELLOW] = 4000;                /* 0.5 s: YELLOW */
    s->debounce_off[C_RED] = 40000;                 /* clear after 5 s (DAHDI's alarm settle) */
    s->debounce_off[C_BLUE] = 40000;
    s->debounce_off[C_YELLOW] = 4000;
    for (int sp = 0; sp < nspans; sp++) {
        struct emu_span *x = &s->spans[sp];
        int has_d = strchr(layout, 'h') != NULL, has_cas = strchr(layout, 'c') != NULL;
        x->spanno = sp + 1;
        x->lineconfig = DAHDI_CONFIG_HDB3 | (crc4 ? DAHDI_CONFIG_CRC4 : 0) | (has_d && !has_cas ? DAHDI_CONFIG_CCS : 0);
        x->crc_since = x->fas_since = -1;
        for (int i = 0; i < EMU_CHANS; i++) {
            struct emu_chan *c = &s->chans[sp * EMU_CHANS + i];
            c->channo = sp * EMU_CHANS + i + 1;
            c->spanno = sp + 1;
            c->chanpos = i + 1;
            c->sigtype = layout[i] == 'c' ? DAHDI_SIG_CAS : layout[i] == 'h' ? DAHDI_SIG_HDLCFCS
                       : layout[i] == 'v' ? DAHDI_SIG_CLEAR : DAHDI_SIG_NONE;
            c->idlebits = c->txsig = c->rxsig = idlebits & DAHDI_ABCD_MASK;
            c->blocksize = 1024;
            c->numbufs = 2;
            memset(c->tx, 0xD5, EMU_RING);
        }
    }
    s->magic = EMU_MAGIC;
    s->size = sizeof *s;
    munmap(s, sizeof *s);
    return attach(path);
}

EMU_API int e1emu_attach(const char *path) { return attach(path); }

EMU_API int64_t e1emu_now(void) { return S ? now_frames() : -1; }

/* Put a fault on span `spanno`'s transmitter (what the far end of its peer receives). */
EMU_API int e1emu_inject(int spanno, const char *fault, int on)
{
    static const struct { const char *name; int bit; } names[] = {
        {"LOS", F_LOS}, {"AIS", F_AIS}, {"RAI", F_RAI}, {"LOF", F_LOF}, {"FAS", F_LOF},
        {"NOISE", F_LOF}, {"CRC", F_CRC}};
    if (!S || spanno < 1 || spanno > S->nspans)
        return -EINVAL;
    int bit = 0;
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(fault, names[i].name) == 0)
            bit = names[i].bit;
    if (!bit)
        return -EINVAL;
    lock();
    int64_t T = now_frames();
    advance_alarms(T);
    struct emu_span *sp = &S->spans[spanno - 1];
    if (bit == F_CRC && on != !!(sp->faults & F_CRC)) {
        sp->crc_acc = running(sp->crc_acc, sp->crc_since, T, 8);
        sp->crc_since = on ? T : -1;
    }
    if (bit == F_LOF && on != !!(sp->faults & F_LOF)) {
        sp->fas_acc = running(sp->fas_acc, sp->fas_since, T, 2);
        sp->fas_since = on ? T : -1;
    }
    sp->faults = on ? (sp->faults | bit) : (sp->faults & ~bit);
    advance_alarms(T);
    unlock();
    return 0;
}

/* Debounce times in frames: raising and clearing RED, BLUE, YELLOW. */
EMU_API int e1emu_set_debounce(const int64_t on[3], const int64_t off[3])
{
    if (!S)
        return -EINVAL;
    lock();
    for (int k = 0; k < NCOLOURS; k++) {
        S->debounce_on[k] = on[k];
        S->debounce_off[k] = off[k];
    }
    unlock();
    return 0;
}

/* Lock-step clock only: let `frames` of line time pass. Returns the new line time. */
EMU_API int64_t e1emu_step(int64_t frames)
{
    if (!S || !S->stepped || frames < 0)
        return -EINVAL;
    lock();
    int64_t T = S->t_manual + frames;
    __atomic_store_n(&S->t_manual, T, __ATOMIC_RELEASE);
    advance_alarms(T);
    unlock();
    return T;
}

/* Channel statistics: out = {underruns, overruns, rpos, wpos, txsig, rxsig}. */
EMU_API int e1emu_chan_stats(int channo, int64_t out[6])
{
    struct emu_chan *c = chan_by_no(channo);
    if (!c)
        return -EINVAL;
    lock();
    out[0] = c->underruns; out[1] = c->overruns; out[2] = c->rpos; out[3] = c->wpos;
    out[4] = c->txsig; out[5] = c->rxsig;
    unlock();
    return 0;
}

