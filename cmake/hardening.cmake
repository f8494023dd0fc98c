# Hardening builds (docs/hardening.md), both without the LibTorch trainer:
#   -DSPIKESTACK_SANITIZE=ON  everything compiled with AddressSanitizer and UBSan; any report
#                             aborts the process (-fno-sanitize-recover=all), so a test fails
#   -DSPIKESTACK_FUZZ=ON      libFuzzer targets in fuzz/ (needs clang: CXX=clang++-14), the
#                             code under test instrumented for coverage, ASan and UBSan
option(SPIKESTACK_SANITIZE "Build with -fsanitize=address,undefined (no trainer)" OFF)
option(SPIKESTACK_FUZZ "Build the libFuzzer targets in fuzz/ (clang; no trainer)" OFF)
if(SPIKESTACK_SANITIZE OR SPIKESTACK_FUZZ)
  set(SPIKESTACK_WITH_TORCH OFF CACHE BOOL "" FORCE)
  set(CMAKE_DISABLE_FIND_PACKAGE_verilator ON)  # the RTL testbenches are not part of it
  set(ss_san -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer)
  if(SPIKESTACK_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
      message(FATAL_ERROR "SPIKESTACK_FUZZ needs clang (cmake -DCMAKE_CXX_COMPILER=clang++-14)")
    endif()
    add_compile_options(${ss_san} -fsanitize=fuzzer-no-link)
  else()
    add_compile_options(${ss_san})
  endif()
  add_link_options(${ss_san})
  # -O1: the usual level for sanitizer and fuzzing builds; compiles about twice as fast as -O3
  # with instrumentation and still inlines enough that the tests run in reasonable time
  set(CMAKE_CXX_FLAGS_RELEASE "-O1 -DNDEBUG" CACHE STRING "" FORCE)
endif()
