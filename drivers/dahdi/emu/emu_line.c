/* emu_line.c: the emulated line itself: clocked voice streams (idle fill on underrun, lost
 * blocks on overrun) and HDLC frames with their FCS-16, between joined channels. */
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

/* ---- voice ------------------------------------------------------------------------------ */
void fill_idle(struct emu_chan *c, int64_t from, int64_t to, unsigned char byte)
{
    if (to - from > EMU_RING)
        from = to - EMU_RING;
    for (int64_t p = from; p < to; p++)
        c->tx[p % EMU_RING] = byte;
}

int64_t align_down(int64_t t, int bs) { return t - (t % bs); }

void start_channel(struct emu_chan *c, int64_t T)
{
    c->blocksize = 1024;                           /* DAHDI's default block size */
    c->numbufs = 2;
    c->law = DAHDI_LAW_ALAW;
    c->rpos = align_down(T, c->blocksize);
    c->wpos = T;
    c->written = 0;
    c->ev_in = c->ev_out = 0;
    c->hq_in = c->hq_out = 0;
    fill_idle(c, T - EMU_RING, T, 0xD5);
}

int voice_readable(struct emu_chan *c, int64_t T)
{
    int64_t cap = (int64_t)c->numbufs * c->blocksize;
    if (T - c->rpos > cap + c->blocksize) {           /* reader fell behind: oldest blocks lost */
        int64_t lost = (T - c->rpos - cap) / c->blocksize;
        c->rpos += lost * c->blocksize;
        c->overruns++;
    }
    return T >= c->rpos + c->blocksize;
}

int voice_writable(struct emu_chan *c, int64_t T)
{
    return c->wpos - T < (int64_t)c->numbufs * c->blocksize;
}

static int hdlc_readable(struct emu_chan *c, int64_t T)
{
    return c->hq_out != c->hq_in && c->hq[c->hq_out].arrive <= T;
}

int is_hdlc(const struct emu_chan *c) { return (c->sigtype & DAHDI_SIG_HDLCRAW) == DAHDI_SIG_HDLCRAW; }

int readable(struct emu_chan *c, int64_t T) { return is_hdlc(c) ? hdlc_readable(c, T) : voice_readable(c, T); }

void read_voice(struct emu_chan *c, unsigned char *buf, int n)
{
    struct emu_chan *p = peer_of(c);
    int ps = peer_span(c->spanno);
    int faults = (ps >= 1 && ps <= S->nspans) ? S->spans[ps - 1].faults : F_LOS;
    unsigned char idle = idle_byte(c);
    for (int i = 0; i < n; i++) {
        int64_t pos = c->rpos + i;
        if (faults & F_AIS)
            buf[i] = 0xFF;
        else if (faults & (F_LOS | F_LOF) || !p || pos >= p->wpos || pos < p->wpos - EMU_RING)
            buf[i] = idle;
        else
            buf[i] = p->tx[pos % EMU_RING];
    }
    c->rpos += c->blocksize;
}

void write_voice(struct emu_chan *c, const unsigned char *buf, int n, int64_t T)
{
    if (c->wpos < T) {                 /* underrun: idle went out; resume at the next chunk */
        int64_t restart = align_down(T + EMU_CHUNK - 1, EMU_CHUNK);
        fill_idle(c, c->wpos, restart, idle_byte(c));
        if (c->written)
            c->underruns++;
        c->wpos = restart;
    }
    for (int i = 0; i < n; i++)
        c->tx[(c->wpos + i) % EMU_RING] = buf[i];
    c->wpos += n;
    c->written = 1;
}

/* ---- HDLC: FCS-16 (ITU-T Q.921 / ISO 3309, reflected 0x8408, init and final 0xFFFF) ------ */
static uint16_t fcs16(const unsigned char *p, int n)
{
    uint16_t crc = 0xFFFF;
    for (int i = 0; i < n; i++) {
        crc ^= p[i];
        for (int b = 0; b < 8; b++)
            crc = (crc & 1) ? (crc >> 1) ^ 0x8408 : crc >> 1;
    }
    return crc ^ 0xFFFF;
}

int write_hdlc(struct emu_chan *c, const unsigned char *buf, int n, int64_t T)
{
    if (n < 3 || n > EMU_HDLC_MAX) {
        errno = EINVAL;
        return -1;
    }
    struct emu_chan *p = peer_of(c);
    int faults = S->spans[c->spanno - 1].faults;
    if (!p || (faults & (F_LOS | F_AIS | F_LOF)))
        return n;                                   /* the line is down: the frame is lost */
    int next = (p->hq_in + 1) % EMU_HDLC_Q;
    if (next == p->hq_out) {
        push_event(p, DAHDI_EVENT_OVERRUN);
        return n;
    }
    int64_t last = p->hq_out != p->hq_in ? p->hq[(p->hq_in + EMU_HDLC_Q - 1) % EMU_HDLC_Q].arrive : T;
    struct emu_hdlc *h = &p->hq[p->hq_in];
    memcpy(h->data, buf, n - 2);
    uint16_t fcs = fcs16(buf, n - 2);
    h->data[n - 2] = fcs & 0xFF;                    /* FCS goes out low byte first */
    h->data[n - 1] = fcs >> 8;
    h->len = n;
    h->arrive = (last > T ? last : T) + n + 2;      /* one octet per frame, plus flags */
    p->hq_in = next;
    return n;
}

int read_hdlc(struct emu_chan *c, unsigned char *buf, int n)
{
    struct emu_hdlc *h = &c->hq[c->hq_out];
    int len = h->len < n ? h->len : n;
    memcpy(buf, h->data, len);
    c->hq_out = (c->hq_out + 1) % EMU_HDLC_Q;
    return len;
}

