"""Clearance for several cases in one kernel launch (GPU batching across cases).

A GPU planner holds many warm cases, each asking for a few candidate schedules at a time: alone,
each call is too small to fill the device and pays its own launch and copies. `clearance_many`
merges the cases' prepared structures into one (cached while the same cases are batched together)
and checks every case's (schedule, stage, pair) in one launch of a task-list kernel. Backends
without that kernel (cpu, numpy) run the cases one after another, with the same results.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from . import _core
from .backends import get_backend
from .clearance import DEFAULT_MAX_DISTANCE, ClearanceQuery, ClearanceResult, make_query
from .prepared import ARRAY_NAMES, PreparedCase

# the packed array each tooth_i offset column counts rows of (cpp/include/orthoplan/clearance/clearance.h)
_OFFSETS = {col: name for name, cols in _core.TI_OFFSETS.items() for col in cols}
_MERGED: OrderedDict[tuple[int, ...], tuple[tuple[PreparedCase, ...], PreparedCase]] = OrderedDict()
_MERGED_KEEP = 4


def merge_cases(cases: Sequence[PreparedCase]) -> PreparedCase:
    """One PreparedCase holding every tooth of `cases` in order (tooth k of case j becomes
    sum(teeth of cases before j) + k). The arrays are concatenated, their offsets shifted. Cases
    prepared with different spacings merge too: each tooth carries its own grid spacing and error
    bound (tooth_f); the merge's recorded spacings are the first case's."""
    if not cases or not all(isinstance(c, PreparedCase) for c in cases):
        raise ValueError("cases: expected a non-empty sequence of PreparedCase")
    parts: dict[str, list[np.ndarray]] = {k: [] for k in ARRAY_NAMES}
    base = dict.fromkeys(_OFFSETS.values(), 0)
    for case in cases:
        ti = case.arrays["tooth_i"].copy()
        for col, name in _OFFSETS.items():
            ti[:, col] += base[name]
        parts["tooth_i"].append(ti)
        for name in ARRAY_NAMES[1:]:
            parts[name].append(case.arrays[name])
        for name in base:
            base[name] += len(case.arrays[name])
    arrays = {k: np.ascontiguousarray(np.concatenate(v)) for k, v in parts.items()}
    for a in arrays.values():
        a.flags.writeable = False
    stats = {k: np.concatenate([c.stats[k] for c in cases]) for k in cases[0].stats}
    first = cases[0]
    return PreparedCase(sum(c.teeth for c in cases), arrays, stats, first.sample_spacing,
                        first.grid_spacing, first.fine_spacing, first.fine_band)


def _merged(cases: tuple[PreparedCase, ...]) -> PreparedCase:
    """The merge of these cases, kept (with its device copies) while they are batched together."""
    key = tuple(id(c) for c in cases)
    hit = _MERGED.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], cases, strict=True)):
        _MERGED.move_to_end(key)
        return hit[1]
    merged = merge_cases(cases)
    _MERGED[key] = (cases, merged)
    while len(_MERGED) > _MERGED_KEEP:
        _MERGED.popitem(last=False)
    return merged


def clearance_many(items: Sequence[tuple[PreparedCase, object, object]], *,
                   max_distance: float = DEFAULT_MAX_DISTANCE, backend: str | None = None) -> list[ClearanceResult]:
    """`clearance(prepared, poses, pairs)` for every (prepared, poses, pairs) in `items`, in one
    launch where the backend has a task-list kernel (cuda, cupy). Each case keeps its own
    schedules, stages, teeth and pairs; results are NumPy, in the order of `items`."""
    if isinstance(items, (str, bytes)) or not isinstance(items, Sequence) or not items:
        raise ValueError("items: expected a non-empty sequence of (prepared, poses, pairs)")
    queries = []
    for i, item in enumerate(items):
        try:
            prepared, poses, pairs = item
        except (TypeError, ValueError):
            raise ValueError(f"items[{i}]: expected (prepared, poses, pairs)") from None
        try:
            queries.append(make_query(prepared, poses, pairs, max_distance))
        except ValueError as e:
            raise ValueError(f"items[{i}].{e}") from None
    return clearance_queries(queries, backend)


def clearance_queries(queries: Sequence[ClearanceQuery], backend: str | None = None) -> list[ClearanceResult]:
    """`clearance_many` for queries already checked (make_query), all with one max_distance."""
    impl = get_backend(backend)
    if not hasattr(impl, "clearance_tasks"):
        return [impl.clearance(q) for q in queries]
    # each case once, in a fixed order: batches of the same warm cases reuse one merge (and its
    # device copy) whatever order their calls arrived in
    cases = sorted({id(q.prepared): q.prepared for q in queries}.values(), key=id)
    merged = _merged(tuple(cases))
    first = dict(zip(map(id, cases), np.cumsum([0] + [c.teeth for c in cases]).tolist(), strict=False))
    tasks, poses, shapes = [], [], []
    pose0 = 0
    for q in queries:
        tooth0 = first[id(q.prepared)]
        b, s, t = q.poses.shape[:3]
        rows = np.arange(b * s, dtype=np.int64) * t + pose0  # first pose of each (schedule, stage)
        a, c = q.pairs[:, 0].astype(np.int64), q.pairs[:, 1].astype(np.int64)
        # pair-major: consecutive threads check one pair at consecutive poses (coherent warps)
        k = np.stack([rows[None, :] + a[:, None], rows[None, :] + c[:, None],
                      np.broadcast_to(a[:, None] + tooth0, (len(a), b * s)),
                      np.broadcast_to(c[:, None] + tooth0, (len(a), b * s))], axis=-1)
        tasks.append(k.reshape(-1, 4))
        poses.append(q.poses.reshape(-1, 4, 4))
        shapes.append((b, s, len(a)))
        pose0 += b * s * t
    all_tasks = np.ascontiguousarray(np.concatenate(tasks), dtype=np.int64)
    if pose0 >= 2**31 or len(all_tasks) >= 2**31:
        raise ValueError("items: more than 2**31 poses or evaluations in one batch; split it")
    c, wa, wb = impl.clearance_tasks(merged, np.ascontiguousarray(np.concatenate(poses)),
                                     all_tasks.astype(np.int32), float(queries[0].max_distance))
    out, at = [], 0
    for b, s, p in shapes:
        n = b * s * p
        def back(x, at=at, n=n, b=b, s=s, p=p):
            return np.ascontiguousarray(np.moveaxis(x[at: at + n].reshape(p, b, s, *x.shape[1:]), 0, 2))
        out.append(ClearanceResult(back(c), back(wa), back(wb)))
        at += n
    return out
