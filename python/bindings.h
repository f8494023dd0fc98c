// The parts of the Python module, each adding its classes and functions to it.
#pragma once
#include <pybind11/pybind11.h>

namespace ss::py {
void bind_engine(pybind11::module_& m);    // Model, Inference (py_engine.cpp)
void bind_hardware(pybind11::module_& m);  // Arch, Technology, simulate, silicon (py_hardware.cpp)
}  // namespace ss::py
