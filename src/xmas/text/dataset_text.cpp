// The functions of the text component that read a data::Dataset. They live
// apart so that code working on plain strings and turns does not pull in the
// dataset reader.
#include "xmas/text/chat_template.h"
#include "xmas/text/tokenizer_train.h"
#include "xmas/text/tokenizer.h"
#include "xmas/util/atomic_file.h"
#include "xmas/util/log.h"
#include "xmas/util/progress.h"

namespace xmas::text {

Result<std::vector<std::string>> CollectSentences(const data::Dataset& dataset) {
  std::vector<std::string> sentences;
  Progress bar("collect text", dataset.size(), "rec");
  for (size_t i = 0; i < dataset.size(); ++i) {
    XMAS_ASSIGN_OR_RETURN(auto turns, dataset.Conversations(i));
    for (auto& turn : turns) {
      std::string value = StripImageMarkers(turn.value);
      if (!value.empty()) sentences.push_back(std::move(value));
    }
    bar.Add(1);
  }
  bar.Finish();
  // The templates' fixed text, so the system prompt and role tags never fall
  // back to <unk> or bytes even when the data never spells them.
  sentences.push_back(kLlavaV1System);
  sentences.push_back("USER: ASSISTANT:");
  return sentences;
}

Status TrainTokenizerOnDataset(const std::string& data_path, const TokenizerTrainOptions& options,
                               const std::string& out_path) {
  XMAS_RETURN_IF_ERROR(CheckOutputIsNotInput(out_path, {data_path}));
  XMAS_ASSIGN_OR_RETURN(auto dataset, data::Dataset::Load(data_path));
  XMAS_ASSIGN_OR_RETURN(auto sentences, CollectSentences(dataset));
  XMAS_ASSIGN_OR_RETURN(std::string proto, TrainTokenizerToProto(sentences, options));
  XMAS_ASSIGN_OR_RETURN(auto tok, Tokenizer::FromSerialized(proto, out_path));
  XMAS_RETURN_IF_ERROR(WriteFileAtomic(out_path, proto));
  log::Info("wrote ", out_path, ": ", tok.vocab_size(), " pieces (image id ", tok.image_id(),
            ", embedding rows ", tok.embedding_rows(), ")");
  return Status::Ok();
}

Result<EncodedExample> EncodeRecord(const Tokenizer& tokenizer, const data::Dataset& dataset,
                                    size_t i, const TemplateOptions& options) {
  auto turns = dataset.Conversations(i);
  if (!turns.ok()) return turns.status();
  auto ex = EncodeConversation(tokenizer, *turns, dataset[i].has_image(), options);
  if (!ex.ok()) return ex.status().WithPrefix(dataset.Where(i));
  return ex;
}

}  // namespace xmas::text
