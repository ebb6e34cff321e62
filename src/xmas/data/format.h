// The dataset file formats xmas reads and writes (docs/formats.md, "Datasets").
//
// A dataset file is a container of records, and each record follows a
// schema; the two are detected independently:
//   container  json   one JSON array of record objects           ("[" first)
//              jsonl  JSON Lines: one record object per line       ("{" first)
//   schema     llava     "conversations": [{"from", "value"}], "image"
//              messages  "messages": [{"role", "content"}], "images"
//                        (ShareGPT / LLaMA-Factory / ms-swift style)
// Either schema takes one image path or a list of them ("image" or
// "images"); a file must not mix schemas.
#pragma once

#include <string>
#include <string_view>

#include "xmas/util/status.h"

namespace xmas::data {

enum class Container { kJsonArray, kJsonLines };
enum class Schema { kLlava, kMessages };

struct DatasetFormat {
  Container container = Container::kJsonArray;
  Schema schema = Schema::kLlava;

  // "json" / "jsonl".
  const char* container_name() const { return container == Container::kJsonLines ? "jsonl" : "json"; }
  // "llava" / "messages".
  const char* schema_name() const { return schema == Schema::kMessages ? "messages" : "llava"; }
  // "jsonl, messages": what `xmas data stats/validate` print.
  std::string Name() const { return std::string(container_name()) + ", " + schema_name(); }
};

// The container of a file from its first non-whitespace byte ('[' or '{').
// Errors: "<name>: empty file: ..." or "<name>: expected a JSON array of
// records or JSON Lines (one object per line), found '<c>'".
Result<Container> DetectContainer(std::string_view first_bytes, const std::string& name);

// The keys a schema uses for the turn list, a turn's speaker and text.
struct SchemaKeys {
  const char* turns;    // "conversations" / "messages"
  const char* speaker;  // "from" / "role"
  const char* text;     // "value" / "content"
  const char* first;    // the speaker who opens: "human" / "user"
  const char* second;   // who answers: "gpt" / "assistant"
};
const SchemaKeys& KeysOf(Schema schema);
// "LLaVA" / "ShareGPT messages", for messages.
const char* FormatNameOf(Schema schema);

}  // namespace xmas::data
