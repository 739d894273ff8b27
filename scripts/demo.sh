#!/usr/bin/env bash
# The example desks, one story a shop owner knows: Anna, a Swedish customer,
# writes about returning a jacket, then chats, then calls — one conversation.
# The agent sees her profile and the whole timeline, sends a formal Swedish
# reply (an RFC 5322 mail in a Maildir outbox), works the SLA queue, refunds
# one order at once and sends a larger refund for approval. Then a B2B account:
# its buyer and its finance stakeholder each see what their roles allow.
# Everything lives in one SQLite store per desk (the embedded default backend;
# `--store postgresql://…` runs the same commands on PostgreSQL).
# The desks are the Examples package's (Examples/Package.swift).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
log="$(mktemp)"
echo "building the example desks (quiet; the log is $log) …"
if ! swift build --package-path Examples --product shop-desk >"$log" 2>&1 \
  || ! swift build --package-path Examples --product account-desk >>"$log" 2>&1; then
  tail -40 "$log"
  exit 1
fi
shop=Examples/.build/debug/shop-desk
b2b=Examples/.build/debug/account-desk
work="$(mktemp -d)"
store="$work/shop-desk.sqlite"
outbox="$work/outbox"
data=Examples/data
now=2026-11-18T10:30:00+01:00
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "1. The shop's customers, orders and returns, and its knowledge base"
$shop customers import "$data/customers.json" --store "$store" --region SE \
  --policy Examples/policies/shop.yaml --agents "$data/agents.json" --catalog "$data/catalog.json"
$shop articles import "$data/knowledge-base.json" --store "$store"

say "2. Anna's mail (Examples/data/shop.mbox holds the week's mail of six customers)"
$shop ingest "$data/shop.mbox" --store "$store" --desk-address support@shop.example --first-ticket 1001 --history

say "3. Then her chat and her phone call (Examples/data/events.jsonl): one conversation, #1001"
$shop import "$data/events.jsonl" --store "$store" --region SE --explain

say "4. The agent's view of #1001: profile, orders, the timeline across channels, SLA, suggestions"
$shop show 1001 --store "$store" --format text --now "$now"

say "5. A formal Swedish reply from the catalog (refunds.issued), written to the outbox"
mail="$($shop reply 1001 --channel email --template refunds.issued --set order=O-5512 --set 'amount=899.00 SEK' \
  --set days=3 --agent agent-7 --store "$store" --outbox "$outbox" --now "$now")"
echo "$mail"
cat "$mail"

say "6. The SLA queue (Stockholm business hours, holidays, pauses while pending the customer)"
$shop assign 1002 --store "$store" --now "$now"
$shop queue --store "$store" --format text --now "$now"

say "7. Refunds within limits: 39.90 SEK is granted at once; 899 SEK waits for a team lead"
$shop refund 1001 --order O-5601 --amount 39.90 --currency SEK --agent agent-7 --store "$store" --now "$now"
$shop refund 1001 --order O-5512 --amount 899.00 --currency SEK --agent agent-7 --reason "jacket returned unopened" \
  --store "$store" --now "$now"
echo "-- agent-7 tries to approve their own request:"
$shop approve R1001-2 --by agent-7 --store "$store" --now "$now" || true
$shop approve R1001-2 --by lead-1 --note "return received at the warehouse" --store "$store" --now 2026-11-18T11:05:00+01:00
$shop events --store "$store" | tail -5

say "8. The KPIs: first response, resolution, repeat contacts, top complaints, busiest hours, SLA, NPS, CSAT"
$shop status 1001 solved --store "$store" --now 2026-11-18T11:10:00+01:00 >/dev/null
$shop surveys import "$data/surveys.jsonl" --store "$store"
$shop report --store "$store" --from 2026-11-16 --to 2026-11-20 --zone Europe/Stockholm --format text --svg "$work/charts"
echo "(charts: $work/charts/*.svg)"

say "9. B2B: ACME's buyer and its finance stakeholder (sharing: participants, plus the finance and executive roles)"
b2bstore="$work/account-desk.sqlite"
$b2b ingest "$data/b2b.mbox" --accounts "$data/accounts.json" --store "$b2bstore" --desk-address b2b@shop.example --first-ticket 2001 --history
echo "-- what Karin (buyer) sees:";   $b2b threads --as s-karin --store "$b2bstore"
echo "-- what Per (finance) sees:";   $b2b threads --as s-per --store "$b2bstore"
echo "-- Karin opens #2003 (an invoice question she is not in):"
$b2b show 2003 --as s-karin --store "$b2bstore" || true
echo "-- Per opens it:"
$b2b show 2003 --as s-per --store "$b2bstore" --format text

say "The stores are in $work (reopen them with any command: everything above is in the store)"
