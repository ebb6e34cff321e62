#include "xmas/util/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <mutex>

#include "xmas/util/enum_names.h"
#include "xmas/util/terminal.h"

namespace xmas::log {
namespace {
std::atomic<int> g_level{static_cast<int>(Level::kInfo)};

const char* LevelName(Level level) {
  switch (level) {
    case Level::kDebug: return "debug";
    case Level::kInfo: return "info";
    case Level::kWarn: return "warning";
    case Level::kError: return "error";
    case Level::kOff: return "off";
  }
  return "?";
}
}  // namespace

void SetLevel(Level level) { g_level.store(static_cast<int>(level)); }
Level GetLevel() { return static_cast<Level>(g_level.load()); }
bool Enabled(Level level) { return static_cast<int>(level) >= g_level.load(); }

bool ParseLevel(const std::string& name, Level* level) {
  static constexpr EnumName<Level> kNames[] = {{Level::kDebug, "debug"}, {Level::kInfo, "info"},
                                               {Level::kWarn, "warn"},   {Level::kWarn, "warning"},
                                               {Level::kError, "error"}, {Level::kOff, "off"}};
  auto parsed = ParseEnum(kNames, name, "log level");
  if (parsed.ok()) *level = *parsed;
  return parsed.ok();
}

void Write(Level level, const std::string& message) {
  std::string line;
  if (!terminal::StderrIsTty()) {
    std::time_t now = std::time(nullptr);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S ", std::localtime(&now));
    line += stamp;
  }
  line += "[xmas] ";
  line += LevelName(level);
  line += ": ";
  line += message;
  terminal::WriteLine(line);
}

}  // namespace xmas::log
