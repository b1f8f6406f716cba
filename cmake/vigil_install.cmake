# Run by `cmake --install` (install(CODE) in engine/CMakeLists.txt): writes the
# systemd unit and the configuration for the prefix of THIS install, which
# `cmake --install --prefix DIR` may change after configuring, so the paths
# are worked out here and not at configure time.
#   VG_SRC: the source tree; VG_SYSCONFDIR, VG_DATADIR, VG_SBINDIR: GNUInstallDirs' values;
#   VG_UNITDIR: the unit's directory, or empty for PREFIX/lib/systemd/system.

# GNUInstallDirs' rule for CMAKE_INSTALL_FULL_SYSCONFDIR: /etc for the /usr
# prefix, /etc/opt/... for /opt/..., PREFIX/etc otherwise.
function(vg_full out rel)
  if(IS_ABSOLUTE "${rel}")
    set(full "${rel}")
  elseif(rel STREQUAL "etc" AND CMAKE_INSTALL_PREFIX MATCHES "^/usr/?$")
    set(full "/etc")
  elseif(rel STREQUAL "etc" AND CMAKE_INSTALL_PREFIX MATCHES "^/opt/(.*)")
    set(full "/etc/opt/${CMAKE_MATCH_1}")
  else()
    set(full "${CMAKE_INSTALL_PREFIX}/${rel}")
  endif()
  string(REGEX REPLACE "/+$" "" full "${full}")
  set(${out} "${full}" PARENT_SCOPE)
endfunction()

vg_full(VIGIL_SYSCONF "${VG_SYSCONFDIR}")
vg_full(VIGIL_DATA "${VG_DATADIR}")
vg_full(VIGIL_SBIN "${VG_SBINDIR}")
set(dest "$ENV{DESTDIR}")

# the unit: ExecStart is the vigil this install puts in place
if(VG_UNITDIR)
  set(unit "${dest}${VG_UNITDIR}/vigil.service")
else()
  set(unit "${dest}${CMAKE_INSTALL_PREFIX}/lib/systemd/system/vigil.service")
endif()
message(STATUS "Installing: ${unit}")
configure_file("${VG_SRC}/deploy/vigil.service.in" "${unit}" @ONLY)

# the config: vigil's rules and a rules.d/ for the team's own; an existing
# config is the admin's and stays as it is
set(confdir "${dest}${VIGIL_SYSCONF}/vigil")
file(MAKE_DIRECTORY "${confdir}/rules.d")
if(EXISTS "${confdir}/vigil.yaml")
  message(STATUS "Up-to-date (kept, not overwritten): ${confdir}/vigil.yaml")
  return()
endif()
file(READ "${VG_SRC}/config/vigil.yaml" text)
set(example "# To add your own rules, list both:\n# rules_files:\n#   - /usr/share/vigil/rules\n#   - /etc/vigil/rules.d\n")
string(FIND "${text}" "${example}" at)
if(at LESS 0)
  message(FATAL_ERROR "config/vigil.yaml: the commented rules_files example is gone; "
                      "cmake/vigil_install.cmake fills it in")
endif()
string(REPLACE "${example}"
  "# vigil's rules, and your team's own in rules.d/ (cmake --install wrote these):\nrules_files:\n  - ${VIGIL_DATA}/vigil/rules\n  - ${VIGIL_SYSCONF}/vigil/rules.d\n"
  text "${text}")
message(STATUS "Installing: ${confdir}/vigil.yaml")
file(WRITE "${confdir}/vigil.yaml" "${text}")
