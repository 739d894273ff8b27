#ifndef SUPPORTKIT_FUZZ_DRIVER_H
#define SUPPORTKIT_FUZZ_DRIVER_H

#include <stddef.h>
#include <stdint.h>

/// Runs libFuzzer (its command line: corpus dirs, -max_total_time=, ...) on the target's
/// LLVMFuzzerTestOneInput and returns libFuzzer's exit status.
int supportkit_fuzz_run(int argc, char **argv);

#endif
