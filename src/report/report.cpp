#include "report/report.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "common/error.h"
#include "common/files.h"
#include "report/csv.h"
#include "report/document.h"
#include "report/page.h"

namespace ss::report {

namespace fs = std::filesystem;

namespace {

bool is_report_file(const std::string& name) {
  auto ends = [&](const char* s) {
    const size_t n = std::strlen(s);
    return name.size() >= n && name.compare(name.size() - n, n, s) == 0;
  };
  return name == "index.html" || name == "report.json" || ends(".csv") ||
         name.find(".tmp.") != std::string::npos;  // a file left by an interrupted write
}

// "<name>.tmp.<pid>" staging directories beside `out` whose process is gone (killed runs).
void remove_stale_stages(const fs::path& out) {
  std::error_code ec;
  const std::string prefix = out.filename().string() + ".tmp.";
  for (const auto& e : fs::directory_iterator(out.parent_path(), ec)) {
    const std::string n = e.path().filename().string();
    if (n.rfind(prefix, 0) != 0 || !e.is_directory(ec)) continue;
    const std::string pid = n.substr(prefix.size());
    if (pid.empty() || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    if (::kill(pid_t(std::stol(pid)), 0) != 0 && errno == ESRCH) fs::remove_all(e.path(), ec);
  }
}

// An existing output directory can be replaced if every entry is a regular file: the
// report's own are rewritten, any other (a screenshot, notes) is carried into the new one.
void check_existing(const fs::path& out, const std::string& out_dir) {
  std::error_code ec;
  if (!fs::is_directory(out, ec)) throw error_at(out_dir, "", "exists and is not a directory");
  for (const auto& e : fs::directory_iterator(out, ec))
    if (!e.is_regular_file(ec))
      throw error_at(out_dir, "",
                     "holds '{}', which is not a regular file: expected a new directory or one "
                     "of files (it is replaced as a whole)",
                     e.path().filename().string());
  if (ec) throw error_at(out_dir, "", "cannot list directory ({})", ec.message());
}

// Files of `out` that are not the report's, hard-linked into the new directory (same file
// system: the stage is out's sibling), so they survive the exchange untouched.
void carry_other_files(const fs::path& out, const fs::path& stage, const std::string& out_dir) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(out, ec)) {
    const std::string n = e.path().filename().string();
    if (is_report_file(n)) continue;
    fs::create_hard_link(e.path(), stage / n, ec);
    if (ec) fs::copy_file(e.path(), stage / n, ec);
    if (ec) throw error_at(out_dir, "", "cannot keep '{}' ({})", n, ec.message());
  }
}

}  // namespace

void check_report_dir(const std::string& out_dir) {
  std::error_code ec;
  const fs::path out(out_dir);
  if (fs::exists(out, ec)) check_existing(fs::canonical(out, ec), out_dir);
}

std::vector<std::string> write_report(const nlohmann::json& doc, const std::string& out_dir,
                                      const std::string& source) {
  Document d = parse_document(doc, source);  // validate before touching the output
  std::vector<std::pair<std::string, std::string>> files = {{"index.html", render_page(d)},
                                                            {"report.json", doc.dump(2) + "\n"}};
  for (auto& t : csv_tables(d)) files.emplace_back(t.file, std::move(t.text));

  // The directory is replaced as a whole: the files go to a new directory beside it, which
  // is then exchanged with the old one in one step, so a reader (or a run killed at any
  // point) sees the old report or the new one, never a mix.
  std::error_code ec;
  fs::path out = fs::absolute(out_dir, ec).lexically_normal();
  if (ec) throw error_at(out_dir, "", "not a usable path ({})", ec.message());
  if (!out.has_filename()) out = out.parent_path();           // "dir/"
  if (fs::is_symlink(fs::symlink_status(out, ec))) {  // the link stays, its target is replaced
    out = fs::canonical(out, ec);
    if (ec) throw error_at(out_dir, "", "cannot resolve symbolic link ({})", ec.message());
  }
  const bool exists = fs::exists(out, ec);
  if (exists) check_existing(out, out_dir);
  fs::create_directories(out.parent_path(), ec);
  if (ec) throw error_at(out_dir, "", "cannot create directory: {}", ec.message());
  remove_stale_stages(out);
  const fs::path stage = out.string() + ".tmp." + std::to_string(::getpid());
  fs::remove_all(stage, ec);
  if (!fs::create_directory(stage, ec) || ec)
    throw error_at(out_dir, "", "cannot create directory {} ({})", stage.string(), ec.message());
  std::vector<std::string> written;
  try {
    if (exists) carry_other_files(out, stage, out_dir);
    for (const auto& [name, text] : files) {
      write_file_atomic((stage / name).string(), text);
      written.push_back((fs::path(out_dir) / name).string());
    }
  } catch (...) {
    fs::remove_all(stage, ec);
    throw;
  }
  int rc = exists ? ::renameat2(AT_FDCWD, stage.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE)
                  : ::rename(stage.c_str(), out.c_str());
  if (rc != 0 && exists && (errno == EINVAL || errno == ENOSYS)) {
    // a file system without exchange: two renames, the directory briefly absent (never mixed)
    const fs::path old = out.string() + ".old." + std::to_string(::getpid());
    rc = ::rename(out.c_str(), old.c_str());
    if (rc == 0 && (rc = ::rename(stage.c_str(), out.c_str())) != 0)
      (void)::rename(old.c_str(), out.c_str());
    if (rc == 0) fs::rename(old, stage, ec);  // removed below with the stage
  }
  if (rc != 0) {
    const int err = errno;
    fs::remove_all(stage, ec);
    throw error_at(out_dir, "", "cannot replace the report directory ({})", std::strerror(err));
  }
  if (exists) fs::remove_all(stage, ec);  // now the old report
  return written;
}

}  // namespace ss::report
