#include "experiment/baseline.h"

#include <sys/stat.h>

#include <cmath>
#include <fstream>
#include <new>
#include <nlohmann/json.hpp>

#include "models/assertions.h"

namespace capsim::experiment {
namespace {

using Json = nlohmann::json;

std::optional<StoredKpi> summary_from(const Json& json) {
  if (!json.is_object() || !json.contains("mean") || !json["mean"].is_number() || !json.contains("n") ||
      !json["n"].is_number_unsigned())
    return {};
  StoredKpi k;
  k.summary.mean = json["mean"].get<double>();
  k.summary.sd = json.contains("sd") && json["sd"].is_number() ? json["sd"].get<double>() : std::nan("");
  k.summary.n = json["n"].get<std::size_t>();
  if (json.contains("values") && json["values"].is_array())
    for (const auto& v : json["values"]) k.values.push_back(v.is_number() ? v.get<double>() : std::nan(""));
  return k;
}

std::optional<Baseline> parse_baseline(std::ifstream& in, std::string& problem) {
  const Json root = Json::parse(in, nullptr, false);
  if (root.is_discarded() || !root.is_object() || !root.contains("kpis") || !root["kpis"].is_object()) {
    problem = "is not a capsim JSON result (expected the output of capsim run --format json)";
    return std::nullopt;
  }
  Baseline baseline;
  auto& kpis = baseline.kpis;
  if (root.contains("seed") && root["seed"].is_number_unsigned()) baseline.seed = root["seed"].get<std::uint64_t>();
  if (root.contains("replications") && root["replications"].is_number_unsigned())
    baseline.replications = root["replications"].get<std::size_t>();
  for (const auto& [kpi, value] : root["kpis"].items())
    if (const auto s = summary_from(value)) kpis["kpis." + kpi] = *s;
  for (const char* section : {"classes", "pools", "stages", "systems"}) {
    if (!root.contains(section) || !root[section].is_object()) continue;
    for (const auto& [name, scope] : root[section].items()) {
      if (!scope.is_object() || !scope.contains("kpis") || !scope["kpis"].is_object()) continue;
      for (const auto& [kpi, value] : scope["kpis"].items())
        if (const auto s = summary_from(value)) kpis[std::string(section) + "." + name + ".kpis." + kpi] = *s;
    }
  }
  if (root.contains("slas") && root["slas"].is_object())
    for (const auto& [name, value] : root["slas"].items())
      if (const auto s = summary_from(value)) kpis["slas." + name + ".attained"] = *s;
  if (baseline.replications < 2) {
    problem = "was written from " + std::to_string(baseline.replications) +
              " replication(s); a comparison needs a baseline of at least 2 (a spread to compare against)";
    return std::nullopt;
  }
  return baseline;
}

}  // namespace

std::optional<Baseline> read_baseline(const std::string& path, std::string& problem) {
  // A regular file of bounded size: a FIFO, a device or /dev/zero would block or never end.
  constexpr off_t kMaxBaselineBytes = off_t{1} << 30;
  struct stat info {};
  const bool readable = ::stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode) && info.st_size <= kMaxBaselineBytes;
  std::ifstream in;
  if (readable) in.open(path);
  if (!readable || !in) {
    problem =
        "cannot read the baseline; expected a regular JSON file (at most 1 GiB) written by capsim run "
        "--format json";
    return std::nullopt;
  }
  try {
    return parse_baseline(in, problem);
  } catch (const std::bad_alloc&) {
    problem = "is too large to read into the memory available (" + std::to_string(info.st_size) + " bytes)";
    return std::nullopt;
  }
}

BaselinePlan plan_baseline(const Baseline& baseline, const model::KpiIndex& index, std::uint64_t seed,
                           const std::map<std::size_t, double>& tolerances, std::vector<std::string>& problems) {
  BaselinePlan plan;
  plan.paired = baseline.seed && *baseline.seed == seed;
  std::map<std::size_t, bool> compared;
  for (const auto& [path, stored] : baseline.kpis) {
    std::string unused;
    const auto target = index.resolve(path, unused);
    if (!target || target->risk || target->better == model::Better::neither) continue;
    const auto tolerance = tolerances.find(target->slot);
    plan.kpis.push_back({path, target->slot, stored, tolerance == tolerances.end() ? 0.0 : tolerance->second});
    compared[target->slot] = true;
    plan.paired = plan.paired && !stored.values.empty();
  }
  for (const auto& [slot, tolerance] : tolerances)
    if (!compared.count(slot)) {
      const auto& s = index.layout().slots()[slot];
      problems.push_back("--tolerance on " + s.scope_name + " " + s.kpi +
                         ": the baseline does not compare this KPI (it is not in the baseline, or has no better "
                         "direction)");
    }
  if (plan.kpis.empty())
    problems.push_back(
        "the baseline shares no comparable KPI with this scenario (none of its KPIs with a better direction "
        "is in this run)");
  return plan;
}

BaselineJudgement judge_baseline(const model::ExperimentResult& result, const BaselineKpi& kpi, bool paired,
                                 double confidence) {
  BaselineJudgement j;
  if (paired) {
    std::vector<double> current;
    const std::size_t n = std::min(kpi.stored.values.size(), result.replications.size());
    for (std::size_t r = 0; r < n; ++r) current.push_back(result.replications[r][kpi.slot]);
    j.difference = sim::paired_difference(std::span(kpi.stored.values).first(n), current, confidence);
  } else {
    j.difference = sim::welch_difference(kpi.stored.summary, result.summaries[kpi.slot], confidence);
  }
  const bool higher_is_better = result.layout.slots()[kpi.slot].better == model::Better::higher;
  const auto& d = j.difference;
  if (std::isfinite(d.ci_low) && (higher_is_better ? d.ci_high < -kpi.tolerance : d.ci_low > kpi.tolerance))
    j.verdict = Verdict::fail;
  return j;
}

}  // namespace capsim::experiment
