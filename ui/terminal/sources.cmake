# The console's terminal pane. The escape-sequence parser and the line buffer
# are pure Qt Core (tincan_terminal), so they are tested without widgets; the
# view, its find bar and its palette are part of tincan_ui.
# Included by ui/CMakeLists.txt.
qt_add_library(tincan_terminal STATIC
    ${CMAKE_CURRENT_LIST_DIR}/ansiparser.cpp ${CMAKE_CURRENT_LIST_DIR}/ansiparser.h
    ${CMAKE_CURRENT_LIST_DIR}/terminalbuffer.cpp ${CMAKE_CURRENT_LIST_DIR}/terminalbuffer.h
)
target_include_directories(tincan_terminal PUBLIC ${CMAKE_CURRENT_LIST_DIR})
target_link_libraries(tincan_terminal PUBLIC Qt6::Core PRIVATE Tincan::Common)

target_sources(tincan_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/terminalfindbar.cpp ${CMAKE_CURRENT_LIST_DIR}/terminalfindbar.h
    ${CMAKE_CURRENT_LIST_DIR}/terminalpalette.cpp ${CMAKE_CURRENT_LIST_DIR}/terminalpalette.h
    ${CMAKE_CURRENT_LIST_DIR}/terminalview.cpp ${CMAKE_CURRENT_LIST_DIR}/terminalview.h
)
target_link_libraries(tincan_ui PUBLIC tincan_terminal)
tincan_add_translatable(
    ${CMAKE_CURRENT_LIST_DIR}/terminalfindbar.cpp
    ${CMAKE_CURRENT_LIST_DIR}/terminalview.cpp)
