// A customer in the system: one slot of the replication's pre-sized table, reached by its
// CustomerId (never a pointer), linked into its stage's line while it waits. The customer
// path (models/service_system.cpp) writes it; the KPI accounts (models/kpi_accounts.h)
// judge it.
#pragma once

#include <cstdint>

#include "models/ids.h"
#include "sim/time.h"

namespace capsim::model {

// The ways out of the system. Every customer leaves through ServiceSystem::leave_system with
// one of them; `unfinished` is a customer still inside when the replication ends.
enum class Outcome : std::uint8_t { served, abandoned, blocked, balked, unfinished };

struct alignas(64) Customer {  // 128 bytes (without CAPSIM_CHECKS): a slot index scales by a shift
  sim::Time arrival{};
  sim::Time stage_entry{};  // into this stage (its line, or its service)
  // When the current wait began: stage_entry, unless an overflow moved the customer here
  // from another line, whose wait it keeps (as it keeps its patience).
  sim::Time wait_start{};
  sim::Duration service_ticks{};  // this visit's, at the serving pool's handling factor
  sim::Duration wrap_ticks{};     // this visit's after-contact work (when the stage has any)
#ifdef CAPSIM_CHECKS
  sim::Duration waited_ticks{};  // over all stages: waited + served == sojourn, exactly (checked)
  sim::Duration served_ticks{};
#endif
  double service_seconds = 0.0;       // drawn at stage entry, before the handling factor
  std::uint64_t queue_seq = 0;        // enqueue order, for "longest waiting"
  std::uint64_t arrival_index = 0;    // k-th arrival of its class: the subject of its random numbers
  std::uint64_t routing_word = 0;     // this visit's routing word (see StreamPurpose)
  std::uint64_t sla_stages_seen = 0;  // bit per SLA stage (CompiledStage::sla_bit) already judged
  std::uint32_t generation = 0;
  CustomerId prev = kNoCustomer, next = kNoCustomer;
  AgentId agent = kNoAgent;    // serving agent
  std::uint32_t interval = 0;  // arrival interval
  std::uint32_t visit = 0;     // stage visits so far, 0 at the entry stage
  // The visit that is its first to a stage with agents: the self-service stages passed
  // before it (an IVR at the entry) move it on.
  std::uint32_t first_desk_visit = 0;
  ClassId klass{};
  StageId stage{};
  StageId queued_at{};        // the stage whose line the current wait began in: its wait SLAs judge it
  std::uint16_t level = 0;    // not a char type: a store of one would alias every pointer the handlers hold
  bool counted = false;       // arrived inside the statistics window
  bool in_system = false;     // the slot holds a customer
  bool waiting = false;       // in a stage's queue
  bool holds_line = false;    // holds a trunk line until it leaves
  bool called_back = false;   // took a callback: waits in line without abandoning (Stage::callback)
  std::uint16_t attempt = 0;  // 0 for the first; between a failed one and its redial, in_system is false
  // Its first visit to a stage with agents (the entry stage, unless self-service stages come
  // first): the visit ASA and the class's answer judge. Only a customer served moves on, so
  // a later visit is never one.
  bool entry_visit() const noexcept { return visit == first_desk_visit; }
};

}  // namespace capsim::model
