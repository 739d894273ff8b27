#!/usr/bin/env bash
# Runs the example B2C shop desk on a fresh machine: installs the system
# packages, then threads the example mailbox (Examples/data/shop.mbox: Swedish,
# Finnish, German, Italian, Danish and English customers, a desk reply, a
# client that dropped its reply headers, a stranger who copied a ticket tag)
# and prints, per message, its thread, its customer and why it landed there.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build --product shop-desk
.build/debug/shop-desk demo
echo
echo "== shop-desk thread Examples/data/shop.mbox --explain"
.build/debug/shop-desk thread Examples/data/shop.mbox --desk-address support@shop.example --first-ticket 1001 --explain "$@"
