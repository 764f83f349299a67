// Strong ids of the service model: a customer slot, a class, a stage, a pool, an SLA, an
// agent, a support system. Each is
// an index into a pre-sized table, typed so that one can never be passed for another;
// `index(id)` gives the number back for table access.
#pragma once

#include <cstddef>
#include <cstdint>
#include <type_traits>

namespace capsim::model {

enum class CustomerId : std::uint32_t {};
enum class ClassId : std::uint16_t {};
enum class StageId : std::uint16_t {};
enum class PoolId : std::uint16_t {};
enum class SlaId : std::uint16_t {};
enum class AgentId : std::uint32_t {};  // an agent of any pool: pools' agents are numbered in turn
enum class SystemId : std::uint16_t {};

inline constexpr CustomerId kNoCustomer{0xFFFFFFFFu};
inline constexpr AgentId kNoAgent{0xFFFFFFFFu};

template <class Id>
requires std::is_enum_v<Id>
constexpr std::size_t index(Id id) noexcept { return static_cast<std::size_t>(id); }

template <class Id>
requires std::is_enum_v<Id>
constexpr Id id_at(std::size_t i) noexcept { return static_cast<Id>(i); }

}  // namespace capsim::model
