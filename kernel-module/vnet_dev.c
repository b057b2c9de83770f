// SPDX-License-Identifier: GPL-2.0
/*
 * vnet: a virtual loopback Ethernet device. Every frame it transmits is handed
 * straight back to its own receive path, so traffic sent through it shows up
 * in both directions of its statistics. The device is managed through the
 * vnet_nl generic netlink family (vnet_genl.c) and through rtnetlink
 * ("ip link add type vnet", "ip link set vnet0 up").
 *
 * At load the module creates one device, named by the ifname parameter
 * (vnet0 by default), in the initial network namespace.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/etherdevice.h>
#include <linux/ethtool.h>
#include <linux/module.h>
#include <linux/netdevice.h>
#include <linux/string.h>
#include <net/rtnetlink.h>

#include "vnet.h"

#define VNET_LINK_KIND "vnet"

static char *ifname = VNET_NL_DEFAULT_IFNAME;
module_param(ifname, charp, 0444);
MODULE_PARM_DESC(ifname,
		 "name of the device created at load, may contain %d; empty: create none (default "
		 VNET_NL_DEFAULT_IFNAME ")");

static int vnet_dev_init(struct net_device *dev)
{
	dev->tstats = netdev_alloc_pcpu_stats(struct pcpu_sw_netstats);
	return dev->tstats ? 0 : -ENOMEM;
}

/*
 * The per-CPU counters live until the last reference to the device is gone
 * (priv_destructor runs then, and when registration fails after ndo_init),
 * not only until ndo_uninit: whoever holds a reference, such as a GET_STATS
 * racing with "ip link del", may still read them. Linux 6.7 lets the core
 * own them (pcpu_stat_type); this works the same on every supported kernel.
 */
static void vnet_dev_free(struct net_device *dev)
{
	free_percpu(dev->tstats);
}

static netdev_tx_t vnet_xmit(struct sk_buff *skb, struct net_device *dev)
{
	/* Counted before dev_forward_skb() pulls the Ethernet header. */
	unsigned int len = skb->len;

	skb_tx_timestamp(skb);
	dev_sw_netstats_tx_add(dev, 1, len);

	/*
	 * dev_forward_skb() scrubs the packet (dst, conntrack, socket
	 * ownership), sets its protocol for our own address and queues it to
	 * the receive backlog of this CPU; on failure it has already freed
	 * the packet and counted the drop in the device's core rx_dropped.
	 */
	if (likely(dev_forward_skb(dev, skb) == NET_RX_SUCCESS))
		dev_sw_netstats_rx_add(dev, len);

	return NETDEV_TX_OK;
}

static const struct net_device_ops vnet_netdev_ops = {
	.ndo_init		= vnet_dev_init,
	.ndo_start_xmit		= vnet_xmit,
	.ndo_get_stats64	= dev_get_tstats64,
	.ndo_set_mac_address	= eth_mac_addr,
	.ndo_validate_addr	= eth_validate_addr,
};

/* The device timestamps in software only (skb_tx_timestamp in vnet_xmit). */
static const struct ethtool_ops vnet_ethtool_ops = {
	.get_ts_info		= ethtool_op_get_ts_info,
};

bool vnet_is_vnet_dev(const struct net_device *dev)
{
	return dev->netdev_ops == &vnet_netdev_ops;
}

static void vnet_counters_from_stats(struct vnet_counters *c, const struct rtnl_link_stats64 *s)
{
	c->rx_packets = s->rx_packets;
	c->tx_packets = s->tx_packets;
	c->rx_bytes = s->rx_bytes;
	c->tx_bytes = s->tx_bytes;
	c->rx_dropped = s->rx_dropped;
	c->tx_dropped = s->tx_dropped;
}

/* Counters since the device was created or since the last vnet_reset_counters(). */
void vnet_read_counters(struct net_device *dev, struct vnet_counters *counters)
{
	struct vnet_priv *priv = netdev_priv(dev);
	struct rtnl_link_stats64 stats;
	struct vnet_counters now;

	spin_lock_bh(&priv->stats_lock);
	/* dev_get_stats() adds the core drop counters to ours. */
	dev_get_stats(dev, &stats);
	vnet_counters_from_stats(&now, &stats);
	counters->rx_packets = now.rx_packets - priv->stats_base.rx_packets;
	counters->tx_packets = now.tx_packets - priv->stats_base.tx_packets;
	counters->rx_bytes = now.rx_bytes - priv->stats_base.rx_bytes;
	counters->tx_bytes = now.tx_bytes - priv->stats_base.tx_bytes;
	counters->rx_dropped = now.rx_dropped - priv->stats_base.rx_dropped;
	counters->tx_dropped = now.tx_dropped - priv->stats_base.tx_dropped;
	spin_unlock_bh(&priv->stats_lock);
}

void vnet_reset_counters(struct net_device *dev)
{
	struct vnet_priv *priv = netdev_priv(dev);
	struct rtnl_link_stats64 stats;

	spin_lock_bh(&priv->stats_lock);
	dev_get_stats(dev, &stats);
	vnet_counters_from_stats(&priv->stats_base, &stats);
	spin_unlock_bh(&priv->stats_lock);
}

static void vnet_setup(struct net_device *dev)
{
	struct vnet_priv *priv = netdev_priv(dev);

	ether_setup(dev);
	spin_lock_init(&priv->stats_lock);

	dev->netdev_ops = &vnet_netdev_ops;
	dev->ethtool_ops = &vnet_ethtool_ops;
	dev->needs_free_netdev = true;
	dev->priv_destructor = vnet_dev_free;

	/*
	 * No neighbour resolution: every destination resolves to our own
	 * address, so a packet sent to any address routed through the device
	 * loops back to it. Transmission never blocks, so no qdisc either.
	 */
	dev->flags |= IFF_NOARP;
	dev->priv_flags |= IFF_NO_QUEUE | IFF_LIVE_ADDR_CHANGE;

	/*
	 * ether_setup() says a transmitted skb may be shared and sent again
	 * (pktgen's clone_skb and burst rely on it), but vnet_xmit() hands it
	 * to the receive path, which changes and frees it; veth clears the
	 * flag for the same reason.
	 */
	dev->priv_flags &= ~IFF_TX_SKB_SHARING;

	/*
	 * As dummy and veth: transmission takes no lock of ours (the per-CPU
	 * counters need none), and whatever the stack hands over is passed
	 * back up unchanged, so offloads cost nothing.
	 */
#ifdef NETIF_F_LLTX	/* a feature flag until Linux 6.12 */
	dev->features |= NETIF_F_LLTX;
#else
	dev->lltx = true;
#endif
	dev->features |= NETIF_F_SG | NETIF_F_FRAGLIST | NETIF_F_GSO_SOFTWARE |
			 NETIF_F_HW_CSUM | NETIF_F_HIGHDMA | NETIF_F_GSO_ENCAP_ALL;
	dev->hw_features |= dev->features;
	dev->hw_enc_features |= dev->features;
	dev->min_mtu = ETH_MIN_MTU;
	dev->max_mtu = ETH_MAX_MTU;

	eth_hw_addr_random(dev);
}

static int vnet_validate(struct nlattr *tb[], struct nlattr *data[],
			 struct netlink_ext_ack *extack)
{
	if (tb[IFLA_ADDRESS]) {
		if (nla_len(tb[IFLA_ADDRESS]) != ETH_ALEN) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "vnet: IFLA_ADDRESS must be 6 bytes");
			return -EINVAL;
		}
		if (!is_valid_ether_addr(nla_data(tb[IFLA_ADDRESS]))) {
			NL_SET_ERR_MSG_ATTR(extack, tb[IFLA_ADDRESS],
					    "vnet: IFLA_ADDRESS must be a unicast address");
			return -EADDRNOTAVAIL;
		}
	}
	return 0;
}

static struct rtnl_link_ops vnet_link_ops __read_mostly = {
	.kind		= VNET_LINK_KIND,
	.priv_size	= sizeof(struct vnet_priv),
	.setup		= vnet_setup,
	.validate	= vnet_validate,
};

static int __init vnet_create_default_device(void)
{
	struct net_device *dev;
	int err;

	/* alloc_netdev() BUG()s on an over-long name: check it first. */
	if (strlen(ifname) >= IFNAMSIZ || !dev_valid_name(ifname)) {
		pr_err("invalid ifname \"%s\"\n", ifname);
		return -EINVAL;
	}

	dev = alloc_netdev(sizeof(struct vnet_priv), ifname, NET_NAME_USER, vnet_setup);
	if (!dev)
		return -ENOMEM;

	/* Lets rtnl_link_unregister() delete it with all the others at unload. */
	dev->rtnl_link_ops = &vnet_link_ops;

	err = register_netdev(dev);
	if (err) {
		pr_err("cannot register %s: %d\n", ifname, err);
		free_netdev(dev);
	}
	return err;
}

static int __init vnet_init(void)
{
	int err;

	/*
	 * The family (and its netdevice notifier) first: registering a device
	 * may already publish events.
	 */
	err = vnet_genl_register();
	if (err)
		return err;

	err = rtnl_link_register(&vnet_link_ops);
	if (err)
		goto err_genl;

	if (*ifname) {
		err = vnet_create_default_device();
		if (err)
			goto err_link;
	}
	return 0;

err_link:
	rtnl_link_unregister(&vnet_link_ops);
err_genl:
	vnet_genl_unregister();
	return err;
}

static void __exit vnet_exit(void)
{
	/*
	 * Deletes every vnet device in every namespace; their link-down
	 * events still go out because the family is unregistered only after.
	 */
	rtnl_link_unregister(&vnet_link_ops);
	vnet_genl_unregister();
}

module_init(vnet_init);
module_exit(vnet_exit);

MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Virtual loopback network device with the vnet_nl generic netlink family");
MODULE_ALIAS_RTNL_LINK(VNET_LINK_KIND);
