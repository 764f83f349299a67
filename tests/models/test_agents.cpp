// The agent representation (models/agents.h): the counted and the individual one, each
// through the one interface, over a workforce built from a small scenario; and the
// workforce's own rules driven by a test desk (models/customer_desk.h) instead of the
// customer path.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "models/agents.h"
#include "models/calendar.h"
#include "models/kpi_accounts.h"
#include "models/kpi_layout.h"
#include "models/workforce.h"
#include "run_helpers.h"

using namespace capsim;
using model::AfterContact;
using model::AgentId;
using model::Handover;
using model::PoolId;
using model::StageId;
using model::Workforce;

namespace {

const std::string kThreeAgents = R"(
name: three agents
horizon: {length: 8h, interval: 1h}
customers: {calls: {arrivals: {rate: 10/h}, entry: desk}}
pools: {team: {agents: 3}}
stages: {desk: {service: {dist: exponential, mean: 5min}, pools: [team]}}
)";

// The parts a workforce works with, for one replication.
struct Parts {
  model::CompiledModel compiled;
  model::KpiLayout layout;
  model::Calendar calendar;
  model::KpiAccounts accounts;
  Workforce workforce;
  Parts(const std::string& yaml, bool counted, const std::vector<std::string>& overrides = {})
      : compiled(test::compile_text(yaml, overrides)),
        layout(compiled),
        accounts(compiled, layout),
        workforce(compiled, 0, counted, calendar, accounts) {
    workforce.start();
  }
  const model::CompiledStage& stage() const { return compiled.stages[0]; }
  const Workforce::PoolState& pool() { return workforce.at(PoolId{}); }
  double busy_level() { return accounts.pool(PoolId{}).busy.level(); }
};

// Takes a free agent at the one stage (rule 1), as the customer path does.
template <class Agents>
AgentId take(Parts& parts, Agents& agents, sim::Ticks at) {
  const sim::Time now(at);
  std::uint16_t position = 99;
  const AgentId agent = agents.server_for(StageId{}, parts.stage(), position);
  if (agent == model::kNoAgent) return agent;
  CHECK(position == 0);
  CHECK_FALSE(agents.take_contact(agent, StageId{}, parts.stage(), position, Handover::from_idle, now));
  return agent;
}

// A recording desk: what the workforce asked of the customer side.
struct TestDesk {
  int serve_waiting_calls = 0;
  std::vector<AgentId> filled;
  void serve_waiting() { ++serve_waiting_calls; }
  void fill_slots(AgentId agent) { filled.push_back(agent); }
};
static_assert(model::CustomerDesk<TestDesk>);

// Delivers the calendar's events of the workforce's kinds up to `until` (inclusive).
void run_workforce(Parts& parts, TestDesk& desk, sim::Time until) {
  auto& events = parts.calendar.events;
  while (!events.empty() && events.top().time() <= until) {
    const sim::Event& event = events.take_top();
    parts.calendar.now = event.time();
    const auto kind = static_cast<model::EventKind>(event.kind());
    const std::uint32_t subject = event.subject, generation = event.generation;
    if (kind == model::EventKind::roster) parts.workforce.on_roster(subject, desk);
    if (kind == model::EventKind::break_end) parts.workforce.on_break_end(AgentId{subject}, generation, desk);
    events.finish_top();
  }
}

}  // namespace

TEST_CASE("counted agents: a pool's agents as counts, busy against on duty") {
  Parts parts(kThreeAgents, true);
  model::CountedAgents agents(parts.workforce);
  REQUIRE(parts.pool().working == 3);
  const AgentId representative = parts.pool().first_agent;
  for (int k = 0; k < 3; ++k) CHECK(take(parts, agents, 10) == representative);
  CHECK(parts.pool().busy == 3);
  CHECK(parts.busy_level() == 3.0);
  CHECK(take(parts, agents, 10) == model::kNoAgent);  // all busy
  // A contact ends: the hands are free at once, and nobody is ever due to leave.
  CHECK(agents.end_contact(representative, sim::Time{20}) == AfterContact::hands_free);
  CHECK(agents.may_take_next(representative));
  agents.hands_free(representative, sim::Time{20});
  CHECK(parts.pool().busy == 2);
  CHECK(take(parts, agents, 30) == representative);
  // A handover from a busy agent keeps the busy count (rule 2: the level never dips).
  std::uint16_t position = 0;
  CHECK_FALSE(
      agents.take_contact(representative, StageId{}, parts.stage(), position, Handover::from_busy, sim::Time{40}));
  CHECK(parts.pool().busy == 3);
  CHECK(parts.accounts.totals().busy_beyond_available == 0);
}

TEST_CASE("individual agents: the longest idle first, each agent a record") {
  Parts parts(kThreeAgents, false);
  model::IndividualAgents agents(parts.workforce, parts.compiled);
  REQUIRE(parts.pool().working == 3);
  const AgentId first = take(parts, agents, 10);
  const AgentId second = take(parts, agents, 11);
  CHECK(first == AgentId{0});  // called on in rank order, so idle longest
  CHECK(second == AgentId{1});
  CHECK(parts.workforce.at(first).contacts == 1);
  CHECK(parts.pool().busy == 2);
  // The first frees and goes to the back of the idle list: the third agent is next.
  CHECK(agents.end_contact(first, sim::Time{20}) == AfterContact::hands_free);
  CHECK(agents.may_take_next(first));
  agents.hands_free(first, sim::Time{20});
  CHECK(parts.pool().busy == 1);
  CHECK(take(parts, agents, 21) == AgentId{2});
  CHECK(take(parts, agents, 22) == first);
  CHECK(take(parts, agents, 23) == model::kNoAgent);
  // A second contact for a single-contact agent is a start beyond staffing.
  std::uint16_t position = 0;
  CHECK(agents.take_contact(first, StageId{}, parts.stage(), position, Handover::from_busy, sim::Time{24}));
}

TEST_CASE("individual agents: an agent due to leave leaves when its hands free") {
  Parts parts(kThreeAgents, false);
  model::IndividualAgents agents(parts.workforce, parts.compiled);
  const AgentId agent = take(parts, agents, 10);
  parts.workforce.make_due(agent, Workforce::Pending::off);
  CHECK(agents.end_contact(agent, sim::Time{20}) == AfterContact::hands_free);
  CHECK_FALSE(agents.may_take_next(agent));
  agents.hands_free(agent, sim::Time{20});
  CHECK(parts.workforce.at(agent).state == Workforce::AgentState::off);
  CHECK(parts.pool().working == 2);
  CHECK(parts.pool().busy == 0);
  // Only the two still working are found.
  CHECK(take(parts, agents, 30) != agent);
  CHECK(take(parts, agents, 30) != agent);
  CHECK(take(parts, agents, 30) == model::kNoAgent);
}

TEST_CASE("individual agents: concurrency keeps an agent open until its slots are full") {
  Parts parts(kThreeAgents, false, {"pools.team.agents=1", "stages.desk.concurrency=2"});
  model::IndividualAgents agents(parts.workforce, parts.compiled);
  const AgentId agent = take(parts, agents, 10);
  CHECK(take(parts, agents, 11) == agent);  // its open slot, before anyone idle
  CHECK(parts.workforce.at(agent).contacts == 2);
  CHECK(take(parts, agents, 12) == model::kNoAgent);
  CHECK(parts.pool().busy == 1);
  CHECK(parts.accounts.pool(PoolId{}).slots.level() == doctest::Approx(1.0));  // two halves
  // One contact ends: the agent's slot opens for its stage's waiting (fill_slots).
  CHECK(agents.end_contact(agent, sim::Time{20}) == AfterContact::fill_slots);
  CHECK(parts.accounts.pool(PoolId{}).slots.level() == doctest::Approx(0.5));
  CHECK(take(parts, agents, 21) == agent);
  CHECK(agents.end_contact(agent, sim::Time{30}) == AfterContact::fill_slots);
  CHECK(agents.end_contact(agent, sim::Time{31}) == AfterContact::hands_free);
  agents.hands_free(agent, sim::Time{31});
  CHECK(parts.pool().busy == 0);
}

TEST_CASE("workforce: a shift line comes and goes through the desk; breaks end on time") {
  const std::string roster = R"(
name: one shift
horizon: {start: "08:00", end: "12:00", interval: 30min}
customers: {calls: {arrivals: {rate: 10/h}, entry: desk}}
pools:
  team:
    shifts: [{start: "09:00", end: "11:00", agents: 2, breaks: [{window: ["10:00", "10:30"], length: 15min}]}]
stages: {desk: {service: {dist: exponential, mean: 5min}, pools: [team]}}
)";
  Parts parts(roster, false);
  TestDesk desk;
  const sim::Duration hour(3600 * sim::kTicksPerSecond);
  const sim::Time start = sim::kStart;
  CHECK(parts.pool().working == 0);
  run_workforce(parts, desk, start + hour - sim::Duration(1));
  CHECK(parts.pool().working == 0);
  run_workforce(parts, desk, start + hour);  // 09:00: both come, each arrival answers the waiting
  CHECK(parts.pool().working == 2);
  CHECK(parts.pool().scheduled == 2);
  CHECK(desk.serve_waiting_calls == 2);
  // Breaks staggered over their window: agent 0 at 10:00-10:15, agent 1 at 10:15-10:30.
  run_workforce(parts, desk, start + 2 * hour);
  CHECK(parts.pool().working == 1);
  CHECK(parts.pool().away == 1);
  CHECK(parts.workforce.at(AgentId{0}).on_break);
  run_workforce(parts, desk,
                start + 2 * hour + sim::Duration(hour.ticks() / 4));  // the roster step ranks before the break end
  CHECK(parts.pool().away == 1);
  CHECK(parts.workforce.at(AgentId{1}).on_break);
  CHECK(desk.serve_waiting_calls == 3);  // agent 0 back, answering the waiting
  run_workforce(parts, desk, start + 2 * hour + sim::Duration(hour.ticks() / 2));
  CHECK(parts.pool().working == 2);
  CHECK(parts.pool().away == 0);
  CHECK(desk.serve_waiting_calls == 4);
  run_workforce(parts, desk, start + 3 * hour);  // 11:00: the shift ends
  CHECK(parts.pool().working == 0);
  CHECK(parts.pool().scheduled == 0);
  CHECK(desk.filled.empty());  // no concurrency: no slot reopened
}
