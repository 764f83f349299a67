// The scenario reader's internals, shared by the files that implement it, one concern
// each: yaml_values.cpp (typed values and positions), overrides.cpp (--set),
// distribution_reader.cpp (the distribution grammar and data files), section_readers.cpp
// (one reader per section), scenario_loader.cpp (whole-scenario checks and the public API).
// Not part of capsim_io's interface.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "models/io/diagnostics.h"
#include "models/limits.h"
#include "models/scenario.h"
#include "sim/distribution.h"

namespace capsim::io::detail {

using model::kMaxAgents;
using model::kMaxQueueCapacity;
using model::kMaxReplications;
using model::Scenario;
using Keys = std::vector<std::string>;

inline constexpr std::uintmax_t kMaxValuesFileBytes = 16u << 20;

inline const Keys kTopKeys{"name",  "description", "seed",   "replications", "horizon", "customers",
                           "pools", "stages",      "sla",    "systems",      "assert",  "sweep",
                           "staff", "busyness_cv", "trunks", "trace"};
inline const Keys kTrunkKeys{"lines", "customers"};
inline const Keys kSweepKeys{"grid", "zip"};
inline const Keys kStaffKeys{"pools", "max_agents", "targets"};
inline const Keys kStaffTargetKeys{"sla", "per_interval", "risk_at_most", "kpi", "at_most"};
inline const Keys kStaffKpis{"abandon_rate", "asa"};
inline const Keys kAssertionKeys{"kpi", "at_least", "at_most"};
inline const Keys kHorizonKeys{"start", "end", "days", "interval", "length", "warmup"};
inline const Keys kCustomerKeys{"arrivals", "patience", "priority", "entry", "cost", "backlog", "redial"};
inline const Keys kRedialKeys{"probability", "delay", "max_attempts"};
inline const Keys kBacklogKeys{"count", "waited"};
inline const Keys kFailureCostKeys{"abandoned", "blocked", "balked", "sla_breach"};
inline const Keys kArrivalKeys{"rate", "per_interval", "times", "trace", "busyness_cv"};
inline const Keys kTraceColumns{"time", "class", "handling", "patience"};
inline const Keys kPoolKeys{"agents",      "staffing",  "shifts", "cost",      "overtime_cost",
                            "absenteeism", "shrinkage", "skills", "templates", "max_agents"};
inline const Keys kTemplateKeys{"name", "start", "length", "breaks", "cost", "min", "max", "days"};
inline const Keys kTemplateStartKeys{"from", "to", "every"};
inline const Keys kTemplateBreakKeys{"after", "length", "every"};
inline const Keys kShiftKeys{"start", "end", "agents", "breaks", "days"};
inline const Keys kBreakKeys{"window", "length"};
inline const Keys kStageKeys{"service", "pools",   "queue",        "next", "abandonment", "wrap_up", "concurrency",
                             "needs",   "balking", "self_service", "lane", "overflow",    "callback"};
inline const Keys kOverflowKeys{"after", "pools", "to"};
inline const Keys kCallbackKeys{"offer_when_wait_above", "accept"};
inline const Keys kBalkingKeys{"queue_length", "probability"};
inline const Keys kPoolChoiceKeys{"pool", "handling_factor"};
inline const Keys kSystemKeys{"down", "failures"};
inline const Keys kOutageKeys{"from", "to"};
inline const Keys kFailureKeys{"between", "repair"};
inline const Keys kQueueKeys{"capacity", "discipline"};
inline const Keys kSlaKeys{"customers", "stage",         "wait_within", "sojourn_within",
                           "target",    "count_blocked", "by",          "exclude_abandoned_within"};
// Per-interval values may also be given per day of the week (interval_values).
inline const Keys kForecastKeys{"file"};
inline const Keys kDayKeys{"weekdays", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"};
// The keys a map must have.
inline const Keys kRequiredTopKeys{"horizon", "customers", "pools", "stages"};
inline const Keys kRequiredShiftKeys{"start", "end", "agents"};
inline const Keys kRequiredTemplateKeys{"start", "length"};
inline const Keys kDistributionKeys{"dist", "mean",  "cv",     "sd",   "min", "mode", "max",
                                    "k",    "value", "values", "file", "p",   "means"};

// A value from the file, as it may appear in a message: escaped and cut (see printable).
inline std::string quoted(const std::string& text) { return "\"" + printable(text) + "\""; }

// "an exponential", "a gamma".
inline std::string with_article(const std::string& noun) {
  const bool vowel = !noun.empty() && std::string("aeiou").find(noun.front()) != std::string::npos;
  return (vowel ? "an " : "a ") + noun;
}

inline std::string join(const Keys& keys) {
  std::string text;
  for (const auto& key : keys) text += (text.empty() ? "" : ", ") + key;
  return text;
}

struct Override {
  std::string path, value, text;
};

class Loader {
 public:
  Loader(std::string origin, std::string base_dir, std::vector<Diagnostic>& errors)
      : origin_(std::move(origin)), base_dir_(std::move(base_dir)), errors_(errors) {}

  // --set key.path=value, in order; `*` for the name of a class, pool, stage or SLA means
  // each of the file's; a value *F (*1.2, *110%) multiplies what the file has; key.path+=value appends to a list.
  void apply_overrides(YAML::Node& root, const std::vector<std::string>& overrides);
  bool apply_override(YAML::Node& root, const std::vector<std::string>& parts, const std::string& value_text,
                      const std::string& text, bool optional_target, bool append);
  bool scale_node(YAML::Node node, double factor, const std::string& text, const std::string& path);
  Scenario read(const YAML::Node& root);
  void check_semantics(const Scenario& scenario);
  std::vector<Diagnostic> warnings(const Scenario& scenario);
  void read_assertions(const YAML::Node& node, const std::string& path, std::vector<model::Assertion>& into);
  // The entries of a top-level map limited to `allowed` (for files other than scenarios).
  std::vector<std::pair<std::string, YAML::Node>> top_entries(const YAML::Node& root, const Keys& allowed) {
    return entries(root, "", &allowed);
  }
  const std::vector<std::string>& data_files() const { return data_files_; }
  // `message` at a key read (or at the --set that supplied it): for problems found later.
  Diagnostic located(const std::string& path, std::string message) const {
    for (const auto& o : overrides_)
      if (path == o.path || path.rfind(o.path + ".", 0) == 0) return {"--set " + o.text, 0, 0, path, message};
    const YAML::Mark mark = mark_of(path);
    return {origin_, mark.line >= 0 ? mark.line + 1 : 0, mark.line >= 0 ? mark.column + 1 : 0, path,
            std::move(message)};
  }

 private:
  // Reports at the node's position, or at the --set that supplied the value.
  void error(const YAML::Mark& mark, const std::string& path, const std::string& message) {
    for (const auto& o : overrides_) {
      if (path == o.path || path.rfind(o.path + ".", 0) == 0) {
        errors_.push_back({"--set " + o.text, 0, 0, path, message});
        return;
      }
    }
    // A problem of something the file has and a --set changed inside (a pool given agents
    // beside its shifts): the file's place, and the --set that made it so.
    std::string with;
    for (const auto& o : overrides_)
      if (o.path.rfind(path + ".", 0) == 0) with += (with.empty() ? " (with --set " : ", --set ") + o.text;
    errors_.push_back({origin_, mark.line >= 0 ? mark.line + 1 : 0, mark.line >= 0 ? mark.column + 1 : 0, path,
                       with.empty() ? message : message + with + ")"});
  }
  void error(const YAML::Node& node, const std::string& path, const std::string& message) {
    error(node.Mark(), path, message);
  }
  void remember(const std::string& path, const YAML::Node& node) { marks_.emplace(path, node.Mark()); }
  YAML::Mark mark_of(std::string path) const;

  // Entries of a map in document order; reports a non-map, non-scalar keys, duplicates and
  // (when `allowed` is given) unknown keys with a suggestion.
  std::vector<std::pair<std::string, YAML::Node>> entries(const YAML::Node& node, const std::string& path,
                                                          const Keys* allowed);
  // entries() as a map from key to value, for readers that look keys up.
  std::map<std::string, YAML::Node> keyed(const YAML::Node& node, const std::string& path, const Keys* allowed) {
    std::map<std::string, YAML::Node> given;
    for (auto& [key, value] : entries(node, path, allowed)) given.emplace(key, value);
    return given;
  }
  std::optional<std::string> scalar(const YAML::Node& node, const std::string& path, const std::string& expected);
  std::optional<double> duration(const YAML::Node& node, const std::string& path, bool positive);
  std::optional<double> number(const YAML::Node& node, const std::string& path);
  // A whole number in [min, max]; `what` says what it is ("a whole number of agents").
  std::optional<long long> whole(const YAML::Node& node, const std::string& path, long long min, long long max,
                                 const std::string& what);
  std::optional<double> fraction(const YAML::Node& node, const std::string& path);
  // A day factor's cv, 0 to kMaxBusynessCv (0 after reporting a bad one).
  double busyness_cv(const YAML::Node& node, const std::string& path);
  std::optional<bool> boolean(const YAML::Node& node, const std::string& path);
  // A distribution with a mean of at least kMinMeanSeconds (or exactly 0, deterministic).
  std::optional<sim::Distribution> distribution(const YAML::Node& node, const std::string& path);
  std::optional<sim::Distribution> distribution_as_written(const YAML::Node& node, const std::string& path);
  std::vector<std::string> names(const YAML::Node& node, const std::string& path);
  std::optional<std::vector<double>> read_values_file(const YAML::Node& node, const std::string& path);

  void read_horizon(const YAML::Node& node, model::Horizon& horizon);
  void read_customer(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario);
  void read_pool(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario);
  void read_stage(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario);
  void read_sla(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario);
  void read_sweep(const YAML::Node& node, model::SweepSection& into);
  void read_staff(const YAML::Node& node, model::StaffSection& into);
  void read_staff_targets(const YAML::Node& node, const std::string& path, std::vector<model::StaffTarget>& into);
  void read_trunks(const YAML::Node& node, Scenario& scenario);
  // A trace file's rows into the classes' arrivals: only `only_class`'s rows (all rows when
  // the file has no class column) for a class's own trace; each row to its class for the
  // top-level one. Bad rows are reported as FILE:LINE:COLUMN.
  void read_trace(const YAML::Node& node, const std::string& path, Scenario& scenario,
                  model::CustomerClass* only_class);
  void read_balking(const YAML::Node& node, const std::string& path, model::Stage& stage);
  void read_overflow(const YAML::Node& node, const std::string& path, model::Stage& stage);
  void read_callback(const YAML::Node& node, const std::string& path, model::Stage& stage);
  void read_system(const std::string& name, const YAML::Node& node, const std::string& path, Scenario& scenario);
  // A data file (empirical values, a trace, a forecast) named at `node`, relative to the
  // scenario: only a regular file after links, never a device, FIFO or folder, of at most
  // 16 MiB, recorded among the data files; `expected` says what it should hold. Nullopt
  // after reporting; else the stream and the name as messages show it.
  struct DataFile {
    std::ifstream in;
    std::string name, shown;  // as given, and as messages print it
  };
  std::optional<DataFile> open_data_file(const YAML::Node& node, const std::string& path, const std::string& expected);
  using ReadValue = std::function<double(const YAML::Node&, const std::string&)>;
  // `value_column`: the column a forecast file ({file: F}) gives the values in.
  std::vector<double> interval_values(const YAML::Node& node, const std::string& path, const model::Horizon& horizon,
                                      const std::string& what, const std::string& value_column, const ReadValue& read);
  // A forecast file's values: a CSV with a header naming interval (its index from 0, or a
  // clock time), the value column and, where the horizon spans days, day (1, 2, ...); a row
  // per interval. Bad rows are reported as FILE:LINE:COLUMN.
  std::vector<double> interval_values_from_file(const YAML::Node& node, const std::string& path,
                                                const model::Horizon& horizon, const std::string& value_column,
                                                const ReadValue& read);
  std::optional<model::Shift> read_shift(const YAML::Node& node, const std::string& path);
  std::optional<model::ShiftTemplate> read_template(const YAML::Node& node, const std::string& path);
  // A list of weekdays ([mon, tue]); nullopt after reporting.
  std::optional<std::vector<int>> weekdays(const YAML::Node& node, const std::string& path);
  // A clock time ("08:30") as seconds after midnight; nullopt after reporting.
  std::optional<double> clock(const YAML::Node& node, const std::string& path);
  void read_stage_pools(const YAML::Node& node, const std::string& path, model::Stage& stage);
  std::optional<double> cost_per_hour(const YAML::Node& node, const std::string& path);
  // A probability below 1 (absenteeism, shrinkage): 1 would leave nobody.
  std::optional<double> probability_below_one(const YAML::Node& node, const std::string& path);
  // A clock time of the horizon ("14:00", "Tue 14:00") as seconds from its start.
  std::optional<double> horizon_time(const YAML::Node& node, const std::string& path, const model::Horizon& horizon);
  // Element i of a list, remembered for positions of later messages about it.
  YAML::Node item(const YAML::Node& list, std::size_t i, const std::string& path) {
    const YAML::Node element = list[i];
    remember(path + "." + std::to_string(i), element);
    return element;
  }

  std::string origin_, base_dir_;
  std::vector<Diagnostic>& errors_;
  std::vector<Override> overrides_;
  std::map<std::string, YAML::Mark> marks_;
  std::set<std::string> missing_sections_;
  std::vector<std::string> data_files_;                   // empirical value files and traces read, as resolved paths
  bool shared_trace_ = false;                             // the file has a top-level trace (classes may omit arrivals)
  std::set<std::string> own_arrivals_;                    // classes with an arrivals key
  std::set<std::string> lane_given_, abandonment_given_;  // stages that say so
};

}  // namespace capsim::io::detail
