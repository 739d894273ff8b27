#!/usr/bin/env bash
# SupportKit's KPI fold and report beside DuckDB on the same events, in one run:
#   scripts/kpi_peers.sh 10000000
# Needs a Python with duckdb (PyPI): KPI_PYTHON=/path/to/venv/bin/python (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000000}"
csv="${TMPDIR:-/tmp}/kpi-$n.csv"
(cd Benchmarks && swift build -c release --product export-kpi-workload >/dev/null && .build/release/export-kpi-workload "$n" "$csv")
"${KPI_PYTHON:-python3}" scripts/kpi_peers.py "$csv"
