// "arch": the tiers the architecture file wrote (stacked if any block is on the top tier).
#include "phys/style.h"

namespace ss::phys {
namespace {
class AsWritten final : public Style {
 public:
  std::string name() const override { return "arch"; }
  std::string description() const override { return "the tiers written in the architecture file"; }
  std::string label() const override { return "3D as written"; }
  int order() const override { return 9; }
  bool stacked() const override { return true; }
  arch::Tier tier_of(const std::string& b, const arch::Arch& a) const override {
    if (b == "se_cores") return a.se.tier;
    if (b == "attention_cores") return a.attention.tier;
    if (b == "spike_gen") return a.spike_gen.tier;
    if (b == "router") return a.router.tier;
    if (b.rfind("buffers.", 0) == 0) return a.buffer(b.substr(8)).tier;
    return a.se.tier;  // the bus sits with the arrays it feeds
  }
};
[[maybe_unused]] const bool kReg = register_style([] { return std::make_unique<AsWritten>(); });
}  // namespace
}  // namespace ss::phys
