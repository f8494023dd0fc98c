// "3d-mol": global buffers on the top tier over the compute logic (buffer-to-PE wires become
// face-to-face bonds).
#include "phys/style.h"

namespace ss::phys {
namespace {
class MemoryOnLogic final : public Style {
 public:
  std::string name() const override { return "3d-mol"; }
  std::string description() const override { return "memory-on-logic: buffers on the top tier"; }
  std::string label() const override { return "3D memory-on-logic"; }
  int order() const override { return 1; }
  bool stacked() const override { return true; }
  arch::Tier tier_of(const std::string& b, const arch::Arch&) const override {
    return b.rfind("buffers.", 0) == 0 ? arch::Tier::top : arch::Tier::bottom;
  }
};
[[maybe_unused]] const bool kReg = register_style([] { return std::make_unique<MemoryOnLogic>(); });
}  // namespace
}  // namespace ss::phys
