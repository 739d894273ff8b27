#!/usr/bin/env python3
"""Accuracy of SupportKit's language identification on held-out real short
texts, per language, side by side with the peers the issue names (langdetect,
lingua restricted to the same 11 languages) when they are installed.

The held-out set comes from scripts/build-language-model.py (catalogs never
trained on, texts of 20-200 characters). SupportKit is run through
`shop-desk detect-language` (release build) in one process for all texts.

Usage:
  python3 scripts/build-language-model.py
  swift build -c release --product shop-desk
  python3 scripts/evaluate-language-id.py [/tmp/langid-heldout.jsonl] [per-language cap]
"""
import json
import subprocess
import sys
import time
from collections import Counter, defaultdict

LANGUAGES = ["en", "sv", "da", "nb", "fi", "it", "de", "fr", "es", "nl", "pl"]
path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/langid-heldout.jsonl"
cap = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
rows = [json.loads(line) for line in open(path)]
per = Counter()
sample = []
for row in rows:
    if per[row["language"]] < cap:
        per[row["language"]] += 1
        sample.append(row)
texts = [r["text"] for r in sample]
truth = [r["language"] for r in sample]


def report(name, predictions, seconds):
    correct = defaultdict(int)
    total = Counter(truth)
    for p, t in zip(predictions, truth):
        correct[t] += p == t
    overall = sum(correct.values()) / len(truth)
    cells = " ".join(f"{lang}:{correct[lang] / total[lang]:.3f}" for lang in LANGUAGES)
    print(f"{name:<28} accuracy {overall:.4f}  {len(texts) / seconds:>9.0f} texts/s   {cells}")


start = time.perf_counter()
out = subprocess.run([".build/release/shop-desk", "detect-language"], input="\n".join(texts) + "\n",
                     capture_output=True, text=True, check=True).stdout
seconds = time.perf_counter() - start
report("SupportKit LanguageModel", [json.loads(l)["language"] for l in out.splitlines()], seconds)

try:
    import langdetect
    langdetect.DetectorFactory.seed = 0
    def detect(t):
        try:
            code = langdetect.detect(t)
        except Exception:
            return "unknown"
        return "nb" if code == "no" else code
    start = time.perf_counter()
    predictions = [detect(t) for t in texts]
    report("langdetect", predictions, time.perf_counter() - start)
except ImportError:
    print("langdetect not installed: pip install langdetect")

try:
    from lingua import Language, LanguageDetectorBuilder
    chosen = [Language.ENGLISH, Language.SWEDISH, Language.DANISH, Language.BOKMAL, Language.FINNISH,
              Language.ITALIAN, Language.GERMAN, Language.FRENCH, Language.SPANISH, Language.DUTCH, Language.POLISH]
    detector = LanguageDetectorBuilder.from_languages(*chosen).build()
    start = time.perf_counter()
    predictions = []
    for t in texts:
        language = detector.detect_language_of(t)
        predictions.append(language.iso_code_639_1.name.lower() if language else "unknown")
    report("lingua (11 languages)", predictions, time.perf_counter() - start)
except ImportError:
    print("lingua not installed: pip install lingua-language-detector")
