// The two copies of the hot handlers (models/service_system.h, Features): which features
// each reference scenario uses, and that a model using none of them gives bit-identical
// results whichever copy runs it: the lean copy is the general one with dead checks
// removed and its agents kept as counts (interchangeable), and nothing else.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "models/kpi_layout.h"
#include "models/service_system.h"
#include "run_helpers.h"

using namespace capsim;
using model::Features;
using model::HandlerCopy;

namespace {

// Theory scenarios shortened to a few thousand customers; clock windows as they are.
model::CompiledModel load(const std::string& relative) {
  const bool window = relative.find("theory/") == std::string::npos;
  const std::vector<std::string> shorter{"horizon.length=60h", "horizon.warmup=1h"};
  return model::compile(test::load_scenario(relative, window ? std::vector<std::string>{} : shorter));
}

void check_copies_agree(const model::CompiledModel& compiled, const std::string& what) {
  const model::KpiLayout layout(compiled);
  for (std::uint64_t replication = 0; replication < 2; ++replication) {
    CAPTURE(what);
    CAPTURE(replication);
    model::ServiceSystem leanest(compiled, layout, replication, HandlerCopy::leanest);
    CHECK(leanest.lean() == (model::features_of(compiled) == model::kNoFeature));
    const model::ReplicationResult a = leanest.run();
    const model::ReplicationResult b =
        model::run_replication(compiled, layout, replication, HandlerCopy::every_feature);
    test::check_bit_identical(a, b);
    CHECK(a.starts_beyond_staffing == 0);
    CHECK(b.starts_beyond_staffing == 0);
    CHECK(a.busy_beyond_available == 0);
    CHECK(a.served_total > 0);
  }
}

Features only(bool Features::*feature) {
  Features features = model::kNoFeature;
  features.*feature = true;
  return features;
}

// A model with none of the features but much else: two classes, priorities, patience, a
// two-stage line, staffing that rises through a clock window, SLAs and a drain. (The theory
// scenarios above cover the warm-up.)
const char* const kLeanLine = R"(
name: lean line
horizon: {start: "08:00", end: "12:00", interval: 30min}
replications: 1
seed: 5
customers:
  urgent:
    arrivals: {per_interval: [20, 30, 40, 45, 40, 30, 25, 20]}
    patience: {dist: exponential, mean: 3min}
    priority: 1
    entry: front
  routine:
    arrivals: {rate: 50/h}
    patience: {dist: lognormal, mean: 6min, cv: 1.0}
    entry: front
pools:
  desk: {staffing: [3, 3, 4, 4, 5, 5, 5, 6]}
  back: {agents: 3}
stages:
  front:
    service: {dist: lognormal, mean: 3min, cv: 0.8}
    pools: [desk]
    queue: {discipline: priority}
    next: {back: 1.0}
  back:
    service: {dist: gamma, mean: 2min, cv: 0.5}
    pools: [back]
    abandonment: false
sla:
  answer_20s: {stage: front, wait_within: 20s, target: 80%}
  done_15min: {sojourn_within: 15min, target: 90%}
)";

}  // namespace

TEST_CASE("features_of names the features each reference scenario uses") {
  for (const char* lean : {"scenarios/theory/mm1.yaml", "scenarios/theory/mmc.yaml",
                           "scenarios/theory/mmc_patience.yaml", "scenarios/theory/mg1_gamma.yaml",
                           "scenarios/theory/mg1_lognormal.yaml", "scenarios/theory/priority_mm1.yaml"}) {
    CAPTURE(lean);
    CHECK(model::features_of(load(lean)) == model::kNoFeature);
  }
  CHECK(model::features_of(load("scenarios/theory/mm1_wrapup.yaml")) == only(&Features::wrap_up));
  CHECK(model::features_of(load("scenarios/theory/mmck.yaml")) == only(&Features::capacity));
  CHECK(model::features_of(load("scenarios/theory/mmc_concurrency.yaml")) == only(&Features::concurrency));
  CHECK(model::features_of(load("scenarios/theory/jackson_rework.yaml")) == only(&Features::routing));
  Features day = model::kEveryFeature;  // every feature but the customer behaviours it leaves out
  day.trunks = day.balking = day.self_service = day.traces = day.redials = day.overflow = day.callbacks = false;
  CHECK(model::features_of(load("scenarios/contact_center_day.yaml")) == day);
  CHECK(model::features_of(test::compile_text(kLeanLine)) == model::kNoFeature);

  SUBCASE("each feature is seen where it starts") {
    CHECK(model::features_of(test::compile_text(kLeanLine, {"pools.desk.staffing.7=2"})) ==
          only(&Features::leaving_agents));  // a drop: agents leave as their hands free
    CHECK(model::features_of(test::compile_text(kLeanLine, {"pools.back.shrinkage=10%"})) ==
          only(&Features::leaving_agents));
    CHECK(model::features_of(test::compile_text(kLeanLine, {"stages.back.concurrency=2"})) ==
          only(&Features::concurrency));
    CHECK(model::features_of(test::compile_text(kLeanLine, {"stages.front.queue.capacity=10"})) ==
          only(&Features::capacity));
    CHECK(model::features_of(test::compile_text(kLeanLine, {"trunks={lines: 30}"})) == only(&Features::trunks));
    CHECK(model::features_of(test::compile_text(kLeanLine, {"busyness_cv=10%"})) == model::kNoFeature);
    CHECK(model::features_of(
              test::compile_text(kLeanLine, {"stages.front.balking={queue_length: [3], probability: [50%]}"})) ==
          only(&Features::balking));
  }
}

TEST_CASE("the lean copy of the handlers gives bit-identical results to the copy for every feature") {
  for (const char* path :
       {"scenarios/theory/mm1.yaml", "scenarios/theory/mmc.yaml", "scenarios/theory/mmc_patience.yaml",
        "scenarios/theory/mg1_gamma.yaml", "scenarios/theory/mg1_lognormal.yaml", "scenarios/theory/priority_mm1.yaml",
        "scenarios/theory/mm1_wrapup.yaml", "scenarios/theory/jackson_rework.yaml",
        "scenarios/contact_center_day.yaml"})
    check_copies_agree(load(path), path);
  check_copies_agree(test::compile_text(kLeanLine), "lean line");
  check_copies_agree(test::compile_text(kLeanLine, {"stages.front.queue.discipline=fifo"}), "lean line, FIFO");
}
