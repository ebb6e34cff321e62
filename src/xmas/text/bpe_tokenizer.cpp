// Byte-level BPE encoding (see bpe_model.h).
#include <algorithm>
#include <limits>

#include "xmas/text/bpe_model.h"

namespace xmas::text {
namespace {

uint64_t PairKey(int32_t a, int32_t b) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }

size_t Utf8Length(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  return 4;
}

}  // namespace

Result<std::unique_ptr<BpeTokenizer>> BpeTokenizer::Load(const std::string& tokenizer_json,
                                                         const std::string& config_json) {
  std::unique_ptr<BpeTokenizer> tok(new BpeTokenizer());
  XMAS_ASSIGN_OR_RETURN(tok->spec_, ReadBpeSpec(tokenizer_json, config_json));
  XMAS_RETURN_IF_ERROR(tok->Init(tokenizer_json));
  return tok;
}

Status BpeTokenizer::Init(const std::string& name) {
  name_ = name;
  XMAS_ASSIGN_OR_RETURN(pre_, PreTokenizer::Compile(spec_.pre, name));
  int32_t size = 0;
  for (const auto& [piece, id] : spec_.vocab) size = std::max(size, id + 1);
  for (const AddedToken& t : spec_.added) size = std::max(size, t.id + 1);
  pieces_.assign(size, "");
  special_.assign(size, false);
  for (const auto& [piece, id] : spec_.vocab) {
    if (id < 0) return Status::InvalidInput(name + ": field 'model.vocab': negative id for '" + piece + "'");
    pieces_[id] = piece;
  }
  added_by_byte_.assign(256, {});
  for (const AddedToken& t : spec_.added) {
    if (t.id < 0 || t.content.empty()) {
      return Status::InvalidInput(name + ": field 'added_tokens': bad entry for id " + std::to_string(t.id));
    }
    pieces_[t.id] = t.content;
    special_[t.id] = t.special;
    added_by_byte_[static_cast<unsigned char>(t.content[0])].push_back(t.id);
  }
  for (auto& ids : added_by_byte_) {
    std::stable_sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) {
      return pieces_[a].size() > pieces_[b].size();
    });
  }
  merges_.reserve(spec_.merges.size());
  for (size_t rank = 0; rank < spec_.merges.size(); ++rank) {
    const auto& [a, b] = spec_.merges[rank];
    const auto ia = spec_.vocab.find(a), ib = spec_.vocab.find(b), iab = spec_.vocab.find(a + b);
    if (ia == spec_.vocab.end() || ib == spec_.vocab.end() || iab == spec_.vocab.end()) {
      return Status::InvalidInput(name + ": field 'model.merges': merge " + std::to_string(rank) +
                                  " ('" + a + "' '" + b + "') uses a token not in model.vocab");
    }
    merges_.emplace(PairKey(ia->second, ib->second),
                    std::make_pair(static_cast<int32_t>(rank), iab->second));
  }
  for (int b = 0; b < 256; ++b) {
    if (spec_.vocab.count(ByteToUnicode(static_cast<uint8_t>(b))) == 0) {
      return Status::InvalidInput(name + ": field 'model.vocab': byte " + std::to_string(b) +
                                  " has no token: not a byte-level BPE");
    }
  }
  return Status::Ok();
}

void BpeTokenizer::Merge(const std::string& piece, std::vector<int32_t>* out) const {
  if (spec_.ignore_merges) {
    const auto it = spec_.vocab.find(piece);
    if (it != spec_.vocab.end()) {
      out->push_back(it->second);
      return;
    }
  }
  std::vector<int32_t> symbols;
  for (size_t i = 0; i < piece.size();) {
    const size_t n = Utf8Length(static_cast<unsigned char>(piece[i]));
    symbols.push_back(spec_.vocab.at(piece.substr(i, n)));  // every byte has a token (Init)
    i += n;
  }
  while (symbols.size() > 1) {
    int32_t best_rank = std::numeric_limits<int32_t>::max(), best_id = -1;
    size_t best = 0;
    for (size_t i = 0; i + 1 < symbols.size(); ++i) {
      const auto it = merges_.find(PairKey(symbols[i], symbols[i + 1]));
      if (it != merges_.end() && it->second.first < best_rank) {
        best_rank = it->second.first;
        best_id = it->second.second;
        best = i;
      }
    }
    if (best_id < 0) break;
    symbols[best] = best_id;
    symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  out->insert(out->end(), symbols.begin(), symbols.end());
}

Status BpeTokenizer::EncodeSegment(std::string_view text, std::vector<int32_t>* out) const {
  if (text.empty()) return Status::Ok();
  std::vector<std::string> pieces;
  XMAS_RETURN_IF_ERROR(pre_->Run(text, &pieces));
  for (const std::string& piece : pieces) Merge(piece, out);
  return Status::Ok();
}

Result<std::vector<int32_t>> BpeTokenizer::Encode(std::string_view text) const {
  std::vector<int32_t> out;
  size_t segment = 0, pos = 0;
  while (pos < text.size()) {
    int32_t match = -1;
    for (int32_t id : added_by_byte_[static_cast<unsigned char>(text[pos])]) {
      if (text.compare(pos, pieces_[id].size(), pieces_[id]) == 0) {
        match = id;
        break;
      }
    }
    if (match < 0) {
      ++pos;
      continue;
    }
    const AddedToken& token = *std::find_if(spec_.added.begin(), spec_.added.end(),
                                            [&](const AddedToken& t) { return t.id == match; });
    size_t end = pos;
    if (token.lstrip) {
      while (end > segment && IsSpace(text[end - 1])) --end;
    }
    XMAS_RETURN_IF_ERROR(EncodeSegment(text.substr(segment, end - segment), &out));
    out.push_back(match);
    pos += pieces_[match].size();
    if (token.rstrip) {
      while (pos < text.size() && IsSpace(text[pos])) ++pos;
    }
    segment = pos;
  }
  XMAS_RETURN_IF_ERROR(EncodeSegment(text.substr(segment), &out));
  return out;
}

std::string BpeTokenizer::Decode(const std::vector<int32_t>& ids) const {
  std::string out;
  for (int32_t id : ids) {
    if (id < 0 || id >= size() || special_[id]) continue;
    const std::string& piece = pieces_[id];
    const bool added = std::any_of(spec_.added.begin(), spec_.added.end(),
                                   [&](const AddedToken& t) { return t.id == id; });
    if (added || !UnicodeToBytes(piece, &out)) out += piece;
  }
  return out;
}

std::string BpeTokenizer::Piece(int32_t id) const {
  return id >= 0 && id < size() ? pieces_[id] : "";
}

int32_t BpeTokenizer::Find(const std::string& token) const {
  for (const AddedToken& t : spec_.added) {
    if (t.content == token) return t.id;
  }
  const auto it = spec_.vocab.find(token);
  return it != spec_.vocab.end() ? it->second : -1;
}

}  // namespace xmas::text
