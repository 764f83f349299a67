// make_executor for a program built without MPI (capsim): the thread executor. A program
// built with MPI (capsim-mpi) links experiment/mpi_executor.cpp's instead; the two are the
// only difference between them.
#include "experiment/executor.h"

namespace capsim::experiment {

std::unique_ptr<Executor> make_executor(int*, char***) { return make_thread_executor(); }

}  // namespace capsim::experiment
