"""Regenerates python/orthoplan/v1 from proto/orthoplan/v1 with the pinned grpcio-tools.

Usage: python scripts/gen_protos.py [OUT_DIR]   (default: python/, the package root)
The test tests/api/test_generated.py regenerates into a temporary folder and diffs.
"""

from __future__ import annotations

import sys
from importlib import metadata, resources
from pathlib import Path

PINNED_TOOLS = "1.85.1"
ROOT = Path(__file__).resolve().parents[1]
PROTO_ROOT = ROOT / "proto"


def generate(out_dir: Path) -> list[Path]:
    from grpc_tools import protoc

    found = metadata.version("grpcio-tools")
    if found != PINNED_TOOLS:
        raise SystemExit(f"grpcio-tools {PINNED_TOOLS} is pinned, found {found}: pip install '.[dev]'")
    protos = sorted(PROTO_ROOT.glob("orthoplan/v1/*.proto"))
    well_known = resources.files("grpc_tools") / "_proto"
    (out_dir / "orthoplan" / "v1").mkdir(parents=True, exist_ok=True)
    args = ["protoc", f"-I{PROTO_ROOT}", f"-I{well_known}", f"--python_out={out_dir}", f"--pyi_out={out_dir}",
            f"--grpc_python_out={out_dir}", *[str(p.relative_to(PROTO_ROOT)) for p in protos]]
    if protoc.main(args) != 0:
        raise SystemExit("protoc failed")
    init = out_dir / "orthoplan" / "v1" / "__init__.py"
    init.write_text('"""Generated gRPC code for orthoplan.v1 (scripts/gen_protos.py); never edit by hand."""\n')
    return sorted((out_dir / "orthoplan" / "v1").iterdir())


if __name__ == "__main__":
    for path in generate(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "python"):
        print(path)
