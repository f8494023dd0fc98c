// Drives a study on rank 0: numbers designs by first appearance, skips those already in the
// store (resume; the same point is evaluated once), evaluates the rest in batches through a
// Comm and commits each batch to the store in one transaction.
#pragma once
#include <functional>
#include <map>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "explore/comm.h"
#include "explore/evaluator.h"
#include "explore/store.h"

namespace ss::explore {

struct RunOptions {
  size_t batch = 1024;                       // designs per commit
  unsigned threads = 0;                      // per rank (0: every hardware thread)
  bool keep_results = false;                 // keep every result in memory (NSGA-II looks them up)
  std::function<void(size_t designs)> tick;  // progress: designs finished (evaluated or found)
};

struct FileHashes {
  std::map<std::string, std::string> models;  // by model path
  std::string arch, tech, version;
};

class Runner {
 public:
  Runner(const Evaluator& ev, Store& store, Comm& comm, FileHashes hashes, RunOptions o);
  // The results of `ds` (evaluating those not stored yet); empty results unless keep_results
  // or the design was evaluated in this call.
  std::vector<DesignResult> run(const std::vector<Design>& ds);
  size_t evaluated() const { return evaluated_; }  // designs evaluated by this process
  size_t reused() const { return reused_; }        // designs found in the store

 private:
  const Evaluator& ev_;
  Store& store_;
  Comm& comm_;
  FileHashes hashes_;
  RunOptions opt_;
  std::unordered_map<std::string, uint64_t> seq_of_;       // every design stored or met, by key
  std::unordered_set<std::string> met_;                    // designs met in this run
  std::unordered_map<std::string, DesignResult> results_;  // keep_results
  uint64_t next_seq_ = 0;
  size_t evaluated_ = 0, reused_ = 0;
};

}  // namespace ss::explore
