# SPDX-License-Identifier: Apache-2.0
# Per-generator CPack settings: CPACK_PROJECT_CONFIG_FILE, read by cpack once for each generator it runs.
if(CPACK_GENERATOR STREQUAL "TGZ")
  # The DEB strips the binaries itself and moves their debug information into rbac-explorer-dbgsym
  # (CPACK_DEBIAN_DEBUGINFO_PACKAGE); the archive just ships them stripped.
  set(CPACK_STRIP_FILES ON)
endif()
