"""The arch form and the placement of teeth along it, for the proposed setup (planning/setup.py):
a symmetric curve sampled by arc length, teeth placed on it in contact from the dental midline
outward against their anchors, and the levelling of their occlusal tips."""

from __future__ import annotations

import numpy as np

LEVEL_STEP_WEIGHT = 1.0  # levelling: weight of the steps between neighbours against staying put
MOLAR_HOLD = 100.0  # levelling: molars (nearly) keep their height
_STEP = 0.01  # mm: arch form sampling


class Form:
    """The arch form v(u) = a0 + a2 u^2 + a4 u^4 + advance * taper(u), sampled by arc length."""

    def __init__(self, coef: np.ndarray, reach: float, advance: float = 0.0):
        self.coef, self.reach, self.advance = coef, reach, advance
        self.u = np.arange(-reach - 15.0, reach + 15.0 + _STEP, _STEP)
        taper = np.clip(1.0 - (self.u / reach) ** 2, 0.0, None) ** 2
        self.v = coef[0] + coef[1] * self.u**2 + coef[2] * self.u**4 + advance * taper
        seg = np.hypot(np.diff(self.u), np.diff(self.v))
        self.arc = np.concatenate([[0.0], np.cumsum(seg)])
        self.arc -= np.interp(0.0, self.u, self.arc)  # arc position 0 at the midline; + toward the left

    def point(self, s: float) -> np.ndarray:
        return np.array([np.interp(s, self.arc, self.u), np.interp(s, self.arc, self.v)])

    def project(self, p: np.ndarray) -> float:
        """Arc position of the curve point nearest to p (in-plane)."""
        return float(self.arc[int(np.argmin((self.u - p[0]) ** 2 + (self.v - p[1]) ** 2))])

    def step(self, s: float, chord: float, side: int) -> float:
        """The arc position `chord` mm (straight line) from point(s), going outward on `side`."""
        start = self.point(s)
        i0 = int(np.searchsorted(self.arc, s))
        idx = np.arange(i0, len(self.arc)) if side > 0 else np.arange(i0, -1, -1)
        d = np.hypot(self.u[idx] - start[0], self.v[idx] - start[1])
        k = int(np.searchsorted(d, chord))  # d grows outward on a convex arch form
        return float(self.arc[idx[min(k, len(idx) - 1)]])


class Placer:
    """Teeth along the arch form, in contact, from the dental midline outward (see the module doc)."""

    def __init__(self, chains, fixed, pairs, uv_m, uv_d, width, coef, reach, centred):
        self.chains, self.fixed, self.uv_m, self.uv_d, self.width = chains, fixed, uv_m, uv_d, width
        self.neighbours = pairs | {(b, a) for a, b in pairs}
        self.coef, self.reach, self.centred = coef, reach, centred
        self.correction: dict[tuple[int, int], float] = {}  # measured gap (+) or overlap (-) to take up
        self.model: dict[frozenset, float] = {}  # at each anchor: the misfit the contact points predict

    def refine(self, clearance: np.ndarray, pairs: list[tuple[int, int]], planned: dict) -> None:
        """Take up what the proposed targets left between neighbours (the clearance kernel's measure;
        a planned IPR overlap is meant): the contact points are where the scan's teeth met, not where
        moved teeth meet."""
        for (a, b), c in zip(pairs, clearance, strict=True):
            if not np.isfinite(c):
                continue
            if frozenset((a, b)) in self.model:  # at an anchor: what the model's misfit got wrong
                self.correction[(a, b)] = float(c) + self.model[frozenset((a, b))]
            else:
                meant = planned.get((a, b), planned.get((b, a), 0.0))
                self.correction[(a, b)] = self.correction.get((a, b), 0.0) + float(c) + meant

    def current_midline(self) -> float:
        if not self.centred:
            return 0.0
        a, b = (chain[0] for chain in self.chains.values())
        return Form(self.coef, self.reach).project((self.uv_m[a] + self.uv_m[b]) / 2)

    def place(self, form: Form, midline: float, overlap: dict | None = None):
        """Per tooth its (mesial, distal) contact targets as arc positions, and per side the misfit at
        the molars (+: the teeth in front overlap them, -: a space is left)."""
        overlap = overlap or {}
        at: dict[int, tuple[float, float]] = {}
        misfit: dict[int, float] = {}
        for s, chain in self.chains.items():
            cursor = midline if self.centred else self._beside_fixed_central(form, s)
            prev = None
            for f in chain:
                anchored = f in self.fixed or (f % 10 >= 6 and (prev is None or prev % 10 < 6))
                here = form.project(self.uv_m[f])
                if anchored or cursor is None:
                    if cursor is not None and prev is not None and (prev, f) in self.neighbours:
                        self.model[frozenset((prev, f))] = s * (cursor - here)
                        misfit[s] = misfit.get(s, 0.0) + s * (cursor - here) - self._taken(prev, f)
                    start = here
                elif prev is not None and (prev, f) not in self.neighbours:  # a missing tooth: keep its space
                    start = cursor + (here - form.project(self.uv_d[prev]))
                elif prev is None:  # a central incisor: takes up half the gap to the other (all, if that one stays)
                    start = cursor - s * self._taken(*(c[0] for c in self.chains.values())) / (2 if self.centred else 1)
                else:
                    start = cursor - s * (overlap.get((prev, f), 0.0) + self._taken(prev, f))
                end = form.project(self.uv_d[f]) if f in self.fixed else form.step(start, self.width[f], s)
                at[f] = (start, end)
                cursor, prev = end, f
        return at, misfit

    def _beside_fixed_central(self, form: Form, s: int) -> float | None:
        """Where a central incisor starts when the other one must not move: against it."""
        first, other = self.chains[s][:1], self.chains[-s][:1]
        if first and other and other[0] in self.fixed and first[0] not in self.fixed \
                and (first[0], other[0]) in self.neighbours:
            return form.project(self.uv_m[other[0]])
        return None

    def _taken(self, a: int, b: int) -> float:
        return self.correction.get((a, b), self.correction.get((b, a), 0.0))

    def fit_advance(self, midline: float, bound: float) -> float:
        """How far the front of the arch form moves so the teeth in front of the molars fit (bisection:
        more advance, more room)."""
        def misfit(advance: float) -> float:
            return sum(self.place(Form(self.coef, self.reach, advance), midline)[1].values())
        if not self.centred or misfit(0.0) == 0.0:
            return 0.0
        lo, hi = -bound, bound
        if misfit(hi) > 0:
            return hi
        if misfit(lo) < 0:
            return lo
        for _ in range(30):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if misfit(mid) > 0 else (lo, mid)
        return (lo + hi) / 2

    def balance(self, advance: float, m0: float) -> float:
        """The midline between the arch's (0) and where it is (m0) that leaves both sides the same
        misfit: centred where the space allows, kept where centring would need the molars to move."""
        form = Form(self.coef, self.reach, advance)

        def diff(m: float) -> float:
            mis = self.place(form, m)[1]
            return mis.get(-1, 0.0) - mis.get(1, 0.0)
        if not self.centred or len(self.place(form, 0.0)[1]) < 2 or abs(m0) < 1e-3:
            return 0.0
        d0, d1 = diff(0.0), diff(m0)
        if d0 * d1 > 0 or abs(d0 - d1) < 1e-9:
            return 0.0 if abs(d0) <= abs(d1) else m0
        return m0 * d0 / (d0 - d1)


# upper lateral incisors sit a little short of the centrals and canines in an ideal smile line
_LEVEL_OFFSET = {("upper", 2): -0.5}


def levelled(order: list[int], tips: dict[int, float], jaw: str) -> dict[int, float]:
    """Target tip heights: as close to the scanned ones as they can be while the steps between
    neighbours shrink (least squares of both, LEVEL_STEP_WEIGHT between them); the molars hold their
    height. So a tooth that stands out or lags behind is levelled, a curve of Spee is flattened
    partly, and molars are not intruded to do it."""
    n = len(order)
    h = np.array([tips[f] - _LEVEL_OFFSET.get((jaw, f % 10), 0.0) for f in order])
    hold = np.array([MOLAR_HOLD if f % 10 >= 6 else 1.0 for f in order])
    a = np.diag(hold)
    for i in range(n - 1):  # consecutive teeth along the arch
        a[i, i] += LEVEL_STEP_WEIGHT
        a[i + 1, i + 1] += LEVEL_STEP_WEIGHT
        a[i, i + 1] -= LEVEL_STEP_WEIGHT
        a[i + 1, i] -= LEVEL_STEP_WEIGHT
    level = np.linalg.solve(a, hold * h)
    return {f: float(level[i] + _LEVEL_OFFSET.get((jaw, f % 10), 0.0)) for i, f in enumerate(order)}


def planned_ipr(placer: Placer, misfit: dict[int, float], limit: float) -> dict[tuple[int, int], float]:
    """Crowding left in front of the molars, taken as overlap at those contacts: 0.1 mm at a time,
    round the contacts, at most `limit` each (the staging turns the overlap into IPR)."""
    ipr: dict[tuple[int, int], float] = {}
    for s, short in misfit.items():
        front = [f for f in placer.chains[s] if f % 10 <= 5 and f not in placer.fixed]
        sites = [(a, b) for a, b in zip(front, front[1:], strict=False) if (a, b) in placer.neighbours]
        left = short
        while left > 0.05 and sites:
            grown = False
            for site in sites:
                if left > 0.05 and ipr.get(site, 0.0) + 0.1 <= limit + 1e-9:
                    ipr[site] = round(ipr.get(site, 0.0) + 0.1, 1)
                    left -= 0.1
                    grown = True
            if not grown:
                break
    return ipr
