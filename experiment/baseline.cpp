#include "experiment/baseline.h"

#include <sys/stat.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <new>
#include <nlohmann/json.hpp>

#include "experiment/kpi_value.h"
#include "models/assertions.h"
#include "models/io/diagnostics.h"

namespace capsim::experiment {
namespace {

using Json = nlohmann::json;

// Reads a stored result as a stream of JSON events (SAX), keeping only what a comparison
// needs: each KPI's mean, sd, n and per-replication values, the seed and the replications.
// No document tree is built, so memory is about the values kept (8 bytes each), and running
// short of it is an exception here, where the DOM parser would abort (it allocates in
// functions that may not throw).
class BaselineReader final : public nlohmann::json_sax<Json> {
 public:
  explicit BaselineReader(Baseline& into) : into_(into) {}
  bool saw_kpis() const { return saw_kpis_; }
  const std::string& error() const { return error_; }

  bool null() override { return scalar(std::nan("")); }
  bool boolean(bool) override { return scalar(std::nan("")); }
  bool number_integer(number_integer_t v) override {
    return v >= 0 ? scalar(static_cast<double>(v), static_cast<std::uint64_t>(v)) : scalar(static_cast<double>(v));
  }
  bool number_unsigned(number_unsigned_t v) override { return scalar(static_cast<double>(v), v); }
  bool number_float(number_float_t v, const string_t&) override { return scalar(v); }
  bool string(string_t& v) override {
    if (path_.size() == 1 && pending_key_ == "scenario") into_.scenario_name = v;
    if (path_.size() == 2 && path_[1] == "manifest" && pending_key_ == "scenario_file") into_.scenario_file = v;
    if (path_.size() == 2 && path_[1] == "manifest" && pending_key_ == "scenario_hash") into_.scenario_hash = v;
    return scalar(std::nan(""));
  }
  bool binary(binary_t&) override { return scalar(std::nan("")); }
  bool start_object(std::size_t) override {
    path_.push_back(pending_key_);
    pending_key_.clear();
    if (path_.size() == 2 && path_[1] == "kpis") saw_kpis_ = true;
    if (const auto kpi = kpi_path()) current_ = &into_.kpis[*kpi], current_->summary.sd = std::nan("");
    return true;
  }
  bool end_object() override {
    if (kpi_path() && current_) {
      if (!has_mean_ || !has_n_) into_.kpis.erase(*kpi_path());  // not a summary
      current_ = nullptr;
      has_mean_ = has_n_ = false;
    }
    path_.pop_back();
    return true;
  }
  bool start_array(std::size_t) override {
    in_values_ = current_ && pending_key_ == "values" && path_.size() >= 2;
    path_.push_back(pending_key_);
    pending_key_.clear();
    return true;
  }
  bool end_array() override {
    in_values_ = false;
    path_.pop_back();
    return true;
  }
  bool key(string_t& k) override {
    pending_key_ = k;
    return true;
  }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error_ = e.what();
    return false;
  }

 private:
  // The KPI an object at the current depth is: kpis.K, SECTION.NAME.kpis.K, slas.NAME.attained.
  std::optional<std::string> kpi_path() const {
    const std::size_t d = path_.size();
    if (d == 3 && path_[1] == "kpis") return "kpis." + path_[2];
    if (d == 3 && path_[1] == "slas") return "slas." + path_[2] + ".attained";
    if (d == 5 && path_[3] == "kpis" && model::named_scope_of_section(path_[1]))
      return path_[1] + "." + path_[2] + ".kpis." + path_[4];
    return std::nullopt;
  }
  // A value; `whole` when it is a non-negative whole number.
  bool scalar(double v, std::optional<std::uint64_t> whole = std::nullopt) {
    if (in_values_) {
      current_->values.push_back(v);
    } else if (current_ && path_.size() >= 3 && kpi_path()) {
      if (pending_key_ == "mean" && std::isfinite(v)) current_->summary.mean = v, has_mean_ = true;
      if (pending_key_ == "sd") current_->summary.sd = v;
      if (pending_key_ == "n" && whole) current_->summary.n = static_cast<std::size_t>(*whole), has_n_ = true;
    } else if (path_.size() == 1 && whole) {
      if (pending_key_ == "seed") into_.seed = *whole;
      if (pending_key_ == "replications") into_.replications = static_cast<std::size_t>(*whole);
    }
    pending_key_.clear();
    return true;
  }

  Baseline& into_;
  std::vector<std::string> path_;  // keys of the objects and arrays we are in ("" for the root)
  std::string pending_key_, error_;
  StoredKpi* current_ = nullptr;
  bool has_mean_ = false, has_n_ = false, in_values_ = false, saw_kpis_ = false;
};

std::optional<Baseline> parse_baseline(std::ifstream& in, std::string& problem) {
  Baseline baseline;
  BaselineReader reader(baseline);
  const bool parsed = Json::sax_parse(in, &reader);
  if (!parsed || !reader.saw_kpis()) {
    problem = "is not a capsim JSON result (expected the output of capsim run --format json)";
    return std::nullopt;
  }
  if (baseline.replications < 2) {
    problem = "was written from " + std::to_string(baseline.replications) +
              " replication(s); a comparison needs a baseline of at least 2 (a spread to compare against)";
    return std::nullopt;
  }
  return baseline;
}

}  // namespace

std::string baseline_origin(const Baseline& baseline, const std::string& scenario_name,
                            const std::string& scenario_hash) {
  const std::string from = baseline.scenario_file.empty() ? "" : " (" + baseline.scenario_file + ")";
  if (!baseline.scenario_name.empty() && baseline.scenario_name != scenario_name)
    return "warning: written from another scenario, \"" + baseline.scenario_name + "\"" + from + ", not \"" +
           scenario_name + "\": KPIs are compared by path, and the same path may mean another thing there";
  if (!baseline.scenario_hash.empty() && baseline.scenario_hash != scenario_hash)
    return "note: written from another version of this scenario (" +
           (baseline.scenario_file.empty() ? std::string("its file") : baseline.scenario_file) + " had " +
           baseline.scenario_hash + ", this file has " + scenario_hash +
           "): what moved is the change's doing, or chance within the error rate";
  return "";
}

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

std::map<std::size_t, double> parse_tolerances(const std::vector<std::string>& texts, const model::KpiIndex& index,
                                               std::vector<std::string>& problems) {
  std::map<std::size_t, double> tolerances;
  for (const auto& text : texts) {
    const auto equals = text.find('=');
    std::string problem = "expected KPI_PATH=VALUE, such as kpis.abandon_rate=1%";
    std::optional<double> value;
    std::size_t slot = 0;
    if (equals != std::string::npos) {
      if (const auto target = resolve_or_suggest(index, text.substr(0, equals), problem)) {
        slot = target->slot;
        value = target->risk ? std::nullopt : parse_kpi_value(text.substr(equals + 1), target->unit);
        const auto range = value ? kpi_value_range_problem(*value, target->unit) : std::nullopt;
        problem = target->risk ? "an SLA's risk is not compared with a baseline; name slas.NAME"
                  : range      ? "expected " + *range
                               : "expected " + expected_kpi_value(target->unit);
        if (range) value.reset();
      }
    }
    if (!value) {
      problems.push_back("--tolerance " + io::printable(text) + ": " + problem);
      continue;
    }
    tolerances[slot] = *value;
  }
  return tolerances;
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
