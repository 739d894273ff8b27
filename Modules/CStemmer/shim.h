// The Snowball reference stemmers (Debian libstemmer-dev; no pkg-config file ships).
#include <libstemmer.h>
