#!/usr/bin/env bash
# Over-mTLS benchmarks (issue 8): starts a real broker from BIN_DIR on a
# loopback port with a fresh dev PKI and store in a temporary directory,
# then runs the separate load generator against it:
#   ingest   batches of 1,000 signals, durable, matched, audited (signals/s)
#   nullrpc  the cheapest authenticated call's latency (the latency baseline)
#   latency  submit-to-notification p50/p99 at 1,000 signals/s background
# Writes one Google-Benchmark-shaped JSON file per figure into OUT_DIR.
#   bench/mtls_bench.sh BIN_DIR OUT_DIR [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1 out=$2 quick=${3:-}
batches=100 seconds=20 calls=3000
if [ "$quick" = --quick ]; then batches=30 seconds=8 calls=1000; fi

work=$(mktemp -d /tmp/samenloop-mtls-bench-XXXXXX)
broker_pid=
cleanup() {
  [ -n "$broker_pid" ] && kill -TERM "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

./deploy/dev-pki.sh --only broker,politie-amsterdam,ggz-inforsa,wijkteam-west "$work/pki" >/dev/null
"$bin/samenloop-broker" init-secret --out "$work/index.secret" >/dev/null
"$bin/samenloop-broker" init-log-key --out "$work/log.key" >/dev/null

start_broker() {
  rm -rf "$work/db" "$work/port"
  "$bin/samenloop-broker" serve --listen 127.0.0.1:0 --data-dir "$work/db" --tls-dir "$work/pki/broker" \
    --index-secret "$work/index.secret" --log-key "$work/log.key" --sweep-interval-seconds 0 \
    --port-file "$work/port" >"$work/broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 200); do [ -s "$work/port" ] && break; sleep 0.05; done
  [ -s "$work/port" ] || { echo "mtls_bench: broker did not start" >&2; cat "$work/broker.log" >&2; exit 1; }
}
stop_broker() { kill -TERM "$broker_pid"; wait "$broker_pid" 2>/dev/null || true; broker_pid=; }

gen() { "$bin/samenloop-loadgen" "$1" --broker "127.0.0.1:$(cat "$work/port")" --pki "$work/pki" "${@:2}"; }

# Each figure on a fresh, empty store.
start_broker; gen ingest --batches "$batches" --batch-size 1000 --connections 2 >"$out/mtls_ingest.json"; stop_broker
start_broker; gen nullrpc --calls "$calls" >"$out/mtls_nullrpc.json"; stop_broker
start_broker; gen latency --seconds "$seconds" --rate 1000 >"$out/mtls_latency.json"; stop_broker
