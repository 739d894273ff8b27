#!/usr/bin/env bash
# Runs every SupportKit test on a fresh machine: installs the system packages
# the tests need, builds and tests the root package (the libraries), then the
# example desks' package (Examples/Package.swift: shop-desk and account-desk as
# processes, on SQLite files and on throwaway PostgreSQL databases), then the
# PostgreSQL backend's own suites on a throwaway cluster (scripts/postgres-tests.sh;
# Debian's postgresql-15 is installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
swift build
swift test
swift build --package-path Examples
swift test --package-path Examples
scripts/postgres-tests.sh
