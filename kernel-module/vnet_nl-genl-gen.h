/* SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause) */
/* Do not edit directly, auto-generated from: */
/*	kernel-module/vnet_nl.yaml */
/* YNL-GEN kernel header */

#ifndef _LINUX_VNET_NL_GEN_H
#define _LINUX_VNET_NL_GEN_H

#include <net/netlink.h>
#include <net/genetlink.h>

#include <uapi/linux/vnet_nl.h>

extern const struct nla_policy vnet_nl_echo_nl_policy[VNET_NL_ATTR_FLAG + 1];

extern const struct nla_policy vnet_nl_get_stats_nl_policy[VNET_NL_ATTR_IFNAME + 1];

extern const struct nla_policy vnet_nl_set_link_nl_policy[VNET_NL_ATTR_LINK_UP + 1];

extern const struct nla_policy vnet_nl_reset_stats_nl_policy[VNET_NL_ATTR_IFNAME + 1];

/* Ops table for vnet_nl */
extern const struct genl_ops vnet_nl_nl_ops[4];

int vnet_nl_nl_echo_doit(struct sk_buff *skb, struct genl_info *info);
int vnet_nl_nl_get_stats_doit(struct sk_buff *skb, struct genl_info *info);
int vnet_nl_nl_get_stats_dumpit(struct sk_buff *skb,
				struct netlink_callback *cb);
int vnet_nl_nl_set_link_doit(struct sk_buff *skb, struct genl_info *info);
int vnet_nl_nl_reset_stats_doit(struct sk_buff *skb, struct genl_info *info);

enum {
	VNET_NL_NLGRP_EVENTS,
};

#endif /* _LINUX_VNET_NL_GEN_H */
