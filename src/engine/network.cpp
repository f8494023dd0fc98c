#include "engine/network.h"

#include <cmath>

#include "common/error.h"
#include "common/safetensors.h"
#include "engine/block_part.h"
#include "engine/tokenizer.h"

namespace ss {

Mode parse_mode(const std::string& s) {
  if (s == "float") return Mode::Float;
  if (s == "int") return Mode::Int;
  throw Error("--mode: expected \"float\" or \"int\", got '" + s + "'");
}
const char* mode_name(Mode m) { return m == Mode::Int ? "int" : "float"; }

struct Network::Impl {
  ModelSpec spec;
  Mode mode;
  std::unique_ptr<Tokenizer> tok;
  std::vector<std::unique_ptr<BlockPart>> attn, ffn;
  Synapse head;
  Context ctx(Observer* obs) const { return Context{spec, mode, kern::kernels(), obs}; }
};

namespace {

// Beyond this a value is not a trained weight, and folding or integrating it could leave
// float32 (|W| x 9 x 65536 inputs x residual values must stay far below 3.4e38).
constexpr double kMaxWeightMagnitude = 1e9;

// Everything the engine reads from a weights file, checked before any layer folds it:
// values finite and bounded, and the tensors that have no default present.
void validate_weights(const ModelSpec& spec, const SafeTensors& w) {
  for (const auto& name : w.names()) {
    const TensorView& t = w.get(name);
    const std::vector<float> v = w.floats(name, t.shape);  // as the engine will see them
    for (size_t i = 0; i < v.size(); ++i)
      if (!std::isfinite(v[i]))
        throw error_at(w.origin(), name, "element {} is {}, expected a finite number", i, v[i]);
      else if (std::fabs(v[i]) > kMaxWeightMagnitude)
        throw error_at(w.origin(), name,
                       "element {} is {:g}, expected a magnitude of at most {:g} (not trained "
                       "weights?)",
                       i, v[i], kMaxWeightMagnitude);
  }
  // plain Linear layers: the bias is part of the layer (docs/formats.md §2), not optional
  std::vector<std::string> required = {"head.bias"};
  if (spec.ffn.type == "moe")
    for (int b = 0; b < spec.blocks; ++b)
      required.push_back("blocks." + std::to_string(b) + ".ffn.router.bias");
  for (const auto& name : required) (void)w.get(name);  // throws naming file and tensor
}

}  // namespace

Network::Network(const ModelSpec& spec, const SafeTensors& w, Mode mode)
    : impl_(std::make_unique<Impl>()) {
  spec.validate_sizes();
  validate_weights(spec, w);
  impl_->spec = spec;
  impl_->mode = mode;
  Context ctx = impl_->ctx(nullptr);
  impl_->tok = std::make_unique<Tokenizer>(ctx, w);
  for (int b = 0; b < spec.blocks; ++b) {
    std::string p = "blocks." + std::to_string(b);
    impl_->attn.push_back(make_part("attention", spec.attention.type, {ctx, w, p + ".attn", b}));
    impl_->ffn.push_back(make_part("ffn", spec.ffn.type, {ctx, w, p + ".ffn", b}));
  }
  impl_->head = Synapse(ctx, w, "head", spec.classes, spec.dim, false, /*bn=*/false);
}

Network::~Network() = default;
Network::Network(Network&&) noexcept = default;
Network& Network::operator=(Network&&) noexcept = default;

const ModelSpec& Network::spec() const { return impl_->spec; }
Mode Network::mode() const { return impl_->mode; }

std::vector<std::string> Network::layer_names() const {
  auto n = impl_->tok->layer_names();
  for (size_t b = 0; b < impl_->attn.size(); ++b) {
    for (auto& s : impl_->attn[b]->layer_names()) n.push_back(s);
    for (auto& s : impl_->ffn[b]->layer_names()) n.push_back(s);
  }
  return n;
}

Prediction Network::run(const uint8_t* image, Observer* obs) const {
  const Impl& m = *impl_;
  Context ctx = m.ctx(obs);
  if (obs) obs->on_input(image, spec().in_channels, spec().in_height, spec().in_width);
  Values x = m.tok->forward(ctx, image);
  for (size_t b = 0; b < m.attn.size(); ++b) {
    Values y = x;
    m.attn[b]->forward(ctx, x, y);
    x = y;
    m.ffn[b]->forward(ctx, x, y);
    x = std::move(y);
  }
  // head: mean over steps and tokens, then Linear
  const int D = m.spec.dim, C = m.spec.classes;
  std::vector<int64_t> sum(D, 0);
  for (size_t r = 0; r < size_t(x.T) * x.tokens; ++r)
    for (int i = 0; i < D; ++i) sum[i] += x.v[r * D + i];
  const int64_t count = int64_t(x.T) * x.tokens;
  Prediction p;
  p.scores.resize(C);
  for (int c = 0; c < C; ++c) {
    if (m.mode == Mode::Int) {
      int64_t acc = 0;
      for (int i = 0; i < D; ++i) acc += sum[i] * m.head.qweight_t()[size_t(i) * C + c];
      int64_t mul = fx::round_half_away(double(m.head.scale()[c]) / double(count) * double(1 << 24));
      int64_t b = fx::round_half_away(double(m.head.bias()[c]) * double(1 << 24));
      p.scores[c] = double(acc * mul + b) / double(1 << 24);
    } else {
      float dot = 0.f;
      for (int i = 0; i < D; ++i)
        dot += (float(sum[i]) / float(count)) * m.head.weight_t()[size_t(i) * C + c];
      p.scores[c] = double(dot + m.head.bias()[c]);
    }
    if (p.label < 0 || p.scores[c] > p.scores[p.label]) p.label = c;
  }
  return p;
}

Network load_network(const std::string& model_path, Mode mode) {
  return load_network(ModelSpec::load(model_path), mode);
}

Network load_network(const ModelSpec& spec, Mode mode) {
  if (spec.weights.empty())
    throw error_at(spec.file, "model.weights", "this model file has no weights (shape-only)");
  SafeTensors w = SafeTensors::load(spec.weights);
  return Network(spec, w, mode);
}

}  // namespace ss
