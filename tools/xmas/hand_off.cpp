#include "hand_off.h"

#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string_view>

namespace xmas::cli {

bool NeedsHandOff(const CLI::App& app, int argc, char** argv) {
  bool asks_help = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--log-level") {  // the one global option that takes a value
      ++i;
      continue;
    }
    if (arg == "-h" || arg == "--help" || arg == "--help-all") asks_help = true;
    if (arg.empty() || arg[0] == '-') continue;
    if (asks_help) return true;
    for (const CLI::App* command : app.get_subcommands({})) {  // the command word
      if (command->check_name(std::string(arg))) return false;
    }
    return true;
  }
  return asks_help;
}

std::string HandOff(const char* program, char** argv) {
  std::error_code ec;
  const std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::string("cannot find this executable's folder (/proc/self/exe): ") + ec.message();
  const std::string path = (self.parent_path() / program).string();
  // OpenMP threads that wait sleep instead of spinning (libgomp reads this
  // when libtorch loads it, hence here): a spinning thread on a busy core
  // made 2-thread runs many times slower (src/xmas/train/threads.h). A
  // value the user set is kept.
  ::setenv("OMP_WAIT_POLICY", "PASSIVE", /*overwrite=*/0);
  ::execv(path.c_str(), argv);
  return "this command is in " + path + ", which cannot be started: " + std::strerror(errno) +
         " (it is built with xmas; rebuild with scripts/build.sh)";
}

}  // namespace xmas::cli
