"""NumPy's seeded random streams, compiled: the numbers `np.random.default_rng([a, b, salt])` gives.

Every epoch's randomness (a sample order, a GAN iteration's real rows and latent points) is drawn
from a generator seeded afresh with (seed, epoch, salt), so that any epoch's draws are a function of
its arguments alone and replays, rewinds and jumps agree. Making that generator in Python costs
about 12 µs (SeedSequence's hashing, PCG64's seeding) and drawing from it a few more: on the small
networks a learner runs, more than the epoch's arithmetic, all of it holding the GIL that the app's
UI thread needs. These kernels compute the same bits in compiled code for many epochs at once:
SeedSequence's hash mixing, PCG64 (128-bit LCG, XSL-RR output, NumPy's buffered 32-bit draws), and
the algorithms of Generator.permutation, .integers, .uniform and .normal (ziggurat). The NumPy calls
stay the reference: tests/test_seeded.py compares the two bit for bit.

128-bit state is kept as two uint64 halves; every constant is a uint64 so that Numba never mixes
signed and unsigned integers (which it would do in floating point).
"""
import math

import numpy as np

from dlsim.kernels.jit import inline, kernel

U = np.uint64
M32 = U(0xFFFFFFFF)
S1, S11, S16, S32, S58, S63 = U(1), U(11), U(16), U(32), U(58), U(63)
# SeedSequence's hash constants (uint32 arithmetic, emulated here in uint64 and masked)
INIT_A, MULT_A = U(0x43b0d7e5), U(0x931e8875)
INIT_B, MULT_B = U(0x8b51f9dd), U(0x58f38ded)
MIX_MULT_L, MIX_MULT_R = U(0xca01f9dd), U(0x4973f715)
# PCG64's multiplier, high and low halves
PCG_HI, PCG_LO = U(2549297995355413924), U(4865540595714422341)
TO_DOUBLE = 1.0 / 9007199254740992.0   # 2⁻⁵³

# the generator's state in a uint64 array: the LCG's state and increment (high, low), and
# NumPy's one buffered 32-bit half of the last 64-bit draw
HI, LO, INC_HI, INC_LO, HAS32, BUF32 = 0, 1, 2, 3, 4, 5
STATE_WORDS = 6


@inline
def _hashmix(value, const):
    """SeedSequence's hashmix: (hashed value, next hash constant)."""
    value = (value ^ const) & M32
    const = (const * MULT_A) & M32
    value = (value * const) & M32
    return value ^ (value >> S16), const


@inline
def _mix(x, y):
    result = (MIX_MULT_L * x - MIX_MULT_R * y) & M32
    return result ^ (result >> S16)


@inline
def _mul_full(a, b):
    """The 128-bit product of two uint64: (high, low)."""
    a_lo, a_hi, b_lo, b_hi = a & M32, a >> S32, b & M32, b >> S32
    p0, p1, p2, p3 = a_lo * b_lo, a_lo * b_hi, a_hi * b_lo, a_hi * b_hi
    mid = (p0 >> S32) + (p1 & M32) + (p2 & M32)
    return p3 + (p1 >> S32) + (p2 >> S32) + (mid >> S32), (p0 & M32) | (mid << S32)


@inline
def _step(st):
    """The LCG's step: state = state·multiplier + increment (mod 2¹²⁸)."""
    hi, lo = _mul_full(st[LO], PCG_LO)
    hi = hi + st[HI] * PCG_LO + st[LO] * PCG_HI
    low = lo + st[INC_LO]
    st[HI] = hi + st[INC_HI] + (U(1) if low < lo else U(0))
    st[LO] = low


@inline
def _words(value, out, n):
    """SeedSequence's coercion of a non-negative int: its 32-bit words, lowest first (0: one word)."""
    v = U(value)
    out[n] = v & M32
    n += 1
    v >>= S32
    while v > U(0):
        out[n] = v & M32
        n += 1
        v >>= S32
    return n


@kernel
def seed(st, a, b, c):
    """Set `st` to the state of np.random.PCG64(np.random.SeedSequence([a, b, c]))."""
    entropy = np.zeros(6, np.uint64)
    n = _words(a, entropy, 0)
    n = _words(b, entropy, n)
    n = _words(c, entropy, n)
    pool = np.zeros(4, np.uint64)
    const = INIT_A
    for i in range(4):
        pool[i], const = _hashmix(entropy[i] if i < n else U(0), const)
    for src in range(4):
        for dst in range(4):
            if src != dst:
                hashed, const = _hashmix(pool[src], const)
                pool[dst] = _mix(pool[dst], hashed)
    for src in range(4, n):
        for dst in range(4):
            hashed, const = _hashmix(entropy[src], const)
            pool[dst] = _mix(pool[dst], hashed)
    # generate_state(4, uint64): eight 32-bit words, paired little-endian
    words = np.zeros(8, np.uint64)
    const = INIT_B
    for i in range(8):
        value = (pool[i % 4] ^ const) & M32
        const = (const * MULT_B) & M32
        value = (value * const) & M32
        words[i] = value ^ (value >> S16)
    init_hi, init_lo = words[0] | (words[1] << S32), words[2] | (words[3] << S32)
    seq_hi, seq_lo = words[4] | (words[5] << S32), words[6] | (words[7] << S32)
    # pcg_setseq_128_srandom_r
    st[HI], st[LO] = U(0), U(0)
    st[INC_HI], st[INC_LO] = (seq_hi << S1) | (seq_lo >> S63), (seq_lo << S1) | U(1)
    _step(st)
    low = st[LO] + init_lo
    st[HI] = st[HI] + init_hi + (U(1) if low < st[LO] else U(0))
    st[LO] = low
    _step(st)
    st[HAS32], st[BUF32] = U(0), U(0)


@inline
def next64(st):
    _step(st)
    hi, lo = st[HI], st[LO]
    x, rot = hi ^ lo, hi >> S58
    return (x >> rot) | (x << ((U(64) - rot) & S63))


@inline
def next32(st):
    """NumPy's PCG64 next_uint32: the low half of a 64-bit draw, the high half kept for the next."""
    if st[HAS32] != U(0):
        st[HAS32] = U(0)
        return st[BUF32]
    value = next64(st)
    st[HAS32], st[BUF32] = U(1), value >> S32
    return value & M32


@inline
def next_double(st):
    return float(next64(st) >> S11) * TO_DOUBLE


@inline
def _interval(st, top):
    """random_interval: uniform in [0, top] by masked rejection (what shuffling uses)."""
    if top == U(0):
        return U(0)
    mask = top
    mask |= mask >> U(1)
    mask |= mask >> U(2)
    mask |= mask >> U(4)
    mask |= mask >> U(8)
    mask |= mask >> U(16)
    mask |= mask >> U(32)
    if top <= M32:
        value = next32(st) & mask
        while value > top:
            value = next32(st) & mask
    else:
        value = next64(st) & mask
        while value > top:
            value = next64(st) & mask
    return value


@inline
def _lemire32(st, top):
    """buffered_bounded_lemire_uint32: uniform in [0, top] (top < 2³² − 1), as integers() draws."""
    span = top + U(1)
    m = next32(st) * span
    leftover = m & M32
    if leftover < span:
        threshold = (M32 - top) % span
        while leftover < threshold:
            m = next32(st) * span
            leftover = m & M32
    return m >> S32


@kernel
def permutations(a, first, count, salt, n, out):
    """out[e] = np.random.default_rng([a, first + e, salt]).permutation(n), e < count."""
    st = np.zeros(STATE_WORDS, np.uint64)
    for e in range(count):
        seed(st, a, first + e, salt)
        row = out[e]
        for i in range(n):
            row[i] = i
        for i in range(n - 1, 0, -1):
            j = np.int64(_interval(st, U(i)))
            row[i], row[j] = row[j], row[i]


@inline
def standard_normal(st, wi, ki, fi, r_tail, inv_r):
    """random_standard_normal: the ziggurat NumPy uses, with its tables."""
    while True:
        r = next64(st)
        idx = np.int64(r & U(0xFF))
        r >>= U(8)
        sign = r & U(1)
        rabs = (r >> U(1)) & U(0x000FFFFFFFFFFFFF)
        x = float(rabs) * wi[idx]
        if sign != U(0):
            x = -x
        if rabs < ki[idx]:
            return x
        if idx == 0:
            while True:
                xx = -inv_r * math.log1p(-next_double(st))
                yy = -math.log1p(-next_double(st))
                if yy + yy > xx * xx:
                    return -(r_tail + xx) if ((rabs >> U(8)) & U(1)) != U(0) else r_tail + xx
        elif (fi[idx - 1] - fi[idx]) * next_double(st) + fi[idx] < math.exp(-0.5 * x * x):
            return x


@kernel
def gan_draws(a, first, count, salt, n, rows, Z, normal, wi, ki, fi, r_tail, inv_r):
    """For e < count, with rng = np.random.default_rng([a, first + e, salt]): rows[e] =
    rng.integers(0, n, rows.shape[1:]), then Z[e] = rng.uniform(-1, 1, …) or, where `normal`,
    rng.normal(0, 1, …) of Z.shape[1:]."""
    st = np.zeros(STATE_WORDS, np.uint64)
    for e in range(count):
        seed(st, a, first + e, salt)
        picked = rows[e].reshape(-1)
        top = U(n - 1)
        for i in range(picked.shape[0]):
            picked[i] = 0 if top == U(0) else np.int64(_lemire32(st, top))
        latent = Z[e].reshape(-1)
        for i in range(latent.shape[0]):
            if normal:
                latent[i] = 0.0 + 1.0 * standard_normal(st, wi, ki, fi, r_tail, inv_r)
            else:
                latent[i] = -1.0 + 2.0 * next_double(st)


def orders(a: int, first: int, count: int, salt: int, n: int) -> np.ndarray:
    """(count, n): the permutations of epochs first … first + count − 1 (see `permutations`)."""
    out = np.empty((count, n), np.int64)
    permutations(a, first, count, salt, n, out)
    return out


def latent_draws(a: int, first: int, count: int, salt: int, n: int, rows_shape: tuple, z_shape: tuple,
                 normal: bool) -> tuple[np.ndarray, np.ndarray]:
    """(rows (count, *rows_shape), Z (count, *z_shape)): see `gan_draws`."""
    from numba.np.random import _constants as zig   # NumPy's ziggurat tables (Numba is loaded by now)
    rows, Z = np.empty((count, *rows_shape), np.int64), np.empty((count, *z_shape))
    gan_draws(a, first, count, salt, n, rows, Z, normal, zig.wi_double, zig.ki_double, zig.fi_double,
              zig.ziggurat_nor_r, zig.ziggurat_nor_inv_r)
    return rows, Z
