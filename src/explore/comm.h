// Where design points are evaluated: on this process's threads, or spread over MPI ranks
// (rank 0 drives the study and writes the store; the other ranks evaluate what it sends).
#pragma once
#include <memory>
#include <vector>

#include "explore/evaluator.h"

namespace ss::explore {

// Evaluates designs on `threads` threads (0: all hardware threads), results in input order.
std::vector<DesignResult> evaluate_local(const Evaluator& ev, const std::vector<Design>& ds,
                                         unsigned threads);

class Comm {
 public:
  virtual ~Comm() = default;
  virtual int rank() const { return 0; }
  virtual int size() const { return 1; }
  // Rank 0: the results of `batch`, in order; design i runs on rank i mod size.
  virtual std::vector<DesignResult> evaluate(const Evaluator& ev, const std::vector<Design>& batch,
                                             unsigned threads) {
    return evaluate_local(ev, batch, threads);
  }
  // Ranks > 0: evaluate batches until rank 0 calls finish(); false if rank 0 failed.
  virtual bool serve(const Evaluator&, unsigned) { return true; }
  // Rank 0: releases the serving ranks (ok = false: the study failed).
  virtual void finish(bool /*ok*/) {}
};

// MPI when this binary was built with it and started by mpirun/srun with more than one rank
// (MPI_Init here, MPI_Finalize when the Comm is destroyed); else a single local process.
std::unique_ptr<Comm> make_comm();
bool mpi_built();

}  // namespace ss::explore
