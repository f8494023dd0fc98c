// "3d-mol+lol": arrays (and the bus) on the bottom tier; buffers, spike generators and router
// on the top tier.
#include "phys/style.h"

namespace ss::phys {
namespace {
class Combined final : public Style {
 public:
  std::string name() const override { return "3d-mol+lol"; }
  std::string description() const override {
    return "both: arrays bottom; buffers, spike generators, router top";
  }
  std::string label() const override { return "3D memory+logic-on-logic"; }
  int order() const override { return 3; }
  bool stacked() const override { return true; }
  arch::Tier tier_of(const std::string& b, const arch::Arch&) const override {
    const bool top = b.rfind("buffers.", 0) == 0 || b == "spike_gen" || b == "router";
    return top ? arch::Tier::top : arch::Tier::bottom;
  }
};
[[maybe_unused]] const bool kReg = register_style([] { return std::make_unique<Combined>(); });
}  // namespace
}  // namespace ss::phys
