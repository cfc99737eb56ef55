/* Steady-path helpers of the software E1 framer (firmware/e1): one pass per block.
 *
 * e1_tx_block: transpose voice into frames, lay TS0 / TS16 patterns, clear E bits, compute the
 *              CRC-4 of every finished sub-multiframe and write the C bits of the next one.
 * e1_rx_steady: verify that a received block only confirms the current alignment (FAS, A bit,
 *              CRC-4 MFAS, CAS MFAS/ABCD) and, if so, transpose it to voice and count CRC-4
 *              and E-bit errors. Returns nonzero when the block needs the frame-by-frame walk.
 * e1_line_stats: zero octets, 0xFF octets, trailing zero octets of a block (LOS / AIS pre-checks).
 * CRC-4 per SMF: octets folded by position mod 15 (x^8 has order 15 mod x^4+x+1), then 15
 * table look-ups; the C bits' contribution is removed with a 16-entry table.
 */
#include <stdint.h>
#include <string.h>

static uint8_t class_table[15][256];
static uint8_t c_correction[16];
static int tables_ready;

static uint8_t crc4_bits(const uint8_t *data, long len)
{
    uint8_t reg = 0;
    for (long i = 0; i < len; i++)
        for (int s = 7; s >= 0; s--) {
            int fb = ((reg >> 3) & 1) ^ ((data[i] >> s) & 1);
            reg = (reg << 1) & 0xF;
            if (fb)
                reg ^= 0x3;
        }
    return reg;
}

static void build_tables(void)
{
    uint8_t block[256];
    for (int r = 0; r < 15; r++)
        for (int v = 0; v < 256; v++) {
            memset(block, 0, 16);
            block[0] = (uint8_t)v;
            class_table[r][v] = crc4_bits(block, r + 1);
        }
    for (int c = 0; c < 16; c++) {
        memset(block, 0, 256);
        for (int k = 0; k < 4; k++)
            if ((c >> (3 - k)) & 1)
                block[64 * k] = 0x80;
        c_correction[c] = crc4_bits(block, 256);
    }
    tables_ready = 1;
}

static inline int c_value(const uint8_t *smf)
{
    return ((smf[0] >> 7) << 3) | ((smf[64] >> 7) << 2) | ((smf[128] >> 7) << 1) | (smf[192] >> 7);
}

/* CRC-4 of one SMF (256 octets) with its C bits taken as 0. */
static uint8_t crc4_smf(const uint8_t *smf)
{
    uint64_t w[32], a[15];
    uint8_t folded[120], cls[15];
    memcpy(w, smf, 256);
    for (int i = 0; i < 15; i++)
        a[i] = w[i] ^ w[i + 15];
    a[0] ^= w[30];
    a[1] ^= w[31];
    memcpy(folded, a, 120);
    for (int j = 0; j < 15; j++)
        cls[j] = folded[j] ^ folded[j + 15] ^ folded[j + 30] ^ folded[j + 45] ^ folded[j + 60]
               ^ folded[j + 75] ^ folded[j + 90] ^ folded[j + 105];
    uint8_t r = 0;
    for (int j = 0; j < 15; j++)
        r ^= class_table[(15 - j) % 15][cls[j]];
    return r ^ c_correction[c_value(smf)];
}

int e1_crc4_smfs(const uint8_t *data, long count, uint8_t *out)
{
    if (!tables_ready)
        build_tables();
    for (long k = 0; k < count; k++)
        out[k] = crc4_smf(data + 256 * k);
    return 0;
}

/* Transpose an 8x8 block of octets: src rows at src + i * sstride, dst rows at dst + k * dstride.
 * Three rounds of masked swaps on 64-bit words (octet j of a word = the octet at address + j,
 * little-endian); big-endian machines use the plain loop. */
static inline void transpose8x8(const uint8_t *src, long sstride, uint8_t *dst, long dstride)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t x[8], t;
    for (int i = 0; i < 8; i++)
        memcpy(&x[i], src + i * sstride, 8);
    for (int i = 0; i < 8; i += 2) {
        t = ((x[i] >> 8) ^ x[i + 1]) & 0x00FF00FF00FF00FFULL; x[i + 1] ^= t; x[i] ^= t << 8;
    }
    static const int second[4] = {0, 1, 4, 5};
    for (int k = 0; k < 4; k++) {
        int i = second[k];
        t = ((x[i] >> 16) ^ x[i + 2]) & 0x0000FFFF0000FFFFULL; x[i + 2] ^= t; x[i] ^= t << 16;
    }
    for (int i = 0; i < 4; i++) {
        t = ((x[i] >> 32) ^ x[i + 4]) & 0x00000000FFFFFFFFULL; x[i + 4] ^= t; x[i] ^= t << 32;
    }
    for (int k = 0; k < 8; k++)
        memcpy(dst + k * dstride, &x[k], 8);
#else
    for (int i = 0; i < 8; i++)
        for (int k = 0; k < 8; k++)
            dst[k * dstride + i] = src[i * sstride + k];
#endif
}

/* rows x cols octets at src (row stride sstride) -> cols x rows at dst (row stride dstride) */
static void transpose(const uint8_t *src, long sstride, int rows, int cols, uint8_t *dst, long dstride)
{
    int r8 = rows & ~7, c8 = cols & ~7;
    for (int r = 0; r < r8; r += 8)
        for (int c = 0; c < c8; c += 8)
            transpose8x8(src + r * sstride + c, sstride, dst + c * dstride + r, dstride);
    for (int r = 0; r < rows; r++)
        for (int c = (r < r8 ? c8 : 0); c < cols; c++)
            dst[c * dstride + r] = src[r * sstride + c];
}

static inline void transpose_in(const uint8_t *voice, long vstride, int n, uint8_t *frames)
{
    transpose(voice, vstride, 32, n, frames, 32);
}

/* params: [mf_pos, crc4, signalling(0 none, 1 cas, 2 ccs), dchan, ebits_pending, last_crc, tail_len]
 * ts0_pattern, ts16_pattern: 16 octets each; dchan_octets: n octets (ccs) or NULL;
 * tail: the sent octets of the unfinished SMF (tail_len = 32 * (mf_pos % 8)), updated in place.
 * Returns the number of E bits used; params[5] gets the new last_crc. */
int e1_tx_block(const uint8_t *voice, long vstride, int n, uint8_t *out, int *params,
                const uint8_t *ts0_pattern, const uint8_t *ts16_pattern, const uint8_t *dchan_octets,
                uint8_t *tail)
{
    if (!tables_ready)
        build_tables();
    int mf = params[0], crc4 = params[1], sig = params[2], dchan = params[3];
    int ebits = params[4], used = 0;
    transpose_in(voice, vstride, n, out);
    for (int f = 0; f < n; f++) {
        int pos = (mf + f) & 15;
        uint8_t *frame = out + 32 * f;
        frame[0] = ts0_pattern[pos];
        if (crc4 && (pos == 13 || pos == 15) && used < ebits) {
            frame[0] &= 0x7F;
            used++;
        }
        if (sig == 1)
            frame[16] = ts16_pattern[pos];
        else if (sig == 2)
            frame[dchan] = dchan_octets[f];
    }
    if (crc4) {
        uint8_t stage[256];
        int last_crc = params[5];
        int in_smf = mf & 7;                 /* frames of the current SMF sent before */
        int f = 0;
        while (f < n) {
            int take = 8 - in_smf;
            if (take > n - f)
                take = n - f;
            /* C bits of this SMF: frames in_smf..in_smf+take-1, the even ones */
            for (int k = 0; k < take; k++) {
                int rel = in_smf + k;
                if ((rel & 1) == 0)
                    out[32 * (f + k)] |= (uint8_t)(((last_crc >> (3 - rel / 2)) & 1) << 7);
            }
            if (in_smf + take == 8) {
                const uint8_t *smf;
                if (in_smf == 0) {
                    smf = out + 32 * f;
                } else {
                    memcpy(stage, tail, 32 * in_smf);
                    memcpy(stage + 32 * in_smf, out + 32 * f, 32 * take);
                    smf = stage;
                }
                last_crc = crc4_smf(smf);
                in_smf = 0;
            } else {
                memcpy(tail + 32 * in_smf, out + 32 * f, 32 * take);
                in_smf += take;
            }
            f += take;
        }
        params[5] = last_crc;
    }
    return used;
}

/* in: [first (buffer index of the first frame), n, fas_first, a_expected, crc_on, crc_mf,
 *      crc_valid_from (buffer index, may be negative), cas_on, cas_mf, y_expected, window_room]
 * cas_expected: 16 octets (position 0 unused); out: [checks, errors, errors within window_room,
 * ebit_zeros, last_ts16]. Returns 0 when the block is steady (voice filled). */
int e1_rx_steady(const uint8_t *buf, long buflen, const long *in, const uint8_t *cas_expected,
                 uint8_t *voice, long *out)
{
    if (!tables_ready)
        build_tables();
    long first = in[0];
    int n = (int)in[1], fas_first = (int)in[2], a_expected = (int)in[3];
    int crc_on = (int)in[4], crc_mf = (int)in[5], cas_on = (int)in[7], cas_mf = (int)in[8];
    long valid_from = in[6];
    int y_expected = (int)in[9];
    long room = in[10];
    if (first < 0 || first + 32L * n > buflen)
        return 1;
    const uint8_t *frames = buf + first;
    static const int8_t mfas[16] = {-1, 0, -1, 0, -1, 1, -1, 0, -1, 1, -1, 1, -1, -1, -1, -1};
    long checks = 0, errors = 0, errors_in_room = 0, ebit_zeros = 0;
    for (int f = 0; f < n; f++) {
        uint8_t o0 = frames[32 * f];
        if (((f + fas_first) & 1) == 0) {
            if ((o0 & 0x7F) != 0x1B)
                return 2;
        } else if (((o0 >> 5) & 1) != a_expected) {
            return 3;
        }
        if (crc_on) {
            int pos = (crc_mf + f) & 15;
            if (mfas[pos] >= 0 && (o0 >> 7) != mfas[pos])
                return 4;
            if ((pos == 13 || pos == 15) && !(o0 & 0x80))
                ebit_zeros++;
        }
        if (cas_on) {
            int pos = (cas_mf + f) & 15;
            uint8_t o16 = frames[32 * f + 16];
            if (pos == 0) {
                if ((o16 & 0xF0) || (((o16 >> 2) & 1) != y_expected))
                    return 5;
            } else if (o16 != cas_expected[pos] || o16 == 0) {
                return 6;
            }
        }
    }
    if (crc_on) {
        for (int f = 0; f < n; f++) {
            int pos = (crc_mf + f) & 15;
            if (pos != 6 && pos != 14)
                continue;
            long smf = first + 32L * f - 192, prev = smf - 256;
            if (prev < valid_from || prev < 0)
                return 7;
            int bad = crc4_smf(buf + prev) != c_value(buf + smf);
            errors += bad;
            if (checks < room)
                errors_in_room += bad;
            checks++;
        }
    }
    transpose(frames, 32, n, 32, voice, n);
    out[0] = checks;
    out[1] = errors;
    out[2] = errors_in_room;
    out[3] = ebit_zeros;
    out[4] = n ? frames[32 * (n - 1) + 16] : 0;
    return 0;
}

/* out: [zero octets, 0xFF octets, zero octets at the end] */
void e1_line_stats(const uint8_t *data, long len, long *out)
{
    long zeros = 0, ones = 0, trailing = 0, i = 0;
    const uint64_t low7 = 0x7F7F7F7F7F7F7F7FULL;
    for (; i + 8 <= len; i += 8) {          /* high bit of t set exactly for the zero octets of w */
        uint64_t w, t;
        memcpy(&w, data + i, 8);
        t = ~(((w & low7) + low7) | w | low7);
        zeros += (long)((((t >> 7) * 0x0101010101010101ULL)) >> 56);
        w = ~w;
        t = ~(((w & low7) + low7) | w | low7);
        ones += (long)((((t >> 7) * 0x0101010101010101ULL)) >> 56);
    }
    for (; i < len; i++) {
        zeros += data[i] == 0;
        ones += data[i] == 0xFF;
    }
    while (trailing < len && data[len - 1 - trailing] == 0)
        trailing++;
    out[0] = zeros;
    out[1] = ones;
    out[2] = trailing;
}
