// SPDX-License-Identifier: Apache-2.0
/* Command line, timing loop and JSON report shared by the C baselines. */
#include "roundtrip.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <linux/ethtool_netlink.h>
#include <linux/netlink.h>
#include <linux/vnet_nl.h>

/*
 * JMH keeps sample-mode timings in a histogram with 10 bits of precision: a
 * value v >= 1024 is stored as (v >> b) << b where b makes the result fit in
 * 10 significant bits. Rounding the C samples the same way makes the
 * percentiles of both sides come from the same method.
 */
#define JMH_PRECISION_BITS 10

static uint64_t jmh_bucketed(uint64_t value)
{
	int shift;

	if (value == 0)
		return 0;
	shift = (64 - JMH_PRECISION_BITS) - __builtin_clzll(value);
	if (shift <= 0)
		return value;
	return (value >> shift) << shift;
}

static void usage(const char *client, FILE *out)
{
	fprintf(out,
		"Usage: %s --target nlctrl|vnet|ethtool [--device NAME] [--iterations N] [--warmup N] [--batch N]\n"
		"Times N request/reply round trips (after the warm-up ones) and prints\n"
		"JSON with p50, p90, p99, p99.9 and the mean in nanoseconds.\n"
		"  --batch N  (rt-batch) N requests per round trip, in one send\n"
		"  nlctrl  CTRL_CMD_GETFAMILY(\"" RT_NLCTRL_FAMILY "\"): any Linux host\n"
		"  vnet    VNET_NL_CMD_ECHO to the " VNET_NL_FAMILY_NAME " module\n"
		"  ethtool ETHTOOL_MSG_CHANNELS_GET of --device (default " RT_ETHTOOL_DEVICE ")\n"
		"Defaults: --iterations 200000 --warmup 20000\n",
		client);
}

static long parse_count(const char *client, const char *option, const char *text)
{
	char *end;
	long value;

	errno = 0;
	value = strtol(text, &end, 10);
	if (errno || *end || end == text || value < 0)
		rt_fail(client, "%s needs a non-negative number, got \"%s\"", option, text);
	return value;
}

void rt_parse_args(int argc, char **argv, const char *client, struct rt_options *options)
{
	int have_target = 0;

	options->client = client;
	options->target_label = NULL;
	options->device = RT_ETHTOOL_DEVICE;
	options->iterations = 200000;
	options->warmup = 20000;
	options->batch = 0;
	for (int i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *value = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(arg, "-h") || !strcmp(arg, "--help")) {
			usage(client, stdout);
			exit(0);
		}
		if (!value) {
			usage(client, stderr);
			rt_fail(client, "%s: unknown option or missing value", arg);
		}
		if (!strcmp(arg, "--target")) {
			if (!strcmp(value, "nlctrl"))
				options->target = RT_TARGET_NLCTRL;
			else if (!strcmp(value, "vnet"))
				options->target = RT_TARGET_VNET;
			else if (!strcmp(value, "ethtool"))
				options->target = RT_TARGET_ETHTOOL;
			else
				rt_fail(client, "--target must be nlctrl, vnet or ethtool, got \"%s\"", value);
			have_target = 1;
		} else if (!strcmp(arg, "--device")) {
			options->device = value;
		} else if (!strcmp(arg, "--iterations")) {
			options->iterations = parse_count(client, arg, value);
		} else if (!strcmp(arg, "--warmup")) {
			options->warmup = parse_count(client, arg, value);
		} else if (!strcmp(arg, "--batch")) {
			options->batch = parse_count(client, arg, value);
			if (options->batch < 1)
				rt_fail(client, "--batch must be at least 1");
		} else {
			usage(client, stderr);
			rt_fail(client, "unknown option %s", arg);
		}
		i++;
	}
	if (!have_target) {
		usage(client, stderr);
		rt_fail(client, "--target is required");
	}
	if (options->iterations < 1)
		rt_fail(client, "--iterations must be at least 1");
}

int rt_open_socket(const char *client, uint32_t *port, struct sockaddr_nl *kernel)
{
	struct sockaddr_nl local = { .nl_family = AF_NETLINK };
	socklen_t length = sizeof(local);
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);

	if (fd < 0)
		rt_fail(client, "socket(AF_NETLINK): %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&local, sizeof(local)) < 0)
		rt_fail(client, "bind: %s", strerror(errno));
	if (getsockname(fd, (struct sockaddr *)&local, &length) < 0)
		rt_fail(client, "getsockname: %s", strerror(errno));
	*port = local.nl_pid;
	memset(kernel, 0, sizeof(*kernel));
	kernel->nl_family = AF_NETLINK;
	return fd;
}

unsigned char *rt_put_attr(unsigned char *at, uint16_t type, const void *data, uint16_t length)
{
	struct nlattr *attr = (struct nlattr *)at;

	attr->nla_type = type;
	attr->nla_len = NLA_HDRLEN + length;
	if (length)
		memcpy(at + NLA_HDRLEN, data, length);
	memset(at + NLA_HDRLEN + length, 0, NLA_ALIGN(length) - length);
	return at + NLA_HDRLEN + NLA_ALIGN(length);
}

const char *rt_family_name(enum rt_target target)
{
	switch (target) {
	case RT_TARGET_VNET:
		return VNET_NL_FAMILY_NAME;
	case RT_TARGET_ETHTOOL:
		return ETHTOOL_GENL_NAME;
	default:
		return RT_NLCTRL_FAMILY;
	}
}

const char *rt_target_name(enum rt_target target)
{
	switch (target) {
	case RT_TARGET_VNET:
		return "vnet";
	case RT_TARGET_ETHTOOL:
		return "ethtool";
	default:
		return "nlctrl";
	}
}

void rt_fail(const char *client, const char *format, ...)
{
	va_list args;

	fprintf(stderr, "%s: ", client);
	va_start(args, format);
	vfprintf(stderr, format, args);
	va_end(args);
	fputc('\n', stderr);
	exit(1);
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * JMH's MultisetStatistics.getPercentile: position rank * (n + 1) / 100,
 * 1-based, linear interpolation between the two neighbouring samples; below
 * the first sample the first, past the last one the last.
 */
static double percentile(const uint64_t *sorted, long count, double rank)
{
	double pos = rank * (double)(count + 1) / 100.0;
	long floor_pos = (long)pos;
	long lower = floor_pos < 1 ? 0 : (floor_pos > count ? count - 1 : floor_pos - 1);
	long upper = floor_pos + 1 > count ? count - 1 : floor_pos;

	if (rank == 0.0)
		return (double)sorted[0];
	return (double)sorted[lower] + ((double)sorted[upper] - (double)sorted[lower]) * (pos - (double)floor_pos);
}

/*
 * What one clock read costs here: each sample holds about one. Reported because
 * it differs widely (a few ns with the TSC, microseconds with an emulated HPET).
 */
static double clock_read_ns(void)
{
	enum { READS = 100000 };
	uint64_t start = rt_now_ns();

	for (int i = 0; i < READS; i++)
		(void)rt_now_ns();
	return (double)(rt_now_ns() - start) / READS;
}

void rt_report(const struct rt_options *options, uint64_t *samples, long count)
{
	static const double ranks[] = { 50.0, 90.0, 99.0, 99.9, 99.99 };
	static const char *const names[] = { "p50", "p90", "p99", "p99.9", "p99.99" };
	double sum = 0;

	for (long i = 0; i < count; i++) {
		sum += (double)samples[i];
		samples[i] = jmh_bucketed(samples[i]);
	}
	qsort(samples, (size_t)count, sizeof(*samples), compare_u64);

	printf("{\n  \"client\": \"%s\",\n  \"target\": \"%s\",\n", options->client,
	       options->target_label ? options->target_label : rt_target_name(options->target));
	printf("  \"iterations\": %ld,\n  \"warmup\": %ld,\n  \"unit\": \"ns\",\n", count, options->warmup);
	printf("  \"clock_read_ns\": %.1f,\n", clock_read_ns());
	printf("  \"mean\": %.1f,\n  \"min\": %llu,\n  \"max\": %llu,\n", sum / (double)count,
	       (unsigned long long)samples[0], (unsigned long long)samples[count - 1]);
	if (options->batch > 0)
		printf("  \"batch\": %ld,\n  \"requests_per_s\": %.1f,\n", options->batch,
		       (double)options->batch * 1e9 * (double)count / sum);
	for (size_t r = 0; r < sizeof(ranks) / sizeof(ranks[0]); r++)
		printf("  \"%s\": %.1f,\n", names[r], percentile(samples, count, ranks[r]));
	/* The distribution for the plot: [value, count] pairs, as JMH's rawDataHistogram. */
	printf("  \"histogram\": [");
	for (long i = 0; i < count;) {
		long j = i;

		while (j < count && samples[j] == samples[i])
			j++;
		printf("%s[%llu, %ld]", i ? ", " : "", (unsigned long long)samples[i], j - i);
		i = j;
	}
	printf("]\n}\n");
}

void rt_run(const struct rt_options *options, void (*round_trip)(void *state, uint32_t n), void *state)
{
	uint64_t *samples = malloc((size_t)options->iterations * sizeof(*samples));
	uint32_t n = 0;

	if (!samples)
		rt_fail(options->client, "cannot allocate %ld samples", options->iterations);
	for (long i = 0; i < options->warmup; i++)
		round_trip(state, ++n);
	for (long i = 0; i < options->iterations; i++) {
		uint64_t start = rt_now_ns();

		round_trip(state, ++n);
		samples[i] = rt_now_ns() - start;
	}
	rt_report(options, samples, options->iterations);
	free(samples);
}
