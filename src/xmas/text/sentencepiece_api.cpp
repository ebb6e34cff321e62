#include "xmas/text/sentencepiece_api.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <mutex>
#include <string>
#include <vector>

namespace xmas::text {
namespace {

constexpr const char* kShimName = "libxmas_sentencepiece.so";

// The shim and libsentencepiece must resolve protobuf to sentencepiece's own
// bundled copy, never to libtorch's libprotobuf (sentencepiece_shim.h).
// Normally RTLD_DEEPBIND does that. The sanitizer runtimes refuse
// RTLD_DEEPBIND, so sanitizer builds load the shim into a link namespace of
// its own (dlmopen), where libtorch's libraries are not visible at all; the
// shim is built without sanitizers there (text/CMakeLists.txt), as that
// namespace has no sanitizer runtime. Only C types and the shim's own
// malloc/free cross the boundary, so the second C library is harmless.
void* OpenShim(const std::string& path) {
#ifdef XMAS_SPM_OWN_NAMESPACE
  return dlmopen(LM_ID_NEWLM, path.c_str(), RTLD_NOW | RTLD_LOCAL);
#else
  return dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
#endif
}

std::vector<std::string> CandidatePaths() {
  std::vector<std::string> paths;
  if (const char* env = std::getenv("XMAS_SENTENCEPIECE_SHIM"); env != nullptr && *env != '\0') {
    paths.push_back(env);
  }
#ifdef XMAS_SPM_SHIM_PATH
  paths.push_back(XMAS_SPM_SHIM_PATH);
#endif
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    paths.push_back((exe.parent_path() / kShimName).string());
    paths.push_back((exe.parent_path().parent_path() / "lib" / kShimName).string());
  }
  return paths;
}

template <typename Fn>
bool Bind(void* handle, const char* name, Fn* out) {
  *out = reinterpret_cast<Fn>(dlsym(handle, name));
  return *out != nullptr;
}

Result<const SentencePieceApi*> Load() {
  static SentencePieceApi api;
  std::string tried;
  for (const std::string& path : CandidatePaths()) {
    void* handle = OpenShim(path);
    if (handle == nullptr) {
      tried += (tried.empty() ? "" : "; ") + std::string(dlerror());
      continue;
    }
    const bool ok = Bind(handle, "xmas_spm_load", &api.load) &&
                    Bind(handle, "xmas_spm_free", &api.free_model) &&
                    Bind(handle, "xmas_spm_free_buffer", &api.free_buffer) &&
                    Bind(handle, "xmas_spm_piece_size", &api.piece_size) &&
                    Bind(handle, "xmas_spm_special_id", &api.special_id) &&
                    Bind(handle, "xmas_spm_encode", &api.encode) &&
                    Bind(handle, "xmas_spm_decode", &api.decode) &&
                    Bind(handle, "xmas_spm_id_to_piece", &api.id_to_piece) &&
                    Bind(handle, "xmas_spm_train", &api.train);
    if (ok) return &api;
    tried += (tried.empty() ? "" : "; ") + path + ": missing symbols";
    dlclose(handle);
  }
  return Status::NotFound(std::string("cannot load the SentencePiece shim ") + kShimName +
                          " (set XMAS_SENTENCEPIECE_SHIM to its path): " + tried);
}

}  // namespace

Result<const SentencePieceApi*> GetSentencePieceApi() {
  static std::once_flag once;
  static Result<const SentencePieceApi*> result = Status::Internal("not loaded");
  std::call_once(once, [] { result = Load(); });
  return result;
}

}  // namespace xmas::text
