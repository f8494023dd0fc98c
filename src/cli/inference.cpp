#include "cli/inference.h"

#include <algorithm>
#include <chrono>
#include <exception>
#include <thread>

#include "cli/progress.h"
#include "common/error.h"

namespace ss::cli {

InferResult run_inference(const Network& net, const Dataset& ds, unsigned threads, bool quiet,
                          const SinkFactory& sinks) {
  const size_t n = ds.count();
  threads = std::max(1u, std::min<unsigned>(threads, unsigned(std::max<size_t>(n, 1))));
  std::vector<Trace> traces(threads);
  std::vector<size_t> correct(threads, 0);
  std::vector<int> labels(n, -1);
  const size_t classes = size_t(net.spec().classes);
  std::vector<double> scores(n * classes, 0.0);
  Progress prog("infer", n, quiet);
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> failed(threads);  // a dump write failing (disk full)
  for (unsigned w = 0; w < threads; ++w)
    pool.emplace_back([&, w] {
      try {
        size_t lo = n * w / threads, hi = n * (w + 1) / threads;
        const std::unique_ptr<SampleObserver> sink = sinks ? sinks() : nullptr;
        TeeObserver obs({&traces[w], sink.get()});
        for (size_t i = lo; i < hi; ++i) {
          if (sink) sink->set_sample(int64_t(i));
          auto p = net.run(ds.image(i), &obs);
          correct[w] += p.label == ds.labels[i];
          labels[i] = p.label;
          std::copy(p.scores.begin(), p.scores.end(), scores.begin() + std::ptrdiff_t(i * classes));
          prog.tick();
        }
      } catch (...) {
        failed[w] = std::current_exception();
      }
    });
  for (auto& t : pool) t.join();
  for (auto& f : failed)
    if (f) std::rethrow_exception(f);
  prog.done();
  InferResult r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.samples = n;
  r.labels = std::move(labels);
  r.classes = int(classes);
  r.scores = std::move(scores);
  for (unsigned w = 0; w < threads; ++w) {
    r.correct += correct[w];
    r.trace.merge(traces[w]);
  }
  return r;
}

Dataset load_model_data(const ModelSpec& spec, const std::string& data, const std::string& split,
                        const std::string& root, size_t limit) {
  Dataset ds = load_dataset(data, split, root);
  if (ds.channels != spec.in_channels || ds.height != spec.in_height || ds.width != spec.in_width)
    throw error_at(spec.file, "model.input", "model expects {}x{}x{} images, data set '{}' has {}x{}x{}",
                   spec.in_channels, spec.in_height, spec.in_width, data, ds.channels, ds.height,
                   ds.width);
  if (limit) ds.truncate(limit);
  return ds;
}

nlohmann::json trace_json(const Trace& tr) {
  nlohmann::json layers = nlohmann::json::array();
  for (const auto& l : tr.layers()) {
    std::vector<double> rates(l.T);
    for (int t = 0; t < l.T; ++t) rates[t] = l.rate(t);
    int64_t d = 0, e = 0;
    for (int t = 0; t < l.T; ++t) d += l.sops_dense[t], e += l.sops_exec[t];
    layers.push_back({{"name", l.name},
                      {"shape", {l.T, l.tokens, l.channels}},
                      {"firing_rate", l.rate()},
                      {"firing_rate_per_step", rates},
                      {"sops_dense", l.sops_dense},
                      {"sops_exec", l.sops_exec},
                      {"sops_dense_per_sample", double(d) / double(std::max<int64_t>(l.samples, 1))},
                      {"sops_exec_per_sample", double(e) / double(std::max<int64_t>(l.samples, 1))}});
  }
  nlohmann::json usage = nlohmann::json::object();
  for (const auto& [b, u] : tr.expert_usage()) usage[b] = u;
  nlohmann::json gating = nlohmann::json::object();
  for (const auto& [p, u] : tr.expert_gating())
    gating[p] = {{"open", u.open}, {"slots", u.slots}, {"share", u.shares()}};
  return {{"layers", layers}, {"expert_usage", usage}, {"expert_gating", gating}};
}

}  // namespace ss::cli
