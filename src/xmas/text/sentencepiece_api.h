// Access to libsentencepiece through the dlopen'ed shim (sentencepiece_shim.h
// says why). Loaded once per process, on first use.
//
// The shim is looked for, in order, at $XMAS_SENTENCEPIECE_SHIM, at the path
// the build recorded (XMAS_SPM_SHIM_PATH), and beside the running program
// (<exe dir>/libxmas_sentencepiece.so and <exe dir>/../lib/).
#pragma once

#include "xmas/text/sentencepiece_shim.h"
#include "xmas/util/status.h"

namespace xmas::text {

struct SentencePieceApi {
  decltype(&xmas_spm_load) load;
  decltype(&xmas_spm_free) free_model;
  decltype(&xmas_spm_free_buffer) free_buffer;
  decltype(&xmas_spm_piece_size) piece_size;
  decltype(&xmas_spm_special_id) special_id;
  decltype(&xmas_spm_encode) encode;
  decltype(&xmas_spm_decode) decode;
  decltype(&xmas_spm_id_to_piece) id_to_piece;
  decltype(&xmas_spm_train) train;
};

// The loaded API, or an error naming the paths tried.
Result<const SentencePieceApi*> GetSentencePieceApi();

}  // namespace xmas::text
