# Build settings every Tincan target links: warnings and the Qt defines that
# keep string handling explicit. Linked as an INTERFACE target so that the
# policy lives in one place.
add_library(tincan_common INTERFACE)
add_library(Tincan::Common ALIAS tincan_common)

target_compile_options(tincan_common INTERFACE
    $<$<CXX_COMPILER_ID:GNU,Clang>:-Wall -Wextra -Wpedantic -Wnon-virtual-dtor -Wcast-align
        -Woverloaded-virtual -Wold-style-cast>
    $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local>
    $<$<CXX_COMPILER_ID:Clang>:-Wshadow-uncaptured-local>
    $<$<CXX_COMPILER_ID:MSVC>:/W4>)

target_compile_definitions(tincan_common INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_USE_QSTRINGBUILDER
    QT_STRICT_ITERATORS
    QT_DISABLE_DEPRECATED_BEFORE=0x060400)

# Sources whose tr() strings go into translations/. Each subdirectory appends.
set(TINCAN_TRANSLATABLE_SOURCES "" CACHE INTERNAL "")
function(tincan_add_translatable)
    foreach(src IN LISTS ARGN)
        get_filename_component(abs "${src}" ABSOLUTE)
        list(APPEND _list "${abs}")
    endforeach()
    set(TINCAN_TRANSLATABLE_SOURCES ${TINCAN_TRANSLATABLE_SOURCES} ${_list} CACHE INTERNAL "")
endfunction()

# Undefined behaviour aborts instead of printing and going on, so that a test
# (or a fuzzer) fails on it.
set(TINCAN_SANITIZER_FLAGS -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer)

option(TINCAN_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
if(TINCAN_SANITIZE)
    target_compile_options(tincan_common INTERFACE ${TINCAN_SANITIZER_FLAGS})
    target_link_options(tincan_common INTERFACE ${TINCAN_SANITIZER_FLAGS})
endif()

# libFuzzer targets (tests/fuzz). Everything is built with the sanitizers;
# tincan_net, the code under test, also with the fuzzer's coverage
# instrumentation (net/CMakeLists.txt), and the targets link libFuzzer. The
# asan preset turns it on beside TINCAN_SANITIZE, so that the sanitized suite
# and the fuzzers share one build.
option(TINCAN_FUZZ "Build the libFuzzer targets in tests/fuzz (needs clang)" OFF)
if(TINCAN_FUZZ)
    if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
        message(FATAL_ERROR "TINCAN_FUZZ needs clang (libFuzzer): configure with -DCMAKE_CXX_COMPILER=clang++")
    endif()
    if(NOT TINCAN_SANITIZE)
        target_compile_options(tincan_common INTERFACE ${TINCAN_SANITIZER_FLAGS})
        target_link_options(tincan_common INTERFACE ${TINCAN_SANITIZER_FLAGS})
    endif()
endif()
