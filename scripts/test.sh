#!/usr/bin/env bash
# Runs every SupportKit test on a fresh machine: installs the system packages
# the tests need, builds everything (library targets and the example desks),
# then runs the test suites — the PostgreSQL backend's too, on a throwaway cluster
# (scripts/postgres-tests.sh installs Debian's postgresql-15 when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build
swift test
scripts/postgres-tests.sh
