// Subcommands register themselves; main() builds the CLI11 app from the registry.
#pragma once
#include <CLI/CLI.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <functional>
#include <string>
#include <vector>

namespace ss::cli {

// A subcommand adds itself to the app and sets its callback (which may throw ss::Error).
using AddCommand = void (*)(CLI::App& app);
struct RegisterCommand {
  RegisterCommand(int order, AddCommand add);
};

// Exit codes (documented in README): 0 success, 1 bad input or runtime error, 2 usage error.
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

// A count, limit or seed: decimal digits only, from `min` to `max`. CLI11 reads "-5" into an
// unsigned as 2^64 - 5 and saturates 10^20, which a limit then takes as "all"; its own
// PositiveNumber check prints its range as a 300-digit number.
inline CLI::Validator whole_number(uint64_t max, uint64_t min = 0) {
  return CLI::Validator(
      [max, min](std::string& s) -> std::string {
        bool ok = !s.empty() && s.size() <= 20;
        for (char c : s) ok = ok && c >= '0' && c <= '9';
        errno = 0;
        const unsigned long long v = ok ? std::strtoull(s.c_str(), nullptr, 10) : 0;
        if (ok && errno != ERANGE && v >= min && v <= max) return {};
        const std::string shown = s.size() > 24 ? s.substr(0, 21) + "..." : s;
        return "expected a whole number from " + std::to_string(min) + " to " +
               std::to_string(max) + ", got '" + shown + "'";
      },
      std::to_string(min) + ".." + std::to_string(max), "whole number");
}

// --data: what ss::load_dataset reads (a wrong name is a malformed value: exit 2)
inline const std::vector<std::string> kDataSets = {"fashion-mnist", "cifar10", "cifar100"};
// A number in [0, 1] (a firing rate); NaN passes CLI::Range, not this.
inline CLI::Validator fraction() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        char* end = nullptr;
        const double v = s.empty() ? -1 : std::strtod(s.c_str(), &end);
        if (end && *end == '\0' && v >= 0 && v <= 1) return {};
        return "expected a number from 0 to 1, got '" + s.substr(0, 24) + "'";
      },
      "0..1", "fraction");
}

inline constexpr uint64_t kMaxSamples = 1'000'000'000'000;  // -n and the like
inline constexpr uint64_t kMaxThreads = 4096;               // -j

// Default location of shipped files (models/, configs/): the source tree the binary was
// built from, unless SPIKESTACK_HOME is set.
std::string home_path(const std::string& rel);

}  // namespace ss::cli
