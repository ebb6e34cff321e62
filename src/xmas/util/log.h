// Logging to stderr with levels, shared by every command.
//
//   xmas::log::Info("read ", n, " records from ", path);
//
// Arguments are streamed with operator<<. The level is process-wide and set
// once by the CLI (--log-level, --quiet); library code only emits.
#pragma once

#include <sstream>
#include <string>

namespace xmas::log {

enum class Level { kDebug = 0, kInfo = 1, kWarn = 2, kError = 3, kOff = 4 };

void SetLevel(Level level);
Level GetLevel();
// Parses "debug", "info", "warn", "error", "off"; false if unknown.
bool ParseLevel(const std::string& name, Level* level);
bool Enabled(Level level);
// Writes one line "[xmas] <level>: <message>" (with a timestamp when stderr
// is not a terminal) atomically with respect to other log lines and progress.
void Write(Level level, const std::string& message);

template <typename... Args>
std::string Concat(const Args&... args) {
  std::ostringstream out;
  (out << ... << args);
  return out.str();
}

template <typename... Args>
void Debug(const Args&... args) { if (Enabled(Level::kDebug)) Write(Level::kDebug, Concat(args...)); }
template <typename... Args>
void Info(const Args&... args) { if (Enabled(Level::kInfo)) Write(Level::kInfo, Concat(args...)); }
template <typename... Args>
void Warn(const Args&... args) { if (Enabled(Level::kWarn)) Write(Level::kWarn, Concat(args...)); }
template <typename... Args>
void Error(const Args&... args) { if (Enabled(Level::kError)) Write(Level::kError, Concat(args...)); }

}  // namespace xmas::log
