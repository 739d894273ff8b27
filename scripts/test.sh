#!/usr/bin/env bash
# Runs every SupportKit test on a fresh machine: installs the system packages
# the tests need, builds everything (library targets and the example desks),
# then runs the test suites.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build
swift test
# The Prometheus example is its own package (a host of SupportKit never resolves
# swift-prometheus): build it and check that a live desk's counters reach the exposition.
swift build --package-path Examples/PrometheusDesk
scratch="$(mktemp -d)"
Examples/PrometheusDesk/.build/debug/prometheus-desk --store "$scratch/p.sqlite" --desk-address support@shop.example \
  --once Examples/data/shop.mbox > "$scratch/metrics.txt"
grep -q '^supportkit_messages_in_total{channel="email"} 10$' "$scratch/metrics.txt"
grep -q '^supportkit_messages_held_total 1$' "$scratch/metrics.txt"
rm -rf "$scratch"
echo "prometheus example: live metrics exposed"
