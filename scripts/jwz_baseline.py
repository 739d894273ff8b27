#!/usr/bin/env python3
"""A faithful Python baseline of Jamie Zawinski's threading algorithm
(https://www.jwz.org/doc/threading.html, the algorithm RFC 5256 REFERENCES
describes), as the peer of SupportKit's HelpdeskThreading benchmark.

Reads the workload written by `export-workload` (JSON Lines with message_id,
in_reply_to, references, subject, party, truth), threads it, and prints
messages/s, peak memory and pairwise precision/recall/F1 against the truth.

Steps implemented: 1 (id table, reference chains without loops, parent from
the last reference), 2 (root set), 4 (prune empty containers), 5 (group the
root set by normalised subject). Step 3 (discard the id table) is implicit.
Subject grouping, as in the published algorithm, is global: it does not know
which customer wrote, which is exactly where a helpdesk must differ.

Usage:
  (cd Benchmarks && swift run -c release export-workload 1000000) > /tmp/threads-1M.jsonl
  python3 scripts/jwz_baseline.py /tmp/threads-1M.jsonl
"""
import json
import re
import resource
import sys
import time

PREFIX = re.compile(r"^\s*((re|aw|fwd|fw|wg|sv|vs|vb|vl|r|rif|i|tr|antw|doorst|odp)(\[\d+\]|\(\d+\))?\s*:\s*)+", re.I)


class Container:
    __slots__ = ("message", "parent", "children")

    def __init__(self):
        self.message = None
        self.parent = None
        self.children = []


def is_reachable(a, b):
    """Whether b is an ancestor of a (or a itself), to refuse links that would loop."""
    while a is not None:
        if a is b:
            return True
        a = a.parent
    return False


def link(parent, child):
    if child.parent is parent or is_reachable(parent, child):
        return
    if child.parent is not None:
        child.parent.children.remove(child)
    child.parent = parent
    parent.children.append(child)


def thread(messages, group_subjects=True):
    table = {}
    for index, m in enumerate(messages):
        own = table.get(m["message_id"])
        if own is None:
            own = table[m["message_id"]] = Container()
        if own.message is not None:  # duplicate Message-ID: keep it apart, as JWZ does
            own = Container()
        own.message = index
        refs = list(m["references"])
        for r in m["in_reply_to"]:
            if r not in refs:
                refs.append(r)
        previous = None
        for r in refs:
            c = table.get(r)
            if c is None:
                c = table[r] = Container()
            if previous is not None and c.parent is None:
                link(previous, c)
            previous = c
        if own.parent is not None:
            own.parent.children.remove(own)
            own.parent = None
        if previous is not None and previous is not own and not is_reachable(previous, own):
            link(previous, own)

    roots = [c for c in table.values() if c.parent is None]
    # Step 4 (simplified to what grouping needs): an empty root with children is
    # replaced by its children only if it has one child.
    pruned = []
    for c in roots:
        if c.message is None and len(c.children) == 1:
            child = c.children[0]
            child.parent = None
            pruned.append(child)
        elif c.message is not None or c.children:
            pruned.append(c)

    def first_message(c):
        stack = [c]
        while stack:
            x = stack.pop()
            if x.message is not None:
                return x.message
            stack.extend(x.children)
        return None

    # Step 5: group roots by normalised subject.
    subjects = {}
    for c in pruned:
        if not group_subjects:
            subjects[id(c)] = c
            continue
        m = first_message(c)
        if m is None:
            continue
        subject = PREFIX.sub("", messages[m]["subject"]).strip().lower() or ("\0", id(c))
        holder = subjects.get(subject)
        if holder is None:
            subjects[subject] = c
        elif holder.message is None and c.message is not None:
            link(holder, c)
        elif c.message is None and holder.message is not None:
            link(c, holder)
            subjects[subject] = c
        else:
            empty = Container()
            link(empty, holder)
            link(empty, c)
            subjects[subject] = empty

    labels = [None] * len(messages)
    label = 0
    for c in set(subjects.values()):
        root = c
        while root.parent is not None:
            root = root.parent
        stack = [root]
        seen_any = False
        while stack:
            x = stack.pop()
            if x.message is not None and labels[x.message] is None:
                labels[x.message] = label
                seen_any = True
            stack.extend(x.children)
        if seen_any:
            label += 1
    for i, l in enumerate(labels):
        if l is None:
            labels[i] = label
            label += 1
    return labels


def pairwise(predicted, truth):
    from collections import Counter
    def pairs(n):
        return n * (n - 1) / 2
    together = sum(pairs(n) for n in Counter(zip(predicted, truth)).values())
    pred_pairs = sum(pairs(n) for n in Counter(predicted).values())
    true_pairs = sum(pairs(n) for n in Counter(truth).values())
    p = together / pred_pairs if pred_pairs else 1.0
    r = together / true_pairs if true_pairs else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def main():
    path = sys.argv[1]
    with open(path) as f:
        messages = [json.loads(line) for line in f]
    truth = [m["truth"] for m in messages]
    for name, group in (("jwz (steps 1-5)", True), ("jwz headers only (steps 1-4)", False)):
        start = time.perf_counter()
        labels = thread(messages, group_subjects=group)
        elapsed = time.perf_counter() - start
        p, r, f1 = pairwise(labels, truth)
        print(f"{name}: {len(messages)} messages in {elapsed:.2f} s = {len(messages) / elapsed / 1000:.0f}k msg/s; "
              f"precision {p:.4f} recall {r:.4f} F1 {f1:.4f}")
    print(f"peak RSS of the process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB "
          f"(including the parsed JSON)")


if __name__ == "__main__":
    main()
