// KpiLayout: the names and order of every KPI a replication reports, derived from the
// compiled model alone. A replication's result is a flat vector of doubles in this order;
// writers walk the layout. The KPI names are a public contract (JSON, CSV, `--set`-driven
// scripts): see README "Output".
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/compiled_model.h"

namespace capsim::model {

enum class ScopeKind { overall, customer_class, pool, stage, sla, interval, system };
std::string_view scope_kind_name(ScopeKind kind);
// Where a scope's KPIs sit in the JSON result: "classes", "pools", "stages", "systems",
// "intervals", "slas"; "" for the overall KPIs (top-level "kpis"). The one map the JSON
// writer, the KPI-path grammar and the baseline reader share.
std::string_view json_section(ScopeKind kind);
// The scope whose named entries a top-level section holds, each as NAME.kpis.K (classes,
// pools, stages, systems); nullopt for any other key.
std::optional<ScopeKind> named_scope_of_section(std::string_view section);
// The names of a named scope's entries in the model (its classes, pools, stages, systems).
std::vector<std::string> scope_names(const CompiledModel& model, ScopeKind kind);
// The named scopes in the order the JSON result writes them.
inline constexpr std::array<ScopeKind, 4> kNamedScopes{ScopeKind::customer_class, ScopeKind::pool, ScopeKind::stage,
                                                       ScopeKind::system};

// What a KPI's number is: its unit (and so its domain: fractions lie in [0, 1], everything
// else is >= 0) and which direction is better. Writers format, and comparisons judge, by
// these descriptors, never by guessing from the name.
enum class KpiUnit { count, seconds, hours, fraction, agents, money, plain };
enum class Better { higher, lower, neither };
struct KpiInfo {
  std::string_view name;
  KpiUnit unit;
  Better better;
};
std::string_view unit_name(KpiUnit unit);
std::string_view better_name(Better better);

// Overall and per class.
enum class ClassKpi {
  offered,
  answered,
  served,
  abandoned,
  blocked,
  balked,
  unfinished,
  unique_customers,
  redials,
  lost_customers,
  abandon_rate,
  block_rate,
  balk_rate,
  first_attempt_resolution,
  p_wait,
  wait_mean,
  wait_p50,
  wait_p90,
  wait_p95,
  wait_p99,
  sojourn_mean,
  queue_len_mean,
  failure_cost,
  lane_time_front,  // per attempt: time in the lane's stages, waiting and served
  lane_time_back,
  lane_time_support,
  callbacks_offered,
  callbacks_accepted,
  callback_wait_mean,  // of customers who took a callback and were called back
  count_
};
// clang-format off
inline constexpr std::array<KpiInfo, static_cast<std::size_t>(ClassKpi::count_)> kClassKpis{{
    {"offered", KpiUnit::count, Better::neither},
    {"answered", KpiUnit::count, Better::higher},
    {"served", KpiUnit::count, Better::higher},
    {"abandoned", KpiUnit::count, Better::lower},
    {"blocked", KpiUnit::count, Better::lower},
    {"balked", KpiUnit::count, Better::lower},
    {"unfinished", KpiUnit::count, Better::lower},
    {"unique_customers", KpiUnit::count, Better::neither},
    {"redials", KpiUnit::count, Better::lower},
    {"lost_customers", KpiUnit::count, Better::lower},
    {"abandon_rate", KpiUnit::fraction, Better::lower},
    {"block_rate", KpiUnit::fraction, Better::lower},
    {"balk_rate", KpiUnit::fraction, Better::lower},
    {"first_attempt_resolution", KpiUnit::fraction, Better::higher},
    {"p_wait", KpiUnit::fraction, Better::lower},
    {"wait_mean", KpiUnit::seconds, Better::lower},
    {"wait_p50", KpiUnit::seconds, Better::lower},
    {"wait_p90", KpiUnit::seconds, Better::lower},
    {"wait_p95", KpiUnit::seconds, Better::lower},
    {"wait_p99", KpiUnit::seconds, Better::lower},
    {"sojourn_mean", KpiUnit::seconds, Better::lower},
    {"queue_len_mean", KpiUnit::plain, Better::lower},
    {"failure_cost", KpiUnit::money, Better::lower},
    {"lane_time_front", KpiUnit::seconds, Better::neither},
    {"lane_time_back", KpiUnit::seconds, Better::neither},
    {"lane_time_support", KpiUnit::seconds, Better::neither},
    {"callbacks_offered", KpiUnit::count, Better::neither},
    {"callbacks_accepted", KpiUnit::count, Better::neither},
    {"callback_wait_mean", KpiUnit::seconds, Better::lower},
}};
// clang-format on

enum class PoolKpi {
  staffed_mean,
  utilization,
  cost,
  scheduled,
  available,
  occupancy,
  slot_utilization,
  overtime_hours,
  break_delay_mean,
  count_
};
inline constexpr std::array<KpiInfo, static_cast<std::size_t>(PoolKpi::count_)> kPoolKpis{{
    {"staffed_mean", KpiUnit::agents, Better::neither},
    {"utilization", KpiUnit::fraction, Better::neither},
    {"cost", KpiUnit::money, Better::lower},
    {"scheduled", KpiUnit::agents, Better::neither},
    {"available", KpiUnit::agents, Better::neither},
    {"occupancy", KpiUnit::fraction, Better::neither},
    {"slot_utilization", KpiUnit::fraction, Better::neither},
    {"overtime_hours", KpiUnit::hours, Better::lower},
    {"break_delay_mean", KpiUnit::seconds, Better::lower},
}};

enum class StageKpi {
  offered,
  served,
  abandoned,
  blocked,
  balked,
  overflowed,
  wait_mean,
  queue_len_mean,
  in_stage_mean,
  aht_mean,
  count_
};
inline constexpr std::array<KpiInfo, static_cast<std::size_t>(StageKpi::count_)> kStageKpis{{
    {"offered", KpiUnit::count, Better::neither},
    {"served", KpiUnit::count, Better::higher},
    {"abandoned", KpiUnit::count, Better::lower},
    {"blocked", KpiUnit::count, Better::lower},
    {"balked", KpiUnit::count, Better::lower},
    {"overflowed", KpiUnit::count, Better::neither},
    {"wait_mean", KpiUnit::seconds, Better::lower},
    {"queue_len_mean", KpiUnit::plain, Better::lower},
    {"in_stage_mean", KpiUnit::plain, Better::lower},
    {"aht_mean", KpiUnit::seconds, Better::neither},
}};

enum class SystemKpi { downtime_hours, outages, count_ };
inline constexpr std::array<KpiInfo, static_cast<std::size_t>(SystemKpi::count_)> kSystemKpis{{
    {"downtime_hours", KpiUnit::hours, Better::lower},
    {"outages", KpiUnit::count, Better::lower},
}};

// `met` is 1 when the replication reached the target; risk = 1 - mean(met).
enum class SlaKpi { attained, met, count_ };
inline constexpr std::array<KpiInfo, static_cast<std::size_t>(SlaKpi::count_)> kSlaKpis{{
    {"attained", KpiUnit::fraction, Better::higher},
    {"met", KpiUnit::fraction, Better::higher},
}};

// Per interval (agent KPIs over all pools); followed by one "service_level.<sla>" per SLA,
// then "scheduled.<pool>", "available.<pool>", "occupancy.<pool>" per pool.
enum class IntervalKpi {
  offered,
  served,
  abandoned,
  asa,
  staffed,
  utilization,
  scheduled,
  available,
  occupancy,
  count_
};
inline constexpr std::array<KpiInfo, static_cast<std::size_t>(IntervalKpi::count_)> kIntervalKpis{{
    {"offered", KpiUnit::count, Better::neither},
    {"served", KpiUnit::count, Better::higher},
    {"abandoned", KpiUnit::count, Better::lower},
    {"asa", KpiUnit::seconds, Better::lower},
    {"staffed", KpiUnit::agents, Better::neither},
    {"utilization", KpiUnit::fraction, Better::neither},
    {"scheduled", KpiUnit::agents, Better::neither},
    {"available", KpiUnit::agents, Better::neither},
    {"occupancy", KpiUnit::fraction, Better::neither},
}};
// Each interval's "service_level.<sla>" slot, and its per-pool agent slots.
inline constexpr KpiInfo kIntervalServiceLevel{"service_level", KpiUnit::fraction, Better::higher};
enum class IntervalPoolKpi { scheduled, available, occupancy, count_ };
inline constexpr std::array<KpiInfo, static_cast<std::size_t>(IntervalPoolKpi::count_)> kIntervalPoolKpis{{
    {"scheduled", KpiUnit::agents, Better::neither},
    {"available", KpiUnit::agents, Better::neither},
    {"occupancy", KpiUnit::fraction, Better::neither},
}};

struct KpiSlot {
  ScopeKind scope;
  std::size_t scope_index;  // class, pool, stage, SLA or interval index; 0 for overall
  std::string scope_name;
  std::string kpi;
  KpiUnit unit = KpiUnit::plain;
  Better better = Better::neither;
};

class KpiLayout {
 public:
  explicit KpiLayout(const CompiledModel& model);

  const std::vector<KpiSlot>& slots() const { return slots_; }
  std::size_t size() const { return slots_.size(); }

  std::size_t overall(ClassKpi kpi) const { return static_cast<std::size_t>(kpi); }
  std::size_t of_class(std::size_t c, ClassKpi kpi) const {
    return class_base_ + c * kClassCount + static_cast<std::size_t>(kpi);
  }
  std::size_t of_pool(std::size_t p, PoolKpi kpi) const {
    return pool_base_ + p * kPoolCount + static_cast<std::size_t>(kpi);
  }
  std::size_t of_stage(std::size_t s, StageKpi kpi) const {
    return stage_base_ + s * kStageCount + static_cast<std::size_t>(kpi);
  }
  std::size_t of_sla(std::size_t k, SlaKpi kpi) const {
    return sla_base_ + k * kSlaCount + static_cast<std::size_t>(kpi);
  }
  std::size_t of_interval(std::size_t i, IntervalKpi kpi) const {
    return interval_base_ + i * interval_stride_ + static_cast<std::size_t>(kpi);
  }
  std::size_t of_interval_sla(std::size_t i, std::size_t k) const {
    return interval_base_ + i * interval_stride_ + kIntervalCount + k;
  }
  std::size_t of_interval_pool(std::size_t i, std::size_t p, IntervalPoolKpi kpi) const {
    return interval_base_ + i * interval_stride_ + kIntervalCount + slas_ + p * kIntervalPoolCount +
           static_cast<std::size_t>(kpi);
  }
  std::size_t of_system(std::size_t y, SystemKpi kpi) const {
    return system_base_ + y * kSystemCount + static_cast<std::size_t>(kpi);
  }

  // Slots [first, last) of one scope (its KPIs are contiguous).
  std::pair<std::size_t, std::size_t> range(ScopeKind scope, std::size_t index) const;

  // Index of (scope kind, scope name, kpi name), or size() when absent.
  std::size_t find(ScopeKind scope, std::string_view scope_name, std::string_view kpi) const;

 private:
  static constexpr std::size_t kClassCount = static_cast<std::size_t>(ClassKpi::count_);
  static constexpr std::size_t kPoolCount = static_cast<std::size_t>(PoolKpi::count_);
  static constexpr std::size_t kStageCount = static_cast<std::size_t>(StageKpi::count_);
  static constexpr std::size_t kSlaCount = static_cast<std::size_t>(SlaKpi::count_);
  static constexpr std::size_t kIntervalCount = static_cast<std::size_t>(IntervalKpi::count_);
  static constexpr std::size_t kIntervalPoolCount = static_cast<std::size_t>(IntervalPoolKpi::count_);
  static constexpr std::size_t kSystemCount = static_cast<std::size_t>(SystemKpi::count_);

  std::vector<KpiSlot> slots_;
  std::size_t class_base_ = 0, pool_base_ = 0, stage_base_ = 0, sla_base_ = 0, system_base_ = 0, interval_base_ = 0;
  std::size_t interval_stride_ = 0, slas_ = 0;
};

// Clock label of interval i ("08:30"), or its offset ("+2h00") for steady-state horizons.
std::string interval_label(const CompiledModel& model, std::size_t interval);

}  // namespace capsim::model
