#include "experiment/sweep.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "experiment/replication_run.h"
#include "experiment/variant.h"
#include "models/compiled_model.h"
#include "models/io/diagnostics.h"
#include "models/io/report.h"
#include "models/io/scenario_loader.h"
#include "models/io/units.h"
#include "sim/random.h"
#include "sim/replications.h"

namespace capsim::experiment {
namespace {

std::string hex(std::uint64_t value) {
  char out[32];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(value));
  return out;
}

std::string json_line(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
}

// Only the horizon decides the intervals, and --set adds no class, pool, stage, system or
// SLA: points that vary nothing under horizon. share the base's layout.
bool layout_may_vary(const std::vector<std::string>& keys) {
  return std::any_of(keys.begin(), keys.end(), [](const std::string& k) { return k.rfind("horizon", 0) == 0; });
}

}  // namespace

std::string file_hash(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  std::uint64_t hash = sim::kFnv1aBasis;
  char buffer[1 << 16];
  while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
    hash = sim::fnv1a64(std::string_view(buffer, static_cast<std::size_t>(in.gcount())), hash);
    if (!in) break;
  }
  return "fnv1a64:" + hex(hash);
}

SweepPoints points_from_section(const model::SweepSection& section, const std::string& file) {
  SweepPoints points;
  for (const auto& entry : section.grid) {
    points.spec.dimensions.push_back({{entry.key}, {entry.values}});
    points.origins.push_back({file, entry.line, entry.column, "sweep.grid." + entry.key});
  }
  if (!section.zip.empty()) {
    io::SweepDimension zip;
    for (const auto& entry : section.zip) {
      zip.keys.push_back(entry.key);
      zip.values.push_back(entry.values);
      points.origins.push_back({file, entry.line, entry.column, "sweep.zip." + entry.key});
    }
    points.spec.dimensions.push_back(std::move(zip));
  }
  return points;
}

SweepPoints points_from_options(const std::vector<std::string>& grids, const std::vector<std::string>& zips,
                                std::vector<std::string>& problems) {
  SweepPoints points;
  for (const auto& [option, texts] : {std::pair{"--grid", &grids}, std::pair{"--zip", &zips}})
    for (const auto& text : *texts) {
      std::string problem;
      auto d = std::string_view(option) == "--grid" ? io::parse_grid_option(text, problem)
                                                    : io::parse_zip_option(text, problem);
      if (!d) {
        problems.push_back(std::string(option) + " " + io::printable(text) + ": " + problem);
        continue;
      }
      for (std::size_t k = 0; k < d->keys.size(); ++k)
        points.origins.push_back({std::string(option) + " " + text, 0, 0, ""});
      points.spec.dimensions.push_back(std::move(*d));
    }
  return points;
}

std::vector<io::Diagnostic> check_sweep_points(const SweepPoints& points, const std::string& file,
                                               const std::vector<std::string>& overrides,
                                               std::vector<io::Diagnostic>* warnings) {
  std::set<std::string> warned;
  std::vector<io::Diagnostic> problems;
  const auto keys = points.spec.keys();
  const auto at = [&](std::size_t k, std::string message) {
    const SweepKeyOrigin& o = points.origins[k];
    problems.push_back({o.origin, o.line, o.column, o.path, std::move(message)});
  };
  if (points.spec.dimensions.empty()) {
    problems.push_back(
        {"capsim", 0, 0, "", "nothing to sweep: give --grid key.path=values, --zip, or a sweep: section in the file"});
    return problems;
  }
  double count = 1;
  for (const auto& d : points.spec.dimensions) count *= static_cast<double>(d.size());
  if (count > static_cast<double>(io::kMaxSweepPoints)) {
    char text[160];
    std::snprintf(text, sizeof text, "the sweep has %g points; at most %zu are supported", count, io::kMaxSweepPoints);
    problems.push_back({"capsim", 0, 0, "", text});
    return problems;
  }
  std::set<std::string> seen;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    if (const auto problem = variant_key_problem(keys[k])) at(k, "the sweep varies " + keys[k] + ": " + *problem);
    if (!seen.insert(keys[k]).second) at(k, "the sweep varies " + keys[k] + " twice");
  }
  if (!problems.empty()) return problems;
  constexpr std::size_t kEnds = 500;
  std::size_t k = 0;
  for (const auto& d : points.spec.dimensions)
    for (std::size_t j = 0; j < d.keys.size(); ++j, ++k) {
      std::set<std::string> tried;
      const auto& values = d.values[j];
      for (std::size_t v = 0; v < values.size(); ++v) {
        if (v == kEnds && values.size() > 2 * kEnds) v = values.size() - kEnds;
        if (!tried.insert(values[v]).second) continue;
        auto with = overrides;
        with.push_back(d.keys[j] + "=" + values[v]);
        const auto loaded = io::load_scenario_file(file, with);
        if (warnings)
          for (const auto& w : loaded.warnings) {
            io::Diagnostic located = w;
            located.message = w.message + " (at " + d.keys[j] + "=" + values[v] + ")";
            if (warned.insert(w.message).second) warnings->push_back(located);
          }
        for (const auto& e : loaded.errors) {
          // A problem of the file itself (not of this value) is the scenario's, reported by
          // its load; a value's problem is placed where the value was given.
          if (points.origins[k].line > 0)
            at(k, "value \"" + values[v] + "\": " + e.message);
          else
            problems.push_back(e);
        }
        if (!loaded.errors.empty()) break;  // one bad value of a key says enough
      }
    }
  return problems;
}

SweepDefinitionResult define_sweep(const SweepRequest& request, const model::Scenario& base) {
  SweepDefinitionResult result;
  std::vector<std::string> option_problems;  // of the options' texts, as "capsim: --option TEXT: why"
  const auto flush = [&] {
    for (auto& p : option_problems) result.problems.push_back("capsim: " + std::move(p));
    option_problems.clear();
    return result.problems.empty();
  };
  SweepPoints points = points_from_options(request.grids, request.zips, option_problems);
  if (!flush()) return result;
  if (points.spec.dimensions.empty()) points = points_from_section(base.sweep, request.file);
  std::vector<io::Diagnostic> warnings;
  for (const auto& p : check_sweep_points(points, request.file, request.overrides, &warnings))
    result.problems.push_back(p.format());
  for (const auto& w : warnings) result.warnings.push_back(w.format());
  if (!result.problems.empty()) return result;
  SweepDefinition definition;
  const model::KpiLayout layout(model::compile(base));
  definition.precision = parse_precisions(model::KpiIndex(layout), request.precision, option_problems);
  if (!request.shard.empty()) {
    if (const auto shard = parse_shard(request.shard, io::kMaxSweepPoints))
      definition.shard = *shard;
    else
      option_problems.push_back("--shard " + io::printable(request.shard) +
                                ": expected i/N with whole numbers 1 <= i <= N <= " +
                                std::to_string(io::kMaxSweepPoints) + ", such as 3/8 (the 3rd of 8 shards)");
  }
  if (!flush()) return result;
  definition.file = request.file;
  definition.overrides = request.overrides;
  definition.spec = std::move(points.spec);
  definition.max_replications = request.max_replications;
  definition.seed = base.seed;
  definition.replications = static_cast<std::size_t>(std::max(1, base.replications));
  definition.jsonl = request.jsonl;
  definition.per_replication = request.per_replication;
  definition.intervals = request.intervals;
  definition.version = request.version;
  result.definition = std::move(definition);
  return result;
}

namespace {

using BaseUnit = Sweep::BaseUnit;

// A grid value's kind: a plain number, a duration, a rate, a percentage, or none of those.
enum class ValueKind { plain, duration, rate, percent, other };
ValueKind kind_of(const std::string& text) {
  if (io::parse_number(text)) return ValueKind::plain;
  if (io::parse_duration(text)) return ValueKind::duration;
  if (io::parse_rate(text)) return ValueKind::rate;
  if (!text.empty() && text.back() == '%' && io::parse_fraction(text)) return ValueKind::percent;
  return ValueKind::other;
}

std::optional<double> in_base_unit(const std::string& text, BaseUnit unit) {
  switch (unit) {
    case BaseUnit::seconds: return io::parse_duration(text);
    case BaseUnit::per_second: return io::parse_rate(text);
    case BaseUnit::fraction: return io::parse_fraction(text);
    case BaseUnit::none: break;
  }
  return std::nullopt;
}

// The unit of a key's values: the one kind with a unit they all have (plain values only where
// they read in it too: a bare 0 as a duration, 0.8 as a fraction); none otherwise.
BaseUnit base_unit_of(const std::vector<std::string>& values) {
  std::optional<ValueKind> kind;
  for (const auto& v : values) {
    const ValueKind k = kind_of(v);
    if (k == ValueKind::other || (kind && k != ValueKind::plain && *kind != k)) return BaseUnit::none;
    if (k != ValueKind::plain) kind = k;
  }
  if (!kind) return BaseUnit::none;  // plain numbers are numbers already
  const BaseUnit unit = *kind == ValueKind::duration ? BaseUnit::seconds
                        : *kind == ValueKind::rate   ? BaseUnit::per_second
                                                     : BaseUnit::fraction;
  for (const auto& v : values)
    if (!in_base_unit(v, unit)) return BaseUnit::none;
  return unit;
}

const char* unit_label(BaseUnit unit) {
  return unit == BaseUnit::seconds ? "s" : unit == BaseUnit::per_second ? "per s" : "fraction";
}

}  // namespace

// A point's values for JSON lines: a plain number as a number, anything else as its text; and
// in "KEY (s)" etc. the value of a key with a unit in that unit, as the CSV's columns.
nlohmann::ordered_json Sweep::params_of(std::size_t point) const {
  nlohmann::ordered_json params = nlohmann::ordered_json::object();
  const auto values = definition_.spec.point(point);
  for (std::size_t k = 0; k < keys_.size(); ++k) {
    const auto number = io::parse_number(values[k]);
    if (number && std::isfinite(*number) && std::trunc(*number) == *number && std::abs(*number) < 9.0e15)
      params[keys_[k]] = static_cast<std::int64_t>(*number);  // 3, not 3.0
    else if (number && std::isfinite(*number))
      params[keys_[k]] = *number;
    else
      params[keys_[k]] = values[k];
  }
  for (std::size_t k = 0; k < keys_.size(); ++k)
    if (base_units_[k] != BaseUnit::none)
      params[keys_[k] + " (" + unit_label(base_units_[k]) + ")"] = *in_base_unit(values[k], base_units_[k]);
  return params;
}

std::string Sweep::base_columns() const {
  std::string columns;
  for (std::size_t k = 0; k < keys_.size(); ++k)
    if (base_units_[k] != BaseUnit::none)
      columns += "," + io::csv_quoted(keys_[k] + " (" + unit_label(base_units_[k]) + ")");
  return columns;
}

std::string Sweep::base_fields(std::size_t point) const {
  std::string fields;
  const auto values = definition_.spec.point(point);
  for (std::size_t k = 0; k < keys_.size(); ++k)
    if (base_units_[k] != BaseUnit::none) fields += "," + io::csv_number(*in_base_unit(values[k], base_units_[k]));
  return fields;
}

Sweep::Sweep(SweepDefinition definition, const model::Scenario& base, const std::vector<std::string>& data_files)
    : definition_(std::move(definition)), keys_(definition_.spec.keys()) {
  for (const auto& dimension : definition_.spec.dimensions)
    for (const auto& values : dimension.values) base_units_.push_back(base_unit_of(values));
  if (!layout_may_vary(keys_)) rows_per_point_ = io::tidy_row_count(model::compile(base), definition_.intervals);
  // The identity: shards and checkpoints must belong to the same sweep, from the same data
  // and the same capsim.
  std::ostringstream identity;
  identity << "capsim " << definition_.version << '\n'
           << file_hash(definition_.file) << '\n'
           << definition_.seed << '\n'
           << definition_.replications << '\n'
           << (definition_.jsonl ? "jsonl" : "csv");
  for (const auto& f : data_files) identity << "\ndata " << file_hash(f);
  for (const auto& o : definition_.overrides) identity << "\nset " << o;
  for (const auto& d : definition_.spec.dimensions) {
    identity << "\ndimension";
    for (std::size_t k = 0; k < d.keys.size(); ++k) {
      identity << "\n " << d.keys[k];
      for (const auto& v : d.values[k]) identity << ' ' << v;
    }
  }
  for (const auto& p : definition_.precision)
    identity << "\nprecision " << p.path << ' ' << p.half_width << ' ' << p.relative;
  identity << "\nmax " << definition_.max_replications << "\nper-replication " << definition_.per_replication;
  if (!definition_.intervals) identity << "\nno intervals";  // (said only then: older sweeps keep their identity)
  hash_ = hex(sim::name_key(identity.str()));
}

std::vector<std::size_t> Sweep::my_points() const {
  std::vector<std::size_t> mine;
  for (std::size_t p = definition_.shard.index; p < points(); p += definition_.shard.count) mine.push_back(p);
  return mine;
}

std::string Sweep::header() const {
  const auto& shard = definition_.shard;
  const std::string shard_text = std::to_string(shard.index + 1) + "/" + std::to_string(shard.count);
  if (definition_.jsonl) {
    nlohmann::ordered_json meta{{"capsim_sweep", hash_}, {"points", points()}};
    if (rows_per_point_) meta["rows"] = *rows_per_point_;
    meta["keys"] = keys_;
    if (shard.count > 1) meta["shard"] = shard_text;
    return json_line(meta);
  }
  std::string line = csv_first_line(true);
  if (shard.count > 1) line += " shard " + shard_text;
  line += "\npoint";
  for (const auto& key : keys_) line += "," + io::csv_quoted(key);
  line += ",";
  line += io::kTidyColumns;
  if (!definition_.precision.empty()) line += ",replications,precision_met";
  return line + base_columns() + "\n";
}

std::size_t Sweep::row_fields() const {
  if (definition_.jsonl) return 0;
  const auto base = static_cast<std::size_t>(
      std::count_if(base_units_.begin(), base_units_.end(), [](BaseUnit u) { return u != BaseUnit::none; }));
  return 1 + keys_.size() + io::kTidyFieldCount + (definition_.precision.empty() ? 0 : 2) + base;
}

// "# capsim sweep HASH points N[ rows R]": the CSV header's first line, and (without rows,
// whose count is not the per-replication file's) the per-replication file's.
std::string Sweep::csv_first_line(bool with_rows) const {
  std::string line = "# capsim sweep " + hash_ + " points " + std::to_string(points());
  if (with_rows && rows_per_point_) line += " rows " + std::to_string(*rows_per_point_);
  return line;
}

std::string Sweep::replication_header() const {
  const auto& shard = definition_.shard;
  std::string line = csv_first_line(!definition_.jsonl);
  if (!definition_.jsonl && shard.count > 1)
    line += " shard " + std::to_string(shard.index + 1) + "/" + std::to_string(shard.count);
  line += "\npoint";
  for (const auto& key : keys_) line += "," + io::csv_quoted(key);
  return line + "," + std::string(io::kReplicationColumns) + "\n";
}

std::size_t Sweep::rows_of(std::size_t point) const {
  if (rows_per_point_) return *rows_per_point_;
  const auto scenario = scenario_of(point);
  return scenario ? io::tidy_row_count(model::compile(*scenario), definition_.intervals) : 0;
}

SequentialPlan Sweep::plan() const {
  const std::size_t replications = std::max<std::size_t>(1, definition_.replications);
  if (definition_.precision.empty()) return {replications, replications};
  return {replications, std::max(replications, definition_.max_replications)};
}

std::vector<std::string> Sweep::point_overrides(std::size_t point) const {
  std::vector<std::string> overrides = definition_.overrides;
  const auto values = definition_.spec.point(point);
  for (std::size_t k = 0; k < keys_.size(); ++k) overrides.push_back(keys_[k] + "=" + values[k]);
  return overrides;
}

std::optional<model::Scenario> Sweep::scenario_of(std::size_t point) const {
  auto loaded = io::load_scenario_file(definition_.file, point_overrides(point));
  if (!loaded.scenario) {
    for (const auto& e : loaded.errors) std::cerr << e.format() << '\n';
    return std::nullopt;
  }
  loaded.scenario->seed = definition_.seed;
  loaded.scenario->replications = static_cast<int>(definition_.replications);
  return std::move(loaded.scenario);
}

std::string Sweep::prefix_of(std::size_t point) const {
  std::string prefix = std::to_string(point);
  for (const auto& v : definition_.spec.point(point)) prefix += "," + io::csv_quoted(v);
  return prefix + ",";
}

PointOutput Sweep::failed_output(std::size_t point, const std::string& why) const {
  PointOutput out;
  out.point = point;
  out.failed = true;
  if (definition_.jsonl) {
    const nlohmann::ordered_json params = params_of(point);
    out.rows = json_line({{"point", point},
                          {"params", params},
                          {"scope", "point"},
                          {"name", "failed"},
                          {"kpi", "error"},
                          {"message", why}});
  } else {
    // scope point, name failed, kpi error, n 0, the message in the mean's place.
    // The fields after the mean's, empty: as many as the tidy columns have.
    const std::size_t empty_fields = io::kTidyFieldCount - 5;
    std::string row = prefix_of(point) + "point,failed,error,0," + io::csv_quoted(why) + std::string(empty_fields, ',');
    if (!definition_.precision.empty()) row += ",0,0";
    out.rows = row + base_fields(point) + "\n";
  }
  return out;
}

PointOutput Sweep::output_of(std::size_t point, const model::CompiledModel& model,
                             const model::ExperimentResult& result, bool met) const {
  PointOutput out;
  out.point = point;
  out.replications = result.replications.size();
  out.undrained = result.undrained_replications > 0;
  out.imprecise = !definition_.precision.empty() && !met;
  std::ostringstream rows;
  if (definition_.jsonl) {
    const nlohmann::ordered_json params = params_of(point);
    const auto number = [](double x) {
      return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json();
    };
    const auto row = [&](std::string_view scope, const std::string& name, const std::string& kpi, const sim::Summary& s,
                         const io::RowPlace* place) {
      nlohmann::ordered_json j{{"point", point},
                               {"params", params},
                               {"scope", scope},
                               {"name", name},
                               {"kpi", kpi},
                               {"n", s.n},
                               {"mean", number(s.mean)},
                               {"sd", number(s.sd)},
                               {"ci95_low", number(s.ci_low)},
                               {"ci95_high", number(s.ci_high)},
                               {"p5", number(s.p5)},
                               {"p50", number(s.p50)},
                               {"p95", number(s.p95)},
                               {"min", number(s.min)},
                               {"max", number(s.max)},
                               {"pooled", number(s.pooled)}};
      if (place && place->interval) {  // as the CSV's columns (io::RowPlace), only where they apply
        j["interval_index"] = place->interval_index;
        j["start_seconds"] = place->start_seconds;
        if (!place->pool.empty()) j["pool"] = place->pool;
        if (!place->sla.empty()) j["sla"] = place->sla;
      }
      if (!definition_.precision.empty()) {
        j["replications"] = result.replications.size();
        j["precision_met"] = met;
      }
      rows << json_line(j);
    };
    const auto& slots = result.layout.slots();
    const std::vector<io::RowPlace> places = io::row_places(model, result.layout);
    for (std::size_t i = 0; i < slots.size(); ++i)
      if (definition_.intervals || !places[i].interval)
        row(model::scope_kind_name(slots[i].scope), slots[i].scope_name, places[i].kpi, result.summaries[i],
            &places[i]);
    for (std::size_t k = 0; k < model.slas.size(); ++k) {
      const auto& r = result.risks[k];
      sim::Summary s;
      s.n = r.replications;
      s.mean = r.risk;
      s.ci_low = r.ci_low;
      s.ci_high = r.ci_high;
      s.sd = s.p5 = s.p50 = s.p95 = s.min = s.max = std::nan("");
      row("sla", model.slas[k].name, "risk", s, nullptr);
    }
  } else {
    const std::string suffix =
        (definition_.precision.empty() ? ""
                                       : "," + std::to_string(result.replications.size()) + "," + (met ? "1" : "0")) +
        base_fields(point);
    io::write_tidy_rows(rows, model, result, prefix_of(point), suffix, definition_.intervals);
  }
  out.rows = rows.str();
  if (definition_.per_replication) {
    std::ostringstream rep;
    io::write_replication_rows(rep, model, result, prefix_of(point), definition_.intervals);
    out.replication_rows = rep.str();
  }
  return out;
}

PointOutput Sweep::run_point(std::size_t point, unsigned threads, const std::atomic<bool>* stop) const {
  auto scenario = scenario_of(point);
  if (!scenario) return failed_output(point, "the point does not load (its problems are printed)");
  const model::CompiledModel compiled = model::compile(*scenario);
  const SequentialPlan plan = this->plan();
  if (const auto problem = storage_problem(compiled, plan.most)) return failed_output(point, *problem);
  try {
    auto outcome = extend_until_decided(
        compiled, threads, plan,
        [&](const model::ExperimentResult& r, std::size_t) { return precision_met(r, definition_.precision); }, stop);
    return output_of(point, compiled, outcome.result, outcome.decided);
  } catch (const model::PopulationLimitExceeded& e) {
    return failed_output(point, e.what());
  }
}

// Block bytes: u64 {first, count, slots, failed}; then per replication its values,
// numerators and denominators (slots doubles each) and u64 {events, undrained}; or, when
// failed, the message.
std::string Sweep::run_block(std::size_t point, std::size_t first, std::size_t last, unsigned threads,
                             const std::atomic<bool>* stop) const {
  std::string bytes;
  const auto put = [&](const void* data, std::size_t size) { bytes.append(static_cast<const char*>(data), size); };
  const auto fail = [&](const std::string& why) {
    const std::uint64_t header[4] = {first, 0, 0, 1};
    bytes.clear();
    put(header, sizeof header);
    bytes += why;
    return bytes;
  };
  auto scenario = scenario_of(point);
  if (!scenario) return fail("the point does not load (its problems are printed)");
  const model::CompiledModel compiled = model::compile(*scenario);
  if (const auto problem = storage_problem(compiled, plan().most)) return fail(*problem);
  const model::KpiLayout layout(compiled);
  const std::uint64_t slots = layout.size();
  const std::uint64_t header[4] = {first, last - first, slots, 0};
  put(header, sizeof header);
  try {
    sim::for_each_replication(
        first, last, threads,
        [&](std::size_t r) {
          if (stop && stop->load(std::memory_order_relaxed)) throw Interrupted{};
          return model::run_replication(compiled, layout, r);
        },
        [&](std::size_t, model::ReplicationResult run) {
          put(run.values.data(), slots * sizeof(double));
          put(run.numerators.data(), slots * sizeof(double));
          put(run.denominators.data(), slots * sizeof(double));
          const std::uint64_t counts[2] = {run.events, run.undrained};
          put(counts, sizeof counts);
        });
  } catch (const model::PopulationLimitExceeded& e) {
    return fail(e.what());
  }
  return bytes;
}

PointOutput Sweep::finish_point(std::size_t point, const std::vector<std::string>& blocks) const {
  auto scenario = scenario_of(point);
  if (!scenario) return failed_output(point, "the point does not load (its problems are printed)");
  const model::CompiledModel compiled = model::compile(*scenario);
  model::ExperimentFold fold(compiled, 0, definition_.replications);
  for (const auto& bytes : blocks) {
    std::uint64_t header[4];
    std::memcpy(header, bytes.data(), sizeof header);
    if (header[3] != 0) return failed_output(point, bytes.substr(sizeof header));
    const char* at = bytes.data() + sizeof header;
    const auto get = [&](void* data, std::size_t size) {
      std::memcpy(data, at, size);
      at += size;
    };
    for (std::uint64_t r = 0; r < header[1]; ++r) {
      model::ReplicationResult run;
      for (auto* v : {&run.values, &run.numerators, &run.denominators}) {
        v->resize(header[2]);
        get(v->data(), header[2] * sizeof(double));
      }
      std::uint64_t counts[2];
      get(counts, sizeof counts);
      run.events = counts[0];
      run.undrained = counts[1];
      fold.add(std::move(run));
    }
  }
  return output_of(point, compiled, std::move(fold).finish(), true);
}

std::string pack_point(const PointOutput& output) {
  const std::uint64_t header[5] = {
      output.rows.size(), output.replication_rows.size(), output.replications,
      (output.failed ? 1u : 0u) | (output.undrained ? 2u : 0u) | (output.imprecise ? 4u : 0u), output.point};
  std::string bytes(reinterpret_cast<const char*>(header), sizeof header);
  bytes += output.rows;
  bytes += output.replication_rows;
  return bytes;
}

PointOutput unpack_point(const std::string& bytes) {
  std::uint64_t header[5];
  std::memcpy(header, bytes.data(), sizeof header);
  PointOutput output;
  output.rows = bytes.substr(sizeof header, header[0]);
  output.replication_rows = bytes.substr(sizeof header + header[0], header[1]);
  output.replications = header[2];
  output.failed = (header[3] & 1u) != 0;
  output.undrained = (header[3] & 2u) != 0;
  output.imprecise = (header[3] & 4u) != 0;
  output.point = header[4];
  return output;
}

SweepOutcome run_sweep(const Sweep& sweep, Executor& executor, const SweepFiles& files, unsigned threads,
                       const std::atomic<bool>* stop, const std::function<void(const SweepProgress&)>& progress,
                       const std::function<bool(const std::string&)>& write_rows) {
  SweepOutcome outcome;
  const auto failed = [&](std::string problem) {
    outcome.status = SweepOutcome::Status::failed;
    outcome.problem = std::move(problem);
    return outcome;
  };
  const std::string header = sweep.header();
  const std::string replication_header = sweep.replication_header();
  const auto mine = sweep.my_points();
  PointFile rows_file, replication_file;
  std::set<std::size_t> finished;
  if (files.resume) {
    // Every rank reads the checkpoint; all agree before anything is cut.
    std::string problem;
    auto content = read_regular_file(files.checkpoint, problem);
    std::size_t keep = 0;
    bool rewrite_header = false;  // a checkpoint cut inside its header: start it afresh
    if (content) {
      if (header.rfind(*content, 0) == 0 && content->size() < header.size()) {
        rewrite_header = true;
      } else if (content->rfind(header, 0) != 0) {
        problem = io::printable(files.checkpoint, 200) +
                  " belongs to another sweep (or other options, data or capsim version); expected the same command "
                  "as before";
        content.reset();
      } else {
        const auto blocks = read_point_blocks(*content, header.size(), sweep.row_fields(),
                                              [&](std::size_t p) { return sweep.rows_of(p); });
        for (const auto& b : blocks.blocks) finished.insert(b.point);
        keep = blocks.complete_bytes;
      }
    }
    std::size_t replication_keep = 0;
    bool rewrite_replication_header = false;
    if (content && !files.replication_checkpoint.empty()) {
      std::string rep_problem;
      const auto replications = read_regular_file(files.replication_checkpoint, rep_problem);
      if (replications && finished.empty() && replication_header.rfind(*replications, 0) == 0) {
        rewrite_replication_header = true;  // cut inside its header, with no point kept
      } else if (!replications || replications->rfind(replication_header, 0) != 0) {
        problem = io::printable(files.replication_checkpoint, 200) + " is missing or of another sweep";
        content.reset();
      } else {
        // Keep the per-replication rows of the points kept (written before their rows).
        std::size_t offset = replication_header.size();
        for (;;) {
          const auto end = replications->find('\n', offset);
          if (end == std::string::npos) break;
          const auto point = point_of_line(std::string_view(*replications).substr(offset, end - offset));
          if (!point || !finished.count(*point)) break;
          offset = end + 1;
        }
        replication_keep = offset;
      }
    }
    if (!executor.all_ok(content.has_value())) return failed(content ? "another rank could not resume" : problem);
    if (executor.is_writer()) {
      if (!rows_file.reopen(files.checkpoint, keep, problem)) return failed(problem);
      if (rewrite_header && !rows_file.append(header, problem)) return failed(problem);
      if (!files.replication_checkpoint.empty() &&
          (!replication_file.reopen(files.replication_checkpoint, replication_keep, problem) ||
           (rewrite_replication_header && !replication_file.append(replication_header, problem))))
        return failed(problem);
    }
    outcome.resumed = finished.size();
  } else {
    bool created = true;
    std::string problem;
    if (executor.is_writer()) {
      created = files.checkpoint.empty() || rows_file.create(files.checkpoint, header, problem);
      created = created && (files.replication_checkpoint.empty() ||
                            replication_file.create(files.replication_checkpoint, replication_header, problem));
      if (created && files.checkpoint.empty()) created = write_rows(header);
    }
    if (!executor.all_ok(created)) return failed(problem.empty() ? "another rank could not start" : problem);
  }

  std::vector<std::size_t> todo;
  for (const auto p : mine)
    if (!finished.count(p)) todo.push_back(p);
  if (files.resume && todo.empty()) outcome.status = SweepOutcome::Status::already_done;
  SweepProgress state{finished.size(), mine.size(), 0, true};
  if (progress) progress(state);
  state.starting = false;
  std::string write_problem;
  const auto consume = [&](const PointOutput& point) {
    // The per-replication rows are durable before the point's rows name it finished.
    if (replication_file.is_open() &&
        (!replication_file.append(point.replication_rows, write_problem) || !replication_file.sync(write_problem)))
      throw std::runtime_error(write_problem);
    if (rows_file.is_open()) {
      if (!rows_file.append(point.rows, write_problem)) throw std::runtime_error(write_problem);
    } else if (!write_rows(point.rows)) {
      throw std::runtime_error("cannot write the rows");
    }
    ++state.done;
    state.replications += point.replications;
    outcome.failed_points += point.failed;
    outcome.undrained_points += point.undrained;
    if (point.imprecise) outcome.imprecise_points.push_back(point.point);
    if (progress) progress(state);
  };
  try {
    const std::size_t replications = sweep.plan().initial;
    if (executor.ranks() > 1 && sweep.definition().precision.empty()) {
      // Units: each point's replications in blocks of ceil(R / ranks), in point order; the
      // writer folds a point once its last block has come.
      struct Unit {
        std::size_t point, first, last;
        bool last_of_point;
      };
      std::vector<Unit> units;
      const std::size_t block = std::max<std::size_t>(1, (replications + executor.ranks() - 1) / executor.ranks());
      for (const auto p : todo)
        for (std::size_t first = 0; first < replications; first += block) {
          const std::size_t last = std::min(replications, first + block);
          units.push_back({p, first, last, last == replications});
        }
      std::vector<std::string> blocks;
      executor.run(
          units.size(), 1,
          [&](std::size_t u) { return sweep.run_block(units[u].point, units[u].first, units[u].last, threads, stop); },
          [&](std::size_t u, std::string bytes) {
            blocks.push_back(std::move(bytes));
            if (!units[u].last_of_point) return;
            const auto point = sweep.finish_point(units[u].point, blocks);
            blocks.clear();
            consume(point);
          });
    } else {
      // Replications on all cores; when a point has fewer replications than cores, points
      // run side by side instead. Either way rows are written in point order.
      const bool side_by_side = replications < threads && sweep.definition().precision.empty();
      executor.run(
          todo.size(), side_by_side ? threads : 1u,
          [&](std::size_t i) { return pack_point(sweep.run_point(todo[i], side_by_side ? 1u : threads, stop)); },
          [&](std::size_t, std::string bytes) { consume(unpack_point(bytes)); });
    }
  } catch (const Interrupted&) {
    outcome.status = SweepOutcome::Status::interrupted;
    outcome.resumed = state.done;  // saved points
    return outcome;
  } catch (const std::runtime_error& e) {
    return failed(e.what());
  }
  if (!executor.is_writer()) return outcome;
  std::string problem;
  if (rows_file.is_open() && !rows_file.close(problem)) return failed(problem);
  if (replication_file.is_open() && !replication_file.close(problem)) return failed(problem);
  return outcome;
}

bool merge_shards(const std::vector<std::string>& files, const std::function<bool(std::string_view)>& write,
                  std::string& problem) {
  struct Piece {
    std::string file, content;
    SweepFileHeader header;
    std::vector<PointBlock> blocks;
  };
  std::vector<Piece> pieces;
  for (const auto& file : files) {
    Piece piece;
    piece.file = file;
    auto content = read_regular_file(file, problem);
    if (!content) return false;
    piece.content = std::move(*content);
    std::string why;
    const auto header = read_sweep_header(piece.content, why);
    if (!header) {
      problem = io::printable(file, 200) + " " + why;
      return false;
    }
    piece.header = *header;
    pieces.push_back(std::move(piece));
  }
  if (pieces.empty()) {
    problem = "no shards given";
    return false;
  }
  const SweepFileHeader& first = pieces.front().header;
  const std::size_t count = first.shard ? first.shard->count : 1;
  std::set<std::size_t> indexes;
  std::map<std::size_t, std::pair<const Piece*, const PointBlock*>> by_point;
  for (auto& p : pieces) {
    const auto& h = p.header;
    const std::size_t its_count = h.shard ? h.shard->count : 1;
    if (h.hash != first.hash || its_count != count || h.points != first.points || h.columns != first.columns ||
        h.jsonl != first.jsonl || h.rows_per_point != first.rows_per_point) {
      problem = io::printable(p.file, 200) + " is a shard of another sweep than " +
                io::printable(pieces.front().file, 200) + " (sweep " + h.hash + " vs " + first.hash +
                "); merge only shards of one sweep";
      return false;
    }
    const std::size_t index = h.shard ? h.shard->index : 0;
    if (!indexes.insert(index).second) {
      problem = "shard " + std::to_string(index + 1) + "/" + std::to_string(count) + " is given twice";
      return false;
    }
    const std::size_t fields = h.jsonl ? 0 : csv_field_count(h.columns);
    // Rows per point from the header; without it (the layout varies by point) every
    // point's block must at least hold whole lines of one point.
    const auto blocks = read_point_blocks(p.content, h.bytes, fields,
                                          [&](std::size_t) -> std::size_t { return h.rows_per_point.value_or(0); });
    std::vector<PointBlock> kept = blocks.blocks;
    std::size_t end = blocks.complete_bytes;
    if (!h.rows_per_point) {  // accept any row count, but only whole, well-formed lines
      kept.clear();
      std::size_t offset = h.bytes;
      while (offset < p.content.size()) {
        const auto line_end = p.content.find('\n', offset);
        if (line_end == std::string::npos) break;
        const std::string_view line = std::string_view(p.content).substr(offset, line_end - offset);
        const auto point = point_of_line(line);
        if (!point || (fields > 0 && csv_field_count(line) != fields)) break;
        if (kept.empty() || kept.back().point != *point) kept.push_back({*point, offset, offset, false});
        kept.back().end = line_end + 1;
        offset = line_end + 1;
      }
      end = offset;
    }
    if (end != p.content.size()) {
      problem =
          io::printable(p.file, 200) + ": " +
          (blocks.problem.empty() || !h.rows_per_point ? std::string("a cut or malformed line") : blocks.problem) +
          " after byte " + std::to_string(end) + " (an unfinished shard?)";
      return false;
    }
    p.blocks = std::move(kept);
    for (const auto& b : p.blocks) {
      if (b.point >= first.points || b.point % count != index) {
        problem = io::printable(p.file, 200) + " holds point " + std::to_string(b.point) + ", which is not shard " +
                  std::to_string(index + 1) + "/" + std::to_string(count) + "'s";
        return false;
      }
      if (by_point.count(b.point)) {
        problem = io::printable(p.file, 200) + " holds point " + std::to_string(b.point) + " twice";
        return false;
      }
      by_point[b.point] = {&p, &b};
    }
  }
  if (indexes.size() != count) {
    problem =
        std::to_string(indexes.size()) + " of " + std::to_string(count) + " shards given; a merge needs all of them";
    return false;
  }
  if (by_point.size() != first.points) {
    problem = "the shards hold " + std::to_string(by_point.size()) + " of the sweep's " + std::to_string(first.points) +
              " points (an unfinished shard?)";
    return false;
  }
  // The single-machine header: the first line without the shard, the columns unchanged.
  std::string head;
  if (first.jsonl) {
    nlohmann::ordered_json meta{{"capsim_sweep", first.hash}, {"points", first.points}};
    if (first.rows_per_point) meta["rows"] = *first.rows_per_point;
    meta["keys"] = nlohmann::ordered_json::parse(first.columns.empty() ? "[]" : first.columns);
    head = json_line(meta);
  } else {
    head = "# capsim sweep " + first.hash + " points " + std::to_string(first.points);
    if (first.rows_per_point) head += " rows " + std::to_string(*first.rows_per_point);
    head += "\n" + first.columns + "\n";
  }
  if (!write(head)) return false;
  for (const auto& [point, where] : by_point) {
    const auto& [piece, block] = where;
    if (!write(std::string_view(piece->content).substr(block->begin, block->end - block->begin))) return false;
  }
  return true;
}

std::optional<std::string> ProgressLine::operator()(const SweepProgress& p, Clock::time_point now) {
  if (p.starting) {
    resumed_ = p.done;
    return std::nullopt;
  }
  if (!(terminal_ || now - last_ > std::chrono::seconds(10) || p.done == p.total)) return std::nullopt;
  last_ = now;
  const double elapsed = std::max(1e-9, std::chrono::duration<double>(now - start_).count());
  const double rate = static_cast<double>(p.done - resumed_) / elapsed;
  const double eta = static_cast<double>(p.total - p.done) / std::max(rate, 1e-9);
  char line[200];
  std::snprintf(line, sizeof line, "capsim: %zu/%zu points, %.1f replications/s, ETA %.0f s", p.done, p.total,
                static_cast<double>(p.replications) / elapsed, eta);
  return (terminal_ ? "\r" : "") + std::string(line) + (terminal_ && p.done < p.total ? "" : "\n");
}

namespace {
bool starts_with_file(const std::string& path, const std::string& text) {
  std::string problem;
  const auto content = read_regular_file(path, problem);
  return content && content->rfind(text, 0) == 0;
}
}  // namespace

bool sweep_finished(const Sweep& sweep, const std::string& checkpoint, const std::string& output,
                    const std::string& per_replication, bool page) {
  struct stat info {};
  const auto drawn = [&] {
    std::string problem;
    const auto content = read_regular_file(output, problem);
    const std::string identity = sweep.header().substr(0, sweep.header().find('\n'));
    return content && content->find("\"identity\":\"" + identity + "\"") != std::string::npos;
  };
  return ::stat(checkpoint.c_str(), &info) != 0 && errno == ENOENT && !output.empty() &&
         (page ? drawn() : starts_with_file(output, sweep.header())) &&
         (per_replication.empty() || starts_with_file(per_replication, sweep.replication_header()));
}

SweepFiles sweep_files(const std::string& output, const std::string& checkpoint, const std::string& per_replication,
                       bool resume) {
  return {!checkpoint.empty() ? checkpoint
          : output.empty()    ? std::string()
                              : output + ".checkpoint",
          per_replication.empty() ? std::string() : per_replication + ".checkpoint", resume};
}

std::vector<std::string> sweep_warnings(const SweepOutcome& outcome) {
  std::vector<std::string> warnings;
  if (outcome.undrained_points > 0)
    warnings.push_back("the system did not drain at " + std::to_string(outcome.undrained_points) +
                       " point(s): customers were still waiting when nothing more could happen (is the last interval "
                       "unstaffed?); they count as misses for every SLA");
  if (!outcome.imprecise_points.empty()) {
    std::string which;
    for (std::size_t i = 0; i < outcome.imprecise_points.size() && i < 10; ++i)
      which += (i ? ", " : "") + std::to_string(outcome.imprecise_points[i]);
    if (outcome.imprecise_points.size() > 10) which += ", ...";
    warnings.push_back(std::to_string(outcome.imprecise_points.size()) +
                       " point(s) reached --max-replications without the --precision asked (point " + which +
                       "); their rows say precision_met 0, their intervals are wider than asked");
  }
  if (outcome.failed_points > 0)
    warnings.push_back(std::to_string(outcome.failed_points) +
                       " point(s) could not run; their rows (scope point, name failed) say why");
  return warnings;
}

}  // namespace capsim::experiment
