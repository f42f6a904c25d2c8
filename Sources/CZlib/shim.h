// zlib (apt: zlib1g-dev), for the gzip-compressed bundled digits and MNIST/Fashion IDX files.
// This shim has no API of its own.
#include <zlib.h>
