#include "phys/floorplan.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>

#include "common/error.h"

namespace ss::phys {

const std::vector<std::string>& floorplan_order() {
  // Weight buffer beside the expert cores, spike generators between the two arrays and the
  // membrane buffer, spike buffer beside the attention cores.
  static const std::vector<std::string> o = {
      "buffers.weight", "se_cores",         "router",        "noc",
      "spike_gen",      "buffers.membrane", "buffers.spike", "attention_cores"};
  return o;
}

int placement_parts(const Block& b) {
  if (b.kind == BlockKind::memory && b.sram) return std::max(1, b.sram->banks);
  if (b.name == "se_cores" || b.name == "attention_cores" || b.name == "spike_gen")
    return std::max(1, b.instances);
  return 1;
}

namespace {

struct Item {
  std::string block;
  int part = 0;
  double area = 0;
  double tx = -1, ty = -1;  // target point (partners' centroid); < 0: keep the given order
};

using Parts = std::map<std::string, std::vector<Rect>>;

constexpr int kAnnealSteps = 6000;  // per run; four runs per leading tier

void put(Parts& out, const Item& it, const Rect& r) {
  auto& v = out[it.block];
  if (v.size() <= static_cast<size_t>(it.part)) v.resize(it.part + 1);
  v[it.part] = r;
}

void bisect(std::vector<Item> items, size_t lo, size_t hi, Rect r,
            std::vector<std::pair<Item, Rect>>& out) {
  if (hi - lo == 1) {
    out.emplace_back(items[lo], r);
    return;
  }
  // Items with targets are ordered along the axis about to be cut.
  const bool vertical_cut = r.w >= r.h;
  bool targeted = true;
  for (size_t i = lo; i < hi; ++i) targeted &= items[i].tx >= 0;
  if (targeted)
    std::stable_sort(
        items.begin() + static_cast<long>(lo), items.begin() + static_cast<long>(hi),
        [&](const Item& a, const Item& b) { return vertical_cut ? a.tx < b.tx : a.ty < b.ty; });
  double total = 0;
  for (size_t i = lo; i < hi; ++i) total += items[i].area;
  // Split where the prefix area is closest to half (at least one item on each side).
  double acc = 0, best = 1e300;
  size_t cut = lo + 1;
  for (size_t i = lo; i + 1 < hi; ++i) {
    acc += items[i].area;
    const double d = std::abs(acc - total / 2);
    if (d < best) best = d, cut = i + 1;
  }
  double left = 0;
  for (size_t i = lo; i < cut; ++i) left += items[i].area;
  const double f = total > 0 ? left / total : 0.5;
  Rect a = r, b = r;
  if (vertical_cut) {
    a.w = r.w * f;
    b.x = r.x + a.w;
    b.w = r.w - a.w;
  } else {
    a.h = r.h * f;
    b.y = r.y + a.h;
    b.h = r.h - a.h;
  }
  bisect(items, lo, cut, a, out);
  bisect(items, cut, hi, b, out);
}

double centroid_distance(const Rect& a, const Rect& b) {
  return std::abs(a.cx() - b.cx()) + std::abs(a.cy() - b.cy());
}

// A fused pair (a core and its own lane group): the core's outputs leave along the edge that
// faces the lane group and run straight into it, so a wire spans the gap between the two
// pieces (Manhattan, 0 when they touch or, on two tiers, overlap) and on average half the
// receiving piece's depth, taken as half its side. Centroid to centroid would also count half
// the core, whose inside the partial sums already cross PE by PE (charged in the array).
double fused_distance(const Rect& from, const Rect& to) {
  const double gx = std::max(0.0, std::abs(from.cx() - to.cx()) - (from.w + to.w) / 2);
  const double gy = std::max(0.0, std::abs(from.cy() - to.cy()) - (from.h + to.h) / 2);
  return gx + gy + 0.5 * std::sqrt(to.area());
}

// Planar length of a wire between two pieces: fused pairs as above, buses centroid to centroid.
double piece_distance(const Rect& a, const Rect& b, int offset) {
  return offset >= 0 ? fused_distance(a, b) : centroid_distance(a, b);
}

// Piece pairs of a link: all pairs of a bus, or matched pairs (i, offset + i).
template <typename F>
void for_pairs(const std::vector<Rect>& a, const std::vector<Rect>& b, int offset, F f) {
  if (offset < 0) {
    for (const auto& x : a)
      for (const auto& y : b) f(x, y);
    return;
  }
  for (size_t i = 0; i < a.size() && offset + i < b.size(); ++i) f(a[i], b[offset + i]);
}

double mean_distance(const std::vector<Rect>& a, const std::vector<Rect>& b, int offset = -1) {
  double s = 0, n = 0;
  for_pairs(a, b, offset,
            [&](const Rect& x, const Rect& y) { s += piece_distance(x, y, offset), n += 1; });
  return n > 0 ? s / n : 0.0;
}

// The emptier tier: cut with its pieces sorted by their partners' centroid on the placed tier,
// then each piece (its own area, its region's aspect) slides inside its region towards it.
void follow(std::vector<Item> items, const Parts& placed, const std::vector<Affinity>& affinity,
            const Rect& outline, double whitespace, bool sort_by_target, Parts& out) {
  for (auto& it : items) {
    double sx = 0, sy = 0, sw = 0;
    for (const auto& af : affinity) {
      const bool is_a = af.a == it.block, is_b = af.b == it.block;
      if (!is_a && !is_b) continue;
      auto p = placed.find(is_a ? af.b : af.a);
      if (p == placed.end()) continue;
      if (af.offset >= 0) {
        // Matched: only this piece's partner pulls it.
        const long k = is_a ? af.offset + it.part : it.part - af.offset;
        if (k < 0 || k >= static_cast<long>(p->second.size())) continue;
        const Rect& r = p->second[static_cast<size_t>(k)];
        sx += af.weight * r.cx(), sy += af.weight * r.cy(), sw += af.weight;
        continue;
      }
      for (const auto& r : p->second) {
        const double w = af.weight / static_cast<double>(p->second.size());
        sx += w * r.cx(), sy += w * r.cy(), sw += w;
      }
    }
    // A block with no partner on the other tier sits at the outline centre.
    it.tx = sw > 0 ? sx / sw : outline.cx();
    it.ty = sw > 0 ? sy / sw : outline.cy();
  }
  // The emptier tier does not have to spread over the whole outline: its pieces are cut from
  // a square of their area (plus the same whitespace) centred on their common target.
  double area = 0, gx = 0, gy = 0;
  for (const auto& it : items) area += it.area, gx += it.area * it.tx, gy += it.area * it.ty;
  gx /= area, gy /= area;
  const double side = std::min({std::sqrt(area / (1 - whitespace)), outline.w, outline.h});
  const Rect region{std::clamp(gx - side / 2, outline.x, outline.x + outline.w - side),
                    std::clamp(gy - side / 2, outline.y, outline.y + outline.h - side), side, side};
  std::vector<std::pair<Item, Rect>> cut;
  if (sort_by_target) {
    bisect(items, 0, items.size(), region, cut);
  } else {
    // Keep the given order in the cuts, slide towards the targets afterwards.
    std::vector<Item> plain = items;
    for (auto& it : plain) it.tx = it.ty = -1;
    bisect(plain, 0, plain.size(), region, cut);
    for (size_t i = 0; i < cut.size(); ++i)
      for (const auto& it : items)
        if (it.block == cut[i].first.block && it.part == cut[i].first.part) cut[i].first = it;
  }
  for (const auto& [it, r] : cut) {
    const double s = std::sqrt(std::min(1.0, it.area / r.area()));
    const double w = r.w * s, h = r.h * s;
    const double x = std::clamp(it.tx - w / 2, r.x, r.x + r.w - w);
    const double y = std::clamp(it.ty - h / 2, r.y, r.y + r.h - h);
    put(out, it, Rect{x, y, w, h});
  }
}

// Classic floorplanning objective: sum over nets of (wires x half-perimeter of the bounding
// box of all the net's pins), a bus's pins being the centres of both blocks' pieces. It
// grows with the farthest bank, so it serves timing as well as wire length.
double hpwl_cost(const Parts& parts, const std::vector<Affinity>& affinity) {
  double c = 0;
  for (const auto& af : affinity) {
    auto a = parts.find(af.a), b = parts.find(af.b);
    if (a == parts.end() || b == parts.end()) continue;
    if (af.offset >= 0) {
      // One net per matched pair, the bus's wires shared among them.
      double hp = 0, n = 0;
      for_pairs(a->second, b->second, af.offset,
                [&](const Rect& x, const Rect& y) { hp += fused_distance(x, y), n += 1; });
      if (n > 0) c += af.weight * hp / n;
      continue;
    }
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    for (const auto* v : {&a->second, &b->second})
      for (const auto& r : *v) {
        x0 = std::min(x0, r.cx()), x1 = std::max(x1, r.cx());
        y0 = std::min(y0, r.cy()), y1 = std::max(y1, r.cy());
      }
    c += af.weight * ((x1 - x0) + (y1 - y0));
  }
  return c;
}

}  // namespace

double Floorplan::lateral_distance_m(const std::string& a, const std::string& b, int offset) const {
  return mean_distance(parts.at(a), parts.at(b), offset);
}

double Floorplan::max_lateral_distance_m(const std::string& a, const std::string& b,
                                         int offset) const {
  double m = 0;
  for_pairs(parts.at(a), parts.at(b), offset,
            [&](const Rect& x, const Rect& y) { m = std::max(m, piece_distance(x, y, offset)); });
  return m;
}

bool Floorplan::cross_tier(const std::string& a, const std::string& b) const {
  return tiers.at(a) != tiers.at(b);
}

double Floorplan::overlap_m2(const std::string& a, const std::string& b) const {
  double s = 0;
  for (const auto& ra : parts.at(a))
    for (const auto& rb : parts.at(b)) {
      const double w = std::min(ra.x + ra.w, rb.x + rb.w) - std::max(ra.x, rb.x);
      const double h = std::min(ra.y + ra.h, rb.y + rb.h) - std::max(ra.y, rb.y);
      s += std::max(0.0, w) * std::max(0.0, h);
    }
  return s;
}

Rect Floorplan::bounds(const std::string& a) const {
  double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
  for (const auto& r : parts.at(a)) {
    x0 = std::min(x0, r.x), y0 = std::min(y0, r.y);
    x1 = std::max(x1, r.x + r.w), y1 = std::max(y1, r.y + r.h);
  }
  return Rect{x0, y0, x1 - x0, y1 - y0};
}

Floorplan make_floorplan(const std::vector<Block>& blocks, double whitespace,
                         const std::vector<Affinity>& affinity) {
  if (blocks.empty()) throw Error("floorplan: no blocks");
  if (!(whitespace >= 0 && whitespace < 1)) throw Error("floorplan: whitespace must be in [0, 1)");
  Floorplan fp;
  fp.whitespace = whitespace;
  std::map<arch::Tier, std::vector<Item>> per_tier;
  const auto& order = floorplan_order();
  auto rank = [&](const std::string& n) {
    auto it = std::find(order.begin(), order.end(), n);
    return it == order.end() ? order.size() : static_cast<size_t>(it - order.begin());
  };
  std::vector<const Block*> sorted;
  for (const auto& b : blocks) sorted.push_back(&b);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [&](auto* a, auto* b) { return rank(a->name) < rank(b->name); });
  for (const auto* b : sorted) {
    if (!(b->area_m2 > 0)) throw Error("floorplan: block '" + b->name + "' has no area");
    const int n = placement_parts(*b);
    for (int k = 0; k < n; ++k) per_tier[b->tier].push_back({b->name, k, b->area_m2 / n});
    fp.tier_block_area_m2[b->tier] += b->area_m2;
    fp.tiers[b->name] = b->tier;
  }
  fp.stacked = per_tier.size() > 1;
  double fullest = 0;
  for (const auto& [t, a] : fp.tier_block_area_m2) fullest = std::max(fullest, a);
  fp.footprint_m2 = fullest / (1 - whitespace);
  fp.outline_w_m = fp.outline_h_m = std::sqrt(fp.footprint_m2);
  fp.silicon_area_m2 = fp.footprint_m2 * static_cast<double>(per_tier.size());
  const Rect outline{0, 0, fp.outline_w_m, fp.outline_h_m};

  // Every tier spreads its pieces over the whole outline. The leading tier is cut in a given
  // order; the other tier is cut in its own order and its pieces slide towards their partners
  // on the leading tier. Simulated annealing (fixed seed: deterministic) searches both orders
  // to minimize the wire-weighted half-perimeter wire length, with each tier tried as the
  // leader; the start point is floorplan_order() with the follower sorted by its targets.
  double best = std::numeric_limits<double>::infinity();
  for (const auto& [lead, lead_items] : per_tier) {
    std::vector<Item> seq = lead_items, fol;
    for (const auto& [t, other] : per_tier)
      if (t != lead) fol = other;
    auto layout = [&](bool sort_follow, Parts& out) {
      std::vector<std::pair<Item, Rect>> cut;
      bisect(seq, 0, seq.size(), outline, cut);
      for (const auto& [it, r] : cut) put(out, it, r);
      if (!fol.empty()) follow(fol, Parts(out), affinity, outline, whitespace, sort_follow, out);
      return hpwl_cost(out, affinity);
    };
    Parts parts;
    double cost = layout(true, parts);
    if (cost < best) best = cost, fp.parts = parts;
    if (affinity.empty()) continue;
    // Start the follower's order from its target-sorted cut.
    if (!fol.empty()) {
      std::stable_sort(fol.begin(), fol.end(), [&](const Item& a, const Item& b) {
        const Rect &ra = parts.at(a.block)[a.part], &rb = parts.at(b.block)[b.part];
        return ra.cx() + ra.cy() < rb.cx() + rb.cy();
      });
      Parts p;
      cost = layout(false, p);
      if (cost < best) best = cost, fp.parts = std::move(p);
    }
    const size_t n = seq.size() + fol.size();
    if (n < 2) continue;
    // Several independent annealing runs from the same start; the best layout wins.
    const std::vector<Item> seq0 = seq, fol0 = fol;
    const double cost0 = cost;
    for (uint64_t seed : {1u, 2u, 3u, 4u}) {
      seq = seq0, fol = fol0, cost = cost0;
      std::mt19937_64 rng(seed);
      std::uniform_int_distribution<size_t> pick(0, n - 1);
      std::uniform_real_distribution<double> u(0, 1);
      double temp = 0.05 * cost;
      const double cool = std::pow(1e-4, 1.0 / kAnnealSteps);
      for (int s = 0; s < kAnnealSteps; ++s, temp *= cool) {
        size_t i = pick(rng), j = pick(rng);
        // Swap two pieces of the same tier.
        std::vector<Item>* v = &seq;
        if (i >= seq.size() && j >= seq.size()) {
          v = &fol, i -= seq.size(), j -= seq.size();
        } else if (i >= seq.size() || j >= seq.size() || i == j) {
          continue;
        }
        if (i == j) continue;
        std::swap((*v)[i], (*v)[j]);
        Parts p;
        const double c = layout(false, p);
        if (c <= cost || u(rng) < std::exp(-(c - cost) / std::max(temp, 1e-300))) {
          cost = c;
          if (c < best) best = c, fp.parts = std::move(p);
        } else {
          std::swap((*v)[i], (*v)[j]);
        }
      }
    }
  }
  return fp;
}

}  // namespace ss::phys
