#!/usr/bin/env bash
# Builds and runs the whole test suite (ctest): unit tests per component and
# integration tests with real processes over loopback mTLS.
#   ./test.sh             RelWithDebInfo build in build/
#   ./test.sh --sanitize  ASan + UBSan build in build-sanitize/
set -euo pipefail
cd "$(dirname "$0")"

build_dir=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
for arg in "$@"; do
  case "$arg" in
    --sanitize)
      build_dir=build-sanitize
      # -O1 -g1: what sanitizers are meant to run at, and compiles 2-3 times
      # faster than -O2 -g with them; asserts stay on.
      cmake_args+=(-DSAMENLOOP_SANITIZE=ON -DSAMENLOOP_BUILD_BENCH=OFF
                   "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1")
      # Child processes (the servers in integration tests) inherit these.
      export LSAN_OPTIONS="suppressions=$PWD/tests/sanitizers/lsan.supp"
      export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1"
      # The SIGKILL cycles and the soak run in the plain build only; the
      # sanitizer build does not build them (tests/integration/CMakeLists.txt).
      # The non-interference property test runs 300 generated scenarios in
      # the plain build (200 in CI); under ASan a smaller sample keeps CI's
      # time. Seeds are random per run, so CI runs add up to more.
      export SAMENLOOP_NI_SCENARIOS=30
      ;;
    *) echo "test.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
# CI treats warnings as errors.
if [ "${CI:-}" = "true" ]; then
  cmake_args+=(-DSAMENLOOP_WERROR=ON)
  # Line tables are enough for CI's stack traces, and compile faster.
  if [ "$build_dir" = build ]; then
    cmake_args+=("-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O2 -g1 -DNDEBUG")
    # CI's 35-minute budget (docs/development.md "CI time").
    export SAMENLOOP_NI_SCENARIOS=${SAMENLOOP_NI_SCENARIOS:-200}
  fi
fi

./deploy/install-deps.sh
cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j2
ctest --test-dir "$build_dir" --output-on-failure -j2 --timeout 300
