// capsim erlang b|c|a: closed-form answers for one interval, and the fewest agents that
// reach a target.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
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
  std::string rate, aht, patience, within, target, agents, format = "table";
};

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
  if (!agents && !target) return report_usage("give --agents, --target, or both");
  if (*rate * *aht > 1e6) return report_usage("--rate x --aht is more than 1,000,000 erlangs; expected a smaller load");

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
    const int n = *agents;
    out["agents"] = n;
    if (o.model == "b") {
      out["blocking"] = model::erlang_b(n, load);
      out["occupancy"] = n > 0 ? load * (1.0 - model::erlang_b(n, load)) / n : 0.0;
    } else if (o.model == "c") {
      if (load >= n) {
        out["stable"] = false;
      } else {
        const auto r = model::erlang_c_metrics(n, *rate, mu, *within);
        out["stable"] = true;
        out["p_wait"] = r.p_wait;
        out["asa"] = finite(r.asa);
        out["service_level"] = r.service_level;
        out["occupancy"] = r.occupancy;
      }
    } else {
      const auto r = model::mmck_abandonment(n, *rate, mu, 1.0 / *patience, std::nullopt, *within);
      out["p_wait"] = r.p_wait;
      out["abandon_rate"] = r.p_abandon;
      out["asa"] = n > 0 ? finite(r.asa) : nlohmann::ordered_json(nullptr);  // nobody is answered: undefined
      out["service_level"] = r.service_level;
      out["occupancy"] = r.occupancy;
    }
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
  verb->add_option("--within", o->within, "Service-level threshold for C and A (default 20s)");
  verb->add_option("--target", o->target,
                   "Service-level target (C, A) or maximum blocking (B): find the fewest agents");
  verb->add_option("--patience", o->patience, "Mean patience for Erlang A, e.g. 2min");
  verb->add_option("--format", o->format, "Output format")->check(CLI::IsMember({"table", "json"}));
  return [o] { return run_checked(*o); };
}

}  // namespace capsim::cli
