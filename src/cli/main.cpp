// spikestack: what does my spiking transformer cost on real silicon, in 2D and in 3D?
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>

#include "cli/command.h"
#include "common/error.h"

namespace ss::cli {

namespace {
std::multimap<int, AddCommand>& commands() {
  static std::multimap<int, AddCommand> c;
  return c;
}
}  // namespace

RegisterCommand::RegisterCommand(int order, AddCommand add) { commands().emplace(order, add); }

}  // namespace ss::cli

int main(int argc, char** argv) {
  CLI::App app{
      "spikestack: spiking MoE / MHA transformers from trained model to 2D and 3D silicon.\n"
      "Run 'spikestack <command> --help' for a command's options and examples."};
  app.require_subcommand(1);
  app.set_version_flag("--version", "spikestack 0.1.0");
  for (auto& [order, add] : ss::cli::commands()) add(app);
  // CLI11 reports an unknown command as "a subcommand is required": name it and the known ones
  if (argc > 1 && argv[1][0] != '-') {
    std::string known;
    bool found = false;
    for (const auto* c : app.get_subcommands([](CLI::App*) { return true; })) {
      found = found || c->get_name() == argv[1];
      known += (known.empty() ? "" : ", ") + c->get_name();
    }
    if (!found) {
      std::string name;  // printable ASCII only: the terminal gets no control bytes
      for (const char* p = argv[1]; *p && name.size() < 64; ++p)
        name += (*p >= 0x20 && *p < 0x7f) ? *p : '?';
      std::cerr << "spikestack: usage error: unknown command '" << name << "' (commands: " << known
                << "; see --help)\n";
      return ss::cli::kExitUsage;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    // one line, like every other error
    std::cerr << "spikestack: usage error: " << e.what() << " (see --help)\n";
    return ss::cli::kExitUsage;
  } catch (const ss::Error& e) {
    std::cerr << "spikestack: error: " << e.what() << "\n";
    return ss::cli::kExitError;
  } catch (const std::exception& e) {
    std::cerr << "spikestack: error: " << e.what() << "\n";
    return ss::cli::kExitError;
  }
  return 0;
}
