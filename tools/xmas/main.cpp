// xmas: data selection for visual instruction tuning via cross-modal
// alignment trajectories. This file holds the global options only; each
// subcommand lives in its own cmd_*.cpp and registers itself (command.h).
#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>

#include "command.h"
#ifdef XMAS_HANDS_OFF_TO
#include "hand_off.h"
#endif
#include "xmas/util/log.h"

namespace {
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitUsage = 2;
}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"xmas " XMAS_VERSION_STRING
               " - choose a small, balanced subset of a visual instruction-tuning set\n"
               "from the cross-modal alignment trajectories of a proxy model (XMAS)."};
  app.set_help_all_flag("--help-all", "Show help for every command");
  app.require_subcommand(1);
  app.fallthrough();

  bool quiet = false;
  std::string log_level = "info";
  app.add_flag("-q,--quiet", quiet, "Only print warnings and errors (no progress)");
  app.add_option("--log-level", log_level, "debug, info, warn, error or off")
      ->check(CLI::IsMember({"debug", "info", "warn", "warning", "error", "off"}))
      ->capture_default_str();
  app.add_flag_callback("--version", [] {
    std::cout << "xmas " << XMAS_VERSION_STRING << "\n";
    throw CLI::Success();
  }, "Print the version and exit");
  app.parse_complete_callback([&] {
    xmas::log::Level level = xmas::log::Level::kInfo;
    xmas::log::ParseLevel(log_level, &level);
    if (quiet && level < xmas::log::Level::kWarn) level = xmas::log::Level::kWarn;
    xmas::log::SetLevel(level);
  });

  xmas::cli::AddRegisteredCommands(app);
#ifdef XMAS_HANDS_OFF_TO
  if (xmas::cli::NeedsHandOff(app, argc, argv)) {
    const std::string why = xmas::cli::HandOff(XMAS_HANDS_OFF_TO, argv);
    std::fprintf(stderr, "xmas: error: %s\n", why.c_str());
    return kExitFailure;
  }
#endif

  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? kExitOk : kExitUsage;
  } catch (const xmas::cli::CommandFailed& failed) {
    std::fprintf(stderr, "xmas: error: %s\n", failed.status.message().c_str());
    return failed.status.code() == xmas::Status::Code::kUsage ? kExitUsage : kExitFailure;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "xmas: error: %s\n", e.what());
    return kExitFailure;
  }
  return kExitOk;
}
