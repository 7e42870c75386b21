#!/usr/bin/env bash
# Replays seed scenario 1, "Mr M." (ARCHITECTURE.md §10), against a running
# dev stack, from each organisation's own certificate, and prints what each
# organisation was told.
#
# Veilig Thuis and a care agency held domestic-violence signals on M
# (aggression towards his father, mother and two brothers); the family
# withdrew and both closed their cases. Later the police, GGZ, the probation
# service and the local team each see M for housing nuisance.
#
# All BSNs below are fictitious test numbers that pass the 11-check. They
# never leave the samenloop CLI: it pseudonymises them with the
# pseudonymiser before anything reaches the broker.
#
# Environment: SAMENLOOP (the CLI binary), PKI (dev PKI directory),
# SAMENLOOP_BROKER and SAMENLOOP_PSEUDONYMISER (host:port); DEMO_POLICY, a
# policy file the privacy officer applies first (quickstart.sh passes the
# example region policy; without it the broker's built-in development
# policy decides, and every organisation is shown "-" for the category).
set -euo pipefail

: "${SAMENLOOP:?path to the samenloop CLI}"
: "${PKI:?dev PKI directory}"

M=100000009 FATHER=200000007 MOTHER=300000005 BROTHER1=400000003 BROTHER2=500000001
FAMILY=(--related "$FATHER:parent:victim" --related "$MOTHER:parent:victim"
        --related "$BROTHER1:sibling:victim" --related "$BROTHER2:sibling:victim")

as() { local who=$1; shift; "$SAMENLOOP" --identity "$PKI/$who" "$@"; }
signal_id() { sed -n 's/^.*\(sig_[a-z2-7]*\).*$/\1/p'; }

if [ -n "${DEMO_POLICY:-}" ]; then
  echo "== The privacy officer applies the region's policy: $DEMO_POLICY"
  as privacy-officer policy apply "$DEMO_POLICY"
fi

echo "== Years ago: Veilig Thuis and a care agency, domestic violence in the family"
vt=$(as veilig-thuis-amsterdam submit --bsn "$M" --age-band 23_plus --category domestic_violence \
      --nature fact --severity high --subject-role alleged_perpetrator "${FAMILY[@]}" \
      --contact-name "Veilig Thuis, team Oost" --contact-phone 0800-2000 --local-ref VT-2019-0412)
echo "veilig-thuis-amsterdam: $vt"
care=$(as zorg-de-brug submit --bsn "$M" --age-band 23_plus --category domestic_violence \
        --nature suspicion --severity elevated --subject-role alleged_perpetrator "${FAMILY[@]}" \
        --contact-name "De Brug, ambulant team" --contact-phone 020-5551234 --local-ref DB-88121)
echo "zorg-de-brug: $care"
echo "== The family withdraws; both cases are closed"
as veilig-thuis-amsterdam close --signal-id "$(echo "$vt" | signal_id)" >/dev/null
as zorg-de-brug close --signal-id "$(echo "$care" | signal_id)" >/dev/null
echo "closed $(echo "$vt" | signal_id) and $(echo "$care" | signal_id)"

echo "== Later: four organisations each see M for housing nuisance"
echo "politie-amsterdam: $(as politie-amsterdam submit --bsn "$M" --age-band 23_plus \
  --category housing_nuisance --nature fact --severity elevated \
  --contact-name "Wijkagent Slotervaart" --contact-phone 0900-8844 --local-ref PL-2026-5531)"
echo "ggz-inforsa: $(as ggz-inforsa submit --bsn "$M" --age-band 23_plus \
  --category psychiatric_concern --nature concern --severity elevated \
  --contact-name "GGZ FACT-team West" --contact-phone 020-5557788 --local-ref GGZ-77310)"
echo "reclassering-nl: $(as reclassering-nl submit --bsn "$M" --age-band 23_plus \
  --category criminal_justice --nature fact --severity elevated --legal-framework criminal \
  --contact-name "Reclassering, unit Amsterdam" --contact-phone 088-8041000 --local-ref RN-2026-120)"
wt=$(as wijkteam-west submit --bsn "$M" --age-band 23_plus \
  --category housing_nuisance --nature concern --severity low \
  --contact-name "Buurtteam West" --contact-phone 020-5559900 --local-ref BT-4410)
echo "wijkteam-west: $wt"

echo
echo "== What the regional safety team (zvh-amsterdam) was told by the coordination rules"
as zvh-amsterdam watch --once

for org in politie-amsterdam ggz-inforsa reclassering-nl wijkteam-west; do
  echo
  echo "== What $org was told"
  table=$(as "$org" watch --once)
  echo "$table"
  others=$(echo "$table" | awk 'NR > 1 && $3 != "" {print $3}' | sort -u | paste -sd, - | sed 's/,/, /g')
  echo "-> $org was matched with: $others"
done

echo
echo "== Who picks up the ball: the local team takes the lead (regievoerder)"
as wijkteam-west lead take "$(echo "$wt" | signal_id)"
echo "== ... and later hands it over to GGZ (warme overdracht)"
as wijkteam-west lead handover "$(echo "$wt" | signal_id)" --to ggz-inforsa
echo
echo "== What the police were told about the lead"
as politie-amsterdam watch --once | grep -E "LEAD" || true
