# SPDX-License-Identifier: Apache-2.0
# Installs the "desktop" component (desktop file, metainfo, icon) into a scratch tree and checks it as a software
# centre would see it: `appstreamcli validate-tree` (the <launchable> names an installed desktop file) and that the
# desktop file's Icon= is installed under that name. This catches an id that differs between the files.
# Usage: cmake -DAPPSTREAMCLI=<appstreamcli> -DBUILD_DIR=<top build dir> -DTREE=<scratch dir> -DAPP_ID=<id>
#              -DDATADIR=<CMAKE_INSTALL_DATADIR> -P check-appstream-tree.cmake
foreach(var APPSTREAMCLI BUILD_DIR TREE APP_ID DATADIR)
  if(NOT ${var})
    message(FATAL_ERROR "check-appstream-tree.cmake: -D${var}=... is missing")
  endif()
endforeach()

file(REMOVE_RECURSE "${TREE}")
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --component desktop --prefix "${TREE}/usr"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "installing the desktop component failed (exit ${rc}):\n${out}${err}")
endif()

set(share "${TREE}/usr/${DATADIR}")
set(desktop "${share}/applications/${APP_ID}.desktop")
if(NOT EXISTS "${desktop}")
  message(FATAL_ERROR "not installed: ${desktop}")
endif()
file(STRINGS "${desktop}" icon_line REGEX "^Icon=")
string(REGEX REPLACE "^Icon=" "" icon "${icon_line}")
if(NOT icon STREQUAL APP_ID)
  message(FATAL_ERROR "${desktop}: Icon=${icon}, expected the application id ${APP_ID}")
endif()
if(NOT EXISTS "${share}/icons/hicolor/scalable/apps/${icon}.svg")
  message(FATAL_ERROR "icon ${icon} is not installed under ${share}/icons/hicolor/scalable/apps")
endif()

execute_process(COMMAND "${APPSTREAMCLI}" validate-tree --no-net "${TREE}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
message("${out}${err}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "appstreamcli validate-tree failed (exit ${rc})")
endif()
