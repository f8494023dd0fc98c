// "2d": every block on one die.
#include "phys/style.h"

namespace ss::phys {
namespace {
class Planar final : public Style {
 public:
  std::string name() const override { return "2d"; }
  std::string description() const override { return "one die: all blocks side by side"; }
  std::string label() const override { return "2D"; }
  int order() const override { return 0; }
  bool stacked() const override { return false; }
  arch::Tier tier_of(const std::string&, const arch::Arch&) const override {
    return arch::Tier::bottom;
  }
};
[[maybe_unused]] const bool kReg = register_style([] { return std::make_unique<Planar>(); });
}  // namespace
}  // namespace ss::phys
