# SPDX-License-Identifier: Apache-2.0
# Sourced before every trigger, benign, setup and cleanup script of the
# detection suite (tests/detection/run.py), on the host and in the container.
# Set by the harness: DET_DIR (scratch dir, removed after), DET_PORT, DET_PORT2
# (free loopback TCP ports), DET_NS_ADDR (198.51.100.10, an "internet" address
# inside a network namespace the harness owns), DET_LIB (this directory),
# DET_WHERE (host or container), DET_USER (the throwaway user).
#
# The helpers use /usr/bin/python3 and ss, not bash /dev/tcp or nc, so that
# they never look like the attacks the rules are after.

# det_listen_tcp ADDR PORT: a background listener that accepts connections
# and holds them open; it is killed at case end with the rest of the case.
det_listen_tcp() {
    /usr/bin/python3 "$DET_LIB/listen.py" "$1" "$2" </dev/null >/dev/null 2>&1 &
    det_wait_port "$1" "$2"
}

# det_wait_port ADDR PORT [SECONDS]: wait until something listens there
# (polls the socket table: no connection is made).
det_wait_port() {
    local addr=$1 port=$2 i
    local tries=$(( ${3:-10} * 20 ))
    for ((i = 0; i < tries; i++)); do
        if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
            return 0
        fi
        sleep 0.05
    done
    echo "det_wait_port: nothing listens on $addr:$port" >&2
    return 1
}

# det_user: the name of the throwaway unprivileged user the harness creates
# (and removes); use as  su -s /bin/bash "$(det_user)" -c ...
det_user() {
    echo "${DET_USER:-vigildet}"
}

# det_ns_listen PORT: make $DET_NS_ADDR:PORT accept and hold TCP connections.
# Inside the namespace every TCP port of $DET_NS_ADDR is redirected to one
# listener the harness runs there, so this only checks the namespace is up;
# it works the same on the host and in the container.
det_ns_listen() {
    [ -n "${DET_NS_ADDR:-}" ] || { echo "det_ns_listen: no network namespace" >&2; return 1; }
    [ "${DET_NS_ANYPORT:-0}" = 1 ] && return 0
    echo "det_ns_listen: the namespace does not accept port $1" >&2
    return 1
}
