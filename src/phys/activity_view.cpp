#include "phys/activity_view.h"

namespace ss::phys {

const sim::ComponentActivity* ActivityView::find(const std::string& block) const {
  if (auto* c = a_.root.child(block)) return c;
  const auto dot = block.find('.');
  if (dot == std::string::npos) return nullptr;
  const auto* parent = a_.root.child(block.substr(0, dot));
  return parent ? parent->child(block.substr(dot + 1)) : nullptr;
}

double ActivityView::get(const std::string& block, const std::string& counter) const {
  if (auto d = derived_.find(block); d != derived_.end())
    if (auto v = d->second.find(counter); v != d->second.end()) return v->second;
  const auto* c = find(block);
  return c ? c->get(counter) : 0.0;
}

double ActivityView::se_share() const {
  auto ops = [&](const char* b) {
    return get(b, "acc_ops") + get(b, "and_ops") + get(b, "ops_skipped");
  };
  const double se = ops("se_cores"), att = ops("attention_cores");
  return se + att > 0 ? se / (se + att) : 0.5;
}

double ActivityView::firing_rate() const {
  const double u = get("spike_gen", "membrane_updates");
  return u > 0 ? get("spike_gen", "spikes_fired") / u : 0.5;
}

}  // namespace ss::phys
