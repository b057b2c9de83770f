/*
 * Input of the libnl bindings (package org.vnetnl.internal.libnl, class LibNl).
 *
 * Everything the Java side calls or whose layout/value it reads comes from these headers, so that
 * offsets and numbers are taken from the system headers instead of being copied by hand. Which
 * declarations are actually emitted is decided by libnl.args (the allowlist), not by this list.
 */
#define _GNU_SOURCE /* strerrordesc_np / strerrorname_np (glibc >= 2.32), CLONE_NEWNET */

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <linux/netlink.h>
#include <linux/genetlink.h>

#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/handlers.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
