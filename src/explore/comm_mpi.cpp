// MPI transport for explore (built when CMake finds MPI: SPIKESTACK_HAVE_MPI).
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "explore/comm.h"

#ifdef SPIKESTACK_HAVE_MPI
#define OMPI_SKIP_MPICXX 1
#define MPICH_SKIP_MPICXX 1
#include <mpi.h>
#endif

namespace ss::explore {

#ifdef SPIKESTACK_HAVE_MPI
namespace {

// Results travel as JSON text: [[style metrics...] or error string per style] per design.
std::string encode(const std::vector<DesignResult>& rs) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& r : rs) {
    nlohmann::json d = nlohmann::json::array();
    for (const auto& s : r.styles) {
      nlohmann::json m = nlohmann::json::array();
      for (double v : s.metrics) m.push_back(v);  // NaN -> null
      d.push_back({s.style, m, s.error});
    }
    j.push_back(d);
  }
  return j.dump();
}

std::vector<DesignResult> decode(const std::string& text) {
  std::vector<DesignResult> out;
  for (const auto& d : nlohmann::json::parse(text)) {
    DesignResult r;
    for (const auto& s : d) {
      StyleResult sr;
      sr.style = s[0].get<std::string>();
      for (const auto& v : s[1]) sr.metrics.push_back(v.is_null() ? std::nan("") : v.get<double>());
      sr.error = s[2].get<std::string>();
      r.styles.push_back(std::move(sr));
    }
    out.push_back(std::move(r));
  }
  return out;
}

class MpiComm final : public Comm {
 public:
  MpiComm() {
    int inited = 0;
    MPI_Initialized(&inited);
    if (!inited) MPI_Init(nullptr, nullptr);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
    MPI_Comm_size(MPI_COMM_WORLD, &size_);
  }
  ~MpiComm() override { MPI_Finalize(); }
  int rank() const override { return rank_; }
  int size() const override { return size_; }

  std::vector<DesignResult> evaluate(const Evaluator& ev, const std::vector<Design>& batch,
                                     unsigned threads) override {
    // header: design count (>= 0), then the flat indices
    std::vector<uint32_t> flat;
    for (const auto& d : batch) {
      flat.push_back(d.model);
      flat.insert(flat.end(), d.idx.begin(), d.idx.end());
    }
    int64_t n = static_cast<int64_t>(batch.size());
    MPI_Bcast(&n, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
    int64_t len = static_cast<int64_t>(flat.size());
    MPI_Bcast(&len, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
    MPI_Bcast(flat.data(), static_cast<int>(len), MPI_UINT32_T, 0, MPI_COMM_WORLD);
    return share(ev, batch, threads);
  }

  bool serve(const Evaluator& ev, unsigned threads) override {
    const size_t width = 1 + ev.study().axes.size();
    for (;;) {
      int64_t n = 0, len = 0;
      MPI_Bcast(&n, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
      if (n < 0) return n == -1;  // -1: done, -2: rank 0 failed
      MPI_Bcast(&len, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
      std::vector<uint32_t> flat(static_cast<size_t>(len));
      MPI_Bcast(flat.data(), static_cast<int>(len), MPI_UINT32_T, 0, MPI_COMM_WORLD);
      std::vector<Design> batch(static_cast<size_t>(n));
      for (size_t i = 0; i < batch.size(); ++i) {
        batch[i].model = flat[i * width];
        batch[i].idx.assign(flat.begin() + static_cast<long>(i * width + 1),
                            flat.begin() + static_cast<long>((i + 1) * width));
      }
      (void)share(ev, batch, threads);
    }
  }

  void finish(bool ok) override {
    int64_t n = ok ? -1 : -2;
    MPI_Bcast(&n, 1, MPI_INT64_T, 0, MPI_COMM_WORLD);
  }

 private:
  // This rank's share (designs i with i mod size == rank), gathered on rank 0 in batch order.
  std::vector<DesignResult> share(const Evaluator& ev, const std::vector<Design>& batch,
                                  unsigned threads) {
    std::vector<Design> mine;
    for (size_t i = static_cast<size_t>(rank_); i < batch.size(); i += static_cast<size_t>(size_))
      mine.push_back(batch[i]);
    std::vector<DesignResult> local;
    std::string err;
    try {
      local = evaluate_local(ev, mine, threads);
    } catch (const std::exception& e) {
      err = e.what();
    }
    const std::string text = err.empty() ? encode(local) : "!" + err;
    int len = static_cast<int>(text.size());
    std::vector<int> lens(static_cast<size_t>(size_)), offs(static_cast<size_t>(size_));
    MPI_Gather(&len, 1, MPI_INT, lens.data(), 1, MPI_INT, 0, MPI_COMM_WORLD);
    std::string all;
    if (rank_ == 0) {
      int total = 0;
      for (int r = 0; r < size_; ++r) offs[r] = total, total += lens[r];
      all.resize(static_cast<size_t>(total));
    }
    MPI_Gatherv(text.data(), len, MPI_CHAR, all.data(), lens.data(), offs.data(), MPI_CHAR, 0,
                MPI_COMM_WORLD);
    if (rank_ != 0) return {};
    std::vector<std::vector<DesignResult>> per(static_cast<size_t>(size_));
    for (int r = 0; r < size_; ++r) {
      const std::string part =
          all.substr(static_cast<size_t>(offs[r]), static_cast<size_t>(lens[r]));
      if (!part.empty() && part[0] == '!')
        throw Error("rank " + std::to_string(r) + ": " + part.substr(1));
      per[r] = decode(part);
    }
    std::vector<DesignResult> out(batch.size());
    for (size_t i = 0; i < batch.size(); ++i)
      out[i] = std::move(per[i % static_cast<size_t>(size_)][i / static_cast<size_t>(size_)]);
    return out;
  }
  int rank_ = 0, size_ = 1;
};

bool launched_by_mpi() {
  for (const char* v : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "PMIX_RANK", "PMI_RANK"})
    if (std::getenv(v)) return true;
  return false;
}

}  // namespace

bool mpi_built() { return true; }

std::unique_ptr<Comm> make_comm() {
  if (launched_by_mpi()) return std::make_unique<MpiComm>();
  return std::make_unique<Comm>();
}
#else
bool mpi_built() { return false; }
std::unique_ptr<Comm> make_comm() { return std::make_unique<Comm>(); }
#endif

}  // namespace ss::explore
