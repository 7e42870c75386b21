#!/usr/bin/env bash
# CI step: builds only the libFuzzer targets with clang
# (-fsanitize=fuzzer,address,undefined) and runs each for a bounded time,
# SAMENLOOP_FUZZ_SECONDS per target (default 20). Any crash, sanitizer
# report, timeout or broken property fails the step; the input that did it
# is in build-fuzz/crashes/ and its stack trace in the log. Budget: about
# three minutes of building and 20 s per target on a 2-core machine.
# Longer runs before a release: tests/fuzz/run.sh 3600 (docs/development.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${SAMENLOOP_FUZZ_SECONDS:-20}
start=$(date +%s)
if ! tests/fuzz/run.sh "$seconds"; then
  echo "fuzz: FAILED; reproduce with build-fuzz/bin/<target>_fuzzer build-fuzz/crashes/<file>" >&2
  ls -l build-fuzz/crashes >&2 || true
  exit 1
fi
echo "fuzz: every target ran ${seconds}s without a finding ($(($(date +%s) - start))s in all)"
