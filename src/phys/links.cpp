#include "phys/links.h"

#include <algorithm>
#include <map>

#include "common/error.h"
#include "tech/bond.h"

namespace ss::phys {

double partial_sum_words(const Block& array, const ActivityView& act) {
  const auto* c = act.find(array.name);
  if (c && c->counters.count("psum_words")) return c->get("psum_words");
  return act.get(array.name, "cycles_busy") * array.psum_words_per_busy_cycle;
}

void derive_partial_sums(const std::vector<Block>& blocks, ActivityView& act) {
  for (const auto& b : blocks)
    if (b.psum_words_per_busy_cycle > 0)
      act.set_derived("spike_gen", "psum_words:" + b.name, partial_sum_words(b, act));
}

std::vector<Link> make_links(const std::vector<Block>& blocks, const ActivityView& act,
                             int acc_bits) {
  std::map<std::string, const Block*> by;
  for (const auto& b : blocks) by[b.name] = &b;
  auto has = [&](const std::string& n) { return by.count(n) > 0; };
  const double p = act.firing_rate();
  const double spike_toggle = 2 * p * (1 - p);  // two independent Bernoulli(p) bits differ
  const double se = act.se_share();
  std::vector<Link> links;
  auto add = [&](const std::string& from, const std::string& to, double bits, double toggle,
                 int width, int offset = -1) {
    if (!has(from) || !has(to)) return;
    Link l;
    l.from = from, l.to = to, l.bits = bits, l.toggle = toggle, l.width_bits = std::max(1, width);
    l.offset = offset;
    links.push_back(l);
  };
  for (const auto& b : blocks) {
    if (b.name.rfind("buffers.", 0) != 0) continue;
    const std::string role = b.name.substr(8);
    const double rd = act.get(b.name, "read_bits"), wr = act.get(b.name, "write_bits");
    if (role == "spike") {
      const double share = has("attention_cores") ? se : 1.0;
      add(b.name, "se_cores", rd * share, spike_toggle, b.port_bits);
      add(b.name, "attention_cores", rd * (1 - share), spike_toggle, b.port_bits);
      add("spike_gen", b.name, wr, spike_toggle,
          std::min(b.port_bits, by.count("spike_gen") ? by["spike_gen"]->port_bits : b.port_bits));
    } else if (role == "membrane") {
      add(b.name, "spike_gen", rd, 0.5, b.port_bits);
      add("spike_gen", b.name, wr, 0.5, b.port_bits);
    } else {  // weights and any other role feed the expert cores; their fills come off chip
      add(b.name, "se_cores", rd, 0.5, b.port_bits);
    }
  }
  // Kernel fusion: each core's partial sums go to its own spike-generator lanes (the lane
  // groups follow the expert cores, then the attention cores), one acc_bits word per partial
  // sum of every input-tile pass, not one per membrane update.
  const int se_count = has("se_cores") ? by["se_cores"]->instances : 0;
  if (has("se_cores"))
    add("se_cores", "spike_gen", partial_sum_words(*by["se_cores"], act) * acc_bits, 0.5,
        by["se_cores"]->port_bits, 0);
  if (has("attention_cores"))
    add("attention_cores", "spike_gen", partial_sum_words(*by["attention_cores"], act) * acc_bits,
        0.5, by["attention_cores"]->port_bits, se_count);
  if (has("router"))
    add("router", "se_cores", act.get("router", "compare_ops"), 0.5, by["router"]->port_bits);
  return links;
}

std::vector<Affinity> link_affinity(const std::vector<Link>& links) {
  // Nets weighted by their wires, as a floorplanner does: the result does not depend on the
  // workload, so every workload of one architecture sees the same silicon.
  std::vector<Affinity> out;
  for (const auto& l : links)
    out.push_back({l.from, l.to, static_cast<double>(l.width_bits), l.offset});
  return out;
}

const tech::WireClass& bus_wire(const tech::Technology& t) { return t.wire("intermediate"); }

void route_links(std::vector<Link>& links, const Floorplan& fp, const tech::Technology& t) {
  const auto& w = bus_wire(t);
  const double v2 = t.vdd_v * t.vdd_v;
  for (auto& l : links) {
    // Energy follows the mean distance over banks (each carries its share of the bits);
    // timing the farthest bank.
    l.lateral_m = fp.lateral_distance_m(l.from, l.to, l.offset);
    l.max_lateral_m = fp.max_lateral_distance_m(l.from, l.to, l.offset);
    l.cross_tier = fp.cross_tier(l.from, l.to);
    l.cap_f = tech::wire_switched_cap_f(w, l.lateral_m, t.driver);
    l.delay_s = tech::bus_delay_s(w, l.max_lateral_m, t.driver, t.bond, l.cross_tier);
    if (l.cross_tier) l.cap_f += t.bond.c_f;
    l.energy_j = l.bits * l.toggle * 0.5 * l.cap_f * v2;
  }
}

double BondReport::outside_overlap_share() const {
  double out = 0, req = 0;
  for (const auto& l : links) out += l.outside, req += l.required;
  return req > 0 ? out / req : 0.0;
}

namespace {
double rect_overlap_m2(const Rect& a, const Rect& b) {
  const double w = std::min(a.x + a.w, b.x + b.w) - std::max(a.x, b.x);
  const double h = std::min(a.y + a.h, b.y + b.h) - std::max(a.y, b.y);
  return std::max(0.0, w) * std::max(0.0, h);
}

// The bonds of one cross-tier link against the signal sites where they can land.
LinkBonds link_bonds(const Link& l, const Floorplan& fp, const tech::BondTech& b) {
  LinkBonds lb;
  lb.link = l.name();
  lb.required = l.width_bits;
  const auto& pa = fp.parts.at(l.from);
  const auto& pb = fp.parts.at(l.to);
  if (l.offset < 0) {  // a bus: every piece pair shares one set of wires
    for (const auto& x : pa)
      for (const auto& y : pb) lb.overlap_m2 += rect_overlap_m2(x, y);
    lb.capacity = tech::signal_bond_capacity(b, lb.overlap_m2);
    lb.outside = std::max(0.0, lb.required - lb.capacity);
    return lb;
  }
  // Matched pairs: core i's share of the port lands over core i and its own lane group.
  const size_t off = static_cast<size_t>(l.offset);
  const size_t pairs = pb.size() > off ? std::min(pa.size(), pb.size() - off) : 0;
  if (pairs == 0) {
    lb.outside = lb.required;
    return lb;
  }
  const double per_pair = lb.required / static_cast<double>(pairs);
  for (size_t i = 0; i < pairs; ++i) {
    const double ov = rect_overlap_m2(pa[i], pb[off + i]);
    const double cap = tech::signal_bond_capacity(b, ov);
    lb.overlap_m2 += ov, lb.capacity += cap;
    lb.outside += std::max(0.0, per_pair - cap);
  }
  return lb;
}
}  // namespace

BondReport check_bonds(const std::vector<Link>& links, const Floorplan& fp, const tech::BondTech& b,
                       const std::string& style, const std::string& tech_file) {
  BondReport r;
  r.pitch_m = b.pitch_m;
  if (!fp.stacked) return r;
  for (const auto& l : links)
    if (l.cross_tier) {
      r.required += l.width_bits;
      r.links.push_back(link_bonds(l, fp, b));
    }
  r.capacity = tech::signal_bond_capacity(b, fp.footprint_m2);
  if (r.required > r.capacity)
    throw error_at(tech_file, "bond.pitch",
                   "style {}: the tier interface needs {:.0f} signal bonds but {:.3f} mm^2 at "
                   "{:.2f} um pitch holds only {:.0f}; use a finer pitch or narrower buses",
                   style, r.required, fp.footprint_m2 * 1e6, b.pitch_m * 1e6, r.capacity);
  return r;
}

}  // namespace ss::phys
