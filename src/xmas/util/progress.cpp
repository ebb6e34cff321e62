#include "xmas/util/progress.h"

#include <atomic>
#include <cmath>
#include <cstdio>

#include "xmas/util/log.h"
#include "xmas/util/terminal.h"

namespace xmas {
namespace {
std::atomic<double> g_log_interval{10.0};
constexpr double kTtyRedrawSeconds = 0.1;
constexpr int kBarWidth = 24;

std::string FormatRate(double per_second) {
  char buf[32];
  if (per_second >= 100) std::snprintf(buf, sizeof buf, "%.0f", per_second);
  else if (per_second >= 1) std::snprintf(buf, sizeof buf, "%.1f", per_second);
  else std::snprintf(buf, sizeof buf, "%.3f", per_second);
  return buf;
}
}  // namespace

std::string FormatDuration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  long total = static_cast<long>(seconds + 0.5);
  char buf[32];
  if (total >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", total / 3600, (total / 60) % 60, total % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", total / 60, total % 60);
  }
  return buf;
}

void Progress::SetLogInterval(double seconds) { g_log_interval.store(seconds); }

Progress::Progress(std::string label, uint64_t total, std::string unit)
    : label_(std::move(label)), total_(total), unit_(std::move(unit)),
      start_(std::chrono::steady_clock::now()), last_draw_(start_) {}

Progress::~Progress() { Finish(); }

double Progress::ElapsedSeconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
}

void Progress::Set(uint64_t done) {
  done_ = done;
  MaybeDraw();
}

void Progress::SetPostfix(std::string postfix) { postfix_ = std::move(postfix); }

std::string Progress::Render(bool final_line) const {
  const double elapsed = ElapsedSeconds();
  const double rate = elapsed > 0 ? done_ / elapsed : 0.0;
  std::string out = label_ + " ";
  if (total_ > 0 && !final_line) {
    const double frac = std::min(1.0, static_cast<double>(done_) / total_);
    if (terminal::StderrIsTty()) {
      const int filled = static_cast<int>(frac * kBarWidth);
      out += "[" + std::string(filled, '#') + std::string(kBarWidth - filled, '.') + "] ";
    }
    char pct[16];
    std::snprintf(pct, sizeof pct, "%3.0f%% ", frac * 100);
    out += pct;
  }
  out += std::to_string(done_);
  if (total_ > 0) out += "/" + std::to_string(total_);
  out += " " + unit_ + ", " + FormatRate(rate) + " " + unit_ + "/s";
  if (final_line) {
    out += ", done in " + FormatDuration(elapsed);
  } else if (total_ > 0 && rate > 0 && done_ < total_) {
    out += ", ETA " + FormatDuration((total_ - done_) / rate);
  }
  if (!postfix_.empty()) out += " | " + postfix_;
  return out;
}

void Progress::MaybeDraw() {
  if (finished_ || !log::Enabled(log::Level::kInfo)) return;
  const auto now = std::chrono::steady_clock::now();
  const double since = std::chrono::duration<double>(now - last_draw_).count();
  if (terminal::StderrIsTty()) {
    if (since < kTtyRedrawSeconds && done_ != total_) return;
    last_draw_ = now;
    terminal::SetStatusLine(Render(false));
  } else if (since >= g_log_interval.load()) {
    last_draw_ = now;
    log::Info(Render(false));
  }
}

void Progress::Finish() {
  if (finished_) return;
  finished_ = true;
  if (!log::Enabled(log::Level::kInfo)) return;
  terminal::SetStatusLine("");
  log::Info(Render(true));
}

}  // namespace xmas
