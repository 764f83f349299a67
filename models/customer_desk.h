// What the workforce and the support systems ask of the customer side when agents become
// available other than by finishing work: the ServiceSystem is the desk; unit tests bring
// their own. A template parameter, so that no call is virtual.
#pragma once

#include "models/ids.h"

namespace capsim::model {

template <class D>
concept CustomerDesk = requires(D& desk, AgentId agent) {
  desk.serve_waiting();    // rule 3: agents became available; the waiting are answered at once
  desk.fill_slots(agent);  // concurrency: the agent's open slots take its stage's waiting
};

}  // namespace capsim::model
