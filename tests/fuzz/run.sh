#!/usr/bin/env bash
# Builds the fuzz targets with clang's libFuzzer (ASan + UBSan) in
# build-fuzz/ and runs each for SECONDS (default 60), starting from its seed
# corpus; new inputs go to build-fuzz/corpus/<target>/, crashes to
# build-fuzz/crashes/. Longer runs: tests/fuzz/run.sh 3600.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
command -v clang++ >/dev/null || { echo "tests/fuzz/run.sh: clang++ is needed for libFuzzer" >&2; exit 2; }
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSAMENLOOP_FUZZ=ON \
  -DSAMENLOOP_BUILD_BENCH=OFF >/dev/null
targets=(policy_parser signal_validation oprf_decoding)
cmake --build build-fuzz -j2 --target "${targets[@]/%/_fuzzer}"
mkdir -p build-fuzz/crashes
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "fuzzing $t for ${seconds}s" >&2
  "build-fuzz/bin/${t}_fuzzer" -max_total_time="$seconds" -max_len=65536 \
    -artifact_prefix="build-fuzz/crashes/$t-" "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t"
done
