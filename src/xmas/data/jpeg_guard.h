// A pre-decoding check of JPEG Huffman tables, for a bug in the stb_image
// we link (Debian's v2.27): a DHT segment whose 16 code counts add up to
// more than 256 makes stbi__build_huffman and stbi__process_marker write
// past their 257- and 256-byte tables (found by fuzz/image_fuzz.cpp; the
// replay is tests/data/fuzz-regressions/image/). stbi_info reads the tables
// too, so this runs before any stb call on a JPEG.
#pragma once

#include <string>
#include <string_view>

#include "xmas/util/status.h"

namespace xmas::data {

// Walks the JPEG marker segments the way stb_image does (skipping bytes to
// the next 0xFF, segment lengths, entropy-coded data up to the next marker)
// and refuses a Huffman table of more than 256 codes. InvalidInput names
// `name`. Other corruption is left to the decoder.
Status CheckJpegHuffmanTables(std::string_view bytes, const std::string& name);

}  // namespace xmas::data
