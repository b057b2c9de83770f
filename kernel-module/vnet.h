/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Internal interface between the vnet network device (vnet_dev.c) and its
 * generic netlink family (vnet_genl.c).
 */
#ifndef VNET_H
#define VNET_H

#include <linux/netdevice.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/vnet_nl.h>
#include <net/genetlink.h>

#include "vnet_nl-genl-gen.h"

/* The counters VNET_NL_CMD_GET_STATS reports. */
struct vnet_counters {
	u64 rx_packets;
	u64 tx_packets;
	u64 rx_bytes;
	u64 tx_bytes;
	u64 rx_dropped;
	u64 tx_dropped;
};

struct vnet_priv {
	/*
	 * RESET_STATS does not zero the per-CPU counters (their writers run
	 * lock-free on every CPU); it records the current totals here and
	 * GET_STATS reports the difference. The lock covers reading the totals
	 * too: a base stored between another reader's read and its subtraction
	 * would make the difference wrap.
	 */
	spinlock_t stats_lock;
	struct vnet_counters stats_base;
};

bool vnet_is_vnet_dev(const struct net_device *dev);
void vnet_read_counters(struct net_device *dev, struct vnet_counters *counters);
void vnet_reset_counters(struct net_device *dev);

/* Defined next to the generated policies and op table (vnet_family.c). */
extern struct genl_family vnet_nl_family;

int vnet_genl_register(void);
void vnet_genl_unregister(void);

#endif /* VNET_H */
