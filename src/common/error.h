// Error type for every user-facing failure: names the file, the field and what was expected.
// The command line prints what() as one line and exits non-zero.
#pragma once
#include <fmt/format.h>

#include <stdexcept>
#include <string>

namespace ss {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// "<file>: <field>: <message>" (file or field may be empty).
template <typename... Args>
[[nodiscard]] Error error_at(const std::string& file, const std::string& field,
                             fmt::format_string<Args...> f, Args&&... args) {
  std::string msg = fmt::format(f, std::forward<Args>(args)...);
  std::string where = file;
  if (!field.empty()) where += (where.empty() ? "" : ": ") + field;
  return Error(where.empty() ? msg : where + ": " + msg);
}

}  // namespace ss
