# BPF build: vmlinux.h from the build machine's BTF, clang -target bpf with
# CO-RE, then a libbpf skeleton header that embeds the object in the binary.

find_program(BPFTOOL bpftool PATHS /usr/sbin /usr/local/sbin REQUIRED)
find_program(BPF_CLANG NAMES clang clang-14 REQUIRED)

set(VIGIL_BTF_SOURCE /sys/kernel/btf/vmlinux CACHE FILEPATH
    "BTF that vmlinux.h is generated from")
set(VIGIL_BPF_GEN ${CMAKE_BINARY_DIR}/bpf)
file(MAKE_DIRECTORY ${VIGIL_BPF_GEN})

if(NOT EXISTS ${VIGIL_BTF_SOURCE})
  message(FATAL_ERROR "No kernel BTF at ${VIGIL_BTF_SOURCE}: vigil needs a kernel built with "
                      "CONFIG_DEBUG_INFO_BTF=y (or point VIGIL_BTF_SOURCE at a BTF file)")
endif()

# Called from probes/: a custom command's output is only visible to targets
# of the directory that defines it.
function(vigil_vmlinux_h)
  add_custom_command(
    OUTPUT ${VIGIL_BPF_GEN}/vmlinux.h
    COMMAND ${BPFTOOL} btf dump file ${VIGIL_BTF_SOURCE} format c > ${VIGIL_BPF_GEN}/vmlinux.h
    COMMENT "Generating vmlinux.h from ${VIGIL_BTF_SOURCE}"
    VERBATIM)
  # one owner, so parallel skeleton builds don't each regenerate it
  add_custom_target(vmlinux_h DEPENDS ${VIGIL_BPF_GEN}/vmlinux.h)
endfunction()

if(CMAKE_SYSTEM_PROCESSOR MATCHES "x86_64|AMD64")
  set(VIGIL_BPF_ARCH x86)
elseif(CMAKE_SYSTEM_PROCESSOR MATCHES "aarch64|arm64")
  set(VIGIL_BPF_ARCH arm64)
else()
  set(VIGIL_BPF_ARCH ${CMAKE_SYSTEM_PROCESSOR})
endif()

# vigil_bpf_skeleton(<name> [<dir>]) compiles <dir>/<name>.bpf.c (default
# probes/) into <name>.skel.h, with probes/ and include/ on the include path.
function(vigil_bpf_skeleton name)
  set(dir ${CMAKE_SOURCE_DIR}/probes)
  if(ARGC GREATER 1)
    set(dir ${ARGV1})
  endif()
  set(src ${dir}/${name}.bpf.c)
  set(obj ${VIGIL_BPF_GEN}/${name}.bpf.o)
  set(lnk ${VIGIL_BPF_GEN}/${name}.linked.o)
  set(skel ${VIGIL_BPF_GEN}/${name}.skel.h)
  file(GLOB bpf_headers ${CMAKE_SOURCE_DIR}/probes/*.h ${CMAKE_SOURCE_DIR}/include/vigil/*.h)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPF_CLANG} -g -O2 -target bpf -D__TARGET_ARCH_${VIGIL_BPF_ARCH}
            -Wall $<$<BOOL:${VIGIL_WERROR}>:-Werror> -std=gnu11
            -I${VIGIL_BPF_GEN} -I${CMAKE_SOURCE_DIR}/include -I${CMAKE_SOURCE_DIR}/probes
            -c ${src} -o ${obj}
    COMMAND ${BPFTOOL} gen object ${lnk} ${obj}
    COMMAND ${BPFTOOL} gen skeleton ${lnk} name ${name}_bpf > ${skel}
    DEPENDS ${src} ${bpf_headers} ${VIGIL_BPF_GEN}/vmlinux.h
    COMMENT "BPF skeleton ${name}"
    VERBATIM)
  add_custom_target(${name}_skel DEPENDS ${skel})
  add_dependencies(${name}_skel vmlinux_h)
endfunction()
