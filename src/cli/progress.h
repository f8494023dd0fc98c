// A progress bar with rate and time left on stderr; silent when stderr is not a terminal or
// when quiet. Thread-safe tick().
#pragma once
#include <atomic>
#include <chrono>
#include <string>

namespace ss::cli {

class Progress {
 public:
  Progress(std::string label, size_t total, bool quiet);
  void tick(size_t n = 1);
  void done();

 private:
  void draw(size_t k);
  std::string label_;
  size_t total_;
  bool on_;
  std::atomic<size_t> count_{0};
  std::atomic<int64_t> last_ms_{-1000};
  std::chrono::steady_clock::time_point start_;
};

}  // namespace ss::cli
