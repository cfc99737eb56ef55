"""spandsp 0.0.6 as a measuring peer: its DTMF and R2 MF receivers and G.711, bound with cffi.

Used only by the tests and by `e1desk bench dsp`, never by the box. The binding is compiled
on first use into a cache directory ($E1DESK_CACHE, else ~/.cache/e1desk), keyed by a hash of
its source, so installing the package needs neither spandsp nor a compiler. ``load()`` raises
PeerUnavailable with the reason when libspandsp-dev or the compiler is missing; tests turn
that into a skip.

The C helpers below loop over all channels in C (one receiver per channel), so the bench
measures spandsp's own speed, not Python's. Digit start/end times are the receiver's sample
clock at the start of the block whose processing reported them (spandsp gives no finer time).
"""
from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

HEADER_DIRS = ("/usr/include", "/usr/include/x86_64-linux-gnu", "/usr/include/aarch64-linux-gnu",
               "/usr/local/include")

CDEF = """
typedef struct peer_bank peer_bank;
peer_bank *peer_new(int kind, int channels);
void peer_free(peer_bank *b);
void peer_dtmf_parms(peer_bank *b, int filter_dialtone, int twist, int reverse_twist, int threshold);
void peer_process(peer_bank *b, const int16_t *x, int n);
void peer_run(peer_bank *b, const int16_t *x, int total, int block);
int peer_events(peer_bank *b, int channel, int *codes, int64_t *times, int max);
void peer_reset(peer_bank *b, int channel);
void peer_g711_tables(uint8_t *alaw_enc, uint8_t *ulaw_enc, int16_t *alaw_dec, int16_t *ulaw_dec);
"""

CSOURCE = r"""
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <spandsp.h>

#define PEER_EVMAX 4096
enum { KIND_DTMF = 0, KIND_R2_FWD = 1, KIND_R2_BWD = 2 };

typedef struct {
    void *rx;
    int64_t clock;
    int count;
    int codes[PEER_EVMAX];
    int64_t times[PEER_EVMAX];
} peer_chan;

typedef struct peer_bank {
    int kind;
    int channels;
    peer_chan *chan;
} peer_bank;

static void peer_note(void *user, int code, int level, int delay)
{
    peer_chan *c = (peer_chan *) user;
    (void) level; (void) delay;
    if (c->count < PEER_EVMAX) {
        c->codes[c->count] = code;
        c->times[c->count] = c->clock;
        c->count++;
    }
}

static void peer_open(peer_bank *b, int i)
{
    peer_chan *c = &b->chan[i];
    c->clock = 0;
    c->count = 0;
    if (b->kind == KIND_DTMF) {
        c->rx = dtmf_rx_init(NULL, NULL, NULL);
        dtmf_rx_set_realtime_callback((dtmf_rx_state_t *) c->rx, peer_note, c);
    } else {
        c->rx = r2_mf_rx_init(NULL, b->kind == KIND_R2_FWD, peer_note, c);
    }
}

static void peer_close(peer_bank *b, int i)
{
    if (b->kind == KIND_DTMF)
        dtmf_rx_free((dtmf_rx_state_t *) b->chan[i].rx);
    else
        r2_mf_rx_free((r2_mf_rx_state_t *) b->chan[i].rx);
}

peer_bank *peer_new(int kind, int channels)
{
    peer_bank *b = calloc(1, sizeof(*b));
    b->kind = kind;
    b->channels = channels;
    b->chan = calloc(channels, sizeof(peer_chan));
    for (int i = 0; i < channels; i++)
        peer_open(b, i);
    return b;
}

void peer_free(peer_bank *b)
{
    for (int i = 0; i < b->channels; i++)
        peer_close(b, i);
    free(b->chan);
    free(b);
}

void peer_reset(peer_bank *b, int channel)
{
    peer_close(b, channel);
    peer_open(b, channel);
}

void peer_dtmf_parms(peer_bank *b, int filter_dialtone, int twist, int reverse_twist, int threshold)
{
    for (int i = 0; i < b->channels; i++)
        dtmf_rx_parms((dtmf_rx_state_t *) b->chan[i].rx, filter_dialtone, twist, reverse_twist, threshold);
}

/* x holds channels rows of n samples each (row-major). */
void peer_process(peer_bank *b, const int16_t *x, int n)
{
    for (int i = 0; i < b->channels; i++) {
        peer_chan *c = &b->chan[i];
        if (b->kind == KIND_DTMF)
            dtmf_rx((dtmf_rx_state_t *) c->rx, x + (size_t) i * n, n);
        else
            r2_mf_rx((r2_mf_rx_state_t *) c->rx, x + (size_t) i * n, n);
        c->clock += n;
    }
}

/* The benchmark loop: x holds channels rows of total samples; feed them block by block. */
void peer_run(peer_bank *b, const int16_t *x, int total, int block)
{
    for (int start = 0; start + block <= total; start += block) {
        for (int i = 0; i < b->channels; i++) {
            peer_chan *c = &b->chan[i];
            const int16_t *row = x + (size_t) i * total + start;
            if (b->kind == KIND_DTMF)
                dtmf_rx((dtmf_rx_state_t *) c->rx, row, block);
            else
                r2_mf_rx((r2_mf_rx_state_t *) c->rx, row, block);
            c->clock += block;
        }
    }
}

int peer_events(peer_bank *b, int channel, int *codes, int64_t *times, int max)
{
    peer_chan *c = &b->chan[channel];
    int n = c->count < max ? c->count : max;
    memcpy(codes, c->codes, n * sizeof(int));
    memcpy(times, c->times, n * sizeof(int64_t));
    c->count = 0;
    return n;
}

void peer_g711_tables(uint8_t *alaw_enc, uint8_t *ulaw_enc, int16_t *alaw_dec, int16_t *ulaw_dec)
{
    for (int v = -32768; v < 32768; v++) {
        alaw_enc[v + 32768] = linear_to_alaw(v);
        ulaw_enc[v + 32768] = linear_to_ulaw(v);
    }
    for (int c = 0; c < 256; c++) {
        alaw_dec[c] = alaw_to_linear((uint8_t) c);
        ulaw_dec[c] = ulaw_to_linear((uint8_t) c);
    }
}
"""

KINDS = {"dtmf": 0, "r2_forward": 1, "r2_backward": 2}
#: spandsp reports R2 signals 1..15 as these characters.
R2_CODES = "1234567890BCDEF"


class PeerUnavailable(RuntimeError):
    """spandsp cannot be used here (library, header or compiler missing); the text says why."""


def cache_dir() -> Path:
    base = os.environ.get("E1DESK_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "e1desk")
    return Path(base)


_module = None


def load():
    """The compiled binding module (lib, ffi), building it on first use."""
    global _module
    if _module is not None:
        return _module
    if not any(os.path.exists(os.path.join(d, "spandsp.h")) for d in HEADER_DIRS):
        raise PeerUnavailable("spandsp.h not found: install Debian package libspandsp-dev")
    if shutil.which(os.environ.get("CC", "gcc")) is None:
        raise PeerUnavailable("no C compiler (gcc) to build the spandsp peer binding")
    digest = hashlib.sha256((CDEF + CSOURCE).encode()).hexdigest()[:12]
    name = f"_spandsp_peer_{digest}"
    target = cache_dir() / "peers"
    target.mkdir(parents=True, exist_ok=True)
    built = sorted(target.glob(f"{name}*.so"))
    if not built:
        import cffi
        ffi = cffi.FFI()
        ffi.cdef(CDEF)
        ffi.set_source(name, CSOURCE, libraries=["spandsp"], extra_compile_args=["-O2", "-w"])
        with tempfile.TemporaryDirectory(dir=target) as work:   # build aside, then move in
            try:
                library = ffi.compile(tmpdir=work, verbose=False)
            except Exception as exc:  # compiler or linker error: say why, the caller skips
                raise PeerUnavailable(f"building the spandsp binding failed: {exc}") from exc
            os.replace(library, target / os.path.basename(library))
        built = sorted(target.glob(f"{name}*.so"))
    spec = importlib.util.spec_from_file_location(name, built[0])
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    _module = module
    return module


@dataclass
class PeerEvent:
    channel: int
    code: str          # the digit or signal; "" marks the end of the current one
    sample: int


class SpandspBank:
    """One spandsp receiver per channel: kind "dtmf", "r2_forward" or "r2_backward"."""

    def __init__(self, kind: str, channels: int):
        module = load()
        self.ffi, self.lib = module.ffi, module.lib
        self.kind = kind
        self.channels = channels
        self._bank = self.lib.peer_new(KINDS[kind], channels)
        self._codes = self.ffi.new("int[]", 4096)
        self._times = self.ffi.new("int64_t[]", 4096)

    def close(self) -> None:
        if self._bank is not None:
            self.lib.peer_free(self._bank)
            self._bank = None

    __del__ = close

    def set_dtmf_parms(self, twist: int = -1, reverse_twist: int = -1, threshold: int = -99,
                       filter_dialtone: int = -1) -> None:
        self.lib.peer_dtmf_parms(self._bank, filter_dialtone, twist, reverse_twist, threshold)

    def _rows(self, x: np.ndarray) -> np.ndarray:
        x = np.ascontiguousarray(x, dtype=np.int16)
        if x.ndim != 2 or x.shape[0] != self.channels:
            raise ValueError(f"expected ({self.channels}, n) int16 samples, got {x.shape}")
        return x

    def process(self, x: np.ndarray) -> list[PeerEvent]:
        x = self._rows(x)
        self.lib.peer_process(self._bank, self.ffi.from_buffer("int16_t[]", x), x.shape[1])
        return self.events()

    def run(self, x: np.ndarray, block: int = 160) -> None:
        """Feed (channels, total) samples block by block entirely in C (the benchmark loop)."""
        x = self._rows(x)
        self.lib.peer_run(self._bank, self.ffi.from_buffer("int16_t[]", x), x.shape[1], block)

    def events(self) -> list[PeerEvent]:
        out = []
        for ch in range(self.channels):
            n = self.lib.peer_events(self._bank, ch, self._codes, self._times, 4096)
            for i in range(n):
                code = self._codes[i]
                out.append(PeerEvent(ch, self._symbol(code), int(self._times[i])))
        return out

    def _symbol(self, code: int) -> str:
        if code <= 0:
            return ""
        char = chr(code)
        if self.kind == "dtmf":
            return char
        return str(R2_CODES.index(char) + 1) if char in R2_CODES else char

    def digits(self, x: np.ndarray) -> list[str]:
        """Process (channels, n) and return, per channel, the string of digits started."""
        result = [""] * self.channels
        for event in self.process(x):
            if event.code:
                result[event.channel] += event.code if self.kind == "dtmf" else f"{event.code},"
        return result


def g711_tables() -> dict[str, np.ndarray]:
    """spandsp's own G.711 results over every input: encode (65536,) and decode (256,)."""
    module = load()
    ffi, lib = module.ffi, module.lib
    tables = {"alaw_encode": np.zeros(65536, np.uint8), "ulaw_encode": np.zeros(65536, np.uint8),
              "alaw_decode": np.zeros(256, np.int16), "ulaw_decode": np.zeros(256, np.int16)}
    c_types = ("uint8_t[]", "uint8_t[]", "int16_t[]", "int16_t[]")
    lib.peer_g711_tables(*(ffi.from_buffer(c, t) for c, t in zip(c_types, tables.values())))
    return tables
