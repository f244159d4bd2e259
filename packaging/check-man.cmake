# SPDX-License-Identifier: Apache-2.0
# Formats one man page with groff and fails on any warning (groff exits 0 on warnings, so stderr decides).
# Usage: cmake -DGROFF=/usr/bin/groff -DPAGE=path/to/page.1 -P check-man.cmake
if(NOT GROFF OR NOT PAGE)
  message(FATAL_ERROR "usage: cmake -DGROFF=<groff> -DPAGE=<page> -P check-man.cmake")
endif()
if(NOT EXISTS "${PAGE}")
  message(FATAL_ERROR "${PAGE}: no such file")
endif()
# -Tutf8: the device man(1) uses on a terminal (and the only one in groff-base); -ww: all warnings; -z: no output.
execute_process(COMMAND "${GROFF}" -man -Tutf8 -ww -z "${PAGE}"
                RESULT_VARIABLE rc
                OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
  message(FATAL_ERROR "groff -man -Tutf8 -ww -z ${PAGE} (exit ${rc}):\n${err}${out}")
endif()
message(STATUS "${PAGE}: no groff warnings")
