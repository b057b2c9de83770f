#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of the vnet_nl module and its sample client. They load and unload the
# module and change network devices, so they run in the VM, as root:
#
#   kernel-module/vm/run kernel-module/tests/run-in-vm.sh
#
# The runner provides VNET_NL_KO (the module, already inserted) and
# VNET_NL_CLIENT. Arguments, if any, name the checks to run (e.g.
# rtnl_waiters ynl_cli); by default all run. One line per check, then "N passed, M failed"; the exit
# status is non-zero if any check failed.
#
# Where the module is loaded already (the Vagrant machine), the checks that do
# not unload it run too, as root, with the client from PATH:
# PktgenAndRenameModuleTest runs pktgen and the rename checks that way in
# mvn verify.
set -u

tests_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$tests_dir/lib.sh"

scratch=$(mktemp -d)
trap 'jobs -p | xargs -r kill 2>/dev/null; rm -rf "$scratch"' EXIT
# Where the test tools are built: the VM runner's work directory, or scratch.
tools_dir=${VNET_VM_WORK:-$scratch}/bin

# ---- Load, unload, load ---------------------------------------------------------

check_load_cycles() {
	local cycle mark
	require_module_file "load cycles" || return
	mark=$(dmesg_mark)
	for cycle in 1 2 3; do
		if ! rmmod vnet_nl 2>"$scratch/err"; then
			fail "unload $cycle" "$(cat "$scratch/err")"
			return
		fi
		if family_registered || ip link show "$ifname" >/dev/null 2>&1; then
			fail "unload $cycle: vnet_nl or $ifname still present"
			return
		fi
		if ! insmod "$VNET_NL_KO" 2>"$scratch/err"; then
			fail "load $cycle" "$(cat "$scratch/err")"
			return
		fi
		if ! family_registered || ! ip link show "$ifname" >/dev/null 2>&1; then
			fail "load $cycle: vnet_nl not registered or $ifname missing"
			return
		fi
	done
	check_kernel_log "$mark" "load cycles" "module unloads and loads again 3 times, cleanly"
}

check_ctrl_listing() {
	local listing missing=() cmd
	listing=$(genl-ctrl-list -d 2>&1 | awk '/^0x[0-9a-f]+ vnet_nl /{on=1; print; next} /^0x/{on=0} on')
	[ -n "$listing" ] || { fail "genl-ctrl-list -d shows vnet_nl" "$(genl-ctrl-list 2>&1)"; return; }
	grep -q 'vnet_nl version 1' <<<"$listing" || missing+=("version 1")
	# genl-ctrl-list prints "op NAME (0xID) <flags>": ECHO 1 .. RESET_STATS 4.
	for cmd in 0x01 0x02 0x03 0x04; do
		grep -qE "^ *op .*\($cmd\) <has_doit" <<<"$listing" || missing+=("command $cmd")
	done
	grep -qE '^ *op .*\(0x02\) <.*has_dump' <<<"$listing" || missing+=("GET_STATS dump")
	grep -qE '^ *op .*\(0x05\)' <<<"$listing" && missing+=("no LINK_EVENT operation")
	grep -qE '^ *grp events \(0x[0-9a-f]+\)' <<<"$listing" || missing+=("group events")
	if [ ${#missing[@]} -eq 0 ]; then
		pass "genl-ctrl-list -d: vnet_nl version 1, commands 1-4, group events"
	else
		fail "genl-ctrl-list -d: missing ${missing[*]}" "$listing"
	fi
}

# ---- ECHO ---------------------------------------------------------------------

check_echo() {
	local name=$1 expected=$2
	shift 2
	run "$client" "$@"
	if [ "$status" = 0 ] && [ "$out" = "$expected" ]; then
		pass "echo $name"
	else
		fail "echo $name: expected '$expected'" "$(details)"
	fi
}

# A rejection: exit status 1, the expected error, the kernel's extended ACK
# text and the attribute it points at (decoded by the client from the offset
# or missing-attribute type the kernel reports).
check_rejected() {
	local name=$1 error=$2 attribute=$3
	shift 3
	run "$client" "$@"
	if [ "$status" = 1 ] && [ -z "$out" ] &&
		grep -q "rejected by the kernel: $error" <<<"$err" &&
		grep -qE '^vnet-nl-client:   kernel: [^ ]' <<<"$err" &&
		grep -qE "^vnet-nl-client:   (offending|missing) attribute: $attribute" <<<"$err"; then
		pass "rejects $name: $error, \"$(sed -n 's/^vnet-nl-client:   kernel: //p' <<<"$err")\" at $attribute"
	else
		fail "rejects $name: $error with the kernel's message at $attribute" "$(details)"
	fi
}

long_string() { head -c "$1" /dev/zero | tr '\0' x; }

check_echo_all() {
	local mark max
	mark=$(dmesg_mark)
	max=$(long_string 255)

	check_echo "msg" 'ECHO msg="hello vnet"' --msg "hello vnet"
	check_echo "value" 'ECHO value=4294967295' --value 4294967295
	check_echo "flag 0" 'ECHO flag=0' --flag 0
	check_echo "flag 1" 'ECHO flag=1' --flag 1
	check_echo "msg, value and flag together" 'ECHO msg="all three" value=42 flag=1' \
		-m "all three" -v 42 -f 1
	check_echo "no attribute" 'ECHO'
	check_echo "msg of the maximum length (255)" "ECHO msg=\"$max\"" --msg "$max"

	check_rejected "an oversize msg (256 bytes)" "Invalid argument" VNET_NL_ATTR_MSG --msg "$(long_string 256)"
	check_rejected "a msg without its NUL" "Invalid argument" VNET_NL_ATTR_MSG --raw-attr 1:616263
	check_rejected "a value of 2 bytes" "Invalid argument" VNET_NL_ATTR_VALUE --raw-attr 2:2a00
	check_rejected "a value of 8 bytes" "Invalid argument" VNET_NL_ATTR_VALUE --raw-attr 2:2a00000000000000
	check_rejected "flag 2" "Numerical result out of range" VNET_NL_ATTR_FLAG --flag 2
	check_rejected "an unknown attribute (type 99)" "Invalid argument" "unknown attribute .type 99" --raw-attr 99:00000000
	check_rejected "a reply-only attribute (STATS)" "Invalid argument" VNET_NL_ATTR_STATS --raw-attr 7:

	# The kernel logs what ECHO received.
	run "$client" --msg "logged-$$" --value 7
	if dmesg | grep -q "vnet_nl: ECHO from port [0-9]*: msg=\"logged-$$\" value=7 flag=-"; then
		pass "ECHO is logged to the kernel log"
	else
		fail "ECHO is logged to the kernel log" "$(dmesg | tail -n 5)"
	fi

	check_kernel_log "$mark" "the echoes and rejections"
}

check_other_rejections() {
	run "$client" --stats --ifindex 999999
	if [ "$status" = 1 ] && grep -q 'No such device' <<<"$err" &&
		grep -q 'no device with this VNET_NL_ATTR_IFINDEX' <<<"$err"; then
		pass "GET_STATS of an unknown ifindex: ENODEV naming VNET_NL_ATTR_IFINDEX"
	else
		fail "GET_STATS of an unknown ifindex" "$(details)"
	fi

	run "$client" --stats lo
	if [ "$status" = 1 ] && grep -q 'not a vnet device' <<<"$err"; then
		pass "GET_STATS of lo: refused, not a vnet device"
	else
		fail "GET_STATS of lo" "$(details)"
	fi

	# SET_LINK changes state: it needs CAP_NET_ADMIN.
	run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
		"$client" --set-link up "$ifname"
	if [ "$status" = 1 ] && grep -q 'Operation not permitted' <<<"$err"; then
		pass "SET_LINK without CAP_NET_ADMIN: EPERM"
	else
		fail "SET_LINK without CAP_NET_ADMIN" "$(details)"
	fi
	run setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all --bounding-set=-all \
		"$client" --msg unprivileged
	if [ "$status" = 0 ] && [ "$out" = 'ECHO msg="unprivileged"' ]; then
		pass "ECHO without privileges"
	else
		fail "ECHO without privileges" "$(details)"
	fi

	# A namespace sees the family but none of the devices of another namespace.
	run unshare --net "$client" --stats
	if [ "$status" = 0 ] && [ -z "$out" ]; then
		pass "GET_STATS dump in a new network namespace: no device"
	else
		fail "GET_STATS dump in a new network namespace" "$(details)"
	fi
	run unshare --net "$client" --msg netns
	if [ "$status" = 0 ] && [ "$out" = 'ECHO msg="netns"' ]; then
		pass "ECHO in a new network namespace"
	else
		fail "ECHO in a new network namespace" "$(details)"
	fi
}

# ---- Events -------------------------------------------------------------------

check_echo_event() {
	local listener
	"$client" --listen --count 1 --timeout 30 >"$scratch/events" 2>"$scratch/listen.err" &
	listener=$!
	if ! wait_listening "$scratch/listen.err"; then
		fail "listener joins the events group" "$(cat "$scratch/listen.err")"
		kill "$listener" 2>/dev/null
		return
	fi
	run "$client" -m "from another client" -v 9 -f 0
	wait "$listener"
	local listener_status=$?
	if [ "$listener_status" = 0 ] &&
		[ "$(cat "$scratch/events")" = 'ECHO_EVENT msg="from another client" value=9 flag=0' ]; then
		pass "listener receives the ECHO event of another client"
	else
		fail "listener receives the ECHO event of another client" \
			"listener status $listener_status: $(cat "$scratch/events" "$scratch/listen.err")"
	fi
}

check_link_events() {
	local listener expected ifindex
	ip link set "$ifname" down
	ifindex=$(cat "/sys/class/net/$ifname/ifindex")
	"$client" --listen --count 4 --timeout 30 >"$scratch/events" 2>"$scratch/listen.err" &
	listener=$!
	if ! wait_listening "$scratch/listen.err"; then
		fail "listener joins the events group" "$(cat "$scratch/listen.err")"
		kill "$listener" 2>/dev/null
		return
	fi
	ip link set "$ifname" up
	ip link set "$ifname" down
	"$client" --set-link up "$ifname" >/dev/null
	"$client" --set-link down --ifindex "$ifindex" >/dev/null
	wait "$listener"
	local listener_status=$?
	expected="LINK_EVENT ifindex=$ifindex ifname=\"$ifname\" link_up=1
LINK_EVENT ifindex=$ifindex ifname=\"$ifname\" link_up=0
LINK_EVENT ifindex=$ifindex ifname=\"$ifname\" link_up=1
LINK_EVENT ifindex=$ifindex ifname=\"$ifname\" link_up=0"
	if [ "$listener_status" = 0 ] && [ "$(cat "$scratch/events")" = "$expected" ]; then
		pass "link up/down events from ip link and from SET_LINK"
	else
		fail "link up/down events" "listener status $listener_status, got:" \
			"$(cat "$scratch/events" "$scratch/listen.err")" "expected:" "$expected"
	fi

	run "$client" --stats "$ifname"
	if [ "$status" = 0 ] && grep -q " link_up=0 " <<<"$out"; then
		pass "GET_STATS reports the link down after SET_LINK down"
	else
		fail "GET_STATS reports the link down" "$(details)"
	fi
}

# ---- Traffic and statistics -------------------------------------------------------

check_traffic() {
	local before after count=5 payload=56 frame d name
	# No IPv6 on the device: its autoconfiguration traffic would add to the counters.
	sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1"
	ip addr replace 192.0.2.1/24 dev "$ifname"
	ip link set "$ifname" up

	run "$client" --reset-stats "$ifname"
	[ "$status" = 0 ] || { fail "RESET_STATS" "$(details)"; return; }
	run "$client" --stats "$ifname"
	before=$out
	if [ "$status" = 0 ] && [ "$(stat_of tx_packets "$before")" = 0 ] &&
		[ "$(stat_of rx_bytes "$before")" = 0 ]; then
		pass "RESET_STATS zeroes the counters GET_STATS reports"
	else
		fail "RESET_STATS zeroes the counters" "$(details)"
	fi

	# No neighbour answers on a loopback device: each echo request goes out,
	# comes back in and is dropped by IP (not for us, no forwarding).
	ping -c "$count" -i 0.2 -W 1 -s "$payload" 192.0.2.2 >/dev/null 2>&1
	run "$client" --stats "$ifname"
	after=$out
	frame=$((14 + 20 + 8 + payload)) # Ethernet + IPv4 + ICMP headers + payload
	local expect_packets=$count expect_bytes=$((count * frame)) bad=()
	for name in tx_packets rx_packets; do
		d=$(($(stat_of "$name" "$after") - $(stat_of "$name" "$before")))
		[ "$d" = "$expect_packets" ] || bad+=("$name +$d, expected +$expect_packets")
	done
	for name in tx_bytes rx_bytes; do
		d=$(($(stat_of "$name" "$after") - $(stat_of "$name" "$before")))
		[ "$d" = "$expect_bytes" ] || bad+=("$name +$d, expected +$expect_bytes")
	done
	for name in tx_dropped rx_dropped; do
		d=$(($(stat_of "$name" "$after") - $(stat_of "$name" "$before")))
		[ "$d" = 0 ] || bad+=("$name +$d, expected +0")
	done
	if [ "$status" = 0 ] && [ ${#bad[@]} -eq 0 ]; then
		pass "ping: GET_STATS shows +$count packets and +$expect_bytes bytes each way"
	else
		fail "GET_STATS after $count pings" "${bad[@]}" "before: $before" "after: $after"
	fi

	# The kernel's own view of the device agrees.
	local kernel_tx
	kernel_tx=$(cat "/sys/class/net/$ifname/statistics/tx_packets")
	if [ "$kernel_tx" -ge "$count" ]; then
		pass "the device's standard statistics count the packets (tx_packets $kernel_tx)"
	else
		fail "standard statistics" "tx_packets $kernel_tx"
	fi

	run "$client" --stats
	if [ "$status" = 0 ] && [ "$(grep -c '^GET_STATS ' <<<"$out")" = 1 ] &&
		grep -q "ifname=\"$ifname\" link_up=1 rx_packets=$count " <<<"$out"; then
		pass "GET_STATS dump lists $ifname with its counters"
	else
		fail "GET_STATS dump" "$(details)"
	fi

	# A second device, created through rtnetlink, is counted apart.
	if ip link add vnet-test type vnet 2>"$scratch/err"; then
		run "$client" --stats
		if [ "$(grep -c '^GET_STATS ' <<<"$out")" = 2 ] &&
			grep -q 'ifname="vnet-test" link_up=0 rx_packets=0 ' <<<"$out"; then
			pass "ip link add type vnet: a second device in the dump"
		else
			fail "second device in the dump" "$(details)"
		fi
		ip link del vnet-test
	else
		fail "ip link add type vnet" "$(cat "$scratch/err")"
	fi
}

check_unload_with_clients() {
	local listener mark
	require_module_file "unload with clients" || return
	mark=$(dmesg_mark)
	"$client" --listen --timeout 60 >"$scratch/events" 2>"$scratch/listen.err" &
	listener=$!
	wait_listening "$scratch/listen.err"
	if rmmod vnet_nl 2>"$scratch/err" && insmod "$VNET_NL_KO" 2>>"$scratch/err"; then
		sleep 0.5
		# The device was up: its deletion published a last link-down event.
		if grep -q "LINK_EVENT .*ifname=\"$ifname\" link_up=0" "$scratch/events"; then
			pass "unload with a listener open: link-down event, then clean reload"
		else
			fail "link-down event at unload" "$(cat "$scratch/events" "$scratch/listen.err")"
		fi
	else
		fail "unload/reload with a listener open" "$(cat "$scratch/err")"
	fi
	kill "$listener" 2>/dev/null
	wait "$listener" 2>/dev/null
	family_registered && run "$client" -m again
	if [ "${out:-}" = 'ECHO msg="again"' ]; then
		pass "ECHO after the reload"
	else
		fail "ECHO after the reload" "$(details)"
	fi
	check_kernel_log "$mark" "unload with clients"
}

# ---- Regressions of the netdev review ------------------------------------------

race_tool=
build_race_tool() {
	[ -n "$race_tool" ] && return 0
	if make -s -C "$tests_dir/race" OUT="$tools_dir" >"$scratch/build" 2>&1; then
		race_tool=$tools_dir/vnet-nl-race
	else
		fail "building the race tool" "$(cat "$scratch/build")"
		return 1
	fi
}

# Bugs 1 and 6: strict generic netlink header for every command, and one
# policy per operation: the hostile tool's categories for both, where every
# message must be refused (message indices 0-2999 of seed 1 hold about 150
# of the one and 200 of the other: the tool keeps each index's message the
# same whatever the selection).
check_strict_header_and_per_op_policy() {
	local tool=$tools_dir/vnet-nl-hostile category
	if ! make -s -C "$tests_dir/hostile" OUT="$tools_dir" >"$scratch/build" 2>&1; then
		fail "building the hostile-input tool" "$(cat "$scratch/build")"
		return
	fi
	for category in genl-header-strict attr-per-op; do
		run "$tool" --category "$category" --count 3000 --probe-every 100
		if [ "$status" = 0 ] && grep -q ' hostile messages, 0 failures$' <<<"$out"; then
			pass "$category: every message refused ($(tail -n 1 <<<"$out"))"
		else
			fail "$category: every message refused" "$(details | head -n 30)"
		fi
	done
	# The same through the sample client, with the kernel's extended ACK.
	check_rejected "ECHO with an IFINDEX (not an ECHO attribute)" "Invalid argument" VNET_NL_ATTR_IFINDEX \
		--msg x --raw-attr 4:01000000
}

# Bug 2: GET_STATS holds a reference to the device while "ip link del" frees
# it. Without KASAN a read of freed per-CPU counters shows nothing, so this
# proves only that the race is exercised (thousands of GET_STATS while the
# device is deleted and re-created) and that every answer is a reply or
# ENODEV with a clean kernel log; a KASAN kernel turns the use after free
# into a report that the kernel log check catches.
check_stats_vs_delete() {
	local mark i tool_pid
	build_race_tool || return
	mark=$(dmesg_mark)
	ip link add vnet-race type vnet && ip link set vnet-race up
	"$race_tool" get-loop vnet-race 20 >"$scratch/race.out" 2>"$scratch/race.err" &
	tool_pid=$!
	for i in $(seq 1 40); do
		ip link del vnet-race 2>/dev/null
		ip link add vnet-race type vnet && ip link set vnet-race up
		sleep 0.1
	done
	wait "$tool_pid"
	status=$?
	ip link del vnet-race 2>/dev/null
	if [ "$status" = 0 ] && [ -z "$(dmesg_problems_since "$mark")" ]; then
		pass "GET_STATS racing 40 ip link del/add: $(cat "$scratch/race.out"), kernel log clean"
	else
		fail "GET_STATS racing ip link del" "status $status: $(cat "$scratch/race.out" "$scratch/race.err")" \
			"$(dmesg_problems_since "$mark")"
	fi
}

# Bug 3: RESET_STATS racing GET_STATS under traffic must never make a counter wrap.
check_reset_vs_get() {
	build_race_tool || return
	sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1"
	ip addr replace 192.0.2.1/24 dev "$ifname"
	ip link set "$ifname" up
	run "$race_tool" reset-vs-get "$ifname" 15
	if [ "$status" = 0 ]; then
		pass "RESET_STATS racing GET_STATS under traffic, 15 s: no counter wrapped ($out)"
	else
		fail "RESET_STATS racing GET_STATS: a counter wrapped" "$(details)"
	fi
}

# Bug 4: a listener that answers LINK_EVENT with GET_STATS reads the state
# the event announced. The race tool sets the device up and down itself, each
# time only after the previous event was handled. The old module published
# the event from ndo_open/ndo_stop, a few instructions before the core
# changed IFF_UP: too short a window for this check to hit reliably, so it
# guards the ordering rather than proving the old one wrong.
check_link_event_after_state_change() {
	build_race_tool || return
	ip link set "$ifname" down
	run "$race_tool" link-follow "$ifname" 40 120
	if [ "$status" = 0 ]; then
		pass "GET_STATS right after each of 40 LINK_EVENTs reads the announced state ($out)"
	else
		fail "GET_STATS right after LINK_EVENT reads the announced state" "$(details)"
	fi
	ip link set "$ifname" up
}

# Holds RTNL for many seconds: the dummy driver creates its numdummies devices
# in its module init under one rtnl_lock() (1500 take about 20 s under TCG). Returns once RTNL is held (the
# first device exists while the module is still initialising).
rtnl_holder=
hold_rtnl() { # [devices]
	modprobe -r dummy 2>/dev/null
	modprobe dummy numdummies="${1:-1500}" &
	rtnl_holder=$!
	poll 300 test -e /sys/class/net/dummy0 && rtnl_still_held
}
rtnl_still_held() { [ "$(cat /sys/module/dummy/initstate 2>/dev/null)" = coming ]; }
# Whether process $1 sleeps waiting for RTNL: in the mutex's queue, which
# hands the lock over in arrival order.
sleeps_on_rtnl() {
	grep -qs '^State:.*D' "/proc/$1/status" && grep -qsE 'rtnetlink_rcv_msg|rtnl_lock|set_link_doit' "/proc/$1/stack"
}
release_rtnl() {
	wait "$rtnl_holder"
	modprobe -r dummy
}

# Bugs 5 and 7, while RTNL is held: a SET_LINK queued behind a move of its
# device to another namespace must not change the device there (lookup under
# RTNL); and an ECHO sent while that SET_LINK waits for RTNL must not wait with
# it (parallel_ops: no genl mutex held across the handler).
# When RTNL was let go before the ECHO was over (a slow or loaded machine takes
# longer to start the waiters), the ECHO proves nothing: the check runs again
# with twice the devices, up to three times.
check_rtnl_waiters() {
	local devices=${VNET_TEST_DUMMIES:-1500} attempt
	for attempt in 1 2 3; do
		rtnl_waiters_once "$devices" && return
		[ "$attempt" = 3 ] && break
		echo "     (RTNL was released before the ECHO was over: again, holding it with $((devices * 2)) devices)"
		devices=$((devices * 2))
	done
	fail "ECHO while a SET_LINK waits for RTNL" "RTNL was released before the ECHO was over three times"
}
rtnl_waiters_once() { # devices; returns 1 when the ECHO's outcome proves nothing
	local ns=vnet-moveto mover set_link echo_s echo_status held_after
	ip netns add "$ns" || { fail "ip netns add $ns"; return 0; }
	ip link add vnet-mv type vnet || { fail "ip link add vnet-mv"; ip netns del "$ns"; return 0; }
	if ! hold_rtnl "$1"; then
		fail "holding RTNL with modprobe dummy (the module loaded too fast or not at all)"
		release_rtnl
		ip link del vnet-mv 2>/dev/null
		ip netns del "$ns"
		return 0
	fi
	build_race_tool || return 0
	# One request, so one wait for RTNL (ip would look the name up first).
	"$race_tool" move "$(cat /sys/class/net/vnet-mv/ifindex)" "/run/netns/$ns" &
	mover=$!
	poll 30 sleeps_on_rtnl "$mover" || echo "     (the move is not seen waiting for RTNL)"
	"$client" --set-link up vnet-mv >"$scratch/setlink.out" 2>"$scratch/setlink.err" &
	set_link=$!
	poll 30 sleeps_on_rtnl "$set_link" || echo "     (SET_LINK is not seen waiting for RTNL)"
	SECONDS_START=$EPOCHREALTIME
	timeout 20 "$client" --msg "while RTNL is held" >"$scratch/echo.out" 2>&1
	echo_status=$?
	echo_s=$(awk -v a="$SECONDS_START" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')
	rtnl_still_held && held_after=1 || held_after=0
	wait "$mover"
	wait "$set_link"
	local set_link_status=$?
	release_rtnl

	if [ "$echo_status" = 0 ] && [ "$held_after" = 0 ]; then
		ip link del vnet-mv 2>/dev/null
		ip netns del "$ns"
		return 1
	fi
	if [ "$echo_status" = 0 ] && [ "$held_after" = 1 ]; then
		pass "ECHO answers in $echo_s s while a SET_LINK waits for RTNL (parallel ops)"
	else
		fail "ECHO while a SET_LINK waits for RTNL" \
			"status $echo_status after $echo_s s, RTNL still held after it: $held_after" "$(cat "$scratch/echo.out")"
	fi
	local state
	state=$(ip -n "$ns" -o link show vnet-mv 2>/dev/null)
	if [ "$set_link_status" = 1 ] && grep -q 'No such device' "$scratch/setlink.err" &&
		[ -n "$state" ] && ! grep -q '[<,]UP[,>]' <<<"$state"; then
		pass "SET_LINK queued behind a move of its device: ENODEV, the moved device stays down"
	else
		fail "SET_LINK queued behind a move of its device to $ns" "status $set_link_status: $(cat "$scratch/setlink.err")" \
			"in $ns: $state"
	fi
	ip netns del "$ns"
	return 0
}

# ---- Regressions of the third review ---------------------------------------------

# pktgen writes one command to one of its /proc files; the write's status is
# the kernel's answer (an unsupported setting is refused with ENOTSUPP).
pktgen_set() { # FILE COMMAND
	echo "$2" 2>"$scratch/pktgen.err" >"/proc/net/pktgen/$1"
}
# The counters GET_STATS reports for the device, as "name=value" words.
stats_words() { "$client" --stats "$ifname" | grep -oE '(rx|tx)_[a-z]+=[0-9]+'; }

# Bug 1: vnet_xmit() hands the packet it is given to the receive path, which
# changes it (pulls the Ethernet header, scrubs it, frees it): the device must
# not advertise IFF_TX_SKB_SHARING, or pktgen's clone_skb and burst send one
# packet many times while the receive path changes it under pktgen (the old
# module: pgctrl start never returned, drops and wrong byte counts). pktgen
# asks for the flag when clone_skb or burst is set: both must be refused. A
# plain run must then be clean: every packet counted once each way, exactly,
# and no drop.
check_pktgen() {
	local mark count=20000 size=200 problems=() result word was_up=0
	mark=$(dmesg_mark)
	if ! modprobe pktgen 2>"$scratch/err"; then
		fail "modprobe pktgen (CONFIG_NET_PKTGEN)" "$(cat "$scratch/err")"
		return
	fi
	# No IPv6 on the device: its autoconfiguration traffic would add to the counters.
	sysctl -qw "net.ipv6.conf.$ifname.disable_ipv6=1"
	ip addr replace 192.0.2.1/24 dev "$ifname"
	(($(cat "/sys/class/net/$ifname/flags") & 1)) && was_up=1
	ip link set "$ifname" up
	pktgen_set kpktgend_0 rem_device_all
	if ! pktgen_set kpktgend_0 "add_device $ifname"; then
		fail "pktgen add_device $ifname" "$(cat "$scratch/pktgen.err")"
		return
	fi

	if pktgen_set "$ifname" "clone_skb 100"; then
		problems+=("clone_skb 100 accepted")
		pktgen_set "$ifname" "clone_skb 0"
	fi
	if pktgen_set "$ifname" "burst 8"; then
		problems+=("burst 8 accepted")
		pktgen_set "$ifname" "burst 1"
	fi
	if [ ${#problems[@]} -eq 0 ]; then
		pass "pktgen on $ifname: clone_skb 100 and burst 8 refused (no IFF_TX_SKB_SHARING)"
	else
		fail "pktgen on $ifname: clone_skb and burst refused" "${problems[@]}"
	fi

	pktgen_set "$ifname" "count $count" && pktgen_set "$ifname" "pkt_size $size" &&
		pktgen_set "$ifname" "dst 192.0.2.2" && pktgen_set "$ifname" "delay 0" ||
		{ fail "pktgen settings" "$(cat "$scratch/pktgen.err")"; return; }
	"$client" --reset-stats "$ifname" >/dev/null
	# "start" returns when every packet is sent; the timeout guards a hang.
	if ! timeout 120 sh -c 'echo start >/proc/net/pktgen/pgctrl' 2>"$scratch/err"; then
		pktgen_set pgctrl stop
		problems=("pgctrl start did not return within 120 s: $(cat "$scratch/err")")
	else
		problems=()
	fi
	result=$(grep -E '^Result:' "/proc/net/pktgen/$ifname")
	grep -qE "^Result: OK: .* $count \\(${size}byte" <<<"$result" || problems+=("pktgen: $result")
	local -A expect=([tx_packets]=$count [rx_packets]=$count [tx_bytes]=$((count * size))
		[rx_bytes]=$((count * size)) [tx_dropped]=0 [rx_dropped]=0)
	local got
	got=$(stats_words)
	for word in "${!expect[@]}"; do
		grep -qx "$word=${expect[$word]}" <<<"$got" || problems+=("$word: expected ${expect[$word]}, got $(grep "^$word=" <<<"$got")")
	done
	pktgen_set kpktgend_0 rem_device_all
	if [ ${#problems[@]} -eq 0 ]; then
		pass "pktgen, $count packets of $size bytes: exactly $count packets and $((count * size)) bytes each way, no drop"
	else
		fail "pktgen run of $count packets of $size bytes on $ifname" "${problems[@]}"
	fi
	modprobe -r pktgen
	[ "$was_up" = 1 ] || ip link set "$ifname" down
	check_kernel_log "$mark" "pktgen"
}

# Bug 2: GET_STATS copied dev->name while a rename rewrote it, so replies
# carried names torn between the old and the new one, some without their
# NUL. The race tool renames a device between a short and a long name with
# SIOCSIFNAME while it reads GET_STATS by index: every name must be one of
# the two, whole. Each rename logs a line ("renamed from"), enough to wrap
# the kernel's log buffer: the log is followed while the race runs.
check_rename_vs_get_stats() {
	local seconds=${VNET_TEST_RENAME_SECONDS:-20} ifindex follower
	build_race_tool || return
	ip link del vnet-rn-a 2>/dev/null
	ip link del vnet-renamed-15 2>/dev/null
	if ! ip link add vnet-rn-a type vnet 2>"$scratch/err"; then
		fail "ip link add vnet-rn-a type vnet" "$(cat "$scratch/err")"
		return
	fi
	ifindex=$(cat /sys/class/net/vnet-rn-a/ifindex)
	dmesg --follow-new >"$scratch/rename-dmesg" 2>&1 &
	follower=$!
	run "$race_tool" rename-vs-get "$ifindex" vnet-rn-a vnet-renamed-15 "$seconds"
	sleep 1
	kill "$follower" 2>/dev/null
	wait "$follower" 2>/dev/null
	ip link del vnet-rn-a 2>/dev/null || ip link del vnet-renamed-15 2>/dev/null
	if [ "$status" = 0 ]; then
		pass "GET_STATS by index during $seconds s of renames: only whole names ($out)"
	else
		fail "GET_STATS by index during renames: only whole, NUL-terminated names" "$(details | head -n 20)"
	fi
	local problems
	problems=$(grep -E "$kernel_problem_pattern" "$scratch/rename-dmesg")
	if [ -z "$problems" ]; then
		pass "kernel log clean through the renames ($(grep -c 'renamed from' "$scratch/rename-dmesg") renames logged)"
	else
		fail "kernel log through the renames" "$problems"
	fi
}

# GET_STATS given both IFINDEX and IFNAME compares the name with the device's:
# during renames between two names of the same length that differ in both of
# their 8-byte words, a name mixed from the two (which the device never has)
# must be refused every time, never accepted by a compare that met a rename
# half-way.
check_rename_vs_name_check() {
	local seconds=${VNET_TEST_RENAME_SECONDS:-20} ifindex
	build_race_tool || return
	ip link del vnc-aaaa-aaaaaa 2>/dev/null
	ip link del vnc-bbbb-bbbbbb 2>/dev/null
	if ! ip link add vnc-aaaa-aaaaaa type vnet 2>"$scratch/err"; then
		fail "ip link add vnc-aaaa-aaaaaa type vnet" "$(cat "$scratch/err")"
		return
	fi
	ifindex=$(cat /sys/class/net/vnc-aaaa-aaaaaa/ifindex)
	run "$race_tool" rename-vs-name-check "$ifindex" vnc-aaaa-aaaaaa vnc-bbbb-bbbbbb "$seconds"
	ip link del vnc-aaaa-aaaaaa 2>/dev/null || ip link del vnc-bbbb-bbbbbb 2>/dev/null
	if [ "$status" = 0 ]; then
		pass "GET_STATS by index and a mixed name during $seconds s of renames: always refused ($out)"
	else
		fail "GET_STATS by index and a mixed name during renames: always refused" "$(details | head -n 20)"
	fi
}

# The kernel's own YNL client speaks the family from the spec alone.
check_ynl_cli() {
	local ynl
	ynl=${VNET_YNL_DIR:-$("$tests_dir/../linux-source" 2>/dev/null || true)}/tools/net/ynl/cli.py
	local cli=(/usr/bin/python3 "$ynl" --spec "$tests_dir/../vnet_nl.yaml" --no-schema --output-json)
	if [ ! -f "$ynl" ]; then
		fail "cli.py of the kernel's YNL at $ynl (kernel-module/regenerate extracts it)"
		return
	fi
	run "${cli[@]}" --do echo --json '{"msg": "from cli.py", "value": 7, "flag": 1}'
	if [ "$status" = 0 ] && /usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(r != {"msg": "from cli.py", "value": 7, "flag": 1})' "$out"; then
		pass "cli.py --do echo: $out"
	else
		fail "cli.py --do echo" "$(details)"
	fi
	run "${cli[@]}" --do get-stats --json "{\"ifname\": \"$ifname\"}"
	if [ "$status" = 0 ] && /usr/bin/python3 -c 'import json,sys; r=json.loads(sys.argv[1]); sys.exit(not (r["ifname"] == sys.argv[2] and "rx-packets" in r["stats"]))' "$out" "$ifname"; then
		pass "cli.py --do get-stats: $ifname with its nested stats"
	else
		fail "cli.py --do get-stats" "$(details)"
	fi
	run "${cli[@]}" --dump get-stats
	if [ "$status" = 0 ] && grep -q "\"ifname\": \"$ifname\"" <<<"$out"; then
		pass "cli.py --dump get-stats lists $ifname"
	else
		fail "cli.py --dump get-stats" "$(details)"
	fi
	# cli.py does not say when it has joined: events go out until it is done.
	"${cli[@]}" --subscribe events --sleep 15 >"$scratch/cli-events" 2>&1 &
	local listener=$! i
	for i in $(seq 1 30); do
		kill -0 "$listener" 2>/dev/null || break
		"$client" --msg "seen by cli.py" >/dev/null
		ip link set "$ifname" down
		ip link set "$ifname" up
		sleep 0.5
	done
	wait "$listener"
	if grep -q '"name": "echo-event"' "$scratch/cli-events" && grep -q '"msg": "seen by cli.py"' "$scratch/cli-events" &&
		grep -q '"name": "link-event"' "$scratch/cli-events"; then
		pass "cli.py --subscribe events: echo-event and link-event decoded"
	else
		fail "cli.py --subscribe events" "$(cat "$scratch/cli-events")"
	fi
}

require_family_registered

# Every check, or only those named on the command line (without "check_").
if [ $# -eq 0 ]; then
	set -- ctrl_listing load_cycles echo_all other_rejections echo_event link_events traffic strict_header_and_per_op_policy stats_vs_delete reset_vs_get link_event_after_state_change rtnl_waiters pktgen rename_vs_get_stats rename_vs_name_check ynl_cli unload_with_clients taint
fi
for name in "$@"; do
	if ! declare -F "check_$name" >/dev/null; then
		echo "run-in-vm.sh: no check named $name" >&2
		exit 2
	fi
	"check_$name"
done

finish
