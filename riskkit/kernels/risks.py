"""The risks of a block: their draws, their impacts in one or two scenarios, and what
a simulation or a variant run does with them.

Per risk (in register order), :func:`risk_block`

1. draws from the risk's stream: its ordered occurrence positions
   (``choice(n, K, replace=False)``, K for the largest probability it has in any
   scenario; a conditional or exclusive risk's are given by the caller), under Latin
   hypercube sampling the pairing permutation of its schedule
   strata (``choice(K, K)``, uncorrelated risks), K raw words for the uniforms, and for
   a correlated risk 16 bits per occurrence and impact for its own normal scores;
2. evaluates its impacts in scenario 0 and, where asked, scenario 1, at the first
   ``counts[r, s]`` occurrences (a scenario with a lower probability keeps a prefix of
   the same occurrences: common random numbers): cost strata in occurrence order,
   schedule strata dealt through the pairing permutation, and the impacts of a
   correlated risk dealt in the order of its correlated scores (Iman–Conover);
3. acts as its ``flags`` say: adds scenario 0 into the block's cost and delay, writes
   the change (scenario 1 minus scenario 0) into a slab and a dense variant, exports
   positions and values for the caller.
"""

from __future__ import annotations

import threading

import numpy as np

from ._jit import Array, inline, jit
from .kinds import ADD_COST, ADD_DELAY, DENSE, EXPORT, EXPORT_ROWS, GIVEN, SLAB, Rule
from .pcg64 import choice, next64
from .rules import deal, inverse_cdf, quantised, restricted_ranks, uniforms

__all__ = ["EXPORT_ROWS", "Workspace", "risk_block", "workspace"]

_FIXED = int(Rule.FIXED)
_GROUP, _MATRIX = 1, 2


class Workspace(threading.local):
    """Scratch arrays of the risk kernel, one set per thread, for blocks of up to
    ``size`` iterations."""

    def __init__(self, size: int = 65_536):
        self.size = size
        self.tagged = np.zeros(size, dtype=np.int64)
        self.tag = np.zeros(1, dtype=np.int64)
        self.hash = np.empty(2 * size, dtype=np.uint64)
        self.order = np.empty(size, dtype=np.int32)
        self.perm = np.empty(size, dtype=np.int32)
        self.raw = np.empty(size, dtype=np.uint64)
        self.ranks = np.empty(size, dtype=np.int32)
        self.words = np.empty(size // 2 + 1, dtype=np.uint64)
        self.values = np.empty((5, size))  # scratch, then the four (scenario, impact) rows
        # the radix dealing works on 16-bit keys and 32-bit slots: small enough to stay
        # in cache for a block's occurrences
        self.keys = np.empty(size, dtype=np.uint16)
        self.slot = np.empty(size, dtype=np.int32)
        self.key_scratch = np.empty(size, dtype=np.uint16)
        self.counts = np.empty(512, dtype=np.int32)

    def reset_tags(self) -> None:
        if self.tag[0] > 2**30:  # tags fit in the high 32 bits: start afresh
            self.tagged[:] = 0
            self.tag[0] = 0


workspace = Workspace()


@jit
def _values(raw: Array, layer: int, kk: int, k: int, lhs: bool, kind: int, p0: float,
            p1: float, p2: float, p3: float, tables: Array, data: Array, f_ndtri: Array,
            perm: Array, scratch: Array, ranks: Array, out: Array) -> None:
    """``out[i]``: the impact at occurrence ``i < k`` of an uncorrelated risk (layer 0
    cost: strata in occurrence order; layer 1 schedule: under Latin hypercube sampling,
    ascending strata dealt through the pairing permutation)."""
    shift = 32 if layer == 0 else 0
    if kind == _FIXED:
        for i in range(k):
            out[i] = p0
        return
    if layer == 0 or not lhs:
        uniforms(raw, shift, k, lhs, out)
        inverse_cdf(kind, p0, p1, p2, p3, tables, data, f_ndtri, k, lhs, out)
        return
    uniforms(raw, shift, k, lhs, scratch)
    inverse_cdf(kind, p0, p1, p2, p3, tables, data, f_ndtri, k, True, scratch)
    if k == kk:
        for i in range(k):
            out[i] = scratch[perm[i]]
    else:
        restricted_ranks(perm, kk, k, ranks)
        for i in range(k):
            out[i] = scratch[ranks[perm[i]]]


@jit
def _correlated_values(raw: Array, layer: int, kk: int, k: int, lhs: bool, kind: int,
                       p0: float, p1: float, p2: float, p3: float, tables: Array,
                       data: Array, f_ndtri: Array, order: Array, words: Array, how: int,
                       comp: int, gkeys: Array, gown: Array, mz: Array, load: Array,
                       scratch: Array, keys: Array, counts: Array, slot: Array,
                       key_scratch: Array, out: Array, add: bool, base: Array) -> None:
    """``out[i]`` for a correlated risk: its ascending impact values dealt to its
    occurrences in the order of its correlated scores there (Iman–Conover). A group
    member's 16-bit key is the group's key at the iteration plus its own score's key; a
    matrix member's score is its loadings times the set's factor scores. With ``add``,
    the values are added into ``base`` at the occurrences' iterations instead."""
    uniforms(raw, 32 if layer == 0 else 0, k, lhs, scratch)
    if not lhs:
        scratch[:k].sort()
    inverse_cdf(kind, p0, p1, p2, p3, tables, data, f_ndtri, k, True, scratch)
    for q in range(512):
        counts[q] = 0
    if how == _GROUP:
        group_keys, own_keys = gkeys[comp, layer], gown[comp]
        for i in range(k):
            bit = layer * kk + i
            own = (words[bit >> 2] >> np.uint64(16 * (bit & 3))) & np.uint64(0xFFFF)
            key = np.int64(np.int16(group_keys[order[i]] + own_keys[own])) + 32768
            keys[i] = key
            counts[key & 255] += 1
            counts[256 + (key >> 8)] += 1
    else:
        z = mz[comp, layer]
        for i in range(k):
            row = z[order[i]]
            score = 0.0
            for f in range(load.shape[0]):
                score += row[f] * load[f]
            key = quantised(score)
            keys[i] = key
            counts[key & 255] += 1
            counts[256 + (key >> 8)] += 1
    deal(keys, k, counts, scratch, out, slot, key_scratch, add, base, order)


@inline
def _change(before: Array, kb: int, after: Array, ka: int, m: int, out: Array,
            at: int) -> None:
    """``out[at + i]`` for ``i < m``: the zero-padded values ``after`` minus ``before``."""
    for i in range(min(ka, kb)):
        out[at + i] = after[i] - before[i]
    for i in range(min(ka, kb), m):
        a = after[i] if i < ka else 0.0
        b = before[i] if i < kb else 0.0
        out[at + i] = a - b


@jit
def risk_block(n: int, lhs: bool, f_ndtri: Array, tables: Array, data: Array,
               states: Array, big_k: Array, perm_needed: Array, kinds: Array,
               params: Array, counts: Array, flags: Array, corr: Array, gkeys: Array,
               gown: Array, mz: Array, mload: Array, base_cost: Array, base_delay: Array,
               slab_off: Array, slab_pos: Array, slab_cost: Array, slab_sched: Array,
               dense_ptr: Array, dense_idx: Array, dense_cost: Array, dense_sched: Array,
               r0: int, r1: int, given_off: Array, given_pos: Array, exp_off: Array,
               exp_pos: Array,
               exports: Array, ws_tagged: Array, ws_tag: Array, ws_hash: Array,
               order: Array, perm: Array, raw: Array, ranks: Array, words: Array,
               values: Array, keys: Array, slot: Array, key_scratch: Array,
               hist: Array) -> None:
    """Draw, evaluate and act on risks ``r0..r1`` of one block of ``n`` iterations (see
    the module's description), in order.

    Per risk ``r``: ``states[r]`` its stream after the uniform of its occurrence count;
    ``big_k[r]`` occurrences drawn (0: none, nothing drawn); ``kinds[r, 2 s + layer]``
    and ``params[r, 4 (2 s + layer):...]`` the rule of each scenario's cost (layer 0)
    and schedule (layer 1); ``counts[r, s]`` occurrences used by scenario ``s``;
    ``corr[r]`` (how: 0 none, 1 group, 2 matrix; set) with the groups' keys
    ``gkeys[set, layer, iteration]`` and own-score keys ``gown[set, bits]``, and the
    matrix sets' factor scores ``mz[set, layer, iteration, factor]`` and the risk's
    loadings ``mload[r]``. Slab entries of risk ``r`` are ``slab_off[r]:slab_off[r+1]``
    (``slab_sched`` empty: no schedule changes); the dense variants it adds its change
    into are rows ``dense_idx[dense_ptr[r]:dense_ptr[r+1]]`` of ``dense_cost`` and
    ``dense_sched``; its exports start at ``exp_off[r]``. A risk flagged ``GIVEN`` takes
    its ordered occurrence positions from ``given_pos[given_off[r]:]`` instead of
    drawing them.
    """
    pre_cost, pre_sched = values[1], values[2]
    for r in range(r0, r1):
        kk = big_k[r]
        if kk == 0:
            continue
        st = states[r]
        if flags[r] & GIVEN:
            g0 = given_off[r]
            for j in range(kk):
                order[j] = given_pos[g0 + j]
        else:
            choice(st, n, kk, order, ws_tagged, ws_tag, ws_hash)
        if perm_needed[r]:
            choice(st, kk, kk, perm, ws_tagged, ws_tag, ws_hash)
        for j in range(kk):
            raw[j] = next64(st)
        how, comp = corr[r, 0], corr[r, 1]
        if how != 0:
            for j in range((kk + 1) // 2):
                words[j] = next64(st)
        f = flags[r]
        # a correlated risk whose scenario-0 values only add into the block is dealt
        # straight into it
        direct = how != 0 and (f & (SLAB | EXPORT)) == 0
        added_cost = added_delay = False
        for s in range(2):
            ks = counts[r, s]
            for layer in range(2):
                slot_index = 2 * s + layer
                kind = kinds[r, slot_index]
                if kind == 0 or ks == 0:
                    continue
                q = 4 * slot_index
                out = values[1 + slot_index]
                if how == 0 or kind == _FIXED:
                    _values(raw, layer, kk, ks, lhs, kind, params[r, q], params[r, q + 1],
                            params[r, q + 2], params[r, q + 3], tables, data, f_ndtri, perm,
                            values[0], ranks, out)
                    continue
                add = direct and s == 0 and f & (ADD_COST if layer == 0 else ADD_DELAY) != 0
                _correlated_values(raw, layer, kk, ks, lhs, kind, params[r, q],
                                   params[r, q + 1], params[r, q + 2], params[r, q + 3],
                                   tables, data, f_ndtri, order, words, how, comp, gkeys,
                                   gown, mz, mload[r], values[0], keys, hist, slot,
                                   key_scratch, out, add,
                                   base_cost if layer == 0 else base_delay)
                if add:
                    if layer == 0:
                        added_cost = True
                    else:
                        added_delay = True
        k0, k1 = counts[r, 0], counts[r, 1]
        if f & ADD_COST and kinds[r, 0] != 0 and not added_cost:
            for i in range(k0):
                base_cost[order[i]] += pre_cost[i]
        if f & ADD_DELAY and kinds[r, 1] != 0 and not added_delay:
            for i in range(k0):
                base_delay[order[i]] += pre_sched[i]
        if f & (SLAB | EXPORT):
            m = slab_off[r + 1] - slab_off[r] if f & SLAB else kk
            for layer in range(2):
                kb = k0 if kinds[r, layer] != 0 else 0
                ka = k1 if kinds[r, 2 + layer] != 0 else 0
                before, after = values[1 + layer], values[3 + layer]
                target = slab_cost if layer == 0 else slab_sched
                if f & SLAB and target.shape[0] != 0:  # empty: no schedule changes
                    o0 = slab_off[r]
                    _change(before, kb, after, ka, m, target, o0)
                    if f & DENSE:
                        stack = dense_cost if layer == 0 else dense_sched
                        for t in range(dense_ptr[r], dense_ptr[r + 1]):
                            dense = stack[dense_idx[t]]
                            for i in range(m):
                                dense[order[i]] += target[o0 + i]
                if f & EXPORT:
                    e0 = exp_off[r]
                    row_b, row_a = exports[layer], exports[2 + layer]
                    for i in range(kk):
                        row_b[e0 + i] = before[i] if i < kb else 0.0
                        row_a[e0 + i] = after[i] if i < ka else 0.0
                    _change(before, kb, after, ka, kk, exports[4 + layer], e0)
            if f & SLAB:
                for i in range(m):
                    slab_pos[slab_off[r] + i] = order[i]
            if f & EXPORT:
                for i in range(kk):
                    exp_pos[exp_off[r] + i] = order[i]
