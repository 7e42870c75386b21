#!/usr/bin/env bash
# Quickstart: installs what is missing, builds, starts the dev stack
# (pseudonymiser and broker on localhost with the dev PKI and an embedded
# RocksDB under ./var/), replays the "Mr M." scenario and keeps the stack
# running until Ctrl-C.  --exit stops after the demo.
set -euo pipefail
cd "$(dirname "$0")"

exit_after_demo=0
for arg in "$@"; do
  case "$arg" in
    --exit) exit_after_demo=1 ;;
    -h|--help) sed -n '2,6p' "$0"; exit 0 ;;
    *) echo "quickstart: unknown option $arg (try --exit)" >&2; exit 2 ;;
  esac
done

BROKER_PORT=${SAMENLOOP_BROKER_PORT:-7443}
PSEUDONYMISER_PORT=${SAMENLOOP_PSEUDONYMISER_PORT:-7444}
VAR=$PWD/var
BIN=$PWD/build/bin

echo "== Installing dependencies (Debian packages; skipped when present)"
./deploy/install-deps.sh

echo "== Building (build/)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target samenloop samenloop-broker samenloop-pseudonymiser

echo "== Dev PKI, OPRF key and broker index secret under var/"
mkdir -p "$VAR/broker" "$VAR/pseudonymiser" "$VAR/log"
./deploy/dev-pki.sh "$VAR/pki" >/dev/null
[ -f "$VAR/pseudonymiser/oprf.key" ] || "$BIN/samenloop-pseudonymiser" keygen --out "$VAR/pseudonymiser/oprf.key"
[ -f "$VAR/broker/index.secret" ] || "$BIN/samenloop-broker" init-secret --out "$VAR/broker/index.secret"
[ -f "$VAR/broker/log.key" ] || "$BIN/samenloop-broker" init-log-key --out "$VAR/broker/log.key"
# The dev stack holds demo data only: every quickstart starts it fresh.
rm -rf "$VAR/broker/db"

pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for_port_file() {
  local file=$1 name=$2
  for _ in $(seq 1 200); do
    [ -s "$file" ] && return 0
    sleep 0.05
  done
  echo "quickstart: $name did not start; see $VAR/log/$name.log" >&2
  exit 1
}

echo "== Starting the pseudonymiser on localhost:$PSEUDONYMISER_PORT and the broker on localhost:$BROKER_PORT"
rm -f "$VAR/pseudonymiser.port" "$VAR/broker.port"
"$BIN/samenloop-pseudonymiser" serve --listen "127.0.0.1:$PSEUDONYMISER_PORT" \
  --tls-dir "$VAR/pki/pseudonymiser" --crl-dir "$VAR/pki/crl" --key-file "$VAR/pseudonymiser/oprf.key" --state-dir "$VAR/pseudonymiser/state" \
  --port-file "$VAR/pseudonymiser.port" >"$VAR/log/pseudonymiser.log" 2>&1 &
pids+=($!)
"$BIN/samenloop-broker" serve --listen "127.0.0.1:$BROKER_PORT" --data-dir "$VAR/broker/db" \
  --tls-dir "$VAR/pki/broker" --crl-dir "$VAR/pki/crl" --index-secret "$VAR/broker/index.secret" --log-key "$VAR/broker/log.key" --coordinator zvh-amsterdam \
  --port-file "$VAR/broker.port" >"$VAR/log/broker.log" 2>&1 &
pids+=($!)
wait_for_port_file "$VAR/pseudonymiser.port" pseudonymiser
wait_for_port_file "$VAR/broker.port" broker

echo "== Replaying the Mr M. scenario on the example region policy (deploy/policies/amsterdam-amstelland.yaml)"
echo
SAMENLOOP="$BIN/samenloop" PKI="$VAR/pki" \
SAMENLOOP_BROKER="localhost:$BROKER_PORT" SAMENLOOP_PSEUDONYMISER="localhost:$PSEUDONYMISER_PORT" \
  DEMO_POLICY=deploy/policies/amsterdam-amstelland.yaml ./deploy/demo/mr-m.sh

echo
echo "== The privacy officer's tools on the example region policy (local, same engine as the broker)"
"$BIN/samenloop" policy check deploy/policies/amsterdam-amstelland.yaml
"$BIN/samenloop" policy test deploy/policies/amsterdam-amstelland.yaml deploy/policies/amsterdam-amstelland.cases.yaml
"$BIN/samenloop" policy explain deploy/policies/amsterdam-amstelland.yaml --recipient school-de-horizon \
  --source politie-amsterdam --category domestic_violence --match household_related --relation parent \
  --objection subject

if [ "$exit_after_demo" = 1 ]; then
  echo
  echo "== Demo done; stopping the dev stack (--exit)"
  exit 0
fi

cat <<MSG

== The dev stack keeps running. Try, in another terminal:
   export SAMENLOOP_BROKER=localhost:$BROKER_PORT SAMENLOOP_PSEUDONYMISER=localhost:$PSEUDONYMISER_PORT
   build/bin/samenloop --identity var/pki/politie-amsterdam watch
   build/bin/samenloop --identity var/pki/ggz-inforsa submit --bsn 100000009 --age-band 23_plus \\
       --category addiction --contact-name "GGZ verslavingszorg" --local-ref GGZ-2
   build/bin/samenloop --identity var/pki/privacy-officer policy apply deploy/policies/amsterdam-amstelland.yaml
   (docs/policy-guide.md: check, test, explain, diff and apply policies)
   Logs: var/log/.  Press Ctrl-C to stop.
MSG
wait
