#include "experiment/covering_program.h"

#include <coin/Cbc_C_Interface.h>
#include <coin/Clp_C_Interface.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <memory>
#include <stdexcept>

namespace capsim::experiment {
namespace {

// The program in the column-major arrays both solvers load.
struct Arrays {
  std::vector<CoinBigIndex> start;
  std::vector<int> index;
  std::vector<double> value, column_lower, column_upper, row_lower, row_upper;
};

constexpr double kInfinite = std::numeric_limits<double>::max();  // the solvers' infinity (kInfinite)

double finite_or(double value, double infinite) { return std::isfinite(value) ? value : infinite; }

Arrays arrays_of(const CoveringProgram& program) {
  const std::size_t columns = program.cost.size();
  std::vector<std::vector<std::pair<int, double>>> by_column(columns);
  for (std::size_t r = 0; r < program.rows.size(); ++r)
    for (const auto& [column, coefficient] : program.rows[r].terms) {
      if (column >= columns) throw std::invalid_argument("covering program: a row names a column that does not exist");
      by_column[column].emplace_back(static_cast<int>(r), coefficient);
    }
  Arrays a;
  for (std::size_t j = 0; j < columns; ++j) {
    a.start.push_back(static_cast<CoinBigIndex>(a.index.size()));
    for (const auto& [row, coefficient] : by_column[j]) {
      a.index.push_back(row);
      a.value.push_back(coefficient);
    }
    a.column_lower.push_back(0.0);
    a.column_upper.push_back(finite_or(program.upper[j], kInfinite));
  }
  a.start.push_back(static_cast<CoinBigIndex>(a.index.size()));
  for (const CoveringRow& row : program.rows) {
    a.row_lower.push_back(finite_or(row.lower, -kInfinite));
    a.row_upper.push_back(finite_or(row.upper, kInfinite));
  }
  return a;
}

}  // namespace

CoveringSolution solve_covering(const CoveringProgram& program, double time_limit_seconds) {
  const auto began = std::chrono::steady_clock::now();
  Arrays a = arrays_of(program);
  const int columns = static_cast<int>(program.cost.size()), rows = static_cast<int>(program.rows.size());
  CoveringSolution solution;

  const std::unique_ptr<Clp_Simplex, decltype(&Clp_deleteModel)> lp(Clp_newModel(), Clp_deleteModel);
  Clp_setLogLevel(lp.get(), 0);
  Clp_loadProblem(lp.get(), columns, rows, a.start.data(), a.index.data(), a.value.data(), a.column_lower.data(),
                  a.column_upper.data(), program.cost.data(), a.row_lower.data(), a.row_upper.data());
  if (time_limit_seconds > 0.0) Clp_setMaximumSeconds(lp.get(), time_limit_seconds);
  Clp_initialSolve(lp.get());
  if (Clp_status(lp.get()) == 1) {  // primal infeasible: no roster, whole or not
    solution.status = CoveringStatus::infeasible;
    solution.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
    return solution;
  }
  // Stopped by the limit, the relaxation gives no bound (NaN: the gap is unknown).
  if (Clp_isProvenOptimal(lp.get())) solution.lp_bound = Clp_objectiveValue(lp.get());
  const double left =
      time_limit_seconds - std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();

  const std::unique_ptr<Cbc_Model, decltype(&Cbc_deleteModel)> mip(Cbc_newModel(), Cbc_deleteModel);
  Cbc_setLogLevel(mip.get(), 0);
  Cbc_loadProblem(mip.get(), columns, rows, a.start.data(), a.index.data(), a.value.data(), a.column_lower.data(),
                  a.column_upper.data(), program.cost.data(), a.row_lower.data(), a.row_upper.data());
  for (int j = 0; j < columns; ++j) Cbc_setInteger(mip.get(), j);
  if (time_limit_seconds > 0.0) Cbc_setMaximumSeconds(mip.get(), std::max(left, 0.01));
  Cbc_solve(mip.get());
  solution.nodes = Cbc_getNodeCount(mip.get());
  solution.bound = Cbc_getBestPossibleObjValue(mip.get());
  const double* x = Cbc_bestSolution(mip.get());  // the best whole answer found (null: none)
  const bool has_solution = x != nullptr;
  if (Cbc_isProvenOptimal(mip.get()))
    solution.status = CoveringStatus::optimal;
  else if (Cbc_isProvenInfeasible(mip.get()))
    solution.status = CoveringStatus::infeasible;
  else
    solution.status = has_solution ? CoveringStatus::time_limit : CoveringStatus::no_solution;
  if (solution.feasible()) {
    solution.cost = 0.0;
    for (int j = 0; j < columns; ++j) {
      solution.x.push_back(std::llround(x[j]));
      solution.cost += program.cost[static_cast<std::size_t>(j)] * static_cast<double>(solution.x.back());
    }
    if (solution.status == CoveringStatus::optimal) solution.bound = solution.cost;
  }
  solution.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - began).count();
  return solution;
}

}  // namespace capsim::experiment
