// SPDX-License-Identifier: GPL-2.0
/*
 * The vnet_nl generic netlink family: ECHO, statistics and link control of the
 * vnet devices, and the "events" multicast group: the handlers. The family
 * is described by vnet_nl.yaml; its names and numbers (uapi header), per-op
 * policies and op table (vnet_nl-genl-gen.[ch]) are generated from it.
 *
 * Validation is strict for every command (.resv_start_op is 0): unknown
 * attributes, attributes the command does not take, wrong lengths,
 * out-of-range values and stray header fields are rejected by the core with
 * an extended ACK that points at the attribute and at its policy. Checks the
 * policy cannot express are made in the handlers, with extended ACK messages
 * that name the attribute.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/notifier.h>
#include <linux/ratelimit.h>
#include <linux/rtnetlink.h>
#include <linux/string.h>
#include <net/genetlink.h>
#include <net/net_namespace.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "vnet.h"

static bool log_echo = true;
module_param(log_echo, bool, 0644);
MODULE_PARM_DESC(log_echo, "log every ECHO request to the kernel log, rate limited (default on)");

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
static struct sk_buff *vnet_nl_echo_msg(const struct genl_info *info, u32 portid, u32 seq,
					u8 cmd)
{
	struct nlattr **attrs = info->attrs;
	struct sk_buff *msg;
	void *hdr;

	msg = genlmsg_new(vnet_nl_echo_size(info), GFP_KERNEL);
	if (!msg)
		return ERR_PTR(-ENOMEM);

	hdr = genlmsg_put(msg, portid, seq, &vnet_nl_family, 0, cmd);
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

int vnet_nl_nl_echo_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sk_buff *reply;

	vnet_nl_log_echo(info);

	/* Events are best effort: a failure to publish does not fail the request. */
	if (genl_has_listeners(&vnet_nl_family, net, VNET_NL_NLGRP_EVENTS)) {
		struct sk_buff *event = vnet_nl_echo_msg(info, 0, 0, VNET_NL_CMD_ECHO_EVENT);

		if (!IS_ERR(event))
			genlmsg_multicast_netns(&vnet_nl_family, net, event, 0,
						VNET_NL_NLGRP_EVENTS, GFP_KERNEL);
	}

	reply = vnet_nl_echo_msg(info, info->snd_portid, info->snd_seq, VNET_NL_CMD_ECHO);
	if (IS_ERR(reply))
		return PTR_ERR(reply);
	return genlmsg_reply(reply, info);
}

/* ---- Devices --------------------------------------------------------------- */

/*
 * dev->name is rewritten in place under RTNL (SIOCSIFNAME, "ip link set
 * name", a move to another namespace): read without RTNL it can be half the
 * old name and half the new one, or lack its NUL. The core's reader that
 * needs no RTNL, netdev_copy_name() (a seqlock, Linux 6.9), is not exported
 * to modules, and Linux 6.1 has none: copy the name under RTNL.
 */
static void vnet_nl_copy_name(struct net_device *dev, char *name)
{
	rtnl_lock();
	strscpy(name, dev->name, IFNAMSIZ);
	rtnl_unlock();
}

/*
 * Whether @name_attr differs from @dev's name: compared with the name itself
 * when the caller holds RTNL, else with a copy taken under RTNL.
 */
static bool vnet_nl_name_differs(const struct nlattr *name_attr, struct net_device *dev,
				 bool rtnl_held)
{
	char name[IFNAMSIZ];

	if (rtnl_held)
		return nla_strcmp(name_attr, dev->name) != 0;
	vnet_nl_copy_name(dev, name);
	return nla_strcmp(name_attr, name) != 0;
}

/*
 * The vnet device named by IFINDEX and/or IFNAME in the requester's network
 * namespace, with a reference the caller drops with dev_put(). Only under
 * RTNL does the answer stay true: a device can be moved to another namespace
 * or deleted as soon as this returns. @rtnl_held: whether the caller holds
 * RTNL (the name check takes it otherwise).
 */
static struct net_device *vnet_nl_get_dev(struct genl_info *info, bool rtnl_held)
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
		if (name_attr && vnet_nl_name_differs(name_attr, dev, rtnl_held)) {
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

/* @name: the device's name, read under RTNL (see vnet_nl_copy_name()). */
static int vnet_nl_put_link(struct sk_buff *msg, struct net_device *dev, const char *name,
			    bool up)
{
	if (nla_put_u32(msg, VNET_NL_ATTR_IFINDEX, dev->ifindex) ||
	    nla_put_string(msg, VNET_NL_ATTR_IFNAME, name) ||
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
 * @name: the device's name, read under RTNL.
 * @cb: the dump this message belongs to, or NULL for a doit reply; a dump's
 * messages carry NLM_F_DUMP_INTR when the device list changed since its
 * previous part.
 */
static int vnet_nl_fill_stats(struct sk_buff *msg, struct net_device *dev, const char *name,
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

	if (vnet_nl_put_link(msg, dev, name, READ_ONCE(dev->flags) & IFF_UP))
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

int vnet_nl_nl_get_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	char name[IFNAMSIZ];
	struct net_device *dev;
	struct sk_buff *msg;
	int err;

	dev = vnet_nl_get_dev(info, false);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	msg = genlmsg_new(vnet_nl_stats_size(), GFP_KERNEL);
	if (!msg) {
		err = -ENOMEM;
		goto out;
	}

	vnet_nl_copy_name(dev, name);
	err = vnet_nl_fill_stats(msg, dev, name, info->snd_portid, info->snd_seq, 0, NULL);
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
int vnet_nl_nl_get_stats_dumpit(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct net *net = sock_net(skb->sk);
	long done = cb->args[0];
	struct net_device *dev;
	long index = 0;

	/*
	 * The op's policy is the doit's (one policy per command in genl_ops):
	 * the dump takes no attribute, so refuse the ones the policy let in.
	 */
	if (nlmsg_attrlen(cb->nlh, GENL_HDRLEN)) {
		NL_SET_ERR_MSG_ATTR(cb->extack, nlmsg_attrdata(cb->nlh, GENL_HDRLEN),
				    "the GET_STATS dump takes no attributes");
		return -EINVAL;
	}

	/* Under RTNL, which keeps the names whole (see vnet_nl_copy_name()). */
	rtnl_lock();
	cb->seq = net->dev_base_seq;
	for_each_netdev(net, dev) {
		if (!vnet_is_vnet_dev(dev))
			continue;
		if (index >= done &&
		    vnet_nl_fill_stats(skb, dev, dev->name, NETLINK_CB(cb->skb).portid,
				       cb->nlh->nlmsg_seq, NLM_F_MULTI, cb))
			break;
		index++;
	}
	rtnl_unlock();

	cb->args[0] = index;
	return skb->len;
}

int vnet_nl_nl_set_link_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;
	unsigned int flags;
	bool up;
	int err;

	if (GENL_REQ_ATTR_CHECK(info, VNET_NL_ATTR_LINK_UP)) {
		NL_SET_ERR_MSG(info->extack, "VNET_NL_ATTR_LINK_UP is required");
		return -EINVAL;
	}
	up = nla_get_u8(info->attrs[VNET_NL_ATTR_LINK_UP]);

	/*
	 * Looked up under RTNL, which moving a device to another namespace and
	 * deleting it both hold: the device changed is the one that is in the
	 * requester's namespace now.
	 */
	rtnl_lock();
	dev = vnet_nl_get_dev(info, true);
	if (IS_ERR(dev)) {
		err = PTR_ERR(dev);
	} else {
		flags = up ? dev->flags | IFF_UP : dev->flags & ~IFF_UP;
		/* The NETDEV_UP/NETDEV_DOWN notifier publishes the link event. */
		err = dev_change_flags(dev, flags, info->extack);
		dev_put(dev);
	}
	rtnl_unlock();
	return err;
}

int vnet_nl_nl_reset_stats_doit(struct sk_buff *skb, struct genl_info *info)
{
	struct net_device *dev;

	dev = vnet_nl_get_dev(info, false);
	if (IS_ERR(dev))
		return PTR_ERR(dev);

	vnet_reset_counters(dev);
	dev_put(dev);
	return 0;
}

/* Publishes a LINK_EVENT to the "events" group of the device's namespace. */
static void vnet_nl_notify_link(struct net_device *dev, bool up)
{
	struct net *net = dev_net(dev);
	struct sk_buff *msg;
	void *hdr;

	if (!genl_has_listeners(&vnet_nl_family, net, VNET_NL_NLGRP_EVENTS))
		return;

	msg = genlmsg_new(vnet_nl_link_size(), GFP_KERNEL);
	if (!msg)
		return;

	/* The netdevice notifier runs under RTNL: the name is whole. */
	hdr = genlmsg_put(msg, 0, 0, &vnet_nl_family, 0, VNET_NL_CMD_LINK_EVENT);
	if (!hdr || vnet_nl_put_link(msg, dev, dev->name, up)) {
		nlmsg_free(msg);
		return;
	}
	genlmsg_end(msg, hdr);
	genlmsg_multicast_netns(&vnet_nl_family, net, msg, 0, VNET_NL_NLGRP_EVENTS, GFP_KERNEL);
}

/*
 * NETDEV_UP and NETDEV_DOWN come after the core has set or cleared IFF_UP
 * (ndo_open and ndo_stop run before): a listener that reacts to the event
 * with GET_STATS reads the new state.
 */
static int vnet_nl_netdev_event(struct notifier_block *nb, unsigned long event, void *ptr)
{
	struct net_device *dev = netdev_notifier_info_to_dev(ptr);

	if (!vnet_is_vnet_dev(dev))
		return NOTIFY_DONE;

	switch (event) {
	case NETDEV_UP:
		vnet_nl_notify_link(dev, true);
		break;
	case NETDEV_DOWN:
		vnet_nl_notify_link(dev, false);
		break;
	}
	return NOTIFY_DONE;
}

static struct notifier_block vnet_nl_netdev_notifier = {
	.notifier_call = vnet_nl_netdev_event,
};

int __init vnet_genl_register(void)
{
	int err = genl_register_family(&vnet_nl_family);

	if (err) {
		pr_err("cannot register generic netlink family %s: %d\n",
		       VNET_NL_FAMILY_NAME, err);
		return err;
	}
	err = register_netdevice_notifier(&vnet_nl_netdev_notifier);
	if (err) {
		pr_err("cannot register the netdevice notifier: %d\n", err);
		genl_unregister_family(&vnet_nl_family);
	}
	return err;
}

/* After the last vnet device is gone: their link-down events still go out. */
void vnet_genl_unregister(void)
{
	unregister_netdevice_notifier(&vnet_nl_netdev_notifier);
	genl_unregister_family(&vnet_nl_family);
}

/* Resolving the family by name loads the module. */
MODULE_ALIAS_GENL_FAMILY(VNET_NL_FAMILY_NAME);
