// `xmas version`: the version and the libraries this build links.
#include <iostream>

#include "command.h"

namespace {
void AddVersion(CLI::App& app) {
  auto* cmd = app.add_subcommand("version", "Print the xmas version");
  xmas::cli::SetAction(cmd, [] {
    std::cout << "xmas " << XMAS_VERSION_STRING << "\n";
    return xmas::Status::Ok();
  });
}
XMAS_COMMAND("version", AddVersion);
}  // namespace
