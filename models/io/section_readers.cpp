// One reader per section of the scenario: horizon, customers, pools, stages, sla.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/io/loader.h"
#include "models/io/sweep_spec.h"
#include "models/io/units.h"
#include "sim/time.h"

namespace capsim::io::detail {

void Loader::read_horizon(const YAML::Node& node, model::Horizon& horizon) {
  std::map<std::string, YAML::Node> given = keyed(node, "horizon", &kHorizonKeys);
  if (!node.IsMap()) return;
  const bool clock = given.count("start") || given.count("end") || given.count("days");
  if (clock) {
    horizon.clock_window = true;
    horizon.drain = true;
    if (given.count("length"))
      error(given["length"], "horizon.length", "give either start and end (or days), or length; not both");
    if (given.count("end") && given.count("days"))
      error(given["days"], "horizon.days", "give either end or days; not both");
    if (!given.count("start") || !(given.count("end") || given.count("days"))) {
      error(node, "horizon",
            "a clock window needs start and end (or days), e.g. {start: \"08:00\", end: \"20:00\", interval: 30min} "
            "or {start: \"Mon 00:00\", days: 7, interval: 30min}");
      return;
    }
    // Without one the whole window would silently be one interval: every per-interval KPI,
    // staffing list and forecast would have one value.
    if (!given.count("interval"))
      error(node, "horizon",
            "missing key \"interval\"; a clock window is reported per interval: expected e.g. interval: 30min "
            "(the whole window as one interval: interval equal to its length)");
    const auto start_text = scalar(given["start"], "horizon.start", "a clock time such as \"08:30\" or \"Mon 00:00\"");
    std::optional<DayClock> start;
    if (start_text) start = parse_day_clock(*start_text);
    if (start_text && !start)
      error(given["start"], "horizon.start",
            "expected a clock time such as \"08:30\" or \"Mon 00:00\"; got " + quoted(*start_text));
    std::optional<double> length;
    if (given.count("days")) {
      if (const auto days = whole(given["days"], "horizon.days", 1, 3650, "a whole number of days"))
        length = static_cast<double>(*days) * 86400.0;
    } else if (const auto text = scalar(given["end"], "horizon.end", "a clock time such as \"20:00\"")) {
      const auto end = parse_clock(*text);
      if (!end)
        error(given["end"], "horizon.end", "expected a clock time such as \"20:00\"; got " + quoted(*text));
      else if (start && std::fmod(*end, 86400.0) == start->seconds)
        error(given["end"], "horizon.end", "equals start; for whole days use days: N");
      else if (start)  // an end at or before the start is on the next day
        length = *end > start->seconds ? *end - start->seconds : *end + 86400.0 - start->seconds;
    }
    if (!start || !length) return;
    horizon.start_clock_seconds = start->seconds;
    horizon.start_weekday = start->weekday;
    horizon.length_seconds = *length;
  } else {
    if (!given.count("length")) {
      error(node, "horizon", "missing key \"length\"; expected {start, end, interval} or {length, warmup}");
      return;
    }
    const auto length = duration(given["length"], "horizon.length", true);
    if (!length) return;
    horizon.length_seconds = *length;
  }
  horizon.interval_seconds = horizon.length_seconds;
  if (given.count("interval")) {
    if (const auto interval = duration(given["interval"], "horizon.interval", true)) {
      // Exactly, in the clock's integer ticks: what validates is what compiles.
      const sim::Duration length_ticks = sim::ticks_from_seconds(horizon.length_seconds);
      const sim::Duration interval_ticks = sim::ticks_from_seconds(*interval);
      if (interval_ticks <= sim::Duration(0) || length_ticks % interval_ticks != sim::Duration(0))
        error(given["interval"], "horizon.interval",
              "does not divide the horizon into whole intervals (to the microsecond)");
      else if (length_ticks / interval_ticks > model::kMaxIntervals)
        error(given["interval"], "horizon.interval", "makes more than 100000 intervals; expected a coarser interval");
      else
        horizon.interval_seconds = *interval;
    }
  }
  if (given.count("warmup") && horizon.clock_window) {
    error(given["warmup"], "horizon.warmup",
          "a clock window starts empty at its start and has no warm-up; use {length, warmup} for a steady-state study");
  } else if (given.count("warmup")) {
    if (const auto warmup = duration(given["warmup"], "horizon.warmup", false)) {
      if (*warmup >= horizon.length_seconds)
        error(given["warmup"], "horizon.warmup", "must be shorter than the horizon");
      else
        horizon.warmup_seconds = *warmup;
    }
  }
}

std::optional<Loader::DataFile> Loader::open_data_file(const YAML::Node& node, const std::string& path,
                                                       const std::string& expected) {
  const auto name = scalar(node, path, "a file name, such as data/values.csv");
  if (!name) return std::nullopt;
  const std::filesystem::path file = std::filesystem::path(base_dir_) / *name;
  std::error_code status_error;
  const auto status = std::filesystem::status(file, status_error);
  if (status_error || !std::filesystem::exists(status)) {
    error(node, path, "cannot read " + quoted(*name) + " (relative to the scenario file); expected " + expected);
    return std::nullopt;
  }
  if (!std::filesystem::is_regular_file(status)) {
    error(node, path, quoted(*name) + " is not a regular file; expected " + expected);
    return std::nullopt;
  }
  if (std::filesystem::file_size(file, status_error) > kMaxValuesFileBytes || status_error) {
    error(node, path, quoted(*name) + " is larger than 16 MiB; expected at most 16 MiB");
    return std::nullopt;
  }
  DataFile data{std::ifstream(file), *name, printable(*name, 200)};
  if (!data.in) {
    error(node, path, "cannot read " + quoted(*name) + " (relative to the scenario file)");
    return std::nullopt;
  }
  data_files_.push_back(file.string());
  return data;
}

// A list with one value per interval of the horizon, or one list per day of the week
// ({weekdays: [...], saturday: [...], sunday: [...]}, or a list per named day), each with
// one value per interval of a day, laid onto the horizon's intervals.
std::vector<double> Loader::interval_values(const YAML::Node& node, const std::string& path,
                                            const model::Horizon& horizon, const std::string& what,
                                            const std::string& value_column, const ReadValue& read) {
  std::vector<double> values;
  if (node.IsSequence() && node.size() > 0) {
    for (std::size_t i = 0; i < node.size(); ++i)
      values.push_back(read(item(node, i, path), path + "." + std::to_string(i)));
    return values;
  }
  if (!node.IsMap()) {
    error(node, path,
          what + ", one per interval, {weekdays: [...], saturday: [...], sunday: [...]} or {file: forecast.csv}");
    return values;
  }
  if (node["file"]) {  // (reading a missing key of a const node adds nothing)
    const auto given = keyed(node, path, &kForecastKeys);
    return given.count("file")
               ? interval_values_from_file(given.at("file"), path + ".file", horizon, value_column, read)
               : values;
  }
  std::map<std::string, std::vector<double>> profiles;
  for (auto& [key, list] : entries(node, path, &kDayKeys)) {
    if (!list.IsSequence() || list.size() == 0) {
      error(list, path + "." + key, what + " for one day, one per interval of the day");
      continue;
    }
    auto& profile = profiles[key];
    for (std::size_t i = 0; i < list.size(); ++i)
      profile.push_back(read(item(list, i, path + "." + key), path + "." + key + "." + std::to_string(i)));
  }
  if (profiles.empty()) return values;
  if (horizon.start_weekday < 0) {
    error(node, path, "day profiles need a weekday in horizon.start, such as \"Mon 00:00\"");
    return values;
  }
  // Durations since the midnight before the horizon's start.
  const sim::Duration day(86400 * sim::kTicksPerSecond);
  const sim::Duration interval = sim::ticks_from_seconds(horizon.interval_seconds);
  const sim::Duration start = sim::ticks_from_seconds(horizon.start_clock_seconds);
  const sim::Duration zero(0);
  if (interval <= zero || day % interval != zero || start % interval != zero) {
    error(node, path, "day profiles need an interval that divides the day and a start on the interval grid");
    return values;
  }
  const auto per_day = static_cast<std::size_t>(day / interval);
  for (const auto& [key, profile] : profiles)
    if (profile.size() != per_day)
      error(mark_of(path + "." + key), path + "." + key,
            "has " + std::to_string(profile.size()) + " values; expected one per interval of a day (" +
                std::to_string(per_day) + ")");
  static const char* kDayNames[] = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
  const int intervals = horizon.interval_count();
  for (int i = 0; i < intervals; ++i) {
    const sim::Duration clock = start + interval * i;
    const int weekday = static_cast<int>((horizon.start_weekday + clock / day) % 7);
    const char* name = kDayNames[weekday];
    auto found = profiles.find(name);
    if (found == profiles.end() && weekday < 5) found = profiles.find("weekdays");
    if (found == profiles.end()) {
      error(node, path,
            std::string("has no profile for ") + name + "; expected one (or weekdays for Monday to Friday)");
      return {};
    }
    const auto slot = static_cast<std::size_t>((clock % day) / interval);
    values.push_back(slot < found->second.size() ? found->second[slot] : 0.0);
  }
  return values;
}

// `sweep: {grid: {key.path: [v1, v2] or "a..b:step"}, zip: {key: [...], key: [...]}}`
void Loader::read_sweep(const YAML::Node& node, model::SweepSection& into) {
  for (auto& [part, keys] : entries(node, "sweep", &kSweepKeys)) {
    auto& target = part == "grid" ? into.grid : into.zip;
    for (auto& [key, values] : entries(keys, "sweep." + part, nullptr)) {
      const std::string at = "sweep." + part + "." + key;
      std::vector<std::string> list;
      if (values.IsSequence()) {
        for (std::size_t i = 0; i < values.size(); ++i)
          if (const auto v = scalar(item(values, i, at), at + "." + std::to_string(i), "a value")) list.push_back(*v);
        if (list.empty()) error(values, at, "expected at least one value");
      } else if (const auto text = scalar(values, at, "a list of values or a range such as \"10..20:2\"")) {
        std::string problem;
        if (auto expanded = parse_sweep_values(*text, problem))
          list = std::move(*expanded);
        else
          error(values, at, problem);
      }
      const YAML::Mark mark = mark_of(at);
      if (!list.empty()) target.push_back({key, std::move(list), mark.line + 1, mark.column + 1});
    }
  }
  if (!into.zip.empty())
    for (const auto& entry : into.zip)
      if (entry.values.size() != into.zip.front().values.size())
        error(mark_of("sweep.zip." + entry.key), "sweep.zip." + entry.key,
              "has " + std::to_string(entry.values.size()) + " values; zipped keys need as many as " +
                  into.zip.front().key + " (" + std::to_string(into.zip.front().values.size()) + ")");
}

// `assert: [{kpi: slas.answer_20s, at_least: 80%}, ...]`: the paths and bounds are checked
// against the model's KPIs by `capsim check`, which knows them.
void Loader::read_assertions(const YAML::Node& node, const std::string& path, std::vector<model::Assertion>& into) {
  if (!node.IsSequence()) {
    error(node, path, "expected a list of assertions such as {kpi: slas.answer_20s, at_least: 80%}");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string at = path + "." + std::to_string(i);
    const YAML::Node entry = item(node, i, path);
    std::map<std::string, YAML::Node> given = keyed(entry, at, &kAssertionKeys);
    if (!entry.IsMap()) continue;
    model::Assertion assertion;
    assertion.origin = origin_;
    assertion.line = entry.Mark().line + 1;
    assertion.column = entry.Mark().column + 1;
    assertion.path = at;
    if (!given.count("kpi")) {
      error(entry, at, "missing key \"kpi\"; expected a KPI path such as slas.answer_20s or kpis.abandon_rate");
      continue;
    }
    if (given.count("at_least") == given.count("at_most")) {
      error(entry, at, "expected exactly one of at_least or at_most");
      continue;
    }
    const auto kpi = scalar(given["kpi"], at + ".kpi", "a KPI path such as slas.answer_20s");
    assertion.at_least = given.count("at_least") > 0;
    const char* bound_key = assertion.at_least ? "at_least" : "at_most";
    const auto bound = scalar(given[bound_key], at + "." + bound_key, "a bound such as 80%, 15s or 2000");
    if (!kpi || !bound) continue;
    assertion.kpi = *kpi;
    assertion.bound = *bound;
    into.push_back(std::move(assertion));
  }
}

// `staff: [targets]`, or `staff: {pools: [...], max_agents: N, targets: [...]}`.
void Loader::read_staff(const YAML::Node& node, model::StaffSection& into) {
  if (node.IsSequence()) {
    read_staff_targets(node, "staff", into.targets);
    return;
  }
  if (!node.IsMap()) {
    error(node, "staff",
          "expected a list of targets such as [{sla: answer_20s}], or {pools: [...], max_agents: N, targets: [...]}");
    return;
  }
  std::map<std::string, YAML::Node> given = keyed(node, "staff", &kStaffKeys);
  if (given.count("pools")) {
    into.pools = names(given["pools"], "staff.pools");
    if (into.pools.empty() && given["pools"].IsSequence())
      error(given["pools"], "staff.pools", "lists no pools; expected at least one (leave the key out for every pool)");
  }
  if (given.count("max_agents"))
    into.max_agents = static_cast<int>(
        whole(given["max_agents"], "staff.max_agents", 1, kMaxAgents, "a whole number of agents").value_or(1));
  if (given.count("targets")) read_staff_targets(given["targets"], "staff.targets", into.targets);
}

void Loader::read_staff_targets(const YAML::Node& node, const std::string& path,
                                std::vector<model::StaffTarget>& into) {
  if (!node.IsSequence()) {
    error(node, path, "expected a list of targets such as [{sla: answer_20s}, {kpi: abandon_rate, at_most: 5%}]");
    return;
  }
  for (std::size_t i = 0; i < node.size(); ++i) {
    const std::string at = path + "." + std::to_string(i);
    const YAML::Node entry = item(node, i, path);
    std::map<std::string, YAML::Node> given = keyed(entry, at, &kStaffTargetKeys);
    if (!entry.IsMap()) continue;
    model::StaffTarget target;
    target.path = at;
    if (given.count("sla") == given.count("kpi")) {
      error(entry, at, "expected exactly one of sla (an SLA's name) or kpi (abandon_rate or asa)");
      continue;
    }
    if (given.count("per_interval"))
      target.per_interval = boolean(given["per_interval"], at + ".per_interval").value_or(true);
    if (given.count("sla")) {
      target.sla = scalar(given["sla"], at + ".sla", "an SLA's name").value_or("");
      if (given.count("at_most"))
        error(given["at_most"], at + ".at_most",
              "an SLA target is its own target; use risk_at_most for the share of days that may miss it");
      if (given.count("risk_at_most")) {
        const auto risk = fraction(given["risk_at_most"], at + ".risk_at_most");
        if (risk && (*risk <= 0.0 || *risk >= 1.0))
          error(given["risk_at_most"], at + ".risk_at_most",
                "expected a share of days above 0% and below 100%, such as 10%");
        target.risk_at_most = risk.value_or(0.5);
        if (given.count("per_interval"))
          error(given["per_interval"], at + ".per_interval", "a risk is judged over whole days; remove per_interval");
        target.per_interval = false;
      }
    } else {
      target.kpi = scalar(given["kpi"], at + ".kpi", "abandon_rate or asa").value_or("");
      if (given.count("risk_at_most"))
        error(given["risk_at_most"], at + ".risk_at_most", "a risk is of an SLA; remove it or name an sla");
      if (!target.kpi.empty() && std::find(kStaffKpis.begin(), kStaffKpis.end(), target.kpi) == kStaffKpis.end()) {
        const std::string& kpi = target.kpi;
        const std::string suggestion = closest_match(kpi, kStaffKpis);
        error(given["kpi"], at + ".kpi",
              "expected abandon_rate or asa; got " + quoted(kpi) +
                  (suggestion.empty() ? "" : "; did you mean " + quoted(suggestion) + "?"));
      } else if (!given.count("at_most")) {
        error(entry, at, "missing key \"at_most\"; expected the most the KPI may be, such as 5% or 30s");
      } else if (target.kpi == "asa") {
        target.at_most = duration(given["at_most"], at + ".at_most", true).value_or(0.0);
      } else if (!target.kpi.empty()) {
        target.at_most = fraction(given["at_most"], at + ".at_most").value_or(0.0);
      }
    }
    into.push_back(std::move(target));
  }
}

void Loader::read_customer(const std::string& name, const YAML::Node& node, const std::string& path,
                           Scenario& scenario) {
  model::CustomerClass customer;
  customer.name = name;
  std::map<std::string, YAML::Node> given = keyed(node, path, &kCustomerKeys);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.customers.push_back(std::move(customer));
    return;
  }
  if (!given.count("arrivals")) {
    // The top-level trace may give this class its arrivals (Loader::read).
    if (!shared_trace_) error(node, path, "missing key \"arrivals\"; expected {rate: 120/h} or {per_interval: [...]}");
  } else {
    own_arrivals_.insert(name);
    std::map<std::string, YAML::Node> arrivals = keyed(given["arrivals"], path + ".arrivals", &kArrivalKeys);
    if (arrivals.count("busyness_cv")) {
      customer.arrivals.busyness_cv = busyness_cv(arrivals["busyness_cv"], path + ".arrivals.busyness_cv");
      if (arrivals.count("times") || arrivals.count("trace"))
        error(arrivals["busyness_cv"], path + ".arrivals.busyness_cv",
              "replayed times have no volume to vary; busyness_cv goes with rate or per_interval");
      arrivals.erase("busyness_cv");
    }
    if (given["arrivals"].IsMap()) {
      if (arrivals.size() != 1) {
        error(given["arrivals"], path + ".arrivals", "expected exactly one of rate, per_interval, times or trace");
      } else if (arrivals.count("trace")) {
        read_trace(arrivals["trace"], path + ".arrivals.trace", scenario, &customer);
      } else if (arrivals.count("rate")) {
        if (const auto text = scalar(arrivals["rate"], path + ".arrivals.rate", "a rate such as 120/h or 18/min")) {
          const auto rate = parse_rate(*text);
          if (!rate)
            error(arrivals["rate"], path + ".arrivals.rate",
                  "expected a rate such as 120/h or 18/min; got " + quoted(*text));
          else
            customer.arrivals.rate_per_second = *rate;
        }
      } else if (arrivals.count("times")) {
        const YAML::Node& list = arrivals["times"];
        if (!list.IsSequence() || list.size() == 0) {
          error(list, path + ".arrivals.times", "expected a list of arrival times such as [\"08:00:10\", 25min]");
        } else {
          for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string at = path + ".arrivals.times." + std::to_string(i);
            const YAML::Node value = item(list, i, path + ".arrivals.times");
            const auto text = scalar(value, at, "a clock time such as \"08:00:10\" or a duration from the start");
            if (!text) continue;
            // A clock time in a clock window; otherwise (or without a colon) a duration from the start.
            std::optional<double> seconds;
            if (text->find(':') != std::string::npos) {
              if (const auto clock = parse_clock(*text)) {
                seconds = *clock - scenario.horizon.start_clock_seconds;
                if (*seconds < 0) *seconds += 86400.0;
              }
            } else {
              seconds = parse_duration(*text);
            }
            if (!seconds || *seconds < 0)
              error(value, at,
                    "expected a clock time such as \"08:00:10\" or a duration from the start such as 25min; got " +
                        quoted(*text));
            else
              customer.arrivals.times.push_back(*seconds);
          }
        }
      } else {
        customer.arrivals.per_interval =
            interval_values(arrivals["per_interval"], path + ".arrivals.per_interval", scenario.horizon,
                            "expected arrival counts", "count", [&](const YAML::Node& value, const std::string& at) {
                              const auto count = number(value, at);
                              if (count && *count < 0) error(value, at, "expected a count of at least 0");
                              return count.value_or(0.0);
                            });
      }
    }
  }
  if (given.count("patience")) customer.patience = distribution(given["patience"], path + ".patience");
  if (given.count("redial")) {
    std::map<std::string, YAML::Node> redial = keyed(given["redial"], path + ".redial", &kRedialKeys);
    if (given["redial"].IsMap()) {
      model::Redial into;
      for (const char* key : {"probability", "delay"})
        if (!redial.count(key))
          error(given["redial"], path + ".redial",
                std::string("missing key \"") + key +
                    "\"; expected {probability: 40%, delay: {dist: exponential, mean: 10min}, max_attempts: 3}");
      if (redial.count("probability"))
        into.probability = fraction(redial["probability"], path + ".redial.probability").value_or(0.0);
      if (redial.count("delay"))
        if (auto delay = distribution(redial["delay"], path + ".redial.delay")) into.delay = *delay;
      if (redial.count("max_attempts"))
        into.max_attempts =
            static_cast<int>(whole(redial["max_attempts"], path + ".redial.max_attempts", 1, model::kMaxAttempts,
                                   "a whole number of attempts (the first included)")
                                 .value_or(2));
      customer.redial = into;
    }
  }
  if (given.count("backlog")) {
    std::map<std::string, YAML::Node> backlog = keyed(given["backlog"], path + ".backlog", &kBacklogKeys);
    if (given["backlog"].IsMap()) {
      model::Backlog into;
      if (!backlog.count("count"))
        error(given["backlog"], path + ".backlog",
              "missing key \"count\"; expected {count: 25, waited: {dist: uniform, min: 0s, max: 5min}}");
      else
        into.count = whole(backlog["count"], path + ".backlog.count", 0, model::kMaxBacklog,
                           "a whole number of customers waiting at the start")
                         .value_or(0);
      if (!backlog.count("waited"))
        error(given["backlog"], path + ".backlog",
              "missing key \"waited\"; expected how long they have waited, such as {dist: uniform, min: 0s, max: "
              "5min}");
      else if (auto waited = distribution(backlog["waited"], path + ".backlog.waited"))
        into.waited = *waited;
      customer.backlog = into;
    }
  }
  if (given.count("cost")) {
    for (auto& [key, value] : entries(given["cost"], path + ".cost", &kFailureCostKeys)) {
      const std::string at = path + ".cost." + key;
      const auto text = scalar(value, at, "a cost per event such as 4.5");
      const auto amount = text ? parse_number(*text) : std::nullopt;
      if (text && (!amount || *amount < 0 || *amount > model::kMaxFailureCost)) {
        error(value, at, "expected a cost per event from 0 to 1000000000 such as 4.5; got " + quoted(*text));
        continue;
      }
      if (!amount) continue;
      double& into = key == "abandoned" ? customer.cost.abandoned
                     : key == "blocked" ? customer.cost.blocked
                     : key == "balked"  ? customer.cost.balked
                                        : customer.cost.sla_breach;
      into = *amount;
    }
  }
  if (given.count("priority"))
    customer.priority = static_cast<int>(
        whole(given["priority"], path + ".priority", -1000, 1000, "a priority (a whole number, higher is served first)")
            .value_or(0));
  if (!given.count("entry"))
    error(node, path, "missing key \"entry\"; expected the name of the first stage");
  else
    customer.entry = scalar(given["entry"], path + ".entry", "a stage name").value_or("");
  scenario.customers.push_back(std::move(customer));
}

void Loader::read_stage(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario) {
  model::Stage stage;
  stage.name = name;
  std::map<std::string, YAML::Node> given = keyed(node, path, &kStageKeys);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.stages.push_back(std::move(stage));
    return;
  }
  if (!given.count("service"))
    error(node, path, "missing key \"service\"; expected a distribution such as {dist: exponential, mean: 5min}");
  else if (auto service = distribution(given["service"], path + ".service"))
    stage.service = *service;
  if (given.count("self_service"))
    stage.self_service = boolean(given["self_service"], path + ".self_service").value_or(false);
  if (stage.self_service) {
    // No agents and no line: only the delay and the route mean anything here.
    for (const char* key :
         {"pools", "queue", "wrap_up", "concurrency", "needs", "balking", "abandonment", "overflow", "callback"})
      if (given.count(key))
        error(given[key], path + "." + key,
              "a self-service stage has no agents and no line; remove it (or self_service)");
  } else if (!given.count("pools")) {
    error(node, path, "missing key \"pools\"; expected the pools that serve this stage, in order of preference");
  } else {
    read_stage_pools(given["pools"], path + ".pools", stage);
  }
  if (given.count("wrap_up")) stage.wrap_up = distribution(given["wrap_up"], path + ".wrap_up");
  if (given.count("concurrency"))
    stage.concurrency = static_cast<int>(whole(given["concurrency"], path + ".concurrency", 1, model::kMaxConcurrency,
                                               "a whole number of customers one agent serves at once")
                                             .value_or(1));
  if (given.count("needs")) stage.needs = names(given["needs"], path + ".needs");
  if (given.count("queue")) {
    for (auto& [key, value] : entries(given["queue"], path + ".queue", &kQueueKeys)) {
      if (key == "capacity") {
        if (auto capacity =
                whole(value, path + ".queue.capacity", 0, kMaxQueueCapacity, "a whole number of waiting places"))
          stage.queue_capacity = static_cast<int>(*capacity);
      } else if (const auto text = scalar(value, path + ".queue.discipline", "fifo or priority")) {
        if (*text == "fifo")
          stage.discipline = model::QueueDiscipline::fifo;
        else if (*text == "priority")
          stage.discipline = model::QueueDiscipline::priority;
        else
          error(value, path + ".queue.discipline", "expected fifo or priority; got " + quoted(*text));
      }
    }
  }
  if (given.count("next")) {
    for (auto& [target, value] : entries(given["next"], path + ".next", nullptr)) {
      double probability = 0.0;
      if (const auto text = scalar(value, path + ".next." + target, "a probability such as 0.15 or 15%")) {
        const auto parsed = parse_fraction(*text);
        if (parsed && *parsed >= 0 && *parsed <= 1)
          probability = *parsed;
        else
          error(value, path + ".next." + target, "expected a probability such as 0.15 or 15%; got " + quoted(*text));
      }
      stage.next.push_back({target, probability});
    }
  }
  if (given.count("abandonment")) {
    stage.abandonment = boolean(given["abandonment"], path + ".abandonment").value_or(true);
    abandonment_given_.insert(name);
  }
  if (given.count("lane")) {
    if (const auto text = scalar(given["lane"], path + ".lane", "front, back or support")) {
      if (*text == "front" || *text == "back" || *text == "support") {
        stage.lane = *text == "front" ? model::Lane::front : *text == "back" ? model::Lane::back : model::Lane::support;
        lane_given_.insert(name);
      } else {
        error(given["lane"], path + ".lane",
              "expected front (what the customer sees), back (the work behind it) or support; got " + quoted(*text));
      }
    }
  }
  if (given.count("balking")) read_balking(given["balking"], path + ".balking", stage);
  if (given.count("overflow") && !stage.self_service) read_overflow(given["overflow"], path + ".overflow", stage);
  if (given.count("callback") && !stage.self_service) read_callback(given["callback"], path + ".callback", stage);
  scenario.stages.push_back(std::move(stage));
}

void Loader::read_sla(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario) {
  model::Sla sla;
  sla.name = name;
  std::map<std::string, YAML::Node> given = keyed(node, path, &kSlaKeys);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.slas.push_back(std::move(sla));
    return;
  }
  if (given.count("customers")) {
    sla.customers = names(given["customers"], path + ".customers");
    if (sla.customers.empty() && given["customers"].IsSequence())
      error(given["customers"], path + ".customers",
            "lists no customer classes; expected at least one (leave the key out to cover every class)");
  }
  if (given.count("stage")) sla.stage = scalar(given["stage"], path + ".stage", "a stage name").value_or("");
  if (given.count("wait_within") == given.count("sojourn_within")) {
    error(node, path, "expected exactly one of wait_within or sojourn_within");
  } else if (given.count("wait_within")) {
    sla.measure = model::SlaMeasure::wait;
    sla.threshold_seconds = duration(given["wait_within"], path + ".wait_within", false).value_or(0.0);
  } else {
    sla.measure = model::SlaMeasure::sojourn;
    sla.threshold_seconds = duration(given["sojourn_within"], path + ".sojourn_within", false).value_or(0.0);
    if (given.count("stage"))
      error(given["stage"], path + ".stage", "a sojourn SLA covers the whole journey; remove stage");
    if (given.count("exclude_abandoned_within"))
      error(given["exclude_abandoned_within"], path + ".exclude_abandoned_within",
            "short abandons are judged by their wait: only a wait_within SLA leaves them out");
  }
  if (given.count("exclude_abandoned_within") && sla.measure == model::SlaMeasure::wait)
    sla.exclude_abandoned_within_seconds =
        duration(given["exclude_abandoned_within"], path + ".exclude_abandoned_within", true);
  if (given.count("count_blocked"))
    sla.count_blocked = boolean(given["count_blocked"], path + ".count_blocked").value_or(true);
  if (given.count("by")) {
    if (const auto text = scalar(given["by"], path + ".by", "arrival or answer")) {
      if (*text == "answer" || *text == "arrival")
        sla.by_answer = *text == "answer";
      else
        error(given["by"], path + ".by",
              "expected arrival (per-interval results by the arrival interval) or answer (by the interval of the "
              "answer or miss); got " +
                  quoted(*text));
    }
  }
  if (!given.count("target"))
    error(node, path, "missing key \"target\"; expected a fraction such as 80%");
  else
    sla.target = fraction(given["target"], path + ".target").value_or(0.0);
  scenario.slas.push_back(std::move(sla));
}

void Loader::read_balking(const YAML::Node& node, const std::string& path, model::Stage& stage) {
  std::map<std::string, YAML::Node> given = keyed(node, path, &kBalkingKeys);
  if (!node.IsMap()) return;
  constexpr const char* kExample = "{queue_length: [5, 15], probability: [10%, 40%]}";
  for (const char* key : {"queue_length", "probability"})
    if (!given.count(key)) error(node, path, std::string("missing key \"") + key + "\"; expected " + kExample);
  if (given.size() != 2) return;
  const YAML::Node& lengths = given["queue_length"];
  const YAML::Node& probabilities = given["probability"];
  bool ok = true;
  for (const auto& [list, key] : {std::pair{&lengths, "queue_length"}, std::pair{&probabilities, "probability"}})
    if (!list->IsSequence() || list->size() == 0 || list->size() > model::kMaxBalkingSteps) {
      error(*list, path + "." + key,
            "expected a list of 1 to " + std::to_string(model::kMaxBalkingSteps) + " values, as in " + kExample);
      ok = false;
    }
  if (!ok) return;
  if (lengths.size() != probabilities.size()) {
    error(probabilities, path + ".probability",
          "has " + std::to_string(probabilities.size()) + (probabilities.size() == 1 ? " value" : " values") +
              "; expected one per queue_length (" + std::to_string(lengths.size()) + ")");
    return;
  }
  for (std::size_t i = 0; i < lengths.size(); ++i) {
    const std::string at = path + ".queue_length." + std::to_string(i);
    const auto length = whole(item(lengths, i, path + ".queue_length"), at, 0, kMaxQueueCapacity,
                              "a whole number of customers waiting");
    if (length && !stage.balk_queue_length.empty() && *length <= stage.balk_queue_length.back())
      error(lengths[i], at, "is not above the length before it; expected increasing queue lengths");
    stage.balk_queue_length.push_back(length.value_or(0));
    const std::string p_at = path + ".probability." + std::to_string(i);
    stage.balk_probability.push_back(fraction(item(probabilities, i, path + ".probability"), p_at).value_or(0.0));
  }
}

void Loader::read_overflow(const YAML::Node& node, const std::string& path, model::Stage& stage) {
  std::map<std::string, YAML::Node> given = keyed(node, path, &kOverflowKeys);
  if (!node.IsMap()) return;
  constexpr const char* kExample = "{after: 60s, pools: [tier2]} or {after: 2min, to: backup}";
  if (!given.count("after")) error(node, path, std::string("missing key \"after\"; expected ") + kExample);
  if (given.count("pools") == given.count("to")) {
    error(node, path, std::string("expected exactly one of pools or to, as in ") + kExample);
    return;
  }
  model::Overflow overflow;
  // A move to another line at once could bounce between two stages within one instant.
  const bool moves = given.count("to") > 0;
  if (given.count("after"))
    overflow.after_seconds = duration(given["after"], path + ".after", moves).value_or(moves ? 1.0 : 0.0);
  if (moves) {
    overflow.to = scalar(given["to"], path + ".to", "a stage name").value_or("");
  } else {
    model::Stage extra;
    read_stage_pools(given["pools"], path + ".pools", extra);
    overflow.pools = std::move(extra.pools);
    overflow.handling_factors = std::move(extra.handling_factors);
    if (overflow.pools.empty() && given["pools"].IsSequence())
      error(given["pools"], path + ".pools", "lists no pools; expected at least one, as in " + std::string(kExample));
  }
  stage.overflow = std::move(overflow);
}

void Loader::read_callback(const YAML::Node& node, const std::string& path, model::Stage& stage) {
  std::map<std::string, YAML::Node> given = keyed(node, path, &kCallbackKeys);
  if (!node.IsMap()) return;
  for (const char* key : {"offer_when_wait_above", "accept"})
    if (!given.count(key))
      error(node, path,
            std::string("missing key \"") + key + "\"; expected {offer_when_wait_above: 2min, accept: 60%}");
  if (given.size() != 2) return;
  model::Callback callback;
  callback.offer_when_wait_above_seconds =
      duration(given["offer_when_wait_above"], path + ".offer_when_wait_above", false).value_or(0.0);
  callback.accept = fraction(given["accept"], path + ".accept").value_or(0.0);
  stage.callback = callback;
}

void Loader::read_trunks(const YAML::Node& node, Scenario& scenario) {
  std::map<std::string, YAML::Node> given = keyed(node, "trunks", &kTrunkKeys);
  if (!node.IsMap()) return;
  model::Trunks trunks;
  if (!given.count("lines"))
    error(node, "trunks", "missing key \"lines\"; expected the number of lines, such as {lines: 150}");
  else
    trunks.lines = whole(given["lines"], "trunks.lines", 1, kMaxQueueCapacity, "a whole number of lines").value_or(1);
  if (given.count("customers")) {
    trunks.customers = names(given["customers"], "trunks.customers");
    if (trunks.customers.empty() && given["customers"].IsSequence())
      error(given["customers"], "trunks.customers",
            "lists no customer classes; expected at least one (leave the key out for every class)");
  }
  scenario.trunks = std::move(trunks);
}

Scenario Loader::read(const YAML::Node& root) {
  Scenario scenario;
  std::map<std::string, YAML::Node> given = keyed(root, "", &kTopKeys);
  if (!root.IsMap()) return scenario;
  if (given.count("name")) scenario.name = scalar(given["name"], "name", "a name").value_or("");
  if (given.count("seed")) {
    if (const auto text = scalar(given["seed"], "seed", kSeedExpected)) {
      if (const auto seed = parse_seed(*text))
        scenario.seed = *seed;
      else
        error(given["seed"], "seed", std::string("expected ") + kSeedExpected + "; got " + quoted(*text));
    }
  }
  if (given.count("replications"))
    scenario.replications = static_cast<int>(
        whole(given["replications"], "replications", 1, kMaxReplications, "a whole number of replications")
            .value_or(1));
  for (const std::string& required : kRequiredTopKeys) {
    if (given.count(required)) continue;
    error(root, "", "missing key \"" + required + "\"");
    missing_sections_.insert(required);
  }
  if (given.count("horizon")) read_horizon(given["horizon"], scenario.horizon);
  shared_trace_ = given.count("trace") > 0;
  if (given.count("busyness_cv")) scenario.busyness_cv = busyness_cv(given["busyness_cv"], "busyness_cv");
  if (given.count("trunks")) read_trunks(given["trunks"], scenario);
  if (given.count("customers"))
    for (auto& [name, node] : entries(given["customers"], "customers", nullptr))
      read_customer(name, node, "customers." + name, scenario);
  if (given.count("trace")) {
    // Each row to its class; a class with arrivals of its own takes none.
    std::vector<std::size_t> before;
    for (const auto& customer : scenario.customers) before.push_back(customer.arrivals.times.size());
    read_trace(given["trace"], "trace", scenario, nullptr);
    for (std::size_t c = 0; c < scenario.customers.size(); ++c) {
      const auto& customer = scenario.customers[c];
      if (own_arrivals_.count(customer.name) && customer.arrivals.times.size() != before[c])
        error(given["trace"], "trace",
              "has rows of class " + quoted(customer.name) +
                  ", which has arrivals of its own; expected its arrivals in one place (leave out its arrivals key)");
    }
  }
  if (given.count("pools"))
    for (auto& [name, node] : entries(given["pools"], "pools", nullptr))
      read_pool(name, node, "pools." + name, scenario);
  if (given.count("stages"))
    for (auto& [name, node] : entries(given["stages"], "stages", nullptr))
      read_stage(name, node, "stages." + name, scenario);
  // Lanes: front for a stage customers enter at, back otherwise; customers give up waiting
  // only in the front lane unless the file says otherwise.
  std::set<std::string> entries_of_classes;
  for (const auto& customer : scenario.customers) entries_of_classes.insert(customer.entry);
  for (auto& stage : scenario.stages) {
    if (!lane_given_.count(stage.name))
      stage.lane = entries_of_classes.count(stage.name) ? model::Lane::front : model::Lane::back;
    if (!abandonment_given_.count(stage.name) && !stage.self_service)
      stage.abandonment = stage.lane == model::Lane::front;
  }
  if (given.count("sla"))
    for (auto& [name, node] : entries(given["sla"], "sla", nullptr)) read_sla(name, node, "sla." + name, scenario);
  if (given.count("systems"))
    for (auto& [name, node] : entries(given["systems"], "systems", nullptr))
      read_system(name, node, "systems." + name, scenario);
  if (given.count("assert")) read_assertions(given["assert"], "assert", scenario.assertions);
  if (given.count("sweep")) read_sweep(given["sweep"], scenario.sweep);
  if (given.count("staff")) read_staff(given["staff"], scenario.staff);
  return scenario;
}

// Runs the whole-scenario checks even when reading found problems, so that every problem is
// reported at once, but leaves out what follows from a problem already reported: anything
// about a key path that has (or lies under, or above) an error, the sections that are
// missing, and list lengths when the horizon itself is wrong.

}  // namespace capsim::io::detail
