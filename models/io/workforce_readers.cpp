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
  if (ways != 1) {
    error(node, path, "expected exactly one of agents (a number), staffing (a list per interval) or shifts (a roster)");
  } else if (given.count("agents")) {
    pool.staffing.push_back(static_cast<int>(
        whole(given["agents"], path + ".agents", 0, kMaxAgents, "a whole number of agents").value_or(0)));
  } else if (given.count("staffing")) {
    for (const double agents : interval_values(
             given["staffing"], path + ".staffing", scenario.horizon, "expected agent counts",
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
  scenario.pools.push_back(std::move(pool));
}

std::optional<model::Shift> Loader::read_shift(const YAML::Node& node, const std::string& path) {
  model::Shift shift;
  std::map<std::string, YAML::Node> given = keyed(node, path, &kShiftKeys);
  if (!node.IsMap()) return std::nullopt;
  bool ok = true;
  for (const char* required : {"start", "end", "agents"}) {
    if (given.count(required)) continue;
    error(node, path,
          std::string("missing key \"") + required + "\"; expected {start: \"08:00\", end: \"16:30\", agents: 5}");
    ok = false;
  }
  const auto clock = [&](const YAML::Node& value, const std::string& at) -> std::optional<double> {
    const auto text = scalar(value, at, "a clock time such as \"08:30\"");
    if (!text) return std::nullopt;
    const auto seconds = parse_clock(*text);
    if (!seconds) error(value, at, "expected a clock time such as \"08:30\"; got " + quoted(*text));
    return seconds;
  };
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
    const YAML::Node& list = given["days"];
    if (!list.IsSequence() || list.size() == 0) {
      error(list, path + ".days", "expected a list of weekdays such as [mon, tue, wed]");
      ok = false;
    } else {
      for (std::size_t i = 0; i < list.size(); ++i) {
        const std::string at = path + ".days." + std::to_string(i);
        const YAML::Node day = item(list, i, path + ".days");
        const auto text = scalar(day, at, "a weekday such as mon");
        const auto weekday = text ? parse_weekday(*text) : std::nullopt;
        if (text && !weekday) error(day, at, "expected a weekday such as mon or monday; got " + quoted(*text));
        if (weekday) shift.weekdays.push_back(*weekday);
        ok = ok && weekday.has_value();
      }
    }
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
