// The `xmas` executable runs the commands that need no libtorch itself and
// hands the others to `xmas-torch` beside it (tools/xmas/hand_off.h).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "../common/cli_run.h"

namespace {
namespace fs = std::filesystem;
using xmas::clitest::CliRun;
using xmas::clitest::RunXmas;

fs::path Scratch(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("xmas-cli-" + name + "-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

std::string Slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool Has(const std::string& text, const std::string& what) { return text.find(what) != std::string::npos; }

TEST(HandOff, TopLevelHelpListsEveryCommand) {
  const fs::path dir = Scratch("help");
  for (const char* help : {"--help", "-q --help"}) {
    CliRun run = RunXmas(help, dir);
    EXPECT_EQ(run.code, 0) << run.err;
    for (const char* command : {"select", "data", "train", "trajectories", "experiment", "demo", "eval"}) {
      EXPECT_TRUE(Has(run.out, std::string("  ") + command)) << command << " missing from\n" << run.out;
    }
  }
}

TEST(HandOff, EachHalfRunsItsCommands) {
  const fs::path dir = Scratch("halves");
  CliRun select = RunXmas("select --help", dir);
  EXPECT_EQ(select.code, 0) << select.err;
  EXPECT_TRUE(Has(select.out, "--trajectories")) << select.out;
  CliRun train = RunXmas("--log-level warn train --help", dir);
  EXPECT_EQ(train.code, 0) << train.err;
  EXPECT_TRUE(Has(train.out, "--resume")) << train.out;
  // Usage errors keep their exit code through the hand-off.
  CliRun bad = RunXmas("train --no-such-flag", dir);
  EXPECT_EQ(bad.code, 2) << bad.err;
  CliRun unknown = RunXmas("no-such-command", dir);
  EXPECT_EQ(unknown.code, 2) << unknown.err;
  CliRun version = RunXmas("--version", dir);
  EXPECT_EQ(version.code, 0);
  EXPECT_TRUE(Has(version.out, "xmas ")) << version.out;
}

TEST(HandOff, XmasItselfDoesNotLoadLibtorch) {
  // What ldd does: the loader lists the libraries it would load and exits.
  const fs::path dir = Scratch("ldd");
  const std::string command = std::string("LD_TRACE_LOADED_OBJECTS=1 ") + XMAS_BINARY + " > " +
                              (dir / "libs.txt").string();
  ASSERT_EQ(std::system(command.c_str()), 0);
  const std::string libs = Slurp(dir / "libs.txt");
  EXPECT_TRUE(Has(libs, "libc.so")) << libs;
  EXPECT_FALSE(Has(libs, "libtorch")) << libs;
  EXPECT_FALSE(Has(libs, "libc10")) << libs;
}

TEST(HandOff, MissingOtherHalfIsOneClearLine) {
  const fs::path dir = Scratch("alone");
  fs::copy_file(XMAS_BINARY, dir / "xmas");
  const std::string command = (dir / "xmas").string() + " train --help >" + (dir / "o.txt").string() + " 2>" +
                              (dir / "e.txt").string();
  const int status = std::system(command.c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);
  const std::string err = Slurp(dir / "e.txt");
  EXPECT_EQ(err.rfind("xmas: error: this command is in " + (dir / "xmas-torch").string(), 0), 0u) << err;
  EXPECT_EQ(err.find('\n'), err.size() - 1) << err;  // one line
  // Its own commands still work.
  const std::string own = (dir / "xmas").string() + " select --help >/dev/null 2>&1";
  EXPECT_EQ(std::system(own.c_str()), 0);
}

TEST(HandOff, OtherHalfWaitsPassivelyUnlessToldOtherwise) {
  // A stand-in xmas-torch that prints the waiting policy it was given.
  const fs::path dir = Scratch("policy");
  fs::copy_file(XMAS_BINARY, dir / "xmas");
  {
    std::ofstream script(dir / "xmas-torch");
    script << "#!/bin/sh\necho \"policy=$OMP_WAIT_POLICY\"\n";
  }
  fs::permissions(dir / "xmas-torch", fs::perms::owner_all);
  const std::string xmas = (dir / "xmas").string();
  ASSERT_EQ(std::system(("env -u OMP_WAIT_POLICY " + xmas + " train >" + (dir / "a.txt").string()).c_str()), 0);
  EXPECT_EQ(Slurp(dir / "a.txt"), "policy=PASSIVE\n");
  ASSERT_EQ(std::system(("OMP_WAIT_POLICY=ACTIVE " + xmas + " train >" + (dir / "b.txt").string()).c_str()), 0);
  EXPECT_EQ(Slurp(dir / "b.txt"), "policy=ACTIVE\n");
}

}  // namespace
