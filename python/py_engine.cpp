// spikestack.Model and its inference: the engine on a data set or on NumPy images, returning
// accuracy, predictions, logits, firing rates, the trace and (on request) every layer's spikes
// as NumPy arrays that own the engine's buffers.
#include <pybind11/numpy.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <thread>

#include "bindings.h"
#include "cli/inference.h"
#include "common/error.h"
#include "convert.h"
#include "engine/network.h"
#include "engine/trace.h"
#include "spike_arrays.h"

namespace ss::py {

namespace {

struct Model {
  std::string path;
  std::shared_ptr<const Network> net;
};

// What Model.infer returns; every field is a Python object built once.
struct Inference {
  pb::object samples, correct, accuracy, predictions, labels, logits, rates, trace, spikes, routes,
      heads, mode, seconds;
};

// Head pruning: which heads ran per image, {part: uint8 [samples, heads]}, written by sample
// index from every worker (distinct rows, no lock).
class HeadRecord {
 public:
  HeadRecord(const ModelSpec& sp, int64_t samples) : samples_(samples), heads_(sp.attention.heads) {
    if (!sp.attention.pruning()) return;
    for (int b = 0; b < sp.blocks; ++b)
      ran_["blocks." + std::to_string(b) + ".attn"].assign(size_t(samples) * size_t(heads_), 0);
  }
  class Sink : public SampleObserver {
   public:
    Sink(HeadRecord& r, std::unique_ptr<SampleObserver> next) : r_(&r), next_(std::move(next)) {}
    void set_sample(int64_t i) override {
      sample_ = i;
      if (next_) next_->set_sample(i);
    }
    void on_layer(const LayerEvent& e) override {
      if (next_) next_->on_layer(e);
    }
    void on_route(const std::string& b, const std::vector<int32_t>& x, int k) override {
      if (next_) next_->on_route(b, x, k);
    }
    void on_heads(const std::string& part, const std::vector<uint8_t>& ran) override {
      auto it = r_->ran_.find(part);
      if (it == r_->ran_.end() || int(ran.size()) != r_->heads_)
        throw Error(fmt::format("heads: sample {} reported {} unlike the model", sample_, part));
      std::copy(ran.begin(), ran.end(), it->second.begin() + std::ptrdiff_t(sample_ * r_->heads_));
      if (next_) next_->on_heads(part, ran);
    }

   private:
    HeadRecord* r_;
    std::unique_ptr<SampleObserver> next_;
    int64_t sample_ = 0;
  };
  pb::dict take() {
    pb::dict d;
    for (auto& [p, v] : ran_) d[pb::str(p)] = adopt(std::move(v), {samples_, heads_});
    return d;
  }

 private:
  int64_t samples_;
  int heads_;
  std::map<std::string, std::vector<uint8_t>> ran_;
};

// [n, C, H, W] or [C, H, W] uint8 pixels (and optional labels [n]) as a data set for the model.
Dataset images_as_dataset(const ModelSpec& sp, const pb::array& images, const pb::object& labels) {
  if (!images.dtype().is(pb::dtype::of<uint8_t>()))
    throw Error(fmt::format("images: expected uint8 pixels 0..255, got dtype {}",
                            std::string(pb::str(images.dtype()))));
  const pb::ssize_t nd = images.ndim();
  if (nd != 3 && nd != 4) throw Error("images: expected shape [n, C, H, W] or [C, H, W]");
  const pb::ssize_t n = nd == 4 ? images.shape(0) : 1;
  const pb::ssize_t c = images.shape(nd - 3), h = images.shape(nd - 2), w = images.shape(nd - 1);
  if (c != sp.in_channels || h != sp.in_height || w != sp.in_width)
    throw error_at(sp.file, "model.input", "model expects {}x{}x{} images, got {}x{}x{}",
                   sp.in_channels, sp.in_height, sp.in_width, c, h, w);
  Dataset ds;
  ds.name = "images";
  ds.channels = int(c), ds.height = int(h), ds.width = int(w), ds.classes = sp.classes;
  auto contiguous = pb::array_t<uint8_t, pb::array::c_style>::ensure(images);
  const uint8_t* p = contiguous.data();
  ds.pixels.assign(p, p + size_t(n) * ds.image_size());
  ds.labels.assign(size_t(n), -1);
  if (!labels.is_none()) {
    auto l = pb::array_t<int64_t, pb::array::c_style | pb::array::forcecast>::ensure(labels);
    if (!l || l.ndim() != 1 || l.shape(0) != n)
      throw Error(fmt::format("labels: expected {} integer labels, one per image", n));
    for (pb::ssize_t i = 0; i < n; ++i) {
      if (l.at(i) < 0 || l.at(i) >= sp.classes)
        throw Error(
            fmt::format("labels[{}]: expected a class 0..{}, got {}", i, sp.classes - 1, l.at(i)));
      ds.labels[size_t(i)] = int32_t(l.at(i));
    }
  }
  return ds;
}

Inference infer(const Model& m, const pb::object& images, const pb::object& labels,
                const std::string& data, const std::string& split, const std::string& data_root,
                size_t limit, unsigned threads, bool spikes, bool progress) {
  const ModelSpec& sp = m.net->spec();
  Dataset ds = images.is_none() ? cli::load_model_data(sp, data, split, data_root, limit)
                                : images_as_dataset(sp, pb::array::ensure(images), labels);
  if (!images.is_none() && limit) ds.truncate(limit);
  const bool labelled = images.is_none() || !labels.is_none();
  if (!threads) threads = std::max(1u, std::thread::hardware_concurrency());
  std::optional<SpikeArrays> arrays;
  cli::InferResult r;
  HeadRecord heads(sp, int64_t(ds.count()));
  {
    pb::gil_scoped_release free_python;
    if (spikes) {  // the layout from one probe run of the first image
      DumpLayout layout;
      if (ds.count()) m.net->run(ds.image(0), &layout);
      arrays.emplace(layout, int64_t(ds.count()));
    }
    cli::SinkFactory sinks = [&]() -> std::unique_ptr<SampleObserver> {
      std::unique_ptr<SampleObserver> a;
      if (arrays) a = std::make_unique<SpikeArrays::Sink>(*arrays);
      return std::make_unique<HeadRecord::Sink>(heads, std::move(a));
    };
    r = cli::run_inference(*m.net, ds, threads, !progress, sinks);
  }
  const auto n = pb::ssize_t(r.samples);
  Inference out;
  out.samples = pb::int_(r.samples);
  out.mode = pb::str(mode_name(m.net->mode()));
  out.seconds = pb::float_(r.seconds);
  out.correct = labelled ? pb::object(pb::int_(r.correct)) : pb::none();
  out.accuracy = labelled && r.samples
                     ? pb::object(pb::float_(double(r.correct) / double(r.samples)))
                     : pb::none();
  out.predictions = adopt(std::move(r.labels), {n});
  out.labels = labelled ? pb::object(adopt(std::vector<int32_t>(ds.labels), {n})) : pb::none();
  out.logits = adopt(std::move(r.scores), {n, pb::ssize_t(r.classes)});
  pb::dict rates;
  for (const auto& l : r.trace.layers()) rates[pb::str(l.name)] = l.rate();
  out.rates = rates;
  out.trace = to_python(cli::trace_json(r.trace));
  out.spikes = arrays ? pb::object(arrays->take_spikes()) : pb::none();
  out.routes = arrays ? pb::object(arrays->take_routes()) : pb::none();
  out.heads = heads.take();
  return out;
}

}  // namespace

void bind_engine(pb::module_& m) {
  pb::class_<Model>(m, "Model", R"(A trained model (model file + its safetensors weights) loaded
for the engine in one numerics: "float" (the training framework's) or "int" (the hardware's
golden model). docs/python.md.)")
      .def(pb::init([](const std::string& path, const std::string& mode,
                       const std::optional<double>& head_keep) {
             const Mode md = parse_mode(mode);
             if (!head_keep)
               return Model{path, std::make_shared<const Network>(load_network(path, md))};
             // as --set model.attention.head_keep=P: the model file's ratio replaced
             ModelSpec spec = ModelSpec::load(path);
             spec.set_head_keep(*head_keep, path, "attention.head_keep");
             return Model{path, std::make_shared<const Network>(load_network(spec, md))};
           }),
           pb::arg("path"), pb::arg("mode") = "float", pb::arg("head_keep") = pb::none(),
           R"(head_keep: dynamic head pruning, the share of attention heads kept per image (top
ceil(p H) by Q spike count, docs/formats.md §3); None keeps the model file's.)")
      .def_property_readonly("path", [](const Model& m) { return m.path; })
      .def_property_readonly("name", [](const Model& m) { return m.net->spec().name; })
      .def_property_readonly("mode",
                             [](const Model& m) { return std::string(mode_name(m.net->mode())); })
      .def_property_readonly(
          "layers", [](const Model& m) { return m.net->layer_names(); },
          "spiking layers in execution order (the keys of spikes and rates)")
      .def_property_readonly("timesteps", [](const Model& m) { return m.net->spec().timesteps; })
      .def_property_readonly("tokens", [](const Model& m) { return m.net->spec().tokens(); })
      .def_property_readonly("dim", [](const Model& m) { return m.net->spec().dim; })
      .def_property_readonly("classes", [](const Model& m) { return m.net->spec().classes; })
      .def_property_readonly("heads", [](const Model& m) { return m.net->spec().attention.heads; })
      .def_property_readonly(
          "head_keep", [](const Model& m) { return m.net->spec().attention.head_keep; },
          "the share of heads kept per image (1: no pruning)")
      .def_property_readonly(
          "heads_kept", [](const Model& m) { return m.net->spec().attention.heads_kept(); },
          "heads that run per image: max(1, ceil(head_keep x heads))")
      .def_property_readonly("input_shape",
                             [](const Model& m) {
                               const auto& s = m.net->spec();
                               return pb::make_tuple(s.in_channels, s.in_height, s.in_width);
                             })
      .def_property_readonly(
          "spec_toml", [](const Model& m) { return m.net->spec().to_toml(); },
          "the model file as the engine understood it")
      .def("infer", &infer, pb::arg("images") = pb::none(), pb::arg("labels") = pb::none(),
           pb::arg("data") = "fashion-mnist", pb::arg("split") = "test", pb::arg("data_root") = "",
           pb::arg("limit") = 0, pb::arg("threads") = 0, pb::arg("spikes") = false,
           pb::arg("progress") = false,
           R"(Runs the model on NumPy images (uint8 [n, C, H, W], optional labels) or on a data set
(data, split, data_root), first `limit` samples (0 = all). Returns an Inference; with
spikes=True its .spikes holds every layer's spikes, uint8 [samples, T, tokens, channels].)")
      .def("__repr__", [](const Model& m) {
        return fmt::format("<spikestack.Model {} ({} mode) from {}>", m.net->spec().name,
                           mode_name(m.net->mode()), m.path);
      });

  pb::class_<Inference>(m, "Inference", "What Model.infer returns (docs/python.md)")
      .def_readonly("samples", &Inference::samples)
      .def_readonly("correct", &Inference::correct, "None without labels")
      .def_readonly("accuracy", &Inference::accuracy, "correct / samples; None without labels")
      .def_readonly("predictions", &Inference::predictions, "int32 [samples]: first argmax")
      .def_readonly("labels", &Inference::labels, "int32 [samples]; None without labels")
      .def_readonly("logits", &Inference::logits,
                    "float64 [samples, classes]: logits (float mode), scores (int mode)")
      .def_readonly("rates", &Inference::rates, "{layer: firing rate over samples, steps, neurons}")
      .def_readonly(
          "trace", &Inference::trace,
          "per-layer rates per step and synaptic operations, expert usage (as infer --json)")
      .def_readonly("spikes", &Inference::spikes,
                    "{layer: uint8 [samples, T, tokens, channels]} with spikes=True, else None")
      .def_readonly("routes", &Inference::routes,
                    "{block: int32 [samples, tokens, K]} routed MoE choices with spikes=True")
      .def_readonly("heads", &Inference::heads,
                    "{attention part: uint8 [samples, heads]}, 1 = the head ran for that image "
                    "(head pruning; empty without it)")
      .def_readonly("mode", &Inference::mode)
      .def_readonly("seconds", &Inference::seconds);
}

}  // namespace ss::py
