#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Reliability and security tests of the vnet_nl module: hostile input,
# privileges, user and network namespaces, unload with devices in other
# namespaces. They change devices, namespaces and the loaded module, so they
# run in the VM, as root:
#
#   kernel-module/vm/run kernel-module/tests/reliability-in-vm.sh [OPTIONS]
#
#   --hostile-count N   hostile datagrams sent as root (default 10000; a batch
#                       datagram holds several messages); a tenth as many again
#                       as an unprivileged user
#   --seed S            seed of the hostile messages (default 1)
#   --check NAME        run only this group of checks (repeatable): hostile,
#                       unprivileged, capability, user-namespaces,
#                       network-namespaces, taint
#
# The runner provides VNET_NL_KO (the module, already inserted) and
# VNET_NL_CLIENT; the hostile tool is built into $VNET_VM_WORK/bin if needed.
# One line per check, then "N passed, M failed"; the exit status is non-zero
# if any check failed. The runner itself fails the run on any WARN, BUG, oops
# or KASAN/UBSAN line in the kernel log; each check also looks at the lines
# logged during it, to name the check that caused them.
#
# The user-namespace checks print SKIP when the command runs in a chroot (the
# kernel refuses to create user namespaces there) outside the VM runner; the
# runner switches to the host's root (switch_root style), so there they run.
set -u

work=${VNET_VM_WORK:?VNET_VM_WORK not set: run through kernel-module/vm/run}
tests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$tests_dir/lib.sh"

hostile_count=10000
seed=1
checks=()
while [ $# -gt 0 ]; do
	case $1 in
	--check) checks+=("${2:?--check needs a name}"); shift 2 ;;
	--hostile-count) hostile_count=${2:?--hostile-count needs a value}; shift 2 ;;
	--seed) seed=${2:?--seed needs a value}; shift 2 ;;
	*) echo "reliability-in-vm.sh: unknown argument $1" >&2; exit 2 ;;
	esac
done

readonly nobody=(setpriv --reuid=65534 --regid=65534 --clear-groups --no-new-privs
	--inh-caps=-all --bounding-set=-all)
# Namespaces of these tests, removed at exit whatever happens.
readonly ns_a=vnet-rel-a ns_b=vnet-rel-b

scratch=$(mktemp -d)
cleanup() {
	jobs -p | xargs -r kill 2>/dev/null
	ip netns del "$ns_a" 2>/dev/null
	ip netns del "$ns_b" 2>/dev/null
	rm -rf "$scratch"
}
trap cleanup EXIT

# Waits up to 60 s until file $1 has the line $2.
wait_for_line() { poll 600 grep -qsxF "$2" "$1"; }

# Starts an event listener in namespace $1 ("" for the initial one) as user
# $2 (root or nobody) that prints what it receives for $3 seconds into
# $scratch/events.$4; waits until it has joined the group.
start_listener() {
	local ns=$1 user=$2 seconds=$3 tag=$4 prefix=()
	[ -n "$ns" ] && prefix=(ip netns exec "$ns")
	[ "$user" = nobody ] && prefix+=("${nobody[@]}")
	"${prefix[@]}" "$client" --listen --timeout "$seconds" \
		>"$scratch/events.$tag" 2>"$scratch/listen.$tag" &
	listener_pid=$!
	wait_listening "$scratch/listen.$tag"
}

# ---- Hostile input ------------------------------------------------------------------

check_hostile() {
	local tool mark root_count=$hostile_count nobody_count=$((hostile_count / 10))
	tool=$work/bin/vnet-nl-hostile
	if ! make -s -C "$tests_dir/hostile" OUT="$work/bin" >"$scratch/build" 2>&1; then
		fail "building the hostile-input tool" "$(cat "$scratch/build")"
		return
	fi

	mark=$(dmesg_mark)
	run "$tool" --count "$root_count" --seed "$seed"
	# The tool's own summary is the figure of record: show it whatever happens.
	printf '%s\n' "$out" | sed 's/^/     /'
	if [ "$status" = 0 ] && grep -q ' hostile messages, 0 failures$' <<<"$out"; then
		pass "hostile input as root: $(tail -n 1 <<<"$out"), every one answered as required"
	else
		fail "hostile input as root (seed $seed, $root_count datagrams)" "$(details)"
	fi
	check_kernel_log "$mark" "the hostile input as root"

	# Without privileges the state-changing commands stop at the permission
	# check: a different path through the core for the same input.
	mark=$(dmesg_mark)
	run "${nobody[@]}" "$tool" --count "$nobody_count" --seed "$((seed + 1))"
	if [ "$status" = 0 ]; then
		pass "hostile input as nobody: $(tail -n 1 <<<"$out")"
	else
		fail "hostile input as nobody (seed $((seed + 1)), $nobody_count datagrams)" "$(details)"
	fi
	check_kernel_log "$mark" "the hostile input as nobody"

	run "$client" --msg "after the hostile input" --value 7 --flag 1
	if [ "$status" = 0 ] && [ "$out" = 'ECHO msg="after the hostile input" value=7 flag=1' ]; then
		pass "ECHO from the sample client after the hostile input"
	else
		fail "ECHO from the sample client after the hostile input" "$(details)"
	fi
}

# ---- Privileges -------------------------------------------------------------------------

link_up_of() { sed -n 's/.* link_up=\([01]\).*/\1/p' <<<"$1"; }

check_unprivileged() {
	local before after ifindex
	ifindex=$(cat "/sys/class/net/$ifname/ifindex")
	# Some traffic, so that a reset would be visible: pings to an address
	# routed through the device loop back through it.
	sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1"
	ip addr replace 192.0.2.1/24 dev "$ifname"
	ip link set "$ifname" up
	ping -c 2 -i 0.2 -W 1 192.0.2.2 >/dev/null 2>&1
	before=$("$client" --stats "$ifname")

	run "${nobody[@]}" "$client" --msg unprivileged --value 1
	if [ "$status" = 0 ] && [ "$out" = 'ECHO msg="unprivileged" value=1' ]; then
		pass "nobody without capabilities: ECHO answers"
	else
		fail "nobody: ECHO" "$(details)"
	fi

	run "${nobody[@]}" "$client" --stats "$ifname"
	if [ "$status" = 0 ] && grep -q "^GET_STATS ifindex=$ifindex ifname=\"$ifname\" link_up=1 " <<<"$out"; then
		pass "nobody: GET_STATS of $ifname answers"
	else
		fail "nobody: GET_STATS of $ifname" "$(details)"
	fi
	run "${nobody[@]}" "$client" --stats
	if [ "$status" = 0 ] && grep -q "ifname=\"$ifname\"" <<<"$out"; then
		pass "nobody: GET_STATS dump answers"
	else
		fail "nobody: GET_STATS dump" "$(details)"
	fi

	start_listener "" nobody 30 nobody || { fail "nobody: joining the events group" "$(cat "$scratch/listen.nobody")"; return; }
	local pid=$listener_pid
	"$client" --msg "seen by nobody" >/dev/null
	wait_for_line "$scratch/events.nobody" 'ECHO_EVENT msg="seen by nobody"'
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	if grep -qx 'ECHO_EVENT msg="seen by nobody"' "$scratch/events.nobody"; then
		pass "nobody: joins the events group and receives events"
	else
		fail "nobody: receives events" "$(cat "$scratch/events.nobody" "$scratch/listen.nobody")"
	fi

	# Every state-changing command, with every way of naming the device.
	local args name
	for args in "--set-link down $ifname" "--set-link down --ifindex $ifindex" \
		"--set-link up $ifname" "--reset-stats $ifname" "--reset-stats --ifindex $ifindex" \
		"--set-link down --ifindex 999999" "--reset-stats nosuchdev"; do
		# shellcheck disable=SC2086 # the arguments are split on purpose
		run "${nobody[@]}" "$client" $args
		name=${args%% *}
		if [ "$status" = 1 ] && [ -z "$out" ] &&
			grep -q 'rejected by the kernel: Operation not permitted' <<<"$err"; then
			pass "nobody: ${name#--} ${args#* }: EPERM, reported as 'Operation not permitted'"
		else
			fail "nobody: ${name#--} ${args#* }: EPERM" "$(details)"
		fi
	done

	after=$("$client" --stats "$ifname")
	if [ "$(link_up_of "$after")" = 1 ] && [ "$(stat_of tx_packets "$after")" -ge "$(stat_of tx_packets "$before")" ] &&
		[ "$(stat_of tx_packets "$before")" -gt 0 ]; then
		pass "the refused commands changed nothing (link up, counters not reset: tx_packets $(stat_of tx_packets "$after"))"
	else
		fail "the refused commands changed nothing" "before: $before" "after: $after"
	fi
}

check_capability_is_net_admin() {
	local with_cap=(setpriv --reuid=65534 --regid=65534 --clear-groups
		--inh-caps=-all,+net_admin --ambient-caps=+net_admin --bounding-set=-all,+net_admin)
	run "${with_cap[@]}" "$client" --set-link down "$ifname"
	if [ "$status" = 0 ] && [ "$(link_up_of "$("$client" --stats "$ifname")")" = 0 ]; then
		pass "nobody with only CAP_NET_ADMIN: SET_LINK works"
	else
		fail "nobody with only CAP_NET_ADMIN: SET_LINK" "$(details)"
	fi
	run "${with_cap[@]}" "$client" --reset-stats "$ifname"
	if [ "$status" = 0 ] && [ "$(stat_of tx_packets "$("$client" --stats "$ifname")")" = 0 ]; then
		pass "nobody with only CAP_NET_ADMIN: RESET_STATS works"
	else
		fail "nobody with only CAP_NET_ADMIN: RESET_STATS" "$(details)"
	fi
	ip link set "$ifname" up
}

# The capability counts in the user namespace that owns the network namespace:
# root of a user namespace administers its own network namespace, not the host's.
check_user_namespaces() {
	local script
	if ! unshare --user true 2>"$scratch/err"; then
		# The kernel refuses CLONE_NEWUSER to a chrooted process, and a runner
		# may start the tests in a chroot: then these checks cannot run here.
		# The VM runner switches roots instead, so under it these checks must run.
		if [ -z "${VNET_VM:-}" ] && [ "$(stat -c %d:%i /)" != "$(stat -Lc %d:%i /proc/1/root 2>/dev/null)" ]; then
			echo "SKIP user namespaces: this runs in a chroot, where the kernel refuses to create them"
		else
			fail "creating a user namespace" "$(cat "$scratch/err")"
		fi
		return
	fi
	if ! "${nobody[@]}" unshare --user --map-root-user true 2>"$scratch/err"; then
		fail "nobody can create a user namespace (needed for these checks)" "$(cat "$scratch/err")"
		return
	fi

	run "${nobody[@]}" unshare --user --map-root-user "$client" --set-link down "$ifname"
	if [ "$status" = 1 ] && grep -q 'Operation not permitted' <<<"$err" &&
		[ "$(link_up_of "$("$client" --stats "$ifname")")" = 1 ]; then
		pass "root of a user namespace: SET_LINK on the host's $ifname is EPERM"
	else
		fail "root of a user namespace: SET_LINK on the host's $ifname" "$(details)"
	fi

	# shellcheck disable=SC2016 # expanded by the inner shell
	script='set -e
		ip link add vnet-userns type vnet
		"$0" --set-link up vnet-userns
		"$0" --stats
		"$0" --reset-stats vnet-userns
		"$0" --set-link down vnet-userns
		"$0" --stats vnet-userns'
	run "${nobody[@]}" unshare --user --map-root-user --net bash -c "$script" "$client"
	if [ "$status" = 0 ] && [ "$(grep -c '^GET_STATS ' <<<"$out")" = 2 ] &&
		! grep -q "ifname=\"$ifname\"" <<<"$out" &&
		grep -q '^GET_STATS .*ifname="vnet-userns" link_up=1 ' <<<"$out" &&
		grep -q '^GET_STATS .*ifname="vnet-userns" link_up=0 ' <<<"$out"; then
		pass "root of a user namespace with its own network namespace: creates, lists, sets and resets its vnet device, sees no other"
	else
		fail "root of a user namespace with its own network namespace" "$(details)"
	fi
}

# ---- Network namespaces -------------------------------------------------------------------

check_network_namespaces() {
	local mark ifindex_a pid_init pid_a pid_b
	mark=$(dmesg_mark)
	ip netns add "$ns_a" && ip netns add "$ns_b" || { fail "ip netns add"; return; }
	ip -n "$ns_a" link add vnet-a type vnet && ip -n "$ns_b" link add vnet-b type vnet ||
		{ fail "ip link add type vnet in the namespaces"; return; }
	ifindex_a=$(ip netns exec "$ns_a" cat /sys/class/net/vnet-a/ifindex)

	run ip netns exec "$ns_a" "$client" --msg "in $ns_a"
	if [ "$status" = 0 ] && [ "$out" = "ECHO msg=\"in $ns_a\"" ]; then
		pass "ECHO in the named namespace $ns_a"
	else
		fail "ECHO in $ns_a" "$(details)"
	fi

	local dump_init dump_a dump_b
	dump_init=$("$client" --stats)
	dump_a=$(ip netns exec "$ns_a" "$client" --stats)
	dump_b=$(ip netns exec "$ns_b" "$client" --stats)
	if [ "$(grep -c '^GET_STATS' <<<"$dump_init")" = 1 ] && grep -q "ifname=\"$ifname\"" <<<"$dump_init" &&
		[ "$(grep -c '^GET_STATS' <<<"$dump_a")" = 1 ] && grep -q 'ifname="vnet-a"' <<<"$dump_a" &&
		[ "$(grep -c '^GET_STATS' <<<"$dump_b")" = 1 ] && grep -q 'ifname="vnet-b"' <<<"$dump_b"; then
		pass "each namespace's GET_STATS dump lists its own device only"
	else
		fail "GET_STATS dumps per namespace" "initial: $dump_init" "$ns_a: $dump_a" "$ns_b: $dump_b"
	fi

	run ip netns exec "$ns_a" "$client" --stats "$ifname"
	if [ "$status" = 1 ] && grep -q 'No such device' <<<"$err"; then
		pass "$ifname of the initial namespace is not reachable from $ns_a (ENODEV)"
	else
		fail "$ifname from $ns_a" "$(details)"
	fi
	run ip netns exec "$ns_b" "$client" --stats --ifindex "$ifindex_a"
	if ! grep -q 'ifname="vnet-a"' <<<"$out"; then
		pass "ifindex $ifindex_a of $ns_a does not reach vnet-a from $ns_b"
	else
		fail "ifindex of $ns_a from $ns_b" "$(details)"
	fi

	# Events: a listener in each namespace; changes in one reach only its own.
	# Each listener stops once it has seen the "end" ECHO sent last in its
	# namespace, so a slow machine cannot cut the observation short.
	start_listener "" root 120 init && pid_init=$listener_pid &&
		start_listener "$ns_a" root 120 a && pid_a=$listener_pid &&
		start_listener "$ns_b" root 120 b && pid_b=$listener_pid ||
		{ fail "listeners join the events group in each namespace"; return; }
	ip netns exec "$ns_a" "$client" --msg "event in $ns_a" >/dev/null
	ip netns exec "$ns_a" "$client" --set-link up vnet-a >/dev/null
	ip -n "$ns_b" link set vnet-b up
	"$client" --msg "event in the initial namespace" >/dev/null
	"$client" --msg end >/dev/null
	ip netns exec "$ns_a" "$client" --msg end >/dev/null
	ip netns exec "$ns_b" "$client" --msg end >/dev/null
	local tag
	for tag in init a b; do
		wait_for_line "$scratch/events.$tag" 'ECHO_EVENT msg="end"'
	done
	kill "$pid_init" "$pid_a" "$pid_b" 2>/dev/null
	wait "$pid_init" "$pid_a" "$pid_b" 2>/dev/null
	local got_init got_a got_b
	got_init=$(grep -vx 'ECHO_EVENT msg="end"' "$scratch/events.init")
	got_a=$(grep -vx 'ECHO_EVENT msg="end"' "$scratch/events.a")
	got_b=$(grep -vx 'ECHO_EVENT msg="end"' "$scratch/events.b")
	if [ "$got_a" = "ECHO_EVENT msg=\"event in $ns_a\"
LINK_EVENT ifindex=$ifindex_a ifname=\"vnet-a\" link_up=1" ] &&
		[ "$got_b" = "LINK_EVENT ifindex=$(ip netns exec "$ns_b" cat /sys/class/net/vnet-b/ifindex) ifname=\"vnet-b\" link_up=1" ] &&
		[ "$got_init" = 'ECHO_EVENT msg="event in the initial namespace"' ] &&
		[ "$(grep -cx 'ECHO_EVENT msg="end"' "$scratch/events.init" "$scratch/events.a" "$scratch/events.b" |
			cut -d: -f2 | sort -u)" = 1 ]; then
		pass "ECHO and link events reach the listeners of their own namespace only"
	else
		fail "events per namespace" "initial: $(cat "$scratch/events.init")" \
			"$ns_a: $(cat "$scratch/events.a")" "$ns_b: $(cat "$scratch/events.b")"
	fi

	# A device moved to another namespace is administered and reported there.
	ip link add vnet-moved type vnet && ip link set vnet-moved netns "$ns_a" || { fail "moving a vnet device"; return; }
	run ip netns exec "$ns_a" "$client" --stats
	if [ "$(grep -c '^GET_STATS' <<<"$out")" = 2 ] && grep -q 'ifname="vnet-moved"' <<<"$out" &&
		! "$client" --stats | grep -q 'ifname="vnet-moved"'; then
		pass "a vnet device moved to $ns_a is listed there and no longer in the initial namespace"
	else
		fail "vnet device moved to $ns_a" "$(details)"
	fi

	# Deleting a namespace deletes its vnet devices.
	if ip netns del "$ns_b"; then
		pass "ip netns del of a namespace holding an up vnet device (its cleanup: kernel log check below)"
	else
		fail "ip netns del $ns_b"
	fi

	# Unloading the module deletes the devices of every namespace.
	start_listener "$ns_a" root 30 unload
	pid_a=$listener_pid
	if rmmod vnet_nl 2>"$scratch/err"; then
		wait_for_line "$scratch/events.unload" "LINK_EVENT ifindex=$ifindex_a ifname=\"vnet-a\" link_up=0"
		if ! ip netns exec "$ns_a" ip link show vnet-a >/dev/null 2>&1 &&
			! ip netns exec "$ns_a" ip link show vnet-moved >/dev/null 2>&1 &&
			grep -q "LINK_EVENT ifindex=$ifindex_a ifname=\"vnet-a\" link_up=0" "$scratch/events.unload"; then
			pass "rmmod with devices in $ns_a and a listener there: devices deleted, link-down event delivered"
		else
			fail "rmmod with devices in $ns_a" "$(ip netns exec "$ns_a" ip -br link)" "$(cat "$scratch/events.unload")"
		fi
	else
		fail "rmmod with devices in $ns_a" "$(cat "$scratch/err")"
	fi
	kill "$pid_a" 2>/dev/null
	wait "$pid_a" 2>/dev/null
	insmod "$VNET_NL_KO" || fail "insmod after the unload"
	run ip netns exec "$ns_a" "$client" --msg "after reload"
	if [ "$status" = 0 ] && [ "$out" = 'ECHO msg="after reload"' ] && "$client" --stats "$ifname" >/dev/null; then
		pass "after reload: ECHO in $ns_a and $ifname in the initial namespace"
	else
		fail "after reload" "$(details)"
	fi
	ip netns del "$ns_a"
	check_kernel_log "$mark" "the namespace checks"
}

require_family_registered

[ ${#checks[@]} -gt 0 ] ||
	checks=(hostile unprivileged capability user-namespaces network-namespaces taint)
started=$SECONDS
for check in "${checks[@]}"; do
	case $check in
	hostile) check_hostile ;;
	unprivileged) check_unprivileged ;;
	capability) check_capability_is_net_admin ;;
	user-namespaces) check_user_namespaces ;;
	network-namespaces) check_network_namespaces ;;
	taint) check_taint ;;
	*) echo "reliability-in-vm.sh: unknown check $check" >&2; exit 2 ;;
	esac
	echo "---- $check: done $((SECONDS - started)) s after the start"
done

finish
