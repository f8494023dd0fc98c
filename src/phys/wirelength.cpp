#include "phys/wirelength.h"

#include <cmath>

namespace ss::phys {

namespace {
// Simpson's rule in log(l) on [a, b]: the density has l^(2p-4) tails.
template <typename F>
double simpson_log(F f, double a, double b, int n = 4000) {
  if (b <= a) return 0;
  const double la = std::log(a), h = (std::log(b) - la) / n;
  double s = 0;
  for (int j = 0; j <= n; ++j) {
    const double x = std::exp(la + j * h);
    const double w = (j == 0 || j == n) ? 1 : (j % 2 ? 4 : 2);
    s += w * f(x) * x;
  }
  return s * h / 3;
}
}  // namespace

DavisDistribution::DavisDistribution(double gates, RentParams r)
    : n_(gates < 4 ? 4 : gates), sqrt_n_(std::sqrt(n_)), alpha_(r.fanout / (r.fanout + 1)), r_(r) {
  const double p = r.p, n = n_;
  const bool singular = std::abs(2 * p - 1) < 1e-3 || std::abs(p - 1) < 1e-3;
  if (!singular) {
    // Davis et al. 1998, eq. for Gamma.
    const double num = 2 * n * (1 - std::pow(n, p - 1));
    const double den = -std::pow(n, p) * (1 + 2 * p - std::pow(2.0, 2 * p - 1)) /
                           (p * (2 * p - 1) * (p - 1) * (2 * p - 3)) -
                       1 / (6 * p) + 2 * sqrt_n_ / (2 * p - 1) - n / (p - 1);
    gamma_ = num / den;
  } else {
    // At p = 1/2 the closed form is 0/0: normalize numerically to the same total.
    gamma_ = 1;
    gamma_ = total_count() / integrate(false);
  }
}

double DavisDistribution::density(double l) const {
  const double p = r_.p;
  if (l < 1 || l >= 2 * sqrt_n_) return 0;
  const double tail = std::pow(l, 2 * p - 4);
  if (l < sqrt_n_)
    return alpha_ * r_.k / 2 * gamma_ * (l * l * l / 3 - 2 * sqrt_n_ * l * l + 2 * n_ * l) * tail;
  const double d = 2 * sqrt_n_ - l;
  return alpha_ * r_.k / 6 * gamma_ * d * d * d * tail;
}

double DavisDistribution::total_count() const {
  return alpha_ * r_.k * n_ * (1 - std::pow(n_, r_.p - 1));
}

double DavisDistribution::integrate(bool weighted) const {
  auto f = [&](double l) { return density(l) * (weighted ? l : 1.0); };
  return simpson_log(f, 1, sqrt_n_) + simpson_log(f, sqrt_n_, 2 * sqrt_n_ * (1 - 1e-12));
}

double DavisDistribution::integrated_count() const { return integrate(false); }
double DavisDistribution::total_length() const { return integrate(true); }

}  // namespace ss::phys
