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
filter='kpi_fold_100k_events|identity_resolution_100k.*|threading_100k|mail_parsing_10k|sla_evaluation_100k|language_id_short_texts|analyzer_tokens_sv_1mb|search_10k_build|search_10k_segment_build|search_100k_queries_.*|search_100k_store_queries_.*|desk_one_mail_10k_store|hash_flooding_10k_.*'
case "$mode" in
  check)
    # One suite at a time: package-benchmark's plugin stops at the first suite that deviates,
    # improvements included, so one quiet-machine improvement would leave the others unchecked.
    # A suite passes when it is within its thresholds or only better than them (a machine
    # quieter than the one that recorded them); it fails on anything worse, or on any other error.
    failed=0
    for target in DeskIngest HashFlooding IdentityResolution KPIFold SLAEvaluation Search TextAnalysis ThreadMerging; do
      log="$(mktemp)"
      set +e
      swift package --disable-sandbox benchmark thresholds check --target "$target" --filter "$filter" \
        --metric throughput --no-progress 2>&1 | tee "$log"
      status=${PIPESTATUS[0]}
      set -e
      if [ "$status" -eq 0 ]; then
        echo "benchmarks: $target within thresholds"
      elif grep -q "benchmarkThresholdImprovement" "$log" && ! grep -q "worse than threshold\|benchmarkThresholdRegression" "$log"; then
        echo "benchmarks: $target better than thresholds (a quieter machine than the one that recorded them)"
      else
        echo "benchmarks: $target regressed against Benchmarks/Thresholds or failed (exit $status)" >&2
        failed=1
      fi
      rm -f "$log"
    done
    exit "$failed"
    ;;
  update)
    # scripts/benchmarks.sh update [TARGET]: record every suite's thresholds, or one suite's.
    target_args=()
    [ -n "${2:-}" ] && target_args=(--target "$2")
    swift package --disable-sandbox --allow-writing-to-package-directory benchmark thresholds update \
      "${target_args[@]}" --filter "$filter" --metric throughput --no-progress
    ;;
  *)
    echo "usage: $0 check|update" >&2
    exit 64
    ;;
esac
