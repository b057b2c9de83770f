/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * vnet_nl: generic netlink family of the virtual loopback network driver.
 *
 * This header is the single source of truth for every name and number of the
 * family. The kernel module includes it, the C clients include it, and the Java
 * constants are generated from it by jextract (see jextract/regenerate).
 * Append only: never renumber an existing command or attribute.
 */
#ifndef _UAPI_LINUX_VNET_NL_H
#define _UAPI_LINUX_VNET_NL_H

#define VNET_NL_FAMILY_NAME	"vnet_nl"
#define VNET_NL_FAMILY_VERSION	1

/* Multicast group: every ECHO and every link state change is published here. */
#define VNET_NL_MCGRP_EVENTS	"events"

/* Default name of the virtual loopback device created at module load. */
#define VNET_NL_DEFAULT_IFNAME	"vnet0"

/* Longest VNET_NL_ATTR_MSG payload, in bytes, not counting the terminating NUL. */
#define VNET_NL_MSG_MAX_LEN	255

/* Largest value of VNET_NL_ATTR_FLAG and VNET_NL_ATTR_LINK_UP (both are booleans). */
#define VNET_NL_BOOL_MAX	1

enum vnet_nl_cmd {
	VNET_NL_CMD_UNSPEC,
	/*
	 * ECHO (doit): replies to the sender with the MSG, VALUE and FLAG
	 * attributes it received (each optional) and publishes the same message
	 * to the "events" group. No privilege needed.
	 */
	VNET_NL_CMD_ECHO,
	/*
	 * GET_STATS: doit with IFINDEX or IFNAME for one device, dumpit for all.
	 * Replies with IFINDEX, IFNAME, LINK_UP and the nested STATS.
	 */
	VNET_NL_CMD_GET_STATS,
	/* SET_LINK (doit, CAP_NET_ADMIN): IFINDEX or IFNAME and LINK_UP. */
	VNET_NL_CMD_SET_LINK,
	/* RESET_STATS (doit, CAP_NET_ADMIN): IFINDEX or IFNAME. */
	VNET_NL_CMD_RESET_STATS,
	/*
	 * LINK_EVENT: notification only (sent to "events", never accepted as a
	 * request): IFINDEX, IFNAME and LINK_UP after a state change.
	 */
	VNET_NL_CMD_LINK_EVENT,

	__VNET_NL_CMD_MAX,
};
#define VNET_NL_CMD_MAX (__VNET_NL_CMD_MAX - 1)

enum vnet_nl_attr {
	VNET_NL_ATTR_UNSPEC,
	VNET_NL_ATTR_MSG,	/* NUL-terminated string, at most VNET_NL_MSG_MAX_LEN bytes */
	VNET_NL_ATTR_VALUE,	/* u32 */
	VNET_NL_ATTR_FLAG,	/* u8, 0 or 1 */
	VNET_NL_ATTR_IFINDEX,	/* u32 */
	VNET_NL_ATTR_IFNAME,	/* NUL-terminated string, shorter than IFNAMSIZ (16) */
	VNET_NL_ATTR_LINK_UP,	/* u8, 0 or 1 */
	VNET_NL_ATTR_STATS,	/* nested, enum vnet_nl_stats_attr */
	VNET_NL_ATTR_PAD,	/* padding for 64-bit attributes */

	__VNET_NL_ATTR_MAX,
};
#define VNET_NL_ATTR_MAX (__VNET_NL_ATTR_MAX - 1)

/* Nested in VNET_NL_ATTR_STATS: the device's counters, all u64. */
enum vnet_nl_stats_attr {
	VNET_NL_STATS_UNSPEC,
	VNET_NL_STATS_RX_PACKETS,
	VNET_NL_STATS_TX_PACKETS,
	VNET_NL_STATS_RX_BYTES,
	VNET_NL_STATS_TX_BYTES,
	VNET_NL_STATS_RX_DROPPED,
	VNET_NL_STATS_TX_DROPPED,
	VNET_NL_STATS_PAD,

	__VNET_NL_STATS_MAX,
};
#define VNET_NL_STATS_MAX (__VNET_NL_STATS_MAX - 1)

#endif /* _UAPI_LINUX_VNET_NL_H */
