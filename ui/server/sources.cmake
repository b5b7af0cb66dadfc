# The server window (menu Server → Server Window): its widgets, models and the
# hub that owns the services. Included by ui/CMakeLists.txt.
target_sources(tincan_ui PRIVATE
    ${CMAKE_CURRENT_LIST_DIR}/clienttablemodel.cpp ${CMAKE_CURRENT_LIST_DIR}/clienttablemodel.h
    ${CMAKE_CURRENT_LIST_DIR}/consolepassworddialog.cpp ${CMAKE_CURRENT_LIST_DIR}/consolepassworddialog.h
    ${CMAKE_CURRENT_LIST_DIR}/eventlogmodel.cpp ${CMAKE_CURRENT_LIST_DIR}/eventlogmodel.h
    ${CMAKE_CURRENT_LIST_DIR}/serverhub.cpp ${CMAKE_CURRENT_LIST_DIR}/serverhub.h
    ${CMAKE_CURRENT_LIST_DIR}/servicekind.cpp ${CMAKE_CURRENT_LIST_DIR}/servicekind.h
    ${CMAKE_CURRENT_LIST_DIR}/serverwindow.cpp ${CMAKE_CURRENT_LIST_DIR}/serverwindow.h
    ${CMAKE_CURRENT_LIST_DIR}/trafficcapture.cpp ${CMAKE_CURRENT_LIST_DIR}/trafficcapture.h
)
tincan_add_translatable(
    ${CMAKE_CURRENT_LIST_DIR}/clienttablemodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/consolepassworddialog.cpp
    ${CMAKE_CURRENT_LIST_DIR}/eventlogmodel.cpp
    ${CMAKE_CURRENT_LIST_DIR}/serverhub.cpp
    ${CMAKE_CURRENT_LIST_DIR}/servicekind.cpp
    ${CMAKE_CURRENT_LIST_DIR}/serverwindow.cpp
    ${CMAKE_CURRENT_LIST_DIR}/trafficcapture.cpp)
