#!/usr/bin/env bash
# Builds the fuzz targets with clang's libFuzzer (ASan + UBSan) in
# build-fuzz/ and runs each for SECONDS (default 60), starting from its seed
# corpus; new inputs go to build-fuzz/corpus/<target>/, crashes to
# build-fuzz/crashes/. Only the fuzz targets and what they link are built.
#   tests/fuzz/run.sh [SECONDS] [TARGET...]
# Longer runs: tests/fuzz/run.sh 3600 (docs/development.md). CI runs
# tests/fuzz/ci.sh, which calls this with 20 seconds per target.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
[[ $seconds =~ ^[1-9][0-9]*$ ]] || { echo "tests/fuzz/run.sh: SECONDS must be a positive number" >&2; exit 2; }
shift || true
command -v clang++ >/dev/null || { echo "tests/fuzz/run.sh: clang++ is needed for libFuzzer (deploy/install-deps.sh)" >&2; exit 2; }
# The targets are listed once, in tests/fuzz/CMakeLists.txt.
read -r -a all_targets <<<"$(sed -n 's/^set(SAMENLOOP_FUZZ_TARGETS \(.*\))$/\1/p' tests/fuzz/CMakeLists.txt)"
[ ${#all_targets[@]} -gt 0 ] || { echo "tests/fuzz/run.sh: no targets in tests/fuzz/CMakeLists.txt" >&2; exit 1; }
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

# -O1 with line tables: quick to build, still fast to fuzz, and crash
# reports name file and line.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DSAMENLOOP_FUZZ=ON \
  -DSAMENLOOP_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j2 --target "${targets[@]/%/_fuzzer}"

export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
mkdir -p build-fuzz/crashes
for t in "${targets[@]}"; do
  mkdir -p "build-fuzz/corpus/$t"
  echo "fuzzing $t for ${seconds}s" >&2
  # New inputs go to the first directory; the seed corpus is only read.
  "build-fuzz/bin/${t}_fuzzer" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="build-fuzz/crashes/$t-" "build-fuzz/corpus/$t" "tests/fuzz/corpus/$t"
done
