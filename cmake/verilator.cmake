# Verilator testbenches: a Verilog top verilated into a C++ model, driven by a gtest testbench.
# Included from the top-level CMakeLists.txt only when find_package(verilator) succeeded.

# Flags every verilated model is built with: plain Verilog-2005, all warnings, X made visible.
set(SS_VERILATOR_FLAGS
  --language 1364-2005 -Wall --x-assign unique --x-initial unique)

# ss_verilate(<target> TOP <module> SOURCES <hw/*.v ...> [PREFIX <class>] [PARAMS -GNAME=VAL ...]
#             [TRACE])   TRACE: the model can write a VCD (switching activity)
# Adds one verilated model (C++ class <PREFIX>, default V<TOP>) to an existing target; call it
# more than once to put several parameterisations of a block into one testbench.
function(ss_verilate target)
  cmake_parse_arguments(V "TRACE" "TOP;PREFIX" "SOURCES;PARAMS" ${ARGN})
  if(NOT V_TOP OR NOT V_SOURCES)
    message(FATAL_ERROR "ss_verilate(${target}): TOP and SOURCES are required")
  endif()
  if(NOT V_PREFIX)
    set(V_PREFIX V${V_TOP})
  endif()
  set(trace)
  if(V_TRACE)
    set(trace TRACE)
  endif()
  set(srcs)
  foreach(s ${V_SOURCES})
    list(APPEND srcs ${CMAKE_SOURCE_DIR}/${s})
  endforeach()
  verilate(${target}
    PREFIX ${V_PREFIX}
    TOP_MODULE ${V_TOP}
    SOURCES ${srcs}
    VERILATOR_ARGS ${SS_VERILATOR_FLAGS} ${V_PARAMS}
    OPT_FAST -O1
    OPT_SLOW -O0
    ${trace})
endfunction()

# ss_verilator_test(<name> TOP <module> SOURCES <hw/*.v ...> TB <tests/rtl/*_tb.cpp ...>
#                   [PREFIX <class>] [PARAMS -GNAME=VAL ...] [LINK <cmake targets ...>])
# Builds executable rtl_<name> from the testbench and the verilated model and registers its
# gtest cases under the ctest label `rtl`. LINK ss_engine etc. to use the engine as the
# golden model (object libraries are linked whole, so registered implementations survive).
function(ss_verilator_test name)
  cmake_parse_arguments(T "" "TOP;PREFIX" "SOURCES;TB;PARAMS;LINK" ${ARGN})
  if(NOT T_TB)
    message(FATAL_ERROR "ss_verilator_test(${name}): TB is required")
  endif()
  set(tb)
  foreach(s ${T_TB})
    list(APPEND tb ${CMAKE_SOURCE_DIR}/${s})
  endforeach()
  set(exe rtl_${name})
  add_executable(${exe} ${tb})
  # Verilated C++ is generated code: keep our warning flags off it, not off the testbench.
  target_compile_options(${exe} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wno-unused-parameter>)
  target_include_directories(${exe} PRIVATE ${CMAKE_SOURCE_DIR}/src ${CMAKE_SOURCE_DIR}/tests)
  target_compile_definitions(${exe} PRIVATE
    SS_SOURCE_DIR="${CMAKE_SOURCE_DIR}" SS_BINARY_DIR="${CMAKE_BINARY_DIR}")
  target_link_libraries(${exe} PRIVATE GTest::gtest_main ${T_LINK})
  set(extra)
  if(T_PREFIX)
    set(extra PREFIX ${T_PREFIX})
  endif()
  ss_verilate(${exe} TOP ${T_TOP} SOURCES ${T_SOURCES} PARAMS ${T_PARAMS} ${extra})
  gtest_discover_tests(${exe} TEST_PREFIX rtl.${name}. DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS rtl)
endfunction()
