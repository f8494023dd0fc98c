// "3d-fold": gate-level logic-on-logic as our open flow measures it (Shrunk-2D, docs/flow.md):
// every logic block (arrays, spike generators, router, bus) is folded over both tiers, half of
// its cells on each, so its nets, its clock tree and the links between blocks are 1/sqrt(2) of
// their 2D length and its cut nets become bonds; the buffers' SRAM macros are not folded and
// stay on the bottom tier. Not one of the seed's styles: opt-in (--styles 3d-fold).
#include "phys/style.h"

namespace ss::phys {
namespace {
class Fold final : public Style {
 public:
  std::string name() const override { return "3d-fold"; }
  std::string description() const override {
    return "gate-level logic-on-logic: every logic block folded over both tiers (Shrunk-2D)";
  }
  std::string label() const override { return "3D gate-level fold"; }
  int order() const override { return 5; }
  bool stacked() const override { return true; }
  arch::Tier tier_of(const std::string&, const arch::Arch&) const override {
    return arch::Tier::bottom;
  }
  bool folds(const std::string& b, const arch::Arch&) const override {
    return b.rfind("buffers.", 0) != 0;
  }
};
[[maybe_unused]] const bool kReg = register_style([] { return std::make_unique<Fold>(); });
}  // namespace
}  // namespace ss::phys
