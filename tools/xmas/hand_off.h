// The `xmas` executable carries only the commands that need no libtorch; the
// rest live in `xmas-torch`, installed beside it (tools/xmas/CMakeLists.txt
// says why). These two functions decide and perform the hand-off.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace xmas::cli {

// True when `app` (with this executable's commands registered) cannot run the
// command line itself: its first command word is not one of `app`'s
// subcommands, or it asks for the top-level help (which lists every command).
bool NeedsHandOff(const CLI::App& app, int argc, char** argv);

// Replaces this process with `program` from this executable's folder, given
// the same arguments (argv[0] included, so messages still say `xmas`), with
// OMP_WAIT_POLICY=PASSIVE added to the environment unless already set
// (docs/performance.md, "Threads"). Returns only on failure, with a one-line
// message.
std::string HandOff(const char* program, char** argv);

}  // namespace xmas::cli
