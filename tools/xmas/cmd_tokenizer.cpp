// `xmas tokenizer train|encode`: train a SentencePiece tokenizer on a
// dataset's text, and inspect how text or a record is tokenized.
#include <iostream>
#include <memory>

#include "command.h"
#include "xmas/data/dataset.h"
#include "xmas/text/chat_template.h"
#include "xmas/text/tokenizer.h"
#include "xmas/text/tokenizer_train.h"

namespace {

struct TrainArgs {
  std::string data;
  std::string out;
  xmas::text::TokenizerTrainOptions options;
  bool no_byte_fallback = false;
};

struct EncodeArgs {
  std::string model;
  std::string text;
  std::string data;
  long index = -1;
  std::string chat_template = "llava_v1";
  int64_t image_tokens = 4;
  int64_t max_length = 0;
};

xmas::Status RunTrain(TrainArgs args) {
  args.options.byte_fallback = !args.no_byte_fallback;
  return xmas::text::TrainTokenizerOnDataset(args.data, args.options, args.out);
}

xmas::Status EncodeRecord(const xmas::text::Tokenizer& tok, const EncodeArgs& args) {
  XMAS_ASSIGN_OR_RETURN(auto kind, xmas::text::ParseTemplateKind(args.chat_template));
  XMAS_ASSIGN_OR_RETURN(auto dataset, xmas::data::Dataset::Load(args.data));
  if (args.index < 0 || static_cast<size_t>(args.index) >= dataset.size()) {
    return xmas::Status::Usage("--index " + std::to_string(args.index) + " is out of range: " +
                               args.data + " has " + std::to_string(dataset.size()) + " records");
  }
  xmas::text::TemplateOptions options;
  options.kind = kind;
  options.num_image_tokens = args.image_tokens;
  options.max_length = args.max_length;
  options.allow_no_answer = true;  // inspection shows what would be dropped
  XMAS_ASSIGN_OR_RETURN(auto ex, xmas::text::EncodeRecord(tok, dataset, args.index, options));
  std::cout << "pos\tid\tlabel\tpiece\tregion\n" << xmas::text::FormatExample(tok, ex);
  return xmas::Status::Ok();
}

xmas::Status RunEncode(const EncodeArgs& args) {
  XMAS_ASSIGN_OR_RETURN(auto tok, xmas::text::Tokenizer::Load(args.model));
  if (args.text.empty() == args.data.empty()) {
    return xmas::Status::Usage("give either TEXT or --data with --index");
  }
  if (!args.data.empty()) return EncodeRecord(tok, args);
  XMAS_ASSIGN_OR_RETURN(auto ids, tok.Encode(args.text));
  std::cout << "pos\tid\tpiece\n" << xmas::text::FormatTokens(tok, ids);
  return xmas::Status::Ok();
}

void AddTrain(CLI::App* group) {
  auto* cmd = group->add_subcommand("train", "Train a SentencePiece tokenizer on a dataset's text");
  auto args = std::make_shared<TrainArgs>();
  cmd->add_option("DATA", args->data, "LLaVA JSON file (all conversation values are used)")
      ->required();
  cmd->add_option("-o,--out", args->out, "Output .model file")->required();
  cmd->add_option("--vocab", args->options.vocab_size,
                  "Vocabulary size (a soft limit: a small corpus gives fewer pieces)")
      ->capture_default_str();
  cmd->add_option("--model-type", args->options.model_type, "unigram, bpe, char or word")
      ->check(CLI::IsMember({"unigram", "bpe", "char", "word"}))
      ->capture_default_str();
  cmd->add_flag("--no-byte-fallback", args->no_byte_fallback,
                "Map unseen characters to <unk> instead of byte pieces (allows --vocab < 300)");
  xmas::cli::SetAction(cmd, [args] { return RunTrain(*args); });
}

void AddEncode(CLI::App* group) {
  auto* cmd = group->add_subcommand(
      "encode", "Show the tokens of a text, or of a dataset record under a chat template");
  auto args = std::make_shared<EncodeArgs>();
  cmd->add_option("TEXT", args->text, "Text to tokenize");
  cmd->add_option("-m,--model", args->model, "SentencePiece .model file")->required();
  cmd->add_option("--data", args->data, "LLaVA JSON file (with --index)");
  cmd->add_option("--index", args->index, "Record index in --data");
  cmd->add_option("--template", args->chat_template, "llava_v1 or plain")->capture_default_str();
  cmd->add_option("--image-tokens", args->image_tokens, "Image positions per <image>")
      ->capture_default_str();
  cmd->add_option("--max-length", args->max_length, "Truncate to this many tokens (0: no limit)")
      ->capture_default_str();
  xmas::cli::SetAction(cmd, [args] { return RunEncode(*args); });
}

void AddTokenizer(CLI::App& app) {
  CLI::App* group = xmas::cli::GetOrAddGroup(app, "tokenizer");
  AddTrain(group);
  AddEncode(group);
}
XMAS_COMMAND("tokenizer", AddTokenizer);

}  // namespace
