#include "cli/progress.h"

#include <unistd.h>

#include <cstdio>

namespace ss::cli {

Progress::Progress(std::string label, size_t total, bool quiet)
    : label_(std::move(label)), total_(total), on_(!quiet && ::isatty(2)),
      start_(std::chrono::steady_clock::now()) {}

void Progress::tick(size_t n) {
  size_t k = count_ += n;
  if (!on_) return;
  int64_t ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::steady_clock::now() - start_).count();
  int64_t last = last_ms_.load();
  if (ms - last < 200 || !last_ms_.compare_exchange_strong(last, ms)) return;
  draw(k);
}

void Progress::draw(size_t k) {
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  double rate = s > 0 ? double(k) / s : 0;
  double left = rate > 0 ? double(total_ - k) / rate : 0;
  int width = 30, fill = total_ ? int(width * k / total_) : width;
  std::fprintf(stderr, "\r%s [%.*s%*s] %zu/%zu %.1f/s, %.0fs left  ", label_.c_str(), fill,
               "##############################", width - fill, "", k, total_, rate, left);
  std::fflush(stderr);
}

void Progress::done() {
  if (!on_) return;
  draw(count_);
  std::fprintf(stderr, "\n");
}

}  // namespace ss::cli
