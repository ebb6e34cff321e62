// Runs the built `xmas` binary (the macro XMAS_BINARY, defined for test
// executables declared with NEEDS_CLI) and captures what a user would see:
// the exit code, stdout and stderr. Header-only, shared by the test folders
// that check the command line.
#pragma once

#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace xmas::clitest {

struct CliRun {
  int code = -1;    // exit status; -1 when killed by a signal
  std::string out;  // stdout
  std::string err;  // stderr
};

// `xmas ARGS` through the shell; stdout/stderr go to files in `scratch_dir`.
inline CliRun RunXmas(const std::string& args, const std::filesystem::path& scratch_dir) {
  const std::filesystem::path out = scratch_dir / "stdout.txt", err = scratch_dir / "stderr.txt";
  const std::string command = std::string(XMAS_BINARY) + " " + args + " >" + out.string() + " 2>" + err.string();
  const int status = std::system(command.c_str());
  auto slurp = [](const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  CliRun run;
  run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  run.out = slurp(out);
  run.err = slurp(err);
  return run;
}

}  // namespace xmas::clitest
