// Training recipe (a model file plus a [train] table), the training loop with AdamW,
// warm-up + cosine learning rate, label smoothing, augmentation, and checkpoints that resume
// bit-exactly (model, optimizer, step; the data order and augmentation derive from seed+step).
#pragma once
#include <cstdint>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "data/dataset.h"
#include "engine/model_spec.h"
#include "train/modules.h"

namespace torch::optim {
class AdamW;
}

namespace ss::train {

struct TrainConfig {
  std::string dataset = "fashion-mnist";  // ss::load_dataset name
  std::string data_root;                  // "" = the data set's default location
  int epochs = 10;
  int batch_size = 64;
  double lr = 2e-3;            // peak learning rate (after warm-up)
  double min_lr = 1e-5;        // end of the cosine decay
  double warmup_epochs = 1.0;  // linear warm-up from 0
  double weight_decay = 0.01;  // AdamW, on weight matrices and conv kernels only
  double label_smoothing = 0.1;
  double aux_loss_weight = 0.01;  // MoE load-balancing loss weight
  int crop_padding = 2;           // random crop of the zero-padded image (0: off)
  bool hflip = true;              // random horizontal flips
  // After `epochs`, this many epochs on unaugmented images with a second cosine decay from
  // polish_lr to min_lr (no warm-up): the model fits the test-time input distribution.
  int polish_epochs = 0;
  double polish_lr = 2e-4;
  uint64_t seed = 1;
  int log_every = 100;  // steps between progress lines
  int eval_batch = 250;
  bool detach_reset = true;  // LIF reset without gradient (Spikformer's choice)
  // Fine-tuning: start from these weights (a safetensors file of the same model, e.g. a
  // shipped one; relative to the recipe) instead of a random initialisation. "" = random.
  std::string init;
};

struct Recipe {
  ModelSpec spec;
  TrainConfig train;
  // A recipe is a model file (docs/formats.md §1, without model.weights) plus [train].
  static Recipe load(const std::string& path);
  static Recipe parse(const std::string& text, const std::string& origin);
};

struct EvalResult {
  int64_t images = 0;
  int64_t correct = 0;
  double loss = 0;  // mean cross entropy (no smoothing)
  // Per MoE block: share of token-expert assignments going to each expert.
  std::vector<std::vector<double>> expert_share;
  double accuracy() const { return images ? double(correct) / double(images) : 0.0; }
};

struct StepStats {
  int64_t steps = 0, images = 0, correct = 0;
  double loss_sum = 0, aux_sum = 0, seconds = 0;
};

class Trainer {
 public:
  // `train` must outlive the trainer. Seeds LibTorch with cfg.seed and builds the model.
  Trainer(const ModelSpec& spec, const TrainConfig& cfg, const Dataset& train);
  ~Trainer();

  int64_t steps_per_epoch() const { return steps_per_epoch_; }
  int64_t main_steps() const { return steps_per_epoch_ * cfg_.epochs; }  // augmented phase
  int64_t total_steps() const { return steps_per_epoch_ * (cfg_.epochs + cfg_.polish_epochs); }
  int64_t step() const { return step_; }
  bool done() const { return step_ >= total_steps(); }
  double learning_rate(int64_t step) const;
  double train_seconds() const { return train_seconds_; }  // optimizer steps only
  double wall_seconds() const { return wall_seconds_; }    // steps + evaluations
  void add_wall_seconds(double s) { wall_seconds_ += s; }

  // Runs up to n optimizer steps (fewer at the end of training); prints a progress line
  // every log_every steps to `log` when given.
  StepStats train_steps(int64_t n, std::ostream* log = nullptr);
  EvalResult evaluate(const Dataset& data, int64_t limit = 0);

  void save_checkpoint(const std::string& path);
  void load_checkpoint(const std::string& path);

  SpikingTransformer& model() { return model_; }
  const TrainConfig& config() const { return cfg_; }
  // The batch of a global step: pixel tensor [B, C, H, W] (0..255, augmented) and labels.
  std::pair<torch::Tensor, torch::Tensor> batch(int64_t step);

 private:
  ModelSpec spec_;
  TrainConfig cfg_;
  const Dataset& data_;
  SpikingTransformer model_{nullptr};
  std::unique_ptr<torch::optim::AdamW> opt_;
  int64_t steps_per_epoch_ = 0;
  int64_t step_ = 0;
  double train_seconds_ = 0;  // accumulated over resumes
  double wall_seconds_ = 0;
  int64_t perm_epoch_ = -1;
  std::vector<int64_t> perm_;
};

}  // namespace ss::train
