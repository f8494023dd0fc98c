#include "explore/sqlite.h"

#include <fmt/format.h>

#include <cmath>
#include <limits>

#include "common/error.h"

namespace ss::explore {

Db::Db(const std::string& path, bool create) : path_(path) {
  const int flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0) | SQLITE_OPEN_NOMUTEX;
  if (sqlite3_open_v2(path.c_str(), &db_, flags, nullptr) != SQLITE_OK) {
    const std::string why = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    db_ = nullptr;
    throw Error(fmt::format("{}: cannot open the store: {}", path, why));
  }
  sqlite3_busy_timeout(db_, 10000);
}

Db::~Db() { sqlite3_close(db_); }

Db& Db::operator=(Db&& o) noexcept {
  if (this != &o) {
    sqlite3_close(db_);
    db_ = o.db_;
    path_ = std::move(o.path_);
    o.db_ = nullptr;
  }
  return *this;
}

void Db::fail(const std::string& what) const {
  throw Error(fmt::format("{}: {}: {}", path_, what, db_ ? sqlite3_errmsg(db_) : "not open"));
}

void Db::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    const std::string why = err ? err : "unknown error";
    sqlite3_free(err);
    throw Error(fmt::format("{}: {}", path_, why));
  }
}

Stmt::Stmt(const Db& db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db.get(), sql.c_str(), -1, &st_, nullptr) != SQLITE_OK)
    db.fail("cannot prepare a statement");
}

Stmt::~Stmt() { sqlite3_finalize(st_); }

Stmt& Stmt::bind(int i, const std::string& v) {
  if (sqlite3_bind_text(st_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT) !=
      SQLITE_OK)
    db_.fail("bind");
  return *this;
}
Stmt& Stmt::bind(int i, double v) {
  if ((std::isnan(v) ? sqlite3_bind_null(st_, i) : sqlite3_bind_double(st_, i, v)) != SQLITE_OK)
    db_.fail("bind");
  return *this;
}
Stmt& Stmt::bind(int i, int64_t v) {
  if (sqlite3_bind_int64(st_, i, v) != SQLITE_OK) db_.fail("bind");
  return *this;
}
Stmt& Stmt::bind_null(int i) {
  if (sqlite3_bind_null(st_, i) != SQLITE_OK) db_.fail("bind");
  return *this;
}

bool Stmt::step() {
  const int rc = sqlite3_step(st_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  db_.fail("query failed");
}

void Stmt::reset() {
  sqlite3_reset(st_);
  sqlite3_clear_bindings(st_);
}

int Stmt::columns() const { return sqlite3_column_count(st_); }
std::string Stmt::name(int i) const { return sqlite3_column_name(st_, i); }
bool Stmt::is_null(int i) const { return sqlite3_column_type(st_, i) == SQLITE_NULL; }
std::string Stmt::text(int i) const {
  const auto* p = sqlite3_column_text(st_, i);
  return p ? std::string(reinterpret_cast<const char*>(p), sqlite3_column_bytes(st_, i)) : "";
}
double Stmt::real(int i) const {
  return is_null(i) ? std::numeric_limits<double>::quiet_NaN() : sqlite3_column_double(st_, i);
}
int64_t Stmt::integer(int i) const { return sqlite3_column_int64(st_, i); }

}  // namespace ss::explore
