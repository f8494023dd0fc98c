// Command-line overrides of a TOML file ("dotted.key=value", the --set option) for files
// without a schema of their own: only keys already present in the file can be set.
#pragma once
#include <toml++/toml.h>

#include <string>
#include <vector>

namespace ss {

// Sets `dotted.key` to `value` (parsed as TOML; text that is not TOML is taken as a string,
// so `bond.pitch=1 um` and `bond.pitch="1 um"` both work). Throws ss::Error naming the file
// and the key when the key is not in the file or is a table.
void apply_toml_override(toml::table& root, const std::string& file, const std::string& kv);

// Splits --set overrides by their target: "tech.KEY=V" goes to tech_sets as "KEY=V", every
// other one to arch_sets (appended, in order).
void split_overrides(const std::vector<std::string>& sets, std::vector<std::string>& arch_sets,
                     std::vector<std::string>& tech_sets);

}  // namespace ss
