"""cffi API-mode builder of drivers.dahdi._dahdi: our own DAHDI ABI (dahdi_abi.h) + dahdi_io.c.

Compiled at install time (setup.py CFFI_MODULES); needs no DAHDI headers. cffi checks every
struct field and constant below against the C definitions when it compiles.
"""
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent

ffibuilder = FFI()
ffibuilder.cdef("""
struct dahdi_params {
    int channo, spanno, chanpos, sigtype, sigcap, rxisoffhook, rxbits, txbits;
    int txhooksig, rxhooksig, curlaw, idlebits;
    char name[40];
    int prewinktime, preflashtime, winktime, flashtime, starttime, rxwinktime;
    int rxflashtime, debouncetime, pulsebreaktime, pulsemaketime, pulseaftertime;
    uint32_t chan_alarms;
};
struct dahdi_bufferinfo { int txbufpolicy, rxbufpolicy, numbufs, bufsize, readbufs, writebufs; };
struct dahdi_gains { int chan; unsigned char rxgain[256]; unsigned char txgain[256]; };
""")
ffibuilder.cdef("""
struct dahdi_spaninfo {
    int spanno; char name[20]; char desc[40];
    int alarms, txlevel, rxlevel;
    int bpvcount, crc4count, ebitcount, fascount;
    uint32_t fecount, cvcount, becount, prbs, errsec;
    int irqmisses, syncsrc, numchans, totalchans, totalspans, lbo, lineconfig;
    char lboname[40]; char location[40]; char manufacturer[40]; char devicetype[40];
    int irq, linecompat; char spantype[6];
};
""", packed=True)

IOCTLS = ["GET_BLOCKSIZE", "SET_BLOCKSIZE", "FLUSH", "SYNC", "GET_PARAMS_V1", "GET_PARAMS",
          "SET_PARAMS", "HOOK", "GETEVENT", "IOMUX", "SPANSTAT", "GETGAINS", "SETGAINS",
          "GET_BUFINFO", "SET_BUFINFO", "AUDIOMODE", "ECHOCANCEL", "CHANNO", "SPECIFY",
          "SETLAW", "SETLINEAR", "GETRXBITS", "SETTXBITS"]
INTS = ["ELAST", "SIG_NONE", "SIG_CLEAR", "SIG_HDLCRAW", "SIG_HDLCFCS", "SIG_HDLCNET", "SIG_CAS",
        "SIG_HARDHDLC", "LAW_ALAW", "LAW_MULAW", "POLICY_IMMEDIATE", "POLICY_WHEN_FULL",
        "FLUSH_READ", "FLUSH_WRITE", "FLUSH_EVENT", "IOMUX_READ", "IOMUX_WRITE",
        "IOMUX_WRITEEMPTY", "IOMUX_SIGEVENT", "IOMUX_NOWAIT",
        "ALARM_RECOVER", "ALARM_LOOPBACK", "ALARM_YELLOW", "ALARM_RED", "ALARM_BLUE",
        "ALARM_NOTOPEN", "ALARM_LOS", "ALARM_LFA", "ALARM_LMFA",
        "CONFIG_CCS", "CONFIG_HDB3", "CONFIG_CRC4",
        "EVENT_NONE", "EVENT_ALARM", "EVENT_NOALARM", "EVENT_ABORT", "EVENT_OVERRUN",
        "EVENT_BADFCS", "EVENT_BITSCHANGED", "EVENT_REMOVED", "EVENT_READ_OVERRUN",
        "EVENT_WRITE_UNDERRUN", "MAX_BLOCKSIZE", "MAX_NUM_BUFS", "ABCD_MASK"]
ffibuilder.cdef("\n".join(f"#define DAHDI_{name} ..." for name in INTS if name != "ELAST")
                + "\n#define ELAST ...\n"
                + "\n".join(f"static const unsigned long DAHDI_{name};" for name in IOCTLS))
ffibuilder.cdef("""
int e1d_use_emulation(const char *path);
int e1d_open_channel(int channo);
int e1d_open(const char *path);
int e1d_close(int fd);
int e1d_ioctl(int fd, unsigned long request, void *arg);
int e1d_read(int fd, unsigned char *buf, int size);
int e1d_write(int fd, const unsigned char *buf, int size);
int e1d_read_span(const int *fds, int n, unsigned char *out, int bs, int timeout_ms,
                  int *got, int *ev_chan, int *ev_code, int ev_max, int *nev);
int e1d_write_span(const int *fds, int n, const unsigned char *data, int bs, int *status,
                   int *ev_chan, int *ev_code, int ev_max, int *nev);
int e1d_get_events(int fd, int idx, int *ev_chan, int *ev_code, int ev_max);
""")

ffibuilder.set_source("drivers.dahdi._dahdi", (HERE / "dahdi_io.c").read_text(),
                      include_dirs=[str(HERE)], libraries=["dl"],
                      extra_compile_args=["-O2", "-Wall"])

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
