#include "report/colour.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace ss::report {

namespace {
using Rgb = std::array<int, 3>;
// matplotlib viridis / inferno sampled at t = 0, 1/8, ..., 1.
constexpr std::array<Rgb, 9> kViridis = {{{68, 1, 84},
                                          {71, 44, 122},
                                          {59, 81, 139},
                                          {44, 113, 142},
                                          {33, 144, 141},
                                          {39, 173, 129},
                                          {92, 200, 99},
                                          {170, 220, 50},
                                          {253, 231, 37}}};
constexpr std::array<Rgb, 9> kInferno = {{{0, 0, 4},
                                          {31, 12, 72},
                                          {85, 15, 109},
                                          {136, 34, 106},
                                          {186, 54, 85},
                                          {227, 89, 51},
                                          {249, 140, 10},
                                          {249, 201, 50},
                                          {252, 255, 164}}};

std::string hex(const Rgb& c) { return fmt::format("#{:02x}{:02x}{:02x}", c[0], c[1], c[2]); }
}  // namespace

std::string palette(size_t i) {
  static const char* p[] = {"#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2",
                            "#b07aa1", "#edc948", "#ff9da7", "#9c755f", "#bab0ac"};
  return p[i % (sizeof(p) / sizeof(p[0]))];
}

std::string scale_colour(Scale s, double t) {
  const auto& a = s == Scale::Viridis ? kViridis : kInferno;
  if (!std::isfinite(t)) t = 0;
  t = std::clamp(t, 0.0, 1.0) * double(a.size() - 1);
  size_t i = std::min(size_t(t), a.size() - 2);
  double f = t - double(i);
  Rgb c;
  for (int k = 0; k < 3; ++k) c[k] = int(std::lround(a[i][k] + f * (a[i + 1][k] - a[i][k])));
  return hex(c);
}

std::string text_on(const std::string& bg) {
  if (bg.size() != 7 || bg[0] != '#') return "#000";
  auto ch = [&](int k) { return std::stoi(bg.substr(1 + 2 * k, 2), nullptr, 16) / 255.0; };
  double luma = 0.2126 * ch(0) + 0.7152 * ch(1) + 0.0722 * ch(2);
  return luma > 0.45 ? "#111" : "#fff";
}

}  // namespace ss::report
