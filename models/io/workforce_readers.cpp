// Readers for the workforce and the support systems: pools (shorthand staffing or shifts
// with breaks, absenteeism, shrinkage, costs, skills), the pools a stage lists with their
// handling factors, and systems with planned outages and random failures.
#include <cmath>

#include "models/io/loader.h"
#include "models/io/units.h"

namespace capsim::io::detail {

std::optional<double> Loader::cost_per_hour(const YAML::Node& node, const std::string& path) {
  const auto text = scalar(node, path, "a cost per hour such as 28/h");
  if (!text) return std::nullopt;
  const auto per_second = parse_rate(*text);
  const auto plain = parse_number(*text);
  const std::optional<double> per_hour =
      per_second ? std::optional<double>(*per_second * 3600.0) : (plain && *plain >= 0 ? plain : std::nullopt);
  if (per_hour && *per_hour <= model::kMaxCostPerHour) return per_hour;
  error(node, path, "expected a cost per hour from 0 to 1000000000 such as 28/h; got " + quoted(*text));
  return std::nullopt;
}

std::optional<double> Loader::probability_below_one(const YAML::Node& node, const std::string& path) {
  const auto text = scalar(node, path, "a fraction such as 8% or 0.08");
  if (!text) return std::nullopt;
  const auto value = parse_fraction(*text);
  if (!value || !(*value >= 0.0) || !(*value < 1.0)) {
    error(node, path, "expected a fraction from 0 up to (not including) 100% such as 8%; got " + quoted(*text));
    return std::nullopt;
  }
  return value;
}

void Loader::read_pool(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario) {
  model::Pool pool;
  pool.name = name;
  std::map<std::string, YAML::Node> given = keyed(node, path, &kPoolKeys);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.pools.push_back(std::move(pool));
    return;
  }
  const int ways = static_cast<int>(given.count("agents") + given.count("staffing") + given.count("shifts"));
  if (ways == 0 && given.count("templates")) {
    pool.roster_given = false;  // no agents until `capsim schedule` rosters the templates
    pool.staffing.push_back(0);
  } else if (ways != 1) {
    error(node, path,
          "expected exactly one of agents (a number), staffing (a list per interval) or shifts (a roster), or "
          "templates alone");
  } else if (given.count("agents")) {
    pool.staffing.push_back(static_cast<int>(
        whole(given["agents"], path + ".agents", 0, kMaxAgents, "a whole number of agents").value_or(0)));
  } else if (given.count("staffing")) {
    for (const double agents : interval_values(
             given["staffing"], path + ".staffing", scenario.horizon, "expected agent counts", "agents",
             [&](const YAML::Node&value, const std::string&at) {
               return static_cast<double>(whole(value, at, 0, kMaxAgents, "a whole number of agents").value_or(0));
             }))
      pool.staffing.push_back(static_cast<int>(agents));
    if (pool.staffing.empty()) pool.staffing.push_back(0);  // reported
  } else {
    const YAML::Node& list = given["shifts"];
    if (!list.IsSequence() || list.size() == 0) {
      error(list, path + ".shifts", "expected a list of shifts such as {start: \"08:00\", end: \"16:30\", agents: 5}");
    } else {
      for (std::size_t i = 0; i < list.size(); ++i)
        if (auto shift = read_shift(item(list, i, path + ".shifts"), path + ".shifts." + std::to_string(i)))
          pool.shifts.push_back(std::move(*shift));
      if (pool.shifts.empty()) pool.staffing.push_back(0);  // every line was wrong: reported
    }
  }
  if (given.count("cost")) pool.cost_per_hour = cost_per_hour(given["cost"], path + ".cost").value_or(0.0);
  if (given.count("overtime_cost"))
    pool.overtime_cost_per_hour = cost_per_hour(given["overtime_cost"], path + ".overtime_cost");
  if (given.count("absenteeism"))
    pool.absenteeism = probability_below_one(given["absenteeism"], path + ".absenteeism").value_or(0.0);
  if (given.count("shrinkage"))
    pool.shrinkage = probability_below_one(given["shrinkage"], path + ".shrinkage").value_or(0.0);
  if (given.count("skills")) {
    for (auto& [stage, value] : entries(given["skills"], path + ".skills", nullptr)) {
      const auto level = whole(value, path + ".skills." + stage, 1, model::kMaxSkillLevel,
                               "a skill level (a whole number, 1 = first choice)");
      pool.skills.push_back({stage, static_cast<int>(level.value_or(1))});
    }
  }
  if (given.count("templates")) {
    const YAML::Node& list = given["templates"];
    if (!list.IsSequence() || list.size() == 0) {
      error(list, path + ".templates",
            "expected a list of shift templates such as {start: {from: \"07:00\", to: \"13:00\", every: 30min}, "
            "length: 8h}");
    } else if (list.size() > model::kMaxTemplatesPerPool) {
      error(list, path + ".templates",
            "has " + std::to_string(list.size()) + " templates; at most " +
                std::to_string(model::kMaxTemplatesPerPool) + " per pool");
    } else {
      for (std::size_t i = 0; i < list.size(); ++i)
        if (auto shift = read_template(item(list, i, path + ".templates"), path + ".templates." + std::to_string(i))) {
          if (shift->name.empty()) shift->name = name + "." + std::to_string(i);
          shift->position = i;
          pool.templates.push_back(std::move(*shift));
        }
    }
  }
  if (given.count("max_agents"))
    pool.max_agents_per_day = static_cast<int>(
        whole(given["max_agents"], path + ".max_agents", 0, kMaxAgents, "a whole number of agents").value_or(0));
  scenario.pools.push_back(std::move(pool));
}

std::optional<double> Loader::clock(const YAML::Node& value, const std::string& at) {
  const auto text = scalar(value, at, "a clock time such as \"08:30\"");
  if (!text) return std::nullopt;
  const auto seconds = parse_clock(*text);
  if (!seconds) error(value, at, "expected a clock time such as \"08:30\"; got " + quoted(*text));
  return seconds;
}

std::optional<std::vector<int>> Loader::weekdays(const YAML::Node& list, const std::string& path) {
  if (!list.IsSequence() || list.size() == 0) {
    error(list, path, "expected a list of weekdays such as [mon, tue, wed]");
    return std::nullopt;
  }
  std::vector<int> days;
  bool ok = true;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string at = path + "." + std::to_string(i);
    const YAML::Node day = item(list, i, path);
    const auto text = scalar(day, at, "a weekday such as mon");
    const auto weekday = text ? parse_weekday(*text) : std::nullopt;
    if (text && !weekday) error(day, at, "expected a weekday such as mon or monday; got " + quoted(*text));
    if (weekday) days.push_back(*weekday);
    ok = ok && weekday.has_value();
  }
  if (!ok) return std::nullopt;
  return days;
}

// A shift template: start {from, to, every} (or one clock time), length (one duration or a
// list), breaks [{after: [earliest, latest], length, every}], cost, min, max, days.
std::optional<model::ShiftTemplate> Loader::read_template(const YAML::Node& node, const std::string& path) {
  model::ShiftTemplate shift;
  std::map<std::string, YAML::Node> given = keyed(node, path, &kTemplateKeys);
  if (!node.IsMap()) return std::nullopt;
  bool ok = true;
  for (const std::string& required : kRequiredTemplateKeys) {
    if (given.count(required)) continue;
    error(node, path,
          "missing key \"" + required +
              "\"; expected {start: {from: \"07:00\", to: \"13:00\", every: 30min}, length: 8h}");
    ok = false;
  }
  if (given.count("name")) {
    const auto text = scalar(given["name"], path + ".name", "a name for the template");
    ok = ok && text.has_value();
    shift.name = text.value_or("");
  }
  if (given.count("start")) {
    const YAML::Node& start = given["start"];
    if (start.IsMap()) {
      std::map<std::string, YAML::Node> range = keyed(start, path + ".start", &kTemplateStartKeys);
      if (!range.count("from")) {
        error(start, path + ".start", "missing key \"from\"; expected {from: \"07:00\", to: \"13:00\", every: 30min}");
        ok = false;
      } else {
        const auto from = clock(range["from"], path + ".start.from");
        const auto to = range.count("to") ? clock(range["to"], path + ".start.to") : from;
        std::optional<double> every = 1800.0;
        if (range.count("every")) every = duration(range["every"], path + ".start.every", true);
        if (range.count("to") && !range.count("every")) {
          error(start, path + ".start", "has \"to\" without \"every\"; expected the step between start times");
          ok = false;
        }
        ok = ok && from && to && every;
        shift.start_from = from.value_or(0.0);
        shift.start_to = to.value_or(0.0);
        shift.start_every = every.value_or(1800.0);
        if (from && to && *to < *from) {
          error(range["to"], path + ".start.to", "is before \"from\"; expected the latest start time, at or after it");
          ok = false;
        }
      }
    } else {
      const auto at = clock(start, path + ".start");
      ok = ok && at.has_value();
      shift.start_from = shift.start_to = at.value_or(0.0);
      shift.start_every = 1800.0;
    }
  }
  if (given.count("length")) {
    const YAML::Node& length = given["length"];
    const auto one = [&](const YAML::Node& value, const std::string& at) {
      const auto seconds = duration(value, at, true);
      if (seconds && *seconds > 86400.0) {
        error(value, at, "is longer than a day; expected a shift length such as 8h");
        return false;
      }
      if (seconds) shift.lengths.push_back(*seconds);
      return seconds.has_value();
    };
    if (length.IsSequence()) {
      if (length.size() == 0) {
        error(length, path + ".length", "lists no lengths; expected one or more such as [6h, 8h]");
        ok = false;
      }
      for (std::size_t i = 0; i < length.size(); ++i)
        ok = one(item(length, i, path + ".length"), path + ".length." + std::to_string(i)) && ok;
    } else {
      ok = one(length, path + ".length") && ok;
    }
  }
  if (given.count("breaks")) {
    const YAML::Node& list = given["breaks"];
    if (!list.IsSequence() || list.size() > model::kMaxBreaksPerShift) {
      error(list, path + ".breaks",
            "expected a list of at most " + std::to_string(model::kMaxBreaksPerShift) +
                " breaks such as {after: [2h, 3h], length: 15min}");
      ok = false;
    } else {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = path + ".breaks." + std::to_string(i);
        std::map<std::string, YAML::Node> fields = keyed(item(list, i, path + ".breaks"), at, &kTemplateBreakKeys);
        if (!list[i].IsMap() || !fields.count("after") || !fields.count("length")) {
          if (list[i].IsMap()) error(list[i], at, "expected {after: [2h, 3h], length: 15min}");
          ok = false;
          continue;
        }
        model::BreakRule rule;
        const YAML::Node& after = fields["after"];
        std::optional<double> earliest, latest;
        if (after.IsSequence() && after.size() == 2) {
          earliest = duration(item(after, 0, at + ".after"), at + ".after.0", false);
          latest = duration(item(after, 1, at + ".after"), at + ".after.1", false);
          if (earliest && latest && *latest < *earliest) {
            error(after, at + ".after", "is [latest, earliest]; expected [earliest, latest] after the shift starts");
            latest.reset();
          }
        } else if (after.IsScalar()) {
          earliest = latest = duration(after, at + ".after", false);
        } else {
          error(after, at + ".after", "expected a time after the shift starts (2h) or a range such as [2h, 3h]");
        }
        const auto length = duration(fields["length"], at + ".length", true);
        std::optional<double> every = shift.start_every > 0.0 ? shift.start_every : 1800.0;
        if (fields.count("every")) every = duration(fields["every"], at + ".every", true);
        if (!earliest || !latest || !length || !every) {
          ok = false;
          continue;
        }
        rule.after_min = *earliest;
        rule.after_max = *latest;
        rule.every = *every;
        rule.length_seconds = *length;
        shift.breaks.push_back(rule);
      }
    }
  }
  if (given.count("cost")) {
    shift.cost_per_hour = cost_per_hour(given["cost"], path + ".cost");
    ok = ok && shift.cost_per_hour.has_value();
  }
  if (given.count("min")) {
    const auto min = whole(given["min"], path + ".min", 0, kMaxAgents, "a whole number of agents");
    ok = ok && min.has_value();
    shift.min = static_cast<int>(min.value_or(0));
  }
  if (given.count("max")) {
    const auto max = whole(given["max"], path + ".max", 0, kMaxAgents, "a whole number of agents");
    ok = ok && max.has_value();
    if (max) shift.max = static_cast<int>(*max);
  }
  if (given.count("days")) {
    const auto days = weekdays(given["days"], path + ".days");
    ok = ok && days.has_value();
    if (days) shift.weekdays = *days;
  }
  if (!ok) return std::nullopt;
  return shift;
}

std::optional<model::Shift> Loader::read_shift(const YAML::Node& node, const std::string& path) {
  model::Shift shift;
  std::map<std::string, YAML::Node> given = keyed(node, path, &kShiftKeys);
  if (!node.IsMap()) return std::nullopt;
  bool ok = true;
  for (const std::string& required : kRequiredShiftKeys) {
    if (given.count(required)) continue;
    error(node, path, "missing key \"" + required + "\"; expected {start: \"08:00\", end: \"16:30\", agents: 5}");
    ok = false;
  }
  if (given.count("start")) {
    const auto start = clock(given["start"], path + ".start");
    ok = ok && start.has_value();
    shift.start = std::fmod(start.value_or(0.0), 86400.0);
  }
  if (given.count("end")) {
    const auto end = clock(given["end"], path + ".end");
    ok = ok && end.has_value();
    shift.end = std::fmod(end.value_or(0.0), 86400.0);
  }
  if (given.count("agents")) {
    const auto agents = whole(given["agents"], path + ".agents", 0, kMaxAgents, "a whole number of agents");
    ok = ok && agents.has_value();
    shift.agents = static_cast<int>(agents.value_or(0));
  }
  if (given.count("days")) {
    const auto days = weekdays(given["days"], path + ".days");
    ok = ok && days.has_value();
    if (days) shift.weekdays = *days;
  }
  if (given.count("breaks")) {
    const YAML::Node& list = given["breaks"];
    if (!list.IsSequence()) {
      error(list, path + ".breaks",
            "expected a list of breaks such as {window: [\"09:30\", \"10:30\"], length: 15min}");
      ok = false;
    } else if (list.size() > model::kMaxBreaksPerShift) {
      error(list, path + ".breaks",
            "has " + std::to_string(list.size()) + " breaks; at most " + std::to_string(model::kMaxBreaksPerShift) +
                " are supported");
      ok = false;
    } else {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = path + ".breaks." + std::to_string(i);
        std::map<std::string, YAML::Node> fields = keyed(item(list, i, path + ".breaks"), at, &kBreakKeys);
        if (!list[i].IsMap()) {
          ok = false;
          continue;
        }
        model::Break pause;
        if (!fields.count("window") || !fields.count("length")) {
          error(list[i], at, "expected {window: [\"09:30\", \"10:30\"], length: 15min}");
          ok = false;
          continue;
        }
        const YAML::Node& window = fields["window"];
        if (!window.IsSequence() || window.size() != 2) {
          error(window, at + ".window", "expected [from, to], two clock times such as [\"09:30\", \"10:30\"]");
          ok = false;
          continue;
        }
        const auto from = clock(item(window, 0, at + ".window"), at + ".window.0");
        const auto to = clock(item(window, 1, at + ".window"), at + ".window.1");
        const auto length = duration(fields["length"], at + ".length", true);
        if (!from || !to || !length) {
          ok = false;
          continue;
        }
        pause.window_start = std::fmod(*from, 86400.0);
        pause.window_end = std::fmod(*to, 86400.0);
        pause.length_seconds = *length;
        shift.breaks.push_back(pause);
      }
    }
  }
  if (!ok) return std::nullopt;
  return shift;
}

// `pools: [tier1, {pool: tier2, handling_factor: 0.8}]`
void Loader::read_stage_pools(const YAML::Node& node, const std::string& path, model::Stage& stage) {
  if (node.IsScalar()) {
    stage.pools.push_back(node.Scalar());
    stage.handling_factors.push_back(1.0);
    return;
  }
  if (!node.IsSequence()) {
    error(node, path, "expected a list of pools such as [tier1, {pool: tier2, handling_factor: 0.8}]");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string at = path + "." + std::to_string(i);
    const YAML::Node entry = item(node, i, path);
    if (entry.IsMap()) {
      std::map<std::string, YAML::Node> given = keyed(entry, at, &kPoolChoiceKeys);
      if (!given.count("pool")) {
        error(entry, at, "missing key \"pool\"; expected {pool: tier2, handling_factor: 0.8}");
        continue;
      }
      const auto name = scalar(given["pool"], at + ".pool", "a pool name");
      double factor = 1.0;
      if (given.count("handling_factor")) {
        const auto value = number(given["handling_factor"], at + ".handling_factor");
        if (value && !(*value > 0.0 && *value <= model::kMaxHandlingFactor))
          error(given["handling_factor"], at + ".handling_factor",
                "expected a factor above 0 and at most 100 that multiplies the service time, such as 0.8");
        else if (value)
          factor = *value;
      }
      if (!name) continue;
      stage.pools.push_back(*name);
      stage.handling_factors.push_back(factor);
      remember(path + "." + *name, entry);
    } else if (const auto name = scalar(entry, at, "a pool name or {pool, handling_factor}")) {
      stage.pools.push_back(*name);
      stage.handling_factors.push_back(1.0);
      remember(path + "." + *name, entry);
    }
  }
}

std::optional<double> Loader::horizon_time(const YAML::Node& node, const std::string& path,
                                           const model::Horizon& horizon) {
  const auto text = scalar(node, path, "a clock time such as \"14:00\" or \"Tue 14:00\"");
  if (!text) return std::nullopt;
  const auto clock = parse_day_clock(*text);
  if (!clock) {
    error(node, path, "expected a clock time such as \"14:00\" or \"Tue 14:00\"; got " + quoted(*text));
    return std::nullopt;
  }
  if (clock->weekday >= 0 && horizon.start_weekday < 0) {
    error(node, path, "names a weekday, but horizon.start does not (such as \"Mon 00:00\")");
    return std::nullopt;
  }
  // The first such moment at or after the horizon's start.
  double seconds = clock->seconds - horizon.start_clock_seconds;
  if (clock->weekday >= 0) seconds += ((clock->weekday - horizon.start_weekday + 7) % 7) * 86400.0;
  if (seconds < 0) seconds += clock->weekday >= 0 ? 7 * 86400.0 : 86400.0;
  return seconds;
}

void Loader::read_system(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario) {
  model::System system;
  system.name = name;
  std::map<std::string, YAML::Node> given = keyed(node, path, &kSystemKeys);
  if (given.count("down")) {
    const YAML::Node& list = given["down"];
    if (!list.IsSequence()) {
      error(list, path + ".down", "expected a list of outages such as {from: \"14:00\", to: \"14:45\"}");
    } else {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = path + ".down." + std::to_string(i);
        std::map<std::string, YAML::Node> fields = keyed(item(list, i, path + ".down"), at, &kOutageKeys);
        if (!list[i].IsMap()) continue;
        if (!fields.count("from") || !fields.count("to")) {
          error(list[i], at, "expected {from: \"14:00\", to: \"14:45\"}");
          continue;
        }
        const auto from = horizon_time(fields["from"], at + ".from", scenario.horizon);
        auto to = horizon_time(fields["to"], at + ".to", scenario.horizon);
        if (!from || !to) continue;
        if (*to <= *from) *to += 86400.0;  // past midnight
        if (*to > scenario.horizon.length_seconds) {
          error(list[i], at, "ends after the horizon; expected an outage inside it");
          continue;
        }
        // A clock time recurs: every day of the horizon, or every week when it names a
        // weekday ("Tue 14:00"); a later occurrence that runs past the horizon's end is cut
        // there.
        const auto names_weekday = [](const YAML::Node& n) {
          const auto clock = n.IsScalar() ? parse_day_clock(n.Scalar()) : std::nullopt;
          return clock && clock->weekday >= 0;
        };
        const double period = (names_weekday(fields["from"]) ? 7.0 : 1.0) * 86400.0;
        const double length = scenario.horizon.length_seconds;
        for (double shift = 0.0; *from + shift < length; shift += period)
          system.down.push_back({*from + shift, std::min(*to + shift, length)});
      }
    }
  }
  if (given.count("failures")) {
    std::map<std::string, YAML::Node> fields = keyed(given["failures"], path + ".failures", &kFailureKeys);
    if (given["failures"].IsMap()) {
      if (!fields.count("between") || !fields.count("repair"))
        error(given["failures"], path + ".failures",
              "expected {between: <distribution>, repair: <distribution>}, e.g. between: {dist: exponential, mean: "
              "40h}");
      if (fields.count("between")) system.between = distribution(fields["between"], path + ".failures.between");
      if (fields.count("repair")) system.repair = distribution(fields["repair"], path + ".failures.repair");
      if (!system.between || !system.repair) system.between.reset(), system.repair.reset();
    }
  }
  scenario.systems.push_back(std::move(system));
}

}  // namespace capsim::io::detail
