// Physical quantities written with their units ("64 KiB", "500 MHz", "0.6 fF", "W/(m*K)").
// Parsed into SI values with a dimension, so a wrong unit is an error at load time.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace ss {

// Exponents of the base units m, kg, s, A, K, bit.
struct Dim {
  std::array<int8_t, 6> e{};
  constexpr bool operator==(const Dim&) const = default;
  constexpr Dim operator*(const Dim& o) const {
    Dim r;
    for (size_t i = 0; i < e.size(); ++i) r.e[i] = static_cast<int8_t>(e[i] + o.e[i]);
    return r;
  }
  constexpr Dim operator/(const Dim& o) const {
    Dim r;
    for (size_t i = 0; i < e.size(); ++i) r.e[i] = static_cast<int8_t>(e[i] - o.e[i]);
    return r;
  }
};

namespace dim {
inline constexpr Dim none{};
inline constexpr Dim length{{1, 0, 0, 0, 0, 0}};
inline constexpr Dim mass{{0, 1, 0, 0, 0, 0}};
inline constexpr Dim time{{0, 0, 1, 0, 0, 0}};
inline constexpr Dim current{{0, 0, 0, 1, 0, 0}};
inline constexpr Dim temperature{{0, 0, 0, 0, 1, 0}};
inline constexpr Dim bits{{0, 0, 0, 0, 0, 1}};
inline constexpr Dim area = length * length;
inline constexpr Dim frequency = none / time;
inline constexpr Dim energy = mass * area / time / time;
inline constexpr Dim power = energy / time;
inline constexpr Dim voltage = power / current;
inline constexpr Dim resistance = voltage / current;
inline constexpr Dim capacitance = current * time / voltage;
inline constexpr Dim bandwidth = bits / time;
inline constexpr Dim energy_per_bit = energy / bits;
inline constexpr Dim resistance_per_length = resistance / length;
inline constexpr Dim capacitance_per_length = capacitance / length;
inline constexpr Dim thermal_conductivity = power / length / temperature;   // W/(m*K)
inline constexpr Dim volumetric_heat_capacity = energy / (area * length) / temperature;  // J/(m^3*K)
inline constexpr Dim power_density = power / area;
}  // namespace dim

struct Quantity {
  double si = 0;  // value in SI base units (bits for information)
  Dim dim;
};

// Parses "<number> <unit>"; the unit is a product of symbols with SI prefixes (f p n u m c k M G T),
// binary prefixes for information (Ki Mi Gi), '^n' powers, '/' and parentheses:
// "12.5 um", "0.2 ohm/um", "64 KiB", "1.2 W/(m*K)", "2 mm^2". Throws ss::Error on bad text.
Quantity parse_quantity(std::string_view text);

// Parses a unit alone ("um", "fF/um"); returns its SI scale and dimension.
Quantity parse_unit(std::string_view unit);

// Human name of a dimension for error messages ("length (e.g. um)").
std::string dim_name(const Dim& d);

// The SI value expressed in `unit` (which must have the same dimension): to_unit(5e-6, "um") = 5.
double to_unit(double si, std::string_view unit);

// Parses text and checks its dimension; errors say what was expected.
double parse_quantity_as(std::string_view text, const Dim& expected);

}  // namespace ss
