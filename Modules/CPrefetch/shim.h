// A cache prefetch hint for Swift, which has no prefetch intrinsic of its own.
// Used by the threading engine's batch path to overlap the cache misses of the
// next messages with the work on the current one. A prefetch never faults, so
// a stale or wrong address only wastes the hint.
#ifndef SUPPORTKIT_PREFETCH_H
#define SUPPORTKIT_PREFETCH_H

static inline __attribute__((always_inline)) void supportkit_prefetch(const void *address) {
    __builtin_prefetch(address, 0, 3);
}

#endif
