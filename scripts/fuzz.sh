#!/usr/bin/env bash
# Coverage-guided fuzzing of SupportKit's parsers with libFuzzer (docs/reliability.md).
#
#   scripts/fuzz.sh list              # the targets
#   scripts/fuzz.sh TARGET SECONDS    # build, then fuzz one target for SECONDS
#   scripts/fuzz.sh all SECONDS       # every target, SECONDS each, one after another
#
# Builds the Fuzz/ package (release, -sanitize=fuzzer,address) into Fuzz/.build, then runs the
# target on a temporary copy of its committed seed corpus (Fuzz/Corpus/TARGET), so the new
# inputs libFuzzer keeps never touch the committed corpus. A crash, leak, timeout (-timeout,
# 10 s) or out-of-memory (-rss_limit_mb, 2048) makes the script print the reproducer's path
# and exit non-zero; reproduce with `Fuzz/.build/release/TARGET REPRODUCER`.
#
# Environment: FUZZ_JOBS_DIR keeps the working corpora and artifacts there instead of a
# temporary directory (to inspect what libFuzzer found); FUZZ_ARGS adds libFuzzer flags.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
fuzz="$root/Fuzz"
targets=(fuzz-mail fuzz-mailbox fuzz-html fuzz-messageformat fuzz-xliff2 fuzz-xliff12 fuzz-query fuzz-policy
  fuzz-customers-jsonl fuzz-events-jsonl fuzz-surveys-jsonl)

usage() { echo "usage: scripts/fuzz.sh list | TARGET SECONDS | all SECONDS" >&2; exit 64; }

[ $# -ge 1 ] || usage
if [ "$1" = list ]; then
  printf '%s\n' "${targets[@]}"
  exit 0
fi
[ $# -eq 2 ] || usage
target="$1"
seconds="$2"
[[ "$seconds" =~ ^[0-9]+$ ]] || usage
if [ "$target" = all ]; then
  selected=("${targets[@]}")
else
  printf '%s\n' "${targets[@]}" | grep -qx -- "$target" || { echo "unknown target $target (scripts/fuzz.sh list)" >&2; exit 64; }
  selected=("$target")
fi

"$root/scripts/install-deps.sh"
echo "== building the fuzz targets (release, -sanitize=fuzzer,address)" >&2
swift build -c release --package-path "$fuzz" --scratch-path "$fuzz/.build" \
  -Xswiftc -sanitize=fuzzer,address -Xswiftc -parse-as-library
bin="$(swift build -c release --package-path "$fuzz" --scratch-path "$fuzz/.build" --show-bin-path)"

work="${FUZZ_JOBS_DIR:-}"
if [ -z "$work" ]; then
  work="$(mktemp -d)"
  trap 'rm -rf "$work"' EXIT
fi
failed=()
for name in "${selected[@]}"; do
  corpus="$work/$name/corpus"
  artifacts="$work/$name/artifacts"
  mkdir -p "$corpus" "$artifacts"
  cp -R "$fuzz/Corpus/$name/." "$corpus/"
  dict=()
  [ -f "$fuzz/Dictionaries/$name.dict" ] && dict=("-dict=$fuzz/Dictionaries/$name.dict")
  echo "== $name for ${seconds}s" >&2
  set +e
  # shellcheck disable=SC2086 # FUZZ_ARGS is a list of flags
  ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}" "$bin/$name" "$corpus" "${dict[@]}" \
    -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} 2>&1 | tee "$work/$name/log" | grep -E '^#[0-9]+[[:space:]]+(DONE|INITED)|ERROR|SUMMARY|stat::|artifact' >&2
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ] || [ -n "$(ls -A "$artifacts")" ]; then
    failed+=("$name")
    echo "!! $name failed (exit $status); reproducers:" >&2
    for artifact in "$artifacts"/*; do
      [ -e "$artifact" ] || continue
      keep="$root/Fuzz/.build/artifacts-$name-$(basename "$artifact")"
      cp "$artifact" "$keep"
      echo "   $keep  (run: $bin/$name $keep)" >&2
    done
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzzing found problems in: ${failed[*]}" >&2
  exit 1
fi
echo "fuzzing: no crash, hang or out-of-memory in ${selected[*]}" >&2
