# The Debian package (CPack's DEB generator): scripts/package.sh configures a
# tree with the prefix /usr and runs `cpack -G DEB` there. The package holds
# what `cmake --install` puts in place (binary, rules, /etc/vigil/vigil.yaml
# as a conffile, rules.d/, the unit, docs) and the maintainer scripts of
# deploy/debian/ for the unit. Its dependencies come from dpkg-shlibdeps on
# the binary, so they name the libraries it was linked with.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME vigil)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "vigil maintainers <vigil@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "runtime security engine (eBPF) that runs Falco's rules")
# the synopsis is CPACK_PACKAGE_DESCRIPTION_SUMMARY; this is the long text
set(CPACK_DEBIAN_PACKAGE_DESCRIPTION
  "eBPF probes watch processes, files and the network; vigil matches the events\n\
against rules in Falco's rule language, enriches them with container and\n\
Kubernetes metadata, writes alerts as JSON in Falco's schema, and can deny\n\
in the kernel.")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT) # vigil_VERSION_ARCH.deb
set(CPACK_DEBIAN_PACKAGE_SECTION admin)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
# deb-systemd-helper in the maintainer scripts
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "init-system-helpers")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
  ${CMAKE_SOURCE_DIR}/deploy/debian/conffiles
  ${CMAKE_SOURCE_DIR}/deploy/debian/postinst
  ${CMAKE_SOURCE_DIR}/deploy/debian/prerm
  ${CMAKE_SOURCE_DIR}/deploy/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION ON)
# /etc for the prefix /usr: the install writes to DESTDIR, not to a prefix
# under the staging directory (vigil_install.cmake works out SYSCONFDIR)
set(CPACK_SET_DESTDIR ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
include(CPack)
