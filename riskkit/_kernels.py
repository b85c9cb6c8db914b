"""The numba kernels of the optional ``fast`` extra (``pip install riskkit[fast]``).

Imported only through :mod:`riskkit._fused`, which decides when they are worth loading.
The numpy path in :mod:`riskkit.engine` is the reference: a kernel here does exactly the
same floating-point operations in the same order, and draws the same random numbers, so
results are bit-identical (``tests/test_engine.py`` and ``tests/test_analysis.py`` run
both paths and compare).
"""

from __future__ import annotations

import math
import threading

import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

_SCALE32 = 1.0 / float(2**32)

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")
_inline = numba.njit(cache=True, nogil=True, error_model="numpy", inline="always")


# -- Draws: numpy's own algorithms on numpy's PCG64 stream, without the Python calls ----
#
# A risk's draws in a block are, in the numpy path, ``g.choice(n, K, replace=False)``
# (its occurrence positions), ``g.choice(K, K, replace=False)`` (the Latin hypercube
# pairing of its schedule strata) and ``g.bit_generator.random_raw(K)``. The kernels
# below compute the same numbers from the generator's state: PCG64 (XSL-RR 128/64),
# numpy's buffered 32-bit output, Lemire's bounded integers with rejection, and the
# tail shuffle or Floyd's algorithm that ``Generator.choice`` picks. numpy does not
# promise that these algorithms never change, so :func:`draws_match_numpy` checks
# the kernels against numpy on this machine and falls back to numpy if they differ.

_M_HI = 0x2360ED051FC65DA4  # PCG64's 128-bit multiplier
_M_LO = 0x4385DF649FCCF645
_EMPTY = 0xFFFFFFFFFFFFFFFF


@intrinsic
def _mulhi(typingctx, a, b):  # pragma: no cover - compiled by numba
    """High 64 bits of the 128-bit product of two uint64."""
    def codegen(context, builder, signature, args):
        wide = ir.IntType(128)
        product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        return builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))
    return types.uint64(types.uint64, types.uint64), codegen


@_inline
def _next64(st):  # pragma: no cover - compiled by numba
    """One PCG64 step; ``st`` = [state hi, state lo, inc hi, inc lo, has_uint32,
    uinteger] as uint64."""
    m_hi, m_lo = np.uint64(_M_HI), np.uint64(_M_LO)
    hi, lo = st[0], st[1]
    low = lo * m_lo
    high = _mulhi(lo, m_lo) + hi * m_lo + lo * m_hi
    new_lo = low + st[3]
    new_hi = high + st[2] + (np.uint64(1) if new_lo < low else np.uint64(0))
    st[0], st[1] = new_hi, new_lo
    x = new_hi ^ new_lo
    rot = new_hi >> np.uint64(58)
    return (x >> rot) | (x << ((np.uint64(64) - rot) & np.uint64(63)))


@_inline
def _next32(st):  # pragma: no cover - compiled by numba
    """numpy's 32-bit output of PCG64: both halves of a 64-bit word, low half first."""
    if st[4]:
        st[4] = np.uint64(0)
        return st[5]
    word = _next64(st)
    st[4] = np.uint64(1)
    st[5] = word >> np.uint64(32)
    return word & np.uint64(0xFFFFFFFF)


@_inline
def _bounded(st, high):  # pragma: no cover - compiled by numba
    """An integer in [0, high] (high < 2**32 - 1): Lemire's method with rejection."""
    if high == 0:
        return np.uint64(0)
    span = high + np.uint64(1)
    m = _next32(st) * span
    leftover = m & np.uint64(0xFFFFFFFF)
    if leftover < span:
        threshold = (np.uint64(0xFFFFFFFF) - high) % span
        while leftover < threshold:
            m = _next32(st) * span
            leftover = m & np.uint64(0xFFFFFFFF)
    return m >> np.uint64(32)


@_inline
def _shuffle(st, n, first, data):  # pragma: no cover - compiled by numba
    for i in range(n - 1, first - 1, -1):
        j = _bounded(st, np.uint64(i))
        data[i], data[j] = data[j], data[i]


@_jit
def _choice(st, n, k, out, ws_tagged, ws_tag, ws_hash):  # pragma: no cover
    """``Generator.choice(n, k, replace=False)`` into ``out[:k]``.

    numpy shuffles the tail of ``arange(n)``. Here ``ws_tagged`` (n int64, kept
    between calls) stands for that array without being reset: an entry holds
    ``tag << 32 | value`` and counts only if its tag is this call's ``ws_tag[0]``;
    any other entry holds its own index. ``ws_hash``: scratch of at least 2 k.
    """
    if n > 10000 and k == n:
        # a whole permutation: the same swaps, made in place
        for i in range(n):
            out[i] = i
        _shuffle(st, n, 1, out)
        return
    if n > 10000 and k > n // 50:
        ws_tag[0] += 1
        tag = ws_tag[0]
        tagged = tag << 32
        first = max(n - k, 1)
        for i in range(n - 1, first - 1, -1):
            j = np.int64(_bounded(st, np.uint64(i)))
            at_i, at_j = ws_tagged[i], ws_tagged[j]
            value_i = at_i & 0xFFFFFFFF if at_i >> 32 == tag else i
            value_j = at_j & 0xFFFFFFFF if at_j >> 32 == tag else j
            ws_tagged[i] = tagged | value_j
            ws_tagged[j] = tagged | value_i
        for i in range(n - k, n):
            at = ws_tagged[i]
            out[i - n + k] = at & 0xFFFFFFFF if at >> 32 == tag else i
        return
    # Floyd's algorithm with an open-addressing hash set, then a shuffle
    mask = np.uint64(int(1.2 * k))
    for s in (1, 2, 4, 8, 16, 32):
        mask |= mask >> np.uint64(s)
    empty = np.uint64(_EMPTY)
    for q in range(int(mask) + 1):
        ws_hash[q] = empty
    for j in range(n - k, n):
        val = _bounded(st, np.uint64(j))
        loc = val & mask
        while ws_hash[loc] != empty and ws_hash[loc] != val:
            loc = (loc + np.uint64(1)) & mask
        if ws_hash[loc] == empty:
            ws_hash[loc] = val
            out[j - n + k] = val
        else:
            loc = np.uint64(j) & mask
            while ws_hash[loc] != empty:
                loc = (loc + np.uint64(1)) & mask
            ws_hash[loc] = np.uint64(j)
            out[j - n + k] = j
    _shuffle(st, k, 1, out)


@_inline
def _uniforms(raw, shift, k, lhs, values):  # pragma: no cover - compiled by numba
    """``values[j]``: uniform ``j`` from 32 bits of raw word ``j``, stratified under
    Latin hypercube sampling (as :meth:`riskkit.engine._Buffers.uniforms`)."""
    inv_k = 1.0 / k
    for j in range(k):
        u = float((raw[j] >> shift) & np.uint64(0xFFFFFFFF)) * _SCALE32
        values[j] = (u + float(j)) * inv_k if lhs else u


@_inline
def _inverse_cdf(k, ascending, kind, a, m, b, values):  # pragma: no cover
    """The inverse CDF (kind 2 triangular, 3 uniform on [a, b]) of ``values[:k]`` in
    place, with the same floating-point operations as :mod:`riskkit.distributions`.

    Plain loops over arrays, which the compiler turns into SIMD code: ascending
    uniforms (Latin hypercube strata, or sorted) split the triangular's two sides at
    the mode, as :meth:`riskkit.distributions.Triangular.ppf` does.
    """
    if kind == 3:
        for j in range(k):
            values[j] = values[j] * (b - a) + a
        return
    c = (m - a) / (b - a)
    lower = (b - a) * (m - a)
    upper = (b - a) * (b - m)
    if ascending:
        split = np.searchsorted(values[:k], c)
        for j in range(split):
            values[j] = a + math.sqrt(values[j] * lower)
        for j in range(split, k):
            values[j] = b - math.sqrt((1.0 - values[j]) * upper)
        return
    for j in range(k):
        u = values[j]
        below = a + math.sqrt(u * lower)
        above = b - math.sqrt((1.0 - u) * upper)
        values[j] = below if u < c else above


@_inline
def _impact_values(raw, shift, k, lhs, kind, a, m, b, values):  # pragma: no cover
    """``values[j]`` = the inverse CDF at risk uniform ``j``."""
    _uniforms(raw, shift, k, lhs, values)
    _inverse_cdf(k, lhs, kind, a, m, b, values)


@_jit
def _triangular_add(raw, high, k, lhs, a, m, b, order, ranks, dest, out,
                    scratch):  # pragma: no cover - compiled by numba
    """``out[order[i]] += F^-1(u_j)`` for the first ``k`` occurrences of a risk the
    numpy path draws, where ``u_j`` is built from raw word ``j`` and occurrence ``i``
    gets stratum ``j = ranks[i]`` (LHS pairing), or stratum ``j`` goes to occurrence
    ``i = dest[j]`` (Iman–Conover), or ``j = i`` when both are empty. ``scratch`` holds
    at least k floats."""
    _impact_values(raw, np.uint64(32) if high else np.uint64(0), k, lhs, 2, a, m, b,
                   scratch)
    if ranks.shape[0] > 0:
        for i in range(k):
            out[order[i]] += scratch[ranks[i]]
    elif dest.shape[0] > 0:
        for j in range(k):
            out[order[dest[j]]] += scratch[j]
    else:
        for j in range(k):
            out[order[j]] += scratch[j]


@_inline
def _deal_by_keys(biased, k, counts, order, values, out, pos_scratch,
                  key_scratch):  # pragma: no cover - compiled by numba
    """``out[order[i]] += values[rank of i]`` where occurrence ``i`` ranks by its int16
    key (``biased[i]`` = key + 32,768) in a stable ascending sort -- the permutation
    numpy's stable argsort gives. Two 8-bit counting passes; the keys and positions
    travel together, and the second pass deals the values directly. ``counts``: the
    histograms of the low and the high bytes (512 entries), filled by the caller."""
    for base in (0, 256):
        total = 0
        for q in range(base, base + 256):
            c = counts[q]
            counts[q] = total
            total += c
    for i in range(k):
        low = biased[i] & 255
        at = counts[low]
        counts[low] += 1
        pos_scratch[at] = order[i]
        key_scratch[at] = biased[i]
    for i in range(k):
        high = 256 + (key_scratch[i] >> 8)
        out[pos_scratch[i]] += values[counts[high]]
        counts[high] += 1


@_inline
def _draw(st, n, kk, permuted, order, perm, raw, ws_tagged, ws_tag, ws_hash):  # pragma: no cover
    """One risk's draws in a block, as ``_BlockDraws.draw`` makes them with numpy."""
    _choice(st, n, kk, order, ws_tagged, ws_tag, ws_hash)
    if permuted:
        _choice(st, kk, kk, perm, ws_tagged, ws_tag, ws_hash)
    for j in range(kk):
        raw[j] = _next64(st)


@_inline
def _restricted_ranks(perm, kk, k, ranks):  # pragma: no cover - compiled by numba
    """``ranks[v]`` for each value v of ``perm[:k]``: its rank among them (counting)."""
    for q in range(kk):
        ranks[q] = 0
    for i in range(k):
        ranks[perm[i]] = 1
    seen = 0
    for q in range(kk):
        flag = ranks[q]
        ranks[q] = seen
        seen += flag


@_jit
def _risks_kernel(states, n, big_k, k, perm_needed, lhs, kinds, params, cost, delay,
                  group, keys, own, ws_tagged, ws_tag, ws_hash, order, perm, raw, values,
                  ranks, words, key_buf, scratch, key_scratch, counts, at_occurrence
                  ):  # pragma: no cover - compiled by numba
    """Draw and add the impacts of a run of risks in one block, in register order: the
    numpy path's ``_BlockDraws.draw`` and ``impacts`` followed by ``np.add.at``.

    Per risk ``r``: ``states[r]`` its generator after the count uniform, ``big_k[r]``
    occurrences drawn, ``k[r]`` used, ``kinds[r]`` (cost, schedule: 0 none, 1 fixed at
    ``a``, 2 triangular, 3 uniform) and ``params[r]`` (cost a, m, b, schedule a, m, b).
    A risk in a correlation group (``group[r] >= 0``) deals its ascending impacts to its
    occurrences in the order of its 16-bit rank keys, the group's ``keys[group, layer]``
    at the occurrence plus its own score's key from ``own[group]`` (Iman–Conover, as
    :meth:`riskkit.correlation.BlockScores.order`).
    """
    for r in range(states.shape[0]):
        kk, kr = big_k[r], k[r]
        if kk == 0:
            continue
        st = states[r]
        _draw(st, n, kk, perm_needed[r], order, perm, raw, ws_tagged, ws_tag, ws_hash)
        g = group[r]
        if g >= 0:
            # 16 bits per occurrence and impact for the risk's own scores
            for j in range((kk + 1) // 2):
                words[j] = _next64(st)
        if kr == 0:
            continue
        for layer in range(2):
            kind = kinds[r, layer]
            out = cost if layer == 0 else delay
            a = params[r, 3 * layer]
            if kind == 0:
                continue
            if g >= 0 and kind != 1:
                shift = np.uint64(32) if layer == 0 else np.uint64(0)
                _uniforms(raw, shift, kr, lhs, values)
                if not lhs:
                    values[:kr].sort()
                _inverse_cdf(kr, True, kind, a, params[r, 3 * layer + 1],
                             params[r, 3 * layer + 2], values)
                # rank keys: the group's at the occurrence plus the risk's own
                for q in range(512):
                    counts[q] = 0
                for i in range(kr):
                    bit = layer * kk + i
                    own_bits = (words[bit >> 2] >> np.uint64(16 * (bit & 3))) & np.uint64(0xFFFF)
                    biased = np.int64(np.int16(keys[g, layer, order[i]] + own[g, own_bits])
                                      ) + 32768
                    key_buf[i] = biased
                    counts[biased & 255] += 1
                    counts[256 + (biased >> 8)] += 1
                _deal_by_keys(key_buf, kr, counts, order, values, out, scratch, key_scratch)
                continue
            _occurrence_values(raw, layer, kk, kr, lhs, kind, a, params[r, 3 * layer + 1],
                               params[r, 3 * layer + 2], perm, values, ranks, at_occurrence)
            for i in range(kr):
                out[order[i]] += at_occurrence[i]


@_inline
def _occurrence_values(raw, layer, kk, k, lhs, kind, a, m, b, perm, values, ranks,
                       out):  # pragma: no cover - compiled by numba
    """``out[i]``: the impact at occurrence ``i < k`` (kind 1, 2 or 3; layer 0 cost,
    1 schedule), as ``_BlockDraws.impacts`` returns it."""
    if kind == 1:
        for i in range(k):
            out[i] = a
        return
    if layer == 0 or not lhs:
        # strata in occurrence order: no dealing
        _impact_values(raw, np.uint64(32) if layer == 0 else np.uint64(0), k, lhs, kind,
                       a, m, b, out)
        return
    _impact_values(raw, np.uint64(0), k, lhs, kind, a, m, b, values)
    if k == kk:
        for i in range(k):
            out[i] = values[perm[i]]
    else:
        _restricted_ranks(perm, kk, k, ranks)
        for i in range(k):
            out[i] = values[ranks[perm[i]]]


@_jit
def _variants_kernel(states, n, big_k, k_pre, k_post, perm_needed, lhs, kinds, params,
                     offsets, base_cost, base_sched, positions, d_cost, d_sched,
                     into_dense, dense_cost, dense_sched,
                     ws_tagged, ws_tag, ws_hash, order, perm, raw, values, ranks, pre,
                     post):  # pragma: no cover - compiled by numba
    """Baseline and change of a run of single-risk variants in one block: the numpy
    path of ``_variants_chunk`` for risks whose variants change that risk alone.

    Per risk ``r``: pre-scenario impacts of the first ``k_pre[r]`` occurrences go into
    the baseline; if ``offsets[r + 1] > offsets[r]`` the variant's changes
    (post-scenario impact minus pre-scenario impact, over the first max(k_pre, k_post)
    occurrences) go to ``positions`` / ``d_cost`` / ``d_sched`` from ``offsets[r]``;
    ``d_sched`` empty: no risk of the run has a schedule impact in either scenario.
    ``kinds[r]`` and ``params[r]``: pre cost, pre schedule, post cost, post schedule.
    Where ``into_dense[r]``, the changes are also added to ``dense_cost`` and
    ``dense_sched`` (the block arrays of a variant that changes many risks).
    """
    for r in range(states.shape[0]):
        kk = big_k[r]
        if kk == 0:
            continue
        _draw(states[r], n, kk, perm_needed[r], order, perm, raw, ws_tagged, ws_tag,
              ws_hash)
        kp, kq = k_pre[r], k_post[r]
        o0 = offsets[r]
        m = offsets[r + 1] - o0
        for i in range(m):
            positions[o0 + i] = order[i]
        for layer in range(2):
            base = base_cost if layer == 0 else base_sched
            change = d_cost if layer == 0 else d_sched
            kind = kinds[r, layer]
            if kind != 0 and kp > 0:
                _occurrence_values(raw, layer, kk, kp, lhs, kind, params[r, 3 * layer],
                                   params[r, 3 * layer + 1], params[r, 3 * layer + 2],
                                   perm, values, ranks, pre)
                for i in range(kp):
                    base[order[i]] += pre[i]
            if m == 0 or change.shape[0] == 0:  # no change, or none in this layer
                continue
            post_kind = kinds[r, 2 + layer]
            if post_kind != 0 and kq > 0:
                _occurrence_values(raw, layer, kk, kq, lhs, post_kind,
                                   params[r, 6 + 3 * layer], params[r, 7 + 3 * layer],
                                   params[r, 8 + 3 * layer], perm, values, ranks, post)
            # the numpy path: zero-padded post values minus zero-padded pre values
            kb = kp if kind != 0 else 0
            ka = kq if post_kind != 0 else 0
            for i in range(min(ka, kb)):
                change[o0 + i] = post[i] - pre[i]
            for i in range(min(ka, kb), m):
                after = post[i] if i < ka else 0.0
                before = pre[i] if i < kb else 0.0
                change[o0 + i] = after - before
            if into_dense[r]:
                dense = dense_cost if layer == 0 else dense_sched
                for i in range(m):
                    dense[order[i]] += change[o0 + i]


_NO_RANKS = np.zeros(0, dtype=np.int64)


def triangular_add(raw: np.ndarray, high: bool, k: int, lhs: bool, a: float, m: float,
                   b: float, order: np.ndarray, ranks: np.ndarray | None,
                   out: np.ndarray, scratch: np.ndarray, dest: np.ndarray | None = None
                   ) -> None:
    """Run :func:`_triangular_add`; ``scratch`` holds >= k floats."""
    _triangular_add(raw, high, k, lhs, a, m, b, order,
                    _NO_RANKS if ranks is None else ranks,
                    _NO_RANKS if dest is None else dest, out, scratch)


# -- Seeding: numpy's SeedSequence and PCG64 seeding, for all risks of a block at once --
#
# Each risk draws in each block from ``PCG64(SeedSequence(entropy, spawn_key=prefix +
# (block, stream, key)))`` (:meth:`riskkit.sampling.Seed.stream`). Building those
# objects costs about 10 us per risk and block; the same hash (O'Neill's seed_seq_fe,
# as numpy implements it) and PCG64's seeding run here in well under a microsecond.

_MASK32 = 0xFFFFFFFF
_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715


@_inline
def _hashmix(value, hash_const):  # pragma: no cover - compiled by numba
    """numpy's ``hashmix``; ``hash_const`` is a one-element array, updated."""
    m = np.uint64(_MASK32)
    value = (value ^ hash_const[0]) & m
    hash_const[0] = (hash_const[0] * np.uint64(_MULT_A)) & m
    value = (value * hash_const[0]) & m
    return value ^ (value >> np.uint64(16))


@_inline
def _mix(x, y):  # pragma: no cover - compiled by numba
    m = np.uint64(_MASK32)
    result = (np.uint64(_MIX_L) * x - np.uint64(_MIX_R) * y) & m
    return result ^ (result >> np.uint64(16))


@_jit
def _seed_states(prefix, key_words, key_lengths, states, v):  # pragma: no cover
    """For each risk ``r``: the PCG64 state that ``SeedSequence`` with entropy words
    ``prefix + key_words[r, :key_lengths[r]]`` seeds, advanced by the one double
    ``Generator.random()`` draws, which goes to ``v[r]``.

    ``prefix`` holds the run's entropy words (padded to the pool size of 4) and the
    spawn key's words, as ``SeedSequence.get_assembled_entropy`` assembles them.
    """
    m = np.uint64(_MASK32)
    mixer = np.zeros(4, dtype=np.uint64)
    hash_const = np.zeros(1, dtype=np.uint64)
    words = np.zeros(8, dtype=np.uint64)
    p = prefix.shape[0]
    for r in range(states.shape[0]):
        total = p + key_lengths[r]
        hash_const[0] = np.uint64(_INIT_A)
        for i in range(4):
            word = (prefix[i] if i < p else key_words[r, i - p]) if i < total else np.uint64(0)
            mixer[i] = _hashmix(word, hash_const)
        for i_src in range(4):
            for i_dst in range(4):
                if i_src != i_dst:
                    mixer[i_dst] = _mix(mixer[i_dst], _hashmix(mixer[i_src], hash_const))
        for i_src in range(4, total):
            word = prefix[i_src] if i_src < p else key_words[r, i_src - p]
            for i_dst in range(4):
                mixer[i_dst] = _mix(mixer[i_dst], _hashmix(word, hash_const))
        # generate_state(4, uint64): eight 32-bit words, read as little-endian pairs
        const_b = np.uint64(_INIT_B)
        for i in range(8):
            value = (mixer[i % 4] ^ const_b) & m
            const_b = (const_b * np.uint64(_MULT_B)) & m
            value = (value * const_b) & m
            words[i] = value ^ (value >> np.uint64(16))
        seed_hi = words[0] | (words[1] << np.uint64(32))
        seed_lo = words[2] | (words[3] << np.uint64(32))
        inc_hi = words[4] | (words[5] << np.uint64(32))
        inc_lo = words[6] | (words[7] << np.uint64(32))
        # pcg64_set_seed: inc = seq << 1 | 1; state = 0; step; state += seed; step
        st = states[r]
        st[2] = (inc_hi << np.uint64(1)) | (inc_lo >> np.uint64(63))
        st[3] = (inc_lo << np.uint64(1)) | np.uint64(1)
        st[0] = np.uint64(0)
        st[1] = np.uint64(0)
        st[4] = np.uint64(0)
        st[5] = np.uint64(0)
        _next64(st)
        low = st[1] + seed_lo
        st[0] = st[0] + seed_hi + (np.uint64(1) if low < st[1] else np.uint64(0))
        st[1] = low
        _next64(st)
        v[r] = float(_next64(st) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


def _uint32_words(value: int | tuple[int, ...]) -> list[int]:
    """numpy's coercion of SeedSequence entropy and spawn keys to 32-bit words."""
    if isinstance(value, tuple):
        return [w for v in value for w in _uint32_words(v)]
    value = int(value)
    if value == 0:
        return [0]
    words = []
    while value > 0:
        words.append(value & _MASK32)
        value >>= 32
    return words


def seed_words(entropy: int | tuple[int, ...], spawn_key: tuple[int, ...]) -> np.ndarray:
    """The assembled entropy words of ``SeedSequence(entropy, spawn_key=spawn_key)``
    (with a non-empty spawn key)."""
    run = _uint32_words(entropy)
    run += [0] * (4 - len(run))
    return np.array(run + _uint32_words(spawn_key), dtype=np.uint64)


def key_table(keys: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Each key's words, as rows of a table, and their counts."""
    words = [_uint32_words(k) for k in keys]
    width = max((len(w) for w in words), default=1)
    table = np.zeros((len(keys), width), dtype=np.uint64)
    for r, w in enumerate(words):
        table[r, :len(w)] = w
    return table, np.array([len(w) for w in words], dtype=np.int64)


def stream_states(prefix: np.ndarray, table: tuple[np.ndarray, np.ndarray]
                  ) -> tuple[np.ndarray, np.ndarray]:
    """States (after one ``random()``) and that uniform, for streams ``prefix + key``."""
    keys, lengths = table
    states = np.empty((keys.shape[0], 6), dtype=np.uint64)
    v = np.empty(keys.shape[0])
    _seed_states(prefix, keys, lengths, states, v)
    return states, v


class _DrawWorkspace(threading.local):
    """Scratch arrays of the draw kernels, one set per thread, for blocks of up to
    ``size`` iterations."""

    def __init__(self, size: int = 65_536):
        self.size = size
        self.tagged = np.zeros(size, dtype=np.int64)
        self.tag = np.zeros(1, dtype=np.int64)
        self.hash = np.empty(2 * size, dtype=np.uint64)
        self.order = np.empty(size, dtype=np.int32)
        self.perm = np.empty(size, dtype=np.int32)
        self.raw = np.empty(size, dtype=np.uint64)
        self.values = np.empty(size)
        self.ranks = np.empty(size, dtype=np.int32)
        self.pre = np.empty(size)
        self.post = np.empty(size)
        self.words = np.empty(size // 2 + 1, dtype=np.uint64)
        self.key_buf = np.empty(size, dtype=np.uint16)
        self.scratch = np.empty(size, dtype=np.int32)
        self.key_scratch = np.empty(size, dtype=np.uint16)
        self.counts = np.empty(512, dtype=np.int32)


_workspace = _DrawWorkspace()


def pcg64_state(generator: np.random.Generator) -> np.ndarray:
    """A PCG64 generator's state as the kernels read it (uint64 x 6)."""
    s = generator.bit_generator.state
    state, inc = s["state"]["state"], s["state"]["inc"]
    return np.array([state >> 64, state & _EMPTY, inc >> 64, inc & _EMPTY,
                     s["has_uint32"], s["uinteger"]], dtype=np.uint64)


def draws_match_numpy() -> bool:
    """The kernels give numpy's numbers here: seeding, tail shuffle, Floyd, raw words."""
    ws = _workspace
    for n, k, seed in ((65_536, 18_000, 1), (65_536, 900, 2), (9_000, 9_000, 3),
                       (20_000, 20_000, 4), (3, 3, 5), (4_464, 2_000, 6),
                       (65_536, 30_000, 7), (16_960, 16_000, 8)):
        g = np.random.default_rng(seed)
        g.random()
        st = pcg64_state(g)
        _choice(st, n, k, ws.order, ws.tagged, ws.tag, ws.hash)
        words = np.empty(4, dtype=np.uint64)
        for j in range(4):
            words[j] = _next64_py(st)
        if not (np.array_equal(ws.order[:k], g.choice(n, k, replace=False))
                and np.array_equal(words, g.bit_generator.random_raw(4))):
            return False
    for entropy, spawn_key in ((12_345, (3, 0)), ((7, 2**63, 1, 99), (0, 0, 5, 2)), (2**70, (1,))):
        keys = [0, 5, 2**40 + 3, 2**63 + 11]
        states, v = stream_states(seed_words(entropy, spawn_key), key_table(keys))
        for r, key in enumerate(keys):
            ss = np.random.SeedSequence(entropy, spawn_key=(*spawn_key, key))
            g = np.random.Generator(np.random.PCG64(ss))
            if g.random() != v[r] or not np.array_equal(states[r], pcg64_state(g)):
                return False
    return True


@_jit
def _next64_py(st):  # pragma: no cover - compiled by numba
    return _next64(st)


def _reset_tags(ws: _DrawWorkspace) -> None:
    if ws.tag[0] > 2**30:  # tags fit in the high 32 bits: start afresh
        ws.tagged[:] = 0
        ws.tag[0] = 0


_NO_GROUP_KEYS = np.zeros((0, 2, 0), dtype=np.int16)
_NO_OWN_KEYS = np.zeros((0, 0), dtype=np.int16)


def add_risks(states: np.ndarray, n: int, big_k: np.ndarray, k: np.ndarray,
              perm_needed: np.ndarray, lhs: bool, kinds: np.ndarray, params: np.ndarray,
              cost: np.ndarray, delay: np.ndarray, group: np.ndarray,
              keys: np.ndarray | None = None, own: np.ndarray | None = None) -> None:
    """Run :func:`_risks_kernel` on a run of risks.
    ``keys`` (groups x 2 x n) and ``own`` (groups x 65,536): int16 rank keys of the
    block's correlation groups, when ``group`` names any."""
    ws = _workspace
    _reset_tags(ws)
    _risks_kernel(states, n, big_k, k, perm_needed, lhs, kinds, params, cost, delay,
                  group, _NO_GROUP_KEYS if keys is None else keys,
                  _NO_OWN_KEYS if own is None else own, ws.tagged, ws.tag, ws.hash,
                  ws.order, ws.perm, ws.raw, ws.values, ws.ranks, ws.words, ws.key_buf,
                  ws.scratch, ws.key_scratch, ws.counts, ws.pre)


def variant_risks(states: np.ndarray, n: int, big_k: np.ndarray, k_pre: np.ndarray,
                  k_post: np.ndarray, perm_needed: np.ndarray, lhs: bool,
                  kinds: np.ndarray, params: np.ndarray, offsets: np.ndarray,
                  base_cost: np.ndarray, base_sched: np.ndarray, positions: np.ndarray,
                  d_cost: np.ndarray, d_sched: np.ndarray, into_dense: np.ndarray,
                  dense_cost: np.ndarray, dense_sched: np.ndarray) -> None:
    """Run :func:`_variants_kernel` on a run of risks: the positions and the cost and
    schedule changes of their variants go to ``positions``, ``d_cost`` and ``d_sched``
    (risk ``r`` at ``offsets[r]:offsets[r+1]``; ``d_sched`` empty: no schedule changes)."""
    ws = _workspace
    _reset_tags(ws)
    _variants_kernel(states, n, big_k, k_pre, k_post, perm_needed, lhs, kinds, params,
                     offsets, base_cost, base_sched, positions, d_cost, d_sched,
                     into_dense, dense_cost, dense_sched, ws.tagged, ws.tag, ws.hash,
                     ws.order, ws.perm, ws.raw, ws.values, ws.ranks, ws.pre, ws.post)


@_inline
def _order_statistics(ordered, rank, base, pos, delta, k0, k1, removed, new, gone,
                      fresh):  # pragma: no cover - compiled by numba
    """Order statistics k0 and k1 of ``base`` with ``delta`` added at ``pos``: the
    windowed selection of :class:`riskkit.analysis._Reductions`, with the window
    centred where the changes move the order statistic to. ``removed``, ``new``,
    ``gone`` and ``fresh``: scratch of at least ``pos.size`` entries. The counting
    loops are branch-free: whether a change falls below or inside the window is as
    good as random."""
    n, m = ordered.shape[0], pos.shape[0]
    x0 = ordered[k0]
    shift = 0
    for j in range(m):
        r = rank[pos[j]]
        x = base[pos[j]] + delta[j]
        removed[j] = r
        new[j] = x
        shift += np.int64(x < x0) - np.int64(r < k0)
    centre = min(max(k0 - shift, 0), n - 1)
    width = 8
    while True:
        a, b = centre - width, centre + 1 + width
        lo = ordered[a] if a > 0 else -np.inf
        hi = ordered[b] if b < n - 1 else np.inf
        i_lo = np.searchsorted(ordered, lo, side="left")
        i_hi = np.searchsorted(ordered, hi, side="right")
        below, count, n_gone, n_fresh = i_lo, i_hi - i_lo, 0, 0
        for j in range(m):
            r, x = removed[j], new[j]
            r_in = np.int64(r >= i_lo) & np.int64(r < i_hi)
            x_in = np.int64(x >= lo) & np.int64(x <= hi)
            below += np.int64(x < lo) - np.int64(r < i_lo)
            count += x_in - r_in
            gone[n_gone] = r
            n_gone += r_in
            fresh[n_fresh] = x
            n_fresh += x_in
        if below <= k0 and below + count > k1:
            break
        width *= 4
    keep = np.ones(i_hi - i_lo, dtype=np.bool_)
    for j in range(n_gone):
        keep[gone[j] - i_lo] = False
    window = np.empty(count)
    c = 0
    for i in range(i_hi - i_lo):
        if keep[i]:
            window[c] = ordered[i_lo + i]
            c += 1
    for j in range(n_fresh):
        window[c] = fresh[j]
        c += 1
    window.sort()
    return window[k0 - below], window[k1 - below]


@_jit
def _variant_reductions(ordered, rank, base, k0, k1, pos, delta, slab, start, stop, ptr,
                        total, v0, v1, changed):  # pragma: no cover - compiled by numba
    """For each variant ``v``, whose changes are segments ``ptr[v]:ptr[v + 1]`` (entries
    ``start[s]:stop[s]`` of slab ``slab[s]``, i.e. of the arrays ``pos[slab[s]]`` and
    ``delta[slab[s]]``): the sum of its changes in entry order, whether any is
    non-zero, and order statistics k0 and k1 of the baseline with the changes added
    (NaN when the sum is not a number: left to the caller, as no window holds a NaN)."""
    longest = 0
    for v in range(ptr.shape[0] - 1):
        m = 0
        for s in range(ptr[v], ptr[v + 1]):
            m += stop[s] - start[s]
        longest = max(longest, m)
    removed = np.empty(longest, dtype=np.int64)
    new, fresh = np.empty(longest), np.empty(longest)
    gone = np.empty(longest, dtype=np.int64)
    gathered_pos = np.empty(longest, dtype=pos[0].dtype)
    gathered = np.empty(longest)
    for v in range(ptr.shape[0] - 1):
        s0, s1 = ptr[v], ptr[v + 1]
        total[v] = 0.0
        changed[v] = False
        if s1 == s0:
            continue
        if s1 - s0 == 1:  # in one slab: read in place
            p = pos[slab[s0]][start[s0]:stop[s0]]
            d = delta[slab[s0]][start[s0]:stop[s0]]
        else:  # across slabs (runs of several blocks): gathered
            c = 0
            for s in range(s0, s1):
                p_s, d_s = pos[slab[s]], delta[slab[s]]
                for j in range(start[s], stop[s]):
                    gathered_pos[c] = p_s[j]
                    gathered[c] = d_s[j]
                    c += 1
            p, d = gathered_pos[:c], gathered[:c]
        acc = 0.0
        nonzero = 0
        for j in range(d.shape[0]):
            acc += d[j]
            nonzero |= np.int64(d[j] != 0.0)
        total[v] = acc
        changed[v] = nonzero != 0
        if acc != acc:  # a change is not a number (or infinities cancel): the plain way
            v0[v] = v1[v] = np.nan
        elif nonzero:
            v0[v], v1[v] = _order_statistics(ordered, rank, base, p, d, k0, k1, removed,
                                             new, gone, fresh)


def variant_reductions(ordered: np.ndarray, rank: np.ndarray, base: np.ndarray, k0: int,
                       k1: int, pos: list[np.ndarray], delta: list[np.ndarray],
                       slab: np.ndarray, start: np.ndarray, stop: np.ndarray,
                       ptr: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Run :func:`_variant_reductions` over the slabs ``pos``/``delta`` (lists of
    arrays): per variant, the sum of its changes, whether any is non-zero, and the two
    order statistics (valid where changed)."""
    count = ptr.size - 1
    total, v0, v1 = np.zeros(count), np.zeros(count), np.zeros(count)
    changed = np.zeros(count, dtype=np.bool_)
    if not pos:
        return total, changed, v0, v1
    common = np.result_type(*(p.dtype for p in pos))  # one dtype: no copy of the big slab
    pos_list, delta_list = numba.typed.List(), numba.typed.List()
    for p, d in zip(pos, delta):  # a typed list holds writable contiguous arrays
        pos_list.append(np.require(p, common, ["C", "W"]))
        delta_list.append(np.require(d, np.float64, ["C", "W"]))
    _variant_reductions(ordered, rank, base, k0, k1, pos_list, delta_list, slab, start,
                        stop, ptr, total, v0, v1, changed)
    return total, changed, v0, v1
