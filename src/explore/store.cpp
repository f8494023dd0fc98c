#include "explore/store.h"

#include <fmt/format.h>
#include <sys/stat.h>

#include <cmath>
#include <set>

#include "common/error.h"
#include "explore/metrics.h"

namespace ss::explore {

namespace {

std::string quote_id(const std::string& s) {
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

bool file_nonempty(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && st.st_size > 0;
}

void pragmas(Db& db) { db.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"); }

}  // namespace

Store Store::create(const std::string& path, const StoreHeader& h) {
  if (file_nonempty(path))
    throw Error(fmt::format(
        "{}: the store exists; continue it with --resume or choose another --store", path));
  Store s;
  s.db_ = Db(path, true);
  pragmas(s.db_);
  s.header_ = h;
  std::string cols;
  for (const auto& k : h.axis_keys) cols += ", " + quote_id(k) + " TEXT";
  for (const auto& m : metric_infos()) cols += fmt::format(", {} REAL", m.column);
  s.db_.exec("BEGIN");
  s.db_.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
  s.db_.exec(
      "CREATE TABLE points (seq INTEGER NOT NULL, style TEXT NOT NULL, design_key TEXT NOT NULL,"
      " model TEXT NOT NULL, model_hash TEXT NOT NULL, arch_hash TEXT NOT NULL,"
      " tech_hash TEXT NOT NULL, version TEXT NOT NULL, ok INTEGER NOT NULL, error TEXT" +
      cols + ", PRIMARY KEY (seq, style), UNIQUE (design_key, style))");
  Stmt ins(s.db_, "INSERT INTO meta (key, value) VALUES (?, ?)");
  auto put = [&](const std::string& k, const std::string& v) {
    ins.bind(1, k).bind(2, v);
    ins.step();
    ins.reset();
  };
  put("schema", kStoreSchema);
  put("study", h.identity.dump());
  put("study_hash", hash_hex(h.identity.dump()));
  put("axes", nlohmann::json(h.axis_keys).dump());
  put("version", h.version);
  s.db_.exec("COMMIT");
  return s;
}

void Store::load_header() {
  try {
    Stmt q(db_, "SELECT key, value FROM meta");
    std::map<std::string, std::string> meta;
    while (q.step()) meta[q.text(0)] = q.text(1);
    if (meta["schema"] != kStoreSchema)
      throw Error(fmt::format("{}: not a spikestack explore store (schema '{}', expected '{}')",
                              db_.path(), printable(meta["schema"]), kStoreSchema));
    header_.identity = nlohmann::json::parse(meta.at("study"));
    header_.axis_keys = nlohmann::json::parse(meta.at("axes")).get<std::vector<std::string>>();
    header_.version = meta["version"];
    Stmt c(db_, "PRAGMA quick_check");
    if (!c.step() || c.text(0) != "ok")
      throw Error(fmt::format("{}: the store is damaged (SQLite quick_check: {})", db_.path(),
                              printable(c.text(0))));
  } catch (const nlohmann::json::exception&) {
    throw Error(fmt::format("{}: not a spikestack explore store (unreadable header)", db_.path()));
  } catch (const std::out_of_range&) {
    throw Error(fmt::format("{}: not a spikestack explore store (incomplete header)", db_.path()));
  } catch (const Error& e) {
    const std::string w = e.what();
    if (w.find("not a database") != std::string::npos ||
        w.find("no such table") != std::string::npos || w.find("malformed") != std::string::npos)
      throw Error(fmt::format("{}: not a spikestack explore store or damaged ({})", db_.path(),
                              w.substr(w.rfind(": ") + 2)));
    throw;
  }
}

namespace {
// The points table's columns: a store written before a metric was added lacks its column.
std::set<std::string> point_columns(const Db& db) {
  std::set<std::string> out;
  Stmt q(db, "PRAGMA table_info(points)");
  while (q.step()) out.insert(q.text(1));
  return out;
}
}  // namespace

Store Store::resume(const std::string& path, const nlohmann::json& identity) {
  if (!file_nonempty(path))
    throw Error(fmt::format("{}: no store to resume (run without --resume to start one)", path));
  Store s;
  s.db_ = Db(path, false);
  s.load_header();
  if (s.header_.identity != identity) {
    std::string diff;
    for (const auto& [k, v] : identity.items())
      if (!s.header_.identity.contains(k) || s.header_.identity[k] != v) {
        diff = k;
        break;
      }
    throw Error(fmt::format(
        "{}: the store was written by another study ('{}'; differs in '{}'); use another --store",
        path, printable(s.header_.identity.value("name", "?")), diff.empty() ? "?" : diff));
  }
  pragmas(s.db_);
  const auto have = point_columns(s.db_);  // a metric added since: its column, NULL so far
  for (const auto& m : metric_infos())
    if (!have.count(m.column))
      s.db_.exec(fmt::format("ALTER TABLE points ADD COLUMN {} REAL", m.column));
  return s;
}

Store Store::read(const std::string& path) {
  if (!file_nonempty(path)) throw Error(fmt::format("{}: no such store (or empty)", path));
  Store s;
  s.db_ = Db(path, false);
  s.load_header();
  return s;
}

size_t Store::design_count() const {
  Stmt q(db_, "SELECT COUNT(DISTINCT seq) FROM points");
  q.step();
  return static_cast<size_t>(q.integer(0));
}

std::vector<StoredDesign> Store::designs() const {
  std::string cols = "seq, style, design_key, model, ok, error";
  for (const auto& k : header_.axis_keys) cols += ", " + quote_id(k);
  const auto have = point_columns(db_);
  for (const auto& m : metric_infos())  // NULL: a metric added after the store was written
    cols += std::string(", ") + (have.count(m.column) ? m.column : "NULL");
  Stmt q(db_, "SELECT " + cols + " FROM points ORDER BY seq, rowid");
  std::vector<StoredDesign> out;
  const int first_axis = 6, first_metric = first_axis + static_cast<int>(header_.axis_keys.size());
  while (q.step()) {
    const uint64_t seq = static_cast<uint64_t>(q.integer(0));
    if (out.empty() || out.back().seq != seq) {
      StoredDesign d;
      d.seq = seq;
      d.key = q.text(2);
      d.model = q.text(3);
      for (size_t i = 0; i < header_.axis_keys.size(); ++i)
        d.inputs.push_back(q.text(first_axis + static_cast<int>(i)));
      out.push_back(std::move(d));
    }
    StyleResult r;
    r.style = q.text(1);
    if (q.integer(4)) {
      for (size_t i = 0; i < metric_infos().size(); ++i)
        r.metrics.push_back(q.real(first_metric + static_cast<int>(i)));
    } else {
      r.error = q.text(5);
    }
    out.back().result.styles.push_back(std::move(r));
  }
  return out;
}

void Store::write(const std::vector<StoredDesign>& ds, const std::string& version,
                  const std::map<std::string, std::string>& model_hashes,
                  const std::string& arch_hash, const std::string& tech_hash) {
  std::string cols =
      "seq, style, design_key, model, model_hash, arch_hash, tech_hash, version, ok, error";
  std::string marks = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
  for (const auto& k : header_.axis_keys) cols += ", " + quote_id(k), marks += ", ?";
  for (const auto& m : metric_infos()) cols += std::string(", ") + m.column, marks += ", ?";
  db_.exec("BEGIN IMMEDIATE");
  try {
    Stmt ins(db_, "INSERT INTO points (" + cols + ") VALUES (" + marks + ")");
    for (const auto& d : ds)
      for (const auto& r : d.result.styles) {
        ins.bind(1, static_cast<int64_t>(d.seq));
        int i = 1;
        for (const std::string* v : {&r.style, &d.key, &d.model, &model_hashes.at(d.model),
                                     &arch_hash, &tech_hash, &version})
          ins.bind(++i, *v);
        ++i;
        ins.bind(i++, static_cast<int64_t>(r.error.empty() ? 1 : 0));
        if (r.error.empty())
          ins.bind_null(i++);
        else
          ins.bind(i++, r.error);
        for (const auto& in : d.inputs) ins.bind(i++, in);
        for (size_t m = 0; m < metric_infos().size(); ++m)
          if (r.error.empty())
            ins.bind(i++, r.metrics.at(m));
          else
            ins.bind_null(i++);
        ins.step();
        ins.reset();
      }
    db_.exec("COMMIT");
  } catch (...) {
    sqlite3_exec(db_.get(), "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

namespace {
std::string csv_cell(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string q = "\"";
  for (char c : s) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}
}  // namespace

std::string Store::to_csv() const {
  Stmt q(db_, "SELECT * FROM points ORDER BY seq, style");
  std::string out;
  for (int i = 0; i < q.columns(); ++i) {
    if (i) out += ",";
    out += csv_cell(q.name(i));
  }
  out += "\n";
  while (q.step()) {
    for (int i = 0; i < q.columns(); ++i) {
      if (i) out += ",";
      if (q.is_null(i)) continue;
      out += csv_cell(q.text(i));
    }
    out += "\n";
  }
  return out;
}

nlohmann::json Store::to_json() const {
  Stmt q(db_, "SELECT * FROM points ORDER BY seq, style");
  nlohmann::json rows = nlohmann::json::array();
  std::set<std::string> real_cols;
  for (const auto& m : metric_infos()) real_cols.insert(m.column);
  while (q.step()) {
    nlohmann::json r = nlohmann::json::object();
    for (int i = 0; i < q.columns(); ++i) {
      const std::string n = q.name(i);
      if (q.is_null(i))
        r[n] = nullptr;
      else if (real_cols.count(n))
        r[n] = q.real(i);
      else if (n == "seq" || n == "ok")
        r[n] = q.integer(i);
      else
        r[n] = q.text(i);
    }
    rows.push_back(std::move(r));
  }
  return {{"schema", kStoreSchema},
          {"study", header_.identity},
          {"version", header_.version},
          {"points", rows}};
}

}  // namespace ss::explore
