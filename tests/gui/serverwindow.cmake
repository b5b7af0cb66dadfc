# The server window: its services started with the toggle buttons, raw clients
# in this process, and the table, traffic view and log read back.
tincan_add_test(NAME tst_gui_serverwindow SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_gui_serverwindow.cpp
    LIBS tincan_ui TIMEOUT 120 LABELS gui)
# Every console option of `tincan-cli serve`, set in the window's Advanced…
# dialog and obeyed by the running console.
tincan_add_test(NAME tst_gui_serverconsolesettings
    SOURCES ${CMAKE_CURRENT_LIST_DIR}/tst_gui_serverconsolesettings.cpp LIBS tincan_ui TIMEOUT 120 LABELS gui)
