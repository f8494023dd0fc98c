#include "phys/thermal.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "common/error.h"

namespace ss::phys {

std::vector<ThermalLayer> stack_layers(const tech::ThermalStack& s, bool stacked,
                                       double bond_pitch_m, double bond_pad_m) {
  std::vector<ThermalLayer> L;
  L.push_back({"tim", s.tim_thickness_m, s.tim_k_w_per_mk, s.tim_k_w_per_mk, -1});
  const int sink_tier = stacked ? 1 : 0;
  L.push_back({"bulk", s.die_thickness_m, s.si_k_w_per_mk, s.si_k_w_per_mk, -1});
  L.push_back({"device", s.device_layer_thickness_m, s.si_k_w_per_mk, s.si_k_w_per_mk, sink_tier});
  L.push_back({"beol", s.beol_thickness_m, s.beol_k_w_per_mk, s.beol_k_w_per_mk, -1});
  if (stacked) {
    // Copper pads in oxide: parallel paths vertically, oxide-limited laterally.
    const double cu =
        std::numbers::pi / 4 * bond_pad_m * bond_pad_m / (bond_pitch_m * bond_pitch_m);
    const double kv = cu * s.copper_k_w_per_mk + (1 - cu) * s.bond_oxide_k_w_per_mk;
    L.push_back({"bond", s.bond_thickness_m, kv, s.bond_oxide_k_w_per_mk, -1});
    L.push_back({"beol_bottom", s.beol_thickness_m, s.beol_k_w_per_mk, s.beol_k_w_per_mk, -1});
    L.push_back({"device_bottom", s.device_layer_thickness_m, s.si_k_w_per_mk, s.si_k_w_per_mk, 0});
    L.push_back({"bulk_bottom", s.thinned_die_thickness_m, s.si_k_w_per_mk, s.si_k_w_per_mk, -1});
  }
  return L;
}

double spreading_resistance(double area_m2, double k) {
  return 1.0 / (4 * k * std::sqrt(area_m2 / std::numbers::pi));
}

namespace {

// Symmetric conductance network: G x = b with G = diag + off-diagonal edges (negative).
struct Network {
  std::vector<double> diag;
  struct Edge {
    int a, b;
    double g;
  };
  std::vector<Edge> edges;
  explicit Network(int n) : diag(n, 0) {}
  void connect(int a, int b, double g) {
    edges.push_back({a, b, g});
    diag[a] += g;
    diag[b] += g;
  }
  void ground(int a, double g) { diag[a] += g; }
  void apply(const std::vector<double>& x, std::vector<double>& y) const {
    for (size_t i = 0; i < x.size(); ++i) y[i] = diag[i] * x[i];
    for (const auto& e : edges) {
      y[e.a] -= e.g * x[e.b];
      y[e.b] -= e.g * x[e.a];
    }
  }
};

int cg(const Network& G, const std::vector<double>& b, std::vector<double>& x) {
  const size_t n = b.size();
  std::vector<double> r(n), z(n), p(n), q(n);
  G.apply(x, q);
  double bnorm = 0;
  for (size_t i = 0; i < n; ++i) r[i] = b[i] - q[i], bnorm += b[i] * b[i];
  bnorm = std::sqrt(bnorm);
  if (bnorm == 0) return 0;
  for (size_t i = 0; i < n; ++i) z[i] = r[i] / G.diag[i], p[i] = z[i];
  double rz = 0;
  for (size_t i = 0; i < n; ++i) rz += r[i] * z[i];
  const int max_it = 20 * static_cast<int>(n) + 100;
  for (int it = 1; it <= max_it; ++it) {
    G.apply(p, q);
    double pq = 0;
    for (size_t i = 0; i < n; ++i) pq += p[i] * q[i];
    const double alpha = rz / pq;
    double rn = 0;
    for (size_t i = 0; i < n; ++i) x[i] += alpha * p[i], r[i] -= alpha * q[i], rn += r[i] * r[i];
    if (std::sqrt(rn) <= 1e-12 * bnorm) return it;
    double rz2 = 0;
    for (size_t i = 0; i < n; ++i) z[i] = r[i] / G.diag[i], rz2 += r[i] * z[i];
    const double beta = rz2 / rz;
    rz = rz2;
    for (size_t i = 0; i < n; ++i) p[i] = z[i] + beta * p[i];
  }
  throw Error("thermal: conjugate gradients did not converge");
}

}  // namespace

ThermalSolution solve_thermal(const tech::ThermalStack& s, const std::vector<ThermalLayer>& layers,
                              double width_m, double height_m, int nx, int ny,
                              const std::vector<std::vector<double>>& power) {
  if (nx < 1 || ny < 1) throw Error("thermal: grid must be at least 1 x 1");
  if (!(width_m > 0 && height_m > 0)) throw Error("thermal: die has no area");
  const int cells = nx * ny, nl = static_cast<int>(layers.size());
  const int spreader = nl * cells;
  Network G(spreader + 1);
  const double dx = width_m / nx, dy = height_m / ny, a_cell = dx * dy;
  auto id = [&](int l, int ix, int iy) { return l * cells + iy * nx + ix; };
  for (int l = 0; l < nl; ++l) {
    const auto& L = layers[l];
    for (int iy = 0; iy < ny; ++iy)
      for (int ix = 0; ix < nx; ++ix) {
        if (ix + 1 < nx)
          G.connect(id(l, ix, iy), id(l, ix + 1, iy), L.k_lateral * L.thickness_m * dy / dx);
        if (iy + 1 < ny)
          G.connect(id(l, ix, iy), id(l, ix, iy + 1), L.k_lateral * L.thickness_m * dx / dy);
        if (l + 1 < nl) {
          const auto& M = layers[l + 1];
          const double r = (L.thickness_m / 2) / (L.k_vertical * a_cell) +
                           (M.thickness_m / 2) / (M.k_vertical * a_cell);
          G.connect(id(l, ix, iy), id(l + 1, ix, iy), 1 / r);
        }
        if (l == 0) G.connect(id(0, ix, iy), spreader, L.k_vertical * a_cell / (L.thickness_m / 2));
      }
  }
  const double r_ext =
      spreading_resistance(width_m * height_m, s.spreader_k_w_per_mk) + s.sink_resistance_k_per_w;
  G.ground(spreader, 1 / r_ext);

  std::vector<double> b(spreader + 1, 0.0), x(spreader + 1, 0.0);
  std::vector<int> device_layer(2, -1);
  for (int l = 0; l < nl; ++l)
    if (layers[l].source_tier >= 0) device_layer[layers[l].source_tier] = l;
  for (size_t t = 0; t < power.size(); ++t) {
    if (power[t].empty()) continue;
    if (t >= 2 || device_layer[t] < 0)
      throw Error("thermal: power given for a tier the stack does not have");
    if (static_cast<int>(power[t].size()) != cells) throw Error("thermal: power map size mismatch");
    for (int c = 0; c < cells; ++c) {
      if (!std::isfinite(power[t][c]) || power[t][c] < 0) throw Error("thermal: bad power value");
      b[device_layer[t] * cells + c] += power[t][c];
    }
  }
  ThermalSolution sol;
  sol.iterations = cg(G, b, x);
  sol.nx = nx, sol.ny = ny;
  sol.spreader_k = s.ambient_k + x[spreader];
  for (int t = 0; t < 2; ++t) {
    if (device_layer[t] < 0) continue;
    sol.tier_kelvin.resize(t + 1);
    auto& v = sol.tier_kelvin[t];
    v.resize(cells);
    for (int c = 0; c < cells; ++c) {
      v[c] = s.ambient_k + x[device_layer[t] * cells + c];
      if (!std::isfinite(v[c])) throw Error("thermal: solution is not finite");
      sol.peak_k = std::max(sol.peak_k, v[c]);
    }
  }
  return sol;
}

}  // namespace ss::phys
