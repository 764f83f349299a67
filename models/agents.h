// The agent representation: how the customer path finds, takes and frees agents. One
// interface (AgentRepresentation), two implementations over the workforce's records:
// - IndividualAgents: every agent a record, in its pool's idle list or a stage's open-slot
//   list, with its contacts, duties and presence; what every model can run;
// - CountedAgents: the lean copy's. In a model with none of the features (see Features in
//   models/service_system.h) a pool's agents are interchangeable — one pool per stage and
//   stage per pool, no concurrency, no handling factors, nobody's shift, break, absence or
//   shrinkage — so they are kept as counts, on duty and busy, with no idle list, and the
//   agent a customer holds is the pool's first, standing for any of them. Which one serves
//   whom is not observable, so the KPIs are those of agents as individuals (tested:
//   tests/models/test_agents.cpp, test_features.cpp and the lean-copies fuzz target).
// Both are views (a reference to the workforce) made where the handlers need them; every
// member is inline, nothing virtual.
#pragma once

#include <concepts>
#include <cstdint>

#include "models/compiled_model.h"
#include "models/ids.h"
#include "models/workforce.h"

namespace capsim::model {

// How a service start finds its agent: idle (it becomes busy now), or just freed from the
// contact before (rule 2: still counted busy, so the busy level never dips).
enum class Handover : std::uint8_t { from_idle, from_busy };
// What the end of a contact (and its wrap-up) leaves the agent to do: nothing more yet
// (contacts in hand and due to leave), fill its open slots (concurrency), or, hands free,
// take the next customer by rule 2 or be idle or leave.
enum class AfterContact : std::uint8_t { keep_busy, fill_slots, hands_free };

template <class A>
concept AgentRepresentation = requires(A& agents, AgentId agent, StageId stage, const CompiledStage& compiled,
                                       std::uint16_t& position, Handover handover, sim::Time now) {
  // Rule 1 at one stage (its systems are the caller's): the first pool in its preference
  // with an agent free to take a customer; kNoAgent if none. Sets the pool's position.
  { agents.server_for(stage, compiled, position) } -> std::same_as<AgentId>;
  // A service of a customer at `stage` starts with `agent`; true if the agent was not free
  // to take it (an invariant breach the run counts).
  { agents.take_contact(agent, stage, compiled, position, handover, now) } -> std::same_as<bool>;
  { agents.end_contact(agent, now) } -> std::same_as<AfterContact>;
  // Hands free: whether the agent may take the next customer (not due to leave) ...
  { agents.may_take_next(agent) } -> std::same_as<bool>;
  // ... and, if it took none, what it does: idle, or leave (shift end, break, shrinkage, a drop).
  agents.hands_free(agent, now);
};

class CountedAgents {
 public:
  explicit CountedAgents(Workforce& workforce) : workforce_(workforce) {}

  CAPSIM_INLINE AgentId server_for(StageId stage, const CompiledStage&, std::uint16_t& position) const {
    position = 0;
    const Workforce::PoolState& pool = workforce_.at(workforce_.of(stage).first_pool);
    return pool.busy < pool.working ? pool.first_agent : kNoAgent;
  }
  CAPSIM_INLINE bool take_contact(AgentId agent, StageId, const CompiledStage&, std::uint16_t, Handover handover,
                                  sim::Time now) {
    // A start beyond those on duty shows in busy_beyond_available (add_busy).
    if (handover == Handover::from_idle) workforce_.add_busy(workforce_.at(agent).pool, 1, now);
    return false;
  }
  CAPSIM_INLINE AfterContact end_contact(AgentId, sim::Time) { return AfterContact::hands_free; }
  CAPSIM_INLINE bool may_take_next(AgentId) const { return true; }  // nobody is ever due to leave
  CAPSIM_INLINE void hands_free(AgentId agent, sim::Time now) {
    workforce_.add_busy(workforce_.at(agent).pool, -1, now);
  }

 private:
  Workforce& workforce_;
};

class IndividualAgents {
 public:
  using Agent = Workforce::Agent;
  using AgentState = Workforce::AgentState;
  using Pending = Workforce::Pending;

  IndividualAgents(Workforce& workforce, const CompiledModel& model) : workforce_(workforce), model_(model) {}

  // At a stage with concurrency, an agent of the pool already serving the stage with a slot
  // open (the one open longest) comes before the pool's longest-idle agent.
  CAPSIM_INLINE AgentId server_for(StageId stage, const CompiledStage& compiled, std::uint16_t& position) const {
    return server_among(stage, compiled, position, 0, compiled.own_pools);
  }
  // The same among the stage's pools [first, last) only: its overflow pools are
  // [own_pools, pools.size()) (CompiledStage).
  CAPSIM_INLINE AgentId server_among(StageId stage, const CompiledStage& compiled, std::uint16_t& position,
                                     std::size_t first, std::size_t last) const {
    const std::uint32_t open_lists = workforce_.of(stage).open_lists;
    for (std::size_t k = first; k < last; ++k) {
      if (compiled.concurrency > 1) {
        const AgentId open = workforce_.first_in_list(open_lists + static_cast<std::uint32_t>(k));
        if (open != kNoAgent) {
          position = static_cast<std::uint16_t>(k);
          return open;
        }
      }
      const AgentId idle = workforce_.first_in_list(Workforce::idle_list(compiled.pools[k]));
      if (idle != kNoAgent) {
        position = static_cast<std::uint16_t>(k);
        return idle;
      }
    }
    return kNoAgent;
  }

  CAPSIM_INLINE bool take_contact(AgentId agent_id, StageId stage, const CompiledStage& compiled,
                                  std::uint16_t position, Handover handover, sim::Time now) {
    Agent& agent = workforce_.at(agent_id);
    const bool beyond = agent.state != AgentState::working || agent.pending != Pending::none ||
                        agent.contacts >= compiled.concurrency || (agent.contacts > 0 && agent.stage != stage);
    const PoolId pool = agent.pool;
    if (agent.contacts == 0) {
      if (agent.list != Workforce::kNoList) workforce_.list_remove(agent_id);  // leaves the idle list
      agent.stage = stage;
      agent.position = position;
      if (handover == Handover::from_idle) workforce_.add_busy(pool, 1, now);
    }
    ++agent.contacts;
    // Slot utilisation counts each contact as 1/N of an agent, N its stage's concurrency (1
    // at a stage without): every stage the pool serves, not only those with concurrency.
    if (model_.pools[index(pool)].concurrent) workforce_.at(pool).levels->slots.add(now, 1.0 / compiled.concurrency);
    if (compiled.concurrency > 1) {
      const std::uint32_t open = workforce_.of(stage).open_lists + position;
      if (agent.contacts < compiled.concurrency && agent.pending == Pending::none) {
        if (agent.list != open) workforce_.list_push(open, agent_id);
      } else if (agent.list != Workforce::kNoList) {
        workforce_.list_remove(agent_id);
      }
    }
    return beyond;
  }

  // With other contacts still in hand (concurrency) the agent may take the next customer of
  // its stage into the freed slot; with none, its hands are free.
  CAPSIM_INLINE AfterContact end_contact(AgentId agent_id, sim::Time now) {
    Agent& agent = workforce_.at(agent_id);
    --agent.contacts;
    const PoolId pool = agent.pool;
    const CompiledStage& stage = model_.stages[index(agent.stage)];
    if (model_.pools[index(pool)].concurrent) workforce_.at(pool).levels->slots.add(now, -1.0 / stage.concurrency);
    if (agent.contacts > 0) {
      if (agent.pending != Pending::none) return AfterContact::keep_busy;
      const std::uint32_t open = workforce_.of(agent.stage).open_lists + agent.position;
      if (agent.list != open) workforce_.list_push(open, agent_id);
      return AfterContact::fill_slots;
    }
    if (agent.list != Workforce::kNoList) workforce_.list_remove(agent_id);  // its open-slot list
    return AfterContact::hands_free;
  }

  CAPSIM_INLINE bool may_take_next(AgentId agent_id) const {
    const Agent& agent = workforce_.at(agent_id);
    return agent.pending == Pending::none && workforce_.at(agent.pool).excess <= 0;
  }

  // The agent leaves if it is due to (shift end, break, shrinkage, a staffing drop),
  // otherwise waits in its pool's idle list.
  CAPSIM_INLINE void hands_free(AgentId agent_id, sim::Time now) {
    Agent& agent = workforce_.at(agent_id);
    Workforce::PoolState& pool = workforce_.at(agent.pool);
    workforce_.add_busy(agent.pool, -1, now);
    switch (agent.pending) {
      case Pending::off: workforce_.go_away(agent_id, AgentState::off); return;
      case Pending::break_: workforce_.start_break(agent_id); return;
      case Pending::shrinkage: workforce_.go_away(agent_id, AgentState::away); return;
      case Pending::none: break;
    }
    if (pool.excess > 0) {
      --pool.excess;
      workforce_.go_away(agent_id, pool.away < pool.away_target ? AgentState::away : AgentState::off);
      return;
    }
    workforce_.list_push(Workforce::idle_list(agent.pool), agent_id);
  }

 private:
  Workforce& workforce_;
  const CompiledModel& model_;
};

static_assert(AgentRepresentation<CountedAgents> && AgentRepresentation<IndividualAgents>);

}  // namespace capsim::model
