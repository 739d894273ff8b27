// The Snowball reference stemmers (Debian: libstemmer-dev). libstemmer has no
// pkg-config file; its header is /usr/include/libstemmer.h.
#include <libstemmer.h>
