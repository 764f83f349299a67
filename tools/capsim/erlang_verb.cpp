// capsim erlang b|c|a: closed-form answers for one interval, and the fewest agents that
// reach a target.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "models/io/diagnostics.h"
#include "models/io/units.h"
#include "models/limits.h"
#include "models/queueing_theory.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

struct ErlangOptions {
  std::string model;
  std::string rate, aht, patience, within, target, agents, agents_range, format = "table";
};

// One staffing's closed-form answers (NaN where the model has no such quantity).
struct Answers {
  bool stable = true;
  double service_level = NAN, asa = NAN, p_wait = NAN, abandon_rate = NAN, blocking = NAN, occupancy = NAN;
};

Answers answers_for(const std::string& model_name, int n, double rate, double mu, double within,
                    std::optional<double> patience) {
  Answers a;
  const double load = rate / mu;
  if (model_name == "b") {
    a.blocking = model::erlang_b(n, load);
    a.occupancy = n > 0 ? load * (1.0 - a.blocking) / n : 0.0;
  } else if (model_name == "c") {
    if (load >= n) {
      a.stable = false;
      return a;
    }
    const auto r = model::erlang_c_metrics(n, rate, mu, within);
    a.p_wait = r.p_wait;
    a.asa = r.asa;
    a.service_level = r.service_level;
    a.occupancy = r.occupancy;
  } else {
    const auto r = model::mmck_abandonment(n, rate, mu, 1.0 / *patience, std::nullopt, within);
    a.p_wait = r.p_wait;
    a.abandon_rate = r.p_abandon;
    a.asa = n > 0 ? r.asa : NAN;  // nobody is answered: undefined
    a.service_level = r.service_level;
    a.occupancy = r.occupancy;
  }
  return a;
}

// The planner's table over a range of agents, in capsim's units (percentages, seconds).
void print_range(const std::string& model_name, int first, int last, double rate, double mu, double within,
                 std::optional<double> patience, const std::string& format) {
  nlohmann::ordered_json rows = nlohmann::ordered_json::array();
  const auto cell = [](double x) {
    return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
  };
  if (format == "table") {
    std::cout << std::right << std::setw(7) << "agents";
    if (model_name == "b")
      std::cout << std::setw(11) << "blocking";
    else
      std::cout << std::setw(8) << "SL" << std::setw(10) << "ASA" << std::setw(9) << "P(wait)";
    if (model_name == "a") std::cout << std::setw(11) << "abandoned";
    std::cout << std::setw(11) << "occupancy" << '\n';
  }
  for (int n = first; n <= last; ++n) {
    const Answers a = answers_for(model_name, n, rate, mu, within, patience);
    if (format == "json") {
      nlohmann::ordered_json row{{"agents", n}};
      if (model_name == "b") {
        row["blocking"] = cell(a.blocking);
      } else {
        row["stable"] = a.stable;
        row["service_level"] = cell(a.service_level);
        row["asa"] = cell(a.asa);
        row["p_wait"] = cell(a.p_wait);
      }
      if (model_name == "a") row["abandon_rate"] = cell(a.abandon_rate);
      row["occupancy"] = cell(a.occupancy);
      rows.push_back(std::move(row));
      continue;
    }
    const auto percent = [](double x, int width) {
      std::ostringstream text;
      if (std::isfinite(x))
        text << std::fixed << std::setprecision(1) << 100.0 * x << '%';
      else
        text << '-';
      std::cout << std::setw(width) << text.str();
    };
    std::cout << std::setw(7) << n;
    if (model_name == "b") {
      percent(a.blocking, 11);
    } else if (!a.stable) {
      std::cout << "   unstable: the load reaches the agents\n";
      continue;
    } else {
      percent(a.service_level, 8);
      std::ostringstream asa;
      if (std::isfinite(a.asa))
        asa << std::fixed << std::setprecision(1) << a.asa << 's';
      else
        asa << '-';
      std::cout << std::setw(10) << asa.str();
      percent(a.p_wait, 9);
    }
    if (model_name == "a") percent(a.abandon_rate, 11);
    percent(a.occupancy, 11);
    std::cout << '\n';
  }
  if (format == "json") std::cout << rows.dump(2) << '\n';
}

int report_usage(const std::string& message) {
  std::cerr << "capsim erlang: " << message << '\n';
  return kExitBadInput;
}

int run(const ErlangOptions& o) {
  const auto rate = io::parse_rate(o.rate);
  if (!rate || *rate <= 0)
    return report_usage("--rate: expected a rate such as 120/h or 18/min; got \"" + io::printable(o.rate) + "\"");
  const auto aht = io::parse_duration(o.aht);
  if (!aht || *aht <= 0)
    return report_usage("--aht: expected a duration such as 20s, 4.5min or 2h; got \"" + io::printable(o.aht) + "\"");
  // Options that the chosen model does not use are mistakes, not silently ignored.
  if (o.model != "a" && !o.patience.empty())
    return report_usage("--patience applies to erlang a only; erlang " + o.model + " has no abandonment");
  if (o.model == "b" && !o.within.empty())
    return report_usage("--within applies to erlang c and a; erlang b has no waiting");
  const auto within = io::parse_duration(o.within.empty() ? "20s" : o.within);
  if (!within || *within < 0 || *within > model::kMaxDurationSeconds)
    return report_usage("--within: expected a duration from 0 to 3650d such as 20s; got \"" + io::printable(o.within) +
                        "\"");
  std::optional<int> agents;
  if (!o.agents.empty()) {
    const auto n = io::parse_number(o.agents);
    if (!n || *n != std::floor(*n) || *n < 0 || *n > 1'000'000)
      return report_usage("--agents: expected a whole number from 0 to 1000000; got \"" + io::printable(o.agents) +
                          "\"");
    agents = static_cast<int>(*n);
  }
  std::optional<std::pair<int, int>> range;
  if (!o.agents_range.empty()) {
    const auto dots = o.agents_range.find("..");
    const auto from = dots == std::string::npos ? std::nullopt : io::parse_number(o.agents_range.substr(0, dots));
    const auto to = dots == std::string::npos ? std::nullopt : io::parse_number(o.agents_range.substr(dots + 2));
    if (!from || !to || *from != std::floor(*from) || *to != std::floor(*to) || *from < 0 || *to < *from ||
        *to > 1'000'000 || *to - *from >= 10'000)
      return report_usage(
          "--agents-range: expected FIRST..LAST, whole numbers from 0 to 1000000, at most 10000 "
          "rows, such as 18..26; got \"" +
          io::printable(o.agents_range) + "\"");
    if (agents || !o.target.empty())
      return report_usage("--agents-range prints a table on its own; leave out --agents and --target");
    range = std::pair{static_cast<int>(*from), static_cast<int>(*to)};
  }
  std::optional<double> target;
  if (!o.target.empty()) {
    target = io::parse_fraction(o.target);
    if (!target || *target <= 0 || *target >= 1)
      return report_usage("--target: expected a fraction such as 80% or 1%; got \"" + io::printable(o.target) + "\"");
  }
  std::optional<double> patience;
  if (o.model == "a") {
    if (o.patience.empty()) return report_usage("erlang a needs --patience (mean patience, e.g. 2min)");
    patience = io::parse_duration(o.patience);
    if (!patience || *patience <= 0)
      return report_usage("--patience: expected a duration such as 2min; got \"" + io::printable(o.patience) + "\"");
  }
  if (!agents && !target && !range) return report_usage("give --agents, --target, both, or --agents-range");
  if (*rate * *aht > 1e6) return report_usage("--rate x --aht is more than 1,000,000 erlangs; expected a smaller load");
  if (range) {
    print_range(o.model, range->first, range->second, *rate, 1.0 / *aht, *within, patience, o.format);
    return kExitOk;
  }

  const double mu = 1.0 / *aht;
  const double load = *rate / mu;
  nlohmann::ordered_json out{{"model", "erlang_" + o.model},
                             {"arrival_rate_per_second", *rate},
                             {"aht_seconds", *aht},
                             {"load_erlangs", load}};
  if (o.model != "b") out["threshold_seconds"] = *within;
  if (patience) out["patience_seconds"] = *patience;
  const auto finite = [](double x) {
    return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json(nullptr);
  };

  int code = kExitOk;
  if (agents) {
    out["agents"] = *agents;
    const Answers a = answers_for(o.model, *agents, *rate, mu, *within, patience);
    if (o.model == "b") {
      out["blocking"] = a.blocking;
    } else {
      if (o.model == "c") out["stable"] = a.stable;
      if (a.stable) {
        out["p_wait"] = a.p_wait;
        if (o.model == "a") out["abandon_rate"] = a.abandon_rate;
        out["asa"] = finite(a.asa);
        out["service_level"] = a.service_level;
      }
    }
    if (a.stable) out["occupancy"] = a.occupancy;
  }
  if (target) {
    out["target"] = *target;
    std::optional<int> needed =
        o.model == "b" ? model::agents_for_blocking(load, *target)
                       : model::agents_for_service_level(*rate, mu, *within, *target, patience ? 1.0 / *patience : 0.0);
    out["agents_for_target"] = needed ? nlohmann::ordered_json(*needed) : nlohmann::ordered_json(nullptr);
    if (needed) {
      // What that staffing reaches, so the answer can be checked at a glance.
      if (o.model == "b")
        out["blocking_at_target"] = model::erlang_b(*needed, load);
      else if (o.model == "c")
        out["service_level_at_target"] = model::erlang_c_metrics(*needed, *rate, mu, *within).service_level;
      else
        out["service_level_at_target"] =
            model::mmck_abandonment(*needed, *rate, mu, 1.0 / *patience, std::nullopt, *within).service_level;
    } else {
      std::cerr << "capsim erlang: no staffing up to 100000 agents reaches the target "
                << (o.model == "b" ? "blocking " : "service level ") << *target << '\n';
      code = kExitCheckFailed;
    }
  }

  if (o.format == "json") {
    std::cout << out.dump(2) << '\n';
    return code;
  }
  for (const auto& [key, value] : out.items()) {
    std::cout << std::left << std::setw(26) << key;
    if (value.is_number_float())
      std::cout << std::setprecision(6) << value.get<double>();
    else if (value.is_string())
      std::cout << value.get<std::string>();
    else
      std::cout << value.dump();
    std::cout << '\n';
  }
  return code;
}

int run_checked(const ErlangOptions& o) {
  try {
    return run(o);
  } catch (const std::domain_error& e) {  // a model the exact solution cannot hold
    return report_usage(e.what());
  }
}

}  // namespace

VerbRunner add_erlang_verb(CLI::App& app) {
  auto o = std::make_shared<ErlangOptions>();
  CLI::App* verb = app.add_subcommand("erlang", "Erlang B (blocking), C (waiting) and A (abandonment) calculator");
  verb->add_option("model", o->model, "b, c or a")->required()->check(CLI::IsMember({"b", "c", "a"}));
  verb->add_option("--rate", o->rate, "Arrival rate, e.g. 120/h or 18/min")->required();
  verb->add_option("--aht", o->aht, "Average handling time, e.g. 5min")->required();
  verb->add_option("--agents", o->agents, "Number of agents (lines for Erlang B), 0 to 1000000");
  verb->add_option("--agents-range", o->agents_range,
                   "A table over agents FIRST..LAST (e.g. 18..26): service level, ASA, P(wait), abandonment, "
                   "occupancy");
  verb->add_option("--within", o->within, "Service-level threshold for C and A (default 20s)");
  verb->add_option("--target", o->target,
                   "Service-level target (C, A) or maximum blocking (B): find the fewest agents");
  verb->add_option("--patience", o->patience, "Mean patience for Erlang A, e.g. 2min");
  verb->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  return [o] { return run_checked(*o); };
}

}  // namespace capsim::cli
