#!/usr/bin/env bash
# Scale benchmark (issues 4 and 8): a real broker filled with SCALE live
# signals over mTLS by the separate load generator, compared with the same
# broker on an empty store, in the same run:
#   ingest throughput (batches of 1,000)     at scale vs empty: within 20%
#   GetSignal lookup latency p50/p99          at scale vs empty: flat
#   peak resident memory of the broker        at scale (target < 2 GiB) vs empty
#   restart to serving (first lookup answered) at scale (target < 10 s) vs empty
# Writes Google-Benchmark-shaped JSON files into OUT_DIR.
#   bench/scale_bench.sh BIN_DIR OUT_DIR [SCALE]      (default 10,000,000)
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$1 out=$2 scale=${3:-10000000}
# 100 batches: long enough that the empty store's memtables grow past the
# CPU caches too (its first few batches are flattered by tiny, cache-resident
# memtables; docs/benchmarks.md "At 10^7 live signals").
probe_batches=100

work=$(mktemp -d /tmp/samenloop-scale-bench-XXXXXX)
broker_pid=
cleanup() {
  [ -n "$broker_pid" ] && kill -TERM "$broker_pid" 2>/dev/null && wait "$broker_pid" 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] && echo "scale_bench: kept $work" >&2 || rm -rf "$work"
}
trap cleanup EXIT

./deploy/dev-pki.sh --only broker,politie-amsterdam "$work/pki" >/dev/null
"$bin/samenloop-broker" init-secret --out "$work/index.secret" >/dev/null
"$bin/samenloop-broker" init-log-key --out "$work/log.key" >/dev/null

now() { date +%s.%N; }
metrics_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
start_broker() {
  rm -f "$work/port"
  "$bin/samenloop-broker" serve --listen 127.0.0.1:0 --data-dir "$work/db" --tls-dir "$work/pki/broker" \
    --index-secret "$work/index.secret" --log-key "$work/log.key" --sweep-interval-seconds 0 \
    --metrics-listen "127.0.0.1:$metrics_port" --port-file "$work/port" >>"$work/broker.log" 2>&1 &
  broker_pid=$!
  for _ in $(seq 1 1200); do [ -s "$work/port" ] && return 0; sleep 0.05; done
  echo "scale_bench: broker did not start" >&2; tail "$work/broker.log" >&2; exit 1
}
stop_broker() { kill -TERM "$broker_pid"; wait "$broker_pid" 2>/dev/null || true; broker_pid=; }
gen() { "$bin/samenloop-loadgen" "$1" --broker "127.0.0.1:$(cat "$work/port")" --pki "$work/pki" "${@:2}"; }
json() { printf '{"benchmarks": [{"name": "%s", "value": %.6f, "scale": %d}]}\n' "$1" "$2" "$scale"; }
peak_rss_bytes() { awk '/VmHWM/ {print $2 * 1024}' "/proc/$broker_pid/status"; }
# Restart to serving: from process start to the first lookup answered.
# Runs in this shell (not in $(...)): it replaces the broker process.
restart() {  # $1: figure suffix
  stop_broker
  local begin; begin=$(now)
  start_broker
  gen lookup --calls 1 --max-id 1 >/dev/null
  json "Broker_Restart_$1" "$(echo "$(now) - $begin" | bc -l)" >"$out/scale_restart_$1.json"
}
# Compaction work left behind by what ran before (the fill ingests flat out
# for minutes; a restart flushes the replayed WAL) competes with the probes
# for the two cores: measuring then would time that aftermath, not a store
# that holds 10^7 signals. Wait (at most 5 minutes) until no compaction is
# running or pending in two readings a second apart, and say how long that
# took. The probes' own flushes and compactions do count.
settle() {  # $1: what ran before, for the message
  local begin quiet=0 page running pending
  begin=$(now)
  for _ in $(seq 1 300); do
    page=$(python3 -c "import urllib.request; print(urllib.request.urlopen('http://127.0.0.1:$metrics_port/metrics').read().decode())" 2>/dev/null || true)
    running=$(echo "$page" | awk '/^samenloop_broker_store_running_compactions / {print $2}')
    pending=$(echo "$page" | awk '/^samenloop_broker_store_pending_compaction_bytes / {print $2}')
    if [ "$running" = 0 ] && [ "$pending" = 0 ]; then quiet=$((quiet + 1)); else quiet=0; fi
    [ "$quiet" -ge 2 ] && break
    sleep 1
  done
  echo "scale_bench: compactions after $1 settled in $(echo "$(now) - $begin" | bc -l | cut -c1-5) s" >&2
}
measure() {  # $1: EmptyStore or AtScale; $2: highest signal number present
  settle "start ($1)"
  gen ingest --batches "$probe_batches" --batch-size 1000 --connections 2 --name "MTLS_Ingest_$1" >"$out/scale_ingest_$1.json"
  settle "the ingest probe ($1)"
  gen lookup --calls 2000 --max-id "$2" --name "MTLS_Lookup_$1" >"$out/scale_lookup_$1.json"
  json "Broker_PeakRss_$1" "$(peak_rss_bytes)" >"$out/scale_rss_$1.json"
  restart "$1"
}

start_broker
measure EmptyStore $((probe_batches * 1000))
echo "scale_bench: filling to $scale live signals" >&2
fill_batches=$(( (scale - probe_batches * 1000) / 1000 ))
gen ingest --batches "$fill_batches" --batch-size 1000 --connections 2 --name MTLS_Fill >"$out/scale_fill.json"
settle fill
# Peak memory from here on is what serving a full store costs.
stop_broker; start_broker
measure AtScale $((scale + probe_batches * 1000))
echo "scale_bench: store size $(du -sh "$work/db" | cut -f1)" >&2
stop_broker
