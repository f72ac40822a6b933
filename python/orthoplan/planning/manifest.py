"""The case manifest (JSON): the scans, the target as clinical movement values, the staging policy,
the teeth that must not move. Paths are relative to the manifest. Every problem is reported with
where it is (`manifest.json: targets.upper.11.twist: ...`), all at once."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .plan import MOVEMENT_KEYS, Policy
from .scans import Arch, ScanError, arch_from_folder, arch_from_labelled, arch_from_obj_labels
from .setup import SetupLimits

FORMAT_VERSION = 1
_TOP = {"version", "upper", "lower", "targets", "policy", "do_not_move", "ipr_allowed", "attachments_allowed",
        "proposal"}


_POLICY_KEYS = {"overrides", "collision_tolerance", "pattern", "start", "overcorrection"}
_SCAN_FORMS = (("labelled",), ("teeth",), ("obj", "labels"))


class ManifestError(ValueError):
    """A manifest that cannot be planned, with every problem and where it is."""


@dataclass
class Manifest:
    path: Path
    scans: dict[str, dict[str, str]]  # jaw -> {"labelled": file}, {"teeth": folder} or {"obj": f, "labels": f}
    targets: dict[str, dict[int, dict[str, float]]]
    policy: Policy
    do_not_move: frozenset[int] = frozenset()
    ipr_allowed: bool = False
    attachments_allowed: bool = False
    proposal: SetupLimits = field(default_factory=SetupLimits)  # bounds of a proposed setup
    problems: list[str] = field(default_factory=list)

    def arch(self, jaw: str) -> Arch:
        spec = {k: self.path.parent / v for k, v in self.scans[jaw].items()}
        if "obj" in spec:
            return arch_from_obj_labels(spec["obj"], spec["labels"], jaw)
        return arch_from_labelled(spec["labelled"], jaw) if "labelled" in spec else arch_from_folder(spec["teeth"], jaw)


def load(path: str | Path) -> Manifest:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ManifestError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise ManifestError(f"{path}: not a JSON manifest ({e})") from None
    if not isinstance(data, dict):
        raise ManifestError(f"{path}: the manifest must be a JSON object")
    problems: list[str] = []

    def bad(where: str, what: str) -> None:
        problems.append(f"{path.name}: {where}: {what}")
    for key in sorted(set(data) - _TOP):
        bad(key, f"unknown key (known: {', '.join(sorted(_TOP))})")
    if data.get("version") != FORMAT_VERSION:
        bad("version", f"must be {FORMAT_VERSION}")
    scans: dict[str, dict[str, str]] = {}
    for jaw in ("upper", "lower"):
        spec = data.get(jaw)
        if spec is None:
            continue
        if not isinstance(spec, dict) or not any(set(spec) == set(form) for form in _SCAN_FORMS) \
                or not all(isinstance(v, str) for v in spec.values()):
            bad(jaw, 'must be {"labelled": "arch.vtp"}, {"teeth": "folder of tooth_NN.stl"} or '
                     '{"obj": "arch.obj", "labels": "arch.json"}')
            continue
        scans[jaw] = spec
    if not scans:
        bad("upper", "give at least one arch (upper and/or lower)")
    targets: dict[str, dict[int, dict[str, float]]] = {}
    raw_targets = data.get("targets", {})
    if not isinstance(raw_targets, dict):
        bad("targets", "must be an object by jaw")
        raw_targets = {}
    for jaw, teeth in raw_targets.items():
        if jaw not in scans:
            bad(f"targets.{jaw}", "names an arch the manifest does not give")
            continue
        if not isinstance(teeth, dict):
            bad(f"targets.{jaw}", "must be an object by FDI number")
            continue
        targets[jaw] = {}
        for fdi, moves in teeth.items():
            if not (isinstance(fdi, str) and fdi.isdigit()) or not isinstance(moves, dict):
                bad(f"targets.{jaw}.{fdi}", "must be an FDI number with an object of movement values")
                continue
            for key, value in moves.items():
                if key not in MOVEMENT_KEYS:
                    bad(f"targets.{jaw}.{fdi}.{key}", f"unknown movement (known: {', '.join(MOVEMENT_KEYS)})")
                elif not isinstance(value, (int, float)) or isinstance(value, bool) or abs(value) > 45:
                    bad(f"targets.{jaw}.{fdi}.{key}", "must be a number (mm or degrees) of at most 45")
            targets[jaw][int(fdi)] = {k: float(v) for k, v in moves.items()
                                      if k in MOVEMENT_KEYS and isinstance(v, (int, float))}
    policy_raw = data.get("policy", {})
    policy = Policy()
    if not isinstance(policy_raw, dict) or set(policy_raw) - _POLICY_KEYS:
        bad("policy", f"may hold {', '.join(sorted(_POLICY_KEYS))} only")
    else:
        tol = policy_raw.get("collision_tolerance", 0.1)
        if not isinstance(tol, (int, float)) or not 0 <= tol <= 1:
            bad("policy.collision_tolerance", "must be 0-1 mm")
            tol = 0.1
        start = policy_raw.get("start", {})
        if not isinstance(start, dict) or not all(isinstance(f, str) and f.isdigit() for f in start):
            bad("policy.start", "must be an object of FDI number -> first stage")
            start = {}
        policy = Policy(overrides=policy_raw.get("overrides", {}), collision_tolerance=float(tol),
                        pattern=policy_raw.get("pattern", "simultaneous"),
                        start={int(f): v for f, v in start.items()},
                        overcorrection=policy_raw.get("overcorrection", 0))
        try:
            policy.check()
        except ValueError as e:
            bad("policy", str(e))
            policy = Policy()
    still = data.get("do_not_move", [])
    if not isinstance(still, list) or not all(isinstance(f, int) for f in still):
        bad("do_not_move", "must be a list of FDI numbers")
        still = []
    for jaw, teeth in targets.items():
        for fdi in sorted(set(teeth) & set(still)):
            bad(f"targets.{jaw}.{fdi}", "moves a tooth listed in do_not_move")
    for flag in ("ipr_allowed", "attachments_allowed"):
        if not isinstance(data.get(flag, False), bool):
            bad(flag, "must be true or false")
    bounds = _proposal_bounds(data.get("proposal", {}), bad)
    if problems:
        raise ManifestError("\n".join(problems))
    return Manifest(path, scans, targets, policy, frozenset(still), data.get("ipr_allowed", False),
                    data.get("attachments_allowed", False), bounds)


def _proposal_bounds(raw: Any, bad) -> SetupLimits:
    """`proposal`: the bounds of a proposed setup (for arches without targets), e.g. {"rotation": 15}."""
    known = SetupLimits.__dataclass_fields__
    if not isinstance(raw, dict):
        bad("proposal", "must be an object of bounds")
        return SetupLimits()
    values = {}
    for key, value in raw.items():
        if key not in known:
            bad(f"proposal.{key}", f"unknown bound (known: {', '.join(known)})")
        elif not isinstance(value, (int, float)) or isinstance(value, bool) or not 0 <= value <= 45:
            bad(f"proposal.{key}", "must be a number from 0 to 45 (mm or degrees)")
        else:
            values[key] = float(value)
    return SetupLimits(**values)


def arches(manifest: Manifest) -> dict[str, Arch]:
    """Reads the scans; a ScanError names its file."""
    out = {}
    for jaw in manifest.scans:
        try:
            out[jaw] = manifest.arch(jaw)
        except ScanError:
            raise
        except ValueError as e:  # e.g. movements naming teeth that are absent
            raise ManifestError(f"{manifest.path.name}: {jaw}: {e}") from None
    return out


def as_json(obj: Any) -> str:
    """Reproducible JSON: sorted keys, rounded floats."""
    def clean(x: Any) -> Any:
        if isinstance(x, float):
            return round(x, 4) + 0.0
        if isinstance(x, dict):
            return {str(k): clean(v) for k, v in x.items()}
        if isinstance(x, (list, tuple)):
            return [clean(v) for v in x]
        return x
    return json.dumps(clean(obj), indent=2, sort_keys=True) + "\n"
