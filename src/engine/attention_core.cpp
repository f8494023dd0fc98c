#include "engine/attention_core.h"

#include <algorithm>
#include <bit>
#include <cstdint>

namespace ss {

namespace {
// Calls f(j) for every set bit j of channels [start, start+len) of a packed row.
template <typename F>
void for_bits(const uint64_t* r, int start, int len, F f) {
  for (int w = start >> 6; w <= (start + len - 1) >> 6; ++w) {
    uint64_t m = r[w];
    const int lo = start - w * 64, hi = start + len - w * 64;  // bit range within this word
    if (lo > 0) m &= ~uint64_t(0) << lo;
    if (hi < 64) m &= (uint64_t(1) << hi) - 1;
    for (; m; m &= m - 1) f(w * 64 + __builtin_ctzll(m) - start);
  }
}
// Copies bits [start, start+len) of each row of `s` at step t into packed rows (stride words).
std::vector<uint64_t> head_rows(const SpikeTensor& s, int t, int start, int len, size_t& stride) {
  stride = size_t(len + 63) / 64;
  std::vector<uint64_t> out(size_t(s.tokens()) * stride, 0);
  for (int n = 0; n < s.tokens(); ++n) {
    uint64_t* d = out.data() + size_t(n) * stride;
    for_bits(s.row(t, n), start, len, [&](int j) { d[j >> 6] |= uint64_t(1) << (j & 63); });
  }
  return out;
}
// Transposed packing: row j (channel start+j) holds one bit per token.
std::vector<uint64_t> head_cols(const SpikeTensor& s, int t, int start, int len, size_t& stride) {
  stride = size_t(s.tokens() + 63) / 64;
  std::vector<uint64_t> out(size_t(len) * stride, 0);
  const size_t st = stride;
  for (int n = 0; n < s.tokens(); ++n) {
    const uint64_t bit = uint64_t(1) << (n & 63);
    uint64_t* col = out.data() + (n >> 6);
    for_bits(s.row(t, n), start, len, [&](int j) { col[size_t(j) * st] |= bit; });
  }
  return out;
}
// Rows [rows][stride] -> k-major [stride][rows].
std::vector<uint64_t> k_major(const std::vector<uint64_t>& rows, size_t n, size_t stride) {
  std::vector<uint64_t> out(rows.size());
  for (size_t r = 0; r < n; ++r)
    for (size_t w = 0; w < stride; ++w) out[w * n + r] = rows[r * stride + w];
  return out;
}
int64_t bits(const std::vector<uint64_t>& v) {
  return int64_t(kern::kernels().popcount_words(v.data(), v.size()));
}
AttnOrder choose(AttnOrder o, int N, int dh) {
  if (o != AttnOrder::Auto) return o;
  return dh < N ? AttnOrder::KV_first : AttnOrder::QK_first;  // N*N*dh vs dh*dh*N work
}

std::vector<int32_t> counts_impl(const Context& ctx, const SpikeTensor& Q, const SpikeTensor& K,
                                 const SpikeTensor& V, int t, int h, int dh, AttnOrder order,
                                 int64_t& exec) {
  const int N = Q.tokens();
  std::vector<int32_t> out(size_t(N) * dh, 0);
  if (choose(order, N, dh) == AttnOrder::KV_first) {
    size_t st, sq;
    auto kt = head_cols(K, t, h * dh, dh, st);
    auto vt = head_cols(V, t, h * dh, dh, st);
    auto q = head_rows(Q, t, h * dh, dh, sq);
    std::vector<int32_t> kv(size_t(dh) * dh);
    auto vtk = k_major(vt, dh, st);
    ctx.k.and_popcount(kt.data(), dh, st, vtk.data(), dh, st, kv.data(), dh);
    ctx.k.spmm_i32_event(q.data(), N, sq, dh, kv.data(), dh, out.data());
    exec += bits(kt) * dh + bits(q) * dh;
  } else {
    size_t sq, sv;
    auto q = head_rows(Q, t, h * dh, dh, sq);
    auto k = head_rows(K, t, h * dh, dh, sq);
    auto kk = k_major(k, N, sq);
    std::vector<int32_t> sc(size_t(N) * N), scT(size_t(N) * N);
    ctx.k.and_popcount(q.data(), N, sq, kk.data(), N, sq, sc.data(), N);
    for (int n = 0; n < N; ++n)
      for (int m = 0; m < N; ++m) scT[size_t(m) * N + n] = sc[size_t(n) * N + m];
    auto vt = head_cols(V, t, h * dh, dh, sv);  // dh rows over tokens
    std::vector<int32_t> outT(size_t(dh) * N, 0);
    ctx.k.spmm_i32_event(vt.data(), dh, sv, N, scT.data(), N, outT.data());
    for (int d = 0; d < dh; ++d)
      for (int n = 0; n < N; ++n) out[size_t(n) * dh + d] = outT[size_t(d) * N + n];
    exec += bits(q) * N + bits(vt) * N;
  }
  return out;
}
}  // namespace

std::vector<int32_t> attention_counts(const Context& ctx, const SpikeTensor& Q,
                                      const SpikeTensor& K, const SpikeTensor& V, int t, int head,
                                      int dh, AttnOrder order) {
  int64_t e = 0;
  return counts_impl(ctx, Q, K, V, t, head, dh, order, e);
}

std::vector<uint8_t> rank_heads(const SpikeTensor& Q, int heads, int keep,
                                std::vector<int64_t>* scores) {
  const int dh = Q.channels() / heads;
  std::vector<int64_t> score(heads, 0);
  for (size_t r = 0; r < Q.rows(); ++r)
    for (int h = 0; h < heads; ++h)
      for_bits(Q.row(r), h * dh, dh, [&](int) { ++score[h]; });
  std::vector<int> order(heads);
  for (int h = 0; h < heads; ++h) order[h] = h;
  std::stable_sort(order.begin(), order.end(),
                   [&](int a, int b) { return score[a] > score[b]; });  // ties: lower index
  std::vector<uint8_t> run(heads, 0);
  for (int i = 0; i < std::min(keep, heads); ++i) run[order[i]] = 1;
  if (scores) *scores = std::move(score);
  return run;
}

Currents attention_currents(const Context& ctx, const SpikeTensor& Q, const SpikeTensor& K,
                            const SpikeTensor& V, int heads, std::vector<int64_t>& dense,
                            std::vector<int64_t>& exec, AttnOrder order,
                            const std::vector<uint8_t>& run_heads) {
  const int T = Q.T(), N = Q.tokens(), D = Q.channels(), dh = D / heads;
  Currents c;
  c.T = T, c.rows = N, c.cout = D;
  const bool is_int = ctx.mode == Mode::Int;
  const size_t n = size_t(T) * N * D;
  if (is_int)
    c.i.assign(n, 0);
  else
    c.f.assign(n, 0.f);
  const float s = float(ctx.spec.neuron.attn_scale);
  const int64_t s_fx = fx::round_half_away(ctx.spec.neuron.attn_scale * double(1 << ctx.F()));
  const int cur_bits = ctx.spec.quant.acc_bits + ctx.F() + 1;
  dense.assign(T, 2 * int64_t(N) * N * D);
  exec.assign(T, 0);
  for (int t = 0; t < T; ++t)
    for (int h = 0; h < heads; ++h) {
      if (!run_heads.empty() && !run_heads[h]) continue;  // pruned: absent, currents 0
      auto a = counts_impl(ctx, Q, K, V, t, h, dh, order, exec[t]);
      for (int m = 0; m < N; ++m)
        for (int d = 0; d < dh; ++d) {
          size_t idx = (size_t(t) * N + m) * D + size_t(h) * dh + d;
          int32_t v = a[size_t(m) * dh + d];
          if (is_int)
            c.i[idx] = fx::sat(int64_t(v) * s_fx, cur_bits);
          else
            c.f[idx] = float(v) * s;
        }
    }
  return c;
}

SpikeTensor attention_fire(const Context& ctx, const Currents& c, int tokens) {
  const double th = ctx.spec.neuron.attn_threshold;
  std::vector<float> th_f(c.cout, float(th));
  std::vector<int32_t> th_i(c.cout, fx::threshold(th, 1.0, ctx.F(), ctx.spec.quant.mem_bits));
  return lif(ctx, c, tokens, th_f, th_i);
}

}  // namespace ss
