#!/usr/bin/env python3
"""Python peer for the identity-resolution benchmark.

Rebuilds exactly the workload of Benchmarks/Benchmarks/IdentityResolution
(same SplitMix64 stream, same records, contact points and events) and resolves
it with the textbook approach: a dict from contact point to its first record and
a dict-based union-find (path halving, union by size). Prints events/s.

Usage: python3 scripts/identity_resolution_python.py [events persons]
"""
import sys
import time

MASK = (1 << 64) - 1


class SplitMix64:
    def __init__(self, seed):
        self.state = seed

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        return z ^ (z >> 31)


def workload(events, persons, seed=42):
    rng = SplitMix64(seed)
    records, points, kinds = [], [], []
    first_record, record_count, first_contact, contact_count = [], [], [], []
    for person in range(persons):
        first_record.append(len(records))
        n = 1 + (1 if rng.next() % 100 < 30 else 0) + (1 if rng.next() % 100 < 10 else 0)
        records.extend(f"c{person}-{r}" for r in range(n))
        record_count.append(n)
        first_contact.append(len(points))
        pts = [("email", f"buyer{person}@mail{person % 97}.example"), ("phone", f"+4670{person:07d}")]
        if rng.next() % 4 == 0:
            pts.append(("handle:instagram", f"fan{person}"))
        points.extend(pts)
        contact_count.append(len(pts))
    evs = []
    for _ in range(events):
        person = rng.next() % persons
        record = records[first_record[person] + rng.next() % record_count[person]]
        point = points[first_contact[person] + rng.next() % contact_count[person]]
        verified = rng.next() % 100 < 60
        evs.append((record, point, verified))
    return evs


def resolve(events):
    owner = {}
    parent = {}
    size = {}
    merges = []

    def find(x):
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for record, point, verified in events:
        if record not in parent:
            parent[record] = record
            size[record] = 1
        holder = owner.setdefault(point, record)
        if holder == record:
            continue
        if point[0] != "phone" and not verified:
            continue
        a, b = find(holder), find(record)
        if a == b:
            continue
        if size[a] < size[b]:
            a, b = b, a
        parent[b] = a
        size[a] += size[b]
        merges.append((holder, record, point))
    return merges


def main():
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    persons = int(sys.argv[2]) if len(sys.argv) > 2 else 200_000
    evs = workload(events, persons)
    best = None
    for _ in range(3):
        start = time.perf_counter()
        merges = resolve(evs)
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    print(f"python dict union-find: {events} events, {len(merges)} merges, "
          f"{events / best / 1e6:.2f} M events/s (best of 3, {best * 1000:.0f} ms)")


if __name__ == "__main__":
    main()
