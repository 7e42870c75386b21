#!/usr/bin/env bash
# Builds the benchmarks in Release (build-bench/), runs them, and writes
# bench/results/latest.json and the table in docs/benchmarks.md. Every
# figure is reported against a baseline measured in the same run.
#   bench/run.sh          full run
#   bench/run.sh --quick  shorter repetitions (under a minute once built)
set -euo pipefail
cd "$(dirname "$0")/.."

min_time=2
for arg in "$@"; do
  case "$arg" in
    --quick) min_time=0.3 ;;
    *) echo "bench/run.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

./deploy/install-deps.sh >/dev/null
cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release -DSAMENLOOP_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench -j2 --target samenloop_crypto_bench samenloop_sdk_bench samenloop_ingest_bench \
  samenloop_policy_bench samenloop_audit_bench samenloop-loadgen samenloop-broker >/dev/null

raw=$(mktemp -d)
# The raw outputs stay when the run fails, to see which one broke.
trap 'if [ $? -eq 0 ]; then rm -rf "$raw"; else echo "bench/run.sh: raw outputs kept in $raw" >&2; fi' EXIT
# The audit proofs run on a 10^7-leaf log (10^6 in a quick run).
export SAMENLOOP_AUDIT_BENCH_LEAVES=$([ "$min_time" = 2 ] && echo 10000000 || echo 1000000)
for bench in samenloop_crypto_bench samenloop_sdk_bench samenloop_ingest_bench samenloop_policy_bench \
             samenloop_audit_bench; do
  echo "running $bench" >&2
  "build-bench/bin/$bench" --benchmark_min_time="$min_time" --benchmark_format=json >"$raw/$bench.json"
done
echo "running the over-mTLS benchmarks (broker + load generator processes)" >&2
bench/mtls_bench.sh build-bench/bin "$raw" "$([ "$min_time" = 2 ] || echo --quick)"
# 10^7 live signals in the full run (several minutes of filling); 2*10^5 in a quick one.
echo "running the scale benchmark" >&2
bench/scale_bench.sh build-bench/bin "$raw" "$([ "$min_time" = 2 ] && echo 10000000 || echo 200000)"
mkdir -p bench/results
python3 bench/report.py --mode "$([ "$min_time" = 2 ] && echo full || echo quick)" \
  --out bench/results/latest.json --doc docs/benchmarks.md "$raw"/*.json
