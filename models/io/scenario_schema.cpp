#include "models/io/scenario_schema.h"

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

#include "models/io/loader.h"
#include "models/limits.h"
#include "sim/distribution.h"

namespace capsim::io {
namespace {

using Json = nlohmann::ordered_json;
using detail::Keys;

// The scalars of the format, as the readers parse them (models/io/units.h). YAML gives
// numbers and strings; the readers take either where the text parses, so the patterns
// follow the parsers.
constexpr const char* kNumber = R"(\+?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)";  // never negative here
constexpr const char* kUnit = R"((ms|s|sec|min|h|hr|d))";

std::string pattern(const std::string& body) { return "^\\s*" + body + "\\s*$"; }

Json ref(const std::string& name) { return {{"$ref", "#/$defs/" + name}}; }

Json described(Json value, const std::string& description) {
  value["description"] = description;
  return value;
}

Json whole(long long min, long long max, const std::string& description) {
  return {{"type", "integer"}, {"minimum", min}, {"maximum", max}, {"description", description}};
}

Json list_of(Json item, const std::string& description, std::size_t min_items = 1) {
  return {{"type", "array"}, {"items", std::move(item)}, {"minItems", min_items}, {"description", description}};
}

class Builder {
 public:
  // A map of the format: its properties are exactly `keys` (the reader's table), each with
  // the value given for it in `values`; anything else is a bug in this file.
  Json map_of(const std::string& pointer, const Keys& keys, std::map<std::string, Json> values,
              const std::string& description, const Keys& required = {}) {
    Json properties = Json::object();
    for (const std::string& key : keys) {
      const auto found = values.find(key);
      if (found == values.end())
        throw std::logic_error("scenario schema: no value described for " + pointer + "/" + key);
      properties[key] = std::move(found->second);
      values.erase(found);
    }
    if (!values.empty())
      throw std::logic_error("scenario schema: a value described for " + pointer + "/" + values.begin()->first +
                             ", a key the reader does not accept");
    maps_.push_back({pointer, keys});
    Json map = {{"type", "object"},
                {"description", description},
                {"properties", std::move(properties)},
                {"additionalProperties", false}};
    if (!required.empty()) map["required"] = required;
    return map;
  }
  std::vector<SchemaMap> maps() const { return maps_; }

 private:
  std::vector<SchemaMap> maps_;
};

Json definitions(Builder& b) {
  using namespace detail;
  Json defs = Json::object();
  const std::string number = kNumber, unit = kUnit;
  defs["duration"] = {{"description", "a duration such as 20s, 4.5min, 2h or 1d (ms, s, min, h, d); a bare 0"},
                      {"anyOf", Json::array({{{"type", "string"}, {"pattern", pattern(number + "\\s*" + unit)}},
                                             {{"const", 0}},
                                             {{"type", "string"}, {"pattern", pattern("\\+?0*\\.?0*")}}})}};
  defs["clock"] = {{"type", "string"},
                   {"description", "a clock time such as \"08:30\" (quote it: YAML reads 08:30 otherwise)"},
                   {"pattern", pattern(R"(\d{1,2}:\d{2}(:\d{2})?)")}};
  defs["day_clock"] = {{"type", "string"},
                       {"description", "a clock time such as \"14:00\", or with a weekday such as \"Tue 14:00\""},
                       {"pattern", pattern(R"(([A-Za-z]+\s+)?\d{1,2}:\d{2}(:\d{2})?)")}};
  defs["rate"] = {{"type", "string"},
                  {"description", "a rate such as 120/h or 18/min (per ms, s, min, h or d)"},
                  {"pattern", pattern(number + "\\s*/\\s*" + unit)}};
  defs["busyness_cv"] = {
      {"description", "a coefficient of variation from 0 to 100% such as 8% or 0.08"},
      {"anyOf", Json::array({{{"type", "number"}, {"minimum", 0}, {"maximum", model::kMaxBusynessCv}},
                             {{"type", "string"}, {"pattern", pattern(number + "\\s*%?")}}})}};
  defs["fraction"] = {{"description", "a fraction from 0 to 1 such as 80% or 0.8"},
                      {"anyOf", Json::array({{{"type", "number"}, {"minimum", 0}, {"maximum", 1}},
                                             {{"type", "string"}, {"pattern", pattern(number + "\\s*%?")}}})}};
  defs["cost"] = {
      {"description", "a cost per hour such as 28/h (or a plain number per hour)"},
      {"anyOf", Json::array({{{"type", "number"}, {"minimum", 0}, {"maximum", model::kMaxCostPerHour}}, ref("rate")})}};
  defs["boolean"] = {{"description", "true or false"},
                     {"anyOf", Json::array({{{"type", "boolean"}}, {{"enum", {"true", "false", "yes", "no"}}}})}};
  defs["names"] = {
      {"description", "a name, or a list of names"},
      {"anyOf", Json::array({{{"type", "string"}}, {{"type", "array"}, {"items", {{"type", "string"}}}}})}};
  defs["weekdays"] =
      list_of({{"type", "string"}, {"pattern", pattern("[A-Za-z]{3,9}")}}, "weekdays such as [mon, tue, wed]");
  // Per-interval values: one per interval, or per day of the week.
  const auto per_interval = [&](const std::string& name, const Json& value, const std::string& what) {
    std::map<std::string, Json> days;
    for (const std::string& day : kDayKeys)
      days[day] = list_of(value, what + " of each interval of " + (day == "weekdays" ? "Monday to Friday" : day));
    Json by_day = b.map_of("/$defs/" + name + "/anyOf/1", kDayKeys, std::move(days),
                           what + " per day of the week (weekdays: Monday to Friday)");
    Json from_file = b.map_of("/$defs/" + name + "/anyOf/2", kForecastKeys,
                              {{"file",
                                {{"type", "string"},
                                 {"description",
                                  "a CSV file (relative to the scenario) with a header naming "
                                  "interval, the values' column and, over days, day"}}}},
                              what + " from a forecast file");
    return Json{
        {"description", what + ", one per interval, {weekdays: [...], saturday: [...], sunday: [...]} or "
                               "{file: forecast.csv}"},
        {"anyOf", Json::array({list_of(value, what + ", one per interval"), std::move(by_day), std::move(from_file)})}};
  };
  defs["arrival_counts"] = per_interval("arrival_counts", {{"type", "number"}, {"minimum", 0}}, "arrival counts");
  defs["agent_counts"] = per_interval("agent_counts", whole(0, model::kMaxAgents, "agents"), "agents on duty");

  defs["distribution"] = b.map_of(
      "/$defs/distribution", kDistributionKeys,
      {{"dist", {{"type", "string"}, {"enum", sim::family_name_list()}, {"description", "the family"}}},
       {"mean", described(ref("duration"), "the mean")},
       {"cv", {{"type", "number"}, {"exclusiveMinimum", 0}, {"description", "the coefficient of variation"}}},
       {"sd", described(ref("duration"), "the standard deviation (normal)")},
       {"min", described(ref("duration"), "the least value (uniform, triangular)")},
       {"mode", described(ref("duration"), "the most likely value (triangular)")},
       {"max", described(ref("duration"), "the largest value (uniform, triangular)")},
       {"k", whole(1, 10000, "the number of phases (erlang)")},
       {"value", described(ref("duration"), "the one value (deterministic)")},
       {"values", list_of(ref("duration"), "the values to draw from (empirical)")},
       {"file",
        {{"type", "string"}, {"description", "a file of values, one a line (empirical), relative to the scenario"}}},
       {"p", list_of(ref("fraction"), "the phase probabilities (hyperexponential)")},
       {"means", list_of(ref("duration"), "the phase means (hyperexponential)")}},
      "a distribution such as {dist: exponential, mean: 5min} or {dist: lognormal, mean: 5min, cv: 0.8}", {"dist"});

  defs["horizon"] =
      b.map_of("/$defs/horizon", kHorizonKeys,
               {{"start", described(ref("day_clock"), "a clock window's start, such as \"08:00\" or \"Mon 00:00\"")},
                {"end", described(ref("clock"), "a clock window's end (on the next day when at or before the start)")},
                {"days", whole(1, 3650, "a clock window of whole days, instead of end")},
                {"interval", described(ref("duration"), "the reporting and staffing interval, such as 30min")},
                {"length", described(ref("duration"), "a steady-state run's length, instead of a clock window")},
                {"warmup", described(ref("duration"), "a steady-state run's warm-up, left out of the statistics")}},
               "the simulated time: a clock window {start, end or days, interval} or a steady state {length, warmup}");

  defs["arrivals"] = b.map_of(
      "/$defs/arrivals", kArrivalKeys,
      {{"rate", described(ref("rate"), "a constant Poisson rate")},
       {"per_interval", described(ref("arrival_counts"), "expected arrivals per interval (Poisson)")},
       {"times", list_of({{"anyOf", Json::array({ref("clock"), ref("duration")})}},
                         "replayed arrival times: clock times, or durations from the start")},
       {"trace",
        {{"type", "string"},
         {"description", "a CSV of recorded arrivals (time[,class][,handling][,patience]), replayed"}}},
       {"busyness_cv",
        described(ref("busyness_cv"), "day-level volume uncertainty: a gamma factor of mean 1 per replication")}},
      "how customers arrive: exactly one of rate, per_interval, times or trace (and busyness_cv)");
  defs["trunks"] =
      b.map_of("/$defs/trunks", kTrunkKeys,
               {{"lines", whole(1, model::kMaxQueueCapacity, "lines; an arrival finding all busy is blocked")},
                {"customers", described(ref("names"), "the classes whose calls hold a line (default: every class)")}},
               "telephone lines held from arrival until the customer leaves", {"lines"});
  defs["failure_cost"] = b.map_of("/$defs/failure_cost", kFailureCostKeys,
                                  {{"abandoned",
                                    {{"type", "number"},
                                     {"minimum", 0},
                                     {"maximum", model::kMaxFailureCost},
                                     {"description", "per customer who abandons"}}},
                                   {"blocked",
                                    {{"type", "number"},
                                     {"minimum", 0},
                                     {"maximum", model::kMaxFailureCost},
                                     {"description", "per customer blocked"}}},
                                   {"balked",
                                    {{"type", "number"},
                                     {"minimum", 0},
                                     {"maximum", model::kMaxFailureCost},
                                     {"description", "per customer who balks"}}},
                                   {"sla_breach",
                                    {{"type", "number"},
                                     {"minimum", 0},
                                     {"maximum", model::kMaxFailureCost},
                                     {"description", "per SLA missed by a customer"}}}},
                                  "what each failure costs: per abandonment, block, balk and SLA missed");
  defs["redial"] =
      b.map_of("/$defs/redial", kRedialKeys,
               {{"probability", described(ref("fraction"), "the chance a failed attempt is followed by another")},
                {"delay", described(ref("distribution"), "time from a failed attempt to the next")},
                {"max_attempts", whole(1, model::kMaxAttempts, "attempts in all, the first included (default 2)")}},
               "a customer whose attempt abandons, is blocked or balks tries again", {"probability", "delay"});
  defs["backlog"] =
      b.map_of("/$defs/backlog", kBacklogKeys,
               {{"count", whole(0, model::kMaxBacklog, "customers waiting at the entry stage at the start")},
                {"waited", described(ref("distribution"), "how long each has already waited")}},
               "customers already waiting when the horizon starts", kBacklogKeys);
  defs["customer"] = b.map_of(
      "/$defs/customer", kCustomerKeys,
      {{"arrivals", ref("arrivals")},
       {"patience", described(ref("distribution"), "how long a customer waits before giving up (none: forever)")},
       {"priority", whole(-1000, 1000, "higher is served first")},
       {"entry", {{"type", "string"}, {"description", "the stage customers enter first"}}},
       {"cost", ref("failure_cost")},
       {"backlog", ref("backlog")},
       {"redial", ref("redial")}},
      "a customer class (its arrivals may come from the top-level trace instead)", {"entry"});

  defs["break"] = b.map_of("/$defs/break", kBreakKeys,
                           {{"window",
                             {{"type", "array"},
                              {"items", ref("clock")},
                              {"minItems", 2},
                              {"maxItems", 2},
                              {"description", "the window [from, to] within which the line's agents take it"}}},
                            {"length", described(ref("duration"), "each agent's break")}},
                           "a break of a shift line", kBreakKeys);
  defs["shift"] =
      b.map_of("/$defs/shift", kShiftKeys,
               {{"start", described(ref("clock"), "when the shift starts")},
                {"end", described(ref("clock"), "when it ends (on the next day when at or before the start)")},
                {"agents", whole(0, model::kMaxAgents, "agents on the line")},
                {"breaks", list_of(ref("break"), "the breaks", 0)},
                {"days", described(ref("weekdays"), "the weekdays it works (default: every day)")}},
               "a shift line of the roster", kRequiredShiftKeys);
  defs["template_start"] = b.map_of("/$defs/template_start", kTemplateStartKeys,
                                    {{"from", described(ref("clock"), "the earliest start")},
                                     {"to", described(ref("clock"), "the latest start")},
                                     {"every", described(ref("duration"), "the step between start times")}},
                                    "start times from..to in steps of every", {"from"});
  defs["template_break"] = b.map_of(
      "/$defs/template_break", kTemplateBreakKeys,
      {{"after",
        {{"description", "when after the shift's start: a time, or a range [earliest, latest]"},
         {"anyOf", Json::array({ref("duration"),
                                {{"type", "array"}, {"items", ref("duration")}, {"minItems", 2}, {"maxItems", 2}}})}}},
       {"length", described(ref("duration"), "the break's length")},
       {"every", described(ref("duration"), "the step between placements in the range")}},
      "a break of a shift template", {"after", "length"});
  defs["template"] =
      b.map_of("/$defs/template", kTemplateKeys,
               {{"name", {{"type", "string"}, {"description", "a name for the template (default: POOL.INDEX)"}}},
                {"start",
                 {{"description", "one start time, or {from, to, every}"},
                  {"anyOf", Json::array({ref("clock"), ref("template_start")})}}},
                {"length",
                 {{"description", "the shift's length, or a list of lengths to choose from"},
                  {"anyOf", Json::array({ref("duration"), list_of(ref("duration"), "lengths")})}}},
                {"breaks", list_of(ref("template_break"), "the breaks", 0)},
                {"cost", described(ref("cost"), "the template's cost per hour (default: the pool's)")},
                {"min", whole(0, model::kMaxAgents, "the fewest agents on it each day it works")},
                {"max", whole(0, model::kMaxAgents, "the most agents on it each day it works")},
                {"days", described(ref("weekdays"), "the weekdays it works (default: every day)")}},
               "a shift `capsim schedule` may roster", kRequiredTemplateKeys);
  defs["pool"] =
      b.map_of("/$defs/pool", kPoolKeys,
               {{"agents", whole(0, model::kMaxAgents, "agents on duty throughout")},
                {"staffing", described(ref("agent_counts"), "agents on duty per interval")},
                {"shifts", list_of(ref("shift"), "the roster: shift lines")},
                {"cost", described(ref("cost"), "cost per agent-hour on duty")},
                {"overtime_cost", described(ref("cost"), "cost per hour worked past a shift's end")},
                {"absenteeism", described(ref("fraction"), "the share of agents absent for a shift day (below 100%)")},
                {"shrinkage", described(ref("fraction"), "the share of agents away for an interval (below 100%)")},
                {"skills",
                 {{"type", "object"},
                  {"description", "skill level per stage (1 = first choice)"},
                  {"additionalProperties", whole(1, model::kMaxSkillLevel, "a skill level")}}},
                {"templates", list_of(ref("template"), "the shifts `capsim schedule` may roster")},
                {"max_agents", whole(0, model::kMaxAgents, "the most agents `capsim schedule` rosters on one day")}},
               "a pool of agents: agents, staffing or shifts (or templates alone)");

  defs["pool_choice"] = b.map_of("/$defs/pool_choice", kPoolChoiceKeys,
                                 {{"pool", {{"type", "string"}, {"description", "the pool"}}},
                                  {"handling_factor",
                                   {{"type", "number"},
                                    {"exclusiveMinimum", 0},
                                    {"maximum", model::kMaxHandlingFactor},
                                    {"description", "multiplies the service time when this pool serves"}}}},
                                 "a pool with its handling factor", {"pool"});
  defs["queue"] =
      b.map_of("/$defs/queue", kQueueKeys,
               {{"capacity", whole(0, model::kMaxQueueCapacity, "waiting places (arrivals beyond are blocked)")},
                {"discipline", {{"enum", {"fifo", "priority"}}, {"description", "fifo or priority"}}}},
               "the stage's line");
  defs["balking"] = b.map_of(
      "/$defs/balking", kBalkingKeys,
      {{"queue_length", list_of(whole(0, model::kMaxQueueCapacity, "customers waiting"),
                                "increasing queue lengths at which an arrival may balk")},
       {"probability", list_of(ref("fraction"), "the probability of balking at each length (the largest reached)")}},
      "arrivals who would wait leave at once with a probability set by the line they find", kBalkingKeys);
  defs["overflow"] = b.map_of(
      "/$defs/overflow", kOverflowKeys,
      {{"after", described(ref("duration"), "the wait in this stage's line after which the customer overflows")},
       {"pools", list_of({{"anyOf", Json::array({{{"type", "string"}}, ref("pool_choice")})}},
                         "extra pools that may then serve it too, keeping its place (after their own work)")},
       {"to", {{"type", "string"}, {"description", "or the stage whose line it then moves to, keeping its wait"}}}},
      "after a wait, more pools may serve the customer, or it moves to another stage's line", {"after"});
  defs["callback"] = b.map_of(
      "/$defs/callback", kCallbackKeys,
      {{"offer_when_wait_above",
        described(ref("duration"), "a callback is offered when the expected wait on joining the line is above this")},
       {"accept", described(ref("fraction"), "the chance a customer offered a callback takes it")}},
      "virtual hold: a customer who takes a callback keeps its place and no longer abandons", kCallbackKeys);
  defs["stage"] = b.map_of(
      "/$defs/stage", kStageKeys,
      {{"service", described(ref("distribution"), "the handling time")},
       {"pools", list_of({{"anyOf", Json::array({{{"type", "string"}}, ref("pool_choice")})}},
                         "the pools that serve it, in order of preference")},
       {"queue", ref("queue")},
       {"next",
        {{"type", "object"},
         {"description", "where customers go next (stage names or exit) with probabilities summing to 1"},
         {"additionalProperties", ref("fraction")}}},
       {"abandonment", described(ref("boolean"), "whether patience runs here (default: in the front lane only)")},
       {"wrap_up", described(ref("distribution"), "after-contact work that holds the agent")},
       {"concurrency", whole(1, model::kMaxConcurrency, "customers one agent serves at once")},
       {"needs", described(ref("names"), "support systems the service needs")},
       {"balking", ref("balking")},
       {"overflow", ref("overflow")},
       {"callback", ref("callback")},
       {"lane",
        {{"enum", Json::array({"front", "back", "support"})},
         {"description", "the blueprint lane (default: front for an entry stage, back otherwise)"}}},
       {"self_service",
        described(ref("boolean"), "no agents and no line: every customer is delayed by its service time")}},
      "a stage of the blueprint (pools required unless self_service)", {"service"});

  defs["sla"] = b.map_of(
      "/$defs/sla", kSlaKeys,
      {{"customers", described(ref("names"), "the classes it covers (default: every class)")},
       {"stage", {{"type", "string"}, {"description", "the stage whose wait it judges (default: each class's entry)"}}},
       {"wait_within", described(ref("duration"), "answered within this wait")},
       {"sojourn_within", described(ref("duration"), "through the whole journey within this time")},
       {"target", described(ref("fraction"), "the share that must be within it, such as 80%")},
       {"exclude_abandoned_within",
        described(ref("duration"), "abandons within this wait are left out of the denominator (wait SLAs)")},
       {"count_blocked", described(ref("boolean"), "whether blocked customers count as misses (default true)")},
       {"by",
        {{"enum", Json::array({"arrival", "answer"})},
         {"description", "per-interval results by the arrival interval (default) or by the answer's"}}}},
      "a service level agreement: wait_within or sojourn_within, and a target", {"target"});

  defs["outage"] = b.map_of("/$defs/outage", kOutageKeys,
                            {{"from", described(ref("day_clock"), "when it goes down")},
                             {"to", described(ref("day_clock"), "when it comes back")}},
                            "a planned outage (every day, or every week with a weekday)", kOutageKeys);
  defs["failures"] = b.map_of("/$defs/failures", kFailureKeys,
                              {{"between", described(ref("distribution"), "time between failures")},
                               {"repair", described(ref("distribution"), "time to repair")}},
                              "random failures and repairs", kFailureKeys);
  defs["system"] = b.map_of("/$defs/system", kSystemKeys,
                            {{"down", list_of(ref("outage"), "planned outages", 0)}, {"failures", ref("failures")}},
                            "a support system (a CRM, a telephony platform)");

  defs["assertion"] = b.map_of(
      "/$defs/assertion", kAssertionKeys,
      {{"kpi", {{"type", "string"}, {"description", "a KPI path such as slas.answer_20s or kpis.abandon_rate"}}},
       {"at_least", {{"type", {"number", "string"}}, {"description", "the least it may be, such as 80%, 15s or 2000"}}},
       {"at_most", {{"type", {"number", "string"}}, {"description", "the most it may be"}}}},
      "an assertion `capsim check` judges", {"kpi"});
  const Json sweep_values = {
      {"description", "a list of values, or a range such as \"10..20:2\""},
      {"anyOf", Json::array({{{"type", "array"}, {"minItems", 1}}, {{"type", "string"}}, {{"type", "number"}}})}};
  const Json sweep_keys = {{"type", "object"},
                           {"description", "key paths (as --set takes them) and their values"},
                           {"additionalProperties", sweep_values}};
  defs["sweep"] = b.map_of("/$defs/sweep", kSweepKeys,
                           {{"grid", described(sweep_keys, "every combination of the keys' values")},
                            {"zip", described(sweep_keys, "the keys' values taken together, position by position")}},
                           "the points `capsim sweep` runs when given no --grid or --zip");
  defs["staff_target"] =
      b.map_of("/$defs/staff_target", kStaffTargetKeys,
               {{"sla", {{"type", "string"}, {"description", "an SLA to meet"}}},
                {"per_interval", described(ref("boolean"), "in every interval (default), or over the day only")},
                {"risk_at_most", described(ref("fraction"), "the most days that may miss the SLA's target")},
                {"kpi", {{"enum", kStaffKpis}, {"description", "a KPI bound instead of an SLA"}}},
                {"at_most", {{"type", {"number", "string"}}, {"description", "the KPI's bound, such as 5% or 30s"}}}},
               "a target of `capsim staff`: an sla, or a kpi with at_most");
  defs["staff"] = b.map_of("/$defs/staff", kStaffKeys,
                           {{"pools", described(ref("names"), "the pools staff and schedule may change")},
                            {"max_agents", whole(1, model::kMaxAgents, "the most agents per pool and interval")},
                            {"targets", list_of(ref("staff_target"), "what the staffing must meet")}},
                           "where `capsim staff` and `schedule` may go, and what they must meet");
  return defs;
}

Json schema(Builder& b) {
  using namespace detail;
  Json defs = definitions(b);
  const auto named = [](const Json& value, const std::string& description) {
    return Json{{"type", "object"}, {"description", description}, {"additionalProperties", value}};
  };
  Json root = b.map_of(
      "", kTopKeys,
      {{"name", {{"type", "string"}, {"description", "the scenario's name, shown in reports"}}},
       {"description", {{"type", "string"}, {"description", "free text"}}},
       {"seed",
        {{"description", "the random seed: a whole number from 0 to 18446744073709551615"},
         {"anyOf",
          Json::array({{{"type", "integer"}, {"minimum", 0}}, {{"type", "string"}, {"pattern", "^[0-9]{1,20}$"}}})}}},
       {"replications", whole(1, model::kMaxReplications, "independent runs of the horizon")},
       {"horizon", ref("horizon")},
       {"busyness_cv", described(ref("busyness_cv"), "a day factor every class with random arrivals shares")},
       {"trace",
        {{"type", "string"},
         {"description",
          "a CSV of recorded arrivals of several classes (time,class[,handling][,patience]); "
          "classes without arrivals take their rows"}}},
       {"trunks", ref("trunks")},
       {"customers", named(ref("customer"), "customer classes by name")},
       {"pools", named(ref("pool"), "agent pools by name")},
       {"stages", named(ref("stage"), "stages of the blueprint by name")},
       {"sla", named(ref("sla"), "service level agreements by name")},
       {"systems", named(ref("system"), "support systems by name")},
       {"assert", list_of(ref("assertion"), "assertions for `capsim check`", 0)},
       {"sweep", ref("sweep")},
       {"staff",
        {{"description", "staff targets, or {pools, max_agents, targets}"},
         {"anyOf", Json::array({list_of(ref("staff_target"), "targets"), ref("staff")})}}}},
      "a capsim scenario: a service blueprint with its customers, agents and SLAs", kRequiredTopKeys);
  Json document = {{"$schema", "https://json-schema.org/draft/2020-12/schema"}, {"title", "capsim scenario"}};
  for (auto& [key, value] : root.items()) document[key] = value;
  document["$defs"] = std::move(defs);
  return document;
}

}  // namespace

std::string scenario_schema() {
  Builder builder;
  return schema(builder).dump(2) + "\n";
}

std::vector<SchemaMap> scenario_schema_maps() {
  Builder builder;
  schema(builder);
  return builder.maps();
}

}  // namespace capsim::io
