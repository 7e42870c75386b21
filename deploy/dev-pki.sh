#!/usr/bin/env bash
# Makes a development PKI for a Samenloop deployment: a CA, server
# certificates for the broker and the pseudonymiser, and client
# certificates for organisations, a privacy officer, an auditor and an
# operator. Identity is carried in subjectAltName URIs (docs/pki.md):
#   samenloop://org/<org-id>  samenloop://role/<role>  samenloop://kind/<kind>
#
# Usage: deploy/dev-pki.sh [--force] [--only NAME[,NAME…]] [--expired NAME]
#                          [--identity NAME:ROLE:KIND:DISPLAY] OUTDIR
# Idempotent: an existing CA is reused and existing identities are kept
# (--force regenerates everything). For development and tests only.
set -euo pipefail

usage() { sed -n '2,12p' "$0" >&2; exit 2; }

force=0 only="" expired=() custom=()
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --only) only=$2; shift ;;
    --expired) expired+=("$2"); shift ;;
    --identity) custom+=("$2"); shift ;;
    -h|--help) usage ;;
    -*) echo "dev-pki: unknown option $1" >&2; usage ;;
    *) break ;;
  esac
  shift
done
[ $# -eq 1 ] || usage
out=$1

# name|role|kind|display name
IDENTITIES=(
  "politie-amsterdam|org|police|Politie Eenheid Amsterdam"
  "veilig-thuis-amsterdam|org|veilig_thuis|Veilig Thuis Amsterdam-Amstelland"
  "zorg-de-brug|org|care_provider|Zorgaanbieder De Brug"
  "ggz-inforsa|org|ggz|GGZ inGeest Amsterdam"
  "wijkteam-west|org|local_team|Buurtteam Amsterdam West"
  "reclassering-nl|org|justice|Reclassering Nederland"
  "zvh-amsterdam|org|regional_safety_team|Zorg- en Veiligheidshuis Amsterdam"
  "school-de-horizon|org|school|Openbare Basisschool De Horizon"
  "gi-jeugdbescherming|org|gi|Jeugdbescherming Regio Amsterdam"
  "raad-kinderbescherming|org|rvdk|Raad voor de Kinderbescherming"
  "schuldhulp-amsterdam|org|debt_counselling|Schuldhulpverlening Amsterdam"
  "wijkteam-zaandam|org|local_team|Sociaal Wijkteam Zaandam"
  "privacy-officer|privacy_officer|authority|Functionaris Gegevensbescherming regio Amsterdam"
  "auditor|auditor|authority|Auditor regio Amsterdam"
  "operator|operator|authority|Beheer Samenloop"
)
SERVERS=(broker pseudonymiser)
for c in "${custom[@]}"; do IDENTITIES+=("${c//:/|}"); done

wanted() {  # is NAME selected by --only (or is there no --only)?
  [ -z "$only" ] && return 0
  case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac
}

[ "$force" = 1 ] && rm -rf "$out"
mkdir -p "$out/ca"
umask 077
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ca_key=$out/ca/ca.key ca_cert=$out/ca/ca.pem
if [ ! -f "$ca_cert" ]; then
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$ca_key" 2>/dev/null
  openssl req -x509 -new -key "$ca_key" -sha256 -days 3650 -subj "/O=Samenloop dev deployment/CN=Samenloop dev CA" \
    -addext "basicConstraints=critical,CA:true" -addext "keyUsage=critical,keyCertSign,cRLSign" \
    -out "$ca_cert" 2>/dev/null
  chmod 644 "$ca_cert"
fi

# issue NAME SUBJECT EXTENSIONS [DAYS] [NOT_AFTER_IN_PAST]
issue() {
  local name=$1 subject=$2 extensions=$3 past=${4:-0}
  local dir=$out/$name
  if [ -f "$dir/cert.pem" ] && [ "$force" = 0 ]; then return 0; fi
  mkdir -p "$dir"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$dir/key.pem" 2>/dev/null
  chmod 600 "$dir/key.pem"
  openssl req -new -key "$dir/key.pem" -subj "$subject" -out "$tmp/$name.csr" 2>/dev/null
  printf '%s\n' "$extensions" > "$tmp/$name.ext"
  if [ "$past" = 1 ]; then
    # An already expired certificate, for tests: valid for one day, two years ago.
    local config=$tmp/ca.cnf
    mkdir -p "$tmp/ca-db"; : > "$tmp/ca-db/index.txt"
    cat > "$config" <<CNF
[ca]
default_ca = dev
[dev]
database = $tmp/ca-db/index.txt
new_certs_dir = $tmp/ca-db
serial = $tmp/ca-db/serial
default_md = sha256
policy = anything
copy_extensions = none
unique_subject = no
[anything]
commonName = supplied
organizationName = optional
CNF
    openssl rand -hex 16 > "$tmp/ca-db/serial"
    openssl ca -batch -config "$config" -cert "$ca_cert" -keyfile "$ca_key" -in "$tmp/$name.csr" \
      -startdate "$(date -u -d '-2 years' +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d '-2 years +1 day' +%Y%m%d%H%M%SZ)" \
      -extfile "$tmp/$name.ext" -out "$dir/cert.pem" >/dev/null 2>&1
  else
    openssl x509 -req -in "$tmp/$name.csr" -CA "$ca_cert" -CAkey "$ca_key" -CAcreateserial -sha256 -days 825 \
      -extfile "$tmp/$name.ext" -out "$dir/cert.pem" 2>/dev/null
  fi
  chmod 644 "$dir/cert.pem"
  cp "$ca_cert" "$dir/ca.pem"
  if [ "$past" = 0 ]; then
    openssl verify -CAfile "$ca_cert" "$dir/cert.pem" >/dev/null
  fi
}

client_extensions() {  # ORG ROLE KIND
  printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\nsubjectAltName=URI:samenloop://org/%s,URI:samenloop://role/%s,URI:samenloop://kind/%s' "$1" "$2" "$3"
}

summary=()
for server in "${SERVERS[@]}"; do
  wanted "$server" || continue
  issue "$server" "/O=Samenloop dev deployment/CN=$server" \
    "$(printf 'basicConstraints=critical,CA:false\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth,clientAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1,URI:samenloop://service/%s' "$server")"
  summary+=("$server|server|-|$out/$server")
done
for entry in "${IDENTITIES[@]}"; do
  IFS='|' read -r name role kind display <<<"$entry"
  wanted "$name" || continue
  issue "$name" "/O=$display/CN=$name" "$(client_extensions "$name" "$role" "$kind")"
  summary+=("$name|$role|$kind|$out/$name")
done
for name in "${expired[@]}"; do
  issue "$name" "/O=Expired test identity/CN=$name" "$(client_extensions "$name" org police)" 1
  summary+=("$name|org (expired)|police|$out/$name")
done

printf '%-24s %-18s %-22s %s\n' NAME ROLE KIND DIRECTORY
for row in "${summary[@]}"; do
  IFS='|' read -r name role kind dir <<<"$row"
  printf '%-24s %-18s %-22s %s\n' "$name" "$role" "$kind" "$dir"
done
