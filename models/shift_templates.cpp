#include "models/shift_templates.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

#include "models/limits.h"
#include "models/scenario_check.h"

namespace capsim::model {
namespace {

constexpr double kDay = 86400.0;

// Steps from `from` to `to` (inclusive, within rounding) every `every`.
std::vector<double> steps(double from, double to, double every) {
  std::vector<double> values;
  for (double v = from; v <= to + 1e-6; v += every) values.push_back(v);
  return values;
}

// Every placement of the breaks in a shift of `length`: in the order the rules are given,
// each inside the shift and after the one before it has ended.
void break_placements(const ShiftTemplate& shape, double length, std::size_t b, std::vector<double>& chosen,
                      std::vector<std::vector<double>>& into) {
  if (b == shape.breaks.size()) {
    into.push_back(chosen);
    return;
  }
  const BreakRule& rule = shape.breaks[b];
  const double earliest = b == 0 ? 0.0 : chosen.back() + shape.breaks[b - 1].length_seconds;
  for (const double after : steps(rule.after_min, rule.after_max, rule.every)) {
    if (after < earliest - 1e-6 || after + rule.length_seconds > length + 1e-6) continue;
    chosen.push_back(after);
    break_placements(shape, length, b + 1, chosen, into);
    chosen.pop_back();
  }
}

// Time worked per step of `width` (intervals, or the slots they are cut into), as a share
// of each step (the last one may be short). One buffer serves every placement: only the
// steps a placement touched are read and cleared, so a placement costs what it covers,
// not the horizon's length.
class Shares {
 public:
  Shares(std::size_t steps, double width, const Horizon& horizon)
      : shares_(steps, 0.0), width_(width), horizon_(horizon) {}
  // Adds [from, to), seconds from the horizon's start.
  void add(double from, double to) {
    from = std::max(from, 0.0);
    to = std::min(to, horizon_.length_seconds);
    if (!(to > from) || width_ <= 0.0) return;
    const auto count = static_cast<long long>(shares_.size());
    for (auto i = std::max(0LL, static_cast<long long>(std::floor(from / width_))); i < count; ++i) {
      const double begin = static_cast<double>(i) * width_,
                   end = std::min(static_cast<double>(i + 1) * width_, horizon_.length_seconds);
      if (begin >= to) break;
      const double overlap = std::min(end, to) - std::max(begin, from);
      if (overlap > 0.0 && end > begin) {
        double& share = shares_[static_cast<std::size_t>(i)];
        if (share == 0.0) touched_.push_back(static_cast<int>(i));
        share += overlap / (end - begin);
      }
    }
  }
  // The steps worked, in order, with their shares; the buffer is left clear.
  std::vector<std::pair<int, double>> take() {
    std::sort(touched_.begin(), touched_.end());
    std::vector<std::pair<int, double>> entries;
    for (const int i : touched_) {
      double& share = shares_[static_cast<std::size_t>(i)];
      if (share > 1e-9) entries.emplace_back(i, share);
      share = 0.0;
    }
    touched_.clear();
    return entries;
  }

 private:
  std::vector<double> shares_;
  std::vector<int> touched_;
  double width_;
  const Horizon& horizon_;
};

}  // namespace

std::string clock_text(double seconds) {
  const auto whole = static_cast<long long>(std::llround(std::fmod(seconds, kDay)));
  char text[16];
  if (whole % 60 == 0)
    std::snprintf(text, sizeof text, "%02lld:%02lld", whole / 3600 % 24, whole / 60 % 60);
  else
    std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld", whole / 3600 % 24, whole / 60 % 60, whole % 60);
  return text;
}

int cover_slots(const Scenario& scenario) {
  const double interval = scenario.horizon.interval_seconds;
  if (!(interval > 0.0) || interval != std::round(interval) || interval > 1e9) return 1;
  const auto whole = [](double seconds) { return std::llabs(std::llround(seconds)); };
  // Every time a roster step can fall on, from the horizon's start: the slots' width must
  // divide them all for each slot to be worked wholly or not at all.
  long long step = whole(interval);
  const auto add = [&](double seconds) {
    if (const long long t = whole(std::fmod(seconds, kDay)); t > 0) step = std::gcd(step, t);
  };
  for (const Pool& pool : scenario.pools)
    for (const ShiftTemplate& shape : pool.templates) {
      add(shape.start_from - scenario.horizon.start_clock_seconds + kDay);
      add(shape.start_every);
      for (const double length : shape.lengths) add(length);
      for (const BreakRule& rule : shape.breaks) {
        add(rule.after_min);
        add(rule.every);
        add(rule.length_seconds);
      }
    }
  const long long exact = whole(interval) / step;
  if (exact <= kMaxCoverSlotsPerInterval) return static_cast<int>(exact);
  // Too fine: the most slots of whole seconds that divide the interval; a slot then counts
  // the share of it worked.
  for (long long s = kMaxCoverSlotsPerInterval; s > 1; --s)
    if (whole(interval) % s == 0) return static_cast<int>(s);
  return 1;
}

double placement_bound(const ShiftTemplate& shape) {
  // Counted, not listed: a hostile step (1 µs over a day) must not allocate.
  const auto count_of = [](double from, double to, double every) {
    return every > 0.0 ? std::floor((to - from + 1e-6) / every) + 1.0 : 1.0;
  };
  double count =
      count_of(shape.start_from, shape.start_to, shape.start_every) * static_cast<double>(shape.lengths.size());
  for (const BreakRule& rule : shape.breaks) count *= count_of(rule.after_min, rule.after_max, rule.every);
  return count;
}

std::vector<int> template_days(const ShiftTemplate& shape, const Horizon& horizon) {
  if (shape.weekdays.empty() || horizon.start_weekday < 0) return {-1};
  std::vector<int> days;
  const auto last_day = static_cast<int>(std::floor((horizon.start_clock_seconds + horizon.length_seconds) / kDay));
  for (int day = -1; day <= last_day; ++day) {
    const int weekday = ((horizon.start_weekday + day) % 7 + 7) % 7;
    if (std::find(shape.weekdays.begin(), shape.weekdays.end(), weekday) != shape.weekdays.end() &&
        std::find(days.begin(), days.end(), weekday) == days.end())
      days.push_back(weekday);
  }
  std::sort(days.begin(), days.end());
  return days;
}

Shift roster_line(const Placement& placement, const ShiftTemplate& shape, int agents) {
  Shift line;
  line.start = std::fmod(placement.start, kDay);
  line.end = std::fmod(placement.start + placement.length, kDay);
  line.agents = agents;
  for (std::size_t b = 0; b < placement.break_after.size(); ++b) {
    const double begin = placement.start + placement.break_after[b];
    line.breaks.push_back({std::fmod(begin, kDay), std::fmod(begin + shape.breaks[b].length_seconds, kDay),
                           shape.breaks[b].length_seconds});
  }
  if (placement.weekday >= 0) line.weekdays = {placement.weekday};
  return line;
}

std::vector<Placement> placements(const Scenario& scenario, std::size_t pool, int slots_per_interval) {
  const Horizon& horizon = scenario.horizon;
  const Pool& owner = scenario.pools[pool];
  const auto intervals = static_cast<std::size_t>(horizon.interval_count());
  const double width = horizon.interval_seconds > 0.0 ? horizon.interval_seconds : horizon.length_seconds;
  const auto slots = static_cast<std::size_t>(slots_per_interval);
  Shares works(intervals * slots, width / static_cast<double>(slots), horizon), present(intervals, width, horizon);
  std::vector<Placement> all;
  for (std::size_t t = 0; t < owner.templates.size(); ++t) {
    const ShiftTemplate& shape = owner.templates[t];
    const double rate = shape.cost_per_hour.value_or(owner.cost_per_hour);
    for (const int weekday : template_days(shape, horizon))
      for (const double start : steps(shape.start_from, shape.start_to, shape.start_every))
        for (const double length : shape.lengths) {
          std::vector<std::vector<double>> layouts;
          std::vector<double> chosen;
          break_placements(shape, length, 0, chosen, layouts);
          for (auto& layout : layouts) {
            Placement p{.pool = pool,
                        .shape = t,
                        .weekday = weekday,
                        .start = start,
                        .length = length,
                        .break_after = std::move(layout),
                        .paid_hours = 0,
                        .cost = 0,
                        .cover = {},
                        .present = {}};
            const auto days = shift_days(roster_line(p, shape, 1), horizon);
            for (const ShiftDay& day : days) {
              present.add(day.begin, day.end);
              double from = day.begin;
              for (std::size_t b = 0; b < p.break_after.size(); ++b) {
                works.add(from, day.begin + p.break_after[b]);
                from = day.begin + p.break_after[b] + shape.breaks[b].length_seconds;
              }
              works.add(from, day.end);
            }
            p.cover = works.take();
            p.present = present.take();
            if (p.cover.empty()) continue;
            // Paid for the time inside the horizon, as the simulation's pool cost counts it.
            double inside = 0.0;
            for (const ShiftDay& day : days)
              inside += std::max(0.0, std::min(day.end, horizon.length_seconds) - std::max(day.begin, 0.0));
            p.paid_hours = inside / 3600.0;
            p.cost = p.paid_hours * rate;
            all.push_back(std::move(p));
          }
        }
  }
  return all;
}

}  // namespace capsim::model
