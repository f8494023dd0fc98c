// Pareto fronts against a brute-force definition, constraints with units, and the order of
// the designs a strategy visits.
#include "explore/pareto.h"

#include <gtest/gtest.h>

#include <random>

#include "common/error.h"
#include "explore/metrics.h"
#include "explore/space.h"

using namespace ss::explore;

namespace {
std::vector<size_t> brute_front(const std::vector<std::vector<double>>& p) {
  std::vector<size_t> out;
  for (size_t i = 0; i < p.size(); ++i) {
    bool dom = false;
    for (size_t j = 0; j < p.size() && !dom; ++j) {
      bool le = true, lt = false;
      for (size_t k = 0; k < p[i].size(); ++k)
        le = le && p[j][k] <= p[i][k], lt = lt || p[j][k] < p[i][k];
      dom = le && lt;
    }
    if (!dom) out.push_back(i);
  }
  return out;
}
}  // namespace

TEST(Pareto, MatchesBruteForceIn2And3Objectives) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> d(0, 20);  // ties on purpose
  for (size_t k : {2u, 3u})
    for (int rep = 0; rep < 20; ++rep) {
      std::vector<std::vector<double>> p(60, std::vector<double>(k));
      for (auto& v : p)
        for (auto& x : v) x = d(rng);
      EXPECT_EQ(pareto_front(p), brute_front(p)) << "k=" << k << " rep=" << rep;
    }
}

TEST(Pareto, NanRowsNeverMakeTheFront) {
  std::vector<std::vector<double>> p = {{1, 5}, {NAN, 0}, {2, 2}, {5, 1}, {3, 3}};
  EXPECT_EQ(pareto_front(p), (std::vector<size_t>{0, 2, 3}));
}

TEST(Constraint, UnitsAreConverted) {
  const Constraint c = parse_constraint("footprint <= 0.5 cm^2");
  EXPECT_EQ(metric_infos()[c.metric].column, std::string("footprint_mm2"));
  EXPECT_NEAR(c.bound, 50.0, 1e-9);
  const Constraint t = parse_constraint("peak_temperature<=360K");
  EXPECT_TRUE(t.upper);
  std::vector<double> m(metric_infos().size(), 0.0);
  m[t.metric] = 359.9;
  EXPECT_TRUE(t.ok(m));
  m[t.metric] = 360.1;
  EXPECT_FALSE(t.ok(m));
  EXPECT_THROW(parse_constraint("footprint <= 3 ns"), ss::Error);  // wrong dimension
  EXPECT_THROW(parse_constraint("speed <= 3"), ss::Error);         // unknown metric
  EXPECT_THROW(parse_constraint("footprint = 3 mm^2"), ss::Error);
}

TEST(Space, GridIsMixedRadixLastAxisFastest) {
  StudySpec s;
  s.models.resize(2);
  s.axes = {parse_axis("a=1,2,3"), parse_axis("b=1,2")};
  const auto ds = designs_of(s);
  ASSERT_EQ(ds.size(), 12u);
  EXPECT_EQ(ds[0], (Design{0, {0, 0}}));
  EXPECT_EQ(ds[1], (Design{0, {0, 1}}));
  EXPECT_EQ(ds[2], (Design{0, {1, 0}}));
  EXPECT_EQ(ds[11], (Design{1, {2, 1}}));
}

TEST(Space, LatinHypercubeCoversEveryStratum) {
  StudySpec s;
  s.models.resize(1);
  s.axes = {parse_axis("a=1..10"), parse_axis("b=1..10")};
  s.strategy = Strategy::lhs;
  s.samples = 10;
  s.seed = 3;
  const auto ds = designs_of(s);
  ASSERT_EQ(ds.size(), 10u);  // 10 strata of 10 values: every value once per axis
  for (size_t a = 0; a < 2; ++a) {
    std::vector<int> seen(10, 0);
    for (const auto& d : ds) ++seen[d.idx[a]];
    for (int c : seen) EXPECT_EQ(c, 1);
  }
  EXPECT_EQ(designs_of(s), ds);  // the same on every run
}

TEST(Space, RandomSamplesAreDistinct) {
  StudySpec s;
  s.models.resize(1);
  s.axes = {parse_axis("a=1,2"), parse_axis("b=1,2")};
  s.strategy = Strategy::random;
  s.samples = 50;  // only 4 designs exist: each once
  EXPECT_EQ(designs_of(s).size(), 4u);
}
