// The Python module `spikestack`: the engine, the simulator and the physical model without the
// shell. Errors are spikestack.Error (bad input: the command line's one-line message) or
// spikestack.UsageError (a bad argument value, exit 2 on the command line).
#include <pybind11/pybind11.h>

#include <CLI/CLI.hpp>

#include "bindings.h"
#include "common/error.h"

PYBIND11_MODULE(spikestack, m) {
  namespace pb = pybind11;
  m.doc() =
      "spikestack: spiking MoE / MHA transformers from trained model to 2D and 3D silicon "
      "(docs/python.md)";
  m.attr("__version__") = "0.1.0";
  static pb::exception<ss::Error> error(m, "Error", PyExc_ValueError);
  static pb::exception<CLI::Error> usage(m, "UsageError", error.ptr());
  pb::register_exception_translator([](std::exception_ptr p) {
    try {
      if (p) std::rethrow_exception(p);
    } catch (const ss::Error& e) {
      error(e.what());
    } catch (const CLI::Error& e) {
      usage(e.what());
    }
  });
  ss::py::bind_engine(m);
  ss::py::bind_hardware(m);
}
