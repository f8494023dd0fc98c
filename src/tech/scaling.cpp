#include "tech/scaling.h"

namespace ss::tech {

NodeScaling classical_scaling(double from_node_m, double from_vdd_v, double to_node_m,
                              double to_vdd_v) {
  const double s = to_node_m / from_node_m;
  const double v = to_vdd_v / from_vdd_v;
  return {s * v * v, s, s * s};
}

}  // namespace ss::tech
