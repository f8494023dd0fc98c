// Aggregated activity of a network over many samples: per layer and time step, spike counts,
// neuron counts and synaptic operations (dense-equivalent and executed), plus expert usage.
// This is what the accelerator simulator consumes; it is exportable as safetensors.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "engine/network.h"

namespace ss {

struct LayerTrace {
  std::string name;
  int T = 0, tokens = 0, channels = 0;
  std::vector<int64_t> spikes, sops_dense, sops_exec;  // per step, summed over samples
  int64_t samples = 0;
  // Silence (added for the accelerator simulator's analytical mode, docs/sim.md):
  //   silent_rows[t]   (sample, token) positions with no output spike at step t
  //   silent_tokens    (sample, token) positions with no output spike at any step
  //   active_tokens[c] (sample, token) positions where channel c fires at some step
  //   token_spikes[n]  spikes at token position n (all steps and channels)
  //   token_active[n * channels + c]  samples in which channel c fires at position n
  std::vector<int64_t> silent_rows;
  int64_t silent_tokens = 0;
  std::vector<int64_t> active_tokens, token_spikes, token_active;
  double rate(int t) const;  // spikes / (samples * tokens * channels)
  double rate() const;
};

// The network input as the tokenizer's first 3x3 convolution (padding 1) sees it, summed over
// the images recorded with Trace::on_input: receptive fields (positions) whose 3 x 3 x C
// pixels are all zero, non-zero pixels and set pixel bits over all receptive fields.
struct InputTrace {
  int channels = 0, height = 0, width = 0;
  int64_t samples = 0, silent_positions = 0, rf_nonzero = 0, rf_bits = 0;
};

// SEMM EMSA gating of one attention part, summed over samples: open[e] counts the
// (sample, t, token) slots where expert e's router channel fired, out of `slots` =
// samples x T x tokens. Unlike routed top-K, several or no experts may be open in a slot.
struct GateUsage {
  std::vector<int64_t> open;
  int64_t slots = 0;
  double share(size_t e) const { return slots ? double(open[e]) / double(slots) : 0.0; }
  std::vector<double> shares() const {
    std::vector<double> s;
    for (size_t e = 0; e < open.size(); ++e) s.push_back(share(e));
    return s;
  }
};

// Head pruning (SSA with attention.head_keep < 1), per attention part, summed over the samples
// in which head h ran (trace format 2, docs/formats.md §5): spikes[r * H + h] are the spikes of
// head h's channels (rows r: 0 Q, 1 K, 2 V, 3 attention output) over steps and tokens;
// silent[r * H + h] (rows 0 Q, 1 K, 2 V) the channels of head h with no spike in the sample.
struct HeadCounts {
  enum { kQ = 0, kK = 1, kV = 2, kAttn = 3 };
  int heads = 0;
  std::vector<int64_t> spikes, silent;  // [4 x heads], [3 x heads]
};

class Trace : public Observer {
 public:
  // 1: before per-head counts (heads_spikes / heads_silent); 2: with them. A recorded trace is
  // kFormat; a loaded one keeps the file's (metadata `format`, absent = 1).
  static constexpr int kFormat = 2;
  int format() const { return format_; }
  void on_layer(const LayerEvent& e) override;
  // Optional: the image of the sample about to run (uint8, CHW). The engine does not report
  // its input to observers; whoever runs it calls this (the simulator's engine source does).
  void on_input(const uint8_t* image, int channels, int height, int width) override;
  const InputTrace& input() const { return input_; }
  void on_route(const std::string& block, const std::vector<int32_t>& experts, int k) override;
  void on_gate(const std::string& part, const SpikeTensor& gates) override;
  void on_heads(const std::string& part, const std::vector<uint8_t>& ran) override;
  void merge(const Trace& o);

  const std::vector<LayerTrace>& layers() const { return layers_; }
  // expert_usage[block][e] = number of (sample, token) routed to expert e
  const std::map<std::string, std::vector<int64_t>>& expert_usage() const { return usage_; }
  const std::map<std::string, GateUsage>& expert_gating() const { return gating_; }
  // Head pruning: heads_ran[part][h] = samples in which head h of that SSA part ran.
  const std::map<std::string, std::vector<int64_t>>& heads_ran() const { return heads_; }
  // Per-head counts of the heads that ran (format 2; a format 1 trace has none).
  const std::map<std::string, HeadCounts>& head_counts() const { return head_counts_; }
  int64_t samples() const { return layers_.empty() ? 0 : layers_[0].samples; }
  void save(const std::string& path, const std::string& mode) const;
  // Reads a file written by save(); errors name the file and the tensor.
  static Trace load(const std::string& path);

 private:
  void head_layer(const std::string& name, const SpikeTensor& s);
  void add_head_row(const std::string& part, int row, const std::vector<int64_t>& per_channel,
                    const std::vector<uint8_t>& ran);
  std::vector<LayerTrace> layers_;
  std::map<std::string, size_t> index_;
  std::map<std::string, std::vector<int64_t>> usage_;
  std::map<std::string, GateUsage> gating_;
  std::map<std::string, std::vector<int64_t>> heads_;
  std::map<std::string, HeadCounts> head_counts_;
  // the current sample's Q spikes per channel of each SSA part (Q reports before on_heads),
  // and the heads that ran (K, V and the attention output report after it)
  std::map<std::string, std::vector<int64_t>> pending_q_;
  std::map<std::string, std::vector<uint8_t>> ran_now_;
  InputTrace input_;
  int format_ = kFormat;
};

}  // namespace ss
