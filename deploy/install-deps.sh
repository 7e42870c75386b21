#!/usr/bin/env bash
# Installs every Debian 12 package Samenloop needs to build, test and run.
# Idempotent and non-interactive: packages already present are left alone.
set -euo pipefail

PACKAGES=(
  build-essential cmake pkg-config git
  # RPC and serialisation (gRPC 1.51, Protobuf 3.21; gRPC brings Abseil)
  libgrpc++-dev libgrpc-dev protobuf-compiler protobuf-compiler-grpc libprotobuf-dev
  # crypto: ristretto255 / Ed25519 from libsodium, TLS and HMAC from OpenSSL 3
  libsodium-dev libssl-dev openssl
  # storage
  librocksdb-dev
  # config, CLI, logging
  libyaml-cpp-dev libcli11-dev libspdlog-dev libfmt-dev
  # tests and benchmarks
  libgtest-dev libgmock-dev googletest libbenchmark-dev
  # bench/run.sh: python3 writes the report and reads /metrics, bc does the
  # scale benchmark's timing arithmetic (minimal images have neither)
  python3 bc
  # fuzzing (tests/fuzz/ci.sh): clang 14, and libclang-rt-14-dev for
  # libclang_rt.fuzzer, .asan and .ubsan (clang-14 only recommends it, and
  # recommendations are not installed here)
  clang libclang-rt-14-dev
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PACKAGES[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
