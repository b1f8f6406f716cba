#!/usr/bin/env bash
# Real-runtime test of the container module.
#
#   run-runtimes.sh TEST_BINARY [ARGS...]
#
# Installs what it needs with apt-get (runc, containerd, docker.io, podman,
# busybox-static, jq), builds a one-layer busybox image locally (no
# registry), starts containers with every runtime this machine can run:
#   runc            runc run -d, cgroupsPath /<id>
#   containerd      ctr run (namespace vgtest), privileged
#   cri             ctr -n k8s.io run with the kubelet's cgroup and CRI annotations
#   docker          dockerd + docker run (one plain, one --privileged)
#   podman          podman run (one plain, one --privileged, one in a pod), and its API
#                   service (podman system service) for the labels
# writes what it started to an expectations file, and runs
# `TEST_BINARY EXPECTATIONS ARGS...`: test_containers resolves every
# container through the module's API and checks each field;
# test_vigil_containers runs commands inside them under the real vigil.
# Every container's init is a shell that runs `/bin/true vgmark-init` on
# SIGUSR1 (a process born inside the container), and each block says how to
# run a command inside through the runtime (exec=). Everything it started (containers, daemons, cgroups,
# temp dirs) is removed on exit, failure included; daemons that were already
# running are left alone.
#
# Exit: 0 pass, 1 fail, 77 skip (not root, or no runtime could be installed).
#   crio            CRI-O is not packaged: runc started as CRI-O starts it, with the bundle
#                   in CRI-O's runroot (/run/containers/storage/overlay-containers/<id>/userdata,
#                   removed after), CRI-O's annotations, the kubelet's systemd-style cgroup
#                   (kubepods.slice/.../crio-<id>.scope, made by the cgroupfs driver); and a
#                   crio-conmon-<id>.scope cgroup, which is no container
# VG_RUNTIMES="runc containerd cri crio docker podman" selects runtimes.
set -uo pipefail

TEST_BIN=${1:?usage: run-runtimes.sh TEST_BINARY [ARGS...]}
shift
[ "$(id -u)" = 0 ] || { echo "SKIP: needs root"; exit 77; }
[ -x "$TEST_BIN" ] || { echo "no test binary $TEST_BIN"; exit 1; }

RUNTIMES=${VG_RUNTIMES:-runc containerd cri crio docker podman}
TAG=vgt$$
W=$(mktemp -d /var/tmp/vigil-containers.XXXXXX)
IMG=localhost/vigil-test/busybox:1.0
EXP=$W/expect
STARTED_CONTAINERD=0
STARTED_DOCKERD=0
STARTED_PODMAN_SERVICE=0
declare -a CLEANUPS=()

log() { printf '[%s] %s\n' "$(date +%T.%3N)" "$*" >&2; }
t0=$(date +%s%N)
ms() { echo $((($(date +%s%N) - t0) / 1000000)); }

cleanup() {
	local rc=$?
	set +e
	log "cleanup"
	for ((i = ${#CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${CLEANUPS[$i]}" >/dev/null 2>&1
	done
	if [ "$STARTED_PODMAN_SERVICE" = 1 ] && [ -f "$W/podman-service.pid" ]; then
		kill "$(cat "$W/podman-service.pid")" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$(cat "$W/podman-service.pid")" 2>/dev/null || break; sleep 0.1; done
		rm -f /run/podman/podman.sock
	fi
	if [ "$STARTED_DOCKERD" = 1 ] && [ -f "$W/dockerd.pid" ]; then
		kill "$(cat "$W/dockerd.pid")" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$(cat "$W/dockerd.pid")" 2>/dev/null || break; sleep 0.1; done
	fi
	if [ "$STARTED_CONTAINERD" = 1 ] && [ -f "$W/containerd.pid" ]; then
		kill "$(cat "$W/containerd.pid")" 2>/dev/null
		for _ in $(seq 100); do kill -0 "$(cat "$W/containerd.pid")" 2>/dev/null || break; sleep 0.1; done
	fi
	# parent cgroups the runtimes made for us and leave behind, in every hierarchy
	for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
		rmdir "$h/kubepods/besteffort/pod$POD_UID" "$h/kubepods/besteffort/pod$POD_UID2" 2>/dev/null
		rmdir "$h/kubepods/burstable/pod$POD_UID" 2>/dev/null
		for d in kubepods/besteffort kubepods/burstable kubepods vgtest docker libpod_parent/conmon libpod_parent; do
			[[ " $HAD_CGROUPS " == *" $h/$d "* ]] || rmdir "$h/$d" 2>/dev/null
		done
	done
	rm -rf "$W"
	exit $rc
}
POD_UID=$(cat /proc/sys/kernel/random/uuid)
POD_UID2=$(cat /proc/sys/kernel/random/uuid)
HAD_CGROUPS=""
for h in /sys/fs/cgroup /sys/fs/cgroup/*; do
	for d in kubepods/besteffort kubepods/burstable kubepods vgtest docker libpod_parent/conmon libpod_parent; do
		[ -d "$h/$d" ] && HAD_CGROUPS="$HAD_CGROUPS $h/$d"
	done
done
trap cleanup EXIT
trap 'exit 1' INT TERM

apt_install() {
	local missing=()
	for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
	[ ${#missing[@]} = 0 ] && return 0
	log "apt-get install ${missing[*]}"
	if [ -z "$(find /var/lib/apt/lists -name '*InRelease' -mmin -600 2>/dev/null)" ]; then
		apt-get update -q >"$W/apt.log" 2>&1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q -o DPkg::Lock::Timeout=600 \
		--no-install-recommends "${missing[@]}" >>"$W/apt.log" 2>&1 || { tail -5 "$W/apt.log" >&2; return 1; }
}

# which runtimes can run: each needs its packages
declare -A OK=()
NOT_INSTALLED=()
apt_install busybox-static jq || { echo "SKIP: cannot install busybox-static/jq"; exit 77; }
for r in $RUNTIMES; do
	case $r in
	runc | crio) apt_install runc && OK[$r]=1 ;;
	containerd | cri) apt_install runc containerd && OK[$r]=1 ;;
	docker) apt_install runc containerd docker.io && OK[docker]=1 ;;
	podman) apt_install runc podman catatonit && OK[podman]=1 ;;
	esac
	[ -n "${OK[$r]:-}" ] || { log "$r: cannot be installed, skipped"; NOT_INSTALLED+=("$r"); }
done
[ ${#OK[@]} -gt 0 ] || { echo "SKIP: no container runtime could be installed"; exit 77; }
log "packages ready ($(ms) ms)"

# the image: static busybox, one layer; the tar is both an OCI layout and a docker-archive
mkimage() {
	local R=$W/rootfs T=$W/img
	mkdir -p "$R"/{bin,proc,sys,dev,etc,tmp,root,run} "$T/blobs/sha256"
	cp /bin/busybox "$R/bin/busybox"
	# what the tests run inside: marker commands, and Falco rules' scenarios
	for a in sh sleep cat true nc arping cp chmod mkdir mount umount insmod; do
		ln -s busybox "$R/bin/$a"
	done
	echo 'root:x:0:0:root:/root:/bin/sh' >"$R/etc/passwd"
	echo 'root:x:0:' >"$R/etc/group"
	tar --numeric-owner --sort=name -C "$R" -cf "$T/layer.tar" .
	local diff; diff=$(sha256sum "$T/layer.tar" | cut -d' ' -f1)
	gzip -n "$T/layer.tar"
	local L LS; L=$(sha256sum "$T/layer.tar.gz" | cut -d' ' -f1); LS=$(stat -c %s "$T/layer.tar.gz")
	mv "$T/layer.tar.gz" "$T/blobs/sha256/$L"
	jq -cn --arg d "sha256:$diff" '{architecture:"amd64",os:"linux",
		config:{Env:["PATH=/bin"],Cmd:["/bin/sh"]},rootfs:{type:"layers",diff_ids:[$d]}}' >"$T/c"
	local C CS; C=$(sha256sum "$T/c" | cut -d' ' -f1); CS=$(stat -c %s "$T/c"); mv "$T/c" "$T/blobs/sha256/$C"
	jq -cn --arg c "sha256:$C" --argjson cs "$CS" --arg l "sha256:$L" --argjson ls "$LS" '{schemaVersion:2,
		mediaType:"application/vnd.oci.image.manifest.v1+json",
		config:{mediaType:"application/vnd.oci.image.config.v1+json",digest:$c,size:$cs},
		layers:[{mediaType:"application/vnd.oci.image.layer.v1.tar+gzip",digest:$l,size:$ls}]}' >"$T/m"
	local M MS; M=$(sha256sum "$T/m" | cut -d' ' -f1); MS=$(stat -c %s "$T/m"); mv "$T/m" "$T/blobs/sha256/$M"
	jq -cn --arg m "sha256:$M" --argjson ms "$MS" --arg ref "$IMG" '{schemaVersion:2,
		manifests:[{mediaType:"application/vnd.oci.image.manifest.v1+json",digest:$m,size:$ms,
		annotations:{"io.containerd.image.name":$ref,"org.opencontainers.image.ref.name":"1.0"}}]}' >"$T/index.json"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$T/oci-layout"
	jq -cn --arg c "blobs/sha256/$C" --arg l "blobs/sha256/$L" --arg ref "$IMG" \
		'[{Config:$c,RepoTags:[$ref],Layers:[$l]}]' >"$T/manifest.json"
	tar --numeric-owner -C "$T" -cf "$W/image.tar" oci-layout index.json manifest.json blobs
	IMAGE_ID=$C # the config's digest: Docker's and Podman's image id
	MANIFEST_DIGEST=sha256:$M # what containerd calls the image's target
}
mkimage
log "image built ($(ms) ms)"

# Every container's init: waits, and on SIGUSR1 starts a marker process (no polling, so
# no other process starts in the container unasked)
INIT='trap "/bin/true vgmark-init" USR1; while :; do /bin/sleep 600 & wait $!; kill $! 2>/dev/null; done'

# one block of expectations per container; the C test reads them
expect() { printf '%s\n' "$@" "" >>"$EXP"; }
pid_ok() { [ -n "$1" ] && [ "$1" -gt 0 ] 2>/dev/null && [ -d "/proc/$1" ]; }
FAILED_START=()

start_runc() {
	local id=$TAG-runc b=$W/bundle
	mkdir -p "$b" "$W/data" "$W/rootfs/data"
	(cd "$b" && runc spec) || return 1
	jq --arg init "$INIT" --arg id "$id" --arg rootfs "$W/rootfs" --arg data "$W/data" '.root.path=$rootfs | .process.terminal=false
		| .process.args=["/bin/sh","-c",$init] | .root.readonly=true | .linux.cgroupsPath=("/" + $id)
		| .hostname=$id | .annotations={"org.example.team":"blue"}
		| .mounts += [{destination:"/data",type:"bind",source:$data,options:["rbind","ro"]}]' "$b/config.json" >"$b/c" &&
		mv "$b/c" "$b/config.json"
	(cd "$b" && runc run -d "$id" </dev/null >/dev/null 2>"$W/runc.err") || { cat "$W/runc.err" >&2; return 1; }
	CLEANUPS+=("runc delete -f $id")
	local pid; pid=$(runc state "$id" | jq .pid)
	pid_ok "$pid" || return 1
	expect "runtime=runc" "pid=$pid" "full_id=$id" "name=$id" "type=runc" "image=" "exec=runc exec $id" \
		"privileged=0" "label=org.example.team=blue" "mount=$W/data:/data:ro" "stopcmd=runc kill $id KILL; sleep 0.3; runc delete -f $id"
}

# runc bundle from the image's rootfs: run_bundle ID CGROUP_PATH ANNOTATIONS_JSON
run_bundle() { # id cgroup annotations [bundle dir]
	local id=$1 b=${4:-$W/bundle-$1}
	mkdir -p "$b"
	(cd "$b" && runc spec) || return 1
	jq --arg init "$INIT" --arg rootfs "$W/rootfs" --arg cg "$2" --argjson ann "$3" '.root.path=$rootfs
		| .process.terminal=false | .process.args=["/bin/sh","-c",$init] | .root.readonly=true
		| .linux.cgroupsPath=$cg | .annotations=$ann' "$b/config.json" >"$b/c" && mv "$b/c" "$b/config.json"
	(cd "$b" && runc run -d "$id" </dev/null >/dev/null 2>"$W/runc.err") || { cat "$W/runc.err" >&2; return 1; }
	CLEANUPS+=("runc delete -f $id")
}

CRIO_RUNROOT=/run/containers/storage
start_crio() {
	local id sb rr=$CRIO_RUNROOT pid ann slice
	id=$(head -c32 /dev/urandom | sha256sum | cut -c1-64)
	sb=$(head -c32 /dev/urandom | sha256sum | cut -c1-64)
	# the kubelet's systemd-driver pod slice (the uid's dashes become underscores)
	slice=/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${POD_UID//-/_}.slice
	# what CRI-O keeps under its runroot: each container's userdata, its OCI bundle
	mkdir -p "$rr/overlay-containers/$id/userdata" "$rr/overlay-containers/$sb/userdata" || return 1
	CLEANUPS+=("rm -rf $rr/overlay-containers/$id $rr/overlay-containers/$sb")
	# after the containers are gone (cleanups run last first): the slices runc made
	CLEANUPS+=("for h in /sys/fs/cgroup /sys/fs/cgroup/*; do rmdir \$h$slice \$h/kubepods.slice/kubepods-burstable.slice \$h/kubepods.slice; done")
	ann=$(jq -cn --arg sb "$sb" --arg uid "$POD_UID" --arg img "quay.io/shop/api:3" '{
		"io.kubernetes.cri-o.ContainerType":"container", "io.kubernetes.container.name":"api",
		"io.kubernetes.pod.name":"api-5f6d", "io.kubernetes.pod.namespace":"shop",
		"io.kubernetes.pod.uid":$uid, "io.kubernetes.cri-o.ImageName":$img,
		"io.kubernetes.cri-o.SandboxID":$sb, "io.kubernetes.cri-o.Created":"2026-01-02T03:04:05Z",
		"io.kubernetes.cri-o.Labels":"{\"io.kubernetes.container.name\":\"api\",\"team\":\"shop\"}"}')
	run_bundle "$id" "$slice/crio-$id.scope" "$ann" "$rr/overlay-containers/$id/userdata" || return 1
	# the pod's sandbox: only its spec, whose Labels annotation is the pod's labels
	jq -cn --arg uid "$POD_UID" '{annotations:{"io.kubernetes.cri-o.ContainerType":"sandbox",
		"io.kubernetes.pod.name":"api-5f6d","io.kubernetes.pod.namespace":"shop",
		"io.kubernetes.pod.uid":$uid,
		"io.kubernetes.cri-o.Labels":"{\"app\":\"api\",\"pod-template-hash\":\"5f6d\"}"}}' \
		>"$rr/overlay-containers/$sb/userdata/config.json"
	pid=$(runc state "$id" | jq .pid)
	pid_ok "$pid" || return 1
	expect "runtime=crio" "pid=$pid" "full_id=$id" "name=api" "type=cri-o" "exec=runc exec $id" \
		"image=quay.io/shop/api:3" "image_repository=quay.io/shop/api" "image_tag=3" \
		"pod_name=api-5f6d" "pod_namespace=shop" "pod_uid=$POD_UID" "pod_sandbox_id=$sb" \
		"label=team=shop" "pod_label=app=api" "pod_label=pod-template-hash=5f6d" \
		"privileged=0"
	# CRI-O's monitor runs in crio-conmon-<id>.scope: the host's, by Falco's rules too
	run_bundle "$TAG-conmon" "$slice/crio-conmon-$id.scope" '{}' || return 1
	pid=$(runc state "$TAG-conmon" | jq .pid)
	pid_ok "$pid" || return 1
	expect "runtime=crio-conmon" "pid=$pid" "full_id=host" "name=host" "type=host" \
		"exec=runc exec $TAG-conmon"
}

ctr_ok() { [ -S /run/containerd/containerd.sock ] && timeout 5 ctr version >/dev/null 2>&1; }
containerd_up() {
	ctr_ok && return 0
	cat >"$W/containerd.toml" <<-'EOF'
		version = 2
		[plugins."io.containerd.grpc.v1.cri"]
		  restrict_oom_score_adj = true
	EOF
	setsid containerd -c "$W/containerd.toml" >"$W/containerd.log" 2>&1 </dev/null &
	echo $! >"$W/containerd.pid"
	STARTED_CONTAINERD=1
	for _ in $(seq 100); do ctr_ok && return 0; sleep 0.1; done
	tail "$W/containerd.log" >&2
	return 1
}
ctr_rm() { # ns id
	echo "ctr -n $1 task kill -s KILL $2; sleep 0.3; ctr -n $1 task rm -f $2; ctr -n $1 container rm $2"
}

start_containerd() {
	local id=$TAG-ctr ns=vgtest
	containerd_up || return 1
	ctr -n $ns image import "$W/image.tar" >/dev/null || return 1
	ctr -n $ns run -d --privileged --label org.example.team=green "$IMG" "$id" /bin/sh -c "$INIT" >/dev/null || return 1
	CLEANUPS+=("ctr namespaces rm $ns" "ctr -n $ns image rm $IMG" "$(ctr_rm $ns "$id")")
	local pid; pid=$(cat "/run/containerd/io.containerd.runtime.v2.task/$ns/$id/init.pid")
	pid_ok "$pid" || return 1
	# plain ctr keeps the image name in containerd's database only: the gRPC API tells it
	# (ctr's exec ids must be unique: the shell that runs exec= gives its pid)
	expect "runtime=containerd" "pid=$pid" "full_id=$id" "name=$id" "type=containerd" "image=$IMG" \
		"exec=ctr -n $ns task exec --exec-id vgx\$\$ $id" \
		"image_repository=localhost/vigil-test/busybox" "image_tag=1.0" \
		"image_digest=$MANIFEST_DIGEST" "privileged=1" "label=org.example.team=green" "async=1"
}

start_cri() {
	local id sb
	id=$(head -c32 /dev/urandom | sha256sum | cut -c1-64)
	sb=$(head -c32 /dev/urandom | sha256sum | cut -c1-64)
	containerd_up || return 1
	ctr -n k8s.io image import "$W/image.tar" >/dev/null || return 1
	# the pod's sandbox as the CRI plugin records it: a container whose labels are the pod's
	ctr -n k8s.io container create --label app=web --label tier=frontend \
		--label io.kubernetes.pod.name=web-7d8f9c-abcde --label io.cri-containerd.kind=sandbox \
		"$IMG" "$sb" >/dev/null || return 1
	CLEANUPS+=("ctr -n k8s.io container rm $sb")
	ctr -n k8s.io run -d --cgroup "/kubepods/besteffort/pod$POD_UID/$id" \
		--annotation io.kubernetes.cri.container-type=container \
		--annotation io.kubernetes.cri.container-name=web \
		--annotation io.kubernetes.cri.image-name="$IMG" \
		--annotation io.kubernetes.cri.sandbox-id="$sb" \
		--annotation io.kubernetes.cri.sandbox-name=web-7d8f9c-abcde \
		--annotation io.kubernetes.cri.sandbox-namespace=prod \
		--annotation io.kubernetes.cri.sandbox-uid="$POD_UID" \
		"$IMG" "$id" /bin/sh -c "$INIT" >/dev/null || return 1
	CLEANUPS+=("ctr -n k8s.io image rm $IMG" "$(ctr_rm k8s.io "$id")")
	local pid; pid=$(cat "/run/containerd/io.containerd.runtime.v2.task/k8s.io/$id/init.pid")
	pid_ok "$pid" || return 1
	expect "runtime=cri" "pid=$pid" "full_id=$id" "name=web" "type=cri-containerd" "image=$IMG" \
		"exec=ctr -n k8s.io task exec --exec-id vgx\$\$ $id" \
		"image_repository=localhost/vigil-test/busybox" "image_tag=1.0" "privileged=0" \
		"image_digest=$MANIFEST_DIGEST" \
		"pod_name=web-7d8f9c-abcde" "pod_namespace=prod" "pod_uid=$POD_UID" "pod_sandbox_id=$sb" \
		"pod_label=app=web" "pod_label=tier=frontend" "no_pod_label=io.kubernetes.pod.name" \
		"no_pod_label=io.cri-containerd.kind" "async=1"
	[ -z "${VG_FALCO_SCENARIOS:-}" ] && return 0
	# Falco's "Contact K8S API Server": host-network pods (as the API server is reached on a
	# node), one in "prod" beside web, one in kube-system (the rule's own exception)
	cri_hostnet cri-hostnet "$POD_UID" prod web-7d8f9c-abcde "$sb" || return 1
	cri_hostnet cri-kube-system "$POD_UID2" kube-system coredns-5d78c9869d-x2x7q \
		"$(head -c32 /dev/urandom | sha256sum | cut -c1-64)"
}

# cri_hostnet RUNTIME POD_UID NAMESPACE POD_NAME SANDBOX_ID: a CRI container with the host's network
cri_hostnet() {
	local id pid
	id=$(head -c32 /dev/urandom | sha256sum | cut -c1-64)
	ctr -n k8s.io run -d --net-host --cgroup "/kubepods/besteffort/pod$2/$id" \
		--annotation io.kubernetes.cri.container-type=container \
		--annotation io.kubernetes.cri.container-name=client \
		--annotation io.kubernetes.cri.image-name="$IMG" \
		--annotation io.kubernetes.cri.sandbox-id="$5" \
		--annotation io.kubernetes.cri.sandbox-name="$4" \
		--annotation io.kubernetes.cri.sandbox-namespace="$3" \
		--annotation io.kubernetes.cri.sandbox-uid="$2" \
		"$IMG" "$id" /bin/sh -c "$INIT" >/dev/null || return 1
	CLEANUPS+=("$(ctr_rm k8s.io "$id")")
	pid=$(cat "/run/containerd/io.containerd.runtime.v2.task/k8s.io/$id/init.pid")
	pid_ok "$pid" || return 1
	expect "runtime=$1" "pid=$pid" "full_id=$id" "name=client" "type=cri-containerd" \
		"image=$IMG" "exec=ctr -n k8s.io task exec --exec-id vgx\$\$ $id" \
		"pod_name=$4" "pod_namespace=$3" "pod_uid=$2" "async=1"
}

DOCKER=/usr/bin/docker # docker.io's client, matching its daemon's API
docker_ok() { timeout 10 $DOCKER info >/dev/null 2>&1; }
start_docker() {
	containerd_up || return 1
	if ! docker_ok; then
		setsid dockerd --containerd=/run/containerd/containerd.sock --bridge=none --iptables=false \
			--ip-forward=false --ip-masq=false >"$W/dockerd.log" 2>&1 </dev/null &
		echo $! >"$W/dockerd.pid"
		STARTED_DOCKERD=1
		for _ in $(seq 150); do docker_ok && break; sleep 0.2; done
		docker_ok || { tail "$W/dockerd.log" >&2; return 1; }
	fi
	$DOCKER load -i "$W/image.tar" >/dev/null || return 1
	CLEANUPS+=("$DOCKER rmi $IMG")
	local n
	for n in plain priv; do
		local name=$TAG-docker-$n flag=
		[ $n = priv ] && flag=--privileged
		CLEANUPS+=("$DOCKER rm -f $name")
		if ! $DOCKER run -d --network none $flag --name "$name" --label org.example.team=red \
			--cpu-shares 512 --memory 256m --cpuset-cpus 0 \
			-v "$W:/data:ro" "$IMG" /bin/sh -c "$INIT" >/dev/null 2>"$W/docker.err"; then
			# --privileged asks for every capability; a root without all of them cannot
			if [ $n = priv ] && grep -q 'unable to apply caps' "$W/docker.err"; then
				log "docker --privileged: not possible here (root lacks capabilities), skipped"
				continue
			fi
			cat "$W/docker.err" >&2
			return 1
		fi
		local id pid
		id=$($DOCKER inspect -f '{{.Id}}' "$name")
		pid=$($DOCKER inspect -f '{{.State.Pid}}' "$name")
		pid_ok "$pid" || return 1
		expect "runtime=docker" "pid=$pid" "full_id=$id" "name=$name" "type=docker" "image=$IMG" \
			"exec=$DOCKER exec $name" "exec_tty=$DOCKER exec -it $name" \
			"image_repository=localhost/vigil-test/busybox" "image_tag=1.0" \
			"privileged=$([ $n = priv ] && echo 1 || echo 0)" "label=org.example.team=red" \
			"mount=$W:/data:ro" "api=1" "cpu_shares=512" "memory_limit=268435456" \
			"image_id=$IMAGE_ID" \
			"image_digest=$($DOCKER image inspect -f '{{range .RepoDigests}}{{.}}{{end}}' "$IMG" | sed 's/.*@//')" \
			"cpuset_cpu_count=1"
	done
	[ -z "${VG_FALCO_SCENARIOS:-}" ] && return 0
	# Falco's escape and module rules: a container with the capabilities they need
	local name=$TAG-docker-caps id pid
	CLEANUPS+=("$DOCKER rm -f $name")
	$DOCKER run -d --network none --cap-add SYS_ADMIN --cap-add SYS_MODULE --name "$name" \
		"$IMG" /bin/sh -c "$INIT" >/dev/null || return 1
	id=$($DOCKER inspect -f '{{.Id}}' "$name")
	pid=$($DOCKER inspect -f '{{.State.Pid}}' "$name")
	pid_ok "$pid" || return 1
	expect "runtime=docker-caps" "pid=$pid" "full_id=$id" "name=$name" "type=docker" \
		"image=$IMG" "exec=$DOCKER exec $name" "exec_tty=$DOCKER exec -it $name"
}

start_podman() {
	cat >"$W/containers.conf" <<-'EOF'
		[containers]
		default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]
		[engine]
		runtime = "runc"
		cgroup_manager = "cgroupfs"
		events_logger = "file"
	EOF
	export CONTAINERS_CONF=$W/containers.conf
	# podman's API service, where the module finds labels (they live in podman's database)
	if [ ! -S /run/podman/podman.sock ]; then
		mkdir -p /run/podman
		setsid podman system service --time=0 unix:///run/podman/podman.sock \
			>"$W/podman-service.log" 2>&1 </dev/null &
		echo $! >"$W/podman-service.pid"
		STARTED_PODMAN_SERVICE=1
		for _ in $(seq 100); do [ -S /run/podman/podman.sock ] && break; sleep 0.1; done
		[ -S /run/podman/podman.sock ] || { tail "$W/podman-service.log" >&2; return 1; }
	fi
	podman load -q -i "$W/image.tar" >/dev/null || return 1
	CLEANUPS+=("CONTAINERS_CONF=$W/containers.conf podman rmi -f $IMG")
	local n
	for n in plain priv; do
		local name=$TAG-podman-$n flag=
		[ $n = priv ] && flag=--privileged
		podman run -d --network none $flag --name "$name" -v "$W:/data:ro" \
			--label org.example.team=purple --cpu-shares 256 --memory 128m \
			"$IMG" /bin/sh -c "$INIT" >/dev/null || return 1
		CLEANUPS+=("CONTAINERS_CONF=$W/containers.conf podman rm -f -t 0 $name")
		local id pid
		id=$(podman inspect -f '{{.Id}}' "$name")
		pid=$(podman inspect -f '{{.State.Pid}}' "$name")
		pid_ok "$pid" || return 1
		expect "runtime=podman" "pid=$pid" "full_id=$id" "name=$name" "type=podman" "image=$IMG" \
			"exec=env CONTAINERS_CONF=$W/containers.conf podman exec $name" \
			"image_repository=localhost/vigil-test/busybox" "image_tag=1.0" \
			"privileged=$([ $n = priv ] && echo 1 || echo 0)" "mount=$W:/data:ro" \
			"cpu_shares=256" "memory_limit=134217728" "image_id=$IMAGE_ID" \
			"label=org.example.team=purple" "async=1" \
			"image_digest=$(podman image inspect -f '{{.Digest}}' "$IMG")"
	done
	# a container in a pod: its cgroup is under the pod's, /libpod_parent/<pod id>/libpod-<id>
	# (the pod's infra container runs podman's pause image, which podman builds locally)
	local pod=$TAG-pod name=$TAG-podman-inpod id pid pause
	pause=$(podman images -q 'localhost/podman-pause' 2>/dev/null)
	podman pod create --name "$pod" >/dev/null || return 1
	# podman leaves the pod's own cgroup behind: removed last (CLEANUPS run in reverse)
	local podid; podid=$(podman pod inspect -f '{{.Id}}' "$pod")
	CLEANUPS+=("for h in /sys/fs/cgroup /sys/fs/cgroup/*; do rmdir \$h/libpod_parent/$podid; done")
	[ -n "$pause" ] || CLEANUPS+=("CONTAINERS_CONF=$W/containers.conf podman rmi -f \$(CONTAINERS_CONF=$W/containers.conf podman images -q localhost/podman-pause)")
	CLEANUPS+=("CONTAINERS_CONF=$W/containers.conf podman pod rm -f -t 0 $pod")
	podman run -d --network none --pod "$pod" --name "$name" "$IMG" /bin/sh -c "$INIT" >/dev/null || return 1
	CLEANUPS+=("CONTAINERS_CONF=$W/containers.conf podman rm -f -t 0 $name")
	id=$(podman inspect -f '{{.Id}}' "$name")
	pid=$(podman inspect -f '{{.State.Pid}}' "$name")
	pid_ok "$pid" || return 1
	expect "runtime=podman-pod" "pid=$pid" "full_id=$id" "name=$name" "type=podman" "image=$IMG" \
		"exec=env CONTAINERS_CONF=$W/containers.conf podman exec $name" \
		"privileged=0" "async=1" "cgroup_parent=$(podman pod inspect -f '{{.Id}}' "$pod")"
}

: >"$EXP"
# Falco's k8s_api_server macro names the API server by DNS (fd.sip.name). A node without
# cluster DNS gets the name in /etc/hosts for the test's duration (rewritten in place, not
# renamed: /etc/hosts may be a bind mount)
K8S_API_NAME=kubernetes.default.svc.cluster.local
hosts_line_out() {
	local keep
	keep=$(grep -v "# vigil-test-$$\$" /etc/hosts) && printf '%s\n' "$keep" >/etc/hosts
}
if [ -n "${VG_FALCO_SCENARIOS:-}" ]; then
	if ! getent hosts $K8S_API_NAME >/dev/null; then
		echo "127.0.0.77 $K8S_API_NAME # vigil-test-$$" >>/etc/hosts
		CLEANUPS+=("hosts_line_out")
	fi
	expect "runtime=k8s-api" "ip=$(getent hosts $K8S_API_NAME | awk '{print $1; exit}')"
fi
for r in $RUNTIMES; do
	[ -n "${OK[$r]:-}" ] || continue
	s=$(ms)
	if "start_$r"; then
		log "$r: started in $(($(ms) - s)) ms"
	else
		log "$r: FAILED to start"
		FAILED_START+=("$r")
	fi
done
# the host itself: this shell
expect "runtime=host" "pid=$$" "full_id=host" "name=host" "type=host" "exec="

s=$(ms)
"$TEST_BIN" "$EXP" "$@"
rc=$?
log "checks took $(($(ms) - s)) ms; total $(ms) ms"
if [ ${#FAILED_START[@]} -gt 0 ]; then
	echo "FAIL: could not start: ${FAILED_START[*]}"
	rc=1
fi
# what ran passed, but not every runtime was there: a skip, not a pass
if [ $rc = 0 ] && [ ${#NOT_INSTALLED[@]} -gt 0 ]; then
	echo "SKIP: could not install: ${NOT_INSTALLED[*]}"
	exit 77
fi
exit $rc
