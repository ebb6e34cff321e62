// Training a SentencePiece tokenizer on a dataset's own text, so the demo's
// tiny language models need no downloaded vocabulary.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "xmas/data/dataset.h"
#include "xmas/util/status.h"

namespace xmas::text {

struct TokenizerTrainOptions {
  // Target vocabulary size (pieces, control pieces included). A soft limit:
  // a corpus too small for it yields a smaller vocabulary instead of failing.
  int32_t vocab_size = 2000;
  std::string model_type = "unigram";  // unigram, bpe, char or word
  // Ids 0..3 are unk, bos ("<s>"), eos ("</s>"), pad ("<pad>"), as in Llama.
  // byte_fallback maps unseen characters to byte pieces instead of unk.
  bool byte_fallback = true;
  // Spaces kept as written (Llama's tokenizer.model does so): "ASSISTANT: "
  // then ends in a "▁" token, which LLaVA's label rule for llava_v1 and
  // vicuna_v1 ("instruction = tokens - 2") counts on. Off, SentencePiece drops
  // leading/trailing/repeated spaces and that rule also trains on the ":".
  bool keep_whitespace = true;
  // Training is single-threaded by default, which keeps the result identical
  // from run to run.
  int32_t num_threads = 1;
};

// Every conversation value of every record ("<image>" markers removed), in
// file order, then the chat templates' fixed text (system prompt, role tags).
// Errors name the record.
Result<std::vector<std::string>> CollectSentences(const data::Dataset& dataset);

// Loads the LLaVA JSON file at `data_path`, collects its text and trains
// (the work of `xmas tokenizer train`). Refuses out_path == data_path.
Status TrainTokenizerOnDataset(const std::string& data_path, const TokenizerTrainOptions& options,
                               const std::string& out_path);

// Trains on the sentences (held in memory; nothing is written but the model)
// and writes the `.model` file atomically to `out_path`.
Status TrainTokenizer(const std::vector<std::string>& sentences,
                      const TokenizerTrainOptions& options, const std::string& out_path);

// Same, returning the serialized model instead of writing it.
Result<std::string> TrainTokenizerToProto(const std::vector<std::string>& sentences,
                                          const TokenizerTrainOptions& options);

// Removes every "<image>" marker and, if there was one, the white space at
// both ends of what remains (as LLaVA's preprocessing does). Text without a
// marker is returned unchanged. Shared with the chat templates.
std::string StripImageMarkers(const std::string& text);

// Python's str.strip(): leading and trailing Unicode whitespace removed.
std::string PyStrip(const std::string& text);

}  // namespace xmas::text
