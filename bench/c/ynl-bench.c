// SPDX-License-Identifier: Apache-2.0
/*
 * The kernel's C YNL library (tools/net/ynl/lib/ynl.c and the user code
 * ynl-gen-c generates from the nlctrl, netdev and ethtool specs), timed on the
 * operations org.vnetnl.bench.YnlClientBenchmark measures, the way a C user of
 * that library writes them: one ynl_sock per family, the request built once,
 * per operation the generated call, one field of the reply read, the reply
 * freed.
 *
 *   ynl-bench --op nlctrl-getfamily|netdev-dev-get-dump|ethtool-channels-get
 *             [--device NAME] [--iterations N] [--warmup N]
 *
 * Prints the same JSON report as the other C clients (roundtrip.c), with the
 * operation as its "target". Run it inside the benchmark's network namespace
 * (ip netns exec) for the device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ynl.h>

#include "nlctrl-user.h"
#include "netdev-user.h"
#include "ethtool-user.h"

#include "roundtrip.h"

#define CLIENT "c-ynl"

struct ynl_bench {
	struct ynl_sock *ys;
	struct nlctrl_getfamily_req *getfamily;
	struct ethtool_channels_get_req *channels;
	unsigned long sink;	/* what was read, so nothing is optimised away */
};

static void nlctrl_getfamily_once(void *state, uint32_t n)
{
	struct ynl_bench *b = state;
	struct nlctrl_getfamily_rsp *rsp = nlctrl_getfamily(b->ys, b->getfamily);

	(void)n;
	if (!rsp || !rsp->_present.family_id)
		rt_fail(CLIENT, "getfamily: %s", b->ys->err.msg);
	b->sink += rsp->family_id;
	nlctrl_getfamily_rsp_free(rsp);
}

static void netdev_dev_get_dump_once(void *state, uint32_t n)
{
	struct ynl_bench *b = state;
	struct netdev_dev_get_list *devs = netdev_dev_get_dump(b->ys);
	unsigned long count = 0;

	(void)n;
	if (!devs)
		rt_fail(CLIENT, "dev-get dump: %s", b->ys->err.msg);
	ynl_dump_foreach(devs, dev)
		count += dev->_present.ifindex;
	if (!count)
		rt_fail(CLIENT, "dev-get dump: no device");
	b->sink += count;
	netdev_dev_get_list_free(devs);
}

static void ethtool_channels_get_once(void *state, uint32_t n)
{
	struct ynl_bench *b = state;
	struct ethtool_channels_get_rsp *rsp = ethtool_channels_get(b->ys, b->channels);

	(void)n;
	if (!rsp)
		rt_fail(CLIENT, "channels-get: %s", b->ys->err.msg);
	b->sink += rsp->combined_count;
	ethtool_channels_get_rsp_free(rsp);
}

static long parse_count(const char *option, const char *text)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || *end || end == text || value < 0)
		rt_fail(CLIENT, "%s needs a non-negative number, got \"%s\"", option, text);
	return value;
}

int main(int argc, char **argv)
{
	struct rt_options options = { .client = CLIENT, .iterations = 200000, .warmup = 20000 };
	const char *op = NULL, *device = "veth0";
	const struct ynl_family *family;
	void (*once)(void *, uint32_t);
	struct ynl_bench b = { 0 };
	struct ynl_error yerr;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--op"))
			op = argv[i + 1];
		else if (!strcmp(argv[i], "--device"))
			device = argv[i + 1];
		else if (!strcmp(argv[i], "--iterations"))
			options.iterations = parse_count(argv[i], argv[i + 1]);
		else if (!strcmp(argv[i], "--warmup"))
			options.warmup = parse_count(argv[i], argv[i + 1]);
		else
			rt_fail(CLIENT, "unknown option %s", argv[i]);
	}
	if (argc % 2 == 0 || !op)
		rt_fail(CLIENT, "usage: ynl-bench --op nlctrl-getfamily|netdev-dev-get-dump|ethtool-channels-get "
			"[--device NAME] [--iterations N] [--warmup N]");
	if (options.iterations < 1)
		rt_fail(CLIENT, "--iterations must be at least 1");
	options.target_label = op;

	if (!strcmp(op, "nlctrl-getfamily")) {
		family = &ynl_nlctrl_family;
		once = nlctrl_getfamily_once;
	} else if (!strcmp(op, "netdev-dev-get-dump")) {
		family = &ynl_netdev_family;
		once = netdev_dev_get_dump_once;
	} else if (!strcmp(op, "ethtool-channels-get")) {
		family = &ynl_ethtool_family;
		once = ethtool_channels_get_once;
	} else {
		rt_fail(CLIENT, "unknown operation \"%s\"", op);
	}

	b.ys = ynl_sock_create(family, &yerr);
	if (!b.ys)
		rt_fail(CLIENT, "ynl_sock_create: %s", yerr.msg);
	b.getfamily = nlctrl_getfamily_req_alloc();
	nlctrl_getfamily_req_set_family_name(b.getfamily, RT_NLCTRL_FAMILY);
	b.channels = ethtool_channels_get_req_alloc();
	ethtool_channels_get_req_set_header_dev_name(b.channels, device);

	rt_run(&options, once, &b);

	ethtool_channels_get_req_free(b.channels);
	nlctrl_getfamily_req_free(b.getfamily);
	ynl_sock_destroy(b.ys);
	return b.sink == 0xdeadbeef;	/* uses the sink */
}
