"""cffi builder of firmware.dsp._kernels: the small per-frame loops of the tone receivers in C.

The filter bank's arithmetic stays in numpy (one BLAS product per block for all channels);
what is left is glue per analysis frame: summing the window parts and the window energy
(bank_frames), and a short chain of decisions per channel (pick the tones, estimate their
frequencies from the phase step, correct their levels, check twist and energy share, then
the persistence state machine). In numpy that chain costs ~100 calls per block whatever the
channel count; here it is one loop. Built at install time (setup.py CFFI_MODULES).
"""
from cffi import FFI

CDEF = """
typedef struct {
    int k;                      /* number of frequencies */
    int split;                  /* >0: tone a = best of bins [0,split), b = best of [split,k);
                                   0: a, b = the two best bins of all (a < b) */
    double hz_per_rad;          /* rate / (2 pi hop) */
    double power_scale;         /* 2 / sum(taper)^2: |X|^2 -> mean power of a sine */
    double taper_sum;
    double min_power;           /* each tone, int16 units squared */
    double max_ratio_ab;        /* power of a may exceed b by this factor */
    double max_ratio_ba;
    double min_coverage;
    double response_start, response_step;
    int response_n;
    const double *response;     /* window amplitude response at response_start + i * step Hz */
    const double *nominal_step; /* k: radians per hop of each nominal frequency */
    const double *tolerance_hz; /* k */
    const int16_t *codes;       /* k * k: signal code of the pair (a, b), -1 if none */
    int window, hop;
    const double *cumulative;   /* window + 1: share of taper weight before each position */
} pair_params;

void classify_pairs(const pair_params *p, int channels, int frames, const float *spectrum,
                    const float *energy, int64_t first_end, const int64_t *origin, double *memory,
                    int32_t *code, int32_t *tail_code, int64_t *start_at, int64_t *end_at);

int track_signals(int channels, int frames, const int32_t *code, const int32_t *tail_code,
                  const int64_t *start_at, const int64_t *end_at, int64_t *state, int on_frames,
                  int off_frames, int64_t *events);

void bank_frames(int channels, int chunks, int parts, int width, int hop, const float *x,
                 const float *spec, int spec_columns, const float *taper, float *history,
                 float *last, float *spectrum, float *energy);

void lookup_float(const uint8_t *codes, int64_t n, const float *table, float *out);
"""

SOURCE = "#include <math.h>\n#include <stdint.h>\n#include <string.h>\n" + CDEF + r"""

static double response_at(const pair_params *p, double hz)
{
    double pos = (hz - p->response_start) / p->response_step;
    if (pos <= 0) return p->response[0];
    if (pos >= p->response_n - 1) return p->response[p->response_n - 1];
    int i = (int) pos;
    double f = pos - i;
    return p->response[i] * (1.0 - f) + p->response[i + 1] * f;
}

/* Position (samples from the window start) where the taper's cumulative share equals share. */
static double edge_position(const pair_params *p, double share)
{
    int lo = 0, hi = p->window;
    if (share <= 0) return 0;
    if (share >= 1) return p->window;
    while (hi - lo > 1) {
        int mid = (lo + hi) / 2;
        if (p->cumulative[mid] < share) lo = mid; else hi = mid;
    }
    double span = p->cumulative[hi] - p->cumulative[lo];
    return lo + (span > 0 ? (share - p->cumulative[lo]) / span : 0.0);
}

static double offset_hz(const pair_params *p, const float *cur, const float *prev, int bin)
{
    double cr = cur[bin], ci = cur[bin + p->k], pr = prev[bin], pi = prev[bin + p->k];
    double step = atan2(ci * pr - cr * pi, cr * pr + ci * pi) - p->nominal_step[bin];
    return remainder(step, 2.0 * M_PI) * p->hz_per_rad;
}

/* Share of a window's energy held by tones in bins a, b at the given offsets (see coverage). */
static double pair_coverage(const pair_params *p, const float *frame, int a, int b,
                            double off_a, double off_b, double energy)
{
    const int k = p->k;
    double ra = response_at(p, off_a), rb = response_at(p, off_b);
    if (ra < 0.05) ra = 0.05;
    if (rb < 0.05) rb = 0.05;
    double pa = ((double) frame[a] * frame[a] + (double) frame[a + k] * frame[a + k]) / (ra * ra);
    double pb = ((double) frame[b] * frame[b] + (double) frame[b + k] * frame[b + k]) / (rb * rb);
    return energy > 0 ? (pa + pb) * p->power_scale * p->taper_sum / energy : 0.0;
}

enum { MEM_CODE, MEM_A, MEM_B, MEM_OFF_A, MEM_OFF_B, MEM_ENERGY, MEMORY_WIDTH };

/* spectrum: (channels, frames + 1, 2k) floats, real parts then imaginary parts, frame 0 the
   one before this block; energy: (channels, frames); first_end: global sample one past the
   first new window; origin: (channels,) global sample where each channel's clock is 0 (times
   out are channel times); memory: (channels, 6),
   what the classification of each channel's previous frame found (code, bins, offsets,
   energy). Out per frame: code (-1 none) with start_at / end_at edge estimates; for a frame
   just after a valid one that is not valid itself, tail_code = the previous code and end_at
   = where that signal ends inside this window (the signal's last, partial window). */
void classify_pairs(const pair_params *p, int channels, int frames, const float *spectrum,
                    const float *energy, int64_t first_end, const int64_t *origin, double *memory,
                    int32_t *code, int32_t *tail_code, int64_t *start_at, int64_t *end_at)
{
    const int k = p->k, stride = 2 * p->k;
    double power[32];
    for (int c = 0; c < channels; c++) {
        double *mem = memory + (int64_t) c * MEMORY_WIDTH;
        for (int f = 0; f < frames; f++) {
            const int row = c * frames + f;
            const float *prev = spectrum + ((int64_t) c * (frames + 1) + f) * stride;
            const float *cur = prev + stride;
            const int64_t window_start = first_end + (int64_t) f * p->hop - p->window - origin[c];
            const int prev_code = (int) mem[MEM_CODE];
            const double prev_energy = mem[MEM_ENERGY];
            int signal = -1, a = 0, b = 0;
            double off_a = 0, off_b = 0, covered = 0;
            code[row] = tail_code[row] = -1;
            start_at[row] = end_at[row] = window_start;
            mem[MEM_ENERGY] = energy[row];
            if (energy[row] > 0) {
                for (int i = 0; i < k; i++) power[i] = (double) cur[i] * cur[i] + (double) cur[i + k] * cur[i + k];
                if (p->split > 0) {
                    a = 0; b = p->split;
                    for (int i = 1; i < p->split; i++) if (power[i] > power[a]) a = i;
                    for (int i = p->split + 1; i < k; i++) if (power[i] > power[b]) b = i;
                } else {
                    a = power[0] >= power[1] ? 0 : 1; b = 1 - a;
                    for (int i = 2; i < k; i++) {
                        if (power[i] > power[a]) { b = a; a = i; }
                        else if (power[i] > power[b]) b = i;
                    }
                    if (a > b) { int t = a; a = b; b = t; }
                }
                /* cheap rejection first: even at the worst window response, too weak */
                if (power[a] * p->power_scale >= 0.3 * p->min_power && power[b] * p->power_scale >= 0.3 * p->min_power) {
                    off_a = offset_hz(p, cur, prev, a);
                    off_b = offset_hz(p, cur, prev, b);
                    double ra = response_at(p, off_a), rb = response_at(p, off_b);
                    if (ra < 0.05) ra = 0.05;
                    if (rb < 0.05) rb = 0.05;
                    double pa = power[a] * p->power_scale / (ra * ra), pb = power[b] * p->power_scale / (rb * rb);
                    covered = (pa + pb) * p->taper_sum / energy[row];
                    if (fabs(off_a) <= p->tolerance_hz[a] && fabs(off_b) <= p->tolerance_hz[b]
                        && pa >= p->min_power && pb >= p->min_power
                        && pa <= pb * p->max_ratio_ab && pb <= pa * p->max_ratio_ba
                        && covered >= p->min_coverage)
                        signal = p->codes[a * k + b];
                }
            }
            if (signal >= 0) {
                double share = covered > 1.0 ? 1.0 : covered;
                code[row] = signal;
                start_at[row] = window_start + (int64_t) edge_position(p, 1.0 - share);
                end_at[row] = window_start + (int64_t) edge_position(p, share);
                if (prev_code != signal) {      /* the frame before may hold the signal's head */
                    double head = pair_coverage(p, prev, a, b, off_a, off_b, prev_energy);
                    if (head > 0.02 && head < share)
                        start_at[row] = window_start - p->hop + (int64_t) edge_position(p, 1.0 - head);
                }
                mem[MEM_CODE] = signal; mem[MEM_A] = a; mem[MEM_B] = b;
                mem[MEM_OFF_A] = off_a; mem[MEM_OFF_B] = off_b;
            } else {
                if (prev_code >= 0) {           /* this frame may hold the signal's tail */
                    double tail = pair_coverage(p, cur, (int) mem[MEM_A], (int) mem[MEM_B],
                                                mem[MEM_OFF_A], mem[MEM_OFF_B], energy[row]);
                    if (tail > 0.02) {
                        tail_code[row] = prev_code;
                        end_at[row] = window_start + (int64_t) edge_position(p, tail > 1.0 ? 1.0 : tail);
                    }
                }
                mem[MEM_CODE] = -1;
            }
        }
    }
}

/* sum of taper[n] * x[n]^2 in two 4-wide vector accumulators (GCC/clang vector extension) */
typedef float v4f __attribute__((vector_size(16)));

static float tapered_energy(const float *x, const float *taper, int n)
{
    v4f acc0 = {0, 0, 0, 0}, acc1 = {0, 0, 0, 0};
    int i = 0;
    for (; i + 8 <= n; i += 8) {
        v4f a, b, t, u;
        memcpy(&a, x + i, sizeof a); memcpy(&b, x + i + 4, sizeof b);
        memcpy(&t, taper + i, sizeof t); memcpy(&u, taper + i + 4, sizeof u);
        acc0 += t * a * a;
        acc1 += u * b * b;
    }
    v4f acc = acc0 + acc1;
    float sum = acc[0] + acc[1] + acc[2] + acc[3];
    for (; i < n; i++) sum += taper[i] * x[i] * x[i];
    return sum;
}

/* The sliding windows of the filter bank (tonebank.ToneBank.process).
   x: (channels, chunks * hop) samples; spec: (channels * chunks, spec_columns), the first
   parts * (width + 1) columns per-part sums of each chunk: the DFT (width = 2K: real parts
   then imaginary) and the tapered sum (the 0 Hz term); taper: parts * hop. history: (channels, parts - 1, parts, width + 2)
   per-part sums (DFT, 0 Hz, energy) of the last parts - 1 chunks; last: (channels, width)
   previous frame. Out: spectrum (channels, chunks + 1, width) with row 0 = last; energy
   (channels, chunks): the window's tapered energy without its DC part. Updates history, last. */
void bank_frames(int channels, int chunks, int parts, int width, int hop, const float *x,
                 const float *spec, int spec_columns, const float *taper, float *history,
                 float *last, float *spectrum, float *energy)
{
    const int cell = width + 2, held = parts - 1, stride = width + 1;
    float acc[cell], moved[held > 0 ? held * parts * cell : 1], parts_energy[chunks * parts];
    double taper_sum = 0;
    for (int n = 0; n < parts * hop; n++) taper_sum += taper[n];
    for (int c = 0; c < channels; c++) {
        const float *xc = x + (int64_t) c * chunks * hop;
        const float *sc = spec + (int64_t) c * chunks * spec_columns;
        float *hist = history + (int64_t) c * held * parts * cell;
        float *out = spectrum + (int64_t) c * (chunks + 1) * width;
        for (int i = 0; i < chunks; i++)
            for (int p = 0; p < parts; p++)
                parts_energy[i * parts + p] = tapered_energy(xc + (int64_t) i * hop, taper + p * hop, hop);
        for (int w = 0; w < width; w++) out[w] = last[(int64_t) c * width + w];
        for (int j = 0; j < chunks; j++) {          /* window j ends with new chunk j */
            for (int e = 0; e < cell; e++) acc[e] = 0.0f;
            for (int p = 0; p < parts; p++) {
                int idx = j + p;                    /* index in (held chunks, new chunks) */
                if (idx < held) {
                    const float *h = hist + ((int64_t) idx * parts + p) * cell;
                    for (int e = 0; e < cell; e++) acc[e] += h[e];
                } else {
                    int i = idx - held;
                    const float *v = sc + (int64_t) i * spec_columns + p * stride;
                    for (int e = 0; e < stride; e++) acc[e] += v[e];
                    acc[stride] += parts_energy[i * parts + p];
                }
            }
            for (int w = 0; w < width; w++) out[(int64_t) (j + 1) * width + w] = acc[w];
            double ac = acc[stride] - (double) acc[width] * acc[width] / taper_sum;
            energy[(int64_t) c * chunks + j] = ac > 0 ? (float) ac : 0.0f;
        }
        /* keep the last held chunks (all parts) for the windows of the next call */
        for (int q = 0; q < held; q++) {
            int idx = chunks + q;
            float *dst = moved + (int64_t) q * parts * cell;
            if (idx < held) {
                const float *src = hist + (int64_t) idx * parts * cell;
                for (int e = 0; e < parts * cell; e++) dst[e] = src[e];
            } else {
                int i = idx - held;
                for (int p = 0; p < parts; p++) {
                    const float *v = sc + (int64_t) i * spec_columns + p * stride;
                    for (int e = 0; e < stride; e++) dst[p * cell + e] = v[e];
                    dst[p * cell + stride] = parts_energy[i * parts + p];
                }
            }
        }
        for (int e = 0; e < held * parts * cell; e++) hist[e] = moved[e];
        for (int w = 0; w < width; w++) last[(int64_t) c * width + w] = out[(int64_t) chunks * width + w];
    }
}

void lookup_float(const uint8_t *codes, int64_t n, const float *table, float *out)
{
    for (int64_t i = 0; i < n; i++) out[i] = table[codes[i]];
}

enum { CURRENT, STARTED, LAST_END, MISSED, CANDIDATE, RUN, RUN_START, STATE_WIDTH };

/* Persistence per channel. state: (channels, 7) int64. events: up to 2 * channels * frames
   rows of (channel, code, kind 0 start / 1 end, sample, start). Returns the row count. */
int track_signals(int channels, int frames, const int32_t *code, const int32_t *tail_code,
                  const int64_t *start_at, const int64_t *end_at, int64_t *state, int on_frames,
                  int off_frames, int64_t *events)
{
    int count = 0;
    for (int f = 0; f < frames; f++) {
        for (int c = 0; c < channels; c++) {
            int64_t *s = state + (int64_t) c * STATE_WIDTH;
            const int row = c * frames + f;
            const int64_t seen = code[row];
            if (seen < 0 && s[CURRENT] < 0 && s[RUN] == 0) continue;     /* quiet channel */
            if (seen >= 0 && seen == s[CANDIDATE]) s[RUN]++;
            else if (seen >= 0) { s[RUN] = 1; s[RUN_START] = start_at[row] < 0 ? 0 : start_at[row]; }
            else s[RUN] = 0;
            s[CANDIDATE] = seen >= 0 ? seen : -1;
            if (s[CURRENT] >= 0) {
                if (seen == s[CURRENT]) { s[MISSED] = 0; s[LAST_END] = end_at[row]; }
                else if (++s[MISSED] == 1 && tail_code[row] == s[CURRENT] && end_at[row] > s[LAST_END])
                    s[LAST_END] = end_at[row];          /* the signal's last, partial window */
                int replaced = s[RUN] >= on_frames && s[CANDIDATE] != s[CURRENT];
                if (s[MISSED] >= off_frames || replaced) {
                    int64_t *e = events + 5 * count++;
                    e[0] = c; e[1] = s[CURRENT]; e[2] = 1;
                    e[3] = s[LAST_END] > s[STARTED] ? s[LAST_END] : s[STARTED]; e[4] = s[STARTED];
                    s[CURRENT] = -1;
                }
            }
            if (s[CURRENT] < 0 && s[RUN] >= on_frames) {
                int64_t *e = events + 5 * count++;
                e[0] = c; e[1] = s[CANDIDATE]; e[2] = 0; e[3] = s[RUN_START]; e[4] = s[RUN_START];
                s[CURRENT] = s[CANDIDATE]; s[STARTED] = s[RUN_START];
                s[LAST_END] = end_at[row]; s[MISSED] = 0;
            }
        }
    }
    return count;
}
"""

ffibuilder = FFI()
ffibuilder.cdef(CDEF)
ffibuilder.set_source("firmware.dsp._kernels", SOURCE, extra_compile_args=["-O3"], libraries=["m"])

if __name__ == "__main__":  # pragma: no cover
    ffibuilder.compile(verbose=True)
