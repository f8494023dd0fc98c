// Command-line overrides of a TOML file ("dotted.key=value", the --set option) for files
// without a schema of their own: only keys already present in the file can be set.
#pragma once
#include <toml++/toml.h>

#include <string>

namespace ss {

// Sets `dotted.key` to `value` (parsed as TOML; text that is not TOML is taken as a string,
// so `bond.pitch=1 um` and `bond.pitch="1 um"` both work). Throws ss::Error naming the file
// and the key when the key is not in the file or is a table.
void apply_toml_override(toml::table& root, const std::string& file, const std::string& kv);

}  // namespace ss
