#!/usr/bin/env bash
# On a machine with a CUDA device: build the CUDA extension for it, run the kernel parity tests
# (every backend against the NumPy reference) and the GPU benchmarks; logs and JSON go to $OUT.
# Real scans are read from $ORTHOPLAN_SHARED_DATA (default ../shared/data, or .devdata where a
# run carried a transient copy there: it is git-ignored and never committed); wheels in .whl/
# (e.g. trimesh, for the STL scans) are installed beside the machine's Python first.
set -uo pipefail
OUT=${OUT:-/tmp/orthoplan-gpu}
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
if [ -z "${ORTHOPLAN_SHARED_DATA:-}" ]; then  # a copy carried beside the tree for this run, else the usual place
  if [ -d .devdata ]; then ORTHOPLAN_SHARED_DATA=$PWD/.devdata; else ORTHOPLAN_SHARED_DATA=$(cd .. && pwd)/shared/data; fi
fi
export ORTHOPLAN_SHARED_DATA
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv | tee "$OUT/gpu.txt"
if compgen -G ".whl/*.whl" > /dev/null; then
  python3 -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl || exit 1
  export PYTHONPATH=/tmp/site
fi
arch=$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader | head -1 | tr -d .)
SECONDS=0
python3 -m pip install -q --no-build-isolation --no-deps -Cbuild-dir=build/gpu \
  -Ccmake.define.ORTHOPLAN_CUDA=ON -Ccmake.define.ORTHOPLAN_CUDA_ARCHITECTURES="$arch" . > "$OUT/build.log" 2>&1 \
  || { tail -40 "$OUT/build.log"; exit 1; }
echo "built for sm_$arch in ${SECONDS}s"
python3 -c "import orthoplan.kernels as K; print(K.available_backends())" || exit 1
cd "$(mktemp -d)" && cp -r "$OLDPWD/tests" "$OLDPWD/benchmarks" "$OLDPWD/pyproject.toml" . || exit 1  # not the source tree's python/
python3 -m pytest tests/kernels -q -p no:cacheprovider -rs -n 8 -p no:benchmark "${@:---}" 2>&1 | tee "$OUT/parity.log" | tail -25
python3 -m pytest benchmarks/test_bench_gpu.py -q -p no:cacheprovider --benchmark-only -s \
  --benchmark-json "$OUT/bench_gpu.json" 2>&1 | tee "$OUT/bench_gpu.log" | grep -v "^$" | tail -30
[ "${PLANNING_BENCH:-1}" = 0 ] && exit 0  # PLANNING_BENCH=0: kernels only
for backend in cpu cuda; do
  ORTHOPLAN_BACKEND=$backend python3 -m pytest benchmarks/test_bench_planning.py -q -p no:cacheprovider \
    --benchmark-only -s 2>&1 | tee "$OUT/bench_planning_$backend.log" | grep -E "warm|cold|pipeline|prepar|passed|failed|Error" | tail -12
done
