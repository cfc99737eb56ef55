"""cffi API-mode builder of firmware.e1._e1accel: the framer's steady-path C helper (e1accel.c)."""
from pathlib import Path

from cffi import FFI

HERE = Path(__file__).resolve().parent

ffibuilder = FFI()
ffibuilder.cdef("""
int e1_crc4_smfs(const uint8_t *data, long count, uint8_t *out);
int e1_tx_block(const uint8_t *voice, long vstride, int n, uint8_t *out, int *params,
                const uint8_t *ts0_pattern, const uint8_t *ts16_pattern, const uint8_t *dchan_octets,
                uint8_t *tail);
int e1_rx_steady(const uint8_t *buf, long buflen, const long *in, const uint8_t *cas_expected,
                 uint8_t *voice, long *out);
void e1_line_stats(const uint8_t *data, long len, long *out);
""")
ffibuilder.set_source("firmware.e1._e1accel", (HERE / "e1accel.c").read_text(),
                      extra_compile_args=["-O3"])

if __name__ == "__main__":  # pragma: no cover
    ffibuilder.compile(verbose=True)
