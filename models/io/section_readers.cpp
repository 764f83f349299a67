// One reader per section of the scenario: horizon, customers, pools, stages, sla.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "models/io/loader.h"
#include "models/io/units.h"
#include "sim/time.h"

namespace capsim::io::detail {

void Loader::read_horizon(const YAML::Node& node, model::Horizon& horizon) {
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, "horizon", &kHorizonKeys)) given.emplace(key, value);
  if (!node.IsMap()) return;
  const bool clock = given.count("start") || given.count("end");
  if (clock) {
    horizon.clock_window = true;
    horizon.drain = true;
    if (given.count("length"))
      error(given["length"], "horizon.length", "give either start and end, or length; not both");
    if (!given.count("start") || !given.count("end")) {
      error(node, "horizon",
            "a clock window needs both start and end, e.g. {start: \"08:00\", end: \"20:00\", interval: 30min}");
      return;
    }
    std::optional<double> start, end;
    for (auto [key, target] : {std::pair{"start", &start}, std::pair{"end", &end}}) {
      const auto text = scalar(given[key], std::string("horizon.") + key, "a clock time such as \"08:30\"");
      if (!text) continue;
      *target = parse_clock(*text);
      if (!*target)
        error(given[key], std::string("horizon.") + key,
              "expected a clock time such as \"08:30\"; got " + quoted(*text));
    }
    if (!start || !end) return;
    if (*end <= *start) {
      error(given["end"], "horizon.end", "must be after start");
      return;
    }
    horizon.start_clock_seconds = *start;
    horizon.length_seconds = *end - *start;
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
      const sim::Time length_ticks = sim::ticks_from_seconds(horizon.length_seconds);
      const sim::Time interval_ticks = sim::ticks_from_seconds(*interval);
      if (interval_ticks <= 0 || length_ticks % interval_ticks != 0)
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

void Loader::read_customer(const std::string& name, const YAML::Node& node, const std::string& path,
                           Scenario& scenario) {
  model::CustomerClass customer;
  customer.name = name;
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, path, &kCustomerKeys)) given.emplace(key, value);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.customers.push_back(std::move(customer));
    return;
  }
  if (!given.count("arrivals")) {
    error(node, path, "missing key \"arrivals\"; expected {rate: 120/h} or {per_interval: [...]}");
  } else {
    std::map<std::string, YAML::Node> arrivals;
    for (auto& [key, value] : entries(given["arrivals"], path + ".arrivals", &kArrivalKeys))
      arrivals.emplace(key, value);
    if (given["arrivals"].IsMap()) {
      if (arrivals.size() != 1) {
        error(given["arrivals"], path + ".arrivals", "expected exactly one of rate or per_interval");
      } else if (arrivals.count("rate")) {
        if (const auto text = scalar(arrivals["rate"], path + ".arrivals.rate", "a rate such as 120/h or 18/min")) {
          const auto rate = parse_rate(*text);
          if (!rate)
            error(arrivals["rate"], path + ".arrivals.rate",
                  "expected a rate such as 120/h or 18/min; got " + quoted(*text));
          else
            customer.arrivals.rate_per_second = *rate;
        }
      } else {
        const YAML::Node& list = arrivals["per_interval"];
        if (!list.IsSequence() || list.size() == 0) {
          error(list, path + ".arrivals.per_interval", "expected a list of expected arrival counts, one per interval");
        } else {
          for (std::size_t i = 0; i < list.size(); ++i) {
            const auto count = number(list[i], path + ".arrivals.per_interval." + std::to_string(i));
            if (count && *count < 0)
              error(list[i], path + ".arrivals.per_interval." + std::to_string(i), "expected a count of at least 0");
            customer.arrivals.per_interval.push_back(count.value_or(0.0));
          }
        }
      }
    }
  }
  if (given.count("patience")) customer.patience = distribution(given["patience"], path + ".patience");
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

void Loader::read_pool(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario) {
  model::Pool pool;
  pool.name = name;
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, path, &kPoolKeys)) given.emplace(key, value);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.pools.push_back(std::move(pool));
    return;
  }
  if (given.count("agents") == given.count("staffing")) {
    error(node, path, "expected exactly one of agents (a number) or staffing (a list per interval)");
  } else if (given.count("agents")) {
    pool.staffing.push_back(static_cast<int>(
        whole(given["agents"], path + ".agents", 0, kMaxAgents, "a whole number of agents").value_or(0)));
  } else if (!given["staffing"].IsSequence() || given["staffing"].size() == 0) {
    error(given["staffing"], path + ".staffing", "expected a list of agent counts, one per interval");
  } else {
    for (std::size_t i = 0; i < given["staffing"].size(); ++i)
      pool.staffing.push_back(static_cast<int>(whole(given["staffing"][i], path + ".staffing." + std::to_string(i), 0,
                                                     kMaxAgents, "a whole number of agents")
                                                   .value_or(0)));
  }
  if (given.count("cost")) {
    if (const auto text = scalar(given["cost"], path + ".cost", "a cost per hour such as 28/h")) {
      auto per_second = parse_rate(*text);
      const auto plain = parse_number(*text);
      const std::optional<double> per_hour =
          per_second ? std::optional<double>(*per_second * 3600.0) : (plain && *plain >= 0 ? plain : std::nullopt);
      if (per_hour && *per_hour <= model::kMaxCostPerHour)
        pool.cost_per_hour = *per_hour;
      else
        error(given["cost"], path + ".cost",
              "expected a cost per hour from 0 to 1000000000 such as 28/h; got " + quoted(*text));
    }
  }
  scenario.pools.push_back(std::move(pool));
}

void Loader::read_stage(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario) {
  model::Stage stage;
  stage.name = name;
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, path, &kStageKeys)) given.emplace(key, value);
  if (!node.IsMap()) {  // kept by name, so that references to it resolve
    scenario.stages.push_back(std::move(stage));
    return;
  }
  if (!given.count("service"))
    error(node, path, "missing key \"service\"; expected a distribution such as {dist: exponential, mean: 5min}");
  else if (auto service = distribution(given["service"], path + ".service"))
    stage.service = *service;
  if (!given.count("pools"))
    error(node, path, "missing key \"pools\"; expected the pools that serve this stage, in order of preference");
  else
    stage.pools = names(given["pools"], path + ".pools");
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
  if (given.count("abandonment"))
    stage.abandonment = boolean(given["abandonment"], path + ".abandonment").value_or(true);
  scenario.stages.push_back(std::move(stage));
}

void Loader::read_sla(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario) {
  model::Sla sla;
  sla.name = name;
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(node, path, &kSlaKeys)) given.emplace(key, value);
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
  }
  if (!given.count("target"))
    error(node, path, "missing key \"target\"; expected a fraction such as 80%");
  else
    sla.target = fraction(given["target"], path + ".target").value_or(0.0);
  scenario.slas.push_back(std::move(sla));
}

Scenario Loader::read(const YAML::Node& root) {
  Scenario scenario;
  std::map<std::string, YAML::Node> given;
  for (auto& [key, value] : entries(root, "", &kTopKeys)) given.emplace(key, value);
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
  for (const char* required : {"horizon", "customers", "pools", "stages"}) {
    if (given.count(required)) continue;
    error(root, "", std::string("missing key \"") + required + "\"");
    missing_sections_.insert(required);
  }
  if (given.count("horizon")) read_horizon(given["horizon"], scenario.horizon);
  if (given.count("customers"))
    for (auto& [name, node] : entries(given["customers"], "customers", nullptr))
      read_customer(name, node, "customers." + name, scenario);
  if (given.count("pools"))
    for (auto& [name, node] : entries(given["pools"], "pools", nullptr))
      read_pool(name, node, "pools." + name, scenario);
  if (given.count("stages"))
    for (auto& [name, node] : entries(given["stages"], "stages", nullptr))
      read_stage(name, node, "stages." + name, scenario);
  if (given.count("sla"))
    for (auto& [name, node] : entries(given["sla"], "sla", nullptr)) read_sla(name, node, "sla." + name, scenario);
  return scenario;
}

// Runs the whole-scenario checks even when reading found problems, so that every problem is
// reported at once, but leaves out what follows from a problem already reported: anything
// about a key path that has (or lies under, or above) an error, the sections that are
// missing, and list lengths when the horizon itself is wrong.

}  // namespace capsim::io::detail
