# xmas_component(NAME [SOURCES f.cpp...] [EXCLUDE f.cpp...] DEPS dep...)
# Builds every .cpp in the calling folder into the static library xmas_<NAME>.
# Headers are included as "xmas/<area>/<file>.h" from src/. SOURCES (names in
# the folder; missing ones are ignored) replaces the glob and EXCLUDE removes
# names from it, for a folder that builds two components (traj: a torch-free
# store and the libtorch extractor).
function(xmas_component name)
  cmake_parse_arguments(ARG "" "" "DEPS;SOURCES;EXCLUDE" ${ARGN})
  file(GLOB _sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  if(ARG_SOURCES)
    set(_sources "")
    foreach(_s ${ARG_SOURCES})
      if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${_s})
        list(APPEND _sources ${CMAKE_CURRENT_SOURCE_DIR}/${_s})
      endif()
    endforeach()
  endif()
  foreach(_s ${ARG_EXCLUDE})
    list(REMOVE_ITEM _sources ${CMAKE_CURRENT_SOURCE_DIR}/${_s})
  endforeach()
  if(NOT _sources)  # a header-only component (or one being started)
    add_library(xmas_${name} INTERFACE)
    target_include_directories(xmas_${name} INTERFACE ${PROJECT_SOURCE_DIR}/src)
    target_link_libraries(xmas_${name} INTERFACE ${ARG_DEPS})
    return()
  endif()
  add_library(xmas_${name} STATIC ${_sources})
  target_include_directories(xmas_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_compile_options(xmas_${name} PRIVATE -Wall -Wextra)
  target_link_libraries(xmas_${name} PUBLIC ${ARG_DEPS})
endfunction()

# xmas_test(NAME [NEEDS_CLI] DEPS dep...): one GoogleTest executable from
# every .cpp in the calling folder, registered with CTest. Tests run from the
# tests/ folder; XMAS_TEST_DATA_DIR is tests/fixtures, XMAS_BINARY the built CLI
# (built first when NEEDS_CLI is given).
function(xmas_test name)
  cmake_parse_arguments(ARG "NEEDS_CLI" "" "DEPS;ENVIRONMENT" ${ARGN})
  file(GLOB _sources CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp)
  add_executable(test_${name} ${_sources})
  if(ARG_NEEDS_CLI)
    add_dependencies(test_${name} xmas_cli)
  endif()
  target_link_libraries(test_${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gtest_main)
  target_compile_definitions(test_${name} PRIVATE
    XMAS_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/fixtures"
    XMAS_BINARY="$<TARGET_FILE:xmas_cli>")
  set(_properties LABELS ${name})
  if(ARG_ENVIRONMENT)  # NAME=VALUE pairs every test of the folder runs with
    list(APPEND _properties ENVIRONMENT "${ARG_ENVIRONMENT}")
  endif()
  gtest_discover_tests(test_${name} WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}/tests
    DISCOVERY_TIMEOUT 60 PROPERTIES ${_properties})
endfunction()

# xmas_torch_pch(TARGET): precompile <torch/torch.h> for a target whose
# sources include libtorch. Parsing libtorch's headers costs ~15 s of CPU per
# translation unit, loading the precompiled header ~1 s, so this is most of
# the build time of the torch areas (measured: trainer.cpp 22 s -> 11 s of CPU),
# but it costs a file that does not include libtorch ~10 s, so call it only
# for targets whose files mostly do. Static libraries share xmas_model's
# header (same flags: -fPIC, -fopenmp); executables (-fPIE) precompile their
# own, as GCC refuses a header made under other flags (-Winvalid-pch says so). -DXMAS_NO_TORCH_PCH=ON
# turns it off (e.g. to check that every file includes what it uses).
function(xmas_torch_pch target)
  if(XMAS_NO_TORCH_PCH OR NOT TARGET ${target})
    return()
  endif()
  get_target_property(_type ${target} TYPE)
  if(_type STREQUAL "INTERFACE_LIBRARY")
    return()
  elseif(_type STREQUAL "STATIC_LIBRARY" AND NOT target STREQUAL "xmas_model")
    target_precompile_headers(${target} REUSE_FROM xmas_model)
  else()
    target_precompile_headers(${target} PRIVATE <torch/torch.h>)
  endif()
endfunction()

# xmas_fast_malloc(<target>): links an executable that runs the model loop
# against tcmalloc-minimal (Debian libtcmalloc-minimal4) instead of glibc's
# malloc. libtorch frees and re-allocates its large tensor buffers every
# step; glibc hands buffers above its mmap threshold back to the kernel and
# takes the page faults again on the next step, tcmalloc keeps them.
# Measured (BENCHMARKS.md, "Memory that stays"): a third of the page faults,
# ~25% less CPU, a lower peak RSS; jemalloc 5.3 was 5x slower there.
# Without the library the build goes on with glibc's malloc (a message says so);
# sanitizer builds keep their own allocator; -DXMAS_FAST_MALLOC=OFF builds
# with glibc's (to compare: bench/alloc_threads_bench.sh).
option(XMAS_FAST_MALLOC "Link xmas-torch against tcmalloc-minimal" ON)
function(xmas_fast_malloc target)
  if(XMAS_SANITIZE OR XMAS_FUZZ OR NOT XMAS_FAST_MALLOC)
    return()
  endif()
  find_library(XMAS_TCMALLOC_LIB NAMES tcmalloc_minimal libtcmalloc_minimal.so.4)
  if(XMAS_TCMALLOC_LIB)
    target_link_libraries(${target} PRIVATE ${XMAS_TCMALLOC_LIB})
  else()
    message(STATUS "${target}: tcmalloc-minimal not found (apt-get install libtcmalloc-minimal4): glibc malloc")
  endif()
endfunction()
