#!/usr/bin/env bash
# fetch-kernel.sh [CACHE_DIR]
#
# Make sure the host can run the VM harness, then fetch Debian's stock kernel
# (the versioned package that linux-image-amd64 depends on) into CACHE_DIR and
# print the path of its boot/vmlinuz-*. Idempotent: a kernel that is already
# unpacked in the cache is reused without touching the network.
#
# CACHE_DIR defaults to ${VIGIL_VM_CACHE:-/var/cache/vigil-vm}.
# Exit status: 0 and the vmlinuz path on stdout; 1 with a message on stderr.
set -euo pipefail

readonly META_PKG=linux-image-amd64
readonly HOST_PKGS=(qemu-system-x86 busybox-static cpio)

die() {
	echo "fetch-kernel: error: $*" >&2
	exit 1
}

log() {
	echo "fetch-kernel: $*" >&2
}

# Non-interactive apt-get; wait for a dpkg lock held by someone else rather
# than failing at once (another engineer or CI job may be installing too).
apt_get() {
	DEBIAN_FRONTEND=noninteractive apt-get -q -y \
		-o DPkg::Lock::Timeout=300 "$@"
}

pkg_installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

# qemu, a static busybox for the guest and cpio for the initramfs. Installed
# only when missing, so a provisioned machine needs no network for this.
ensure_host_tools() {
	local missing=() pkg
	for pkg in "${HOST_PKGS[@]}"; do
		pkg_installed "$pkg" || missing+=("$pkg")
	done
	[[ ${#missing[@]} -eq 0 ]] && return 0
	[[ $EUID -eq 0 ]] || die "need root to install missing packages: ${missing[*]}"
	log "installing ${missing[*]}"
	if ! apt_get install --no-install-recommends "${missing[@]}" >&2; then
		log "apt-get install failed; refreshing package lists and retrying"
		apt_get update >&2 || die "apt-get update failed"
		apt_get install --no-install-recommends "${missing[@]}" >&2 ||
			die "could not install ${missing[*]}"
	fi
}

# Name of the versioned kernel package, e.g. linux-image-6.1.0-56-amd64, or
# nothing when the local package lists do not know linux-image-amd64.
# apt-cache's own status is ignored: it fails for an unknown package, and the
# empty output already says so.
resolve_kernel_pkg() {
	{ apt-cache depends "$META_PKG" 2>/dev/null || true; } |
		awk '$1 == "Depends:" && $2 ~ /^linux-image-[0-9]/ && !found { print $2; found = 1 }'
}

# vmlinuz of an unpacked package directory, or nothing.
vmlinuz_in() {
	local f
	for f in "$1"/boot/vmlinuz-*; do
		[[ -f $f ]] && { echo "$f"; return 0; }
	done
	return 0
}

# Newest kernel already unpacked in the cache, used when apt knows none
# (e.g. empty package lists on an offline machine).
newest_cached_kernel() {
	local dir
	dir=$(find "$CACHE_DIR" -mindepth 1 -maxdepth 1 -type d -name 'linux-image-*' |
		sort -V | tail -n 1)
	[[ -n $dir ]] && vmlinuz_in "$dir"
	return 0
}

# Download and unpack PKG into $CACHE_DIR/PKG. Unpack into a scratch directory
# and rename it at the end so an interrupted run never leaves a half-unpacked
# kernel that later runs would trust.
download_and_unpack() {
	local pkg=$1 work deb
	work=$(mktemp -d "$CACHE_DIR/.fetch.XXXXXX")
	log "downloading $pkg"
	# Download as root: apt's unprivileged _apt user cannot write into a
	# root-owned cache dir, and apt would only warn and do this anyway.
	if ! (cd "$work" && apt_get -o APT::Sandbox::User=root download "$pkg" >&2); then
		rm -rf "$work"
		die "apt-get download $pkg failed (are Debian's apt repositories reachable?)"
	fi
	deb=$(find "$work" -maxdepth 1 -name "${pkg}_*.deb" | head -n 1)
	[[ -n $deb ]] || { rm -rf "$work"; die "apt-get download left no .deb for $pkg"; }
	log "unpacking $(basename "$deb")"
	if ! dpkg-deb -x "$deb" "$work/root"; then
		rm -rf "$work"
		die "dpkg-deb -x $deb failed"
	fi
	[[ -n $(vmlinuz_in "$work/root") ]] || { rm -rf "$work"; die "$pkg has no boot/vmlinuz-*"; }
	rm -rf "${CACHE_DIR:?}/$pkg"
	mv "$work/root" "$CACHE_DIR/$pkg"
	rm -rf "$work"
	prune_old_kernels "$pkg"
}

# Each unpacked kernel is ~400 MB (mostly modules); once Debian moves to a new
# ABI the old one is never used again.
prune_old_kernels() {
	local keep=$1 dir
	for dir in "$CACHE_DIR"/linux-image-*; do
		[[ -d $dir && ${dir##*/} != "$keep" ]] || continue
		log "removing superseded ${dir##*/}"
		rm -rf "$dir"
	done
}

fetch_kernel() {
	local pkg vmlinuz
	pkg=$(resolve_kernel_pkg)
	if [[ -z $pkg ]]; then
		vmlinuz=$(newest_cached_kernel)
		if [[ -n $vmlinuz ]]; then
			log "apt does not know $META_PKG; reusing cached $vmlinuz"
			echo "$vmlinuz"
			return 0
		fi
		log "apt-cache does not know $META_PKG; running apt-get update"
		apt_get update >&2 || die "apt-get update failed"
		pkg=$(resolve_kernel_pkg)
		[[ -n $pkg ]] || die "cannot find the kernel package $META_PKG depends on"
	fi
	vmlinuz=$(vmlinuz_in "$CACHE_DIR/$pkg")
	if [[ -z $vmlinuz ]]; then
		download_and_unpack "$pkg"
		vmlinuz=$(vmlinuz_in "$CACHE_DIR/$pkg")
	fi
	echo "$vmlinuz"
}

main() {
	[[ $# -le 1 ]] || die "usage: $0 [CACHE_DIR]"
	CACHE_DIR=${1:-${VIGIL_VM_CACHE:-/var/cache/vigil-vm}}
	ensure_host_tools
	mkdir -p "$CACHE_DIR" || die "cannot create cache directory $CACHE_DIR"
	# Serialise concurrent runs (ctest -j) so only one downloads and unpacks.
	exec 9>"$CACHE_DIR/.lock" || die "cannot write $CACHE_DIR/.lock"
	flock 9
	fetch_kernel
}

main "$@"
