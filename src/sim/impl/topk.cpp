// "topk": the MoE router. Accumulates each token's score for every expert (one weight per
// input event and expert) and picks the K best by K sequential max passes over E scores.
#include <cmath>

#include "sim/components.h"

namespace ss::sim {
namespace {

class TopK : public RouterModel {
 public:
  explicit TopK(int lanes) : lanes_(lanes) {}
  double compare_ops(double tokens, int experts, int k) const override {
    return tokens * k * double(experts - 1);
  }
  double cycles(double score_ops, double compare_ops) const override {
    return std::ceil(score_ops / lanes_) + std::ceil(compare_ops / lanes_);
  }

 private:
  int lanes_;
};

std::unique_ptr<RouterModel> make(const arch::Arch& a, const std::string&) {
  return std::make_unique<TopK>(a.router.lanes);
}
RegisterModel<RouterModel> reg("router", "topk", &make);

}  // namespace
}  // namespace ss::sim
