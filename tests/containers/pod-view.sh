#!/usr/bin/env bash
# vigil as deploy/daemonset.yaml runs it: in a mount namespace of its own
# where /run, /var/lib/docker and /var/lib/containers are the pod's (empty)
# and the host's are under a host root, as the manifest mounts them at
# /host/run, /host/var/lib/docker, /host/var/lib/containers. The host root
# here is /mnt of that namespace (a tmpfs there; nothing is left on the
# host). test_vigil_containers runs it as VIGIL_BIN:
#
#   VG_REAL_VIGIL=path/to/vigil pod-view.sh COMMAND ARGS...
#
# and it execs `vigil COMMAND ARGS... -o container_engines.host_root=/mnt`.
# VG_POD_HOST_ROOT overrides the option's value ("" leaves it out: then vigil
# looks at the pod's empty /run, which is the bug this guards against).
set -euo pipefail
real=${VG_REAL_VIGIL:?VG_REAL_VIGIL: the vigil binary}
root=${VG_POD_HOST_ROOT-/mnt}
opt=()
[ -n "$root" ] && opt=(-o "container_engines.host_root=$root")

# shellcheck disable=SC2016 # expanded by the inner shell
exec unshare -m --propagation private -- /bin/sh -ec '
	mount -t tmpfs -o size=1m,mode=0755 vigil-pod-host /mnt
	# /var/tmp: where run-runtimes.sh keeps the runc bundle, read under the host root too
	for d in /run /var/lib/docker /var/lib/containers /var/tmp; do
		mkdir -p "/mnt$d"
		if [ -d "$d" ]; then mount --rbind "$d" "/mnt$d"; fi
	done
	# the pod sees none of the host runtimes at their usual places
	for d in /run /var/lib/docker /var/lib/containers /var/tmp; do
		if [ -d "$d" ]; then mount -t tmpfs -o size=1m,mode=0755 vigil-pod "$d"; fi
	done
	exec "$@"' pod-view "$real" "$@" "${opt[@]}"
