// The result store of a study: one SQLite file, one row per evaluated (design, style) with the
// design's inputs, every metric, and the versions and hashes of the model, architecture and
// technology files (schema "spikestack.explore/1", docs/explore.md). Batches are committed in
// one transaction each, so a killed study (kill -9 included) loses at most the batch in flight
// and --resume continues from the last commit.
#pragma once
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "explore/evaluator.h"
#include "explore/sqlite.h"

namespace ss::explore {

inline constexpr const char* kStoreSchema = "spikestack.explore/1";

// One evaluated design, as stored.
struct StoredDesign {
  uint64_t seq = 0;  // the design's number in the study's order
  std::string key, model;
  std::vector<std::string> inputs;  // axis labels, in axis order
  DesignResult result;
};

struct StoreHeader {
  nlohmann::json identity;  // study_identity(): refuses a store of another study
  std::vector<std::string> axis_keys;
  std::string version;  // spikestack version that created the store
};

class Store {
 public:
  // A new store (the file must not exist, or be empty); the header goes in one transaction.
  static Store create(const std::string& path, const StoreHeader& h);
  // An existing store of the same study (else one-line ss::Error; nothing is written).
  static Store resume(const std::string& path, const nlohmann::json& identity);
  // Any store, read only (export, report).
  static Store read(const std::string& path);

  const StoreHeader& header() const { return header_; }
  // Every stored design, by seq.
  std::vector<StoredDesign> designs() const;
  size_t design_count() const;
  // Writes designs (each with all its styles) in one transaction; a design already stored is
  // an error (the runner skips them: the same point is stored once).
  void write(const std::vector<StoredDesign>& ds, const std::string& version,
             const std::map<std::string, std::string>& model_hashes, const std::string& arch_hash,
             const std::string& tech_hash);
  // Rows as CSV / JSON (every column, ordered by seq and style).
  std::string to_csv() const;
  nlohmann::json to_json() const;
  const std::string& path() const { return db_.path(); }

 private:
  Store() = default;
  void load_header();
  Db db_;
  StoreHeader header_;
};

}  // namespace ss::explore
