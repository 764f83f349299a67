// SupportSystems: the systems a stage needs (a CRM, a telephony platform) going down and
// coming back, by planned outage windows and by random failures and repairs. No service
// starts at a stage while a system it needs is down; when one comes back, the waiting are
// answered at once (rule 3, through the customer desk). Their downtime and outages are kept
// in the KPI accounts.
// Cost: cold (a system change is an event of its own); allocates nothing per event.
#pragma once

#include <cstdint>
#include <vector>

#include "models/calendar.h"
#include "models/compiled_model.h"
#include "models/customer_desk.h"
#include "models/ids.h"
#include "models/kpi_accounts.h"
#include "models/random_layout.h"
#include "sim/random.h"

namespace capsim::model {

class SupportSystems {
 public:
  // The event's generation says which change it is.
  enum class Change : std::uint32_t { planned_start, planned_end, failure, repair };

  SupportSystems(const CompiledModel& model, std::uint64_t replication, Calendar& calendar, KpiAccounts& accounts);
  // After a copy (a paused replication resumed): what it reads and writes from now on.
  void rebind(const CompiledModel& model, Calendar& calendar, KpiAccounts& accounts) {
    model_ = &model;
    calendar_ = &calendar;
    accounts_ = &accounts;
  }

  // The replication starts: planned outages inside the horizon and every first failure.
  void start();
  // Whether a system `stage` needs is down (no service may start there).
  bool blocks(StageId stage) const noexcept { return stage_down_[index(stage)] > 0; }
  template <CustomerDesk Desk>
  void on_change(SystemId system, Change change, Desk& desk);

 private:
  struct SystemState {
    int planned = 0;  // planned outages in progress
    bool failed = false;
    std::uint64_t failures = 0;  // failures so far: the subject of the next gap's random number
    sim::StreamKey key{};
  };
  void schedule_failure(SystemId system);
  // Whether the change left a stage with every system it needs up.
  bool set_down(SystemId system, bool down);

  const CompiledModel* model_;
  Calendar* calendar_;
  KpiAccounts* accounts_;
  std::vector<SystemState> systems_;
  std::vector<std::uint32_t> stage_down_;  // per stage: systems it needs that are down
};

template <CustomerDesk Desk>
void SupportSystems::on_change(SystemId system_id, Change change, Desk& desk) {
  SystemState& system = systems_[index(system_id)];
  const bool was_down = system.planned > 0 || system.failed;
  switch (change) {
    case Change::planned_start: ++system.planned; break;
    case Change::planned_end: --system.planned; break;
    case Change::failure: {
      system.failed = true;
      sim::CounterStream random(system.key, system.failures, 0, static_cast<std::uint8_t>(StreamPurpose::repair));
      const sim::Duration repair = sim::ticks_from_seconds(model_->systems[index(system_id)].repair->sample(random));
      calendar_->schedule(EventKind::system, calendar_->now + repair, static_cast<std::uint32_t>(index(system_id)),
                          static_cast<std::uint32_t>(Change::repair));
      break;
    }
    case Change::repair:
      system.failed = false;
      ++system.failures;
      schedule_failure(system_id);
      break;
  }
  const bool down = system.planned > 0 || system.failed;
  if (down != was_down && set_down(system_id, down) && !down) desk.serve_waiting();
}

}  // namespace capsim::model
