// Baseline regression (`capsim check --baseline`): every KPI of a stored `capsim run
// --format json` result that has a better direction is compared with this run, and fails
// when it moved significantly in its bad direction beyond its tolerance. Paired replication
// by replication when the baseline holds per-replication values of the same seed (common
// random numbers), else Welch's interval from the stored summaries; the confidence is
// Bonferroni-corrected over the KPIs compared (and the looks, see experiment/verdict.h), so
// the chance that any unchanged KPI fails is at most 2.5%.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "experiment/verdict.h"
#include "models/assertions.h"
#include "models/experiment_result.h"
#include "sim/summary.h"

namespace capsim::experiment {

struct StoredKpi {
  sim::Summary summary;        // mean, sd, n
  std::vector<double> values;  // per replication, when stored
};

struct Baseline {
  std::map<std::string, StoredKpi> kpis;  // by path: kpis.K, classes.C.kpis.K, slas.S.attained, ...
  std::optional<std::uint64_t> seed;
  std::size_t replications = 0;
  std::string scenario_name, scenario_file, scenario_hash;  // as its manifest has them ("" when not)
};

// A regular JSON file of at most 1 GiB; nullopt with `problem` (never an exception, also
// when memory runs short) when it cannot be read or is not a capsim result of at least 2
// replications.
std::optional<Baseline> read_baseline(const std::string& path, std::string& problem);

// What a check says of where a baseline came from, given this run's scenario name and file
// hash: another scenario (its name differs, so KPIs compared by path may mean different
// things) is a warning; another version of this scenario (the file's hash differs: the
// usual regression after a change) a note; "" when the same.
std::string baseline_origin(const Baseline& baseline, const std::string& scenario_name,
                            const std::string& scenario_hash);

struct BaselineKpi {
  std::string path;
  std::size_t slot = 0;  // in this run's layout
  StoredKpi stored;
  double tolerance = 0;  // in the KPI's unit
};

struct BaselinePlan {
  std::vector<BaselineKpi> kpis;
  bool paired = false;
};

// --tolerance KPI_PATH=VALUE texts, by layout slot (so slas.NAME and slas.NAME.attained
// agree), VALUE in the KPI's unit and range; one problem per text that is not.
std::map<std::size_t, double> parse_tolerances(const std::vector<std::string>& texts, const model::KpiIndex& index,
                                               std::vector<std::string>& problems);

// The stored KPIs this run can compare (those with a better direction), with tolerances
// given by layout slot. Tolerances on a KPI that is not compared, and a baseline that shares
// no comparable KPI, are problems.
BaselinePlan plan_baseline(const Baseline& baseline, const model::KpiIndex& index, std::uint64_t seed,
                           const std::map<std::size_t, double>& tolerances, std::vector<std::string>& problems);

struct BaselineJudgement {
  Verdict verdict = Verdict::pass;
  sim::Difference difference;
};
BaselineJudgement judge_baseline(const model::ExperimentResult& result, const BaselineKpi& kpi, bool paired,
                                 double confidence);

}  // namespace capsim::experiment
