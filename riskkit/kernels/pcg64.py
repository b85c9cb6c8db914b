"""Random numbers: numpy's PCG64 and ``SeedSequence``, compiled.

Every random number riskkit draws comes from here. A stream is the PCG64 generator that
``numpy.random.PCG64(SeedSequence(entropy, spawn_key=...))`` would be, and its draws
are those numpy's ``Generator`` makes: the 128-bit LCG step with XSL-RR output,
numpy's buffered 32-bit halves, Lemire's bounded integers with rejection, the tail
shuffle or Floyd's algorithm of ``Generator.choice(n, k, replace=False)``, and
``Generator.random()`` for doubles and float32. So a run gives the numbers numpy's own
generators would give (``tests/test_kernels.py`` checks each against numpy), yet they
do not depend on numpy's version: numpy does not promise its algorithms never change,
and riskkit's results must not change with them.

A stream's state is six uint64 words: state high and low, increment high and low,
whether a 32-bit half is buffered, and that half.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from llvmlite import ir
from numba import types
from numba.extending import intrinsic

from ._jit import Array, inline, jit

__all__ = ["STATE_WORDS", "key_table", "raw_words", "seed_words", "stream_states"]

STATE_WORDS = 6
_M_HI = 0x2360ED051FC65DA4  # PCG64's 128-bit multiplier
_M_LO = 0x4385DF649FCCF645
_EMPTY = 0xFFFFFFFFFFFFFFFF
_MASK32 = 0xFFFFFFFF


def _mulhi_typing(typingctx: Any, a: Any, b: Any) -> Any:
    """High 64 bits of the 128-bit product of two uint64."""
    def codegen(context: Any, builder: Any, signature: Any, args: Any) -> Any:
        wide = ir.IntType(128)
        product = builder.mul(builder.zext(args[0], wide), builder.zext(args[1], wide))
        return builder.trunc(builder.lshr(product, ir.Constant(wide, 64)), ir.IntType(64))
    return types.uint64(types.uint64, types.uint64), codegen


_mulhi: Any = intrinsic(_mulhi_typing)


@inline
def next64(st: Array) -> Any:
    """One PCG64 step: the next 64-bit word of stream state ``st``."""
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


@inline
def next32(st: Array) -> Any:
    """numpy's 32-bit output of PCG64: both halves of a 64-bit word, low half first."""
    if st[4]:
        st[4] = np.uint64(0)
        return st[5]
    word = next64(st)
    st[4] = np.uint64(1)
    st[5] = word >> np.uint64(32)
    return word & np.uint64(_MASK32)


@inline
def next_double(st: Array) -> float:
    """``Generator.random()``: 53 random bits in [0, 1)."""
    return float(next64(st) >> np.uint64(11)) * (1.0 / 9007199254740992.0)


@inline
def next_float32(st: Array) -> Any:
    """``Generator.random(dtype=np.float32)``: 24 random bits in [0, 1)."""
    return np.float32(next32(st) >> np.uint64(8)) * np.float32(1.0 / 16777216.0)


@inline
def bounded(st: Array, high: Any) -> Any:
    """An integer in [0, high] (high < 2**32 - 1): Lemire's method with rejection."""
    if high == 0:
        return np.uint64(0)
    span = high + np.uint64(1)
    m = next32(st) * span
    leftover = m & np.uint64(_MASK32)
    if leftover < span:
        threshold = (np.uint64(_MASK32) - high) % span
        while leftover < threshold:
            m = next32(st) * span
            leftover = m & np.uint64(_MASK32)
    return m >> np.uint64(32)


@inline
def _shuffle(st: Array, n: int, first: int, data: Array) -> None:
    for i in range(n - 1, first - 1, -1):
        j = bounded(st, np.uint64(i))
        data[i], data[j] = data[j], data[i]


@jit
def choice(st: Array, n: int, k: int, out: Array, ws_tagged: Array, ws_tag: Array,
           ws_hash: Array) -> None:
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
            j = np.int64(bounded(st, np.uint64(i)))
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
        val = bounded(st, np.uint64(j))
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


# -- Seeding: numpy's SeedSequence hash (O'Neill's seed_seq_fe) and PCG64's seeding ----
#
# A stream is ``PCG64(SeedSequence(entropy, spawn_key=prefix + key))``. Building those
# objects in Python costs about 10 us each; the same hash for all streams of a block
# runs here in well under a microsecond each.

_INIT_A, _MULT_A = 0x43B0D7E5, 0x931E8875
_INIT_B, _MULT_B = 0x8B51F9DD, 0x58F38DED
_MIX_L, _MIX_R = 0xCA01F9DD, 0x4973F715


@inline
def _hashmix(value: Any, hash_const: Array) -> Any:
    """numpy's ``hashmix``; ``hash_const`` is a one-element array, updated."""
    m = np.uint64(_MASK32)
    value = (value ^ hash_const[0]) & m
    hash_const[0] = (hash_const[0] * np.uint64(_MULT_A)) & m
    value = (value * hash_const[0]) & m
    return value ^ (value >> np.uint64(16))


@inline
def _mix(x: Any, y: Any) -> Any:
    m = np.uint64(_MASK32)
    result = (np.uint64(_MIX_L) * x - np.uint64(_MIX_R) * y) & m
    return result ^ (result >> np.uint64(16))


@jit
def _seed_states(prefix: Array, key_words: Array, key_lengths: Array, states: Array,
                 v: Array, draw_v: bool) -> None:
    """For each stream ``r``: the PCG64 state that ``SeedSequence`` with entropy words
    ``prefix + key_words[r, :key_lengths[r]]`` seeds. With ``draw_v``, advanced by the
    one double ``Generator.random()`` draws, which goes to ``v[r]``.

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
        next64(st)
        low = st[1] + seed_lo
        st[0] = st[0] + seed_hi + (np.uint64(1) if low < st[1] else np.uint64(0))
        st[1] = low
        next64(st)
        if draw_v:
            v[r] = next_double(st)


@jit
def _raw_words(st: Array, out: Array) -> None:
    for i in range(out.shape[0]):
        out[i] = next64(st)


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
    (with a non-empty spawn key): the prefix every stream of a run shares."""
    run = _uint32_words(entropy)
    run += [0] * (4 - len(run))
    return np.array(run + _uint32_words(spawn_key), dtype=np.uint64)


def key_table(keys: list[tuple[int, ...]]) -> tuple[np.ndarray, np.ndarray]:
    """The words of each stream's key (the end of its spawn key) as rows of a table,
    and their counts."""
    words = [_uint32_words(k) for k in keys]
    width = max((len(w) for w in words), default=1)
    table = np.zeros((len(keys), width), dtype=np.uint64)
    for r, w in enumerate(words):
        table[r, :len(w)] = w
    return table, np.array([len(w) for w in words], dtype=np.int64)


def stream_states(prefix: np.ndarray, table: tuple[np.ndarray, np.ndarray],
                  first_double: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The states of streams ``prefix + key`` for every key of ``table``; with
    ``first_double``, after each stream's first ``random()``, returned as well."""
    keys, lengths = table
    states = np.empty((keys.shape[0], STATE_WORDS), dtype=np.uint64)
    v = np.empty(keys.shape[0])
    _seed_states(prefix, keys, lengths, states, v, first_double)
    return states, v


def raw_words(state: np.ndarray, count: int) -> np.ndarray:
    """``count`` 64-bit words of a stream (``bit_generator.random_raw``); advances it."""
    out = np.empty(max(int(count), 0), dtype=np.uint64)
    _raw_words(state, out)
    return out
