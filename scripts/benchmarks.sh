#!/usr/bin/env bash
# Runs SupportKit's benchmarks in their short (CI) mode against the committed
# thresholds in Benchmarks/Thresholds/, or records new thresholds.
#
#   scripts/benchmarks.sh check    # what CI runs: fails on a hot-path regression
#   scripts/benchmarks.sh update   # after a deliberate change: record new thresholds
#
# Only the CI-sized benchmarks (listed in $filter) and only throughput
# are gated: wall-clock time is too noisy on a shared 2-core machine, and each
# benchmark's own `thresholds:` set a generous tolerance. Full-size runs and
# figures are in docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/../Benchmarks"
mode="${1:-check}"
filter='identity_resolution_100k.*|threading_100k|mail_parsing_10k|sla_evaluation_100k|language_id_short_texts|analyzer_tokens_sv_1mb|search_10k_build|search_100k_queries_.*'
case "$mode" in
  check)
    set +e
    swift package --disable-sandbox benchmark thresholds check --filter "$filter" --metric throughput --no-progress
    status=$?
    set -e
    # 0: within thresholds; 4: only improvements (a quieter machine than the one that recorded them).
    if [ "$status" -eq 0 ] || [ "$status" -eq 4 ]; then
      echo "benchmarks: within thresholds"
      exit 0
    fi
    echo "benchmarks: regression against Benchmarks/Thresholds (exit $status)" >&2
    exit "$status"
    ;;
  update)
    swift package --disable-sandbox --allow-writing-to-package-directory benchmark thresholds update \
      --filter "$filter" --metric throughput --no-progress
    ;;
  *)
    echo "usage: $0 check|update" >&2
    exit 64
    ;;
esac
