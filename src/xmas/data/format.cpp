#include "xmas/data/format.h"

namespace xmas::data {

Result<Container> DetectContainer(std::string_view bytes, const std::string& name) {
  const size_t first = bytes.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) {
    return Status::InvalidInput(name + ": empty file: expected a JSON array of records or JSON Lines");
  }
  if (bytes[first] == '[') return Container::kJsonArray;
  if (bytes[first] == '{') return Container::kJsonLines;
  return Status::InvalidInput(name + ": expected a JSON array of records at the top level, or JSON Lines " +
                              "(one record object per line); found '" + std::string(1, bytes[first]) + "'");
}

const SchemaKeys& KeysOf(Schema schema) {
  static const SchemaKeys llava{"conversations", "from", "value", "human", "gpt"};
  static const SchemaKeys messages{"messages", "role", "content", "user", "assistant"};
  return schema == Schema::kMessages ? messages : llava;
}

const char* FormatNameOf(Schema schema) { return schema == Schema::kMessages ? "ShareGPT messages" : "LLaVA"; }

}  // namespace xmas::data
