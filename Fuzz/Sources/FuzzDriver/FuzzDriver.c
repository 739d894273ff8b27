// SwiftPM links an executable with `--defsym main=<module>_main`, so libFuzzer's own main (in
// libclang_rt.fuzzer.a) is never the program's entry point. Each fuzz target therefore has a
// Swift @main that calls this, which hands the command line to libFuzzer's documented
// alternative entry, LLVMFuzzerRunDriver.
#include "FuzzDriver.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));

int supportkit_fuzz_run(int argc, char **argv) {
    return LLVMFuzzerRunDriver(&argc, &argv, LLVMFuzzerTestOneInput);
}
