#include "experiment/progress.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace capsim::experiment {

ProgressBar::ProgressBar(std::ostream& out, std::string unit, std::size_t total, bool live, Clock::time_point start)
    : out_(out), unit_(std::move(unit)), total_(total), live_(live), start_(start), last_(start) {}

void ProgressBar::step(Clock::time_point now) {
  ++done_;
  if (!live_) return;
  const auto since_start = now - start_;
  if (since_start < std::chrono::milliseconds(500) || now - last_ < std::chrono::milliseconds(100)) return;
  last_ = now;
  out_ << '\r' << line(unit_, done_, total_, std::chrono::duration<double>(since_start).count()) << std::flush;
  drawn_ = true;
}

ReplicationDone ProgressBar::stepper() {
  if (!live_) return {};
  return [this] { step(); };
}

void ProgressBar::finish() {
  if (!drawn_) return;
  out_ << "\r\033[K" << std::flush;  // carriage return, erase to the end of the line
  drawn_ = false;
}

std::string ProgressBar::line(const std::string& unit, std::size_t done, std::size_t total, double seconds,
                              std::size_t width) {
  total = std::max(total, done);
  const double share = total > 0 ? static_cast<double>(done) / static_cast<double>(total) : 1.0;
  const auto marks = static_cast<std::size_t>(std::floor(share * static_cast<double>(width)));
  std::string text = "capsim: [" + std::string(marks, '#') + std::string(width - marks, '-') + "] ";
  char numbers[160];
  const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
  std::snprintf(numbers, sizeof numbers, "%zu/%zu %s  %.1f/s", done, total, unit.c_str(), rate);
  text += numbers;
  if (rate > 0 && done < total) {
    const double eta = static_cast<double>(total - done) / rate;
    if (eta < 120)
      std::snprintf(numbers, sizeof numbers, "  ETA %.0f s", eta);
    else
      std::snprintf(numbers, sizeof numbers, "  ETA %.0f min", eta / 60);
    text += numbers;
  }
  return text;
}

}  // namespace capsim::experiment
