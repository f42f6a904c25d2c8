// tanh over a buffer, vectorised for the widest vector unit the CPU has.
//
// Method, for a = |x| clamped to [0, c] (c = 9.1 in float, 19.1 in double: beyond it tanh
// rounds to 1), y = 2a:
// - k = round(y / ln 2) by the add-a-shifter trick (k ends up in the low bits of the sum),
//   r = y − k·ln 2 with ln 2 split in two parts (Cody–Waite), |r| ≤ ln 2 / 2;
// - expm1(r) by its Taylor polynomial (degree 8 in float, 13 in double: truncation < ½ ulp);
// - expm1(y) = 2ᵏ·expm1(r) + (2ᵏ − 1), with 2ᵏ built from its bit pattern;
// - tanh(x) = sign(x) · expm1(y) / (expm1(y) + 2), which keeps full relative accuracy near 0.
// At most 2 ulp against libm one precision higher (tests check ≤ 4). NaN stays NaN; ±∞ gives ±1.
//
// Why C: Swift compiles for the x86-64 baseline (SSE2, 4 floats a vector) and has no per-function
// target attribute; here `target_clones` builds AVX-512, AVX2 and baseline versions and the
// loader picks one for the CPU (measured on the digits MLP: tanh took a quarter of a gradient).
// Every operation is rounded on its own (no FMA contraction, no reassociation), so all versions
// give the same bits.
#include <stdint.h>
#include <string.h>
#include "CVectorMath.h"

#pragma clang fp contract(off)

static inline uint32_t bits32(float x) { uint32_t u; memcpy(&u, &x, sizeof u); return u; }
static inline float float32(uint32_t u) { float x; memcpy(&x, &u, sizeof x); return x; }
static inline uint64_t bits64(double x) { uint64_t u; memcpy(&u, &x, sizeof u); return u; }
static inline double float64(uint64_t u) { double x; memcpy(&x, &u, sizeof x); return x; }

__attribute__((target_clones("avx512f", "avx2", "default")))
void eos_tanh_f32(const float *x, float *result, long count) {
    const float shifter = 0x1.8p23f, log2e = 1.44269504f;
    const float ln2High = 0.69314575f, ln2Low = 1.4286068e-6f;
    for (long i = 0; i < count; i++) {
        float v = x[i];
        float a = __builtin_fabsf(v);
        a = 9.1f < a ? 9.1f : a;             // NaN stays NaN
        float y = a + a;
        float kShifted = y * log2e + shifter;
        float k = kShifted - shifter;
        float r = (y - k * ln2High) - k * ln2Low;
        float p = 1.0f / 40320;
        p = p * r + 1.0f / 5040;
        p = p * r + 1.0f / 720;
        p = p * r + 1.0f / 120;
        p = p * r + 1.0f / 24;
        p = p * r + 1.0f / 6;
        p = p * r + 0.5f;
        p = p * r * r + r;
        float twoK = float32((bits32(kShifted) + 127u) << 23);
        float e = twoK * p + (twoK - 1);
        float t = e / (e + 2);
        result[i] = float32(bits32(t) | (bits32(v) & 0x80000000u));
    }
}

__attribute__((target_clones("avx512f", "avx2", "default")))
void eos_tanh_f64(const double *x, double *result, long count) {
    const double shifter = 0x1.8p52, log2e = 1.4426950408889634;
    const double ln2High = 6.9314718036912382e-1, ln2Low = 1.9082149292705877e-10;
    for (long i = 0; i < count; i++) {
        double v = x[i];
        double a = __builtin_fabs(v);
        a = 19.1 < a ? 19.1 : a;
        double y = a + a;
        double kShifted = y * log2e + shifter;
        double k = kShifted - shifter;
        double r = (y - k * ln2High) - k * ln2Low;
        double p = 1.0 / 6227020800.0;
        p = p * r + 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r * r + r;
        double twoK = float64((bits64(kShifted) + 1023u) << 52);
        double e = twoK * p + (twoK - 1);
        double t = e / (e + 2);
        result[i] = float64(bits64(t) | (bits64(v) & 0x8000000000000000u));
    }
}
