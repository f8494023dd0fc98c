// Subcommands register themselves; main() builds the CLI11 app from the registry.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace ss::cli {

// A subcommand adds itself to the app and sets its callback (which may throw ss::Error).
using AddCommand = void (*)(CLI::App& app);
struct RegisterCommand {
  RegisterCommand(int order, AddCommand add);
};

// Exit codes (documented in README): 0 success, 1 bad input or runtime error, 2 usage error.
inline constexpr int kExitError = 1;
inline constexpr int kExitUsage = 2;

// Default location of shipped files (models/, configs/): the source tree the binary was
// built from, unless SPIKESTACK_HOME is set.
std::string home_path(const std::string& rel);

}  // namespace ss::cli
