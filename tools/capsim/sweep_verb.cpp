// capsim sweep: a scenario over a grid of parameter points, one tidy row per (point, scope,
// name, KPI) for pandas and R. Every point runs with the same seed (common random numbers
// across points). Rows are appended point by point to a checkpoint file, so that after an
// interruption (Ctrl-C, kill -9, a lost machine) the same command with --resume skips the
// finished points and the final output equals an uninterrupted run byte for byte; --shard
// i/N runs every N-th point for job arrays and `capsim merge` joins the shards.
// capsim merge: shards of one sweep -> the single-machine output.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <thread>

#include "experiment/precision.h"
#include "experiment/replication_run.h"
#include "experiment/sequential.h"
#include "experiment/variant.h"
#include "models/assertions.h"
#include "models/io/diagnostics.h"
#include "models/io/report.h"
#include "models/io/scenario_loader.h"
#include "models/io/sweep_spec.h"
#include "models/io/units.h"
#include "sim/random.h"
#include "sim/replications.h"
#include "tools/capsim/common_options.h"
#include "tools/capsim/output_file.h"
#include "tools/capsim/parallel.h"
#include "tools/capsim/scenario_input.h"
#include "tools/capsim/verbs.h"

namespace capsim::cli {
namespace {

inline constexpr int kExitInterrupted = 130;

std::atomic<bool> g_interrupted{false};
extern "C" void on_interrupt(int) { g_interrupted.store(true); }

struct SweepOptions {
  std::string file;
  std::vector<std::string> grids, zips;
  CommonOptions common;
  std::string per_replication, checkpoint;
  std::vector<std::string> precision;
  int max_replications = 1000;
  bool resume = false, quiet = false;
  std::string shard;
};

struct Shard {
  std::size_t index = 0, count = 1;  // index 0-based here; written 1-based
};

std::string hex_hash(const std::string& text) {
  std::uint64_t hash = 0xCBF29CE484222325ULL;
  for (const char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001B3ULL;
  }
  char out[32];
  std::snprintf(out, sizeof out, "%016llx", static_cast<unsigned long long>(sim::splitmix64_mix(hash)));
  return out;
}

class SweepRun {
 public:
  SweepRun(const SweepOptions& options, const model::Scenario& base, io::SweepSpec spec,
           std::vector<experiment::PrecisionTarget> precision)
      : options_(options), base_(base), spec_(std::move(spec)), keys_(spec_.keys()), precision_(std::move(precision)) {}

  std::vector<std::string> point_overrides(std::size_t point) const {
    std::vector<std::string> overrides = options_.common.overrides;
    const auto values = spec_.point(point);
    for (std::size_t k = 0; k < keys_.size(); ++k) overrides.push_back(keys_[k] + "=" + values[k]);
    return overrides;
  }

  std::optional<model::Scenario> scenario_of(std::size_t point) const {
    auto loaded = io::load_scenario_file(options_.file, point_overrides(point));
    if (!loaded.scenario) {
      for (const auto& e : loaded.errors) std::cerr << e.format() << '\n';
      return std::nullopt;
    }
    loaded.scenario->seed = base_.seed;
    loaded.scenario->replications = base_.replications;
    return std::move(loaded.scenario);
  }

  std::string header() const {
    if (options_.common.format == "jsonl") return "";  // JSON lines carry their own first line
    std::string line = "point";
    for (const auto& key : keys_) line += "," + io::csv_quoted(key);
    line += ",scope,name,kpi,n,mean,sd,ci95_low,ci95_high,p5,p50,p95,min,max";
    if (!precision_.empty()) line += ",replications,precision_met";
    return line + "\n";
  }
  std::string replication_header() const {
    std::string line = "point";
    for (const auto& key : keys_) line += "," + io::csv_quoted(key);
    return line + ",replication,scope,name,kpi,value\n";
  }

  // Runs one point: its replications, extended while a --precision target is missed.
  PointText run_point(std::size_t point, unsigned threads) const {
    auto scenario = scenario_of(point);
    if (!scenario) throw std::runtime_error("point " + std::to_string(point) + " does not load");
    const model::CompiledModel compiled = model::compile(*scenario);
    const experiment::SequentialPlan plan = plan_of(*scenario);
    if (const auto problem = experiment::storage_problem(compiled, plan.most))
      throw std::runtime_error("point " + std::to_string(point) + ": " + *problem);
    auto outcome = experiment::extend_until_decided(
        compiled, threads, plan,
        [&](const model::ExperimentResult& r, std::size_t) { return experiment::precision_met(r, precision_); });
    return text_of(point, compiled, outcome.result, outcome.decided);
  }

  // Replications of a point: the scenario's, extended up to --max-replications with --precision.
  experiment::SequentialPlan plan_of(const model::Scenario& scenario) const {
    const auto replications = static_cast<std::size_t>(std::max(1, scenario.replications));
    if (precision_.empty()) return {replications, replications};
    return {replications, std::max(replications, static_cast<std::size_t>(options_.max_replications))};
  }

  const io::SweepSpec& spec() const { return spec_; }

  // For ranks sharing a point's replications (MPI): a block of its replications, and the
  // point's text from all of them in order.
  std::vector<model::ReplicationResult> run_block(std::size_t point, std::size_t first, std::size_t last,
                                                  unsigned threads) const {
    auto scenario = scenario_of(point);
    if (!scenario) throw std::runtime_error("point " + std::to_string(point) + " does not load");
    const model::CompiledModel compiled = model::compile(*scenario);
    const model::KpiLayout layout(compiled);
    std::vector<model::ReplicationResult> runs;
    sim::for_each_replication(
        first, last, threads, [&](std::size_t r) { return model::run_replication(compiled, layout, r); },
        [&](std::size_t, model::ReplicationResult run) { runs.push_back(std::move(run)); });
    return runs;
  }
  PointText finish_point(std::size_t point, std::vector<model::ReplicationResult> runs) const {
    auto scenario = scenario_of(point);
    if (!scenario) throw std::runtime_error("point " + std::to_string(point) + " does not load");
    const model::CompiledModel compiled = model::compile(*scenario);
    model::ExperimentFold fold(compiled, 0, runs.size());
    for (auto& run : runs) fold.add(std::move(run));
    return text_of(point, compiled, std::move(fold).finish(), true);
  }

 private:
  PointText text_of(std::size_t point, const model::CompiledModel& model, const model::ExperimentResult& result,
                    bool met) const {
    PointText text;
    text.replications = result.replications.size();
    const auto values = spec_.point(point);
    std::string prefix = std::to_string(point);
    for (const auto& v : values) prefix += "," + io::csv_quoted(v);
    const std::string suffix =
        precision_.empty() ? "" : "," + std::to_string(result.replications.size()) + "," + (met ? "1" : "0");
    const auto& slots = result.layout.slots();
    std::ostringstream out;
    if (options_.common.format == "jsonl") {
      nlohmann::ordered_json params = nlohmann::ordered_json::object();
      for (std::size_t k = 0; k < keys_.size(); ++k) params[keys_[k]] = values[k];
      const auto number = [](double x) {
        return std::isfinite(x) ? nlohmann::ordered_json(x) : nlohmann::ordered_json();
      };
      const auto row = [&](std::string_view scope, const std::string& name, const std::string& kpi,
                           const sim::Summary& s) {
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
                                 {"max", number(s.max)}};
        if (!precision_.empty()) {
          j["replications"] = result.replications.size();
          j["precision_met"] = met;
        }
        out << j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
      };
      for (std::size_t i = 0; i < slots.size(); ++i)
        row(model::scope_kind_name(slots[i].scope), slots[i].scope_name, slots[i].kpi, result.summaries[i]);
      for (std::size_t k = 0; k < model.slas.size(); ++k) {
        const auto& r = result.risks[k];
        sim::Summary s;
        s.n = r.replications;
        s.mean = r.risk;
        s.ci_low = r.ci_low;
        s.ci_high = r.ci_high;
        s.sd = s.p5 = s.p50 = s.p95 = s.min = s.max = std::nan("");
        row("sla", model.slas[k].name, "risk", s);
      }
    } else {
      const auto f = io::csv_number;
      for (std::size_t i = 0; i < slots.size(); ++i) {
        const auto& s = result.summaries[i];
        out << prefix << ',' << model::scope_kind_name(slots[i].scope) << ',' << io::csv_quoted(slots[i].scope_name)
            << ',' << slots[i].kpi << ',' << s.n << ',' << f(s.mean) << ',' << f(s.sd) << ',' << f(s.ci_low) << ','
            << f(s.ci_high) << ',' << f(s.p5) << ',' << f(s.p50) << ',' << f(s.p95) << ',' << f(s.min) << ','
            << f(s.max) << suffix << '\n';
      }
      for (std::size_t k = 0; k < model.slas.size(); ++k) {
        const auto& r = result.risks[k];
        out << prefix << ",sla," << io::csv_quoted(model.slas[k].name) << ",risk," << r.replications << ',' << f(r.risk)
            << ",," << f(r.ci_low) << ',' << f(r.ci_high) << ",,,,," << suffix << '\n';
      }
    }
    text.rows = out.str();
    if (!options_.per_replication.empty()) {
      std::ostringstream rep;
      for (std::size_t r = 0; r < result.replications.size(); ++r)
        for (std::size_t i = 0; i < slots.size(); ++i)
          rep << prefix << ',' << result.first_replication + r << ',' << model::scope_kind_name(slots[i].scope) << ','
              << io::csv_quoted(slots[i].scope_name) << ',' << slots[i].kpi << ','
              << io::csv_number(result.replications[r][i]) << '\n';
      text.replication_rows = rep.str();
    }
    return text;
  }

  const SweepOptions& options_;
  const model::Scenario& base_;
  io::SweepSpec spec_;
  std::vector<std::string> keys_;
  std::vector<experiment::PrecisionTarget> precision_;
};

// An append-only file of point blocks: created exclusively (never over anything), or, on
// resume, cut back to its complete points. Each block is one write(2).
class PointFile {
 public:
  ~PointFile() {
    if (fd_ >= 0) ::close(fd_);
  }
  bool create(const std::string& path, const std::string& first_lines) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      std::cerr << "capsim: cannot create " << io::printable(path, 200) << ": " << std::strerror(errno)
                << (errno == EEXIST ? " (an interrupted sweep's checkpoint? run the same command with --resume, "
                                      "or remove it)"
                                    : "")
                << '\n';
      return false;
    }
    return append(first_lines);
  }
  // Keeps the first `bytes` bytes and appends after them.
  bool reopen(const std::string& path, std::size_t bytes) {
    path_ = path;
    fd_ = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd_ < 0 || ::ftruncate(fd_, static_cast<off_t>(bytes)) != 0 || ::lseek(fd_, 0, SEEK_END) < 0) {
      std::cerr << "capsim: cannot resume " << io::printable(path, 200) << ": " << std::strerror(errno) << '\n';
      return false;
    }
    return true;
  }
  bool append(const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
      const ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        std::cerr << "capsim: cannot write " << io::printable(path_, 200) << ": " << std::strerror(errno) << '\n';
        return false;
      }
      done += static_cast<std::size_t>(n);
    }
    return true;
  }
  bool close() {
    const bool ok = ::fsync(fd_) == 0 && ::close(fd_) == 0;
    fd_ = -1;
    return ok;
  }

 private:
  std::string path_;
  int fd_ = -1;
};

// Reads a regular file whole: a FIFO or a device (which could block or never end) is refused.
bool read_file(const std::string& path, std::string& content) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) return false;
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream text;
  text << in.rdbuf();
  content = text.str();
  return true;
}

// The point index a data line starts with (CSV "p,..." or JSON {"point":p,...}).
std::optional<std::size_t> point_of_line(const std::string& line) {
  std::size_t at = 0;
  if (line.rfind("{\"point\":", 0) == 0) at = 9;
  std::size_t value = 0, digits = 0;
  while (at < line.size() && line[at] >= '0' && line[at] <= '9') value = value * 10 + (line[at++] - '0'), ++digits;
  if (digits == 0) return std::nullopt;
  return value;
}

// Byte length of the prefix of `content` holding its first lines (`header_lines`) and the
// complete points, which are appended to `points`. A point is complete when its rows number
// what the point gives: an interruption can only have cut the last one.
std::size_t complete_prefix(const std::string& content, std::size_t header_lines,
                            const std::function<std::size_t(std::size_t)>& rows_of, std::vector<std::size_t>& points) {
  std::size_t offset = 0;
  for (std::size_t h = 0; h < header_lines; ++h) {
    const auto end = content.find('\n', offset);
    if (end == std::string::npos) return 0;
    offset = end + 1;
  }
  for (;;) {
    const std::size_t block_start = offset;
    std::optional<std::size_t> point;
    std::size_t rows = 0;
    for (;;) {  // the whole lines of one point
      const auto end = content.find('\n', offset);
      if (end == std::string::npos) break;
      const auto p = point_of_line(content.substr(offset, end - offset));
      if (!p || (point && *p != *point)) break;
      point = p;
      ++rows;
      offset = end + 1;
    }
    if (!point || rows != rows_of(*point)) return block_start;
    points.push_back(*point);
  }
}

int sweep_on_this_rank(const SweepOptions& options);

// Every rank runs the same sweep (same input, same checks); only the writer (rank 0) prints
// and writes files.
int sweep(const SweepOptions& options) {
  start_parallel(nullptr, nullptr);
  auto* out = std::cout.rdbuf();
  auto* err = std::cerr.rdbuf();
  if (!is_writer()) {
    std::cout.rdbuf(nullptr);
    std::cerr.rdbuf(nullptr);
  }
  const int code = sweep_on_this_rank(options);
  std::cout.rdbuf(out);
  std::cerr.rdbuf(err);
  stop_parallel();
  return code;
}

int sweep_on_this_rank(const SweepOptions& options) {
  auto base = load_or_report(options.file, options.common.overrides);
  if (!base || !apply_common_options(*base, options.common)) return kExitBadInput;
  // The points: the command line's dimensions, else the file's sweep: section.
  io::SweepSpec spec;
  bool ok = true;
  for (const auto& text : options.grids) {
    std::string problem;
    if (auto d = io::parse_grid_option(text, problem))
      spec.dimensions.push_back(std::move(*d));
    else
      std::cerr << "capsim: --grid " << io::printable(text) << ": " << problem << '\n', ok = false;
  }
  for (const auto& text : options.zips) {
    std::string problem;
    if (auto d = io::parse_zip_option(text, problem))
      spec.dimensions.push_back(std::move(*d));
    else
      std::cerr << "capsim: --zip " << io::printable(text) << ": " << problem << '\n', ok = false;
  }
  if (!ok) return kExitBadInput;
  if (spec.dimensions.empty()) {
    for (const auto& [key, values] : base->sweep.grid) spec.dimensions.push_back({{key}, {values}});
    if (!base->sweep.zip.empty()) {
      io::SweepDimension zip;
      for (const auto& [key, values] : base->sweep.zip) {
        zip.keys.push_back(key);
        zip.values.push_back(values);
      }
      spec.dimensions.push_back(std::move(zip));
    }
  }
  if (spec.dimensions.empty()) {
    std::cerr << "capsim: nothing to sweep: give --grid key.path=values, --zip, or a sweep: section in the file\n";
    return kExitBadInput;
  }
  double points = 1;
  for (const auto& d : spec.dimensions) points *= static_cast<double>(d.size());
  if (points > static_cast<double>(io::kMaxSweepPoints)) {
    std::cerr << "capsim: the sweep has " << points << " points; at most " << io::kMaxSweepPoints << " are supported\n";
    return kExitBadInput;
  }
  std::set<std::string> seen_keys;
  for (const auto& key : spec.keys()) {
    if (const auto problem = experiment::variant_key_problem(key)) {
      std::cerr << "capsim: the sweep varies " << io::printable(key) << ": " << *problem << '\n';
      return kExitBadInput;
    }
    if (!seen_keys.insert(key).second) {
      std::cerr << "capsim: the sweep varies " << io::printable(key) << " twice\n";
      return kExitBadInput;
    }
  }
  // Every value of every key must load (a misspelt key, a value without its unit): checked
  // before anything is written.
  for (const auto& d : spec.dimensions)
    for (std::size_t k = 0; k < d.keys.size(); ++k) {
      std::set<std::string> tried;
      for (const auto& value : d.values[k]) {
        if (!tried.insert(value).second) continue;
        auto overrides = options.common.overrides;
        overrides.push_back(d.keys[k] + "=" + value);
        auto loaded = io::load_scenario_file(options.file, overrides);
        for (const auto& e : loaded.errors) std::cerr << e.format() << '\n';
        if (!loaded.errors.empty()) ok = false;
        if (!loaded.errors.empty()) break;  // one bad value of a key says enough
      }
    }
  std::vector<experiment::PrecisionTarget> precision;
  {
    const model::KpiLayout layout(model::compile(*base));
    for (const auto& text : options.precision) {
      std::string problem;
      if (auto target = experiment::parse_precision(layout, text, problem))
        precision.push_back(std::move(*target));
      else
        std::cerr << "capsim: --precision " << io::printable(text) << ": " << problem << '\n', ok = false;
    }
  }
  Shard shard;
  if (!options.shard.empty()) {
    const auto slash = options.shard.find('/');
    const auto i = slash == std::string::npos ? std::nullopt : io::parse_number(options.shard.substr(0, slash));
    const auto n = slash == std::string::npos ? std::nullopt : io::parse_number(options.shard.substr(slash + 1));
    if (!i || !n || *n < 1 || *i < 1 || *i > *n || std::floor(*i) != *i || std::floor(*n) != *n) {
      std::cerr << "capsim: --shard " << io::printable(options.shard)
                << ": expected i/N with 1 <= i <= N, such as 3/8 (the 3rd of 8 shards)\n";
      ok = false;
    } else {
      shard = {static_cast<std::size_t>(*i) - 1, static_cast<std::size_t>(*n)};
    }
  }
  if (!ok) return kExitBadInput;

  // The sweep's identity: shards and checkpoints must belong to the same sweep.
  std::ostringstream identity;
  identity << file_hash(options.file) << '\n'
           << base->seed << '\n'
           << base->replications << '\n'
           << options.common.format;
  for (const auto& o : options.common.overrides) identity << "\nset " << o;
  for (const auto& d : spec.dimensions) {
    identity << "\ndimension";
    for (std::size_t k = 0; k < d.keys.size(); ++k) {
      identity << "\n " << d.keys[k];
      for (const auto& v : d.values[k]) identity << ' ' << v;
    }
  }
  for (const auto& p : precision) identity << "\nprecision " << p.path << ' ' << p.half_width << ' ' << p.relative;
  identity << "\nmax " << options.max_replications << "\nper-replication " << !options.per_replication.empty();
  const std::string hash = hex_hash(identity.str());
  const std::size_t total = spec.points();
  std::vector<std::size_t> mine;
  for (std::size_t p = shard.index; p < total; p += shard.count) mine.push_back(p);

  SweepRun run(options, *base, spec, precision);
  // The bound on values kept, up front for the base scenario (and again per point, whose
  // layout may differ): -r or --max-replications too large is refused before anything runs.
  if (!storage_fits_or_report(model::compile(*base), run.plan_of(*base).most)) return kExitBadInput;
  std::string first_line;
  const std::string shard_text =
      shard.count > 1 ? " shard " + std::to_string(shard.index + 1) + "/" + std::to_string(shard.count) : "";
  if (options.common.format == "jsonl") {
    nlohmann::ordered_json meta{{"capsim_sweep", hash}, {"points", total}, {"keys", spec.keys()}};
    if (shard.count > 1) meta["shard"] = std::to_string(shard.index + 1) + "/" + std::to_string(shard.count);
    first_line = meta.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
  } else {
    first_line = "# capsim sweep " + hash + " points " + std::to_string(total) + shard_text + "\n";
  }
  const std::string header = first_line + run.header();
  const std::size_t header_lines = options.common.format == "jsonl" ? 1 : 2;
  const std::string replication_header = first_line + run.replication_header();

  // Where rows go while the sweep runs: the checkpoint, moved to -o at the end.
  const std::string checkpoint = !options.checkpoint.empty()     ? options.checkpoint
                                 : options.common.output.empty() ? ""
                                                                 : options.common.output + ".checkpoint";
  const std::string replication_checkpoint =
      options.per_replication.empty() ? "" : options.per_replication + ".checkpoint";
  PointFile rows_file, replication_file;
  std::size_t done = 0;
  std::set<std::size_t> finished;
  if (options.resume) {
    if (checkpoint.empty()) {
      std::cerr << "capsim: --resume needs -o FILE or --checkpoint FILE (where the finished points are)\n";
      return kExitBadInput;
    }
    std::string content;
    if (!read_file(checkpoint, content)) {
      std::cerr << "capsim: --resume: cannot read " << io::printable(checkpoint, 200)
                << "; run without --resume to start the sweep\n";
      return kExitBadInput;
    }
    if (content.rfind(header, 0) != 0) {
      std::cerr << "capsim: --resume: " << io::printable(checkpoint, 200)
                << " belongs to another sweep (or other options); expected the same command as before\n";
      return kExitBadInput;
    }
    std::vector<std::size_t> kept_points;
    const auto rows_of = [&](std::size_t point) -> std::size_t {
      auto scenario = run.scenario_of(point);
      if (!scenario) return 0;
      const auto compiled = model::compile(*scenario);
      return model::KpiLayout(compiled).size() + compiled.slas.size();
    };
    const std::size_t keep = complete_prefix(content, header_lines, rows_of, kept_points);
    done = kept_points.size();
    finished.insert(kept_points.begin(), kept_points.end());
    barrier();  // every rank has read the checkpoint before the writer cuts it
    if (is_writer() && !rows_file.reopen(checkpoint, keep)) return kExitBadInput;
    if (!replication_checkpoint.empty()) {
      std::string replications;
      if (!read_file(replication_checkpoint, replications) || replications.rfind(replication_header, 0) != 0) {
        std::cerr << "capsim: --resume: " << io::printable(replication_checkpoint, 200)
                  << " is missing or of another sweep\n";
        return kExitBadInput;
      }
      // Keep the per-replication rows of the points kept (they are written first).
      std::size_t offset = replication_header.size();
      for (;;) {
        const auto end = replications.find('\n', offset);
        if (end == std::string::npos) break;
        const auto point = point_of_line(replications.substr(offset, end - offset));
        if (!point || !finished.count(*point)) break;
        offset = end + 1;
      }
      if (is_writer() && !replication_file.reopen(replication_checkpoint, offset)) return kExitBadInput;
    }
    if (!options.quiet) std::cerr << "capsim: resuming: " << done << " of " << mine.size() << " points already done\n";
  } else if (is_writer()) {
    bool created = checkpoint.empty() || rows_file.create(checkpoint, header);
    created = created &&
              (replication_checkpoint.empty() || replication_file.create(replication_checkpoint, replication_header));
    if (!all_ok(created)) return kExitBadInput;
    if (checkpoint.empty()) std::cout << header;
  } else if (!all_ok(true)) {
    return kExitBadInput;
  }

  std::vector<std::size_t> todo;
  for (const auto p : mine)
    if (!finished.count(p)) todo.push_back(p);
  // Replications on all cores; when a point has fewer replications than cores, points run
  // side by side instead. Either way rows are written in point order.
  const unsigned threads = usable_threads(options.common.threads);
  const bool points_in_parallel = base->replications < static_cast<int>(threads) && precision.empty();
  const unsigned point_threads = points_in_parallel ? 1u : threads;
  const bool terminal = ::isatty(STDERR_FILENO) != 0;
  const auto start = std::chrono::steady_clock::now();
  auto last_report = start;
  std::size_t written = 0, replications_done = 0;
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
  struct Interrupted {};
  try {
    const auto consume = [&](std::size_t, PointText text) {
      if (!replication_checkpoint.empty() && !replication_file.append(text.replication_rows))
        throw std::runtime_error("write");
      if (!checkpoint.empty()) {
        if (!rows_file.append(text.rows)) throw std::runtime_error("write");
      } else {
        std::cout << text.rows << std::flush;
      }
      ++written;
      replications_done += text.replications;
      const auto now = std::chrono::steady_clock::now();
      const double elapsed = std::chrono::duration<double>(now - start).count();
      if (!options.quiet && (terminal || now - last_report > std::chrono::seconds(10) || written == todo.size())) {
        last_report = now;
        const double rate = written / std::max(elapsed, 1e-9);
        const double eta = (todo.size() - written) / std::max(rate, 1e-9);
        char line[200];
        std::snprintf(line, sizeof line, "capsim: %zu/%zu points, %.1f replications/s, ETA %.0f s", done + written,
                      mine.size(), replications_done / std::max(elapsed, 1e-9), eta);
        std::cerr << (terminal ? "\r" : "") << line << (terminal && written < todo.size() ? "" : "\n") << std::flush;
      }
      if (g_interrupted.load()) throw Interrupted{};
    };
    if (rank_count() > 1 && precision.empty()) {
      // Ranks share points and, within a point, its replications.
      run_point_blocks(
          todo.size(), [&](std::size_t) { return static_cast<std::size_t>(base->replications); },
          [&](std::size_t i, std::size_t first, std::size_t last) {
            if (g_interrupted.load()) throw Interrupted{};
            return run.run_block(todo[i], first, last, threads);
          },
          [&](std::size_t i, std::vector<model::ReplicationResult> runs) {
            return run.finish_point(todo[i], std::move(runs));
          },
          consume);
    } else {
      run_points(
          todo.size(), points_in_parallel ? threads : 1u,
          [&](std::size_t i) {
            if (g_interrupted.load()) throw Interrupted{};
            return run.run_point(todo[i], point_threads);
          },
          consume);
    }
  } catch (const Interrupted&) {
    std::cerr << "\ncapsim: interrupted: " << done + written << " of " << mine.size() << " points are saved in "
              << (checkpoint.empty() ? std::string("the output") : io::printable(checkpoint, 200))
              << "; run the same command with --resume to finish\n";
    if (rank_count() > 1) abort_all(kExitInterrupted);
    return kExitInterrupted;
  } catch (const model::PopulationLimitExceeded& e) {
    std::cerr << "capsim: " << e.what() << '\n';
    return kExitBadInput;
  } catch (const std::runtime_error& e) {
    if (std::string_view(e.what()) != "write") std::cerr << "capsim: " << e.what() << '\n';
    return kExitBadInput;
  }
  // Done: the checkpoints become the outputs.
  if (!is_writer()) return kExitOk;
  if (!checkpoint.empty()) {
    if (!rows_file.close()) return kExitBadInput;
    std::string content;
    if (!read_file(checkpoint, content)) return kExitBadInput;
    if (options.common.output.empty()) {
      std::cout << content;
    } else if (!write_output(options.common.output, content)) {
      return kExitBadInput;
    }
    if (options.checkpoint.empty()) std::remove(checkpoint.c_str());
  }
  if (!replication_checkpoint.empty()) {
    if (!replication_file.close()) return kExitBadInput;
    std::string content;
    if (!read_file(replication_checkpoint, content) || !write_output(options.per_replication, content))
      return kExitBadInput;
    std::remove(replication_checkpoint.c_str());
  }
  return kExitOk;
}

// capsim merge: shards of one sweep (in any order) -> the single-machine output.
struct MergeOptions {
  std::vector<std::string> shards;
  std::string output;
};

int merge(const MergeOptions& options) {
  struct Piece {
    std::string file, hash, rest_of_first_line;
    std::size_t index = 0, count = 0, total = 0;
    std::string header;                                     // CSV column line (empty for JSON lines)
    std::vector<std::pair<std::size_t, std::string>> rows;  // point, line
  };
  std::vector<Piece> pieces;
  bool jsonl = false;
  for (const auto& file : options.shards) {
    std::string content;
    if (!read_file(file, content)) {
      std::cerr << "capsim: cannot read " << io::printable(file, 200)
                << "; expected a regular file written by capsim sweep\n";
      return kExitBadInput;
    }
    Piece piece;
    piece.file = file;
    std::istringstream lines(content);
    std::string first;
    std::getline(lines, first);
    if (first.rfind("# capsim sweep ", 0) == 0) {
      std::istringstream words(first.substr(15));
      std::string points_word, shard_word, fraction;
      words >> piece.hash >> points_word >> piece.total >> shard_word >> fraction;
      std::getline(lines, piece.header);
    } else if (first.rfind("{\"capsim_sweep\":", 0) == 0) {
      jsonl = true;
      const auto meta = nlohmann::json::parse(first, nullptr, false);
      if (meta.is_discarded()) {
        std::cerr << "capsim: " << io::printable(file, 200) << " is not a capsim sweep output\n";
        return kExitBadInput;
      }
      piece.hash = meta.value("capsim_sweep", "");
      piece.total = meta.value("points", std::size_t{0});
      std::string fraction = meta.value("shard", std::string());
      if (!fraction.empty()) first = "shard " + fraction;
    } else {
      std::cerr << "capsim: " << io::printable(file, 200)
                << " is not a capsim sweep output (its first line names the sweep)\n";
      return kExitBadInput;
    }
    const auto shard_at = first.find("shard ");
    if (shard_at != std::string::npos) {
      const std::string fraction = first.substr(shard_at + 6);
      const auto slash = fraction.find('/');
      piece.index = static_cast<std::size_t>(std::atoll(fraction.substr(0, slash).c_str()));
      piece.count = static_cast<std::size_t>(std::atoll(fraction.substr(slash + 1).c_str()));
    } else {
      piece.index = piece.count = 1;
    }
    for (std::string line; std::getline(lines, line);) {
      const auto point = point_of_line(line);
      if (!point) {
        std::cerr << "capsim: " << io::printable(file, 200) << ": a line without its point: \"" << io::printable(line)
                  << "\"\n";
        return kExitBadInput;
      }
      piece.rows.emplace_back(*point, line);
    }
    pieces.push_back(std::move(piece));
  }
  if (pieces.empty()) return kExitBadInput;
  const Piece& first = pieces.front();
  std::set<std::size_t> indexes;
  for (const auto& p : pieces) {
    if (p.hash != first.hash || p.count != first.count || p.total != first.total || p.header != first.header) {
      std::cerr << "capsim: " << io::printable(p.file, 200) << " is a shard of another sweep than "
                << io::printable(first.file, 200) << " (sweep " << p.hash << " vs " << first.hash
                << "); merge only shards of one sweep\n";
      return kExitBadInput;
    }
    if (!indexes.insert(p.index).second) {
      std::cerr << "capsim: shard " << p.index << "/" << p.count << " is given twice\n";
      return kExitBadInput;
    }
  }
  if (indexes.size() != first.count) {
    std::cerr << "capsim: " << indexes.size() << " of " << first.count << " shards given; a merge needs all of them\n";
    return kExitBadInput;
  }
  // Rows by point, each point's rows in their order.
  std::map<std::size_t, std::vector<const std::string*>> by_point;
  for (const auto& p : pieces)
    for (const auto& [point, line] : p.rows) by_point[point].push_back(&line);
  if (by_point.size() != first.total) {
    std::cerr << "capsim: the shards hold " << by_point.size() << " of the sweep's " << first.total
              << " points (an unfinished shard?)\n";
    return kExitBadInput;
  }
  std::ostringstream out;
  if (jsonl)
    out << nlohmann::ordered_json{{"capsim_sweep", first.hash}, {"points", first.total}}.dump() << '\n';
  else
    out << "# capsim sweep " << first.hash << " points " << first.total << '\n' << first.header << '\n';
  for (const auto& [point, lines] : by_point)
    for (const auto* line : lines) out << *line << '\n';
  return write_output(options.output, out.str()) ? kExitOk : kExitBadInput;
}

}  // namespace

VerbRunner add_sweep_verb(CLI::App& app) {
  auto options = std::make_shared<SweepOptions>();
  CLI::App* verb =
      app.add_subcommand("sweep", "Run a scenario over a grid of parameter points (tidy CSV or JSON lines)");
  verb->add_option("file", options->file, "Scenario YAML file (its sweep: section is used unless --grid/--zip)")
      ->required();
  verb->add_option("--grid", options->grids,
                   "key.path=v1,v2,... or key.path=a..b[:step]: one dimension of the grid (repeatable)");
  verb->add_option("--zip", options->zips, "key.path=values,key.path=values: keys varied together (repeatable)");
  add_common_options(verb, options->common, "Replications per point (overrides the file)");
  add_output_options(verb, options->common, {"csv", "jsonl"},
                     "Write to this file (through FILE.checkpoint) instead of stdout");
  verb->add_option("--per-replication", options->per_replication,
                   "Also write one row per (point, replication, KPI) to this CSV file");
  verb->add_option("--precision", options->precision,
                   "KPI_PATH=±x or ±x%: double a point's replications until the KPI's 95% half-width is within "
                   "(repeatable)");
  verb->add_option("--max-replications", options->max_replications, "The most replications --precision may use")
      ->check(CLI::Range(1, 10'000'000));
  verb->add_option("--checkpoint", options->checkpoint, "Append finished points here (default: OUTPUT.checkpoint)");
  verb->add_flag("--resume", options->resume, "Continue an interrupted sweep from its checkpoint");
  verb->add_option("--shard", options->shard, "i/N: run every N-th point from the i-th (1 <= i <= N)");
  verb->add_flag("--quiet", options->quiet, "No progress on stderr");
  return [options] { return sweep(*options); };
}

VerbRunner add_merge_verb(CLI::App& app) {
  auto options = std::make_shared<MergeOptions>();
  CLI::App* verb = app.add_subcommand("merge", "Join the shards of one sweep into its single-machine output");
  verb->add_option("shards", options->shards, "Shard outputs of capsim sweep --shard i/N")->required();
  verb->add_option("-o,--output", options->output, "Write to this file instead of stdout");
  return [options] { return merge(*options); };
}

}  // namespace capsim::cli
