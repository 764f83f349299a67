// A covering integer program: choose whole numbers x >= 0 (each at most its upper bound)
// at least cost, with rows lower <= sum(a_j x_j) <= upper. `capsim schedule` builds one
// (columns: shift placements; rows: each interval's requirement, the templates' and
// pools' bounds). Solved by COIN-OR CBC (branch and cut); the LP relaxation by COIN-OR
// CLP gives the lower bound reported beside the answer. The solvers stay in one file.
#pragma once

#include <cstddef>
#include <limits>
#include <utility>
#include <vector>

namespace capsim::experiment {

struct CoveringRow {
  std::vector<std::pair<std::size_t, double>> terms;  // (column, coefficient)
  double lower = 0.0;
  double upper = std::numeric_limits<double>::infinity();
};

struct CoveringProgram {
  std::vector<double> cost;   // per column
  std::vector<double> upper;  // per column; infinity: unbounded
  std::vector<CoveringRow> rows;
};

enum class CoveringStatus {
  optimal,      // proven optimal (within CBC's default tolerance)
  time_limit,   // stopped by the time limit with a feasible answer: `bound` says how good
  infeasible,   // no whole (or fractional) x satisfies the rows
  no_solution,  // stopped by the time limit before any feasible answer
};

struct CoveringSolution {
  CoveringStatus status = CoveringStatus::no_solution;
  std::vector<long long> x;                                    // per column, when feasible
  double cost = std::numeric_limits<double>::quiet_NaN();      // of x
  double lp_bound = std::numeric_limits<double>::quiet_NaN();  // the LP relaxation's optimum
  double bound = std::numeric_limits<double>::quiet_NaN();     // branch and cut's best lower bound
  double seconds = 0.0;                                        // wall time of both solves
  long long nodes = 0;                                         // branch-and-bound nodes
  bool feasible() const { return status == CoveringStatus::optimal || status == CoveringStatus::time_limit; }
  // (cost - lp_bound) / cost: how far the answer can be from the best fractional one (NaN
  // when the time limit stopped the relaxation).
  double gap() const { return cost > 0.0 ? (cost - lp_bound) / cost : 0.0; }
};

// Deterministic for a given program unless the time limit stops the search (one thread).
// The limit covers both solves.
CoveringSolution solve_covering(const CoveringProgram& program, double time_limit_seconds);

}  // namespace capsim::experiment
