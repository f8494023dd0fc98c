// "attention_array": a reconfigurable attention core. In Q K^T mode one channel per cycle
// streams Q rows and K columns into the stationary map tile (AND + count); in A V mode one V
// channel per cycle is accumulated through the map. Channels without spikes are skipped.
#include "sim/components.h"

namespace ss::sim {
namespace {

class AttentionArray : public AttentionArrayModel {
 public:
  explicit AttentionArray(const arch::ArraySpec& s) : s_(s) {}
  double mode_cycles(double active_streams) const override { return active_streams; }
  double fill_cycles() const override { return double(s_.rows + s_.cols); }

 private:
  arch::ArraySpec s_;
};

std::unique_ptr<AttentionArrayModel> make(const arch::Arch& a, const std::string&) {
  return std::make_unique<AttentionArray>(a.attention);
}
RegisterModel<AttentionArrayModel> reg("attention_array", "attention_array", &make);

}  // namespace
}  // namespace ss::sim
