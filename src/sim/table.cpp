#include "sim/table.h"

#include <fmt/format.h>

namespace ss::sim {

namespace {
double get(const std::map<std::string, double>& m, const char* k) {
  auto it = m.find(k);
  return it == m.end() ? 0.0 : it->second;
}
std::string si(double v) {
  const char* u[] = {"", "k", "M", "G", "T"};
  int i = 0;
  while (std::abs(v) >= 1000 && i < 4) v /= 1000, ++i;
  return fmt::format("{:.3g}{}", v, u[i]);
}
}  // namespace

std::string format_activity(const Activity& a, const arch::Arch& arch) {
  std::string s;
  s += fmt::format("{:<32} {:<15} {:>9} {:>6} {:>9} {:>9} {:>9} {:>9} {:>9}\n", "layer", "unit",
                   "cycles", "util%", "ops exec", "skipped", "W read", "S read", "S write");
  for (const auto& l : a.layers) {
    const auto& m = l.counters;
    const int cores = l.unit == "attention_cores" ? arch.attention.count
                      : l.unit == "se_cores"      ? arch.se.count : 1;
    const bool spread = get(m, "cycles_idle") + get(m, "cycles_busy") + get(m, "cycles_stalled") >
                        1.5 * l.cycles;  // layer spread over all cores of its unit
    const double denom = (spread ? cores : 1) * l.cycles;
    const double util = denom > 0 ? 100.0 * get(m, "cycles_busy") / denom : 0.0;
    const double ops = get(m, "acc_ops") + get(m, "and_ops") + get(m, "score_ops");
    s += fmt::format("{:<32} {:<15} {:>9} {:>6.1f} {:>9} {:>9} {:>8}b {:>8}b {:>8}b\n", l.name,
                     l.unit, si(l.cycles), util, si(ops), si(get(m, "ops_skipped")),
                     si(get(m, "weight.read_bits")), si(get(m, "spike.read_bits")),
                     si(get(m, "spike.write_bits")));
  }
  const double us = a.cycles / arch.clock_hz * 1e6;
  s += fmt::format("\ntotal     {} cycles per inference = {:.2f} us at {} MHz ({:.0f} inferences/s)\n",
                   si(a.cycles), us, arch.clock_hz / 1e6, us > 0 ? 1e6 / us : 0.0);
  for (const auto& c : a.root.children) {
    std::string line;
    for (const auto& [k, v] : c.counters) line += fmt::format(" {}={}", k, si(v));
    s += fmt::format("{:<16}{}\n", c.name, line);
    for (const auto& b : c.children) {
      std::string l2;
      for (const auto& [k, v] : b.counters) l2 += fmt::format(" {}={}", k, si(v));
      s += fmt::format("  {:<14}{}\n", b.name, l2);
    }
  }
  return s;
}

}  // namespace ss::sim
