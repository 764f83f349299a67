// _capsim: the compiled half of the Python module `capsim` (python/capsim/__init__.py is
// the other). It loads scenarios, runs them with the GIL released, and hands back the CLI's
// own CSV text (io::write_csv and friends), which the Python half turns into pandas
// DataFrames: the numbers are those `capsim run --format csv` prints, bit for bit. A scenario
// with problems comes back as their list (file, line, column, key, message), which the Python
// half raises as capsim.ScenarioError.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <optional>
#include <sstream>
#include <string>
#include <variant>
#include <vector>

#include "experiment/replication_run.h"
#include "experiment/staffing.h"
#include "experiment/variant.h"
#include "models/comparison.h"
#include "models/io/report.h"
#include "models/io/scenario_loader.h"
#include "models/io/staffing_report.h"
#include "models/io/units.h"
#include "models/queueing_theory.h"

namespace py = pybind11;
using namespace capsim;

namespace {

// What a call asks of a scenario: its text or file, with --set style overrides and the run
// options. Python passes them as plain values.
struct Source {
  std::string text_or_path;
  bool is_text = false;
  std::string origin;  // names the text in messages
  std::vector<std::string> overrides;
  std::optional<int> replications;
  std::optional<std::string> seed;
};

py::list problems_of(const std::vector<io::Diagnostic>& diagnostics) {
  py::list out;
  for (const auto& d : diagnostics) {
    py::dict p;
    p["file"] = d.origin;
    p["line"] = d.line;
    p["column"] = d.column;
    p["key"] = d.path;
    p["message"] = d.message;
    p["text"] = d.format();
    out.append(p);
  }
  return out;
}

py::list problem(const std::string& origin, const std::string& key, const std::string& message) {
  return problems_of({io::Diagnostic{origin, 0, 0, key, message}});
}

// The scenario with the run options applied, or the problems (as a Python list).
std::variant<model::Scenario, py::list> load(const Source& source, const std::vector<std::string>& more = {}) {
  std::vector<std::string> overrides = source.overrides;
  overrides.insert(overrides.end(), more.begin(), more.end());
  io::LoadResult loaded = source.is_text ? io::load_scenario_text(source.text_or_path, source.origin, overrides)
                                         : io::load_scenario_file(source.text_or_path, overrides);
  if (!loaded.scenario) return problems_of(loaded.errors);
  model::Scenario scenario = std::move(*loaded.scenario);
  if (source.replications) {
    if (*source.replications < 1 || *source.replications > 10'000'000)
      return problem(source.origin, "replications", "expected a whole number from 1 to 10000000");
    scenario.replications = *source.replications;
  }
  if (source.seed) {
    const auto seed = io::parse_seed(*source.seed);
    if (!seed) return problem(source.origin, "seed", "expected a whole number from 0 to 2^64-1");
    scenario.seed = *seed;
  }
  return scenario;
}

std::optional<std::string> storage_or_none(const model::CompiledModel& compiled) {
  return experiment::storage_problem(compiled, static_cast<std::size_t>(compiled.replications));
}

// Runs a compiled model without the GIL; a population bound reached is a problem, not a crash.
std::variant<model::ExperimentResult, py::list> simulate(const model::CompiledModel& compiled, unsigned threads,
                                                         const std::string& origin) {
  if (const auto why = storage_or_none(compiled)) return problem(origin, "replications", *why);
  try {
    py::gil_scoped_release unlocked;
    return experiment::run_experiment(compiled, threads);
  } catch (const model::PopulationLimitExceeded& e) {
    return problem(origin, "", e.what());
  }
}

py::dict failed(py::list problems) {
  py::dict out;
  out["problems"] = std::move(problems);
  return out;
}

py::dict run(const Source& source, unsigned threads) {
  auto scenario = load(source);
  if (auto* problems = std::get_if<py::list>(&scenario)) return failed(*problems);
  const model::CompiledModel compiled = model::compile(std::get<model::Scenario>(scenario));
  auto result = simulate(compiled, threads, source.origin);
  if (auto* problems = std::get_if<py::list>(&result)) return failed(*problems);
  const auto& r = std::get<model::ExperimentResult>(result);
  std::ostringstream csv, replications, json;
  io::write_csv(csv, compiled, r);
  replications << io::kReplicationColumns << '\n';
  io::write_replication_rows(replications, compiled, r, "");
  io::RunInfo info{threads, 0.0};
  info.manifest.scenario_file = source.is_text ? source.origin : source.text_or_path;
  info.manifest.overrides = source.overrides;
  info.manifest.seed = compiled.seed;
  info.manifest.replications = r.replications.size();
  info.manifest.threads = threads;
  io::write_json(json, compiled, r, info);
  py::dict out;
  out["csv"] = csv.str();
  out["replications"] = replications.str();
  out["json"] = json.str();
  out["events"] = r.events;
  return out;
}

// The base and each (name, overrides) variant with the base's seed and replications: paired
// differences under common random numbers, as `capsim compare` gives them.
py::dict compare(const Source& source, const std::vector<std::pair<std::string, std::vector<std::string>>>& variants,
                 unsigned threads, bool independent) {
  auto base = load(source);
  if (auto* problems = std::get_if<py::list>(&base)) return failed(*problems);
  const auto& base_scenario = std::get<model::Scenario>(base);
  if (base_scenario.replications < 2)
    return failed(problem(source.origin, "replications", "compare needs at least 2 replications"));
  std::vector<model::CompiledModel> models{model::compile(base_scenario)};
  for (const auto& [name, overrides] : variants) {
    for (const auto& item : overrides)
      if (const auto why = experiment::variant_key_problem(item.substr(0, item.find('='))))
        return failed(problem("variant " + name, item.substr(0, item.find('=')), *why));
    Source variant = source;
    variant.replications = base_scenario.replications;
    auto scenario = load(variant, overrides);
    if (auto* problems = std::get_if<py::list>(&scenario)) return failed(*problems);
    auto& s = std::get<model::Scenario>(scenario);
    s.seed = experiment::variant_seed(base_scenario.seed, name, independent);
    models.push_back(model::compile(s));
  }
  std::vector<model::ExperimentResult> results;
  for (const auto& m : models) {
    auto result = simulate(m, threads, source.origin);
    if (auto* problems = std::get_if<py::list>(&result)) return failed(*problems);
    results.push_back(std::move(std::get<model::ExperimentResult>(result)));
  }
  io::Comparison comparison;
  comparison.base_name = models[0].name;
  comparison.base_file = source.is_text ? source.origin : source.text_or_path;
  comparison.base = &results[0];
  comparison.paired = !independent;
  comparison.seed = base_scenario.seed;
  comparison.replications = static_cast<std::size_t>(base_scenario.replications);
  for (std::size_t v = 0; v < variants.size(); ++v)
    comparison.variants.push_back({variants[v].first, comparison.base_file, variants[v].second, &results[v + 1],
                                   model::compare(results[0], results[v + 1], comparison.paired)});
  std::ostringstream csv;
  io::write_comparison_csv(csv, comparison);
  py::dict out;
  out["csv"] = csv.str();
  return out;
}

// The fewest agents per interval of every pool (or the staff: section's) that meet every SLA
// (or the staff: section's targets) at `confidence`, as `capsim staff` finds them.
py::dict staff(const Source& source, double confidence, int max_agents, unsigned threads) {
  auto loaded = load(source);
  if (auto* problems = std::get_if<py::list>(&loaded)) return failed(*problems);
  auto& scenario = std::get<model::Scenario>(loaded);
  if (!(confidence >= 0.5 && confidence < 1.0))
    return failed(problem(source.origin, "confidence", "expected a level from 0.5 to below 1"));
  if (max_agents < 1) return failed(problem(source.origin, "max_agents", "expected at least 1"));
  if (scenario.replications < 2)
    return failed(problem(source.origin, "replications", "staffing needs at least 2 replications"));
  experiment::StaffingRequest request;
  for (std::size_t p = 0; p < scenario.pools.size(); ++p)
    if (scenario.staff.pools.empty() || std::find(scenario.staff.pools.begin(), scenario.staff.pools.end(),
                                                  scenario.pools[p].name) != scenario.staff.pools.end())
      request.pools.push_back(p);
  request.targets = experiment::staffing_targets(scenario, {});
  if (request.targets.empty())
    return failed(problem(source.origin, "sla", "nothing to meet: no sla: section and no staff: targets"));
  request.confidence = confidence;
  request.max_agents = max_agents;
  request.threads = threads;
  if (const auto why = storage_or_none(model::compile(scenario)))
    return failed(problem(source.origin, "replications", *why));
  request.scenario = std::move(scenario);
  try {
    std::optional<model::StaffingAnswer> answer;
    {
      py::gil_scoped_release unlocked;
      answer = experiment::find_staffing(request);
    }
    const model::CompiledModel compiled = model::compile(experiment::staffed_scenario(request, answer->agents));
    std::ostringstream csv;
    io::write_staffing_csv(csv, compiled, *answer);
    py::dict out;
    out["csv"] = csv.str();
    out["met"] = answer->unmet.empty();
    return out;
  } catch (const model::PopulationLimitExceeded& e) {
    return failed(problem(source.origin, "", e.what()));
  }
}

double rate_of(const py::object& value, const char* name) {
  if (py::isinstance<py::str>(value)) {
    if (const auto rate = io::parse_rate(value.cast<std::string>())) return *rate;
    throw py::value_error(std::string(name) + ": expected a rate such as \"18/min\" or \"120/h\"");
  }
  return value.cast<double>();  // per second
}
double duration_of(const py::object& value, const char* name) {
  if (py::isinstance<py::str>(value)) {
    if (const auto d = io::parse_duration(value.cast<std::string>())) return *d;
    throw py::value_error(std::string(name) + ": expected a duration such as \"20s\" or \"4.5min\"");
  }
  return value.cast<double>();  // seconds
}

// Erlang C for `agents` (or the fewest reaching `target` within `within`).
py::dict erlang_c(const py::object& rate, const py::object& aht, std::optional<int> agents, const py::object& within,
                  std::optional<double> target) {
  const double lambda = rate_of(rate, "rate"), handling = duration_of(aht, "aht"),
               threshold = duration_of(within, "within");
  if (!(lambda > 0) || !(handling > 0) || !(threshold >= 0))
    throw py::value_error("rate and aht must be above 0 and within at least 0");
  const double mu = 1.0 / handling;
  if (!agents) {
    if (!target || !(*target > 0 && *target < 1)) throw py::value_error("give agents, or a target between 0 and 1");
    agents = model::agents_for_service_level(lambda, mu, threshold, *target, 0.0);
    if (!agents) throw py::value_error("no number of agents up to 100000 reaches the target");
  }
  if (*agents < 1 || *agents > 1'000'000) throw py::value_error("agents: expected a whole number from 1 to 1000000");
  py::dict out;
  out["agents"] = *agents;
  out["load_erlangs"] = lambda / mu;
  if (lambda / mu >= *agents) {
    out["stable"] = false;
    return out;
  }
  const auto m = model::erlang_c_metrics(*agents, lambda, mu, threshold);
  out["stable"] = true;
  out["p_wait"] = m.p_wait;
  out["asa"] = m.asa;
  out["service_level"] = m.service_level;
  out["occupancy"] = m.occupancy;
  return out;
}

Source source_of(const std::string& text_or_path, bool is_text, const std::string& origin,
                 const std::vector<std::string>& overrides, std::optional<int> replications,
                 std::optional<std::string> seed) {
  return {text_or_path, is_text, origin, overrides, replications, std::move(seed)};
}

}  // namespace

PYBIND11_MODULE(_capsim, m) {
  m.doc() = "capsim's compiled core; use the capsim package";
  m.def(
      "run",
      [](const std::string& src, bool is_text, const std::string& origin, const std::vector<std::string>& overrides,
         std::optional<int> replications, std::optional<std::string> seed, unsigned threads) {
        return run(source_of(src, is_text, origin, overrides, replications, std::move(seed)), threads);
      },
      py::arg("source"), py::arg("is_text"), py::arg("origin"), py::arg("overrides"), py::arg("replications"),
      py::arg("seed"), py::arg("threads"));
  m.def(
      "compare",
      [](const std::string& src, bool is_text, const std::string& origin, const std::vector<std::string>& overrides,
         std::optional<int> replications, std::optional<std::string> seed,
         const std::vector<std::pair<std::string, std::vector<std::string>>>& variants, unsigned threads,
         bool independent) {
        return compare(source_of(src, is_text, origin, overrides, replications, std::move(seed)), variants, threads,
                       independent);
      },
      py::arg("source"), py::arg("is_text"), py::arg("origin"), py::arg("overrides"), py::arg("replications"),
      py::arg("seed"), py::arg("variants"), py::arg("threads"), py::arg("independent"));
  m.def(
      "staff",
      [](const std::string& src, bool is_text, const std::string& origin, const std::vector<std::string>& overrides,
         std::optional<int> replications, std::optional<std::string> seed, double confidence, int max_agents,
         unsigned threads) {
        return staff(source_of(src, is_text, origin, overrides, replications, std::move(seed)), confidence, max_agents,
                     threads);
      },
      py::arg("source"), py::arg("is_text"), py::arg("origin"), py::arg("overrides"), py::arg("replications"),
      py::arg("seed"), py::arg("confidence"), py::arg("max_agents"), py::arg("threads"));
  m.def("erlang_c", &erlang_c, py::arg("rate"), py::arg("aht"), py::arg("agents") = py::none(),
        py::arg("within") = py::str("20s"), py::arg("target") = py::none());
}
