#include "explore/comm.h"

#include <atomic>
#include <exception>
#include <thread>

namespace ss::explore {

std::vector<DesignResult> evaluate_local(const Evaluator& ev, const std::vector<Design>& ds,
                                         unsigned threads) {
  std::vector<DesignResult> out(ds.size());
  if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(std::min<size_t>(threads, ds.size()));
  if (threads <= 1) {
    for (size_t i = 0; i < ds.size(); ++i) out[i] = ev.evaluate(ds[i]);
    return out;
  }
  std::atomic<size_t> next{0};
  std::exception_ptr err;
  std::atomic<bool> failed{false};
  auto work = [&] {
    try {
      for (size_t i; !failed && (i = next++) < ds.size();) out[i] = ev.evaluate(ds[i]);
    } catch (...) {
      if (!failed.exchange(true)) err = std::current_exception();
    }
  };
  std::vector<std::thread> pool;
  for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  if (err) std::rethrow_exception(err);
  return out;
}

}  // namespace ss::explore
