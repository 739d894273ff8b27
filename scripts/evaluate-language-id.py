#!/usr/bin/env python3
"""Scores language identifiers on the held-out set written by build-language-id-model.py.

Runs, on the SAME texts in one run: SupportKit (`shop-desk detect-language`, release build),
and when importable lingua (restricted to the same 11 languages) and langdetect.
Prints overall and per-language accuracy ("unknown" counts as wrong) and texts/s.

Usage: python3 scripts/evaluate-language-id.py /tmp/langid-heldout.tsv \\
           [--shop-desk Examples/.build/release/shop-desk] [--max-length 200]
"""
import argparse, collections, json, subprocess, sys, time

LANGS = ["en", "sv", "da", "nb", "fi", "it", "de", "fr", "es", "nl", "pl"]


def load(path, min_length, max_length):
    rows = []
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            lang, _, text = line.rstrip("\n").partition("\t")
            if min_length <= len(text) <= max_length:
                rows.append((lang, text))
    return rows


def report(name, rows, predictions, seconds):
    per = collections.defaultdict(lambda: [0, 0])
    for (lang, _), guess in zip(rows, predictions):
        per[lang][1] += 1
        per[lang][0] += guess == lang
    correct = sum(c for c, _ in per.values())
    print(f"{name}: accuracy {correct / len(rows):.4f} on {len(rows)} texts, "
          f"{len(rows) / seconds:,.0f} texts/s ({seconds:.2f} s)")
    print("  " + " ".join(f"{l}={per[l][0] / max(1, per[l][1]):.3f}" for l in LANGS))
    return correct / len(rows)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("heldout")
    parser.add_argument("--shop-desk", default="Examples/.build/release/shop-desk")
    parser.add_argument("--min-length", type=int, default=20)
    parser.add_argument("--max-length", type=int, default=200)
    parser.add_argument("--threshold", default="0.3")
    args = parser.parse_args()
    rows = load(args.heldout, args.min_length, args.max_length)
    texts = "\n".join(t for _, t in rows) + "\n"

    start = time.perf_counter()
    out = subprocess.run([args.shop_desk, "detect-language", "--threshold", args.threshold],
                         input=texts.encode(), capture_output=True, check=True).stdout.decode()
    seconds = time.perf_counter() - start
    ours = [json.loads(line)["language"] for line in out.splitlines()]
    ours_accuracy = report("SupportKit LanguageIdentifier (process incl. start-up)", rows, ours, seconds)

    try:
        from lingua import Language, LanguageDetectorBuilder
        mapping = {"en": Language.ENGLISH, "sv": Language.SWEDISH, "da": Language.DANISH,
                   "nb": Language.BOKMAL, "fi": Language.FINNISH, "it": Language.ITALIAN,
                   "de": Language.GERMAN, "fr": Language.FRENCH, "es": Language.SPANISH,
                   "nl": Language.DUTCH, "pl": Language.POLISH}
        reverse = {v: k for k, v in mapping.items()}
        detector = LanguageDetectorBuilder.from_languages(*mapping.values()).build()
        start = time.perf_counter()
        guesses = [detector.detect_language_of(t) for _, t in rows]
        seconds = time.perf_counter() - start
        lingua_accuracy = report("lingua (11 languages)", rows, [reverse.get(g, "unknown") for g in guesses], seconds)
        print(f"  ratio SupportKit/lingua accuracy: {ours_accuracy / lingua_accuracy:.3f}")
    except ImportError:
        print("lingua not installed (pip install lingua-language-detector)")

    try:
        import langdetect
        langdetect.DetectorFactory.seed = 0
        def detect(text):
            try:
                code = langdetect.detect(text)
            except Exception:
                return "unknown"
            return "nb" if code == "no" else code
        start = time.perf_counter()
        guesses = [detect(t) for _, t in rows]
        seconds = time.perf_counter() - start
        ld_accuracy = report("langdetect", rows, guesses, seconds)
        print(f"  ratio SupportKit/langdetect accuracy: {ours_accuracy / ld_accuracy:.3f}")
    except ImportError:
        print("langdetect not installed (pip install langdetect)")


if __name__ == "__main__":
    sys.exit(main())
