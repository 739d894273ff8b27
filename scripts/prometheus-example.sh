#!/usr/bin/env bash
# Builds the Prometheus example (its own package: a host of SupportKit never resolves
# swift-prometheus) and checks that a live desk's counters reach its exposition.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build --package-path Examples/PrometheusDesk
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
Examples/PrometheusDesk/.build/debug/prometheus-desk --store "$scratch/p.sqlite" --desk-address support@shop.example \
  --once Examples/data/shop.mbox > "$scratch/metrics.txt"
grep -q '^supportkit_messages_in_total{channel="email"} 10$' "$scratch/metrics.txt"
grep -q '^supportkit_messages_held_total 1$' "$scratch/metrics.txt"
echo "prometheus example: live metrics exposed"
