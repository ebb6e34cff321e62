// Shared helpers of the text tests: the committed tiny tokenizer.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "xmas/text/tokenizer.h"

namespace xmas::text::testing {

// tests/fixtures/text/tiny.model: a 120-piece unigram model trained with
// `TrainTokenizer` (vocab 120, byte_fallback off) on tests/fixtures/text/corpus.txt.
inline std::string TinyModelPath() { return std::string(XMAS_TEST_DATA_DIR) + "/text/tiny.model"; }
inline std::string CorpusPath() { return std::string(XMAS_TEST_DATA_DIR) + "/text/corpus.txt"; }

inline Tokenizer LoadTiny() {
  auto tok = Tokenizer::Load(TinyModelPath());
  if (!tok.ok()) ADD_FAILURE() << tok.status().ToString();
  return std::move(tok).value();
}

}  // namespace xmas::text::testing
