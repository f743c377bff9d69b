#!/bin/sh
# A small LAN of "machines" on one Linux host, for trying a scaled-out deployment: each machine
# is a network namespace with its own loopback and one interface on a bridge; the host joins the
# bridge as the first address (the proxy and the session store run there). Needs root and
# iproute2 (Debian's `iproute2`).
#
#   lan.sh up NAME SUBNET COUNT   # e.g. lan.sh up cpts 10.77.0 3
#       creates bridge NAME-br with SUBNET.1/24 on the host, and namespaces NAME-1 .. NAME-COUNT,
#       machine i at SUBNET.(10+i) (NAME-1 is 10.77.0.11), each with lo up and a default route
#       through the host
#   lan.sh run NAME I COMMAND...  # runs COMMAND on machine I (ip netns exec NAME-I COMMAND...)
#   lan.sh down NAME              # removes the namespaces and the bridge (their processes must
#                                 # have ended; interfaces go with their namespace)
#   lan.sh check                  # exits 0 when this host can make namespaces, else says why
#
# Each machine's address is printed by `up`, one per line. Names stay short: the kernel allows
# 15 characters for an interface name, and NAME-br, NAME-hI must fit.
set -eu

usage() {
  sed -n '2,17p' "$0" >&2
  exit 2
}

check() {
  if [ "$(id -u)" != 0 ]; then
    echo "network namespaces need root (this runs as $(id -un))" >&2
    return 1
  fi
  if ! command -v ip >/dev/null 2>&1; then
    echo "the ip command (Debian's iproute2) is not installed" >&2
    return 1
  fi
  probe="cpts-probe-$$"
  if ! ip netns add "$probe" 2>/dev/null; then
    echo "this kernel or container does not allow network namespaces (ip netns add failed)" >&2
    return 1
  fi
  ip netns del "$probe"
}

down() {
  name=$1
  for ns in $(ip netns list | awk '{print $1}' | grep -E "^$name-[0-9]+$" || true); do
    ip netns del "$ns"
  done
  if ip link show "$name-br" >/dev/null 2>&1; then ip link del "$name-br"; fi
  # The kernel removes a namespace's interfaces a moment after the namespace: wait for them.
  tries=0
  while ip -o link show | grep -q " $name-h[0-9]*@" && [ "$tries" -lt 50 ]; do
    sleep 0.1
    tries=$((tries + 1))
  done
}

up() {
  name=$1 subnet=$2 count=$3
  case "$count" in '' | *[!0-9]*) usage ;; esac
  if [ ${#name} -gt 9 ]; then
    echo "lan.sh: NAME '$name' is too long (9 characters at most)" >&2
    exit 2
  fi
  down "$name"
  ip link add "$name-br" type bridge
  ip addr add "$subnet.1/24" dev "$name-br"
  ip link set "$name-br" up
  i=1
  while [ "$i" -le "$count" ]; do
    ns="$name-$i"
    ip netns add "$ns"
    ip link add "$name-h$i" type veth peer name eth0 netns "$ns"
    ip link set "$name-h$i" master "$name-br"
    ip link set "$name-h$i" up
    ip -n "$ns" link set lo up
    ip -n "$ns" addr add "$subnet.$((10 + i))/24" dev eth0
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "$subnet.1"
    echo "$subnet.$((10 + i))"
    i=$((i + 1))
  done
}

[ $# -ge 1 ] || usage
command=$1
shift
case "$command" in
up)
  [ $# -eq 3 ] || usage
  up "$@"
  ;;
down)
  [ $# -eq 1 ] || usage
  down "$1"
  ;;
run)
  [ $# -ge 3 ] || usage
  name=$1 i=$2
  shift 2
  exec ip netns exec "$name-$i" "$@"
  ;;
check) check ;;
*) usage ;;
esac
