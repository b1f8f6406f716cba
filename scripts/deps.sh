#!/usr/bin/env bash
# Installs what vigil needs to build, run and test, from Debian's packages.
# Idempotent: apt runs only when something is missing.
set -euo pipefail

BUILD_PKGS=(cmake make gcc clang llvm pkg-config bpftool libbpf-dev libelf-dev zlib1g-dev
	libyaml-dev libpcre2-dev libjson-c-dev libseccomp-dev libcurl4-openssl-dev
	libmicrohttpd-dev libgnutls28-dev nettle-dev libnats-dev)
# tests: unit framework, sanitizer/fuzzer runtimes, the QEMU harness, setpriv/unshare,
# perf (profiling the benchmarks), ssh and ip (the live Falco rules test's SSH peer namespace);
# the detection suite (tests/detection): runc containers, the namespace's iptables, and the
# tools of the benign admin workload; the credential, evasion, discovery and escape cases'
# real tools (nmap, auditctl, tcpdump, ncat, socat, perl, debugfs, getcap/capsh); kubectl and
# python3-kubernetes: the DaemonSet manifest's dry run and schema check; dpkg-dev:
# scripts/package.sh (dpkg-shlibdeps, dpkg-deb)
TEST_PKGS=(libcmocka-dev libclang-rt-14-dev qemu-system-x86 busybox-static cpio util-linux
	rsyslog prometheus python3-jsonschema python3-yaml openssl linux-perf
	openssh-client iproute2 python3-kubernetes dpkg-dev
	runc iptables python3 strace gdb sudo logrotate netcat-openbsd cron curl procps passwd
	dpkg
	nmap
	auditd
	tcpdump
	ncat
	socat
	perl
	e2fsprogs
	libcap2-bin
	iputils-ping
	# detection triggers of execution, c2_exfil and impact (tests/detection/cases)
	php-cli
	ruby
	telnet
	dnsutils
	gawk
	gnupg
	zip
	wget)
# the persistence and privilege-escalation detection cases (tests/detection/cases)
TEST_PKGS+=(at kmod)
# tests/fleet: the nats output against real JetStream servers (1 and 3 nodes, loopback)
TEST_PKGS+=(nats-server)

want=("${BUILD_PKGS[@]}")
[ "${1:-}" = "--test" ] && want+=("${TEST_PKGS[@]}")

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# kubectl: Debian's is the kubernetes-client package; any kubectl already there will do
if [ "${1:-}" = "--test" ] && ! command -v kubectl >/dev/null; then
	missing+=(kubernetes-client)
fi
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing packages: ${missing[*]}; run as root to install them" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
