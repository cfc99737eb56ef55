/* dahdi_abi.h: the DAHDI userspace ABI as e1desk uses it, written from the facts of
 * dahdi/user.h (DAHDI Linux 2.11, the version Debian bookworm ships): ioctl numbers, the
 * structs those ioctls exchange, and the constants that go with them. Shared by the cffi
 * helper (drivers/dahdi/_build.py) and the userspace emulation (drivers/dahdi/emu/).
 * Building needs no DAHDI headers; tests/dahdi compares these values with the real header
 * when it is installed. */
#ifndef E1DESK_DAHDI_ABI_H
#define E1DESK_DAHDI_ABI_H

#include <stdint.h>
#include <sys/ioctl.h>

#ifndef ELAST
#define ELAST 500                   /* read()/write() errno while an event is pending */
#endif

#define DAHDI_CODE 0xDA             /* ioctl magic */

/* channel parameters (DAHDI_GET_PARAMS): 24 ints, a 40-byte name, 132 bytes in all */
struct dahdi_params {
    int channo, spanno, chanpos, sigtype, sigcap, rxisoffhook, rxbits, txbits;
    int txhooksig, rxhooksig, curlaw, idlebits;
    char name[40];
    int prewinktime, preflashtime, winktime, flashtime, starttime, rxwinktime;
    int rxflashtime, debouncetime, pulsebreaktime, pulsemaketime, pulseaftertime;
    uint32_t chan_alarms;
};

/* span status (DAHDI_SPANSTAT): packed, 314 bytes */
struct dahdi_spaninfo {
    int spanno;
    char name[20];
    char desc[40];
    int alarms, txlevel, rxlevel;
    int bpvcount, crc4count, ebitcount, fascount;
    uint32_t fecount, cvcount, becount, prbs, errsec;
    int irqmisses, syncsrc, numchans, totalchans, totalspans, lbo, lineconfig;
    char lboname[40];
    char location[40];
    char manufacturer[40];
    char devicetype[40];
    int irq, linecompat;
    char spantype[6];
} __attribute__((packed));

/* buffer policy (DAHDI_GET/SET_BUFINFO) */
struct dahdi_bufferinfo {
    int txbufpolicy, rxbufpolicy, numbufs, bufsize, readbufs, writebufs;
};

/* gain tables (DAHDI_GET/SETGAINS), used by OpenR2 */
struct dahdi_gains {
    int chan;
    unsigned char rxgain[256];
    unsigned char txgain[256];
};

#define DAHDI_GET_BLOCKSIZE   _IOR(DAHDI_CODE, 1, int)
#define DAHDI_SET_BLOCKSIZE   _IOW(DAHDI_CODE, 1, int)
#define DAHDI_FLUSH           _IOW(DAHDI_CODE, 3, int)
#define DAHDI_SYNC            _IO(DAHDI_CODE, 4)
#define DAHDI_GET_PARAMS_V1   _IOR(DAHDI_CODE, 5, struct dahdi_params)
#define DAHDI_GET_PARAMS      _IOWR(DAHDI_CODE, 5, struct dahdi_params)
#define DAHDI_SET_PARAMS      _IOW(DAHDI_CODE, 5, struct dahdi_params)
#define DAHDI_HOOK            _IOW(DAHDI_CODE, 7, int)
#define DAHDI_GETEVENT        _IOR(DAHDI_CODE, 8, int)
#define DAHDI_IOMUX           _IOWR(DAHDI_CODE, 9, int)
#define DAHDI_SPANSTAT        _IOWR(DAHDI_CODE, 10, struct dahdi_spaninfo)
#define DAHDI_GETGAINS        _IOWR(DAHDI_CODE, 16, struct dahdi_gains)
#define DAHDI_SETGAINS        _IOW(DAHDI_CODE, 16, struct dahdi_gains)
#define DAHDI_GET_BUFINFO     _IOR(DAHDI_CODE, 27, struct dahdi_bufferinfo)
#define DAHDI_SET_BUFINFO     _IOW(DAHDI_CODE, 27, struct dahdi_bufferinfo)
#define DAHDI_AUDIOMODE       _IOW(DAHDI_CODE, 32, int)
#define DAHDI_ECHOCANCEL      _IOW(DAHDI_CODE, 33, int)
#define DAHDI_CHANNO          _IOR(DAHDI_CODE, 34, int)
#define DAHDI_SPECIFY         _IOW(DAHDI_CODE, 38, int)
#define DAHDI_SETLAW          _IOW(DAHDI_CODE, 39, int)
#define DAHDI_SETLINEAR       _IOW(DAHDI_CODE, 40, int)
#define DAHDI_GETRXBITS       _IOR(DAHDI_CODE, 43, int)
#define DAHDI_SETTXBITS       _IOW(DAHDI_CODE, 43, int)

/* signalling types (dahdi_params.sigtype) */
#define DAHDI_SIG_NONE     0
#define DAHDI_SIG_CLEAR    (1 << 7)
#define DAHDI_SIG_HDLCRAW  ((1 << 8) | DAHDI_SIG_CLEAR)
#define DAHDI_SIG_HDLCFCS  ((1 << 9) | DAHDI_SIG_HDLCRAW)
#define DAHDI_SIG_HDLCNET  ((1 << 10) | DAHDI_SIG_HDLCFCS)
#define DAHDI_SIG_CAS      (1 << 15)
#define DAHDI_SIG_HARDHDLC ((1 << 19) | DAHDI_SIG_CLEAR)

#define DAHDI_LAW_DEFAULT 0
#define DAHDI_LAW_MULAW   1
#define DAHDI_LAW_ALAW    2

#define DAHDI_POLICY_IMMEDIATE 0
#define DAHDI_POLICY_WHEN_FULL 1
#define DAHDI_POLICY_HALF_FULL 2

#define DAHDI_FLUSH_READ  1
#define DAHDI_FLUSH_WRITE 2
#define DAHDI_FLUSH_EVENT 4

#define DAHDI_IOMUX_READ       1
#define DAHDI_IOMUX_WRITE      2
#define DAHDI_IOMUX_WRITEEMPTY 4
#define DAHDI_IOMUX_SIGEVENT   8
#define DAHDI_IOMUX_NOWAIT     0x100

/* span alarm bits (dahdi_spaninfo.alarms) */
#define DAHDI_ALARM_RECOVER  (1 << 0)
#define DAHDI_ALARM_LOOPBACK (1 << 1)
#define DAHDI_ALARM_YELLOW   (1 << 2)
#define DAHDI_ALARM_RED      (1 << 3)
#define DAHDI_ALARM_BLUE     (1 << 4)
#define DAHDI_ALARM_NOTOPEN  (1 << 5)
#define DAHDI_ALARM_LOS      (1 << 8)
#define DAHDI_ALARM_LFA      (1 << 9)
#define DAHDI_ALARM_LMFA     (1 << 10)

/* span line configuration bits (dahdi_spaninfo.lineconfig) */
#define DAHDI_CONFIG_CCS  (1 << 8)
#define DAHDI_CONFIG_HDB3 (1 << 9)
#define DAHDI_CONFIG_CRC4 (1 << 10)

/* channel events (DAHDI_GETEVENT) */
#define DAHDI_EVENT_NONE           0
#define DAHDI_EVENT_ALARM          4
#define DAHDI_EVENT_NOALARM        5
#define DAHDI_EVENT_ABORT          6
#define DAHDI_EVENT_OVERRUN        7
#define DAHDI_EVENT_BADFCS         8
#define DAHDI_EVENT_BITSCHANGED    13
#define DAHDI_EVENT_REMOVED        20
#define DAHDI_EVENT_READ_OVERRUN   29
#define DAHDI_EVENT_WRITE_UNDERRUN 30

#define DAHDI_MAX_BLOCKSIZE 8192
#define DAHDI_MAX_NUM_BUFS  32
#define DAHDI_ABCD_MASK     0xF     /* ABCD = A 8, B 4, C 2, D 1 */

#endif
