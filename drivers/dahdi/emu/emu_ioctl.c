/* emu_ioctl.c: the DAHDI ioctls of the emulation, on /dev/dahdi/ctl and on channels. */
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

static unsigned char logged[256];

/* ---- ioctls --------------------------------------------------------------------------- */
static void fill_spaninfo(int spanno, struct dahdi_spaninfo *si, int64_t T)
{
    struct emu_span *s = &S->spans[spanno - 1];
    int ps = peer_span(spanno);
    struct emu_span *t = (ps >= 1 && ps <= S->nspans) ? &S->spans[ps - 1] : NULL;
    int numchans = 0;
    for (int i = 0; i < EMU_CHANS; i++)
        numchans += S->chans[(spanno - 1) * EMU_CHANS + i].sigtype != DAHDI_SIG_NONE;
    memset(si, 0, sizeof *si);
    si->spanno = spanno;
    snprintf(si->name, sizeof si->name, "EMU/%d", spanno);
    snprintf(si->desc, sizeof si->desc, "e1desk emulated E1 span %d", spanno);
    si->alarms = alarm_bits(s);
    if (t && (s->lineconfig & DAHDI_CONFIG_CRC4)) {
        si->crc4count = (int)running(t->crc_acc, t->crc_since, T, 8);
        si->ebitcount = (int)running(s->crc_acc, s->crc_since, T, 8);
    }
    if (t)
        si->fascount = (int)running(t->fas_acc, t->fas_since, T, 2);
    si->syncsrc = 0;
    si->numchans = numchans;
    si->totalchans = EMU_CHANS;
    si->totalspans = S->nspans;
    si->lineconfig = s->lineconfig;
    snprintf(si->lboname, sizeof si->lboname, "E1 (120 ohms)");
    snprintf(si->location, sizeof si->location, "userspace emulation");
    snprintf(si->manufacturer, sizeof si->manufacturer, "e1desk");
    snprintf(si->devicetype, sizeof si->devicetype, "userspace DAHDI emulation");
    si->linecompat = s->lineconfig;
    memcpy(si->spantype, "E1", 3);
}

static void fill_params(const struct emu_chan *c, struct dahdi_params *p)
{
    memset(p, 0, sizeof *p);
    p->channo = c->channo;
    p->spanno = c->spanno;
    p->chanpos = c->chanpos;
    p->sigtype = p->sigcap = c->sigtype;
    p->rxbits = c->rxsig;
    p->txbits = c->txsig;
    p->curlaw = c->law ? c->law : DAHDI_LAW_ALAW;
    p->idlebits = c->idlebits;
    p->chan_alarms = S->spans[c->spanno - 1].alarms;
    snprintf(p->name, sizeof p->name, "EMU/%d/%d", c->spanno, c->chanpos);
}

int fail(int err) { errno = err; return -1; }

static void log_unknown(unsigned long request)
{
    unsigned nr = request & 0xFF;
    if (!logged[nr]) {
        logged[nr] = 1;
        fprintf(stderr, "dahdi_emu: ioctl 0x%lx (nr %u) not emulated: ENOTTY\n", request, nr);
    }
}

int sleep_slice(int64_t limit_ns)
{
    struct timespec ts = {0, limit_ns < EMU_SLICE_NS ? (limit_ns > 0 ? limit_ns : 0) : EMU_SLICE_NS};
    return nanosleep(&ts, NULL);
}

static int iomux_ready(struct emu_chan *c, int want, int64_t T)
{
    int got = 0;
    if ((want & DAHDI_IOMUX_SIGEVENT) && events_pending(c)) got |= DAHDI_IOMUX_SIGEVENT;
    if ((want & DAHDI_IOMUX_READ) && readable(c, T)) got |= DAHDI_IOMUX_READ;
    if ((want & DAHDI_IOMUX_WRITE) && (is_hdlc(c) || voice_writable(c, T))) got |= DAHDI_IOMUX_WRITE;
    if ((want & DAHDI_IOMUX_WRITEEMPTY) && c->wpos <= T) got |= DAHDI_IOMUX_WRITEEMPTY;
    return got;
}

static int chan_ioctl(int fd, struct emu_chan *c, unsigned long req, void *arg)
{
    int *iv = arg;
    int64_t T = now_frames();
    advance_alarms(T);
    if (req == DAHDI_GETEVENT) {
        *iv = DAHDI_EVENT_NONE;
        if (events_pending(c)) {
            *iv = c->ev[c->ev_out];
            c->ev_out = (c->ev_out + 1) % EMU_EVQ;
        }
    } else if (req == DAHDI_SET_BLOCKSIZE) {
        if (*iv < 16 || *iv > DAHDI_MAX_BLOCKSIZE || (!is_hdlc(c) && *iv * c->numbufs > EMU_RING / 2))
            return fail(EINVAL);
        c->blocksize = *iv;
        c->rpos = align_down(T, c->blocksize);
    } else if (req == DAHDI_GET_BLOCKSIZE) {
        *iv = c->blocksize;
    } else if (req == DAHDI_SETLAW) {
        if (*iv < DAHDI_LAW_DEFAULT || *iv > DAHDI_LAW_ALAW)
            return fail(EINVAL);
        c->law = *iv ? *iv : DAHDI_LAW_ALAW;
    } else if (req == DAHDI_GET_PARAMS || req == DAHDI_GET_PARAMS_V1) {
        fill_params(c, arg);
    } else if (req == DAHDI_SET_PARAMS || req == DAHDI_SETGAINS || req == DAHDI_AUDIOMODE
               || req == DAHDI_ECHOCANCEL || req == DAHDI_SYNC) {
        /* accepted; gains, echo cancelling and timing parameters are not emulated */
    } else if (req == DAHDI_GETGAINS) {
        struct dahdi_gains *g = arg;
        for (int i = 0; i < 256; i++)
            g->rxgain[i] = g->txgain[i] = i;
    } else if (req == DAHDI_GET_BUFINFO || req == DAHDI_SET_BUFINFO) {
        struct dahdi_bufferinfo *b = arg;
        if (req == DAHDI_SET_BUFINFO) {
            if (b->numbufs < 1 || b->numbufs > DAHDI_MAX_NUM_BUFS || b->bufsize < 16
                || b->bufsize > DAHDI_MAX_BLOCKSIZE || (!is_hdlc(c) && b->numbufs * b->bufsize > EMU_RING / 2))
                return fail(EINVAL);
            c->numbufs = b->numbufs;
            c->blocksize = b->bufsize;
            c->rpos = align_down(T, c->blocksize);
        } else {
            memset(b, 0, sizeof *b);
            b->numbufs = c->numbufs;
            b->bufsize = c->blocksize;
            b->readbufs = is_hdlc(c) ? 0 : (int)((T - c->rpos) / c->blocksize);
            b->writebufs = c->wpos > T ? (int)((c->wpos - T + c->blocksize - 1) / c->blocksize) : 0;
        }
    } else if (req == DAHDI_SETTXBITS) {
        if (c->sigtype != DAHDI_SIG_CAS)
            return fail(EINVAL);
        c->txsig = *iv & DAHDI_ABCD_MASK;
        struct emu_chan *p = peer_of(c);
        if (p && p->sigtype == DAHDI_SIG_CAS && p->rxsig != c->txsig) {
            p->rxsig = c->txsig;
            if (p->opens > 0)
                push_event(p, DAHDI_EVENT_BITSCHANGED);
        }
    } else if (req == DAHDI_GETRXBITS) {
        if (c->sigtype != DAHDI_SIG_CAS)
            return fail(EINVAL);
        *iv = c->rxsig;
    } else if (req == DAHDI_CHANNO) {
        *iv = c->channo;
    } else if (req == DAHDI_SPANSTAT) {
        struct dahdi_spaninfo *si = arg;
        int spanno = si->spanno ? si->spanno : c->spanno;
        if (spanno < 1 || spanno > S->nspans)
            return fail(EINVAL);
        fill_spaninfo(spanno, si, T);
    } else if (req == DAHDI_FLUSH) {
        if (*iv & DAHDI_FLUSH_READ) {
            c->rpos = align_down(T, c->blocksize);
            c->hq_out = c->hq_in;
        }
        if (*iv & DAHDI_FLUSH_WRITE)
            c->wpos = c->wpos > T ? T : c->wpos;
        if (*iv & DAHDI_FLUSH_EVENT)
            c->ev_out = c->ev_in;
    } else if (req == DAHDI_SETLINEAR) {
        if (*iv)
            return fail(EINVAL);                    /* signed linear mode is not emulated */
    } else if (req == DAHDI_IOMUX) {
        int want = *iv, got;
        int nonblock = *iv & DAHDI_IOMUX_NOWAIT;
        while (!(got = iomux_ready(c, want, T)) && !nonblock) {
            unlock();
            sleep_slice(EMU_SLICE_NS);
            lock();
            T = now_frames();
            advance_alarms(T);
        }
        *iv = got;
    } else if (req == DAHDI_SPECIFY) {
        return fail(EINVAL);                        /* already specified */
    } else {
        log_unknown(req);
        return fail(ENOTTY);
    }
    (void)fd;
    return 0;
}

int emu_ioctl(int fd, unsigned long req, void *arg)
{
    struct emu_fd *e = &fdtab[fd];
    int rc = 0;
    lock();
    if (e->kind == FD_CTL) {
        int64_t T = now_frames();
        advance_alarms(T);
        if (req == DAHDI_SPANSTAT) {
            struct dahdi_spaninfo *si = arg;
            if (si->spanno < 1 || si->spanno > S->nspans)
                rc = fail(EINVAL);
            else
                fill_spaninfo(si->spanno, si, T);
        } else if (req == DAHDI_GET_PARAMS || req == DAHDI_GET_PARAMS_V1) {
            struct dahdi_params *p = arg;
            struct emu_chan *c = chan_by_no(p->channo & 0xFFFF);
            if (!c)
                rc = fail(EINVAL);
            else
                fill_params(c, p);
        } else {
            log_unknown(req);
            rc = fail(ENOTTY);
        }
    } else if (e->chan < 0) {
        if (req == DAHDI_SPECIFY) {
            struct emu_chan *c = chan_by_no(*(int *)arg);
            if (!c) {
                rc = fail(ENXIO);
            } else {
                e->chan = (short)(c->channo - 1);
                c->opens++;
                start_channel(c, now_frames());
            }
        } else {
            rc = fail(EINVAL);                      /* DAHDI_SPECIFY must come first */
        }
    } else {
        rc = chan_ioctl(fd, &S->chans[e->chan], req, arg);
    }
    unlock();
    return rc;
}

