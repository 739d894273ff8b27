#!/usr/bin/env bash
# Runs the example B2C shop desk on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift run shop-desk demo "$@"
