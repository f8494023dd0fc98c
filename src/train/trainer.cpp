#include "train/trainer.h"

#include <ATen/Parallel.h>
#include <fmt/format.h>
#include <torch/optim/adamw.h>
#include <torch/serialize.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/error.h"
#include "common/files.h"
#include "common/toml_get.h"
#include "common/safetensors.h"
#include "train/export.h"
#include "train/train_command.h"

namespace ss::train {

namespace F = torch::nn::functional;
using Clock = std::chrono::steady_clock;

namespace {

// splitmix64: the data order and augmentation are pure functions of (seed, epoch, step), so a
// resumed run sees exactly the batches an uninterrupted one would.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(mix(seed)) {}
  uint64_t next() { return s_ = mix(s_); }
  uint64_t below(uint64_t n) { return next() % n; }  // bias negligible for our n
 private:
  uint64_t s_;
};

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

}  // namespace

// ---------------------------------------------------------------- recipe

Recipe Recipe::parse(const std::string& text, const std::string& origin) {
  toml::table tbl = parse_toml_text(text, origin);
  Recipe r;
  if (auto* t = tbl.get("train")) {
    auto* tt = t->as_table();
    if (!tt) throw error_at(origin, "train", "expected a table");
    TomlReader tr(*tt, origin, "train");
    tr.only({"dataset", "data_root", "epochs", "batch_size", "lr", "min_lr", "warmup_epochs",
             "weight_decay", "label_smoothing", "aux_loss_weight", "crop_padding", "hflip",
             "polish_epochs", "polish_lr", "seed", "log_every", "eval_batch", "detach_reset",
             "init"});
    TrainConfig& c = r.train;
    c.dataset = tr.string("dataset", c.dataset);
    if (c.dataset != "fashion-mnist" && c.dataset != "cifar10" && c.dataset != "cifar100")
      throw error_at(origin, "train.dataset",
                     "unknown data set '{}', expected fashion-mnist, cifar10 or cifar100",
                     c.dataset);
    c.data_root = tr.string("data_root", c.data_root);
    c.epochs = int(tr.integer("epochs", c.epochs, 1, 100000));
    c.batch_size = int(tr.integer("batch_size", c.batch_size, 2, 65536));
    c.lr = tr.number("lr", c.lr, 0.0, 10.0);
    c.min_lr = tr.number("min_lr", c.min_lr, 0.0, 10.0);
    c.warmup_epochs = tr.number("warmup_epochs", c.warmup_epochs, 0.0, 1e6);
    c.weight_decay = tr.number("weight_decay", c.weight_decay, 0.0, 10.0);
    c.label_smoothing = tr.number("label_smoothing", c.label_smoothing, 0.0, 0.99);
    c.aux_loss_weight = tr.number("aux_loss_weight", c.aux_loss_weight, 0.0, 100.0);
    c.crop_padding = int(tr.integer("crop_padding", c.crop_padding, 0, 64));
    c.hflip = tr.boolean("hflip", c.hflip);
    c.polish_epochs = int(tr.integer("polish_epochs", c.polish_epochs, 0, 100000));
    c.polish_lr = tr.number("polish_lr", c.polish_lr, 0.0, 10.0);
    c.seed = uint64_t(tr.integer("seed", int64_t(c.seed), 0));
    c.log_every = int(tr.integer("log_every", c.log_every, 1, 1 << 30));
    c.eval_batch = int(tr.integer("eval_batch", c.eval_batch, 1, 65536));
    c.detach_reset = tr.boolean("detach_reset", c.detach_reset);
    c.init = tr.string("init", c.init);
    if (!c.init.empty() && std::filesystem::path(c.init).is_relative())
      c.init = (std::filesystem::path(origin).parent_path() / c.init).string();
    tbl.erase("train");
  } else {
    throw error_at(origin, "train", "missing table (a recipe is a model file plus [train])");
  }
  if (auto* m = tbl.get("model"); m && m->as_table() && m->as_table()->contains("weights"))
    throw error_at(origin, "model.weights",
                   "a recipe describes the model to train: weights are written by the export");
  std::ostringstream os;
  os << tbl;
  r.spec = ModelSpec::parse(os.str(), origin);
  return r;
}

Recipe Recipe::load(const std::string& path) { return parse(read_file_text(path), path); }

// ---------------------------------------------------------------- trainer

Trainer::Trainer(const ModelSpec& spec, const TrainConfig& cfg, const Dataset& train)
    : spec_(spec), cfg_(cfg), data_(train) {
  if (data_.channels != spec.in_channels || data_.height != spec.in_height ||
      data_.width != spec.in_width)
    throw error_at(spec.file, "model.input",
                   "data set '{}' has images {}x{}x{}, the model expects {}x{}x{}", data_.name,
                   data_.channels, data_.height, data_.width, spec.in_channels, spec.in_height,
                   spec.in_width);
  if (data_.classes > spec.classes)
    throw error_at(spec.file, "model.classes", "data set '{}' has {} classes, the model {}",
                   data_.name, data_.classes, spec.classes);
  if (data_.count() < size_t(cfg.batch_size))
    throw error_at(spec.file, "train.batch_size", "{} exceeds the {} training images",
                   cfg.batch_size, data_.count());
  steps_per_epoch_ = int64_t(data_.count()) / cfg.batch_size;

  torch::manual_seed(cfg.seed);
  model_ = SpikingTransformer(spec_, cfg.detach_reset);
  if (!cfg.init.empty()) load_weights(*model_, SafeTensors::load(cfg.init));  // fine-tuning

  std::vector<torch::Tensor> decay, no_decay;
  for (auto& p : model_->named_parameters(true))
    (p.value().dim() >= 2 ? decay : no_decay).push_back(p.value());
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay,
                      std::make_unique<torch::optim::AdamWOptions>(
                          torch::optim::AdamWOptions(cfg.lr).weight_decay(cfg.weight_decay)));
  groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(
                                    torch::optim::AdamWOptions(cfg.lr).weight_decay(0.0)));
  opt_ =
      std::make_unique<torch::optim::AdamW>(std::move(groups), torch::optim::AdamWOptions(cfg.lr));
}

Trainer::~Trainer() = default;

double Trainer::learning_rate(int64_t step) const {
  auto cosine = [&](double peak, int64_t done, int64_t length) {
    const double progress = std::min(1.0, double(done) / double(std::max<int64_t>(1, length)));
    return cfg_.min_lr + 0.5 * (peak - cfg_.min_lr) * (1.0 + std::cos(M_PI * progress));
  };
  if (step >= main_steps())  // polish phase
    return cosine(cfg_.polish_lr, step - main_steps(), total_steps() - main_steps());
  const int64_t warm = int64_t(std::llround(cfg_.warmup_epochs * double(steps_per_epoch_)));
  if (step < warm) return cfg_.lr * double(step + 1) / double(warm);
  return cosine(cfg_.lr, step - warm, main_steps() - warm);
}

std::pair<torch::Tensor, torch::Tensor> Trainer::batch(int64_t step) {
  const int64_t epoch = step / steps_per_epoch_, in_epoch = step % steps_per_epoch_;
  if (epoch != perm_epoch_) {  // Fisher-Yates from (seed, epoch)
    perm_.resize(data_.count());
    for (size_t i = 0; i < perm_.size(); ++i) perm_[i] = int64_t(i);
    Rng rng(cfg_.seed * 1000003ull + uint64_t(epoch));
    for (size_t i = perm_.size(); i > 1; --i) std::swap(perm_[i - 1], perm_[rng.below(i)]);
    perm_epoch_ = epoch;
  }
  const int B = cfg_.batch_size, C = data_.channels, H = data_.height, W = data_.width;
  torch::Tensor x = torch::zeros({B, C, H, W}, torch::kFloat32);
  torch::Tensor y = torch::empty({B}, torch::kInt64);
  float* px = x.data_ptr<float>();
  int64_t* py = y.data_ptr<int64_t>();
  Rng rng(mix(cfg_.seed ^ 0x5eedf00dull) + uint64_t(step));
  const bool augment = step < main_steps();  // the polish phase sees the images as they are
  const int pad = augment ? cfg_.crop_padding : 0;
  for (int b = 0; b < B; ++b) {
    const size_t idx = size_t(perm_[size_t(in_epoch * B + b)]);
    const uint8_t* img = data_.image(idx);
    py[b] = data_.labels[idx];
    const int dy = pad ? int(rng.below(2 * pad + 1)) - pad : 0;
    const int dx = pad ? int(rng.below(2 * pad + 1)) - pad : 0;
    const bool flip = augment && cfg_.hflip && (rng.next() & 1);
    for (int c = 0; c < C; ++c)
      for (int i = 0; i < H; ++i) {
        const int si = i + dy;
        if (si < 0 || si >= H) continue;
        for (int j = 0; j < W; ++j) {
          const int sj = (flip ? W - 1 - j : j) + dx;
          if (sj < 0 || sj >= W) continue;
          px[((size_t(b) * C + c) * H + i) * W + j] = float(img[(size_t(c) * H + si) * W + sj]);
        }
      }
  }
  return {x, y};
}

StepStats Trainer::train_steps(int64_t n, std::ostream* log) {
  StepStats total, window;
  model_->train();
  const bool has_moe = !model_->moe_layers().empty();
  for (int64_t i = 0; i < n && !done(); ++i) {
    const auto t0 = Clock::now();
    const double lr = learning_rate(step_);
    for (auto& g : opt_->param_groups())
      static_cast<torch::optim::AdamWOptions&>(g.options()).lr(lr);
    auto [x, y] = batch(step_);
    torch::Tensor logits = model_->forward(x);
    torch::Tensor loss = F::cross_entropy(
        logits, y, F::CrossEntropyFuncOptions().label_smoothing(cfg_.label_smoothing));
    double aux = 0;
    if (has_moe) {
      torch::Tensor a = model_->aux_loss();
      aux = a.item<double>();
      loss = loss + cfg_.aux_loss_weight * a;
    }
    opt_->zero_grad();
    loss.backward();
    opt_->step();
    ++step_;
    const double dt = seconds_since(t0);
    train_seconds_ += dt;
    wall_seconds_ += dt;
    const int64_t correct = logits.argmax(1).eq(y).sum().item<int64_t>();
    for (StepStats* s : {&total, &window}) {
      s->steps++;
      s->images += x.size(0);
      s->correct += correct;
      s->loss_sum += loss.item<double>();
      s->aux_sum += aux;
      s->seconds += dt;
    }
    if (log && (step_ % cfg_.log_every == 0 || done())) {
      *log << fmt::format(
          "[train] epoch {}/{} step {}/{} loss {:.4f} acc {:.2f}% lr {:.2e}{} {:.1f} img/s\n",
          (step_ - 1) / steps_per_epoch_ + 1, cfg_.epochs + cfg_.polish_epochs, step_,
          total_steps(), window.loss_sum / double(window.steps),
          100.0 * double(window.correct) / double(window.images), lr,
          has_moe ? fmt::format(" aux {:.3f}", window.aux_sum / double(window.steps)) : "",
          double(window.images) / window.seconds);
      log->flush();
      window = StepStats{};
    }
  }
  return total;
}

EvalResult Trainer::evaluate(const Dataset& data, int64_t limit) {
  const auto t0 = Clock::now();
  torch::NoGradGuard no_grad;
  model_->eval();
  auto moes = model_->moe_layers();
  for (auto& m : moes) std::fill(m->usage.begin(), m->usage.end(), 0);
  EvalResult r;
  const int64_t count =
      limit > 0 ? std::min<int64_t>(limit, int64_t(data.count())) : int64_t(data.count());
  for (int64_t b0 = 0; b0 < count; b0 += cfg_.eval_batch) {
    const int64_t nb = std::min<int64_t>(cfg_.eval_batch, count - b0);
    torch::Tensor x = torch::from_blob(const_cast<uint8_t*>(data.image(size_t(b0))),
                                       {nb, data.channels, data.height, data.width}, torch::kUInt8)
                          .to(torch::kFloat32);
    torch::Tensor y =
        torch::from_blob(const_cast<int32_t*>(data.labels.data() + b0), {nb}, torch::kInt32)
            .to(torch::kInt64);
    torch::Tensor logits = model_->forward(x);
    r.loss += F::cross_entropy(logits, y, F::CrossEntropyFuncOptions().reduction(torch::kSum))
                  .item<double>();
    r.correct += logits.argmax(1).eq(y).sum().item<int64_t>();
    r.images += nb;
  }
  if (r.images) r.loss /= double(r.images);
  for (auto& m : moes) {
    int64_t tot = 0;
    for (auto u : m->usage) tot += u;
    std::vector<double> share;
    for (auto u : m->usage) share.push_back(tot ? double(u) / double(tot) : 0.0);
    r.expert_share.push_back(share);
  }
  wall_seconds_ += seconds_since(t0);
  return r;
}

void Trainer::save_checkpoint(const std::string& path) {
  torch::serialize::OutputArchive ar, mar, oar;
  model_->save(mar);
  opt_->save(oar);
  ar.write("model", mar);
  ar.write("optimizer", oar);
  ar.write("step", torch::tensor(step_, torch::kInt64));
  ar.write("train_seconds", torch::tensor(train_seconds_, torch::kFloat64));
  ar.write("wall_seconds", torch::tensor(wall_seconds_, torch::kFloat64));
  const std::string fp = spec_.to_toml() + fmt::format("seed={} batch={} data={}", cfg_.seed,
                                                       cfg_.batch_size, data_.count());
  ar.write(
      "fingerprint",
      torch::from_blob(const_cast<char*>(fp.data()), {int64_t(fp.size())}, torch::kUInt8).clone());
  std::ostringstream os;
  ar.save_to(os);
  write_file_atomic(path, os.str());
}

void Trainer::load_checkpoint(const std::string& path) {
  torch::serialize::InputArchive ar, mar, oar;
  try {
    ar.load_from(path);
  } catch (const c10::Error& e) {
    throw error_at(path, "", "not a readable checkpoint ({})", e.what_without_backtrace());
  }
  torch::Tensor fpt;
  ar.read("fingerprint", fpt);
  const std::string fp = spec_.to_toml() + fmt::format("seed={} batch={} data={}", cfg_.seed,
                                                       cfg_.batch_size, data_.count());
  if (std::string(reinterpret_cast<const char*>(fpt.data_ptr<uint8_t>()), size_t(fpt.numel())) !=
      fp)
    throw error_at(path, "",
                   "checkpoint belongs to another model, seed, batch size or data subset");
  ar.read("model", mar);
  ar.read("optimizer", oar);
  model_->load(mar);
  opt_->load(oar);
  // One fresh tensor per entry: read() into a defined tensor keeps that tensor's dtype.
  torch::Tensor step, train_s, wall_s;
  ar.read("step", step);
  ar.read("train_seconds", train_s);
  ar.read("wall_seconds", wall_s);
  step_ = step.item<int64_t>();
  train_seconds_ = train_s.item<double>();
  wall_seconds_ = wall_s.item<double>();
}

}  // namespace ss::train

// ---------------------------------------------------------------- the command

namespace ss {

int train_main(const TrainOptions& opts) {
  namespace fs = std::filesystem;
  using namespace ss::train;
  Recipe r = Recipe::load(opts.config);
  if (opts.epochs > 0) r.train.epochs = opts.epochs;
  if (opts.polish_epochs >= 0) r.train.polish_epochs = opts.polish_epochs;
  if (opts.threads < 1) throw Error("--threads: expected at least 1");
  std::ostream& progress = opts.json ? std::cerr : std::cout;  // --json: stdout is the summary
  const std::string out = opts.out.empty() ? (fs::path("runs") / r.spec.name).string() : opts.out;
  torch::set_num_threads(opts.threads);
  if (opts.threads > 1 && !std::getenv("OMP_WAIT_POLICY"))
    progress << "[train] hint: on a busy machine OMP_WAIT_POLICY=passive avoids OpenMP "
                "spin-waiting (often 2-4 x faster with --threads 2)\n";

  Dataset train = load_dataset(r.train.dataset, "train", r.train.data_root);
  Dataset test = load_dataset(r.train.dataset, "test", r.train.data_root);
  if (opts.limit > 0) {
    train.truncate(size_t(opts.limit));
    test.truncate(size_t(opts.limit));
  }
  Trainer tr(r.spec, r.train, train);
  const std::string ckpt = (fs::path(out) / "checkpoint.pt").string();
  if (opts.resume && fs::exists(ckpt)) {
    tr.load_checkpoint(ckpt);
    progress << fmt::format("[train] resumed from {} at step {}/{}\n", ckpt, tr.step(),
                            tr.total_steps());
  } else if (opts.resume) {
    progress << fmt::format("[train] no checkpoint at {}: starting fresh\n", ckpt);
  }
  progress << fmt::format(
      "[train] {}: {} parameters, {} train / {} test images, {} epochs{} x {} steps of {}, {} "
      "threads, out {}\n",
      r.spec.name, parameter_count(*tr.model()), train.count(), test.count(), r.train.epochs,
      r.train.polish_epochs ? fmt::format(" + {} polish", r.train.polish_epochs) : "",
      tr.steps_per_epoch(), r.train.batch_size, opts.threads, out);
  progress.flush();

  EvalResult ev;
  bool evaluated = false;
  auto eval_and_save = [&](int64_t epoch) {
    ev = tr.evaluate(test);
    evaluated = true;
    std::string usage;
    for (size_t b = 0; b < ev.expert_share.size(); ++b) {
      usage += fmt::format(" | moe {} usage", b);
      for (double s : ev.expert_share[b]) usage += fmt::format(" {:.1f}%", 100 * s);
    }
    progress << fmt::format("[eval] epoch {} test acc {:.2f}% loss {:.4f} ({} images){}\n", epoch,
                            100 * ev.accuracy(), ev.loss, ev.images, usage);
    progress.flush();
    tr.save_checkpoint(ckpt);
    export_model(*tr.model(), out, r.spec.name,
                 {{"step", std::to_string(tr.step())}, {"recipe", opts.config}});
  };
  while (!tr.done()) {
    const int64_t epoch = tr.step() / tr.steps_per_epoch();
    tr.train_steps((epoch + 1) * tr.steps_per_epoch() - tr.step(), &progress);
    eval_and_save(epoch + 1);
  }
  if (!evaluated) eval_and_save(r.train.epochs + r.train.polish_epochs);

  nlohmann::json s;
  s["model"] = r.spec.name;
  s["recipe"] = opts.config;
  s["parameters"] = parameter_count(*tr.model());
  s["epochs"] = r.train.epochs;
  s["polish_epochs"] = r.train.polish_epochs;
  s["steps"] = tr.step();
  s["batch_size"] = r.train.batch_size;
  s["threads"] = opts.threads;
  s["train_images"] = train.count();
  s["train_seconds"] = tr.train_seconds();
  s["wall_seconds"] = tr.wall_seconds();
  s["train_images_per_second"] =
      tr.train_seconds() > 0 ? double(tr.step() * r.train.batch_size) / tr.train_seconds() : 0.0;
  s["test_images"] = ev.images;
  s["test_accuracy"] = ev.accuracy();
  s["test_loss"] = ev.loss;
  s["expert_share"] = ev.expert_share;
  write_file_atomic((fs::path(out) / "summary.json").string(), s.dump(2) + "\n");
  if (opts.json) std::cout << s.dump(2) << "\n";
  progress << fmt::format(
      "[train] done: test acc {:.2f}%, {:.0f} s training ({:.1f} img/s), model {}\n",
      100 * ev.accuracy(), tr.train_seconds(), s["train_images_per_second"].get<double>(),
      (fs::path(out) / (r.spec.name + ".toml")).string());
  return 0;
}

}  // namespace ss
