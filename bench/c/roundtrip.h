/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Shared part of the C round-trip baselines: command line, the request
 * payloads, timing and the JSON report.
 *
 * Every client measures the same thing as the Java benchmarks: one request
 * sent, its reply received and one attribute of the reply read (the family id
 * of a CTRL_CMD_GETFAMILY reply, the echoed VALUE of a vnet_nl ECHO reply).
 * Percentiles are computed exactly as JMH computes them in sample mode (see
 * rt_report), so the two sides of the report are comparable.
 */
#ifndef VNET_NL_BENCH_ROUNDTRIP_H
#define VNET_NL_BENCH_ROUNDTRIP_H

#include <stdint.h>
#include <time.h>

/*
 * The request payloads. The Java benchmarks send the same ones
 * (org.vnetnl.bench.Payloads); change both together.
 */
#define RT_NLCTRL_FAMILY "nlctrl"
#define RT_ECHO_MESSAGE "vnet-nl round trip"
#define RT_ECHO_FLAG 1
/* The ethtool target's device when --device is not given: the veth that bench/run creates in its namespace. */
#define RT_ETHTOOL_DEVICE "veth0"

enum rt_target {
	RT_TARGET_NLCTRL,	/* CTRL_CMD_GETFAMILY("nlctrl"): any Linux host */
	RT_TARGET_VNET,		/* VNET_NL_CMD_ECHO: needs the vnet_nl module */
	RT_TARGET_ETHTOOL,	/* ETHTOOL_MSG_CHANNELS_GET of a device: a lighter doit than GETFAMILY */
};

struct rt_options {
	const char *client;	/* name in the report, e.g. "c-raw" */
	enum rt_target target;
	const char *target_label;	/* the report's "target" when set, else the target's name */
	const char *device;	/* the ethtool target's device name */
	long iterations;	/* measured round trips */
	long warmup;		/* round trips run first and not recorded */
	long batch;		/* requests per round trip (--batch, rt-batch only); 0 for one request */
};

/* Parses --target, --device, --iterations, --warmup and --batch; exits with usage on error. */
void rt_parse_args(int argc, char **argv, const char *client, struct rt_options *options);

/* The family a target talks to, and its name in the report. */
const char *rt_family_name(enum rt_target target);
const char *rt_target_name(enum rt_target target);

/*
 * Opens a NETLINK_GENERIC socket bound to a port the kernel picks; stores
 * that port in *port and the kernel's address in *kernel. Exits through
 * rt_fail on any error.
 */
struct sockaddr_nl;
int rt_open_socket(const char *client, uint32_t *port, struct sockaddr_nl *kernel);

/*
 * Writes attribute type with length bytes of data at at, padded to the
 * attribute alignment; returns where the next attribute goes.
 */
unsigned char *rt_put_attr(unsigned char *at, uint16_t type, const void *data, uint16_t length);

/* Prints "client: message" and exits with status 1. */
void rt_fail(const char *client, const char *format, ...)
	__attribute__((format(printf, 2, 3), noreturn));

/* CLOCK_MONOTONIC in nanoseconds: what System.nanoTime() reads on Linux. */
static inline uint64_t rt_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Writes the JSON report of the measured round trips to stdout. Sorts
 * samples in place. For a batch client it adds "batch" (requests per round
 * trip) and "requests_per_s" (batch / mean latency of a round trip).
 */
void rt_report(const struct rt_options *options, uint64_t *samples, long count);

/*
 * Runs warmup + iterations round trips, timing each, and reports them.
 * round_trip(state, n) performs round trip number n (1-based, across warmup
 * and measurement) and exits through rt_fail on any error or wrong reply.
 */
void rt_run(const struct rt_options *options, void (*round_trip)(void *state, uint32_t n), void *state);

#endif /* VNET_NL_BENCH_ROUNDTRIP_H */
