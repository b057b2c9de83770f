# SPDX-License-Identifier: GPL-2.0
#
# Helpers shared by the VM test scripts (run-in-vm.sh, reliability-in-vm.sh),
# sourced by them. The sourcing script sets "scratch" to a private directory
# and removes it at exit. Each check prints one "PASS ..." or "FAIL ..." line;
# finish prints "N passed, M failed" and returns non-zero if any check failed.

# The sample client: the VM runner's (VNET_NL_CLIENT), or the one installed
# where the module is loaded already (the Vagrant machine's /usr/local/bin).
client=${VNET_NL_CLIENT:-$(command -v vnet-nl-client)}
[ -n "$client" ] || { echo "VNET_NL_CLIENT not set and no vnet-nl-client on PATH: run through kernel-module/vm/run" >&2; exit 2; }
# The device the module creates when it loads.
readonly ifname=vnet0

passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
# fail NAME [DETAIL...]: each detail is printed indented on its own line.
fail() {
	failed=$((failed + 1))
	echo "FAIL $1"
	shift
	[ $# -gt 0 ] && printf '     %s\n' "$@"
	return 0
}
finish() {
	echo "$passed passed, $failed failed"
	[ "$failed" = 0 ]
}

# Runs a command, keeping its stdout, stderr and status for the checks.
run() {
	"$@" >"$scratch/out" 2>"$scratch/err"
	status=$?
	out=$(cat "$scratch/out")
	err=$(cat "$scratch/err")
}
details() { printf 'status %s\nstdout: %s\nstderr: %s' "$status" "$out" "$err"; }

# The checks that unload and load the module need its file, which only the
# VM runner gives (VNET_NL_KO): elsewhere, the family's lookup after rmmod
# would load the installed module again by its alias.
require_module_file() {
	[ -n "${VNET_NL_KO:-}" ] && return 0
	fail "$1: VNET_NL_KO is not set (the VM runner sets it)"
	return 1
}

family_registered() { genl-ctrl-list 2>/dev/null | grep -q '^0x[0-9a-f]* vnet_nl version 1$'; }
# The checks assume the runner inserted the module: without it every check
# would fail for the same reason, so stop with that one failure.
require_family_registered() {
	family_registered || { echo "FAIL vnet_nl is not registered at start"; echo "0 passed, 1 failed"; exit 1; }
}

# A mark in the kernel log: the time stamp of its last record. A count of
# lines would stop moving once the log buffer is full and wraps (the rename
# check fills it), and hide everything logged after.
dmesg_mark() {
	dmesg | awk 'match($0, /^\[ *[0-9]+\.[0-9]+\]/) { t = substr($0, 2, RLENGTH - 2) }
		END { gsub(/ /, "", t); print (t == "" ? "0" : t) }'
}
# Lines the kernel logged after a mark (a record's continuation lines, which
# have no time stamp, go with it).
dmesg_since() {
	dmesg | awk -v mark="$1" 'match($0, /^\[ *[0-9]+\.[0-9]+\]/) { after = substr($0, 2, RLENGTH - 2) + 0 > mark + 0 }
		after'
}
# What in the kernel log shows a bug (ours or the kernel's).
readonly kernel_problem_pattern='WARNING:|BUG:|Oops|general protection|Call Trace:|KASAN|UBSAN|refcount_t:|corruption|lockup|blocked for more than|stall'
# Lines the kernel logged since a mark that show a bug.
dmesg_problems_since() {
	dmesg_since "$1" | grep -E "$kernel_problem_pattern"
}
# check_kernel_log MARK WHAT [PASSED]: one check that nothing went wrong in the
# kernel log since MARK, named after WHAT ran in between; PASSED, if given,
# replaces "kernel log clean after WHAT" as the line printed when it passes.
check_kernel_log() {
	local problems
	problems=$(dmesg_problems_since "$1")
	if [ -z "$problems" ]; then
		pass "${3:-kernel log clean after $2}"
	else
		fail "kernel log after $2" "$problems"
	fi
}

# poll TENTHS CMD...: runs CMD every 0.1 s until it succeeds, at most TENTHS
# times; the status says whether it did.
poll() {
	local tries=$1 i
	shift
	for i in $(seq 1 "$tries"); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# Waits up to 15 s until a background listener has joined the group (it says
# so on stderr, file $1).
wait_listening() { poll 150 grep -qs 'listening to vnet_nl/events' "$1"; }

# The value of counter $1 in a GET_STATS line $2.
stat_of() { sed -n "s/.* $1=\([0-9]*\).*/\1/p" <<<"$2"; }

# Taint flags 12 (O, out-of-tree module) and 13 (E, unsigned module) are
# expected from loading vnet_nl; any other means something went wrong.
check_taint() {
	local tainted other
	tainted=$(cat /proc/sys/kernel/tainted)
	other=$((tainted & ~((1 << 12) | (1 << 13))))
	if [ "$other" = 0 ]; then
		pass "kernel taint only O/E (out-of-tree, unsigned): $tainted"
	else
		fail "kernel tainted: $tainted" "$(dmesg | grep -iE 'taint' | tail -n 5)"
	fi
}
