// Error type for every user-facing failure: names the file, the field and what was expected.
// The command line prints what() as one line and exits non-zero.
#pragma once
#include <fmt/format.h>

#include <stdexcept>
#include <string>
#include <string_view>

namespace ss {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Text from a file echoed in a message: bytes outside printable ASCII (control characters,
// non-ASCII) become \xNN, so a hostile file cannot move the cursor, change colours or break
// the message over several lines.
inline std::string printable(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c >= 0x20 && c < 0x7f)
      out += char(c);
    else
      out += fmt::format("\\x{:02x}", c);
  }
  return out;
}

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
