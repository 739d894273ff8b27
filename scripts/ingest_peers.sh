#!/usr/bin/env bash
# shop-desk ingest beside notmuch (Debian's notmuch 0.37) on the same messages, in one run:
# the threading workload's N mails as an mbox (for shop-desk) and as a Maildir (for notmuch),
# a batch import of all of them, then one new mail into the full store, RUNS times.
#   scripts/ingest_peers.sh [N] [RUNS]      (defaults 100000 and 20; release builds)
# Prints seconds and peak RSS per step, and the ratios; docs/benchmarks.md has the figures.
set -euo pipefail
cd "$(dirname "$0")/.."
count="${1:-100000}"
runs="${2:-20}"
command -v notmuch >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq notmuch >/dev/null; }
# A desk a mail server's hook starts per message is deployed with the Swift runtime linked in
# (--static-swift-stdlib): loading the shared runtime libraries is 20 ms of every process.
swift build --package-path Examples -c release --product shop-desk --static-swift-stdlib --scratch-path .build-static >/dev/null
desk=.build-static/release/shop-desk
(cd Benchmarks && swift build -c release --product export-workload >/dev/null)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
Benchmarks/.build/release/export-workload "$count" --mbox "$work/w.mbox" >/dev/null
python3 - "$work/w.mbox" "$work/maildir" <<'PY'
# The same messages as a Maildir: each mbox message (envelope line dropped, mboxrd ">From "
# unescaped) as one file in cur/.
import os, re, sys
source, target = sys.argv[1], sys.argv[2]
for folder in ("cur", "new", "tmp"):
    os.makedirs(os.path.join(target, folder), exist_ok=True)
data = open(source, "rb").read()
for number, chunk in enumerate(re.split(rb"(?m)^From [^\n]*\n", data)):
    if not chunk.strip():
        continue
    body = re.sub(rb"(?m)^>(>*From )", rb"\1", chunk)
    with open(os.path.join(target, "cur", f"{number}.workload:2,"), "wb") as out:
        out.write(body)
PY
cat > "$work/notmuch-config" <<CONF
[database]
path=$work/maildir
[user]
name=Support
primary_email=support@shop.example
[new]
tags=inbox;
[maildir]
synchronize_flags=false
CONF
export NOTMUCH_CONFIG="$work/notmuch-config"

measure() {  # measure LABEL COMMAND...: prints "LABEL seconds KB"
  local label="$1"; shift
  /usr/bin/time -f "$label %e %M" "$@" 2>&1 >/dev/null | tail -1
}
one_mail() {  # one_mail N: a new mail, as the workload's customers write them
  printf 'From: Anna Svensson <anna.svensson@example.se>\nTo: support@shop.example\nSubject: Fr\303\245ga om leverans\nDate: Tue, 01 Dec 2026 10:00:00 +0100\nMessage-ID: <peer-%s-%s@mail.example.se>\n\nHej! N\303\244r kommer mitt paket?\n' "$1" "$$"
}

echo "== batch: $count mails"
measure "shop-desk-ingest" "$desk" ingest "$work/w.mbox" --store "$work/desk.sqlite" --desk-address support@shop.example
measure "notmuch-new" notmuch new --quiet
echo "== one mail into the store of $count, $runs runs each (seconds, peak KB)"
for run in $(seq "$runs"); do
  one_mail "d$run" > "$work/one.eml"
  measure "shop-desk-one" "$desk" ingest "$work/one.eml" --store "$work/desk.sqlite" --desk-address support@shop.example
  one_mail "n$run" > "$work/one.eml"
  measure "notmuch-insert" notmuch insert < "$work/one.eml"
done | tee "$work/one.txt"
python3 - "$work/one.txt" <<'PY'
import statistics, sys
rows = {}
for line in open(sys.argv[1]):
    label, seconds, kb = line.split()
    rows.setdefault(label, []).append((float(seconds), int(kb)))
for label, values in rows.items():
    print(f"{label}: median {statistics.median(v[0] for v in values) * 1000:.0f} ms, "
          f"peak RSS median {statistics.median(v[1] for v in values) / 1024:.1f} MB")
desk = statistics.median(v[0] for v in rows["shop-desk-one"])
peer = statistics.median(v[0] for v in rows["notmuch-insert"])
print(f"shop-desk / notmuch (one mail, time): {desk / peer:.2f}")
PY
