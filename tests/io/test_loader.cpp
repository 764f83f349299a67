#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include "models/compiled_model.h"
#include "models/io/scenario_loader.h"

using namespace capsim;

namespace {

std::string source(const std::string& relative) { return std::string(CAPSIM_SOURCE_DIR) + "/" + relative; }

std::vector<std::string> messages(const io::LoadResult& result) {
  std::vector<std::string> lines;
  for (const auto& e : result.errors) lines.push_back(e.format());
  return lines;
}

}  // namespace

TEST_CASE("every shipped scenario loads and compiles") {
  for (const auto& entry : std::filesystem::recursive_directory_iterator(source("scenarios"))) {
    if (entry.path().extension() != ".yaml") continue;
    INFO(entry.path().string());
    const auto loaded = io::load_scenario_file(entry.path().string());
    for (const auto& line : messages(loaded)) FAIL_CHECK(line);
    REQUIRE(loaded.scenario.has_value());
    CHECK_NOTHROW(model::compile(*loaded.scenario));
  }
}

TEST_CASE("the DESIGN.md example reads with units resolved") {
  const auto loaded = io::load_scenario_file(source("scenarios/retail_support.yaml"));
  REQUIRE(loaded.scenario.has_value());
  const auto& s = *loaded.scenario;
  CHECK(s.name == "Retail support, weekday");
  CHECK(s.seed == 7);
  CHECK(s.replications == 50);
  CHECK(s.horizon.clock_window);
  CHECK(s.horizon.start_clock_seconds == 8 * 3600.0);
  CHECK(s.horizon.length_seconds == 12 * 3600.0);
  CHECK(s.horizon.interval_count() == 24);
  REQUIRE(s.customers.size() == 2);
  CHECK(s.customers[0].name == "voice");
  CHECK(s.customers[0].arrivals.per_interval.size() == 24);
  CHECK(s.customers[0].patience->mean() == 180.0);
  CHECK(s.customers[1].arrivals.rate_per_second == doctest::Approx(20.0 / 3600));
  CHECK(s.customers[1].priority == 1);
  CHECK(s.pools[0].cost_per_hour == 28.0);
  CHECK(s.stages[0].service.mean() == 300.0);
  CHECK(s.stages[0].service.cv() == doctest::Approx(0.8));
  CHECK(s.stages[0].discipline == model::QueueDiscipline::priority);
  CHECK(s.stages[0].next.size() == 2);
  REQUIRE(s.slas.size() == 1);
  CHECK(s.slas[0].threshold_seconds == 20.0);
  CHECK(s.slas[0].target == doctest::Approx(0.8));
}

TEST_CASE("--set overrides scalars, list items and adds keys") {
  const auto loaded = io::load_scenario_file(
      source("scenarios/retail_support.yaml"),
      {"pools.tier2.agents=6", "stages.agent.service.mean=6min", "customers.voice.arrivals.per_interval.3=100",
       "stages.back_office.queue.capacity=5", "seed=99"});
  for (const auto& line : messages(loaded)) FAIL_CHECK(line);
  REQUIRE(loaded.scenario.has_value());
  const auto& s = *loaded.scenario;
  CHECK(s.pools[1].staffing == std::vector<int>{6});
  CHECK(s.stages[0].service.mean() == 360.0);
  CHECK(s.customers[0].arrivals.per_interval[3] == 100.0);
  CHECK(s.stages[1].queue_capacity == 5);
  CHECK(s.seed == 99);
}

TEST_CASE("a bad --set value is reported against the --set, with the same message as in a file") {
  const auto loaded =
      io::load_scenario_file(source("scenarios/retail_support.yaml"),
                             {"pools.tier2.agents=many", "stages.agent.service.mean=5 minutes", "nokey"});
  CHECK_FALSE(loaded.scenario.has_value());
  const auto lines = messages(loaded);
  REQUIRE(lines.size() == 3);
  CHECK(lines[0] == "--set nokey: expected key.path=value, e.g. pools.tier1.agents=12");
  CHECK(lines[1] ==
        "--set pools.tier2.agents=many: pools.tier2.agents: expected a whole number of agents from 0 to 100000; got "
        "\"many\"");
  CHECK(lines[2] ==
        "--set stages.agent.service.mean=5 minutes: stages.agent.service.mean: expected a duration such as "
        "20s, 4.5min or 2h; got \"5 minutes\"");
}

TEST_CASE("--set with * for every entry, and *F multiplying what the file has, in its unit") {
  const auto base = io::load_scenario_file(source("scenarios/retail_support.yaml"));
  REQUIRE(base.scenario.has_value());
  const auto loaded = io::load_scenario_file(
      source("scenarios/retail_support.yaml"),
      {"stages.agent.service.mean=*1.2", "customers.*.arrivals=*110%", "stages.*.abandonment=true"});
  for (const auto& line : messages(loaded)) FAIL_CHECK(line);
  REQUIRE(loaded.scenario.has_value());
  const auto& before = *base.scenario;
  const auto& after = *loaded.scenario;
  CHECK(after.stages[0].service.mean() == doctest::Approx(1.2 * before.stages[0].service.mean()));
  CHECK(after.stages[1].service.mean() == before.stages[1].service.mean());
  for (std::size_t c = 0; c < after.customers.size(); ++c) {
    CHECK(after.customers[c].arrivals.rate_per_second ==
          doctest::Approx(1.1 * before.customers[c].arrivals.rate_per_second));
    REQUIRE(after.customers[c].arrivals.per_interval.size() == before.customers[c].arrivals.per_interval.size());
    for (std::size_t i = 0; i < after.customers[c].arrivals.per_interval.size(); ++i)
      CHECK(after.customers[c].arrivals.per_interval[i] ==
            doctest::Approx(1.1 * before.customers[c].arrivals.per_interval[i]));
  }
  for (const auto& stage : after.stages) CHECK(stage.abandonment);
  // Whole numbers stay whole numbers or are refused, as in a file; a bad factor, a missing key.
  const auto bad = io::load_scenario_file(
      source("scenarios/retail_support.yaml"),
      {"pools.tier2.agents=*1.1", "stages.agent.service.mean=*much", "stages.agent.wrap_up.mean=*2", "stagez.*.x=1"});
  const auto lines = messages(bad);
  REQUIRE(lines.size() == 4);
  // The --set problems in their order, then what reading the values finds.
  CHECK(lines[0] ==
        "--set stages.agent.service.mean=*much: stages.agent.service.mean: expected a factor after *, "
        "such as *1.2 or *110%; got \"*much\"");
  CHECK(lines[1] ==
        "--set stages.agent.wrap_up.mean=*2: stages.agent.wrap_up.mean: is not in the file; a relative "
        "value (*) multiplies what is");
  CHECK(lines[2] == "--set stagez.*.x=1: stagez: has no entries for * to stand for");
  CHECK(lines[3] ==
        "--set pools.tier2.agents=*1.1: pools.tier2.agents: expected a whole number of agents from 0 to "
        "100000; got \"4.4\"");
}

TEST_CASE("a missing file is an input error, not a crash") {
  const auto loaded = io::load_scenario_file("/nonexistent/capsim.yaml");
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].format() ==
        "/nonexistent/capsim.yaml: cannot read the file; expected a readable scenario YAML file");
}

TEST_CASE("empirical distributions read a list or a CSV file beside the scenario") {
  const auto dir = std::filesystem::temp_directory_path() / "capsim_loader_test";
  std::filesystem::create_directories(dir);
  {
    std::ofstream csv(dir / "aht.csv");
    csv << "seconds\n30\n45\n2min\n";
  }
  const std::string text = R"(
horizon: {length: 1h}
customers: {c: {arrivals: {rate: 10/h}, entry: s}}
pools: {p: {agents: 1}}
stages:
  s: {service: {dist: empirical, file: aht.csv}, pools: [p], next: {t: 1}}
  t: {service: {dist: empirical, values: [10s, 20s]}, pools: [p]}
)";
  const auto loaded = io::load_scenario_text(text, "inline.yaml", {}, dir.string());
  for (const auto& line : messages(loaded)) FAIL_CHECK(line);
  REQUIRE(loaded.scenario.has_value());
  CHECK(loaded.scenario->stages[0].service.mean() == doctest::Approx((30 + 45 + 120) / 3.0));
  CHECK(loaded.scenario->stages[1].service.mean() == 15.0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a --set must name a class, pool, stage or SLA that exists; it may add an optional key") {
  const auto loaded = io::load_scenario_file(source("scenarios/retail_support.yaml"),
                                             {"pools.teir2.agents=60", "stages.agnt.queue.capacity=3"});
  CHECK_FALSE(loaded.scenario.has_value());
  const auto lines = messages(loaded);
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "--set pools.teir2.agents=60: pools.teir2: no pool named \"teir2\"; did you mean \"tier2\"?");
  CHECK(lines[1] ==
        "--set stages.agnt.queue.capacity=3: stages.agnt: no stage named \"agnt\"; did you mean \"agent\"?");
  const auto added = io::load_scenario_file(source("scenarios/theory/mmc.yaml"),
                                            {"horizon.warmup=1h", "stages.agent.queue.capacity=4"});
  for (const auto& line : messages(added)) FAIL_CHECK(line);
  REQUIRE(added.scenario.has_value());
  CHECK(added.scenario->stages[0].queue_capacity == 4);
}

TEST_CASE("line endings CR, CRLF and LF read alike; a byte-order mark is ignored") {
  const std::string lf =
      "horizon: {length: 10h}\ncustomers:\n  c: {arrivals: {rate: 6/h}, entry: s}\npools:\n  p: {agents: 1}\n"
      "stages:\n  s: {service: {dist: exponential, mean: 3min}, pools: [p]}\n";
  std::string cr = lf, crlf;
  for (char& c : cr)
    if (c == '\n') c = '\r';
  for (const char c : lf) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
  for (const std::string& text : {lf, cr, crlf, "\xEF\xBB\xBF" + lf}) {
    const auto loaded = io::load_scenario_text(text, "endings.yaml");
    for (const auto& line : messages(loaded)) FAIL_CHECK(line);
    REQUIRE(loaded.scenario.has_value());
    CHECK(loaded.scenario->stages[0].service.mean() == 180.0);
  }
}

TEST_CASE("seeds are read exactly, up to 2^64 - 1") {
  const auto loaded = io::load_scenario_file(source("scenarios/theory/mmc.yaml"), {"seed=18446744073709551615"});
  REQUIRE(loaded.scenario.has_value());
  CHECK(loaded.scenario->seed == 18446744073709551615ULL);
  const auto odd = io::load_scenario_file(source("scenarios/theory/mmc.yaml"), {"seed=9007199254740993"});
  REQUIRE(odd.scenario.has_value());
  CHECK(odd.scenario->seed == 9007199254740993ULL);  // 2^53 + 1: a double would round it
}

TEST_CASE("a file larger than the limit is refused before it is parsed") {
  const std::string text = "name: x\n# " + std::string(2u << 20, 'a') + "\n";
  const auto loaded = io::load_scenario_text(text, "big.yaml");
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].format() ==
        "big.yaml: the file is larger than 2097152 bytes (2 MiB); expected a scenario of at most that size");
}

TEST_CASE("an overloaded steady state is a warning with the offered load, not an error") {
  const auto loaded = io::load_scenario_file(source("scenarios/theory/mmc.yaml"), {"pools.agents.agents=15"});
  REQUIRE(loaded.scenario.has_value());
  REQUIRE(loaded.warnings.size() == 1);
  CHECK(loaded.warnings[0].format().find(
            "stages.agent: warning: offered load 18 erlangs reaches the 15 agents of its pools") != std::string::npos);
  const auto fine = io::load_scenario_file(source("scenarios/theory/mmc.yaml"));
  CHECK(fine.warnings.empty());
}

TEST_CASE("a clock window warns of the intervals whose load reaches their agents, and of a backlog it cannot clear") {
  // 100/h x 3 min = 5 erlangs; 4 agents on the phone from 08:00, 8 before.
  const std::string phone = R"(
horizon: {start: "07:00", end: "09:00", interval: 30min}
customers:
  a: {arrivals: {rate: 100/h}, patience: {dist: exponential, mean: 2min}, entry: phone}
pools:
  desk: {staffing: [8, 8, 4, 4]}
stages:
  phone: {service: {dist: exponential, mean: 3min}, pools: [desk]}
)";
  const auto loaded = io::load_scenario_text(phone, "phone.yaml");
  REQUIRE(loaded.scenario.has_value());
  REQUIRE(loaded.warnings.size() == 1);
  CHECK(loaded.warnings[0].format() ==
        "phone.yaml:8:10: stages.phone: warning: offered load reaches the agents scheduled for it in 2 of 4 "
        "intervals (08:00 5 erlangs on 4 agents; 08:30 5 erlangs on 4 agents): its line grows through them, and "
        "customers wait long or abandon");
  const auto enough = io::load_scenario_text(phone, "phone.yaml", {"pools.desk.staffing=[8, 8, 6, 6]"});
  CHECK(enough.warnings.empty());
  // Shifts count their hours inside each interval; absenteeism scales what they can give.
  std::string rostered_text = phone;
  rostered_text.replace(rostered_text.find("{staffing: [8, 8, 4, 4]}"), 24,
                        "{shifts: [{start: \"07:00\", end: \"08:15\", agents: 12}], absenteeism: 50%}");
  const auto rostered = io::load_scenario_text(rostered_text, "phone.yaml");
  REQUIRE(rostered.warnings.size() == 1);
  CHECK(rostered.warnings[0].message ==
        "warning: offered load reaches the agents scheduled for it in 2 of 4 intervals (08:00 5 erlangs on 6 agents; "
        "08:30 5 erlangs on 0 agents), counted after absenteeism, shrinkage and handling factors: its line grows "
        "through them, and customers wait long or abandon");
  // Work that waits (no patience, no wait SLA) may carry from its peak: only a window that
  // cannot clear it warns.
  std::string backlog_text = phone;
  backlog_text.replace(backlog_text.find(" patience: {dist: exponential, mean: 2min},"), 43, "");
  const auto backlog = io::load_scenario_text(backlog_text, "phone.yaml");
  CHECK(backlog.warnings.empty());
  const auto short_window = io::load_scenario_text(backlog_text, "phone.yaml", {"pools.desk.staffing=[4, 4, 4, 4]"});
  REQUIRE(short_window.warnings.size() == 1);
  CHECK(short_window.warnings[0].message ==
        "warning: offered load over the window (10 erlang-hours) reaches the agents scheduled for it (8 "
        "agent-hours): the backlog grows over the window and is still there when it ends");
}

TEST_CASE("text that is not UTF-8 is refused in a --set and escaped in messages") {
  const auto loaded = io::load_scenario_file(source("scenarios/theory/mmc.yaml"), {"name=caf\xE9"});
  CHECK_FALSE(loaded.scenario.has_value());
  REQUIRE(loaded.errors.size() == 1);
  CHECK(loaded.errors[0].format() == "--set name=caf\\xE9: not valid UTF-8; expected key.path=value in UTF-8");
}
