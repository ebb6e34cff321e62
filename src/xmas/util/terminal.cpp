#include "xmas/util/terminal.h"

#include <unistd.h>

#include <cstdio>
#include <mutex>

namespace xmas::terminal {
namespace {
std::mutex g_mutex;
std::string g_status;  // the live line currently drawn, if any

void EraseStatusLocked() {
  if (!g_status.empty()) std::fputs("\r\033[2K", stderr);
}
void DrawStatusLocked() {
  if (!g_status.empty()) std::fputs(g_status.c_str(), stderr);
}
}  // namespace

bool StderrIsTty() {
  static const bool tty = isatty(fileno(stderr)) != 0;
  return tty;
}

void WriteLine(const std::string& line) {
  std::lock_guard<std::mutex> lock(g_mutex);
  EraseStatusLocked();
  std::fputs(line.c_str(), stderr);
  std::fputc('\n', stderr);
  DrawStatusLocked();
  std::fflush(stderr);
}

void SetStatusLine(const std::string& text) {
  if (!StderrIsTty()) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  EraseStatusLocked();
  g_status = text;
  DrawStatusLocked();
  std::fflush(stderr);
}

}  // namespace xmas::terminal
