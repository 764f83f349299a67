#include "models/workforce.h"

#include <algorithm>
#include <bit>

namespace capsim::model {

Workforce::Workforce(const CompiledModel& model, std::uint64_t replication, bool counted, Calendar& calendar,
                     KpiAccounts& accounts)
    : model_(&model), calendar_(&calendar), accounts_(&accounts), counted_(counted) {
  static_assert(std::has_single_bit(sizeof(Agent)) && std::has_single_bit(sizeof(PoolState)),
                "the agent and pool records are indexed by a shift");
  const std::size_t pools = model.pools.size();
  pools_.resize(pools);
  lists_.resize(pools);  // the idle lists
  stages_.resize(model.stages.size());
  for (std::size_t s = 0; s < model.stages.size(); ++s) {
    const CompiledStage& stage = model.stages[s];
    if (!stage.pools.empty()) stages_[s].first_pool = stage.pools.front();
    if (stage.concurrency > 1) {  // an open-slot list per pool it prefers
      stages_[s].open_lists = static_cast<std::uint32_t>(lists_.size());
      lists_.resize(lists_.size() + stage.pools.size());
    }
  }
  agents_.resize(model.agents);
  for (std::size_t p = 0; p < pools; ++p) {
    const CompiledPool& pool = model.pools[p];
    if (!pool.by_level.empty() && !pool.by_level.front().empty()) pools_[p].first_stage = pool.by_level.front().front();
    pools_[p].first_agent = id_at<AgentId>(model.first_agent[p]);
    pools_[p].levels = &accounts.pool(id_at<PoolId>(p));  // the accounts never resize
    pool_keys_.push_back(sim::stream_key(model.seed, replication, pool.name));
    const std::uint32_t first = model.first_agent[p];
    for (std::uint32_t rank = 0; rank < pool.agents; ++rank) agents_[first + rank].pool = id_at<PoolId>(p);
    if (!pool.rostered())  // shorthand agents are called on in rank order: agent 0 first
      for (std::uint32_t rank = pool.agents; rank-- > 0;) pools_[p].off_agents.push_back(id_at<AgentId>(first + rank));
  }
}

void Workforce::rebind(const CompiledModel& model, Calendar& calendar, KpiAccounts& accounts) {
  model_ = &model;
  calendar_ = &calendar;
  accounts_ = &accounts;
  for (std::size_t p = 0; p < pools_.size(); ++p) pools_[p].levels = &accounts.pool(id_at<PoolId>(p));
}

void Workforce::start() {
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    if (model_->pools[p].rostered()) {
      for (std::uint32_t l = 0; l < model_->pools[p].lines.size(); ++l) {
        line_refs_.push_back({id_at<PoolId>(p), l});
        line_cursors_.emplace_back();
        schedule_line_step(static_cast<std::uint32_t>(line_refs_.size() - 1));
      }
    } else {
      apply_shorthand(id_at<PoolId>(p), 0);
    }
  }
}

// Present = working + away; available = working.
void Workforce::add_working(PoolId pool, int delta) {
  PoolState& state = at(pool);
  state.working += delta;
  at(pool).levels->available.add(calendar_->now, delta);
  at(pool).levels->present.add(calendar_->now, delta);
}

void Workforce::add_away(PoolId pool, int delta) {
  CAPSIM_ASSERT(!counted_, "a lean model (counted agents) reached add_away");
  PoolState& state = at(pool);
  state.away += delta;
  at(pool).levels->present.add(calendar_->now, delta);
}

void Workforce::set_scheduled(PoolId pool, int scheduled) {
  PoolState& state = at(pool);
  state.scheduled = scheduled;
  at(pool).levels->scheduled.set(calendar_->now, scheduled);
}

// Off or away -> working, in its pool's idle list (callers then apply rule 3).
void Workforce::come_to_work(AgentId agent_id) {
  CAPSIM_ASSERT(!counted_, "a lean model (counted agents) reached come_to_work");
  Agent& agent = at(agent_id);
  if (agent.state == AgentState::away) add_away(agent.pool, -1);
  if (agent.state != AgentState::working) add_working(agent.pool, 1);
  agent.state = AgentState::working;
  agent.pending = Pending::none;
  list_push(index(agent.pool), agent_id);
}

// Working with hands free -> off, or away for shrinkage.
void Workforce::go_away(AgentId agent_id, AgentState state) {
  CAPSIM_ASSERT(!counted_, "a lean model (counted agents) reached go_away");
  Agent& agent = at(agent_id);
  if (agent.list != kNoList) list_remove(agent_id);
  if (agent.state == AgentState::working) add_working(agent.pool, -1);
  if (agent.state == AgentState::away && state == AgentState::off) add_away(agent.pool, -1);
  if (agent.state != AgentState::away && state == AgentState::away) add_away(agent.pool, 1);
  agent.state = state;
  agent.pending = Pending::none;
  if (state == AgentState::off) {  // owed breaks end with the shift
    agent.next_owed = false;
    if (agent.on_break) {
      agent.on_break = false;
      ++agent.generation;
    }
  }
  if (!model_->pools[index(agent.pool)].rostered())
    (state == AgentState::off ? at(agent.pool).off_agents : at(agent.pool).away_agents).push_back(agent_id);
}

// Leave as soon as the contacts in hand and their wrap-up are done; a later duty overrides
// an earlier one of lower precedence (shift end > break > shrinkage).
void Workforce::make_due(AgentId agent_id, Pending pending) {
  CAPSIM_ASSERT(!counted_, "a lean model (counted agents) reached make_due");
  Agent& agent = at(agent_id);
  const auto precedence = [](Pending p) {
    switch (p) {
      case Pending::none: return 0;
      case Pending::shrinkage: return 1;
      case Pending::break_: return 2;
      case Pending::off: return 3;
    }
    return 0;
  };
  if (precedence(pending) < precedence(agent.pending)) return;
  agent.pending = pending;
  if (agent.list != kNoList) list_remove(agent_id);  // an open slot closes
}

void Workforce::start_break(AgentId agent_id) {
  CAPSIM_ASSERT(!counted_, "a lean model (counted agents) reached start_break");
  Agent& agent = at(agent_id);
  if (agent.list != kNoList) list_remove(agent_id);
  if (agent.state == AgentState::working) {
    add_working(agent.pool, -1);
    add_away(agent.pool, 1);
  }
  agent.state = AgentState::away;
  agent.on_break = true;
  agent.pending = Pending::none;
  if (agent.due_since >= model_->warmup_end() && agent.due_since < model_->end())
    at(agent.pool).levels->break_delay_seconds.add(sim::seconds_from_ticks(calendar_->now - agent.due_since));
  calendar_->schedule(EventKind::break_end, calendar_->now + agent.break_length, static_cast<std::uint32_t>(agent_id),
                      ++agent.generation);
}

// A shift line's steps in time order, one pending event per line: the cursor walks the
// steps, and a break step once per agent of the line (agent j's break is staggered after
// agent j-1's, and a line's break windows neither overlap nor leave the shift, so the walk
// never goes back in time). Steps at or after the horizon's end are never scheduled: after
// the close, everyone present stays until the system has drained (as shorthand staffing
// keeps the last interval's).
sim::Time Workforce::line_step_time(const ShiftLine& line, const LineCursor& cursor) const {
  const RosterStep& step = line.steps[cursor.step];
  if (step.action != RosterAction::break_due || line.agents <= 1) return step.at;
  return step.at + sim::Duration(static_cast<sim::Ticks>(cursor.rank) * step.stagger.ticks() /
                                 static_cast<sim::Ticks>(line.agents - 1));
}

void Workforce::advance(const ShiftLine& line, LineCursor& cursor) {
  if (line.steps[cursor.step].action == RosterAction::break_due && cursor.rank + 1 < line.agents) {
    ++cursor.rank;
    return;
  }
  ++cursor.step;
  cursor.rank = 0;
}

void Workforce::schedule_line_step(std::uint32_t line_index) {
  const LineRef& ref = line_refs_[line_index];
  const ShiftLine& line = model_->pools[index(ref.pool)].lines[ref.line];
  LineCursor& cursor = line_cursors_[line_index];
  while (cursor.step < line.steps.size()) {
    const sim::Time at = line_step_time(line, cursor);
    if (at >= model_->end()) return;
    if (at < calendar_->now || line.agents == 0) {  // a break before the horizon's start; an empty line
      advance(line, cursor);
      continue;
    }
    calendar_->schedule(EventKind::roster, at, line_index);
    return;
  }
}

// Absenteeism and shrinkage: pure functions of (pool, agent identity, day or interval),
// from the pool's own stream, so that staffing what-ifs keep every customer's numbers and a
// change to one shift line keeps every other line's.
bool Workforce::absent(PoolId pool, AgentIdentity agent, std::uint32_t day) const {
  return agent_draw(pool, agent, day, StreamPurpose::absence) < model_->pools[index(pool)].absenteeism;
}

bool Workforce::shrunk(PoolId pool, AgentIdentity agent, std::size_t interval) const {
  return agent_draw(pool, agent, static_cast<std::uint32_t>(interval), StreamPurpose::shrinkage) <
         model_->pools[index(pool)].shrinkage;
}

// Agent j of line l's uniform for (day or interval, purpose): word j % 4 of block
// (l << 32 | j / 4, period, purpose) of the pool's key; 1 when the pool has no such
// probability (nothing drawn).
double Workforce::agent_draw(PoolId pool, AgentIdentity agent, std::uint32_t period, StreamPurpose purpose) const {
  const CompiledPool& compiled = model_->pools[index(pool)];
  const double p = purpose == StreamPurpose::absence ? compiled.absenteeism : compiled.shrinkage;
  if (p <= 0.0) return 1.0;
  const auto block =
      sim::philox_block(pool_keys_[index(pool)], agent_subject(agent), period, static_cast<std::uint8_t>(purpose));
  return static_cast<double>(block.v[word_of(agent.index)] >> 11) * 0x1.0p-53;
}

std::uint32_t Workforce::day_of_interval(std::size_t interval) const {
  const sim::Duration clock =  // since the midnight before the horizon's start
      sim::ticks_from_seconds(model_->start_clock_seconds) + model_->interval_ticks * static_cast<sim::Ticks>(interval);
  return static_cast<std::uint32_t>(clock / sim::Duration(86400 * sim::kTicksPerSecond));
}

// Shorthand pools: the interval's staffing less the absent (scheduled), less the shrunk
// (available). Agents leave and return as a counter: idle ones first, busy ones as they free.
void Workforce::apply_shorthand(PoolId pool_id, std::size_t interval) {
  const CompiledPool& pool = model_->pools[index(pool_id)];
  const int staffing = pool.staffing[interval];
  if (counted_) {  // counted agents: nobody absent or shrunk, and the staffing never drops
    PoolState& state = at(pool_id);
    CAPSIM_ASSERT(staffing >= state.working && state.excess == 0, "a lean model's staffing dropped");
    set_scheduled(pool_id, staffing);
    state.target = staffing;
    if (staffing > state.working) add_working(pool_id, staffing - state.working);
    return;
  }
  int scheduled = staffing, shrinking = 0;
  if (pool.absenteeism > 0.0 || pool.shrinkage > 0.0) {
    scheduled = 0;
    const std::uint32_t day = day_of_interval(interval);
    for (int rank = 0; rank < staffing; ++rank) {
      const AgentIdentity identity{0, static_cast<std::uint32_t>(rank)};
      if (absent(pool_id, identity, day)) continue;
      ++scheduled;
      if (shrunk(pool_id, identity, interval)) ++shrinking;
    }
  }
  PoolState& state = at(pool_id);
  set_scheduled(pool_id, scheduled);
  state.target = scheduled - shrinking;
  state.away_target = shrinking;
  while (state.away > state.away_target) {  // shrinkage over: back to work
    const AgentId agent = state.away_agents.back();
    state.away_agents.pop_back();
    come_to_work(agent);
  }
  int on_duty = state.working - state.excess;
  while (on_duty > state.target && lists_[idle_list(pool_id)].head != kNoAgent) {
    go_away(lists_[idle_list(pool_id)].head, state.away < state.away_target ? AgentState::away : AgentState::off);
    --on_duty;
  }
  if (on_duty > state.target) {
    state.excess += on_duty - state.target;
    on_duty = state.target;
  }
  while (on_duty < state.target) {
    ++on_duty;
    if (state.excess > 0) {
      --state.excess;
      continue;
    }
    CAPSIM_ASSERT(!state.off_agents.empty(), "a shorthand pool ran out of agents");
    const AgentId agent = state.off_agents.back();
    state.off_agents.pop_back();
    come_to_work(agent);
  }
  // The shrunk are present but unavailable: called in as away, less the busy ones that will
  // go away as they free.
  while (state.away + state.excess < state.away_target && !state.off_agents.empty()) {
    const AgentId agent = state.off_agents.back();
    state.off_agents.pop_back();
    at(agent).state = AgentState::away;
    add_away(pool_id, 1);
    state.away_agents.push_back(agent);
  }
}

}  // namespace capsim::model
