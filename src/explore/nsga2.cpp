#include "explore/nsga2.h"

#include <cmath>
#include <pagmo/algorithms/nsga2.hpp>
#include <pagmo/batch_evaluators/member_bfe.hpp>
#include <pagmo/bfe.hpp>
#include <pagmo/population.hpp>
#include <pagmo/problem.hpp>

#include "common/error.h"
#include "explore/space.h"

namespace ss::explore {

std::vector<double> fitness_of(const StyleResult& r, const std::vector<size_t>& objectives,
                               const std::vector<Constraint>& constraints) {
  constexpr double kPenalty = 1e30;
  if (!r.error.empty() || r.metrics.empty())
    return std::vector<double>(objectives.size(), 2 * kPenalty);
  double violation = 0;
  for (const auto& c : constraints) {
    const double v = r.metrics.at(c.metric);
    if (std::isnan(v))
      violation += 1;
    else if (!c.ok(r.metrics))
      violation += std::abs(v - c.bound) / std::max(std::abs(c.bound), 1e-30);
  }
  std::vector<double> f;
  for (size_t o : objectives) {
    const double v = r.metrics.at(o);
    f.push_back(violation > 0 || std::isnan(v) ? kPenalty * (1 + std::min(violation, 1e6)) : v);
  }
  return f;
}

namespace {

struct Context {
  const StudySpec* study = nullptr;
  const Evaluator* ev = nullptr;
  Runner* runner = nullptr;
  std::vector<size_t> objectives;
  std::vector<Constraint> constraints;
  std::vector<uint32_t> dims;  // model, axes..., style
  std::vector<size_t> genes;   // the dims with more than one value (pagmo needs lo < hi)
};

// The user-defined problem pagmo copies around; the state lives in the Context.
struct Problem {
  Context* ctx = nullptr;
  pagmo::vector_double fitness(const pagmo::vector_double& x) const { return batch_fitness(x); }
  pagmo::vector_double batch_fitness(const pagmo::vector_double& dvs) const {
    const size_t width = ctx->genes.size(), n = dvs.size() / width, all = ctx->dims.size();
    std::vector<Design> ds(n);
    std::vector<size_t> style(n);
    for (size_t i = 0; i < n; ++i) {
      std::vector<uint32_t> v(all, 0);
      for (size_t g = 0; g < width; ++g) {
        const size_t k = ctx->genes[g];
        const double x = std::round(dvs[i * width + g]);
        v[k] = static_cast<uint32_t>(std::clamp(x, 0.0, double(ctx->dims[k] - 1)));
      }
      ds[i].model = v[0];
      ds[i].idx.assign(v.begin() + 1, v.end() - 1);
      style[i] = v[all - 1];
    }
    const auto rs = ctx->runner->run(ds);
    pagmo::vector_double f;
    for (size_t i = 0; i < n; ++i) {
      const auto v = fitness_of(rs[i].styles.at(style[i]), ctx->objectives, ctx->constraints);
      f.insert(f.end(), v.begin(), v.end());
    }
    return f;
  }
  std::pair<pagmo::vector_double, pagmo::vector_double> get_bounds() const {
    pagmo::vector_double lo(ctx->genes.size(), 0.0), hi;
    for (size_t k : ctx->genes) hi.push_back(double(ctx->dims[k] - 1));
    return {lo, hi};
  }
  pagmo::vector_double::size_type get_nobj() const { return ctx->objectives.size(); }
  pagmo::vector_double::size_type get_nix() const { return ctx->genes.size(); }
  std::string get_name() const { return "spikestack design space"; }
};

}  // namespace

void run_nsga2(const StudySpec& s, const Evaluator& ev, Runner& runner) {
  Context ctx;
  ctx.study = &s;
  ctx.ev = &ev;
  ctx.runner = &runner;
  for (const auto& o : s.objectives) ctx.objectives.push_back(metric_index(o));
  for (const auto& c : s.constraints) ctx.constraints.push_back(parse_constraint(c));
  ctx.dims = dimension_sizes(s);
  ctx.dims.push_back(static_cast<uint32_t>(ev.styles().size()));
  for (size_t k = 0; k < ctx.dims.size(); ++k)
    if (ctx.dims[k] > 1) ctx.genes.push_back(k);
  if (ctx.genes.empty()) throw Error("nsga2: the space has one design; use strategy grid");
  pagmo::problem prob{Problem{&ctx}};
  const pagmo::bfe bfe{pagmo::member_bfe{}};
  const auto seed = static_cast<unsigned>(s.seed & 0xffffffffu);
  pagmo::population pop{prob, bfe, s.population, seed};
  pagmo::nsga2 algo{static_cast<unsigned>(s.generations), 0.95, 10.,
                    1.0 / double(ctx.genes.size()),       50.,  seed};
  algo.set_bfe(bfe);
  pop = algo.evolve(pop);
}

}  // namespace ss::explore
