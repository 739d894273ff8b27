#!/usr/bin/env bash
# Kills a desk process with SIGKILL at random points during ingest, agents' acts and erasure,
# RUNS times (default 50; scripts/test.sh runs 6), and checks after each that every
# acknowledged change is there, the store opens, and no message is in another party's ticket.
#   scripts/crash-runs.sh [RUNS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
export SUPPORTKIT_CRASH_RUNS="${1:-50}"
export SUPPORTKIT_CRASH_SEED="${2:-12648430}"
swift test --filter "ProcessTests/killedAtRandomPointsTheStoreKeepsEveryAcknowledgedChange"
