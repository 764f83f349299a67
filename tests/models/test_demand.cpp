// Customers and demand: day-level volume uncertainty (busyness), trunk lines, balking,
// self-service stages, SLA options, failure costs, trace replay, backlog, redials, lanes,
// overflow and callbacks, each against its closed form or its deterministic rule.
#include <doctest/doctest.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "models/kpi_layout.h"
#include "models/queueing_theory.h"
#include "models/service_system.h"
#include "run_helpers.h"

using namespace capsim;
using model::ScopeKind;

namespace {

// A KPI's value in each of `replications` replications.
std::vector<double> per_replication(const model::CompiledModel& model, ScopeKind scope, const std::string& name,
                                    const std::string& kpi, std::size_t replications) {
  const model::KpiLayout layout(model);
  const std::size_t slot = layout.find(scope, name, kpi);
  REQUIRE(slot < layout.size());
  std::vector<double> values;
  for (std::size_t r = 0; r < replications; ++r)
    values.push_back(model::run_replication(model, layout, r).values[slot]);
  return values;
}

double mean_of(const std::vector<double>& x) {
  double sum = 0;
  for (const double v : x) sum += v;
  return sum / static_cast<double>(x.size());
}

// The sample covariance of x and y and its standard error (from the sample variance of the
// products of deviations): a moment's estimate is a mean, so its CI is the usual one.
struct Estimate {
  double value = 0, se = 0;
};
Estimate covariance(const std::vector<double>& x, const std::vector<double>& y) {
  const double mx = mean_of(x), my = mean_of(y);
  const auto n = static_cast<double>(x.size());
  std::vector<double> products;
  for (std::size_t i = 0; i < x.size(); ++i) products.push_back((x[i] - mx) * (y[i] - my));
  const double mean = mean_of(products);
  double spread = 0;
  for (const double p : products) spread += (p - mean) * (p - mean);
  return {mean * n / (n - 1), std::sqrt(spread / (n - 1) / n)};
}

// Within z standard errors: z = 4 is a two-sided error of 6e-5 per check.
void check_within(const Estimate& e, double theory, const std::string& what, double z = 4.0) {
  INFO(what << ": estimated " << e.value << " +- " << z * e.se << ", theory " << theory);
  CHECK(std::abs(e.value - theory) <= z * e.se);
}

const std::string kTwoClasses = R"(
horizon: {length: 10h, interval: 10h}
seed: 5
customers:
  a: {arrivals: {rate: 100/h}, entry: desk}
  b: {arrivals: {rate: 100/h}, entry: desk}
pools: {p: {agents: 60}}
stages: {desk: {service: {dist: exponential, mean: 1min}, pools: [p]}}
)";

}  // namespace

TEST_CASE("busyness: offered is Poisson-gamma, variance m + (cv m)^2, the shared factor correlates the classes") {
  constexpr std::size_t kReplications = 600;
  const double m = 1000.0;  // 100/h over 10 h
  SUBCASE("one class's own factor") {
    const auto model = test::compile_text(kTwoClasses, {"customers.a.arrivals.busyness_cv=10%"});
    const auto a = per_replication(model, ScopeKind::customer_class, "a", "offered", kReplications);
    const auto b = per_replication(model, ScopeKind::customer_class, "b", "offered", kReplications);
    check_within(covariance(a, a), m + 0.01 * m * m, "var(offered a)");
    check_within(covariance(b, b), m, "var(offered b): Poisson");
    check_within(covariance(a, b), 0.0, "cov(a, b): independent factors");
    check_within({mean_of(a), std::sqrt(m + 0.01 * m * m) / std::sqrt(double{kReplications})}, m, "mean(a)");
  }
  SUBCASE("a shared factor and a class's own combine") {
    const auto model = test::compile_text(kTwoClasses, {"customers.a.arrivals.busyness_cv=10%", "busyness_cv=20%"});
    const auto a = per_replication(model, ScopeKind::customer_class, "a", "offered", kReplications);
    const auto b = per_replication(model, ScopeKind::customer_class, "b", "offered", kReplications);
    check_within(covariance(a, a), m + ((1 + 0.04) * (1 + 0.01) - 1) * m * m, "var(offered a)");
    check_within(covariance(b, b), m + 0.04 * m * m, "var(offered b)");
    check_within(covariance(a, b), 0.04 * m * m, "cov(a, b) = var(shared factor) m^2");
  }
  SUBCASE("common random numbers: a class's factor is its own") {
    // Another class's busyness leaves this class's arrivals as they were, replication by
    // replication.
    const auto plain = test::compile_text(kTwoClasses);
    const auto busier = test::compile_text(kTwoClasses, {"customers.a.arrivals.busyness_cv=30%"});
    CHECK(per_replication(plain, ScopeKind::customer_class, "b", "offered", 20) ==
          per_replication(busier, ScopeKind::customer_class, "b", "offered", 20));
    CHECK(per_replication(plain, ScopeKind::customer_class, "a", "offered", 20) !=
          per_replication(busier, ScopeKind::customer_class, "a", "offered", 20));
  }
}

namespace {

// M/M/5 with offered load 5 erlangs, its calls on `lines` trunk lines and an unlimited queue.
std::string trunk_model(const std::string& extra) {
  return R"(
horizon: {length: 300h, warmup: 5h}
replications: 10
seed: 14
customers:
  caller: {arrivals: {rate: 60/h}, entry: agent)" +
         extra + R"(}
  walkin: {arrivals: {rate: 1/h}, entry: agent}
trunks: {lines: 8, customers: [caller]}
pools: {agents: {agents: 5}}
stages: {agent: {service: {dist: exponential, mean: 5min}, pools: [agents]}}
)";
}

test::Run run_text(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  const auto model = test::compile_text(yaml, overrides);
  auto result = experiment::run_experiment(model, 2);
  return test::Run{model, std::move(result)};
}

}  // namespace

TEST_CASE("trunk lines: Erlang B with as many lines as agents; M/M/c/K and M/M/c/K+M with K lines") {
  SUBCASE("lines = agents: nobody waits, blocking is Erlang B") {
    const auto run = run_text(trunk_model(""), {"trunks.lines=5", "customers.walkin.arrivals.rate=0/h"});
    test::check_theory(run.kpi(ScopeKind::customer_class, "caller", "block_rate"), model::erlang_b(5, 5.0), "Erlang B");
    CHECK(run.overall("p_wait").max == 0.0);
    CHECK(run.kpi(ScopeKind::stage, "agent", "blocked").max == 0.0);  // a busy signal is no stage's block
  }
  SUBCASE("8 lines, 5 agents: M/M/5/8 (3 callers may wait)") {
    const auto run = run_text(trunk_model(""), {"customers.walkin.arrivals.rate=0/h"});
    const auto theory = model::mmck_abandonment(5, 1.0 / 60, 1.0 / 300, 0.0, 3, 0);
    test::check_theory(run.overall("block_rate"), theory.p_block, "P(block)");
    test::check_theory(run.overall("wait_mean"), theory.asa, "ASA");
    test::check_theory(run.overall("queue_len_mean"), theory.mean_queue, "Lq");
  }
  SUBCASE("8 lines with patience: M/M/5/8+M (a caller who abandons frees the line)") {
    const auto run =
        run_text(trunk_model(", patience: {dist: exponential, mean: 2min}"), {"customers.walkin.arrivals.rate=0/h"});
    const auto theory = model::mmck_abandonment(5, 1.0 / 60, 1.0 / 300, 1.0 / 120, 3, 0);
    test::check_theory(run.overall("block_rate"), theory.p_block, "P(block)");
    test::check_theory(run.overall("abandon_rate"), theory.p_abandon, "P(abandon)");
  }
  SUBCASE("only the listed classes hold lines") {
    const auto run = run_text(trunk_model(""), {"trunks.lines=5", "customers.walkin.arrivals.rate=30/h"});
    CHECK(run.kpi(ScopeKind::customer_class, "walkin", "blocked").max == 0.0);
    CHECK(run.kpi(ScopeKind::customer_class, "caller", "blocked").min > 0.0);
    CHECK(run.kpi(ScopeKind::customer_class, "walkin", "p_wait").mean > 0.0);  // callers fill the agents
  }
}

TEST_CASE("balking: M/M/3 with a balking table against its birth-death chain") {
  // n in the system; an arrival finding q = n - 3 >= 0 waiting balks with b(q), the
  // probability of the largest threshold q reaches (PASTA: arrivals see the time average).
  const int c = 3;
  const double lambda = 3.5 / 60, mu = 1.0 / 60;
  const std::vector<int> at{1, 3, 5};
  const std::vector<double> p{0.2, 0.5, 1.0};
  const auto balk = [&](int n) {
    double b = 0;
    for (std::size_t i = 0; i < at.size(); ++i)
      if (n - c >= at[i]) b = p[i];
    return n < c ? 0.0 : b;
  };
  std::vector<double> pi{1.0};
  for (int n = 0; lambda * (1 - balk(n)) > 0; ++n)
    pi.push_back(pi.back() * lambda * (1 - balk(n)) / (std::min(n + 1, c) * mu));
  double total = 0;
  for (const double x : pi) total += x;
  double p_balk = 0, queue = 0;
  for (std::size_t n = 0; n < pi.size(); ++n) {
    pi[n] /= total;
    p_balk += pi[n] * balk(static_cast<int>(n));
    queue += pi[n] * std::max(0, static_cast<int>(n) - c);
  }
  const auto run = run_text(R"(
horizon: {length: 400h, warmup: 5h}
replications: 10
seed: 21
customers: {caller: {arrivals: {rate: 3.5/min}, entry: desk}}
pools: {agents: {agents: 3}}
stages:
  desk:
    service: {dist: exponential, mean: 1min}
    pools: [agents]
    balking: {queue_length: [1, 3, 5], probability: [20%, 50%, 100%]}
)");
  test::check_theory(run.overall("balk_rate"), p_balk, "P(balk)");
  test::check_theory(run.overall("queue_len_mean"), queue, "Lq");
  test::check_theory(run.overall("wait_mean"), queue / (lambda * (1 - p_balk)), "ASA (Little)");
  CHECK(run.overall("blocked").max == 0.0);
  CHECK(run.overall("abandoned").max == 0.0);
  CHECK(run.kpi(ScopeKind::stage, "desk", "balked").mean == doctest::Approx(run.overall("balked").mean));
  // Every customer leaves one way: offered = served + abandoned + blocked + balked + unfinished.
  CHECK(run.overall("unfinished").max <= 10.0);
}

TEST_CASE("self-service: an IVR (M/G/infinity) in front of M/M/16 passes Poisson arrivals on: Erlang C at the desk") {
  // Arrivals 20/min; the IVR delays each by a lognormal 90 s (no agents, no line); 70% then
  // go to the desk (Poisson at 14/min, as the output of M/G/inf fed by Poisson is), 30% leave.
  const auto run = run_text(R"(
horizon: {length: 60h, warmup: 2h}
replications: 10
seed: 33
customers: {caller: {arrivals: {rate: 20/min}, entry: ivr}}
pools: {agents: {agents: 16}}
stages:
  ivr: {self_service: true, service: {dist: lognormal, mean: 90s, cv: 0.6}, next: {desk: 0.7, exit: 0.3}}
  desk: {service: {dist: exponential, mean: 1min}, pools: [agents]}
sla:
  answer_20s: {stage: desk, wait_within: 20s, target: 80%}
)");
  const double lambda = 14.0 / 60, mu = 1.0 / 60;
  const auto theory = model::erlang_c_metrics(16, lambda, mu, 20);
  test::check_theory(run.overall("wait_mean"), theory.asa, "ASA at the desk (the first stage with agents)");
  test::check_theory(run.overall("p_wait"), 0.7 * theory.p_wait, "P(wait) of every customer admitted");
  test::check_theory(run.kpi(ScopeKind::sla, "answer_20s", "attained"), theory.service_level, "service level 20s");
  test::check_theory(run.kpi(ScopeKind::pool, "agents", "utilization"), theory.occupancy, "occupancy");
  test::check_theory(run.kpi(ScopeKind::stage, "ivr", "aht_mean"), 90.0, "the IVR's delay");
  test::check_theory(run.kpi(ScopeKind::stage, "ivr", "in_stage_mean"), 20.0 * 1.5, "in the IVR: lambda E[S]");
  test::check_theory(run.overall("sojourn_mean"), 90.0 + 0.7 * (theory.asa + 60.0), "sojourn: IVR, then 70% the desk");
  CHECK(run.kpi(ScopeKind::stage, "ivr", "queue_len_mean").max == 0.0);
  CHECK(run.kpi(ScopeKind::stage, "ivr", "offered").mean == doctest::Approx(run.overall("offered").mean));
  // answered counts the desk's answers only: about 70% of those offered.
  const double answered_share = run.overall("answered").mean / run.overall("offered").mean;
  CHECK(answered_share == doctest::Approx(0.7).epsilon(0.01));
}

namespace {

// One agent, service 10 min; replayed arrivals with a deterministic patience of 3 s.
const std::string kSlaOptions = R"(
horizon: {length: 30min, interval: 10min}
replications: 2
customers:
  c: {arrivals: {times: [0s, 1s, 2s, 9min]}, patience: {dist: deterministic, value: 3s}, entry: desk}
pools: {p: {agents: 1}}
stages: {desk: {service: {dist: deterministic, value: 10min}, pools: [p], abandonment: true}}
sla:
  s: {wait_within: 20s, target: 80%}
)";

double value(const test::Run& run, ScopeKind scope, const std::string& name, const std::string& kpi) {
  return run.kpi(scope, name, kpi).mean;
}

}  // namespace

TEST_CASE("SLA options: short abandons and blocks left out, per-interval results by the answer's interval") {
  // Customer 0 is answered at once (a hit); 1 and 2 abandon after 3 s; 3 arrives at 9 min
  // and abandons at 9 min 3 s. Each replication is the same (nothing random is drawn).
  SUBCASE("every abandon is a miss by default") {
    const auto run = run_text(kSlaOptions);
    CHECK(value(run, ScopeKind::sla, "s", "attained") == doctest::Approx(1.0 / 4));
  }
  SUBCASE("exclude_abandoned_within: abandons within it drop out of the denominator") {
    CHECK(value(run_text(kSlaOptions, {"sla.s.exclude_abandoned_within=3s"}), ScopeKind::sla, "s", "attained") ==
          doctest::Approx(1.0));
    CHECK(value(run_text(kSlaOptions, {"sla.s.exclude_abandoned_within=2s"}), ScopeKind::sla, "s", "attained") ==
          doctest::Approx(1.0 / 4));
  }
  SUBCASE("count_blocked: false leaves blocked customers out (true: misses)") {
    // No waiting places: 1, 2 and 3 are blocked.
    const std::vector<std::string> full{"stages.desk.queue.capacity=0"};
    CHECK(value(run_text(kSlaOptions, full), ScopeKind::sla, "s", "attained") == doctest::Approx(1.0 / 4));
    auto leave_out = full;
    leave_out.push_back("sla.s.count_blocked=false");
    const auto run = run_text(kSlaOptions, leave_out);
    CHECK(value(run, ScopeKind::sla, "s", "attained") == doctest::Approx(1.0));
    CHECK(value(run, ScopeKind::overall, "overall", "blocked") == 3.0);
  }
  SUBCASE("by: answer moves a verdict to the interval it falls in") {
    // With a patience of 25 min nobody abandons in time: 1 is answered at 10 min (interval
    // 1), 2 at 20 min (interval 2), and 3 is still waiting at 30 min (a miss by then).
    const std::vector<std::string> patient{"customers.c.patience.value=25min"};
    const auto by_arrival = run_text(kSlaOptions, patient);
    auto answer = patient;
    answer.push_back("sla.s.by=answer");
    const auto by_answer = run_text(kSlaOptions, answer);
    const std::string first = model::interval_label(by_arrival.model, 0),
                      second = model::interval_label(by_arrival.model, 1);
    // By arrival: all four arrived in interval 0: one hit, three misses.
    CHECK(value(by_arrival, ScopeKind::interval, first, "service_level.s") == doctest::Approx(1.0 / 4));
    CHECK(std::isnan(value(by_arrival, ScopeKind::interval, second, "service_level.s")));
    // By answer: 0's hit in interval 0, 1's miss in interval 1.
    CHECK(value(by_answer, ScopeKind::interval, first, "service_level.s") == doctest::Approx(1.0));
    CHECK(value(by_answer, ScopeKind::interval, second, "service_level.s") == doctest::Approx(0.0));
    // The day's attainment is the same either way.
    CHECK(value(by_answer, ScopeKind::sla, "s", "attained") == value(by_arrival, ScopeKind::sla, "s", "attained"));
  }
}

TEST_CASE("failure cost: per abandonment, block and SLA missed, by class and overall") {
  const std::vector<std::string> priced{"customers.c.cost={abandoned: 4, blocked: 2, balked: 7, sla_breach: 1.5}"};
  // Three abandon (4 each) and miss the SLA (1.5 each).
  CHECK(value(run_text(kSlaOptions, priced), ScopeKind::overall, "overall", "failure_cost") == doctest::Approx(16.5));
  // Without waiting places the same three are blocked (2 each) and miss it.
  auto full = priced;
  full.push_back("stages.desk.queue.capacity=0");
  const auto run = run_text(kSlaOptions, full);
  CHECK(value(run, ScopeKind::customer_class, "c", "failure_cost") == doctest::Approx(10.5));
  // Blocks left out of the SLA cost no breach.
  full.push_back("sla.s.count_blocked=false");
  CHECK(value(run_text(kSlaOptions, full), ScopeKind::overall, "overall", "failure_cost") == doctest::Approx(6.0));
  // Nothing priced costs nothing.
  CHECK(value(run_text(kSlaOptions), ScopeKind::overall, "overall", "failure_cost") == 0.0);
}

namespace {

// A folder of its own for a test's scenario and trace files, removed at the end.
struct TempFolder {
  std::filesystem::path path;
  TempFolder() {
    path = std::filesystem::temp_directory_path() / ("capsim-trace-" + std::to_string(::getpid()) + "-" +
                                                     std::to_string(reinterpret_cast<std::uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempFolder() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

const std::string kTraceScenario = R"(
horizon: {start: "08:00", end: "09:00", interval: 30min}
replications: 3
customers:
  call: {arrivals: {trace: calls.csv}, patience: {dist: exponential, mean: 10min}, entry: desk}
pools: {p: {agents: 1}}
stages: {desk: {service: {dist: deterministic, value: 45s}, pools: [p]}}
)";

}  // namespace

TEST_CASE("trace replay: recorded times, handling and patience, exactly; bad rows located by file and line") {
  TempFolder folder;
  // 0 is served 0-100 s (recorded); 1 gives up after its recorded 30 s; 2 (patience 200 s)
  // is answered at 100 s and served its drawn 45 s; the other class's row is not this one's.
  folder.write("calls.csv",
               "time,class,handling,patience\n08:00:00,call,100,\n08:00:10,call,50,30\n08:00:20,call,,200\n"
               "08:00:30,mail,60,\n");
  const auto path = folder.write("day.yaml", kTraceScenario);
  SUBCASE("a class's own trace") {
    const auto loaded = io::load_scenario_file(path);
    for (const auto& e : loaded.errors) FAIL_CHECK(e.format());
    REQUIRE(loaded.scenario);
    const auto model = model::compile(*loaded.scenario);
    const auto run = test::Run{model, experiment::run_experiment(model, 1)};
    CHECK(run.overall("offered").min == 3.0);
    CHECK(run.overall("abandoned").min == 1.0);
    CHECK(run.overall("abandoned").max == 1.0);
    CHECK(run.overall("wait_mean").mean == doctest::Approx(40.0));  // (0 + 80) / 2
    CHECK(run.overall("wait_mean").sd == 0.0);                      // nothing random is left
    CHECK(run.kpi(ScopeKind::stage, "desk", "aht_mean").mean == doctest::Approx(72.5));
    CHECK(run.overall("sojourn_mean").mean == doctest::Approx(112.5));
  }
  SUBCASE("a trace shared by the classes, each row to its class") {
    std::string shared = kTraceScenario;
    shared.replace(shared.find("  call: {arrivals: {trace: calls.csv}, "),
                   std::string("  call: {arrivals: {trace: calls.csv}, ").size(), "  mail: {entry: desk}\n  call: {");
    shared = "trace: calls.csv\n" + shared;
    const auto loaded = io::load_scenario_file(folder.write("shared.yaml", shared));
    for (const auto& e : loaded.errors) FAIL_CHECK(e.format());
    REQUIRE(loaded.scenario);
    const auto model = model::compile(*loaded.scenario);
    const auto run = test::Run{model, experiment::run_experiment(model, 1)};
    CHECK(run.kpi(ScopeKind::customer_class, "call", "offered").mean == 3.0);
    CHECK(run.kpi(ScopeKind::customer_class, "mail", "offered").mean == 1.0);
  }
  SUBCASE("a backlog beside the trace draws its own handling times (it is no row of the trace)") {
    std::string with_backlog = kTraceScenario;
    with_backlog.replace(with_backlog.find("entry: desk}"), std::string("entry: desk}").size(),
                         "entry: desk, backlog: {count: 2, waited: {dist: deterministic, value: 30s}}}");
    const auto loaded = io::load_scenario_file(folder.write("backlog.yaml", with_backlog));
    for (const auto& e : loaded.errors) FAIL_CHECK(e.format());
    REQUIRE(loaded.scenario);
    const auto model = model::compile(*loaded.scenario);
    const auto run = test::Run{model, experiment::run_experiment(model, 1)};
    CHECK(run.overall("offered").min == 5.0);
    // Served: the two of the backlog (45 s each, drawn), then 0 (100 s recorded) and 2 (45 s).
    CHECK(run.kpi(ScopeKind::stage, "desk", "aht_mean").mean == doctest::Approx((45.0 * 3 + 100.0) / 4));
  }
  SUBCASE("bad rows") {
    folder.write("calls.csv",
                 "time,class,handling,patience\n08:00:10,call,100,\n08:00:05,call,50,30\n"
                 "08:00:20,cal,,\n08:00:30,call,-4,\n08:00:40,call\n");
    const auto loaded = io::load_scenario_file(path);
    CHECK_FALSE(loaded.scenario);
    std::vector<std::string> got;
    for (const auto& e : loaded.errors) got.push_back(e.format());
    const std::string at = "calls.csv:";
    REQUIRE(got.size() == 3);  // the other class's row is skipped, whatever it holds
    CHECK(got[0] == at + "3:1: customers.call.arrivals.trace: time \"08:00:05\" is before the previous row's of class "
                         "\"call\"; expected rows in time order");
    CHECK(got[1].rfind(at + "5:15: customers.call.arrivals.trace: handling \"-4\": expected", 0) == 0);
    CHECK(got[2] == at + "6:1: customers.call.arrivals.trace: has 2 fields; the header has 4");
    folder.write("calls.csv", "tiem,class\n08:00:10,call\n");
    const auto header = io::load_scenario_file(path);
    REQUIRE(header.errors.size() == 1);
    CHECK(
        header.errors[0].format() ==
        "calls.csv:1:1: customers.call.arrivals.trace: column \"tiem\" is not a trace column; did you mean \"time\"?");
  }
}

TEST_CASE("backlog: customers waiting at the start, back-dated by their age, served in order of age") {
  const std::string backlog = R"(
horizon: {start: "08:00", end: "08:30", interval: 15min}
replications: 2
customers:
  c:
    arrivals: {rate: 0/h}
    backlog: {count: 3, waited: {dist: deterministic, value: 2min}}
    entry: desk
pools: {p: {agents: 1}}
stages: {desk: {service: {dist: deterministic, value: 1min}, pools: [p]}}
sla:
  s: {wait_within: 150s, target: 80%}
)";
  SUBCASE("their waits count from the back-dated arrival; offered by the class, not by interval 0") {
    const auto run = run_text(backlog);
    CHECK(run.overall("offered").mean == 3.0);
    CHECK(run.overall("served").mean == 3.0);
    CHECK(run.overall("wait_mean").mean == doctest::Approx(180.0));     // 120, 180, 240 s
    CHECK(run.overall("sojourn_mean").mean == doctest::Approx(240.0));  // plus 60 s of service
    CHECK(run.kpi(ScopeKind::sla, "s", "attained").mean == doctest::Approx(1.0 / 3));
    CHECK(run.kpi(ScopeKind::interval, model::interval_label(run.model, 0), "offered").mean == 0.0);
  }
  SUBCASE("the patience clock is already running") {
    // 200 s of patience: the third (answered at 120 s after a wait of 240 s) gives up at 80 s.
    const auto patient = run_text(backlog, {"customers.c.patience={dist: deterministic, value: 200s}"});
    CHECK(patient.overall("abandoned").mean == 1.0);
    CHECK(patient.overall("served").mean == 2.0);
    // 100 s, shorter than their age: the oldest takes the free agent at once, the others give
    // up at the start.
    const auto impatient = run_text(backlog, {"customers.c.patience={dist: deterministic, value: 100s}"});
    CHECK(impatient.overall("abandoned").mean == 2.0);
    CHECK(impatient.overall("served").mean == 1.0);
    CHECK(impatient.overall("wait_mean").mean == doctest::Approx(120.0));
  }
}

namespace {

// The M/M/c retrial queue with no waiting room and persistence p: state (n busy, j in
// orbit); a blocked attempt (a newcomer at rate lambda, or a retrial at rate j theta) joins
// or stays in the orbit with probability p, else the customer is lost. Solved by
// Gauss-Seidel on the balance equations, the orbit truncated where its mass is negligible.
struct RetrialResult {
  double p_lost = 0;  // of unique customers
  double redials_per_customer = 0;
  double block_per_attempt = 0;
};
RetrialResult retrial_ctmc(int c, double lambda, double mu, double theta, double p, int orbit_max) {
  const int states = (c + 1) * (orbit_max + 1);
  const auto id = [&](int n, int j) { return j * (c + 1) + n; };
  struct Arc {
    int to;
    double rate;
  };
  std::vector<std::vector<Arc>> in(static_cast<std::size_t>(states));
  std::vector<double> out(static_cast<std::size_t>(states), 0.0);
  const auto arc = [&](int from, int to, double rate) {
    if (rate <= 0 || from == to) return;
    in[static_cast<std::size_t>(to)].push_back({from, rate});
    out[static_cast<std::size_t>(from)] += rate;
  };
  for (int j = 0; j <= orbit_max; ++j)
    for (int n = 0; n <= c; ++n) {
      const int s = id(n, j);
      if (n < c) {
        arc(s, id(n + 1, j), lambda);
        if (j > 0) arc(s, id(n + 1, j - 1), j * theta);
      } else {
        if (j < orbit_max) arc(s, id(c, j + 1), lambda * p);
        if (j > 0) arc(s, id(c, j - 1), j * theta * (1 - p));
      }
      if (n > 0) arc(s, id(n - 1, j), n * mu);
    }
  std::vector<double> pi(static_cast<std::size_t>(states), 1.0 / states);
  for (int sweep = 0; sweep < 20000; ++sweep) {
    double change = 0;
    for (int s = 0; s < states; ++s) {
      double inflow = 0;
      for (const Arc& a : in[static_cast<std::size_t>(s)]) inflow += pi[static_cast<std::size_t>(a.to)] * a.rate;
      const double next = inflow / out[static_cast<std::size_t>(s)];
      change = std::max(change, std::abs(next - pi[static_cast<std::size_t>(s)]));
      pi[static_cast<std::size_t>(s)] = next;
    }
    double total = 0;
    for (const double x : pi) total += x;
    for (double& x : pi) x /= total;
    if (change < 1e-13) break;
  }
  RetrialResult r;
  double attempts = 0, blocked = 0;
  for (int j = 0; j <= orbit_max; ++j)
    for (int n = 0; n <= c; ++n) {
      const double x = pi[static_cast<std::size_t>(id(n, j))];
      attempts += x * (lambda + j * theta);
      if (n == c) {
        blocked += x * (lambda + j * theta);
        r.p_lost += x * (lambda + j * theta) * (1 - p);
      }
    }
  REQUIRE(pi[static_cast<std::size_t>(id(c, orbit_max))] < 1e-12);  // the truncation is harmless
  r.p_lost /= lambda;
  r.redials_per_customer = (attempts - lambda) / lambda;
  r.block_per_attempt = blocked / attempts;
  return r;
}

}  // namespace

TEST_CASE("redials: an M/M/3 loss system with retrials against its CTMC") {
  const double lambda = 2.5 / 60, mu = 1.0 / 60, theta = 1.0 / 120, p = 0.6;
  const auto theory = retrial_ctmc(3, lambda, mu, theta, p, 200);
  const auto run = run_text(R"(
horizon: {length: 300h, warmup: 5h}
replications: 10
seed: 44
customers:
  caller:
    arrivals: {rate: 2.5/min}
    redial: {probability: 60%, delay: {dist: exponential, mean: 2min}, max_attempts: 1000}
    entry: desk
pools: {agents: {agents: 3}}
stages: {desk: {service: {dist: exponential, mean: 1min}, pools: [agents], queue: {capacity: 0}}}
)");
  const auto ratio = [&](const std::string& a, const std::string& b) {
    // Per replication, as a summary: the ratio of two counts of the same replications.
    std::vector<double> values;
    const std::size_t ia = run.result.layout.find(ScopeKind::overall, "overall", a);
    const std::size_t ib = run.result.layout.find(ScopeKind::overall, "overall", b);
    for (const auto& r : run.result.replications) values.push_back(r[ia] / r[ib]);
    return sim::summarize(values);
  };
  test::check_theory(ratio("lost_customers", "unique_customers"), theory.p_lost, "P(a customer is lost)");
  test::check_theory(ratio("redials", "unique_customers"), theory.redials_per_customer, "redials per customer");
  test::check_theory(run.overall("block_rate"), theory.block_per_attempt, "P(an attempt is blocked)");
  // Every attempt leaves one way; a customer served never redials.
  CHECK(run.overall("offered").mean ==
        doctest::Approx(run.overall("unique_customers").mean + run.overall("redials").mean));
  const double served_share = run.overall("served").mean / run.overall("unique_customers").mean;
  CHECK(served_share == doctest::Approx(1 - theory.p_lost).epsilon(0.02));
}

TEST_CASE("redials: attempts, unique customers, lost customers and first-attempt resolution, by hand") {
  // One agent, no waiting room: 0 is served 0-100 s; 1 (10 s) is blocked, redials at 40 s,
  // is blocked again and, out of attempts, is lost; 2 (200 s) is served at once.
  const auto run = run_text(R"(
horizon: {length: 10min, interval: 10min}
replications: 2
customers:
  c:
    arrivals: {times: [0s, 10s, 200s]}
    redial: {probability: 100%, delay: {dist: deterministic, value: 30s}, max_attempts: 2}
    entry: desk
pools: {p: {agents: 1}}
stages: {desk: {service: {dist: deterministic, value: 100s}, pools: [p], queue: {capacity: 0}}}
)");
  CHECK(run.overall("offered").mean == 4.0);
  CHECK(run.overall("unique_customers").mean == 3.0);
  CHECK(run.overall("redials").mean == 1.0);
  CHECK(run.overall("blocked").mean == 2.0);
  CHECK(run.overall("lost_customers").mean == 1.0);
  CHECK(run.overall("served").mean == 2.0);
  CHECK(run.overall("first_attempt_resolution").mean == doctest::Approx(2.0 / 3));
}

TEST_CASE("lanes: front for an entry stage and back otherwise; patience runs in the front lane; time per lane") {
  // Two customers at 0 s; the front desk serves 60 s each with one agent (the second waits
  // 60 s), then the back office 200 s each with one agent: the second waits there 140 s, so
  // a patience of 100 s would lose it if patience ran in the back lane.
  const std::string lanes = R"(
horizon: {length: 20min, interval: 20min}
replications: 2
customers:
  c: {arrivals: {times: [0s, 0s]}, patience: {dist: deterministic, value: 100s}, entry: front_desk}
pools: {f: {agents: 1}, b: {agents: 1}}
stages:
  front_desk: {service: {dist: deterministic, value: 60s}, pools: [f], next: {office: 1}}
  office: {service: {dist: deterministic, value: 200s}, pools: [b]}
)";
  const auto run = run_text(lanes);
  // Front: 60 and 120 s; back: 200 s and (waiting 140 s, then 200 s) 340 s.
  CHECK(run.overall("lane_time_front").mean == doctest::Approx(90.0));
  CHECK(run.overall("lane_time_back").mean == doctest::Approx(270.0));
  CHECK(run.overall("lane_time_support").mean == 0.0);
  CHECK(run.overall("abandoned").mean == 0.0);  // no patience in the back lane
  // Said so in the file, it runs there: the second gives up after 100 s in the office's line.
  const auto patient = run_text(lanes, {"stages.office.abandonment=true"});
  CHECK(patient.overall("abandoned").mean == 1.0);
  CHECK(patient.overall("lane_time_back").mean == doctest::Approx(150.0));
  // A support lane, as the file says.
  const auto support = run_text(lanes, {"stages.office.lane=support"});
  CHECK(support.overall("lane_time_support").mean == doctest::Approx(270.0));
}

TEST_CASE("overflow pools: due at once (after: 0s) they are the last choice of one M/M/8 line; Erlang C") {
  // Five agents of a and three of b, b serving the desk only as overflow: one FIFO line with
  // eight servers, a first. Arrivals 7/min, service 1 min.
  const auto run = run_text(R"(
horizon: {length: 60h, warmup: 2h}
replications: 10
seed: 41
customers: {caller: {arrivals: {rate: 7/min}, entry: desk}}
pools: {a: {agents: 5}, b: {agents: 3}}
stages:
  desk: {service: {dist: exponential, mean: 1min}, pools: [a], overflow: {after: 0s, pools: [b]}}
sla:
  answer_20s: {wait_within: 20s, target: 80%}
)");
  const auto theory = model::erlang_c_metrics(8, 7.0 / 60, 1.0 / 60, 20);
  test::check_theory(run.overall("wait_mean"), theory.asa, "ASA");
  test::check_theory(run.overall("p_wait"), theory.p_wait, "P(wait)");
  test::check_theory(run.kpi(ScopeKind::sla, "answer_20s", "attained"), theory.service_level, "service level 20s");
  // b works only when every a agent is busy: less than its share of the load.
  CHECK(run.kpi(ScopeKind::pool, "b", "utilization").mean < run.kpi(ScopeKind::pool, "a", "utilization").mean);
  // Every service by b is an overflow: b's busy time is its answers times the mean service.
  CHECK(run.kpi(ScopeKind::stage, "desk", "overflowed").mean > 0.0);
}

TEST_CASE("callbacks offered to everyone who waits and always taken: nobody abandons, Erlang C instead of Erlang A") {
  const std::string text = R"(
horizon: {length: 60h, warmup: 2h}
replications: 10
seed: 43
customers: {caller: {arrivals: {rate: 7/min}, patience: {dist: exponential, mean: 1min}, entry: desk}}
pools: {a: {agents: 8}}
stages:
  desk: {service: {dist: exponential, mean: 1min}, pools: [a], callback: {offer_when_wait_above: 0s, accept: 100%}}
)";
  const auto run = run_text(text);
  const auto theory = model::erlang_c_metrics(8, 7.0 / 60, 1.0 / 60, 20);
  test::check_theory(run.overall("wait_mean"), theory.asa, "ASA (the callback's wait)");
  test::check_theory(run.overall("callback_wait_mean"), theory.asa / theory.p_wait, "wait of those called back");
  test::check_theory(run.overall("callbacks_accepted"), 7.0 * 60 * 58 * theory.p_wait, "callbacks taken");
  CHECK(run.overall("abandoned").max == 0.0);
  CHECK(run.overall("callbacks_offered").mean == run.overall("callbacks_accepted").mean);
  // Never taken: Erlang A's abandonment, with the offers still counted.
  const auto declined = run_text(text, {"stages.desk.callback.accept=0%"});
  const auto erlang_a = model::mmck_abandonment(8, 7.0 / 60, 1.0 / 60, 1.0 / 60, std::nullopt, 20);
  test::check_theory(declined.overall("abandon_rate"), erlang_a.p_abandon, "abandonment (Erlang A)");
  CHECK(declined.overall("callbacks_accepted").max == 0.0);
  CHECK(declined.overall("callbacks_offered").mean > 0.0);
}

namespace {

// Replayed arrivals at the desk; one agent of a (100 s each); b serves its own stage and
// takes desk customers who have waited 30 s, after its own work.
const std::string kOverflowPools = R"(
horizon: {length: 10min, interval: 10min}
replications: 2
customers:
  c: {arrivals: {times: [0s, 1s, 2s, 95s, 190s, 290s]}, entry: desk}
  o: {arrivals: {times: [125s]}, entry: other}
pools: {a: {agents: 1}, b: {agents: 1}}
stages:
  desk: {service: {dist: deterministic, value: 100s}, pools: [a], overflow: {after: 30s, pools: [b]}}
  other: {service: {dist: deterministic, value: 100s}, pools: [b]}
)";

}  // namespace

TEST_CASE("overflow pools by hand: eligible after the wait, own work first, an answered customer's timer is stale") {
  // a: c0 0-100, c2 100-200 (waited 98), c3 200-300 (105), c5 300-400 (10, answered before
  // its overflow time: its timer at 320 s is stale). b: c1 at 31 s (its overflow time, 30),
  // its own o at 131 s before c3 (eligible since 125 s), c4 at 231 s (41).
  const auto model = test::compile_text(kOverflowPools);
  const model::KpiLayout layout(model);
  const auto result = model::run_replication(model, layout, 0);
  const auto value = [&](ScopeKind scope, const std::string& name, const std::string& kpi) {
    return result.values[layout.find(scope, name, kpi)];
  };
  CHECK(value(ScopeKind::customer_class, "c", "wait_mean") == doctest::Approx((0 + 30 + 98 + 105 + 41 + 10) / 6.0));
  CHECK(value(ScopeKind::customer_class, "o", "wait_mean") == doctest::Approx(6.0));
  CHECK(value(ScopeKind::stage, "desk", "overflowed") == 2.0);  // c1 and c4, by b
  CHECK(value(ScopeKind::stage, "desk", "served") == 6.0);
  CHECK(result.stale_timers == 1);
  CHECK(value(ScopeKind::pool, "b", "utilization") > 0.0);
  // Later (after: 5min) nobody overflows: a serves all six in turn.
  const auto late = test::compile_text(kOverflowPools, {"stages.desk.overflow.after=5min"});
  const model::KpiLayout late_layout(late);
  const auto late_result = model::run_replication(late, late_layout, 0);
  CHECK(late_result.values[late_layout.find(ScopeKind::stage, "desk", "overflowed")] == 0.0);
}

TEST_CASE("overflow to another stage by hand: the wait and patience go on; SLAs judge the line the wait began in") {
  // desk (a, one agent) and backup (b, one agent), 100 s each. c0 is served at once; c1 and
  // c2 move to backup after 30 s: c1 is answered there at once (waited 30 s), c2 waits there
  // until 131 s (129 s in all, 99 s of it at backup).
  const std::string text = R"(
horizon: {length: 10min, interval: 10min}
replications: 2
customers:
  c: {arrivals: {times: [0s, 1s, 2s]}, patience: {dist: deterministic, value: 200s}, entry: desk}
pools: {a: {agents: 1}, b: {agents: 1}}
stages:
  desk: {service: {dist: deterministic, value: 100s}, pools: [a], overflow: {after: 30s, to: backup}}
  backup: {service: {dist: deterministic, value: 100s}, pools: [b]}
sla:
  answer_60s: {stage: desk, wait_within: 60s, target: 80%}
)";
  const auto run = run_text(text);
  CHECK(value(run, ScopeKind::overall, "overall", "wait_mean") == doctest::Approx((0 + 30 + 129) / 3.0));
  CHECK(value(run, ScopeKind::stage, "desk", "overflowed") == 2.0);
  CHECK(value(run, ScopeKind::stage, "desk", "wait_mean") == doctest::Approx(0.0));
  CHECK(value(run, ScopeKind::stage, "backup", "offered") == 2.0);
  CHECK(value(run, ScopeKind::stage, "backup", "wait_mean") == doctest::Approx(99.0 / 2));
  CHECK(value(run, ScopeKind::sla, "answer_60s", "attained") == doctest::Approx(2.0 / 3));
  CHECK(value(run, ScopeKind::overall, "overall", "answered") == 3.0);
  // Lanes: the desk's 100, 30 and 30 s in front; backup's 100 and 199 s in back.
  CHECK(value(run, ScopeKind::overall, "overall", "lane_time_front") == doctest::Approx(160.0 / 3));
  CHECK(value(run, ScopeKind::overall, "overall", "lane_time_back") == doctest::Approx(299.0 / 3));
  // Patience runs on after the move: with 60 s, c2 gives up at backup at 62 s, a miss.
  const auto impatient = run_text(text, {"customers.c.patience.value=60s"});
  CHECK(value(impatient, ScopeKind::stage, "backup", "abandoned") == 1.0);
  CHECK(value(impatient, ScopeKind::sla, "answer_60s", "attained") == doctest::Approx(2.0 / 3));
  CHECK(value(impatient, ScopeKind::overall, "overall", "wait_mean") == doctest::Approx(15.0));
  // No room at backup (capacity 0, its agent busy): c2 stays at the desk, answered at 100 s.
  const auto full = run_text(text, {"stages.backup.queue.capacity=0"});
  CHECK(value(full, ScopeKind::stage, "desk", "overflowed") == 1.0);
  CHECK(value(full, ScopeKind::overall, "overall", "wait_mean") == doctest::Approx((0 + 30 + 98) / 3.0));
}

TEST_CASE("callbacks by hand: offered by the expected wait, taken ones never abandon and free their trunk line") {
  // One agent, 100 s each; patience 30 s. c1 joins the line first (expected wait 1 x 100 s),
  // c2 second (2 x 100 s).
  const std::string text = R"(
horizon: {length: 10min, interval: 10min}
replications: 2
customers:
  c: {arrivals: {times: [0s, 1s, 2s]}, patience: {dist: deterministic, value: 30s}, entry: desk}
trunks: {lines: 2}
pools: {a: {agents: 1}}
stages:
  desk: {service: {dist: deterministic, value: 100s}, pools: [a], callback: {offer_when_wait_above: 50s, accept: 100%}}
)";
  const auto all = run_text(text);
  CHECK(value(all, ScopeKind::overall, "overall", "callbacks_offered") == 2.0);
  CHECK(value(all, ScopeKind::overall, "overall", "callbacks_accepted") == 2.0);
  CHECK(value(all, ScopeKind::overall, "overall", "abandoned") == 0.0);
  CHECK(value(all, ScopeKind::overall, "overall", "blocked") == 0.0);  // c1 hung up: c2 found a line
  CHECK(value(all, ScopeKind::overall, "overall", "callback_wait_mean") == doctest::Approx((99 + 198) / 2.0));
  // Declined: both give up after 30 s, and c2 found both lines held (c0, c1): blocked.
  const auto none = run_text(text, {"stages.desk.callback.accept=0%"});
  CHECK(value(none, ScopeKind::overall, "overall", "callbacks_accepted") == 0.0);
  CHECK(value(none, ScopeKind::overall, "overall", "blocked") == 1.0);
  CHECK(value(none, ScopeKind::overall, "overall", "abandoned") == 1.0);
  // Above 150 s only c2's expected wait (200 s) is: c1 gives up at 31 s, c2 is called back at 100 s.
  const auto high = run_text(text, {"stages.desk.callback.offer_when_wait_above=150s", "trunks.lines=3"});
  CHECK(value(high, ScopeKind::overall, "overall", "callbacks_offered") == 1.0);
  CHECK(value(high, ScopeKind::overall, "overall", "abandoned") == 1.0);
  CHECK(value(high, ScopeKind::overall, "overall", "callback_wait_mean") == doctest::Approx(98.0));
}

TEST_CASE(
    "every customer behaviour together: each customer leaves one way, waits add up, results do not depend on threads") {
  // Overflow both ways, callbacks, redials, trunk lines, balking, priorities, concurrency,
  // a self-service IVR, a backlog and rostered agents with breaks, in one clock window. The
  // checks build asserts wait + service = sojourn for every customer served.
  const std::string text = R"(
horizon: {start: "08:00", end: "12:00", interval: 30min}
replications: 6
seed: 77
trunks: {lines: 40, customers: [voice]}
customers:
  voice:
    arrivals: {rate: 240/h, busyness_cv: 10%}
    patience: {dist: exponential, mean: 2min}
    redial: {probability: 50%, delay: {dist: exponential, mean: 5min}, max_attempts: 3}
    entry: ivr
  vip:
    arrivals: {rate: 30/h}
    patience: {dist: exponential, mean: 5min}
    priority: 1
    backlog: {count: 10, waited: {dist: uniform, min: 0s, max: 3min}}
    entry: phone
  chat: {arrivals: {rate: 120/h}, patience: {dist: exponential, mean: 4min}, entry: chat}
pools:
  tier1:
    shifts: [{start: "08:00", end: "12:00", agents: 9, breaks: [{window: ["09:30", "10:30"], length: 15min}]}]
  tier2: {agents: 3}
  chatters: {agents: 2}
stages:
  ivr: {self_service: true, service: {dist: lognormal, mean: 40s, cv: 0.5}, next: {phone: 0.9, exit: 0.1}}
  phone:
    service: {dist: lognormal, mean: 3min, cv: 1}
    pools: [tier1]
    queue: {discipline: priority}
    overflow: {after: 45s, pools: [tier2]}
    callback: {offer_when_wait_above: 3min, accept: 50%}
    balking: {queue_length: [8, 20], probability: [20%, 60%]}
    next: {exit: 0.8, back: 0.2}
  chat:
    service: {dist: exponential, mean: 6min}
    pools: [chatters]
    concurrency: 2
    overflow: {after: 2min, to: phone}
  back: {service: {dist: exponential, mean: 5min}, pools: [tier2], lane: back}
sla:
  answer_30s: {customers: [voice, vip], stage: phone, wait_within: 30s, target: 80%}
  chat_2min: {customers: [chat], wait_within: 2min, target: 80%}
)";
  const auto model = test::compile_text(text);
  const auto one = experiment::run_experiment(model, 1);
  const auto two = experiment::run_experiment(model, 2);
  REQUIRE(one.summaries.size() == two.summaries.size());
  for (std::size_t i = 0; i < one.summaries.size(); ++i) {
    INFO(one.layout.slots()[i].scope_name << "." << one.layout.slots()[i].kpi);
    CHECK((one.summaries[i].mean == two.summaries[i].mean ||
           (std::isnan(one.summaries[i].mean) && std::isnan(two.summaries[i].mean))));
  }
  const model::KpiLayout layout(model);
  for (std::uint64_t r = 0; r < 6; ++r) {
    const auto result = model::run_replication(model, layout, r);
    const auto v = [&](const std::string& kpi) {
      return result.values[layout.find(ScopeKind::overall, "overall", kpi)];
    };
    CHECK(v("offered") == v("served") + v("abandoned") + v("blocked") + v("balked") + v("unfinished"));
    CHECK(v("offered") == v("unique_customers") + v("redials"));
    CHECK(v("unfinished") == 0.0);  // a clock window drains
    CHECK(v("callbacks_accepted") <= v("callbacks_offered"));
    CHECK(v("callbacks_accepted") > 0.0);
    CHECK(result.values[layout.find(ScopeKind::stage, "phone", "overflowed")] > 0.0);
    CHECK(result.values[layout.find(ScopeKind::stage, "chat", "overflowed")] > 0.0);
  }
}
