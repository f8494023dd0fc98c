// "3d-lol": synaptic-integration arrays on the bottom tier, spike generators and router on the
// top tier (the group's previous logic-on-logic design); buffers stay with the arrays.
#include "phys/style.h"

namespace ss::phys {
namespace {
class LogicOnLogic final : public Style {
 public:
  std::string name() const override { return "3d-lol"; }
  std::string description() const override {
    return "logic-on-logic: arrays bottom, spike generators + router top";
  }
  std::string label() const override { return "3D logic-on-logic"; }
  int order() const override { return 2; }
  bool stacked() const override { return true; }
  arch::Tier tier_of(const std::string& b, const arch::Arch&) const override {
    return (b == "spike_gen" || b == "router") ? arch::Tier::top : arch::Tier::bottom;
  }
};
[[maybe_unused]] const bool kReg = register_style([] { return std::make_unique<LogicOnLogic>(); });
}  // namespace
}  // namespace ss::phys
