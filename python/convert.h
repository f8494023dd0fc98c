// Crossing into Python: JSON documents become nested dicts and lists, and C++ buffers become
// NumPy arrays that own them (moved, not copied).
#pragma once
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <nlohmann/json.hpp>
#include <vector>

namespace ss::py {

namespace pb = pybind11;

pb::object to_python(const nlohmann::json& j);

// A C-contiguous NumPy array of `shape` over the vector's storage; the array keeps the vector
// alive (a capsule owns it), so no element is copied.
template <typename T>
pb::array_t<T> adopt(std::vector<T>&& v, const std::vector<pb::ssize_t>& shape) {
  auto* owned = new std::vector<T>(std::move(v));
  pb::capsule owner(owned, [](void* p) { delete static_cast<std::vector<T>*>(p); });
  return pb::array_t<T>(shape, owned->data(), owner);
}

}  // namespace ss::py
