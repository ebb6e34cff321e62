// Pre-decoding checks for bugs of the stb_image we link (Debian's v2.27),
// found by fuzz/image_fuzz.cpp (replays: tests/fixtures/fuzz-regressions/image/).
// They run before any stb call on the bytes (stbi_info reads JPEG tables too).
//   - JPEG: a DHT segment whose 16 code counts add up to more than 256 makes
//     stbi__build_huffman / stbi__process_marker write past their 257- and
//     256-byte tables (memory corruption).
//   - PNG: stb grows its IDAT buffer to a chunk's declared length before
//     reading it, so a 60-byte file can make it allocate 2 GB; and it grows
//     its inflate buffer for as long as the data inflates, so a 1 MB file of
//     zeros can make it allocate ~1 GB whatever the header's dimensions.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "xmas/util/status.h"

namespace xmas::data {

// Walks the JPEG marker segments the way stb_image does (skipping bytes to
// the next 0xFF, segment lengths, entropy-coded data up to the next marker)
// and refuses a Huffman table of more than 256 codes. InvalidInput names
// `name`. Other corruption is left to the decoder.
Status CheckJpegHuffmanTables(std::string_view bytes, const std::string& name);

// Walks the PNG chunks (after the signature) up to IEND and refuses a chunk
// whose declared length runs past the end of the file.
Status CheckPngChunkLengths(std::string_view bytes, const std::string& name);

// Inflates the image data (the IDAT chunks, after CheckPngChunkLengths) into
// a small scratch buffer, discarding it, and refuses data that inflates to
// more than twice what the IHDR's width, height and pixel format need (the
// slack covers interlacing). Data that does not inflate is left to stb.
Status CheckPngInflatedSize(std::string_view bytes, const std::string& name);

// stb_image copies an IDAT chunk of length 0 that comes before any data into
// a null buffer (memcpy(NULL, p, 0): undefined behaviour, which UBSan stops
// at; found by fuzz/image_fuzz.cpp). Such chunks are legal and carry nothing:
// returns the file without its empty IDAT chunks, or nullopt if it has none.
// Call after CheckPngChunkLengths.
std::optional<std::string> DropEmptyIdatChunks(std::string_view bytes);

}  // namespace xmas::data
