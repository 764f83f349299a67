// Workforce: the agents of one replication, their presence and the rules that move them —
// shift lines (roster steps), breaks, shorthand staffing per interval, absenteeism and
// shrinkage — with each pool's counts (working, away, busy, scheduled) and the idle and
// open-slot lists from which rule 1 picks an agent. Its time-weighted levels are kept in
// the KPI accounts. How the customer path takes and frees agents is the agent
// representation (models/agents.h); when agents become available other than by finishing
// work (rule 3), or an agent's slots reopen, the workforce asks the customer desk
// (models/customer_desk.h).
// Cost: cold paths (a roster step, a break, an interval) only; allocates nothing per event.
#pragma once

#include <cstdint>
#include <vector>

#include "models/calendar.h"
#include "models/compiled_model.h"
#include "models/customer_desk.h"
#include "models/ids.h"
#include "models/kpi_accounts.h"
#include "models/random_layout.h"
#include "sim/assert.h"
#include "sim/intrusive_list.h"
#include "sim/random.h"

namespace capsim::model {

class Workforce {
 public:
  // An agent is off (not at work), working (idle or with contacts in hand) or away (present
  // but on a break or shrinkage). `pending` is where it goes once its hands are free.
  enum class AgentState : std::uint8_t { off, working, away };
  enum class Pending : std::uint8_t { none, off, break_, shrinkage };
  struct Agent {
    sim::Time due_since{};         // when the owed break fell due
    sim::Duration break_length{};  // of the owed break
    sim::Time next_due_since{};    // a second break owed behind it
    sim::Duration next_break_length{};
    AgentId prev = kNoAgent, next = kNoAgent;  // in the list `list`
    std::uint32_t list = kNoList;              // idle list or open-slot list it is in
    std::uint32_t generation = 0;              // break-end timers of an earlier break are stale
    PoolId pool{};
    StageId stage{};             // stage of the contacts in hand
    std::uint16_t position = 0;  // of the pool in that stage's preference list
    std::uint16_t contacts = 0;  // customers in hand, wrap-up included
    AgentState state = AgentState::off;
    Pending pending = Pending::none;
    bool rostered = false;   // its shift is on now
    bool absent = false;     // absent for the day of its current shift
    bool shrunk = false;     // drawn for shrinkage in the current interval
    bool on_break = false;   // away for a break (else away for shrinkage)
    bool next_owed = false;  // a break fell due while another was owed or under way
  };
  static constexpr std::uint32_t kNoList = 0xFFFFFFFFu;

  struct AgentList {  // intrusive FIFO: head is the one waiting longest
    AgentId head = kNoAgent, tail = kNoAgent;
  };

  struct alignas(64) PoolState {  // 128 bytes: an index scales by a shift
    int working = 0, away = 0, busy = 0, scheduled = 0;
    ServedStage first_stage{};  // of its first skill level (the only one in the lean copy)
    AgentId first_agent{};      // its first agent: the representative of counted agents
    // Shorthand pools: agents on duty wanted now, agents away for shrinkage wanted now, and
    // busy agents still to leave (the next ones freed leave: a drop takes idle agents first).
    int target = 0, away_target = 0, excess = 0;
    std::vector<AgentId> off_agents, away_agents;  // shorthand pools: agents to call on
    KpiAccounts::PoolLevels* levels = nullptr;     // its time-weighted levels, one load away
  };

  // A stage's agents: the first pool of its preference list (the only one in the lean copy)
  // and, at a stage with concurrency, the index of its first pool's open-slot list.
  struct StageAgents {
    PoolId first_pool{};
    std::uint32_t open_lists = 0;
  };

  // `counted`: the lean copy's representation (models/agents.h, CountedAgents), which a
  // model only has when none of its agents ever leaves; the paths it must never reach
  // assert so in checks builds.
  Workforce(const CompiledModel& model, std::uint64_t replication, bool counted, Calendar& calendar,
            KpiAccounts& accounts);
  std::size_t memory_bytes() const noexcept {  // about: what a copy holds
    std::size_t bytes = sizeof(*this) + agents_.capacity() * sizeof(Agent) + lists_.capacity() * sizeof(AgentList) +
                        pools_.capacity() * sizeof(PoolState) + line_cursors_.capacity() * sizeof(LineCursor);
    for (const PoolState& pool : pools_)
      bytes += (pool.off_agents.capacity() + pool.away_agents.capacity()) * sizeof(AgentId);
    return bytes;
  }
  // After a copy (a paused replication resumed): what it reads and writes from now on.
  void rebind(const CompiledModel& model, Calendar& calendar, KpiAccounts& accounts);

  // The replication starts: every shift line's first step is scheduled, every shorthand
  // pool staffed for the first interval.
  void start();
  // Interval `interval` begins (after the boundary): shorthand staffing and rostered
  // shrinkage follow it. The caller then applies rule 3.
  template <CustomerDesk Desk>
  void begin_interval(std::size_t interval, Desk& desk);
  // Event handlers.
  template <CustomerDesk Desk>
  void on_roster(std::uint32_t line, Desk& desk);
  template <CustomerDesk Desk>
  void on_break_end(AgentId agent, std::uint32_t generation, Desk& desk);

  bool counted() const noexcept { return counted_; }
  Agent& at(AgentId agent) { return agents_[index(agent)]; }
  const Agent& at(AgentId agent) const { return agents_[index(agent)]; }
  PoolState& at(PoolId pool) { return pools_[index(pool)]; }
  const PoolState& at(PoolId pool) const { return pools_[index(pool)]; }
  const StageAgents& of(StageId stage) const { return stages_[index(stage)]; }
  AgentId first_in_list(std::uint32_t list) const { return lists_[list].head; }
  static std::uint32_t idle_list(PoolId pool) { return static_cast<std::uint32_t>(index(pool)); }

  // ---- Moves the agent representation makes (hot: inline) ----
  CAPSIM_INLINE void list_push(std::uint32_t list, AgentId agent);
  CAPSIM_INLINE void list_remove(AgentId agent);
  // Every change of a pool's busy count goes through here (its level, its invariant).
  CAPSIM_INLINE void add_busy(PoolId pool, int delta, sim::Time now);

  // ---- Presence (cold) ----
  void come_to_work(AgentId agent);               // off or away -> working, idle
  void go_away(AgentId agent, AgentState state);  // off or away from working (hands free)
  void make_due(AgentId agent, Pending pending);  // leave as soon as hands are free
  void start_break(AgentId agent);
  template <CustomerDesk Desk>
  void reopen(AgentId agent, Desk& desk);  // no longer due to leave: open slots take customers

 private:
  struct LineCursor {
    std::uint32_t step = 0, rank = 0;  // next step, and for a break the agent of the line
  };
  struct LineRef {
    PoolId pool{};
    std::uint32_t line = 0;
  };
  sim::Time line_step_time(const ShiftLine& line, const LineCursor& cursor) const;
  static void advance(const ShiftLine& line, LineCursor& cursor);
  void schedule_line_step(std::uint32_t line);
  template <CustomerDesk Desk>
  void roster_step(AgentId agent, const RosterStep& step, Desk& desk);
  void apply_shorthand(PoolId pool, std::size_t interval);
  template <CustomerDesk Desk>
  void draw_shrinkage(PoolId pool, std::size_t interval, Desk& desk);
  bool absent(PoolId pool, AgentIdentity agent, std::uint32_t day) const;
  bool shrunk(PoolId pool, AgentIdentity agent, std::size_t interval) const;
  double agent_draw(PoolId pool, AgentIdentity agent, std::uint32_t period, StreamPurpose purpose) const;
  std::uint32_t day_of_interval(std::size_t interval) const;  // horizon day, 0 = the start's
  void add_working(PoolId pool, int delta);
  void add_away(PoolId pool, int delta);
  void set_scheduled(PoolId pool, int scheduled);

  const CompiledModel* model_;
  Calendar* calendar_;
  KpiAccounts* accounts_;
  bool counted_ = false;
  std::vector<Agent> agents_;
  std::vector<AgentList> lists_;  // per pool its idle list, then per stage one per preferred pool
  std::vector<PoolState> pools_;
  std::vector<StageAgents> stages_;
  std::vector<sim::StreamKey> pool_keys_;
  std::vector<LineRef> line_refs_;        // every shift line of every pool
  std::vector<LineCursor> line_cursors_;  // aligned with line_refs_
};

// ---- Inline and template members ---------------------------------------------------------

CAPSIM_INLINE void Workforce::list_push(std::uint32_t list, AgentId agent_id) {
  Agent& agent = at(agent_id);
  if (agent.list != kNoList) list_remove(agent_id);
  agent.list = list;
  sim::list_append(
      lists_[list], agent_id, [this](AgentId a) -> Agent& { return at(a); }, kNoAgent);
}

CAPSIM_INLINE void Workforce::list_remove(AgentId agent_id) {
  Agent& agent = at(agent_id);
  sim::list_unlink(
      lists_[agent.list], agent_id, [this](AgentId a) -> Agent& { return at(a); }, kNoAgent);
  agent.list = kNoList;
}

CAPSIM_INLINE void Workforce::add_busy(PoolId pool, int delta, sim::Time now) {
  PoolState& state = at(pool);
  state.busy += delta;
  state.levels->busy.add(now, delta);
  if (state.busy > state.working) [[unlikely]]
    ++accounts_->totals().busy_beyond_available;
}

template <CustomerDesk Desk>
void Workforce::begin_interval(std::size_t interval, Desk& desk) {
  for (std::size_t p = 0; p < pools_.size(); ++p) {
    const PoolId pool = id_at<PoolId>(p);
    if (!model_->pools[p].rostered())
      apply_shorthand(pool, interval);
    else if (model_->pools[p].shrinkage > 0.0)
      draw_shrinkage(pool, interval, desk);
  }
}

// A busy agent no longer due to leave: at a stage with concurrency its open slots open again.
template <CustomerDesk Desk>
void Workforce::reopen(AgentId agent_id, Desk& desk) {
  CAPSIM_ASSERT(!counted_, "a lean model (counted agents) reached reopen");
  Agent& agent = at(agent_id);
  if (agent.contacts == 0 || model_->stages[index(agent.stage)].concurrency <= 1) return;
  if (agent.contacts < model_->stages[index(agent.stage)].concurrency)
    list_push(stages_[index(agent.stage)].open_lists + agent.position, agent_id);
  desk.fill_slots(agent_id);
}

template <CustomerDesk Desk>
void Workforce::on_break_end(AgentId agent_id, std::uint32_t generation, Desk& desk) {
  CAPSIM_ASSERT(!counted_, "a lean model (counted agents) reached on_break_end");
  Agent& agent = at(agent_id);
  if (generation != agent.generation || !agent.on_break) {
    ++calendar_->stale_timers;
    return;
  }
  agent.on_break = false;
  CAPSIM_ASSERT(agent.rostered, "a break outlived its shift (the shift end ends it)");
  if (agent.next_owed) {  // the next break fell due during this one: it follows
    agent.next_owed = false;
    agent.due_since = agent.next_due_since;
    agent.break_length = agent.next_break_length;
    start_break(agent_id);
  } else if (!agent.shrunk) {
    come_to_work(agent_id);
    desk.serve_waiting();
  }  // else it stays away: shrinkage for the rest of the interval
}

template <CustomerDesk Desk>
void Workforce::on_roster(std::uint32_t line_index, Desk& desk) {
  CAPSIM_ASSERT(!counted_, "a lean model (counted agents) reached on_roster");
  const LineRef& ref = line_refs_[line_index];
  const ShiftLine& line = model_->pools[index(ref.pool)].lines[ref.line];
  LineCursor& cursor = line_cursors_[line_index];
  const RosterStep& step = line.steps[cursor.step];
  const std::uint32_t first = model_->first_agent[index(ref.pool)] + line.first;
  if (step.action == RosterAction::break_due) {
    roster_step(id_at<AgentId>(first + cursor.rank), step, desk);
  } else {  // the whole line comes or goes
    for (std::uint32_t j = 0; j < line.agents; ++j) roster_step(id_at<AgentId>(first + j), step, desk);
  }
  advance(line, cursor);
  schedule_line_step(line_index);
}

template <CustomerDesk Desk>
void Workforce::roster_step(AgentId agent_id, const RosterStep& step, Desk& desk) {
  CAPSIM_ASSERT(!counted_, "a lean model (counted agents) reached roster_step");
  Agent& agent = at(agent_id);
  const PoolId pool_id = agent.pool;
  const AgentIdentity identity = model_->agent_identity[index(agent_id)];
  const sim::Time now = calendar_->now;
  switch (step.action) {
    case RosterAction::on: {
      agent.rostered = true;
      agent.absent = absent(pool_id, identity, step.day);
      if (agent.absent) return;
      set_scheduled(pool_id, at(pool_id).scheduled + 1);
      agent.shrunk = shrunk(pool_id, identity, static_cast<std::size_t>(calendar_->interval));
      if (agent.state == AgentState::working) {  // still finishing overtime: stays on
        if (agent.pending == Pending::off) {
          agent.pending = Pending::none;
          reopen(agent_id, desk);
        }
        if (agent.shrunk) make_due(agent_id, Pending::shrinkage);
        return;
      }
      if (agent.state == AgentState::off) {
        if (agent.shrunk) {
          add_away(pool_id, 1);
          agent.state = AgentState::away;
          return;
        }
        come_to_work(agent_id);
        desk.serve_waiting();
      }
      return;
    }
    case RosterAction::break_due: {
      if (!agent.rostered || agent.absent) return;
      if (agent.on_break || agent.pending == Pending::break_) {  // one already owed: this one follows it
        if (agent.next_owed) {
          agent.next_break_length += step.length;  // a third at once (huge delays): merged
        } else {
          agent.next_owed = true;
          agent.next_due_since = now;
          agent.next_break_length = step.length;
        }
        return;
      }
      agent.due_since = now;
      agent.break_length = step.length;
      if (agent.state == AgentState::working && agent.contacts == 0)
        start_break(agent_id);
      else if (agent.state == AgentState::working)
        make_due(agent_id, Pending::break_);
      else
        agent.pending = Pending::break_;  // away for shrinkage: taken on return
      return;
    }
    case RosterAction::off: {
      agent.rostered = false;
      if (agent.absent) {
        agent.absent = false;
        return;
      }
      set_scheduled(pool_id, at(pool_id).scheduled - 1);
      if (agent.state == AgentState::working && agent.contacts == 0)
        go_away(agent_id, AgentState::off);
      else if (agent.state == AgentState::working)
        make_due(agent_id, Pending::off);  // overtime until its hands are free
      else  // away: a break (it ends with the shift; its end timer goes stale) or shrinkage
        go_away(agent_id, AgentState::off);
      return;
    }
    case RosterAction::next_day: {  // working on into the next shift day: its own absence
      if (!agent.rostered) return;
      const bool absent_today = absent(pool_id, identity, step.day);
      if (absent_today == agent.absent) return;  // present (or absent) both days: nothing changes
      if (absent_today) {                        // present until now: leaves as at a shift end, absent for the day
        roster_step(agent_id, {step.at, {}, {}, RosterAction::off, step.day}, desk);
        agent.rostered = true;
        agent.absent = true;
      } else {  // absent until now: comes as at a shift start
        agent.rostered = false;
        agent.absent = false;
        roster_step(agent_id, {step.at, {}, {}, RosterAction::on, step.day}, desk);
      }
      return;
    }
  }
}

// Rostered pools: each agent at work draws its shrinkage for the new interval.
template <CustomerDesk Desk>
void Workforce::draw_shrinkage(PoolId pool_id, std::size_t interval, Desk& desk) {
  CAPSIM_ASSERT(!counted_, "a lean model (counted agents) reached draw_shrinkage");
  const CompiledPool& pool = model_->pools[index(pool_id)];
  const std::uint32_t first = model_->first_agent[index(pool_id)];
  for (std::uint32_t rank = 0; rank < pool.agents; ++rank) {
    const AgentId agent_id = id_at<AgentId>(first + rank);
    Agent& agent = at(agent_id);
    if (!agent.rostered || agent.absent) continue;
    agent.shrunk = shrunk(pool_id, model_->agent_identity[first + rank], interval);
    if (agent.shrunk) {
      if (agent.state == AgentState::working && agent.contacts == 0)
        go_away(agent_id, AgentState::away);
      else if (agent.state == AgentState::working)
        make_due(agent_id, Pending::shrinkage);
    } else if (agent.state == AgentState::away && !agent.on_break) {  // shrinkage over
      if (agent.pending == Pending::break_) {
        start_break(agent_id);
      } else {
        come_to_work(agent_id);
      }
    } else if (agent.pending == Pending::shrinkage) {
      agent.pending = Pending::none;
      reopen(agent_id, desk);
    }
  }
}

}  // namespace capsim::model
