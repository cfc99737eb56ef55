/* dahdi_emu.h: shared-state layout and internal interface of the userspace DAHDI emulation
 * (the C files in drivers/dahdi/emu). The state lives in a file mapped by every process that uses the
 * emulation, so its layout is versioned by EMU_MAGIC and its size. */
#ifndef E1DESK_DAHDI_EMU_H
#define E1DESK_DAHDI_EMU_H

#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/select.h>
#include <sys/types.h>

#include "dahdi_abi.h"

#define EMU_API __attribute__((visibility("default")))   /* everything else stays hidden */

#define EMU_MAGIC 0xE1DA0E01u
#define EMU_MAX_SPANS 8
#define EMU_CHANS 31                 /* E1: TS1..TS31 are chanpos 1..31 */
#define EMU_RING 16384               /* frames of transmit history per channel (~2 s) */
#define EMU_EVQ 128
#define EMU_HDLC_Q 32
#define EMU_HDLC_MAX 1024
#define EMU_MAX_FDS 4096
#define EMU_SLICE_NS 1000000L        /* wait granularity while blocking: 1 ms */
#define EMU_T0 (6554 * 160)          /* line time at creation (a block boundary, history >= 0) */
#define EMU_CHUNK 8                  /* DAHDI moves data in 8-frame (1 ms) chunks */

enum { C_RED, C_BLUE, C_YELLOW, NCOLOURS };          /* debounced alarm colours */
enum { F_LOS = 1, F_AIS = 2, F_RAI = 4, F_LOF = 8, F_CRC = 16 };   /* transmitter faults */

struct emu_hdlc { int64_t arrive; int len; unsigned char data[EMU_HDLC_MAX]; };

struct emu_chan {
    int channo, spanno, chanpos, sigtype, idlebits;
    int opens, blocksize, law, numbufs, written;
    int txsig, rxsig;
    int64_t rpos, wpos;               /* next frame to read / to be written */
    uint32_t underruns, overruns;
    int ev[EMU_EVQ], ev_in, ev_out;
    struct emu_hdlc hq[EMU_HDLC_Q];   /* frames on their way to THIS channel */
    int hq_in, hq_out;
    unsigned char tx[EMU_RING];       /* what this channel put on the line, by frame % RING */
};

struct emu_span {
    int spanno, lineconfig, faults, alarms;
    int raw[NCOLOURS], on[NCOLOURS];
    int64_t since[NCOLOURS];
    int64_t crc_acc, crc_since, fas_acc, fas_since;   /* errors this span's faults cause */
};

struct emu_shared {
    uint32_t magic, size;
    int nspans;
    double speed;                     /* real-time clock: line frames per 1/8000 s */
    int stepped;                      /* 1: line time moves only by e1emu_step (lock-step) */
    int64_t t_manual;                 /* line time of the stepped clock */
    int64_t epoch_ns, t_alarm;
    int64_t debounce_on[NCOLOURS], debounce_off[NCOLOURS];
    pthread_mutex_t lock;
    struct emu_span spans[EMU_MAX_SPANS];
    struct emu_chan chans[EMU_MAX_SPANS * EMU_CHANS];
};

enum { FD_NONE, FD_CTL, FD_CHAN };
struct emu_fd { unsigned char kind; short chan; };   /* chan: index or -1 until SPECIFY */

extern struct emu_shared *S;                  /* the mapped state (NULL: not attached) */
extern char S_path[4096];
extern struct emu_fd fdtab[EMU_MAX_FDS];      /* this process's emulated descriptors */

/* the real libc calls (emu_state.c) */
extern int (*real_open)(const char *, int, ...);
extern int (*real_openat)(int, const char *, int, ...);
extern int (*real_close)(int);
extern int (*real_ioctl)(int, unsigned long, ...);
extern ssize_t (*real_read)(int, void *, size_t);
extern ssize_t (*real_write)(int, const void *, size_t);
extern int (*real_poll)(struct pollfd *, nfds_t, int);
extern int (*real_select)(int, fd_set *, fd_set *, fd_set *, struct timeval *);
void resolve(void);

/* shared state, clock and alarms (emu_state.c) */
int64_t mono_ns(void);
int64_t now_frames(void);
int64_t frames_to_ns(int64_t frames);
void lock(void);
void unlock(void);
int attach(const char *path);
int active(void);
struct emu_chan *chan_by_no(int channo);
int peer_span(int spanno);
struct emu_chan *peer_of(struct emu_chan *c);
unsigned char idle_byte(const struct emu_chan *c);
void push_event(struct emu_chan *c, int event);
int events_pending(const struct emu_chan *c);
int alarm_bits(const struct emu_span *s);
void advance_alarms(int64_t T);
int64_t running(int64_t acc, int64_t since, int64_t T, int per);

/* the line: voice and HDLC (emu_line.c) */
void fill_idle(struct emu_chan *c, int64_t from, int64_t to, unsigned char byte);
int64_t align_down(int64_t t, int bs);
void start_channel(struct emu_chan *c, int64_t T);
int voice_readable(struct emu_chan *c, int64_t T);
int voice_writable(struct emu_chan *c, int64_t T);
int is_hdlc(const struct emu_chan *c);
int readable(struct emu_chan *c, int64_t T);
void read_voice(struct emu_chan *c, unsigned char *buf, int n);
void write_voice(struct emu_chan *c, const unsigned char *buf, int n, int64_t T);
int write_hdlc(struct emu_chan *c, const unsigned char *buf, int n, int64_t T);
int read_hdlc(struct emu_chan *c, unsigned char *buf, int n);

/* ioctls (emu_ioctl.c) */
int fail(int err);
int sleep_slice(int64_t limit_ns);
int emu_ioctl(int fd, unsigned long req, void *arg);

/* entry points for processes that dlopen the shim instead of preloading it (dahdi_emu.c) */
EMU_API int e1emu_open(const char *path, int flags, ...);
EMU_API int e1emu_close(int fd);
EMU_API int e1emu_ioctl(int fd, unsigned long req, ...);
EMU_API ssize_t e1emu_read(int fd, void *buf, size_t n);
EMU_API ssize_t e1emu_write(int fd, const void *buf, size_t n);
EMU_API int e1emu_poll(struct pollfd *fds, nfds_t n, int timeout);

#endif
