// Normalisation and pre-tokenisation of byte-level BPE on ICU (Debian's
// libicu: Unicode normal forms and a regex engine with \p{..} classes and
// look-ahead, which the GPT-2 family's patterns need).
#include <unicode/uregex.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>

#include <array>

#include "xmas/text/bpe_model.h"

namespace xmas::text {
namespace {

struct RegexCloser {
  void operator()(URegularExpression* re) const { uregex_close(re); }
};
using Regex = std::unique_ptr<URegularExpression, RegexCloser>;

struct UTextCloser {
  void operator()(UText* t) const { utext_close(t); }
};
using Text = std::unique_ptr<UText, UTextCloser>;

bool IsAscii(std::string_view s) {
  for (unsigned char c : s) {
    if (c >= 0x80) return false;
  }
  return true;
}

std::array<std::string, 256> MakeByteTable() {
  std::array<std::string, 256> table;
  int next = 256;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || (b >= 174);
    const int cp = printable ? b : next++;
    std::string utf8;
    if (cp < 0x80) {
      utf8 += static_cast<char>(cp);
    } else {
      utf8 += static_cast<char>(0xC0 | (cp >> 6));
      utf8 += static_cast<char>(0x80 | (cp & 0x3F));
    }
    table[b] = utf8;
  }
  return table;
}

const std::array<std::string, 256>& ByteTable() {
  static const auto* table = new std::array<std::string, 256>(MakeByteTable());
  return *table;
}

// Code point (< 0x800 here) -> byte, -1 outside the alphabet.
const std::array<int, 512>& InverseTable() {
  static const auto* inverse = [] {
    auto* inv = new std::array<int, 512>();
    inv->fill(-1);
    const auto& table = ByteTable();
    for (int b = 0; b < 256; ++b) {
      const std::string& s = table[b];
      const int cp = s.size() == 1 ? static_cast<unsigned char>(s[0])
                                   : ((s[0] & 0x1F) << 6) | (s[1] & 0x3F);
      (*inv)[cp] = b;
    }
    return inv;
  }();
  return *inverse;
}

}  // namespace

const std::string& ByteToUnicode(uint8_t byte) { return ByteTable()[byte]; }

bool UnicodeToBytes(std::string_view piece, std::string* out) {
  const auto& inv = InverseTable();
  for (size_t i = 0; i < piece.size();) {
    const auto c = static_cast<unsigned char>(piece[i]);
    int cp = -1;
    if (c < 0x80) {
      cp = c;
      i += 1;
    } else if ((c & 0xE0) == 0xC0 && i + 1 < piece.size()) {
      cp = ((c & 0x1F) << 6) | (piece[i + 1] & 0x3F);
      i += 2;
    }
    if (cp < 0 || cp >= 512 || inv[cp] < 0) return false;
    *out += static_cast<char>(inv[cp]);
  }
  return true;
}

struct PreTokenizer::Impl {
  std::vector<Regex> regexes;  // compiled once; cloned per call (not thread-safe)
  std::vector<bool> remove;
  const UNormalizer2* normalizer = nullptr;
  bool add_prefix_space = false;
};

PreTokenizer::~PreTokenizer() = default;

Result<std::unique_ptr<PreTokenizer>> PreTokenizer::Compile(const PreTokenizerSpec& spec,
                                                            const std::string& name) {
  std::unique_ptr<PreTokenizer> out(new PreTokenizer());
  out->impl_ = std::make_unique<Impl>();
  UErrorCode status = U_ZERO_ERROR;
  if (spec.normalizer == PreTokenizerSpec::Normalizer::kNfc) {
    out->impl_->normalizer = unorm2_getNFCInstance(&status);
  } else if (spec.normalizer == PreTokenizerSpec::Normalizer::kNfkc) {
    out->impl_->normalizer = unorm2_getNFKCInstance(&status);
  }
  if (U_FAILURE(status)) return Status::Internal(name + ": ICU normalizer: " + u_errorName(status));
  for (const auto& split : spec.splits) {
    status = U_ZERO_ERROR;
    Text pattern(utext_openUTF8(nullptr, split.pattern.data(),
                                static_cast<int64_t>(split.pattern.size()), &status));
    UParseError where{};
    Regex re(uregex_openUText(pattern.get(), split.literal ? UREGEX_LITERAL : 0, &where, &status));
    if (U_FAILURE(status)) {
      return Status::InvalidInput(name + ": pre_tokenizer pattern '" + split.pattern +
                                  "' does not compile: " + u_errorName(status) + " at offset " +
                                  std::to_string(where.offset));
    }
    out->impl_->regexes.push_back(std::move(re));
    out->impl_->remove.push_back(split.remove);
  }
  out->impl_->add_prefix_space = spec.add_prefix_space;
  return out;
}

namespace {

Result<std::string> Normalize(const UNormalizer2* norm, std::string_view text) {
  if (norm == nullptr || IsAscii(text)) return std::string(text);
  UErrorCode status = U_ZERO_ERROR;
  int32_t n16 = 0;
  u_strFromUTF8WithSub(nullptr, 0, &n16, text.data(), static_cast<int32_t>(text.size()), 0xFFFD,
                       nullptr, &status);
  std::u16string in(n16, u'\0');
  status = U_ZERO_ERROR;
  u_strFromUTF8WithSub(in.data(), n16, nullptr, text.data(), static_cast<int32_t>(text.size()),
                       0xFFFD, nullptr, &status);
  std::u16string out(n16 * 2 + 8, u'\0');
  int32_t len = unorm2_normalize(norm, in.data(), n16, out.data(), static_cast<int32_t>(out.size()), &status);
  if (status == U_BUFFER_OVERFLOW_ERROR) {  // NFKC can expand a character many times
    out.assign(len, u'\0');
    status = U_ZERO_ERROR;
    len = unorm2_normalize(norm, in.data(), n16, out.data(), len, &status);
  }
  std::string utf8(static_cast<size_t>(len) * 3 + 4, '\0');
  int32_t n8 = 0;
  u_strToUTF8(utf8.data(), static_cast<int32_t>(utf8.size()), &n8, out.data(), len, &status);
  if (U_FAILURE(status)) return Status::InvalidInput(std::string("normalizing text: ") + u_errorName(status));
  utf8.resize(n8);
  return utf8;
}

// Splits every piece by one regex (matches and the gaps between them).
Status SplitPieces(const URegularExpression* compiled, bool remove, std::vector<std::string>* pieces) {
  UErrorCode status = U_ZERO_ERROR;
  Regex re(uregex_clone(compiled, &status));
  std::vector<std::string> out;
  for (const std::string& piece : *pieces) {
    Text text(utext_openUTF8(nullptr, piece.data(), static_cast<int64_t>(piece.size()), &status));
    uregex_setUText(re.get(), text.get(), &status);
    int64_t last = 0;
    while (U_SUCCESS(status) && uregex_findNext(re.get(), &status)) {
      const int64_t begin = uregex_start64(re.get(), 0, &status);
      const int64_t end = uregex_end64(re.get(), 0, &status);
      if (end == begin) continue;
      if (begin > last) out.push_back(piece.substr(last, begin - last));
      if (!remove) out.push_back(piece.substr(begin, end - begin));
      last = end;
    }
    if (last < static_cast<int64_t>(piece.size())) out.push_back(piece.substr(last));
    if (U_FAILURE(status)) return Status::Internal(std::string("pre-tokenizer regex: ") + u_errorName(status));
  }
  *pieces = std::move(out);
  return Status::Ok();
}

}  // namespace

Status PreTokenizer::Run(std::string_view text, std::vector<std::string>* out) const {
  XMAS_ASSIGN_OR_RETURN(std::string normalized, Normalize(impl_->normalizer, text));
  if (normalized.empty()) return Status::Ok();
  if (impl_->add_prefix_space && normalized[0] != ' ') normalized.insert(0, 1, ' ');
  std::vector<std::string> pieces{std::move(normalized)};
  for (size_t i = 0; i < impl_->regexes.size(); ++i) {
    XMAS_RETURN_IF_ERROR(SplitPieces(impl_->regexes[i].get(), impl_->remove[i], &pieces));
  }
  for (const std::string& piece : pieces) {
    std::string mapped;
    for (unsigned char c : piece) mapped += ByteToUnicode(c);
    out->push_back(std::move(mapped));
  }
  return Status::Ok();
}

}  // namespace xmas::text
