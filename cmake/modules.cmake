# One function gives every protocol folder the same shape (STYLE.md 4):
#   src/<m>/*.cc          -> library fp_<m>
#   tests/<m>/*_test.cc   -> test program fp_<m>_tests, registered with ctest
#   fuzz/<m>/*_fuzz.cc    -> one fuzz target each; its corpus fuzz/<m>/corpus/<target>/ is
#                            replayed in ctest by a plain driver (or libFuzzer when FP_FUZZ=ON)
set(FP_ROOT ${CMAKE_CURRENT_LIST_DIR}/..)

function(fp_module name)
  cmake_parse_arguments(ARG "" "" "DEPS" ${ARGN})
  file(GLOB srcs CONFIGURE_DEPENDS ${FP_ROOT}/src/${name}/*.cc)
  if(NOT srcs)
    return()  # a module being started has no sources yet
  endif()
  add_library(fp_${name} STATIC ${srcs})
  target_include_directories(fp_${name} PUBLIC ${FP_ROOT}/src)
  target_link_libraries(fp_${name} PUBLIC ${ARG_DEPS})

  file(GLOB tests CONFIGURE_DEPENDS ${FP_ROOT}/tests/${name}/*_test.cc)
  if(tests)
    file(GLOB support CONFIGURE_DEPENDS ${FP_ROOT}/tests/support/*.cc)
    add_executable(fp_${name}_tests ${tests} ${support})
    target_include_directories(fp_${name}_tests PRIVATE ${FP_ROOT}/tests)
    target_link_libraries(fp_${name}_tests PRIVATE fp_${name} GTest::gtest_main GTest::gmock)
    target_compile_definitions(fp_${name}_tests PRIVATE
      FP_TESTDATA="${FP_ROOT}/../shared/testdata" FP_SOURCE_DIR="${FP_ROOT}")
    add_test(NAME ${name}.unit COMMAND fp_${name}_tests --gtest_brief=1)
  endif()

  file(GLOB fuzzers CONFIGURE_DEPENDS ${FP_ROOT}/fuzz/${name}/*_fuzz.cc)
  foreach(src ${fuzzers})
    get_filename_component(target ${src} NAME_WE)
    if(FP_FUZZ)
      add_executable(${target} ${src})
      target_link_options(${target} PRIVATE -fsanitize=fuzzer)
    else()
      add_executable(${target} ${src} ${FP_ROOT}/fuzz/replay_main.cc)
    endif()
    target_link_libraries(${target} PRIVATE fp_${name})
    set(corpus ${FP_ROOT}/fuzz/${name}/corpus/${target})
    if(FP_FUZZ)
      add_test(NAME fuzz.${target} COMMAND ${target} -runs=0 ${corpus})
    else()
      add_test(NAME fuzz.${target} COMMAND ${target} ${corpus})
    endif()
  endforeach()
endfunction()
