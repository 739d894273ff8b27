#!/usr/bin/env bash
# Runs the example B2C shop desk on a fresh machine: installs the system
# packages, then threads the example mailbox (Examples/data/shop.mbox: Swedish,
# Finnish, German, Italian, Danish and English customers, a desk reply, a
# client that dropped its reply headers, a stranger who copied a ticket tag)
# and prints, per message, its thread, its customer and why it landed there;
# then ingests it into the embedded SQLite store (the default backend) and
# searches it in the customers' languages.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --product shop-desk
swift build --product account-desk
desk=.build/debug/shop-desk
$desk demo
echo
echo "== shop-desk thread Examples/data/shop.mbox --explain"
$desk thread Examples/data/shop.mbox --desk-address support@shop.example --first-ticket 1001 --explain "$@"
store="$(mktemp -d)/shop-desk.sqlite"
echo
echo "== shop-desk ingest Examples/data/shop.mbox --store $store (twice: the second run stores nothing new)"
$desk ingest Examples/data/shop.mbox --store "$store" --desk-address support@shop.example --first-ticket 1001
$desk ingest Examples/data/shop.mbox --store "$store" --desk-address support@shop.example --first-ticket 1001
for query in 'returnera' 'palautus' '"order status"' 'paket*'; do
  echo
  echo "== shop-desk search '$query' --format text"
  $desk search "$query" --store "$store" --format text
done
echo
echo "== shop-desk articles import Examples/data/knowledge-base.json; suggest for Anna's and Sam's mails"
$desk articles import Examples/data/knowledge-base.json --store "$store"
for message in sv-1@mail.example.se en-1@mail.example.com; do
  echo "-- $message"
  $desk articles suggest "$message" --store "$store" --limit 2
done
echo
echo "== an agent's acts, each one transaction with its events (the store is the system of record)"
$desk ticket update 1001 --status solved --assignee agent-7 --tag returns --store "$store" --agent agent-7
$desk ticket split 1001 sv-2@mail.example.se --store "$store" --agent agent-7
$desk ticket unsplit 1008 --store "$store" --agent agent-7
$desk ticket show 1001 --store "$store"
$desk events --store "$store" | tail -4
echo
echo "== account-desk demo: the B2B desk (Examples/data/b2b.mbox, accounts and sharing in Examples/data/accounts.json)"
.build/debug/account-desk demo
b2b="$(dirname "$store")/account-desk.sqlite"
echo
echo "== account-desk ingest --store, then a stakeholder moves to another account"
.build/debug/account-desk ingest Examples/data/b2b.mbox --accounts Examples/data/accounts.json --store "$b2b" \
  --desk-address b2b@shop.example --first-ticket 2001
.build/debug/account-desk stakeholder move s-per --to acct-nordic --store "$b2b" --agent agent-7
.build/debug/account-desk thread Examples/data/b2b.mbox --accounts Examples/data/accounts.json --store "$b2b" | tail -6
