// A progress bar for a person at a terminal, on standard error:
//   capsim: [##########--------------]  412/1000 replications  83.1/s  ETA 7 s
// redrawn in place at most ten times a second, shown only once a run has taken half a
// second (short runs print nothing), and erased when done, so that what follows starts on
// a clean line. Not live (stderr not a terminal, or --quiet): it prints nothing at all.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <functional>
#include <ostream>
#include <string>

namespace capsim::experiment {

// Called on the running thread after each replication is folded in (never per event).
using ReplicationDone = std::function<void()>;

class ProgressBar {
 public:
  using Clock = std::chrono::steady_clock;
  ProgressBar(std::ostream& out, std::string unit, std::size_t total, bool live,
              Clock::time_point start = Clock::now());
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;
  ~ProgressBar() { finish(); }

  // One more unit done; redraws when due.
  void step(Clock::time_point now = Clock::now());
  // The callback that steps this bar (empty when not live, so runs pay nothing).
  ReplicationDone stepper();
  // More units than first planned (a sequential run that extends).
  void grow(std::size_t total) { total_ = std::max(total_, total); }
  std::size_t done() const { return done_; }
  std::size_t total() const { return total_; }
  bool live() const { return live_; }
  // Erases the bar, if drawn.
  void finish();

  // The line for `done` of `total` after `seconds` (no carriage return), `width` marks wide.
  static std::string line(const std::string& unit, std::size_t done, std::size_t total, double seconds,
                          std::size_t width = 24);

 private:
  std::ostream& out_;
  std::string unit_;
  std::size_t total_, done_ = 0;
  bool live_, drawn_ = false;
  Clock::time_point start_, last_;
};

}  // namespace capsim::experiment
