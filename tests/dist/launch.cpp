#include "launch.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

extern "C" char** environ;

namespace xmas::dist::testing {

int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof addr;
  int port = -1;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0 &&
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  ::close(fd);
  return port;
}

bool JobResult::ok() const {
  for (int c : codes) {
    if (c != 0) return false;
  }
  return !codes.empty();
}

namespace {

const char* const kLauncherVars[] = {"RANK", "WORLD_SIZE", "LOCAL_RANK", "MASTER_ADDR", "MASTER_PORT",
                                     "SLURM_PROCID", "SLURM_STEP_NUM_TASKS", "SLURM_LOCALID",
                                     "TORCHELASTIC_USE_AGENT_STORE"};

// The environment of rank `rank`: ours without any launcher variable, plus
// torchrun's for a multi-process job. Built before fork: the child of a
// threaded process may only call async-signal-safe functions until exec.
std::vector<std::string> RankEnvironment(int rank, int processes, int port) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry = *e;
    const std::string name = entry.substr(0, entry.find('='));
    bool drop = name == "OMP_NUM_THREADS" || name == "XMAS_DIST_TIMEOUT";
    for (const char* v : kLauncherVars) drop = drop || name == v;
    if (!drop) env.push_back(entry);
  }
  env.push_back("OMP_NUM_THREADS=1");
  env.push_back("XMAS_DIST_TIMEOUT=60");
  if (processes > 1) {
    env.push_back("RANK=" + std::to_string(rank));
    env.push_back("LOCAL_RANK=" + std::to_string(rank));
    env.push_back("WORLD_SIZE=" + std::to_string(processes));
    env.push_back("MASTER_ADDR=127.0.0.1");
    env.push_back("MASTER_PORT=" + std::to_string(port));
  }
  return env;
}

std::vector<char*> Pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

JobResult RunJob(int processes, const std::vector<std::string>& args, const std::string& log_dir,
                 int deadline_s) {
  std::filesystem::create_directories(log_dir);
  const int port = processes > 1 ? FreePort() : 0;
  std::vector<pid_t> pids;
  for (int r = 0; r < processes; ++r) {
    const std::string log = log_dir + "/rank-" + std::to_string(r) + ".log";
    std::vector<std::string> env = RankEnvironment(r, processes, port);
    std::vector<std::string> argv_strings{XMAS_BINARY};
    argv_strings.insert(argv_strings.end(), args.begin(), args.end());
    std::vector<char*> envp = Pointers(env), argv = Pointers(argv_strings);
    const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::dup2(fd, STDOUT_FILENO);  // dup2 clears close-on-exec on the copies
      ::dup2(fd, STDERR_FILENO);
      ::execve(XMAS_BINARY, argv.data(), envp.data());
      ::_exit(127);
    }
    ::close(fd);
    pids.push_back(pid);
  }
  JobResult result;
  result.codes.assign(pids.size(), -1);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(deadline_s);
  size_t running = pids.size();
  while (running > 0) {
    for (size_t r = 0; r < pids.size(); ++r) {
      int status = 0;
      if (pids[r] <= 0 || ::waitpid(pids[r], &status, WNOHANG) != pids[r]) continue;
      result.codes[r] = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      pids[r] = 0;
      --running;
    }
    if (running > 0 && std::chrono::steady_clock::now() > deadline) {
      for (pid_t& pid : pids) {
        if (pid > 0) ::kill(pid, SIGKILL), ::waitpid(pid, nullptr, 0), pid = 0;
      }
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (int r = 0; r < processes; ++r) {
    result.logs += "--- rank " + std::to_string(r) + " (exit " + std::to_string(result.codes[static_cast<size_t>(r)]) +
                   ")\n" + Slurp(log_dir + "/rank-" + std::to_string(r) + ".log");
  }
  return result;
}

}  // namespace xmas::dist::testing
