#include <doctest/doctest.h>

#include <sstream>

#include "experiment/progress.h"

using capsim::experiment::ProgressBar;
using namespace std::chrono_literals;

TEST_CASE("the progress line shows the share done, the rate and the time left") {
  CHECK(ProgressBar::line("replications", 50, 100, 5.0, 10) ==
        "capsim: [#####-----] 50/100 replications  10.0/s  ETA 5 s");
  CHECK(ProgressBar::line("replications", 100, 100, 4.0, 10) == "capsim: [##########] 100/100 replications  25.0/s");
  CHECK(ProgressBar::line("points", 1, 1000, 1.0, 4) == "capsim: [----] 1/1000 points  1.0/s  ETA 17 min");
  // More done than planned (a run that extended): the bar is full, never past its end.
  CHECK(ProgressBar::line("replications", 12, 10, 1.0, 4) == "capsim: [####] 12/12 replications  12.0/s");
}

TEST_CASE("the bar is drawn only live, after half a second, at most ten times a second, and erased") {
  const ProgressBar::Clock::time_point t0{};
  std::ostringstream quiet_out;
  {
    ProgressBar quiet(quiet_out, "replications", 10, false, t0);
    CHECK_FALSE(static_cast<bool>(quiet.stepper()));  // no callback: a run pays nothing
    for (int i = 0; i < 10; ++i) quiet.step(t0 + 1s * i);
  }
  CHECK(quiet_out.str().empty());

  std::ostringstream out;
  ProgressBar bar(out, "replications", 10, true, t0);
  bar.step(t0 + 100ms);  // a short run prints nothing
  CHECK(out.str().empty());
  bar.step(t0 + 600ms);
  CHECK(out.str() == "\r" + ProgressBar::line("replications", 2, 10, 0.6));
  bar.step(t0 + 650ms);  // too soon to redraw
  CHECK(out.str() == "\r" + ProgressBar::line("replications", 2, 10, 0.6));
  bar.step(t0 + 800ms);
  CHECK(out.str().ends_with("\r" + ProgressBar::line("replications", 4, 10, 0.8)));
  bar.finish();
  CHECK(out.str().ends_with("\r\033[K"));
  const std::string before = out.str();
  bar.finish();  // erased once only
  CHECK(out.str() == before);
}
