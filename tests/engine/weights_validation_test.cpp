// The weights file is checked where it is loaded: every value finite and of a trained
// network's magnitude, every tensor of docs/formats.md present (a missing bias of a plain
// Linear is not zero), each error naming the file and the tensor.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>

#include "common/error.h"
#include "common/safetensors.h"
#include "engine/network.h"
#include "engine/random_model.h"
#include "engine/test_models.h"

namespace {

// The random weights of `spec` with element `index` of tensor `name` set to `value`.
ss::SafeTensors with_value(const ss::ModelSpec& spec, const std::string& name, size_t index,
                           double value) {
  ss::SafeTensorsWriter wr = ss::random_weights(spec, 3);
  const ss::SafeTensors base = ss::SafeTensors::parse(wr.serialize(), "w.safetensors");
  const ss::TensorView& t = base.get(name);
  std::vector<double> v(size_t(t.numel()));
  std::vector<float> f = base.floats(name, t.shape);
  for (size_t i = 0; i < v.size(); ++i) v[i] = f[i];
  v.at(index) = value;
  wr.add(name, ss::DType::F64, t.shape, v.data());  // F64: 1e300 is representable here
  return ss::SafeTensors::parse(wr.serialize(), "w.safetensors");
}

// The random weights of `spec` without tensor `name`.
ss::SafeTensors without(const ss::ModelSpec& spec, const std::string& name) {
  const ss::SafeTensors base =
      ss::SafeTensors::parse(ss::random_weights(spec, 3).serialize(), "w.safetensors");
  ss::SafeTensorsWriter wr;
  for (const auto& n : base.names())
    if (n != name) wr.add(n, base.get(n).dtype, base.get(n).shape, base.get(n).bytes.data());
  return ss::SafeTensors::parse(wr.serialize(), "w.safetensors");
}

std::string load_error(const ss::ModelSpec& spec, const ss::SafeTensors& w, ss::Mode mode) {
  try {
    ss::Network net(spec, w, mode);
  } catch (const ss::Error& e) {
    return e.what();
  }
  return "(accepted)";
}

TEST(WeightsValidation, RandomWeightsLoadInBothModes) {
  const ss::ModelSpec spec = ss::test::small_spec("ssa", "moe");
  const ss::SafeTensors w =
      ss::SafeTensors::parse(ss::random_weights(spec, 3).serialize(), "w.safetensors");
  EXPECT_NO_THROW(ss::Network(spec, w, ss::Mode::Float));
  EXPECT_NO_THROW(ss::Network(spec, w, ss::Mode::Int));
}

TEST(WeightsValidation, NonFiniteValuesAreErrorsInEveryTensor) {
  const ss::ModelSpec spec = ss::test::small_spec("emsa", "mlp");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  struct Case {
    const char* tensor;
    size_t index;
    double value;
    const char* what;
  };
  for (const Case& c : {Case{"blocks.1.ffn.fc2.weight", 17, nan, "element 17 is nan"},
                        Case{"sps.conv0.weight", 0, -inf, "element 0 is -inf"},
                        Case{"blocks.0.attn.q2.bn.running_mean", 5, inf, "element 5 is inf"},
                        Case{"head.weight", 3, 1e300, "element 3 is inf"}}) {  // F64 -> float
    for (ss::Mode mode : {ss::Mode::Float, ss::Mode::Int}) {
      std::string m = load_error(spec, with_value(spec, c.tensor, c.index, c.value), mode);
      EXPECT_EQ(m.rfind(std::string("w.safetensors: ") + c.tensor + ": ", 0), 0u) << m;
      EXPECT_NE(m.find(c.what), std::string::npos) << m;
    }
  }
}

TEST(WeightsValidation, AbsurdMagnitudesAreErrors) {
  const ss::ModelSpec spec = ss::test::small_spec("ssa", "mlp");
  for (ss::Mode mode : {ss::Mode::Float, ss::Mode::Int}) {
    std::string m = load_error(spec, with_value(spec, "blocks.0.attn.k.weight", 9, 3e38), mode);
    EXPECT_EQ(m,
              "w.safetensors: blocks.0.attn.k.weight: element 9 is 3e+38, expected a magnitude "
              "of at most 1e+09 (not trained weights?)");
    m = load_error(spec, with_value(spec, "head.bias", 1, -2e9), mode);
    EXPECT_NE(m.find("head.bias: element 1 is -2e+09"), std::string::npos) << m;
  }
  // the bound itself is accepted
  EXPECT_NO_THROW(
      ss::Network(spec, with_value(spec, "blocks.0.attn.k.weight", 9, 1e9), ss::Mode::Float));
}

TEST(WeightsValidation, MissingBiasOfAPlainLinearIsAnError) {
  for (const char* name : {"head.bias", "blocks.1.ffn.router.bias"}) {
    const ss::ModelSpec spec = ss::test::small_spec("ssa", "moe");
    std::string m = load_error(spec, without(spec, name), ss::Mode::Float);
    EXPECT_EQ(m, std::string("w.safetensors: ") + name + ": tensor missing from weights file");
  }
  // the bias of a Linear-BN unit is optional (BN's shift absorbs it): random weights have none
  const ss::ModelSpec spec = ss::test::small_spec("ssa", "mlp");
  const ss::SafeTensors w =
      ss::SafeTensors::parse(ss::random_weights(spec, 3).serialize(), "w.safetensors");
  EXPECT_FALSE(w.has("blocks.0.ffn.fc1.bias"));
  EXPECT_NO_THROW(ss::Network(spec, w, ss::Mode::Int));
}

}  // namespace
