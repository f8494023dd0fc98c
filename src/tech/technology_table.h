// A technology from an already parsed TOML table (for callers that apply overrides to the
// table, e.g. spikestack explore). Same checks and messages as parse_technology.
#pragma once
#include <toml++/toml.h>

#include <string>

#include "tech/technology.h"

namespace ss::tech {

Technology technology_from_table(const toml::table& root, const std::string& origin);

}  // namespace ss::tech
