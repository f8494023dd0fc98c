// Wire-length distribution inside a block of N gates: Davis, De & Meindl, "A stochastic wire-
// length distribution for gigascale integration (GSI)", IEEE TED 45(3), 1998. Lengths are in
// gate pitches; region I: 1 <= l < sqrt(N), region II: sqrt(N) <= l < 2 sqrt(N).
#pragma once

namespace ss::phys {

// Rent's rule T = k G^p for the block's kind, and the average fan-out of its nets.
struct RentParams {
  double p = 0.6;     // Rent exponent
  double k = 4;       // terminals per gate
  double fanout = 3;  // average fan-out
};

class DavisDistribution {
 public:
  DavisDistribution(double gates, RentParams r);
  double density(double l) const;   // i(l): wires per unit length at length l (gate pitches)
  double total_count() const;       // alpha k N (1 - N^(p-1)), the paper's normalization
  double integrated_count() const;  // numerical integral of density (a second implementation)
  double total_length() const;      // integral of l i(l), in gate pitches
  double average_length() const { return total_length() / total_count(); }
  double gamma() const { return gamma_; }

 private:
  double n_, sqrt_n_, alpha_;
  RentParams r_;
  double gamma_;
  double integrate(bool weighted) const;
};

}  // namespace ss::phys
