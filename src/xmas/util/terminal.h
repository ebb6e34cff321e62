// The shared stderr line: log lines and the live progress bar both go through
// here so a log line never lands in the middle of a bar.
#pragma once

#include <string>

namespace xmas::terminal {

bool StderrIsTty();
// Prints a full line (clearing a live status line first, then redrawing it).
void WriteLine(const std::string& line);
// Replaces the live status line (TTY only; no newline). Empty clears it.
void SetStatusLine(const std::string& text);

}  // namespace xmas::terminal
