// Starts the built `xmas` binary (XMAS_BINARY) as a child process and kills
// it with SIGKILL the moment a condition holds: the crash-safety tests'
// "kill -9 at a chosen moment". Header-only.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace xmas::reliability {

struct KillOutcome {
  bool killed = false;  // true: SIGKILL arrived before the command ended
  int exit_code = -1;   // when it ended by itself
  double seconds = 0;   // from start to kill or exit
};

// Runs `xmas ARGS...` (stdout and stderr to `log_path`), polling `kill_when`
// every millisecond; when it returns true the process gets SIGKILL. A null
// `kill_when` runs to the end. Gives up (kills, exit_code -2) after
// `timeout_s`.
inline KillOutcome RunXmasKillWhen(const std::vector<std::string>& args, const std::string& log_path,
                                   const std::function<bool(double seconds)>& kill_when,
                                   double timeout_s = 300) {
  std::vector<std::string> argv_s = {XMAS_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  const auto start = std::chrono::steady_clock::now();
  const int rc = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  KillOutcome out;
  if (rc != 0) return out;
  auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
  int status = 0;
  for (;;) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid) {
      out.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    const double t = elapsed();
    const bool give_up = t > timeout_s;
    if (give_up || (kill_when && kill_when(t))) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      out.killed = !give_up;
      out.exit_code = give_up ? -2 : -1;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  out.seconds = elapsed();
  return out;
}

}  // namespace xmas::reliability
