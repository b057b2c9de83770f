// SPDX-License-Identifier: GPL-2.0
/*
 * The vnet_nl generic netlink family: ECHO, statistics and link control of the
 * vnet devices, and the "events" multicast group. Every name and number comes
 * from include/uapi/linux/vnet_nl.h.
 *
 * Validation is strict (every command is at or after .resv_start_op): unknown
 * attributes, wrong lengths, out-of-range values and stray header fields are
 * rejected by the core with an extended ACK that points at the attribute and
 * at its policy. Checks the policy cannot express are made in the handlers,
 * with extended ACK messages that name the attribute.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/ratelimit.h>
#include <linux/rtnetlink.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "vnet.h"

static bool log_echo = true;
module_param(log_echo, bool, 0644);
MODULE_PARM_DESC(log_echo, "log every ECHO request to the kernel log, rate limited (default on)");

enum vnet_nl_mcgrp_index {
	VNET_NL_MCGRP_EVENTS_INDEX,
};

static const struct genl_multicast_group vnet_nl_mcgrps[] = {
	[VNET_NL_MCGRP_EVENTS_INDEX] = { .name = VNET_NL_MCGRP_EVENTS },
};

/*
 * One policy for the whole family, so that CTRL_CMD_GETPOLICY describes every
 * attribute with its limits once. STATS and PAD appear only in replies and
 * events: as requests they are rejected.
 */
static const struct nla_policy vnet_nl_policy[VNET_NL_ATTR_MAX + 1] = {
	[VNET_NL_ATTR_MSG]	= { .type = NLA_NUL_STRING, .len = VNET_NL_MSG_MAX_LEN },
	[VNET_NL_ATTR_VALUE]	= { .type = NLA_U32 },
	[VNET_NL_ATTR_FLAG]	= NLA_POLICY_MAX(NLA_U8, VNET_NL_BOOL_MAX),
	[VNET_NL_ATTR_IFINDEX]	= NLA_POLICY_MIN(NLA_U32, 1),
	[VNET_NL_ATTR_IFNAME]	= { .type = NLA_NUL_STRING, .len = IFNAMSIZ - 1 },
	[VNET_NL_ATTR_LINK_UP]	= NLA_POLICY_MAX(NLA_U8, VNET_NL_BOOL_MAX),
	[VNET_NL_ATTR_STATS]	= { .type = NLA_REJECT,
				    .reject_message = "VNET_NL_ATTR_STATS is only sent by the kernel" },
	[VNET_NL_ATTR_PAD]	= { .type = NLA_REJECT,
				    .reject_message = "VNET_NL_ATTR_PAD is only sent by the kernel" },
};

static struct genl_family vnet_nl_family;

/* Fails the request, naming the missing attribute, when it is absent. */
#define VNET_NL_REQUIRE_ATTR(info, attr)					\
	do {								\
		if (!(info)->attrs[attr]) {				\
			NL_SET_ERR_MSG((info)->extack, #attr " is required"); \
			NL_SET_ERR_ATTR_MISS((info)->extack, NULL, attr); \
			return -EINVAL;					\
		}							\
	} while (0)

/* ---- ECHO ---------------------------------------------------------------- */

static size_t vnet_nl_echo_size(const struct genl_info *info)
{
	size_t size = 0;

	if (info->attrs[VNET_NL_ATTR_MSG])
		size += nla_total_size(strnlen(nla_data(info->attrs[VNET_NL_ATTR_MSG]),
					       VNET_NL_MSG_MAX_LEN) + 1);
	if (info->attrs[VNET_NL_ATTR_VALUE])
		size += nla_total_size(sizeof(u32));
	if (info->attrs[VNET_NL_ATTR_FLAG])
		size += nla_total_size(sizeof(u8));
	return size;
}

/* Builds an ECHO message carrying the attributes of the request. */
static struct sk_buff *vnet_nl_echo_msg(const struct genl_info *info, u32 portid, u32 seq)
{
	struct nlattr **attrs = info->attrs;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(vnet_nl_echo_size(info), GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);

	hdr = genlmsg_put(msg, portid, seq, &vnet_nl_family, 0, VNET_NL_CMD_ECHO);
	if (!hdr)
		goto too_big;

	/* The policy guarantees a NUL within the first VNET_NL_MSG_MAX_LEN + 1 bytes. */
	if (attrs[VNET_NL_ATTR_MSG] &&
	    nla_put_string(msg, VNET_NL_ATTR_MSG, nla_data(attrs[VNET_NL_ATTR_MSG])))
		goto too_big;
	if (attrs[VNET_NL_ATTR_VALUE] &&
	    nla_put_u32(msg, VNET_NL_ATTR_VALUE, nla_get_u32(attrs[VNET_NL_ATTR_VALUE])))
		goto too_big;
	if (attrs[VNET_NL_ATTR_FLAG] &&
	    nla_put_u8(msg, VNET_NL_ATTR_FLAG, nla_get_u8(attrs[VNET_NL_ATTR_FLAG])))
		goto too_big;

	genlmsg_end(msg, hdr);
	return msg;

too_big:
	nlmsg_free(msg);
	return ERR_PTR(-EMSGSIZE);
}

static void vnet_nl_log_echo(const struct genl_info *info)
{
	static DEFINE_RATELIMIT_STATE(echo_log_rs, DEFAULT_RATELIMIT_INTERVAL,
				      DEFAULT_RATELIMIT_BURST);
	const struct nlattr *msg = info->attrs[VNET_NL_ATTR_MSG];
	const struct nlattr *value = info->attrs[VNET_NL_ATTR_VALUE];
	const struct nlattr *flag = info->attrs[VNET_NL_ATTR_FLAG];
	char value_text[sizeof("4294967295")] = "-";
	char flag_text[sizeof("255")] = "-";

	if (!READ_ONCE(log_echo) || !__ratelimit(&echo_log_rs))
		return;

	if (value)
		snprintf(value_text, sizeof(value_text), "%u", nla_get_u32(value));
	if (flag)
		snprintf(flag_text, sizeof(flag_text), "%u", nla_get_u8(flag));

	/* %*pE escapes whatever non-printable bytes user space put in the string. */
	if (msg)
		pr_info("ECHO from port %u: msg=\"%*pE\" value=%s flag=%s\n", info->snd_portid,
			(int)strnlen(nla_data(msg), VNET_NL_MSG_MAX_LEN), nla_data(msg),
			value_text, flag_text);
	else
		pr_info("ECHO from port %u: msg=- value=%s flag=%s\n", info->snd_portid,
			value_text, flag_text);
}

static int vnet_nl_echo_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sk_buff *reply;

	vnet_nl_log_echo(info);

	/* Events are best effort: a failure to publish does not fail the request. */
	if (genl_has_listeners(&vnet_nl_family, net, VNET_NL_MCGRP_EVENTS_INDEX)) {
		struct sk_buff *event = vnet_nl_echo_msg(info, 0, 0);

		if (!IS_ERR(event))
			genlmsg_multicast_netns(&vnet_nl_family, net, event, 0,
						VNET_NL_MCGRP_EVENTS_INDEX, GFP_KERNEL);
	}

	reply = vnet_nl_echo_msg(info, info->snd_portid, info->snd_seq);
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	return genlmsg_reply(reply, info);
}

/* ---- Devices --------------------------------------------------------------- */

/*
 * The vnet device named by IFINDEX and/or IFNAME in the requester's network
 * namespace, with a reference the caller drops with dev_put().
 */
static struct net_device *vnet_nl_get_dev(struct genl_info *info)
{
	struct nlattr *index_attr = info->attrs[VNET_NL_ATTR_IFINDEX];
	struct nlattr *name_attr = info->attrs[VNET_NL_ATTR_IFNAME];
	struct net *net = genl_info_net(info);
	struct net_device *dev;

	if (!index_attr && !name_attr) {
		NL_SET_ERR_MSG(info->extack,
			       "VNET_NL_ATTR_IFINDEX or VNET_NL_ATTR_IFNAME is required");
		NL_SET_ERR_ATTR_MISS(info->extack, NULL, VNET_NL_ATTR_IFINDEX);
		return ERR_PTR(-EINVAL);
	}

	if (index_attr) {
		dev = dev_get_by_index(net, nla_get_u32(index_attr));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(info->extack, index_attr,
					    "no device with this VNET_NL_ATTR_IFINDEX");
			return ERR_PTR(-ENODEV);
		}
		if (name_attr && nla_strcmp(name_attr, dev->name)) {
			dev_put(dev);
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "VNET_NL_ATTR_IFNAME does not match VNET_NL_ATTR_IFINDEX");
			return ERR_PTR(-EINVAL);
		}
	} else {
		dev = dev_get_by_name(net, nla_data(name_attr));
		if (!dev) {
			NL_SET_ERR_MSG_ATTR(info->extack, name_attr,
					    "no device with this VNET_NL_ATTR_IFNAME");
			return ERR_PTR(-ENODEV);
		}
	}

	if (!vnet_is_vnet_dev(dev)) {
		dev_put(dev);
		NL_SET_ERR_MSG_ATTR(info->extack, index_attr ?: name_attr,
				    "the device is not a vnet device");
		return ERR_PTR(-EOPNOTSUPP);
	}
	return dev;
}

static int vnet_nl_put_link(struct sk_buff *msg, struct net_device *dev, bool up)
{
	if (nla_put_u32(msg, VNET_NL_ATTR_IFINDEX, dev->ifindex) ||
	    nla_put_string(msg, VNET_NL_ATTR_IFNAME, dev->name) ||
	    nla_put_u8(msg, VNET_NL_ATTR_LINK_UP, up))
		return -EMSGSIZE;
	return 0;
}

static size_t vnet_nl_link_size(void)
{
	return nla_total_size(sizeof(u32)) +	/* IFINDEX */
	       nla_total_size(IFNAMSIZ) +	/* IFNAME */
	       nla_total_size(sizeof(u8));	/* LINK_UP */
}

static size_t vnet_nl_stats_size(void)
{
	return vnet_nl_link_size() +
	       nla_total_size(0) +				/* STATS */
	       6 * nla_total_size_64bit(sizeof(u64));		/* counters */
}

/*
 * @cb: the dump this message belongs to, or NULL for a doit reply; a dump's
 * messages carry NLM_F_DUMP_INTR when the device list changed since its
 * previous part.
 */
static int vnet_nl_fill_stats(struct sk_buff *msg, struct net_device *dev,
			      u32 portid, u32 seq, int flags, struct netlink_callback *cb)
{
	struct vnet_counters c;
	struct nlattr *nest;
	void *hdr;

	hdr = genlmsg_put(msg, portid, seq, &vnet_nl_family, flags, VNET_NL_CMD_GET_STATS);
	if (!hdr)
		return -EMSGSIZE;
	if (cb)
		genl_dump_check_consistent(cb, hdr);

	if (vnet_nl_put_link(msg, dev, READ_ONCE(dev->flags) & IFF_UP))
		goto cancel;

	nest = nla_nest_start(msg, VNET_NL_ATTR_STATS);
	if (!nest)
		goto cancel;

	vnet_read_counters(dev, &c);
	if (nla_put_u64_64bit(msg, VNET_NL_STATS_RX_PACKETS, c.rx_packets, VNET_NL_STATS_PAD) ||
	    nla_put_u64_64bit(msg, VNET_NL_STATS_TX_PACKETS, c.tx_packets, VNET_NL_STATS_PAD) ||
	    nla_put_u64_64bit(msg, VNET_NL_STATS_RX_BYTES, c.rx_bytes, VNET_NL_STATS_PAD) ||
	    nla_put_u64_64bit(msg, VNET_NL_STATS_TX_BYTES, c.tx_bytes, VNET_NL_STATS_PAD) ||
	    nla_put_u64_64bit(msg, VNET_NL_STATS_RX_DROPPED, c.rx_dropped, VNET_NL_STATS_PAD) ||
	    nla_put_u64_64bit(msg, VNET_NL_STATS_TX_DROPPED, c.tx_dropped, VNET_NL_STATS_PAD))
		goto cancel;

	nla_nest_end(msg, nest);
	genlmsg_end(msg, hdr);
	return 0;

cancel:
	genlmsg_cancel(msg, hdr);
	return -EMSGSIZE;
}

static int vnet_nl_get_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;
	struct sk_buff *msg;
	int err;

	dev = vnet_nl_get_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	msg = genlmsg_new(vnet_nl_stats_size(), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}

	err = vnet_nl_fill_stats(msg, dev, info->snd_portid, info->snd_seq, 0, NULL);
	if (err) {
		nlmsg_free(msg);
		goto out;
	}
	err = genlmsg_reply(msg, info);
out:
	dev_put(dev);
	return err;
}

/*
 * One message per vnet device of the requester's namespace; cb->args[0]:
 * devices done. The position is a count, so a device registered or
 * unregistered between two parts of the dump can make it skip or repeat one.
 * The namespace's device list generation (dev_base_seq, bumped by the core
 * whenever a device is listed or unlisted there: created, deleted, moved in or
 * out, renamed; never 0) is recorded for each part, and the core marks the
 * parts after a change with NLM_F_DUMP_INTR, so user space knows to retry,
 * as for RTM_GETLINK.
 */
static int vnet_nl_get_stats_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	long done = cb->args[0];
	struct net_device *dev;
	long index = 0;

	rcu_read_lock();
	cb->seq = READ_ONCE(net->dev_base_seq);
	for_each_netdev_rcu(net, dev) {
		if (!vnet_is_vnet_dev(dev))
			continue;
		if (index >= done &&
		    vnet_nl_fill_stats(skb, dev, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI, cb))
			break;
		index++;
	}
	rcu_read_unlock();

	cb->args[0] = index;
	return skb->len;
}

static int vnet_nl_set_link_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;
	unsigned int flags;
	bool up;
	int err;

	VNET_NL_REQUIRE_ATTR(info, VNET_NL_ATTR_LINK_UP);
	up = nla_get_u8(info->attrs[VNET_NL_ATTR_LINK_UP]);

	dev = vnet_nl_get_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	rtnl_lock();
	if (dev->reg_state != NETREG_REGISTERED) {
		/* Deleted between the lookup and the lock. */
		NL_SET_ERR_MSG(info->extack, "the device is being deleted");
		err = -ENODEV;
	} else {
		flags = up ? dev->flags | IFF_UP : dev->flags & ~IFF_UP;
		/* Opening or closing the device publishes the link event. */
		err = dev_change_flags(dev, flags, info->extack);
	}
	rtnl_unlock();

	dev_put(dev);
	return err;
}

static int vnet_nl_reset_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;

	dev = vnet_nl_get_dev(info);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	vnet_reset_counters(dev);
	dev_put(dev);
	return 0;
}

/* Publishes a LINK_EVENT to the "events" group of the device's namespace. */
void vnet_genl_notify_link(struct net_device *dev, bool up)
{
	struct net *net = dev_net(dev);
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&vnet_nl_family, net, VNET_NL_MCGRP_EVENTS_INDEX))
		return;

	msg = genlmsg_new(vnet_nl_link_size(), GFP_KERNEL);
	if (!msg)
		return;

	hdr = genlmsg_put(msg, 0, 0, &vnet_nl_family, 0, VNET_NL_CMD_LINK_EVENT);
	if (!hdr || vnet_nl_put_link(msg, dev, up)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&vnet_nl_family, net, msg, 0,
				VNET_NL_MCGRP_EVENTS_INDEX, GFP_KERNEL);
}

/*
 * LINK_EVENT has no operation: as a request it is refused with EOPNOTSUPP.
 * Commands that change state need CAP_NET_ADMIN in the user namespace that
 * owns the requester's network namespace.
 */
static const struct genl_small_ops vnet_nl_ops[] = {
	{
		.cmd	= VNET_NL_CMD_ECHO,
		.doit	= vnet_nl_echo_doit,
	},
	{
		.cmd	= VNET_NL_CMD_GET_STATS,
		.doit	= vnet_nl_get_stats_doit,
		.dumpit	= vnet_nl_get_stats_dumpit,
	},
	{
		.cmd	= VNET_NL_CMD_SET_LINK,
		.doit	= vnet_nl_set_link_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd	= VNET_NL_CMD_RESET_STATS,
		.doit	= vnet_nl_reset_stats_doit,
		.flags	= GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family vnet_nl_family __ro_after_init = {
	.name		= VNET_NL_FAMILY_NAME,
	.version	= VNET_NL_FAMILY_VERSION,
	.maxattr	= VNET_NL_ATTR_MAX,
	.policy		= vnet_nl_policy,
	.netnsok	= true,
	.module		= THIS_MODULE,
	.small_ops	= vnet_nl_ops,
	.n_small_ops	= ARRAY_SIZE(vnet_nl_ops),
	/* Every command is validated strictly, header reserved fields included. */
	.resv_start_op	= VNET_NL_CMD_MAX + 1,
	.mcgrps		= vnet_nl_mcgrps,
	.n_mcgrps	= ARRAY_SIZE(vnet_nl_mcgrps),
};

int __init vnet_genl_register(void)
{
	int err = genl_register_family(&vnet_nl_family);

	if (err)
		pr_err("cannot register generic netlink family %s: %d\n",
		       VNET_NL_FAMILY_NAME, err);
	return err;
}

void vnet_genl_unregister(void)
{
	genl_unregister_family(&vnet_nl_family);
}

/* Resolving the family by name loads the module. */
MODULE_ALIAS_GENL_FAMILY(VNET_NL_FAMILY_NAME);
