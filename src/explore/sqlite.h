// A thin RAII wrapper over the SQLite C API: a connection and prepared statements whose
// failures are ss::Errors naming the database file.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <string>

namespace ss::explore {

class Db {
 public:
  Db() = default;
  // Opens (create: also creates) the file; a file that is not an SQLite database fails on
  // first use with a message naming it.
  Db(const std::string& path, bool create);
  ~Db();
  Db(Db&& o) noexcept : db_(o.db_), path_(std::move(o.path_)) { o.db_ = nullptr; }
  Db& operator=(Db&& o) noexcept;
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;
  void exec(const std::string& sql);
  sqlite3* get() const { return db_; }
  const std::string& path() const { return path_; }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  sqlite3* db_ = nullptr;
  std::string path_;
};

class Stmt {
 public:
  Stmt(const Db& db, const std::string& sql);
  ~Stmt();
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;
  Stmt& bind(int i, const std::string& v);
  Stmt& bind(int i, double v);  // NaN binds NULL
  Stmt& bind(int i, int64_t v);
  Stmt& bind_null(int i);
  bool step();  // true: a row is ready
  void reset();
  int columns() const;
  std::string name(int i) const;
  bool is_null(int i) const;
  std::string text(int i) const;
  double real(int i) const;  // NULL -> NaN
  int64_t integer(int i) const;

 private:
  const Db& db_;
  sqlite3_stmt* st_ = nullptr;
};

}  // namespace ss::explore
