#!/usr/bin/env python3
"""Peer benchmark harness: raw SQLite FTS5 and tantivy on the same corpus/queries.

Usage (Python 3.11, stdlib + tantivy only):

    python3 -m venv /tmp/search-peers && /tmp/search-peers/bin/pip install tantivy==0.27.0
    /tmp/search-peers/bin/python scripts/search_peers.py CORPUS.jsonl QUERIES.jsonl \
        --workdir DIR [--peers fts5,tantivy] [--json OUT.json] [--dump-hits N]

Corpus lines:  {"doc": 123, "party": "p4711", "lang": "sv", "text": "..."}
Query lines:   {"class": "1-term"|"2-term"|"3-term", "terms": [...], "party": "p4711"|null}

Semantics: all terms must match (AND), top 20 by BM25, and with a party only
documents of that party.

What is measured, per peer, in this one process:
  * build_seconds: insert + commit of the whole corpus (the JSONL is read into
    memory once beforehand, outside the timing).  Extra steps needed before the
    on-disk size is final (FTS5 WAL checkpoint, tantivy merge threads) are timed
    separately and reported as finalize_seconds.
  * index_bytes: size on disk after commit and finalisation.
  * per query bucket ("<class>/unfiltered", "<class>/party-filtered"): every
    query is run once as warm-up, then each is timed individually with
    time.perf_counter_ns around executing the query and fetching the doc ids
    of its (at most) 20 hits.

Only the peers run here; the Swift engine is benchmarked by its own tooling.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import shutil
import sqlite3
import sys
import time
from typing import Callable, Sequence

TOP_K = 20
CLASSES = ("1-term", "2-term", "3-term")
FILTERS = ("unfiltered", "party-filtered")
ALL_PEERS = ("fts5", "tantivy")


# --------------------------------------------------------------------------
# Input


def load_corpus(path: str) -> list[tuple[int, str, str]]:
    """Returns [(doc, party, text)] in file order."""
    docs: list[tuple[int, str, str]] = []
    seen: set[int] = set()
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            doc = int(rec["doc"])
            if doc in seen:
                sys.exit(f"{path}:{lineno}: duplicate doc id {doc}")
            seen.add(doc)
            docs.append((doc, str(rec["party"]), rec["text"]))
    return docs


def load_queries(path: str) -> list[dict]:
    queries: list[dict] = []
    with open(path, encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            rec = json.loads(line)
            cls = rec["class"]
            terms = rec["terms"]
            if cls not in CLASSES:
                sys.exit(f"{path}:{lineno}: unknown class {cls!r}")
            if not terms or not all(isinstance(t, str) and t for t in terms):
                sys.exit(f"{path}:{lineno}: terms must be a non-empty list of strings")
            party = rec.get("party")
            queries.append(
                {
                    "class": cls,
                    "terms": terms,
                    "party": None if party is None else str(party),
                    "bucket": f"{cls}/{'party-filtered' if party is not None else 'unfiltered'}",
                }
            )
    return queries


# --------------------------------------------------------------------------
# Statistics


def percentile(sorted_ns: Sequence[int], p: float) -> float:
    """Nearest-rank percentile of an ascending list, in ns."""
    if not sorted_ns:
        return float("nan")
    rank = max(1, -(-len(sorted_ns) * p // 100))  # ceil(n * p / 100)
    return float(sorted_ns[int(rank) - 1])


def summarize(samples_ns: list[int]) -> dict:
    s = sorted(samples_ns)
    if not s:
        return {"count": 0, "p50_ms": None, "p99_ms": None, "max_ms": None, "mean_ms": None}
    return {
        "count": len(s),
        "p50_ms": percentile(s, 50) / 1e6,
        "p99_ms": percentile(s, 99) / 1e6,
        "max_ms": s[-1] / 1e6,
        "mean_ms": sum(s) / len(s) / 1e6,
    }


def dir_bytes(path: str) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except FileNotFoundError:
                pass  # a file removed by a concurrent GC
    return total


def run_queries(
    queries: list[dict], prepared: list, execute: Callable[[object], list[int]]
) -> tuple[dict, list[list[int]]]:
    """Warm-up pass, then one timed pass.  Returns (per-bucket stats, hits)."""
    for p in prepared:
        execute(p)
    samples: dict[str, list[int]] = {f"{c}/{f}": [] for c in CLASSES for f in FILTERS}
    hits: list[list[int]] = []
    clock = time.perf_counter_ns
    for q, p in zip(queries, prepared):
        t0 = clock()
        ids = execute(p)
        t1 = clock()
        samples[q["bucket"]].append(t1 - t0)
        hits.append(ids)
    return {k: summarize(v) for k, v in samples.items()}, hits


# --------------------------------------------------------------------------
# SQLite FTS5


def fts5_available() -> bool:
    try:
        con = sqlite3.connect(":memory:")
        try:
            con.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        finally:
            con.close()
        return True
    except sqlite3.OperationalError:
        return False


def fts5_match_string(terms: Sequence[str]) -> str:
    # Each term as an FTS5 string ("..." with embedded quotes doubled);
    # juxtaposed strings are an implicit AND.
    return " ".join('"' + t.replace('"', '""') + '"' for t in terms)


def bench_fts5(docs, queries, workdir: str) -> tuple[dict, list[list[int]]]:
    path = os.path.join(workdir, "fts5.sqlite")
    for suffix in ("", "-wal", "-shm", "-journal"):
        if os.path.exists(path + suffix):
            os.remove(path + suffix)

    con = sqlite3.connect(path, isolation_level=None)  # explicit BEGIN/COMMIT below
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=NORMAL")
    con.execute(
        "CREATE VIRTUAL TABLE docs USING fts5("
        "text, party UNINDEXED, tokenize=\"unicode61 remove_diacritics 2\")"
    )

    t0 = time.perf_counter()
    con.execute("BEGIN")
    con.executemany("INSERT INTO docs(rowid, text, party) VALUES (?, ?, ?)",
                    ((d, text, party) for d, party, text in docs))
    con.execute("COMMIT")
    build_s = time.perf_counter() - t0

    wal_bytes_after_commit = os.path.getsize(path + "-wal") if os.path.exists(path + "-wal") else 0
    t1 = time.perf_counter()
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finalize_s = time.perf_counter() - t1
    index_bytes = sum(os.path.getsize(path + s) for s in ("", "-wal") if os.path.exists(path + s))

    sql_all = f"SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY bm25(docs) LIMIT {TOP_K}"
    sql_party = (f"SELECT rowid FROM docs WHERE docs MATCH ? AND party = ? "
                 f"ORDER BY bm25(docs) LIMIT {TOP_K}")
    prepared = [
        (sql_all, (fts5_match_string(q["terms"]),)) if q["party"] is None
        else (sql_party, (fts5_match_string(q["terms"]), q["party"]))
        for q in queries
    ]

    def execute(p) -> list[int]:
        sql, params = p
        return [r[0] for r in con.execute(sql, params).fetchall()]

    stats, hits = run_queries(queries, prepared, execute)
    con.close()
    result = {
        "build_seconds": build_s,
        "finalize_seconds": finalize_s,
        "index_bytes": index_bytes,
        "notes": {
            "sqlite_version": sqlite3.sqlite_version,
            "wal_bytes_after_commit": wal_bytes_after_commit,
            "finalize": "PRAGMA wal_checkpoint(TRUNCATE)",
            "stores_text": True,
        },
        "queries": stats,
    }
    return result, hits


# --------------------------------------------------------------------------
# tantivy


def bench_tantivy(docs, queries, workdir: str, heap_bytes: int, threads: int):
    import tantivy  # imported here so an fts5-only run does not need it

    path = os.path.join(workdir, "tantivy")
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(path)

    sb = tantivy.SchemaBuilder()
    sb.add_integer_field("doc", stored=True, indexed=True, fast=True)
    sb.add_text_field("text", tokenizer_name="default")
    sb.add_text_field("party", tokenizer_name="raw", index_option="basic")
    schema = sb.build()
    index = tantivy.Index(schema, path=path, reuse=False)

    t0 = time.perf_counter()
    writer = index.writer(heap_bytes, threads)
    Document = tantivy.Document
    add = writer.add_document
    for d, party, text in docs:
        doc = Document()
        doc.add_integer("doc", d)
        doc.add_text("text", text)
        doc.add_text("party", party)
        add(doc)
    writer.commit()
    build_s = time.perf_counter() - t0

    t1 = time.perf_counter()
    writer.wait_merging_threads()  # consumes the writer
    finalize_s = time.perf_counter() - t1
    del writer
    index.reload()
    index_bytes = dir_bytes(path)
    searcher = index.searcher()
    num_segments = searcher.num_segments

    # The default tokenizer is SimpleTokenizer + RemoveLong(40) + LowerCaser;
    # TermQuery does not tokenize, so normalise query terms with the same chain.
    analyzer = (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
                .filter(tantivy.Filter.remove_long(40))
                .filter(tantivy.Filter.lowercase())
                .build())
    odd_terms = 0
    prepared = []
    for q in queries:
        parts = []
        for t in q["terms"]:
            toks = analyzer.analyze(t)
            if len(toks) != 1 or toks[0] != t.lower():
                odd_terms += 1
            parts.append(toks)
        prepared.append((parts, q["party"]))

    Query, Occur = tantivy.Query, tantivy.Occur
    must = Occur.Must
    search = searcher.search
    ff = searcher.fast_field_values

    def execute(p) -> list[int]:
        # Query construction is inside the timing, as FTS5 parses its MATCH
        # string inside the timed execute.
        parts, party = p
        sub = []
        for toks in parts:
            if len(toks) == 1:
                sub.append((must, Query.term_query(schema, "text", toks[0], index_option="freq")))
            elif toks:  # a term the tokenizer splits: same meaning as a quoted FTS5 string
                sub.append((must, Query.phrase_query(schema, "text", toks)))
            else:  # nothing indexable in the term: no document can match
                sub.append((must, Query.empty_query()))
        if party is not None:
            sub.append((must, Query.term_query(schema, "party", party, index_option="basic")))
        res = search(Query.boolean_query(sub), TOP_K, count=False)
        return ff("doc", [addr for _score, addr in res.hits])

    stats, hits = run_queries(queries, prepared, execute)
    result = {
        "build_seconds": build_s,
        "finalize_seconds": finalize_s,
        "index_bytes": index_bytes,
        "notes": {
            "tantivy_version": getattr(tantivy, "__version__", "?"),
            "writer_heap_bytes": heap_bytes,
            "writer_threads": threads,
            "segments": num_segments,
            "finalize": "IndexWriter.wait_merging_threads()",
            "stores_text": False,
            "query_terms_not_single_lowercase_token": odd_terms,
        },
        "queries": stats,
    }
    del searcher, index
    return result, hits


# --------------------------------------------------------------------------
# Output


def print_table(results: dict, queries: list[dict]) -> None:
    buckets = [f"{c}/{f}" for f in FILTERS for c in CLASSES]
    present = [b for b in buckets if any(r["queries"][b]["count"] for r in results.values())]
    head = f"{'peer':<8} {'build s':>8} {'final s':>8} {'size MB':>8}"
    print()
    print(head)
    for peer, r in results.items():
        print(f"{peer:<8} {r['build_seconds']:>8.2f} {r['finalize_seconds']:>8.2f} "
              f"{r['index_bytes'] / 1e6:>8.1f}")
    print()
    print("query latency, ms (p50 / p99), count per bucket in brackets")
    w = 17
    print(f"{'bucket':<30}" + "".join(f"{p:>{w}}" for p in results))
    for b in present:
        n = next(r["queries"][b]["count"] for r in results.values())
        row = f"{b + f' [{n}]':<30}"
        for r in results.values():
            s = r["queries"][b]
            row += f"{s['p50_ms']:>8.3f} /{s['p99_ms']:>7.3f}" if s["count"] else f"{'-':>{w}}"
        print(row)
    print()


def print_agreement(hits: dict[str, list[list[int]]]) -> None:
    peers = list(hits)
    if len(peers) < 2:
        return
    a, b = hits[peers[0]], hits[peers[1]]
    same_list = same_set = 0
    overlap = 0.0
    for x, y in zip(a, b):
        same_list += x == y
        same_set += set(x) == set(y)
        denom = max(len(x), len(y))
        overlap += (len(set(x) & set(y)) / denom) if denom else 1.0
    n = len(a) or 1
    print(f"hit agreement {peers[0]} vs {peers[1]} over {len(a)} queries: "
          f"identical lists {same_list / n:.1%}, identical sets {same_set / n:.1%}, "
          f"mean top-{TOP_K} overlap {overlap / n:.1%}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("corpus")
    ap.add_argument("queries")
    ap.add_argument("--workdir", required=True, help="where the indexes are built (wiped per peer)")
    ap.add_argument("--peers", default=",".join(ALL_PEERS))
    ap.add_argument("--json", dest="json_out", help="write a machine-readable summary here")
    ap.add_argument("--dump-hits", type=int, default=0, metavar="N",
                    help="print the hit doc ids of the first N queries per peer")
    ap.add_argument("--tantivy-heap-mb", type=int, default=500)
    ap.add_argument("--tantivy-threads", type=int, default=2)
    args = ap.parse_args(argv)

    peers = [p.strip() for p in args.peers.split(",") if p.strip()]
    for p in peers:
        if p not in ALL_PEERS:
            ap.error(f"unknown peer {p!r} (choose from {', '.join(ALL_PEERS)})")
    if "fts5" in peers and not fts5_available():
        sys.exit("error: this Python's sqlite3 module (SQLite %s) lacks FTS5; "
                 "use a Python linked against an SQLite built with FTS5 (Debian's is)."
                 % sqlite3.sqlite_version)
    if "tantivy" in peers:
        try:
            import tantivy  # noqa: F401
        except ImportError:
            sys.exit("error: the tantivy module is not installed; "
                     "pip install tantivy==0.27.0 in this interpreter's venv")
    os.makedirs(args.workdir, exist_ok=True)

    t = time.perf_counter()
    docs = load_corpus(args.corpus)
    queries = load_queries(args.queries)
    text_bytes = sum(len(x[2].encode("utf-8")) for x in docs)
    print(f"loaded {len(docs)} docs ({text_bytes / 1e6:.1f} MB of text) and "
          f"{len(queries)} queries in {time.perf_counter() - t:.1f} s")
    print(f"machine: {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}; one process, peers run one after the other")
    if "tantivy" in peers:
        import tantivy
        print(f"{getattr(tantivy, '__version__', 'tantivy ?')}: writer heap "
              f"{args.tantivy_heap_mb} MB, num_threads={args.tantivy_threads} "
              f"(this machine has {os.cpu_count()} cores)")
    sys.stdout.flush()

    results: dict[str, dict] = {}
    hits: dict[str, list[list[int]]] = {}
    for peer in peers:
        print(f"[{peer}] building and querying ...", flush=True)
        gc.collect()
        if peer == "fts5":
            results[peer], hits[peer] = bench_fts5(docs, queries, args.workdir)
        else:
            results[peer], hits[peer] = bench_tantivy(
                docs, queries, args.workdir, args.tantivy_heap_mb * 1_000_000, args.tantivy_threads)
        gc.collect()  # the FTS5 connection is closed and released before tantivy starts
        r = results[peer]
        print(f"[{peer}] build {r['build_seconds']:.2f} s (+{r['finalize_seconds']:.2f} s "
              f"finalize), {r['index_bytes'] / 1e6:.1f} MB", flush=True)

    print_table(results, queries)
    print_agreement(hits)
    print("notes: build s = insert + commit; final s = WAL checkpoint (fts5) or waiting for "
          "merges (tantivy), not in build s;\n       fts5 size includes the stored text, "
          "tantivy stores no text; fts5 folds diacritics (remove_diacritics 2), tantivy's "
          "default tokenizer does not.")

    if args.dump_hits > 0:
        print()
        for i, q in enumerate(queries[: args.dump_hits]):
            print(f"query {i}: {q['bucket']} terms={q['terms']} party={q['party']}")
            for peer in peers:
                print(f"  {peer:<8} {hits[peer][i]}")

    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            for r in results.values():  # keep the top level strictly {peer: summary}
                r["notes"].update(cores=os.cpu_count(), python=platform.python_version(),
                                  docs=len(docs), queries=len(queries))
            json.dump(results, f, indent=2)
            f.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
