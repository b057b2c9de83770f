// SPDX-License-Identifier: ((GPL-2.0 WITH Linux-syscall-note) OR BSD-3-Clause)
/* Do not edit directly, auto-generated from: */
/*	kernel-module/vnet_nl.yaml */
/* YNL-GEN kernel source */

#include <net/netlink.h>
#include <net/genetlink.h>

#include "vnet_nl-genl-gen.h"

#include <uapi/linux/vnet_nl.h>

/* VNET_NL_CMD_ECHO - do */
const struct nla_policy vnet_nl_echo_nl_policy[VNET_NL_ATTR_FLAG + 1] = {
	[VNET_NL_ATTR_MSG] = { .type = NLA_NUL_STRING, .len = VNET_NL_MSG_MAX_LEN, },
	[VNET_NL_ATTR_VALUE] = { .type = NLA_U32, },
	[VNET_NL_ATTR_FLAG] = NLA_POLICY_MAX(NLA_U8, VNET_NL_BOOL_MAX),
};

/* VNET_NL_CMD_GET_STATS - do */
const struct nla_policy vnet_nl_get_stats_nl_policy[VNET_NL_ATTR_IFNAME + 1] = {
	[VNET_NL_ATTR_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VNET_NL_ATTR_IFNAME] = { .type = NLA_NUL_STRING, .len = VNET_NL_IFNAME_MAX_LEN, },
};

/* VNET_NL_CMD_SET_LINK - do */
const struct nla_policy vnet_nl_set_link_nl_policy[VNET_NL_ATTR_LINK_UP + 1] = {
	[VNET_NL_ATTR_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VNET_NL_ATTR_IFNAME] = { .type = NLA_NUL_STRING, .len = VNET_NL_IFNAME_MAX_LEN, },
	[VNET_NL_ATTR_LINK_UP] = NLA_POLICY_MAX(NLA_U8, VNET_NL_BOOL_MAX),
};

/* VNET_NL_CMD_RESET_STATS - do */
const struct nla_policy vnet_nl_reset_stats_nl_policy[VNET_NL_ATTR_IFNAME + 1] = {
	[VNET_NL_ATTR_IFINDEX] = NLA_POLICY_MIN(NLA_U32, 1),
	[VNET_NL_ATTR_IFNAME] = { .type = NLA_NUL_STRING, .len = VNET_NL_IFNAME_MAX_LEN, },
};

/* Ops table for vnet_nl */
const struct genl_ops vnet_nl_nl_ops[4] = {
	{
		.cmd		= VNET_NL_CMD_ECHO,
		.doit		= vnet_nl_nl_echo_doit,
		.policy		= vnet_nl_echo_nl_policy,
		.maxattr	= VNET_NL_ATTR_FLAG,
	},
	{
		.cmd		= VNET_NL_CMD_GET_STATS,
		.doit		= vnet_nl_nl_get_stats_doit,
		.dumpit		= vnet_nl_nl_get_stats_dumpit,
		.policy		= vnet_nl_get_stats_nl_policy,
		.maxattr	= VNET_NL_ATTR_IFNAME,
	},
	{
		.cmd		= VNET_NL_CMD_SET_LINK,
		.doit		= vnet_nl_nl_set_link_doit,
		.policy		= vnet_nl_set_link_nl_policy,
		.maxattr	= VNET_NL_ATTR_LINK_UP,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd		= VNET_NL_CMD_RESET_STATS,
		.doit		= vnet_nl_nl_reset_stats_doit,
		.policy		= vnet_nl_reset_stats_nl_policy,
		.maxattr	= VNET_NL_ATTR_IFNAME,
		.flags		= GENL_UNS_ADMIN_PERM,
	},
};

static const struct genl_multicast_group vnet_nl_nl_mcgrps[] = {
	[VNET_NL_NLGRP_EVENTS] = { "events", },
};
