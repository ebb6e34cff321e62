// stb_image compiled from the Debian header into the image fuzz target, so
// the decoder itself is instrumented (coverage + ASan); the symbols take
// precedence over libstb.so's. The library build keeps using libstb.
#define STB_IMAGE_IMPLEMENTATION
#include <stb/stb_image.h>
