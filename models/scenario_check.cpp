#include "models/scenario_check.h"

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/reverse_graph.hpp>
#include <cmath>
#include <map>
#include <set>
#include <sstream>

namespace capsim::model {
namespace {

using RoutingGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::bidirectionalS>;

template <class Graph>
std::vector<bool> reachable_from(const Graph& graph, std::size_t source) {
  std::vector<boost::default_color_type> colors(boost::num_vertices(graph), boost::white_color);
  boost::breadth_first_search(
      graph, boost::vertex(source, graph),
      boost::color_map(boost::make_iterator_property_map(colors.begin(), boost::get(boost::vertex_index, graph))));
  std::vector<bool> reached(colors.size());
  for (std::size_t v = 0; v < colors.size(); ++v) reached[v] = colors[v] != boost::white_color;
  return reached;
}

std::string format_number(double x) {
  std::ostringstream out;
  out << x;
  return out.str();
}

}  // namespace

std::vector<Problem> check_scenario(const Scenario& scenario) {
  std::vector<Problem> problems;
  const auto report = [&](std::string path, std::string message) {
    problems.push_back({std::move(path), std::move(message)});
  };

  std::map<std::string, std::size_t> stage_index;
  for (std::size_t s = 0; s < scenario.stages.size(); ++s) stage_index[scenario.stages[s].name] = s;
  std::map<std::string, std::size_t> pool_index;
  for (std::size_t p = 0; p < scenario.pools.size(); ++p) pool_index[scenario.pools[p].name] = p;
  std::map<std::string, std::size_t> class_index;
  for (std::size_t c = 0; c < scenario.customers.size(); ++c) class_index[scenario.customers[c].name] = c;

  const auto known_stages = [&] {
    std::string names;
    for (const auto& stage : scenario.stages) names += (names.empty() ? "" : ", ") + stage.name;
    return names;
  };

  if (scenario.customers.empty()) report("customers", "no customer classes; expected at least one");
  if (scenario.stages.empty()) report("stages", "no stages; expected at least one");
  if (scenario.pools.empty()) report("pools", "no pools; expected at least one");
  if (stage_index.count(kExitStage))
    report(std::string("stages.") + kExitStage, "\"exit\" is reserved for leaving the system");

  const int intervals = scenario.horizon.interval_count();
  for (const auto& customer : scenario.customers) {
    const std::string base = "customers." + customer.name;
    if (!stage_index.count(customer.entry))
      report(base + ".entry", "unknown stage \"" + customer.entry + "\"; expected one of " + known_stages());
    if (customer.arrivals.uses_per_interval() && static_cast<int>(customer.arrivals.per_interval.size()) != intervals)
      report(base + ".arrivals.per_interval", "has " + std::to_string(customer.arrivals.per_interval.size()) +
                                                  " values; expected one per interval of the horizon (" +
                                                  std::to_string(intervals) + ")");
  }
  for (const auto& pool : scenario.pools) {
    if (pool.staffing.size() > 1 && static_cast<int>(pool.staffing.size()) != intervals)
      report("pools." + pool.name + ".staffing", "has " + std::to_string(pool.staffing.size()) +
                                                     " values; expected one per interval of the horizon (" +
                                                     std::to_string(intervals) + ")");
  }

  for (const auto& stage : scenario.stages) {
    const std::string base = "stages." + stage.name;
    if (stage.pools.empty()) report(base + ".pools", "no pools serve this stage; expected at least one");
    for (const auto& pool : stage.pools)
      if (!pool_index.count(pool)) report(base + ".pools", "unknown pool \"" + pool + "\"");
    double total = 0.0;
    for (const auto& route : stage.next) {
      total += route.probability;
      if (route.to != kExitStage && !stage_index.count(route.to))
        report(base + ".next." + route.to,
               "unknown stage \"" + route.to + "\"; expected \"exit\" or one of " + known_stages());
    }
    if (!stage.next.empty() && std::abs(total - 1.0) > 1e-9)
      report(base + ".next", "probabilities sum to " + format_number(total) + "; expected 1");
  }

  for (const auto& sla : scenario.slas) {
    const std::string base = "sla." + sla.name;
    for (const auto& customer : sla.customers)
      if (!class_index.count(customer)) report(base + ".customers", "unknown customer class \"" + customer + "\"");
    if (!sla.stage.empty() && !stage_index.count(sla.stage))
      report(base + ".stage", "unknown stage \"" + sla.stage + "\"; expected one of " + known_stages());
  }
  if (!problems.empty()) return problems;  // the graph checks need resolved names

  // Wait SLAs judge a customer's first visit to their stage, remembered in a 64-bit set.
  std::set<std::string> sla_stages;
  for (const auto& sla : scenario.slas) {
    if (sla.measure != SlaMeasure::wait) continue;
    if (!sla.stage.empty()) {
      sla_stages.insert(sla.stage);
      continue;
    }
    for (const auto& customer : scenario.customers)
      if (sla.customers.empty() ||
          std::find(sla.customers.begin(), sla.customers.end(), customer.name) != sla.customers.end())
        sla_stages.insert(customer.entry);
  }
  if (sla_stages.size() > kMaxSlaStages)
    report("sla", "wait SLAs judge " + std::to_string(sla_stages.size()) + " different stages; at most " +
                      std::to_string(kMaxSlaStages) + " are supported");

  // Routing graph: vertex 0 is the arrival source, 1..S the stages, S+1 the exit.
  const std::size_t stage_count = scenario.stages.size();
  const std::size_t source = 0, exit = stage_count + 1;
  RoutingGraph graph(stage_count + 2);
  for (const auto& customer : scenario.customers) boost::add_edge(source, 1 + stage_index.at(customer.entry), graph);
  for (std::size_t s = 0; s < stage_count; ++s) {
    const auto& stage = scenario.stages[s];
    if (stage.next.empty()) boost::add_edge(1 + s, exit, graph);
    for (const auto& route : stage.next) {
      if (route.probability <= 0.0) continue;
      boost::add_edge(1 + s, route.to == kExitStage ? exit : 1 + stage_index.at(route.to), graph);
    }
  }
  const auto from_entries = reachable_from(graph, source);
  const auto to_exit = reachable_from(boost::make_reverse_graph(graph), exit);
  for (std::size_t s = 0; s < stage_count; ++s) {
    const std::string path = "stages." + scenario.stages[s].name;
    if (!from_entries[1 + s])
      report(path, "stage is not reachable from any customer class's entry; expected every stage to be used");
    else if (!to_exit[1 + s])
      report(path + ".next", "customers reaching this stage can never leave; expected a route to \"exit\"");
  }
  return problems;
}

}  // namespace capsim::model
