#!/usr/bin/env bash
# Makes a development PKI for a Samenloop deployment: an EC P-256 CA,
# server certificates for the broker and the pseudonymiser, and client
# certificates for organisations, a privacy officer, an auditor and an
# operator. Identity is carried in subjectAltName URIs (docs/pki.md):
#   samenloop://org/<org-id>  samenloop://role/<role>  samenloop://kind/<kind>
#
# Usage: deploy/dev-pki.sh [--force] [--only NAME[,NAME...]] [--expired NAME]
#                          [--identity NAME:ROLE:KIND:DISPLAY] [--no-identity NAME]
#                          [--revoke NAME] [--crl-days N] [--crl-seconds N] OUTDIR
#   --force          regenerate the CA and every selected identity; other
#                    identity directories in OUTDIR (now orphaned) are removed
#   --only A,B       make only these standard identities (repeatable)
#   --expired NAME   also make client identity NAME (role org) whose
#                    certificate has already expired, for tests (repeatable)
#   --identity NAME:ROLE:KIND:DISPLAY
#                    also make a client identity of your own (repeatable);
#                    ROLE is org, privacy_officer, auditor or operator
#   --no-identity NAME  also make a client certificate from this CA that
#                    carries no samenloop:// URIs, for tests (repeatable)
#   --revoke NAME    revoke NAME's certificate and publish a new CRL (repeatable)
#   --crl-days N     the CRL published in this run is valid for N days (default 7)
#   --crl-seconds N  ... for N seconds instead, for tests of an expiring CRL
# Idempotent: an existing OUTDIR/ca/ca.pem is reused and identities that are
# present, valid and not revoked under it are kept. Writes
# OUTDIR/ca/{ca.pem,ca.key,index.txt,crl.pem}, OUTDIR/NAME/{cert.pem,key.pem,
# ca.pem} and the CRL directory OUTDIR/crl/<hash>.r0, .r1, ... that the
# servers' crl_dir reads. For development and tests only.
set -euo pipefail
umask 077

usage() { sed -n '2,28p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
die() { echo "dev-pki: $*" >&2; exit 1; }

force=0 only="" out="" expired=() custom=() anonymous=() revoke=() crl_days="" crl_seconds=""
need_arg() { if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs an argument"; fi; }
while [ $# -gt 0 ]; do
  case "$1" in
    --force) force=1 ;;
    --only) need_arg "$@"; only+=",$2"; shift ;;
    --only=*) only+=",${1#*=}" ;;
    --expired) need_arg "$@"; expired+=("$2"); shift ;;
    --expired=*) expired+=("${1#*=}") ;;
    --identity) need_arg "$@"; custom+=("$2"); shift ;;
    --identity=*) custom+=("${1#*=}") ;;
    --no-identity) need_arg "$@"; anonymous+=("$2"); shift ;;
    --no-identity=*) anonymous+=("${1#*=}") ;;
    --revoke) need_arg "$@"; revoke+=("$2"); shift ;;
    --revoke=*) revoke+=("${1#*=}") ;;
    --crl-days) need_arg "$@"; crl_days=$2; shift ;;
    --crl-days=*) crl_days=${1#*=} ;;
    --crl-seconds) need_arg "$@"; crl_seconds=$2; shift ;;
    --crl-seconds=*) crl_seconds=${1#*=} ;;
    -h|--help) usage ;;
    --) shift; break ;;
    -*) echo "dev-pki: unknown option $1" >&2; usage ;;
    *) [ -z "$out" ] || { echo "dev-pki: more than one OUTDIR" >&2; usage; }; out=$1 ;;
  esac
  shift
done
if [ $# -gt 0 ]; then
  if [ -n "$out" ] || [ $# -ne 1 ]; then usage; fi
  out=$1
fi
[ -n "$out" ] || usage
[ -z "$crl_days" ] || [[ $crl_days =~ ^[1-9][0-9]{0,3}$ ]] || die "--crl-days wants 1-9999, not '$crl_days'"
[ -z "$crl_seconds" ] || [[ $crl_seconds =~ ^[1-9][0-9]{0,6}$ ]] || die "--crl-seconds wants a positive number, not '$crl_seconds'"
[ -z "$crl_days" ] || [ -z "$crl_seconds" ] || die "--crl-days and --crl-seconds exclude each other"
command -v openssl >/dev/null || die "openssl not found"

CA_SUBJECT="/O=Samenloop dev deployment/CN=Samenloop dev CA"
SERVERS=(broker pseudonymiser)
# name|role|kind|display name (the name is the org id)
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
  "zvh-zaanstreek|org|regional_safety_team|Zorg- en Veiligheidshuis Zaanstreek-Waterland"
  "privacy-officer|privacy_officer|authority|Functionaris Gegevensbescherming regio Amsterdam"
  "auditor|auditor|authority|Auditor regio Amsterdam"
  "operator|operator|authority|Beheer Samenloop"
)

# --- validation of the requested identities -------------------------------
valid_name() { [[ $1 =~ ^[a-z][a-z0-9-]{0,63}$ ]]; }  # the broker's org-id rule
known=" ca ${SERVERS[*]} "
for entry in "${IDENTITIES[@]}"; do known+="${entry%%|*} "; done
standard=$known
claim() {  # NAME: refuse a name that is invalid or already taken
  valid_name "$1" || die "'$1' is not a valid name (1-64 of [a-z0-9-], starting with a letter)"
  case "$known" in *" $1 "*) die "'$1' is already an identity name; pick another" ;; esac
  known+="$1 "
}
extra=()  # name|role|kind|display|expired(0/1); role "-" carries no identity
for spec in "${custom[@]}"; do
  IFS=: read -r name role kind display <<<"$spec"
  [ -n "${display:-}" ] || die "--identity wants NAME:ROLE:KIND:DISPLAY, got '$spec'"
  claim "$name"
  [[ $role =~ ^(org|privacy_officer|auditor|operator)$ ]] \
    || die "--identity $name: role must be org, privacy_officer, auditor or operator, not '$role'"
  [[ $kind =~ ^[a-z0-9_]{1,64}$ ]] || die "--identity $name: kind must be 1-64 of [a-z0-9_], not '$kind'"
  [ "${#display}" -le 64 ] || die "--identity $name: display name longer than 64 characters"
  [[ $display != *[[:cntrl:]]* ]] || die "--identity $name: control character in display name"
  extra+=("$name|$role|$kind|$display|0")
done
for name in "${expired[@]}"; do
  claim "$name"
  extra+=("$name|org|test|Expired test identity|1")
done
for name in "${anonymous[@]}"; do
  claim "$name"
  extra+=("$name|-|-|Certificate without identity|0")
done
for name in "${revoke[@]}"; do
  valid_name "$name" && [ "$name" != ca ] || die "--revoke: '$name' is not an identity name"
done
revoking() { case " ${revoke[*]} " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }
if [ -n "$only" ]; then
  IFS=, read -r -a only_list <<<"${only#,}"
  for name in "${only_list[@]}"; do
    [ -n "$name" ] || continue
    case "$standard" in *" $name "*) [ "$name" != ca ] && continue ;; esac
    std=${standard# ca }
    die "--only: unknown identity '$name' (standard ones: ${std% })"
  done
fi
wanted() {  # is the standard identity NAME selected by --only (or is there no --only)?
  [ -z "$only" ] && return 0
  case "$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac
}

# --- set-up ----------------------------------------------------------------
mkdir -p "$out"
if command -v flock >/dev/null; then
  exec 9>"$out/.dev-pki.lock"
  flock 9
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# A self-contained OpenSSL configuration: nothing from /etc/ssl or the
# caller's OPENSSL_CONF changes what is issued, and nothing prompts.
export OPENSSL_CONF=$tmp/openssl.cnf
cat >"$OPENSSL_CONF" <<'CNF'
[req]
distinguished_name = dn
string_mask = utf8only
utf8 = yes
[dn]
[v3_ca]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF

# run CMD...: runs an openssl command quietly; on failure shows its output.
run() {
  if ! "$@" >"$tmp/log" 2>&1; then
    echo "dev-pki: failed: $*" >&2
    cat "$tmp/log" >&2
    exit 1
  fi
}
subj_escape() { local s=${1//\\/\\\\}; s=${s//\//\\/}; printf '%s' "${s//+/\\+}"; }
new_key() { run openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -pkeyopt ec_param_enc:named_curve -out "$1"; }
serial() { echo "0x$(openssl rand -hex 16)"; }
pubkey_of_key() { openssl pkey -in "$1" -pubout 2>/dev/null; }
pubkey_of_cert() { openssl x509 -in "$1" -noout -pubkey 2>/dev/null; }

ca_dir=$out/ca ca_cert=$out/ca/ca.pem ca_key=$out/ca/ca.key crl_dir=$out/crl
if [ "$force" = 1 ]; then
  # Everything issued under the old CA goes: the CA and every directory that
  # holds an identity (cert.pem and key.pem) made by this script.
  rm -rf "$ca_dir" "$crl_dir"
  for dir in "$out"/*/; do
    if [ -f "$dir/cert.pem" ] && [ -f "$dir/key.pem" ]; then rm -rf "$dir"; fi
  done
fi

ca_status=kept
if [ ! -f "$ca_cert" ]; then
  mkdir -p "$ca_dir"
  new_key "$tmp/ca.key"
  run openssl req -x509 -new -utf8 -key "$tmp/ca.key" -sha256 -days 3650 -set_serial "$(serial)" \
    -subj "$CA_SUBJECT" -extensions v3_ca -out "$tmp/ca.pem"
  mv "$tmp/ca.key" "$ca_key"
  chmod 644 "$tmp/ca.pem"
  mv "$tmp/ca.pem" "$ca_cert"
  ca_status=created
fi
openssl x509 -in "$ca_cert" -noout -checkend 86400 >/dev/null 2>&1 \
  || die "$ca_cert expires within a day or is unreadable; use --force to make a new PKI"
ca_key_ok() {
  [ -f "$ca_key" ] || die "$ca_key is missing, so no identity can be issued; use --force to make a new PKI"
  [ "$(pubkey_of_key "$ca_key")" = "$(pubkey_of_cert "$ca_cert")" ] \
    || die "$ca_key does not belong to $ca_cert; use --force to make a new PKI"
}

# --- issuing ---------------------------------------------------------------
write_ext() {  # FILE KIND(server|client) SAN
  local eku=clientAuth
  [ "$2" = server ] && eku=serverAuth,clientAuth
  cat >"$1" <<EXT
[ext]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature
extendedKeyUsage = $eku
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = $3
EXT
}
uris_in_cert() { openssl x509 -in "$1" -noout -ext subjectAltName 2>/dev/null | grep -o 'URI:[^,[:space:]]*' | sort; }
uris_in_san() { tr ',' '\n' <<<"$1" | grep '^URI:' | sort; }
subject_of_cert() { openssl x509 -in "$1" -noout -subject -nameopt RFC2253 2>/dev/null; }
subject_for() {  # KEY SUBJ: the subject a certificate for SUBJ would carry
  openssl req -new -utf8 -key "$1" -subj "$2" -noout -subject -nameopt RFC2253 2>/dev/null
}
# Verifies CERT against the CA for its purposes; an expired one (PAST=1)
# must verify apart from the time, and must really have expired.
verify() {  # CERT KIND PAST
  local purposes=(sslclient) time=()
  [ "$2" = server ] && purposes=(sslserver sslclient)
  [ "$3" = 1 ] && time=(-no_check_time)
  for purpose in "${purposes[@]}"; do
    openssl verify -x509_strict -purpose "$purpose" "${time[@]}" -CAfile "$ca_cert" "$1" >/dev/null 2>&1 || return 1
  done
  if [ "$3" = 1 ]; then
    ! openssl x509 -in "$1" -noout -checkend 0 >/dev/null 2>&1 || return 1
  else
    openssl x509 -in "$1" -noout -checkend $((30 * 86400)) >/dev/null 2>&1 || return 1  # renew a month early
  fi
}

# --- revocation ------------------------------------------------------------
# The CA's database of revoked certificates is OUTDIR/ca/index.txt, the one
# `openssl ca` keeps; certificates are issued without it, so it lists only
# revocations.
ca_db=$ca_dir/index.txt
serial_of() { openssl x509 -in "$1" -noout -serial 2>/dev/null | sed 's/^serial=0*//'; }
revoked() {  # CERT: is CERT's serial revoked in the CA's database?
  local serial
  serial=$(serial_of "$1")
  [ -n "$serial" ] && [ -f "$ca_db" ] || return 1
  awk -F'\t' -v s="$serial" '$1 == "R" { sub(/^0+/, "", $4); if ($4 == s) found = 1 } END { exit !found }' "$ca_db"
}
write_ca_cnf() {
  : >>"$ca_db"
  [ -f "$ca_dir/crlnumber" ] || echo 01 >"$ca_dir/crlnumber"
  cat >"$tmp/ca-db.cnf" <<CNF
[ca]
default_ca = dev
[dev]
database = $ca_db
crlnumber = $ca_dir/crlnumber
certificate = $ca_cert
private_key = $ca_key
default_md = sha256
unique_subject = no
crl_extensions = crl_ext
[crl_ext]
authorityKeyIdentifier = keyid:always
CNF
}
# The CRL directory holds the CA's CRLs under the names OpenSSL's hashed
# directory lookup expects: <subject hash of the CA>.r0, .r1, ... Servers
# look for CRLs in every handshake, but OpenSSL never reads a suffix again
# once it has loaded it (X509_LOOKUP_hash_dir(3)), so each new CRL goes to
# the next free suffix and the newest valid one wins; a file is never
# replaced. Old ones are harmless; prune only while the servers are stopped
# (docs/pki.md, Revocation).
crl_hash() { openssl x509 -in "$ca_cert" -noout -hash; }
crl_latest() {  # the newest published CRL file, or nothing
  local hash n=0
  hash=$(crl_hash)
  while [ -f "$crl_dir/$hash.r$n" ]; do n=$((n + 1)); done
  [ "$n" -gt 0 ] && echo "$crl_dir/$hash.r$((n - 1))"
  return 0
}
crl_next() {  # the name the next CRL is published under
  local hash n=0
  hash=$(crl_hash)
  while [ -e "$crl_dir/$hash.r$n" ]; do n=$((n + 1)); done
  echo "$crl_dir/$hash.r$n"
}
crl_time() {  # FILE FIELD(lastupdate|nextupdate): Unix seconds
  date -u -d "$(openssl crl -in "$1" -noout -"$2" 2>/dev/null | sed 's/^[a-zA-Z]*=//')" +%s
}
crl_current() {  # is the newest CRL from this CA and valid for another day?
  local file
  file=$(crl_latest)
  [ -n "$file" ] || return 1
  openssl crl -in "$file" -noout -CAfile "$ca_cert" >/dev/null 2>&1 || return 1
  [ "$(crl_time "$file" nextupdate)" -gt $(($(date +%s) + 86400)) ]
}
publish_crl() {
  ca_key_ok
  write_ca_cnf
  local validity=(-crldays "${crl_days:-7}")
  [ -n "$crl_seconds" ] && validity=(-crlsec "$crl_seconds")
  # OpenSSL prefers the CRL with the later lastUpdate, counted in seconds.
  local latest
  latest=$(crl_latest)
  if [ -n "$latest" ] && [ "$(crl_time "$latest" lastupdate)" -ge "$(date +%s)" ]; then sleep 1; fi
  run openssl ca -batch -config "$tmp/ca-db.cnf" -gencrl "${validity[@]}" -out "$tmp/crl.pem"
  run openssl crl -in "$tmp/crl.pem" -noout -CAfile "$ca_cert"
  mkdir -p "$crl_dir"
  chmod 755 "$crl_dir"
  chmod 644 "$tmp/crl.pem"
  cp "$tmp/crl.pem" "$ca_dir/crl.pem"
  chmod 644 "$ca_dir/crl.pem"
  # Complete before it appears under its name (rename in one directory).
  local file
  file=$(crl_next)
  cp "$tmp/crl.pem" "$crl_dir/.new-crl"
  chmod 644 "$crl_dir/.new-crl"
  mv "$crl_dir/.new-crl" "$file"
}

# Is the identity in DIR complete, issued by this CA, and as requested? A
# revoked certificate is not, unless this run revokes it anyway.
current() {  # DIR SUBJ KIND SAN PAST
  local dir=$1
  [ -f "$dir/cert.pem" ] && [ -f "$dir/key.pem" ] || return 1
  verify "$dir/cert.pem" "$3" "$5" || return 1
  if revoked "$dir/cert.pem" && ! revoking "$(basename "$dir")"; then return 1; fi
  [ "$(pubkey_of_key "$dir/key.pem")" = "$(pubkey_of_cert "$dir/cert.pem")" ] || return 1
  [ "$(uris_in_cert "$dir/cert.pem")" = "$(uris_in_san "$4")" ] || return 1
  [ "$(subject_of_cert "$dir/cert.pem")" = "$(subject_for "$dir/key.pem" "$2")" ] || return 1
}

status=""
issue() {  # NAME SUBJ KIND SAN PAST
  local name=$1 subj=$2 kind=$3 san=$4 past=$5
  local dir=$out/$name work=$tmp/$name
  if current "$dir" "$subj" "$kind" "$san" "$past"; then
    cmp -s "$ca_cert" "$dir/ca.pem" || { cp "$ca_cert" "$dir/ca.pem"; chmod 644 "$dir/ca.pem"; }
    chmod 600 "$dir/key.pem"
    status=kept
    return 0
  fi
  if [ -e "$dir/cert.pem" ]; then status=renewed; else status=created; fi
  ca_key_ok
  mkdir -p "$work"
  new_key "$work/key.pem"
  run openssl req -new -utf8 -key "$work/key.pem" -subj "$subj" -out "$work/csr.pem"
  write_ext "$work/ext.cnf" "$kind" "$san"
  if [ "$past" = 1 ]; then
    # Already expired: valid from 30 days ago until yesterday. OpenSSL 3.0's
    # `x509 -req` cannot set past dates, `ca` can.
    mkdir -p "$work/db"
    : >"$work/db/index.txt"
    openssl rand -hex 16 >"$work/db/serial"
    cat >"$work/ca.cnf" <<CNF
[ca]
default_ca = dev
[dev]
database = $work/db/index.txt
new_certs_dir = $work/db
serial = $work/db/serial
default_md = sha256
policy = any
unique_subject = no
preserve = yes
copy_extensions = none
[any]
organizationName = supplied
commonName = supplied
CNF
    run openssl ca -batch -notext -config "$work/ca.cnf" -cert "$ca_cert" -keyfile "$ca_key" \
      -in "$work/csr.pem" -out "$work/cert.pem" -extfile "$work/ext.cnf" -extensions ext \
      -startdate "$(date -u -d '-30 days' +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)"
  else
    run openssl x509 -req -in "$work/csr.pem" -CA "$ca_cert" -CAkey "$ca_key" -set_serial "$(serial)" \
      -sha256 -days 825 -extfile "$work/ext.cnf" -extensions ext -out "$work/cert.pem"
  fi
  verify "$work/cert.pem" "$kind" "$past" || {
    openssl verify -x509_strict -CAfile "$ca_cert" "$work/cert.pem" 2>&1 | grep -v '^OK' >&2 || true
    die "$name: the new certificate does not verify against $ca_cert"
  }
  mkdir -p "$dir"
  chmod 600 "$work/key.pem"
  chmod 644 "$work/cert.pem"
  cp "$ca_cert" "$work/ca.pem"
  chmod 644 "$work/ca.pem"
  # cert.pem last: its presence marks a complete identity.
  rm -f "$dir/cert.pem"
  mv "$work/key.pem" "$dir/key.pem"
  mv "$work/ca.pem" "$dir/ca.pem"
  mv "$work/cert.pem" "$dir/cert.pem"
}

client_san() {  # NAME ROLE KIND; role "-": a name only, no Samenloop identity
  if [ "$2" = - ]; then echo "DNS:$1.invalid"; return; fi
  echo "URI:samenloop://org/$1,URI:samenloop://role/$2,URI:samenloop://kind/$3"
}

summary=()
for server in "${SERVERS[@]}"; do
  wanted "$server" || continue
  issue "$server" "/O=$(subj_escape 'Samenloop dev deployment')/CN=$server" server \
    "DNS:localhost,DNS:$server,IP:127.0.0.1,IP:::1,URI:samenloop://service/$server" 0
  summary+=("$server|server|-|$status|$out/$server")
done
for entry in "${IDENTITIES[@]}"; do
  IFS='|' read -r name role kind display <<<"$entry"
  wanted "$name" || continue
  issue "$name" "/O=$(subj_escape "$display")/CN=$name" client "$(client_san "$name" "$role" "$kind")" 0
  summary+=("$name|$role|$kind|$status|$out/$name")
done
for entry in "${extra[@]}"; do
  IFS='|' read -r name role kind display past <<<"$entry"
  issue "$name" "/O=$(subj_escape "$display")/CN=$name" client "$(client_san "$name" "$role" "$kind")" "$past"
  [ "$past" = 1 ] && status="$status, expired"
  summary+=("$name|$role|$kind|$status|$out/$name")
done

# Revocations, then the CRL: published when missing, not from this CA, valid
# for less than a day more, after a revocation, or when a validity is asked.
crl_status=kept
for name in "${revoke[@]}"; do
  [ -f "$out/$name/cert.pem" ] || die "--revoke $name: there is no $out/$name/cert.pem"
  openssl verify -no_check_time -CAfile "$ca_cert" "$out/$name/cert.pem" >/dev/null 2>&1 \
    || die "--revoke $name: its certificate is not from $ca_cert"
  revoked "$out/$name/cert.pem" && continue
  ca_key_ok
  write_ca_cnf
  run openssl ca -batch -config "$tmp/ca-db.cnf" -revoke "$out/$name/cert.pem"
  crl_status=renewed
done
if [ "$crl_status" = renewed ] || [ -n "$crl_days$crl_seconds" ] || ! crl_current; then
  [ -n "$(crl_latest)" ] || crl_status=created
  [ "$crl_status" = kept ] && crl_status=renewed
  publish_crl
fi
chmod 644 "$(crl_latest)"
for i in "${!summary[@]}"; do
  IFS='|' read -r name _ <<<"${summary[$i]}"
  if revoking "$name"; then summary[$i]=$(sed 's/^\([^|]*|[^|]*|[^|]*|[^|]*\)/\1, revoked/' <<<"${summary[$i]}"); fi
done

printf 'CA %s (%s)\n' "$ca_cert" "$ca_status"
printf 'CRL %s (%s, next update %s)\n' "$(crl_latest)" "$crl_status" \
  "$(openssl crl -in "$(crl_latest)" -noout -nextupdate | sed 's/^nextUpdate=//')"
printf '%-24s %-16s %-21s %-17s %s\n' NAME ROLE KIND STATUS PATH
for row in "${summary[@]}"; do
  IFS='|' read -r name role kind st dir <<<"$row"
  printf '%-24s %-16s %-21s %-17s %s\n' "$name" "$role" "$kind" "$st" "$dir"
done
