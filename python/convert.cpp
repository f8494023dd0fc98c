#include "convert.h"

namespace ss::py {

pb::object to_python(const nlohmann::json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null:
      return pb::none();
    case nlohmann::json::value_t::boolean:
      return pb::bool_(j.get<bool>());
    case nlohmann::json::value_t::number_integer:
      return pb::int_(j.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return pb::int_(j.get<uint64_t>());
    case nlohmann::json::value_t::number_float:
      return pb::float_(j.get<double>());
    case nlohmann::json::value_t::string:
      return pb::str(j.get_ref<const std::string&>());
    case nlohmann::json::value_t::array: {
      pb::list l;
      for (const auto& e : j) l.append(to_python(e));
      return l;
    }
    case nlohmann::json::value_t::object: {
      pb::dict d;
      for (const auto& [k, v] : j.items()) d[pb::str(k)] = to_python(v);
      return d;
    }
    default:
      return pb::none();  // binary, discarded: never produced here
  }
}

}  // namespace ss::py
