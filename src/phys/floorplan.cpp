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
  double tx = 0, ty = 0;  // target point (partners' centroid, or a global placement)
  bool targeted = false;  // false: keep the given order
};

using Parts = std::map<std::string, std::vector<Rect>>;

void put(Parts& out, const Item& it, const Rect& r) {
  auto& v = out[it.block];
  if (v.size() <= static_cast<size_t>(it.part)) v.resize(it.part + 1);
  v[it.part] = r;
}

// One cut of recursive bisection: items[lo, hi) (sorted along the cut's axis first when every
// one has a target) split where the prefix area is closest to half, at least one item on each
// side; the region's longer side is cut in proportion. Returns the first item of the second
// half and the two regions.
struct Cut {
  size_t at;
  Rect a, b;
};
Cut split(std::vector<Item>& items, size_t lo, size_t hi, const Rect& r) {
  const bool vertical_cut = r.w >= r.h;
  bool targeted = true;
  for (size_t i = lo; i < hi; ++i) targeted &= items[i].targeted;
  if (targeted)
    std::stable_sort(
        items.begin() + static_cast<long>(lo), items.begin() + static_cast<long>(hi),
        [&](const Item& a, const Item& b) { return vertical_cut ? a.tx < b.tx : a.ty < b.ty; });
  double total = 0;
  for (size_t i = lo; i < hi; ++i) total += items[i].area;
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
  return {cut, a, b};
}

// Recursive bisection down to one item per region; `out` lists the items in leaf order, so the
// same cuts follow from that order without targets.
void bisect(std::vector<Item> items, size_t lo, size_t hi, Rect r,
            std::vector<std::pair<Item, Rect>>& out) {
  if (hi - lo == 1) {
    out.emplace_back(items[lo], r);
    return;
  }
  const Cut c = split(items, lo, hi, r);
  bisect(items, lo, c.at, c.a, out);
  bisect(items, c.at, hi, c.b, out);
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
std::vector<Item> follow(std::vector<Item> items, const Parts& placed,
                         const std::vector<Affinity>& affinity, const Rect& outline,
                         double whitespace, bool sort_by_target, Parts& out) {
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
    it.targeted = true;
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
    for (auto& it : plain) it.targeted = false;
    bisect(plain, 0, plain.size(), region, cut);
    for (size_t i = 0; i < cut.size(); ++i)
      for (const auto& it : items)
        if (it.block == cut[i].first.block && it.part == cut[i].first.part) cut[i].first = it;
  }
  std::vector<Item> order;
  for (const auto& [it, r] : cut) {
    const double s = std::sqrt(std::min(1.0, it.area / r.area()));
    const double w = r.w * s, h = r.h * s;
    const double x = std::clamp(it.tx - w / 2, r.x, r.x + r.w - w);
    const double y = std::clamp(it.ty - h / 2, r.y, r.y + r.h - h);
    put(out, it, Rect{x, y, w, h});
    order.push_back(it);
  }
  return order;
}

// The pairs of pieces the buses join, each bus's wires shared among its pairs: every piece pair
// of a bus (a clique), the matched pairs of a fused link. Indices into `items`.
struct Spring {
  size_t i, j;
  double w;
};
std::vector<Spring> springs(const std::vector<Item>& items, const std::vector<Affinity>& affinity) {
  constexpr size_t kNone = static_cast<size_t>(-1);
  std::map<std::string, std::vector<size_t>> of;  // block -> item index per part
  for (size_t k = 0; k < items.size(); ++k) {
    auto& v = of[items[k].block];
    if (v.size() <= static_cast<size_t>(items[k].part)) v.resize(items[k].part + 1, kNone);
    v[items[k].part] = k;
  }
  std::vector<Spring> out;
  for (const auto& af : affinity) {
    auto a = of.find(af.a), b = of.find(af.b);
    if (a == of.end() || b == of.end()) continue;
    const auto &pa = a->second, &pb = b->second;
    if (af.offset < 0) {
      const double w = af.weight / static_cast<double>(pa.size() * pb.size());
      for (size_t i : pa)
        for (size_t j : pb) out.push_back({i, j, w});
      continue;
    }
    const size_t off = static_cast<size_t>(af.offset);
    const size_t pairs = off < pb.size() ? std::min(pa.size(), pb.size() - off) : 0;
    for (size_t k = 0; k < pairs; ++k) out.push_back({pa[k], pb[off + k], af.weight / pairs});
  }
  return out;
}

// Solves the dense system m x = rhs (two right-hand sides) by Gaussian elimination with
// partial pivoting; m is square and nonsingular.
void solve(std::vector<std::vector<double>> m, std::vector<double>& bx, std::vector<double>& by) {
  const size_t n = m.size();
  for (size_t c = 0; c < n; ++c) {
    size_t p = c;
    for (size_t r = c + 1; r < n; ++r)
      if (std::abs(m[r][c]) > std::abs(m[p][c])) p = r;
    std::swap(m[c], m[p]), std::swap(bx[c], bx[p]), std::swap(by[c], by[p]);
    for (size_t r = c + 1; r < n; ++r) {
      const double f = m[r][c] / m[c][c];
      if (f == 0) continue;
      for (size_t k = c; k < n; ++k) m[r][k] -= f * m[c][k];
      bx[r] -= f * bx[c], by[r] -= f * by[c];
    }
  }
  for (size_t c = n; c-- > 0;) {
    for (size_t k = c + 1; k < n; ++k) bx[c] -= m[c][k] * bx[k], by[c] -= m[c][k] * by[k];
    bx[c] /= m[c][c], by[c] /= m[c][c];
  }
}

// Global placement of the leading tier's pieces by quadratic placement and partitioning
// (GORDIAN: Kleinhans, Sigl, Johannes, Antreich, IEEE TCAD 10(3), 1991): the positions that
// minimize the wire-weighted sum of squared distances between the pieces the buses join (the
// other tier's pieces take part, free in the plane: they will sit over their partners), with
// every region's pieces' area-weighted centre held at the region's centre; then each region is
// cut in two (split: sorted by those positions, at half its area) and the positions solved
// again, until every region holds one piece. Deterministic; returns the leading tier's pieces
// in leaf order.
std::vector<Item> quadratic_order(std::vector<Item> items, const std::vector<Item>& others,
                                  const Rect& outline, const std::vector<Affinity>& affinity) {
  struct Region {
    size_t lo, hi;
    Rect r;
  };
  const size_t n = items.size(), all = n + others.size();
  double total_area = 0;
  for (const auto& it : items) total_area += it.area;
  std::vector<Region> regions{{0, n, outline}};
  while (std::any_of(regions.begin(), regions.end(),
                     [](const Region& g) { return g.hi - g.lo > 1; })) {
    std::vector<Item> both = items;
    both.insert(both.end(), others.begin(), others.end());
    const auto sp = springs(both, affinity);
    const size_t m = all + regions.size();
    std::vector<std::vector<double>> a(m, std::vector<double>(m, 0.0));
    std::vector<double> bx(m, 0.0), by(m, 0.0);
    double mean = 0;
    for (const auto& s : sp) mean += 2 * s.w / static_cast<double>(all);
    // A pull to the region's (the outline's) centre far weaker than any bus keeps pieces
    // without buses (and the system) determined.
    const double eps = 1e-6 * mean + 1e-12;
    for (const auto& s : sp) {
      a[s.i][s.i] += s.w, a[s.j][s.j] += s.w, a[s.i][s.j] -= s.w, a[s.j][s.i] -= s.w;
    }
    for (size_t i = n; i < all; ++i)
      a[i][i] += eps, bx[i] += eps * outline.cx(), by[i] += eps * outline.cy();
    for (size_t g = 0; g < regions.size(); ++g) {
      const auto& rg = regions[g];
      double area = 0;
      for (size_t i = rg.lo; i < rg.hi; ++i) {
        const double ai = items[i].area / total_area;
        a[i][i] += eps, bx[i] += eps * rg.r.cx(), by[i] += eps * rg.r.cy();
        a[i][all + g] = a[all + g][i] = ai;
        area += ai;
      }
      bx[all + g] = area * rg.r.cx(), by[all + g] = area * rg.r.cy();
    }
    solve(std::move(a), bx, by);
    for (size_t i = 0; i < n; ++i)
      items[i].tx = bx[i], items[i].ty = by[i], items[i].targeted = true;
    std::vector<Region> next;
    for (const auto& rg : regions) {
      if (rg.hi - rg.lo == 1) {
        next.push_back(rg);
        continue;
      }
      const Cut c = split(items, rg.lo, rg.hi, rg.r);
      next.push_back({rg.lo, c.at, c.a});
      next.push_back({c.at, rg.hi, c.b});
    }
    regions = std::move(next);
  }
  for (auto& it : items) it.targeted = false;
  return items;
}

// The wire objective: over the buses, wires x the mean distance between the two blocks'
// pieces (the length the link energy uses, each piece carrying its share), a fused link's
// matched pairs as one net shared among them. The wires, not the bits moved, weight the buses:
// the floorplan is the architecture's, the same for every workload.
double wire_cost(const Parts& parts, const std::vector<Affinity>& affinity) {
  double c = 0;
  for (const auto& af : affinity) {
    auto a = parts.find(af.a), b = parts.find(af.b);
    if (a != parts.end() && b != parts.end())
      c += af.weight * mean_distance(a->second, b->second, af.offset);
  }
  return c;
}

// The clock period the arrangement allows: the floor, or a timed bus's path with its farthest
// piece pair's wire (split over its stages) and the bond when it crosses the tiers.
double period_s(const Parts& parts, const std::map<std::string, arch::Tier>& tiers,
                const std::vector<Affinity>& affinity, const FloorplanTiming& t) {
  double p = t.floor_s;
  for (const auto& af : affinity) {
    if (af.path_rest_s < 0) continue;
    auto a = parts.find(af.a), b = parts.find(af.b);
    if (a == parts.end() || b == parts.end()) continue;
    double len = 0;
    for_pairs(a->second, b->second, af.offset, [&](const Rect& x, const Rect& y) {
      len = std::max(len, piece_distance(x, y, af.offset));
    });
    const double wire =
        tech::bus_delay_s(t.wire, len, t.driver, t.bond, tiers.at(af.a) != tiers.at(af.b));
    p = std::max(p, af.path_rest_s + wire / std::max(1, af.stages));
  }
  return p;
}

// An arrangement's score: its period first (equal within rounding), then its wire.
struct Score {
  double period = 0, length = 0;
  bool operator<(const Score& o) const {
    if (period < o.period * (1 - 1e-12)) return true;
    if (period > o.period * (1 + 1e-12)) return false;
    return length < o.length;
  }
};

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
                         const std::vector<Affinity>& affinity, const FloorplanOptions& options) {
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

  // Every tier spreads its pieces over the whole outline. The leading tier is cut in an order
  // of its pieces, which quadratic placement and partitioning give (quadratic_order); the
  // other tier is cut from a region of its own, its pieces sorted by their partners on the
  // leading tier, and slides towards them. A descent over swaps of two pieces of one tier then
  // improves the arrangement's score: with timing, as a designer floorplans, first the clock
  // period the timed buses allow, then the wire objective (without, the wire only). More
  // descents start from shuffled orders (seeded: deterministic), the best arrangement wins;
  // each tier is tried as the leader.
  const bool timed = options.timing.has_value() &&
                     std::any_of(affinity.begin(), affinity.end(),
                                 [](const Affinity& a) { return a.path_rest_s >= 0; });
  auto score = [&](const Parts& p) {
    return Score{timed ? period_s(p, fp.tiers, affinity, *options.timing) : 0.0,
                 wire_cost(p, affinity)};
  };
  Score best{std::numeric_limits<double>::infinity(), std::numeric_limits<double>::infinity()};
  auto offer = [&](Parts& p, const Score& sc) {
    if (sc < best) best = sc, fp.parts = std::move(p);
  };
  std::mt19937_64 rng(options.seed);
  for (const auto& [lead, lead_items] : per_tier) {
    std::vector<Item> fol;
    for (const auto& [t, other] : per_tier)
      if (t != lead) fol = other;
    std::vector<Item> seq = quadratic_order(lead_items, fol, outline, affinity);
    // The follower's order: `sort` cuts it in its partners' order and returns that order.
    auto layout = [&](bool sort) {
      Parts out;
      std::vector<std::pair<Item, Rect>> cut;
      bisect(seq, 0, seq.size(), outline, cut);
      for (const auto& [it, r] : cut) put(out, it, r);
      if (!fol.empty()) {
        auto order = follow(fol, Parts(out), affinity, outline, whitespace, sort, out);
        if (sort) fol = std::move(order);
      }
      return out;
    };
    // First-improvement descent over swaps of two pieces of one tier, until a whole pass
    // improves nothing.
    auto descend = [&]() {
      Parts p = layout(true);
      Score cur = score(p);
      offer(p, cur);
      for (bool improved = true; improved;) {
        improved = false;
        for (auto* v : {&seq, &fol})
          for (size_t i = 0; i < v->size(); ++i)
            for (size_t j = i + 1; j < v->size(); ++j) {
              std::swap((*v)[i], (*v)[j]);
              Parts q = layout(false);
              const Score sc = score(q);
              if (sc < cur) {
                cur = sc, improved = true;
                offer(q, sc);
              } else {
                std::swap((*v)[i], (*v)[j]);
              }
            }
      }
    };
    descend();
    if (affinity.empty()) continue;  // every arrangement scores the same
    // More descents from shuffled orders of the leading tier (the follower starts cut in its
    // partners' order, as always).
    const std::vector<Item> seq0 = seq;
    for (int k = 0; k < options.extra_starts; ++k) {
      seq = seq0;
      std::shuffle(seq.begin(), seq.end(), rng);
      descend();
    }
  }
  fp.period_s = timed ? best.period : 0;
  fp.weighted_length = best.length;
  return fp;
}

}  // namespace ss::phys
