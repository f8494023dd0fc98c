#include "explore/runner.h"

#include <fmt/format.h>

#include "common/error.h"

namespace ss::explore {

Runner::Runner(const Evaluator& ev, Store& store, Comm& comm, FileHashes hashes, RunOptions o)
    : ev_(ev), store_(store), comm_(comm), hashes_(std::move(hashes)), opt_(std::move(o)) {
  for (auto& d : store_.designs()) {
    seq_of_[d.key] = d.seq;
    if (opt_.keep_results) results_[d.key] = std::move(d.result);
  }
}

std::vector<DesignResult> Runner::run(const std::vector<Design>& ds) {
  std::vector<DesignResult> out(ds.size());
  std::vector<size_t> todo;  // indices into ds, first appearance of a design not stored
  std::unordered_map<std::string, size_t> first;  // within this call
  std::vector<std::string> keys(ds.size());
  std::vector<uint64_t> seqs(ds.size());
  size_t found = 0;
  std::unordered_map<std::string, bool> seen;  // stored designs met in this call
  for (size_t i = 0; i < ds.size(); ++i) {
    keys[i] = ev_.key(ds[i]);
    // seq = order of first appearance over the whole run: a resumed run meets the designs in
    // the same order, so a design gets the same number whether or not it was stored before
    const bool new_in_run = met_.insert(keys[i]).second;
    const uint64_t seq = new_in_run ? next_seq_++ : 0;
    if (auto it = seq_of_.find(keys[i]); it != seq_of_.end()) {
      if (new_in_run && it->second != seq)
        throw Error(
            fmt::format("{}: design '{}' is stored as number {} but this study meets it as "
                        "number {}: the store does not belong to this study's order",
                        store_.path(), keys[i], it->second, seq));
      seqs[i] = it->second;
      if (!first.count(keys[i])) {
        if (opt_.keep_results) out[i] = results_.at(keys[i]);
        if (seen.emplace(keys[i], true).second) ++found;
      }
      continue;
    }
    seq_of_[keys[i]] = seq;
    seqs[i] = seq;
    first[keys[i]] = i;
    todo.push_back(i);
  }
  reused_ += found;
  if (opt_.tick && found) opt_.tick(found);
  for (size_t b = 0; b < todo.size(); b += opt_.batch) {
    const size_t e = std::min(todo.size(), b + opt_.batch);
    std::vector<Design> batch;
    for (size_t k = b; k < e; ++k) batch.push_back(ds[todo[k]]);
    auto rs = comm_.evaluate(ev_, batch, opt_.threads);
    std::vector<StoredDesign> rows;
    for (size_t k = b; k < e; ++k) {
      const size_t i = todo[k];
      StoredDesign sd;
      sd.seq = seqs[i];
      sd.key = keys[i];
      sd.model = ev_.models().at(ds[i].model).path;
      for (size_t a = 0; a < ev_.study().axes.size(); ++a)
        sd.inputs.push_back(ev_.study().axes[a].values.at(ds[i].idx[a]).label);
      sd.result = std::move(rs[k - b]);
      rows.push_back(std::move(sd));
    }
    store_.write(rows, hashes_.version, hashes_.models, hashes_.arch, hashes_.tech);
    for (size_t k = b; k < e; ++k) {
      out[todo[k]] = rows[k - b].result;
      if (opt_.keep_results) results_[keys[todo[k]]] = rows[k - b].result;
    }
    evaluated_ += e - b;
    if (opt_.tick) opt_.tick(e - b);
  }
  // repeats of a design within this call
  for (size_t i = 0; i < ds.size(); ++i)
    if (auto it = first.find(keys[i]); it != first.end() && it->second != i)
      out[i] = out[it->second];
  return out;
}

}  // namespace ss::explore
