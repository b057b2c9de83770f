// SPDX-License-Identifier: Apache-2.0
/*
 * Raw-socket baseline: the least a correct generic netlink round trip can cost
 * from user space. One socket(AF_NETLINK) connected to the kernel (port 0), the
 * request built once in a reused buffer (only the sequence number and the
 * echoed value change), then per round trip exactly one send() and one recv()
 * into a reused buffer, and a walk of the reply's attributes to read the one we
 * want. A connected netlink socket receives unicast from its peer only (the
 * kernel refuses other senders with ECONNREFUSED), so the reply's sender needs
 * no check.
 *
 * Built with -DRT_STEPS as rt-steps, the diagnostic client: `--steps N` first
 * on the command line adds the first N of the Java connection's system-call
 * steps (see steps[] below) to this floor, one at a time, to tell what each costs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <linux/ethtool_netlink.h>
#include <linux/genetlink.h>
#include <linux/if.h>
#include <linux/netlink.h>
#include <linux/vnet_nl.h>

#include "roundtrip.h"

#ifdef RT_THREADS
#define CLIENT "c-raw-threads"
#define STEP(c, n) 0
#elif defined(RT_STEPS)
#define CLIENT "c-steps"
/* Cumulative: --steps N adds steps[0..N-1]; --steps 5 is the Java connection's pattern before it was slimmed. */
static const char *const steps[] = {
	"recv-dontwait-trunc",	/* recv(MSG_DONTWAIT | MSG_TRUNC): how Java reads (never blocks, sees truncation) */
	"clock-read",		/* one clock_gettime per round trip (Java's deadline, System.nanoTime) */
	"recvmsg-name",		/* recvmsg with a msghdr, the sender's address and an iovec instead of recv */
	"sendto-address",	/* sendto with the kernel's address instead of send */
	"unconnected",		/* the socket not connected to the kernel (so the sender must be checked) */
};
#define STEPS (int)(sizeof(steps) / sizeof(steps[0]))
#define STEP(c, n) ((c)->steps > (n))
#else
#define CLIENT "c-raw"
#define STEP(c, n) 0
#endif

struct raw_client {
	int fd;
	uint32_t port;
	uint16_t family;
	uint8_t command;
	uint16_t reply_attr;	/* the attribute read from each reply */
	enum rt_target target;
	uint32_t value_offset;	/* where the echoed VALUE sits in the request (vnet) */
	uint32_t rx_count;	/* the device's rx channel count, read once before timing (ethtool) */
	uint32_t request_length;
	struct sockaddr_nl kernel;
#ifdef RT_STEPS
	int steps;		/* how many of steps[] are added */
	struct sockaddr_nl sender;
	struct iovec iov;
	struct msghdr header;
#endif
	/* Aligned for the headers; the receive buffer holds the largest GETFAMILY reply with room to spare. */
	unsigned char request[256] __attribute__((aligned(8)));
	unsigned char reply[32768] __attribute__((aligned(8)));
};

/* Writes the headers for command of family; returns where the attributes go. */
static unsigned char *put_headers(struct raw_client *c, uint16_t family, uint8_t command, uint8_t version)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)c->request;
	struct genlmsghdr *genl = (struct genlmsghdr *)(c->request + NLMSG_HDRLEN);

	memset(c->request, 0, sizeof(c->request));
	nlh->nlmsg_type = family;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nlh->nlmsg_pid = c->port;
	genl->cmd = command;
	genl->version = version;
	return c->request + NLMSG_HDRLEN + GENL_HDRLEN;
}

static void finish_request(struct raw_client *c, unsigned char *end)
{
	c->request_length = (uint32_t)(end - c->request);
	((struct nlmsghdr *)c->request)->nlmsg_len = c->request_length;
}

static ssize_t receive(struct raw_client *c)
{
#ifdef RT_STEPS
	if (STEP(c, 1))
		(void)rt_now_ns();
	if (STEP(c, 2)) {
		c->header.msg_namelen = sizeof(c->sender);
		c->header.msg_controllen = 0;
		c->header.msg_flags = 0;
		return recvmsg(c->fd, &c->header, MSG_TRUNC | MSG_DONTWAIT);
	}
	if (STEP(c, 0))
		return recv(c->fd, c->reply, sizeof(c->reply), MSG_TRUNC | MSG_DONTWAIT);
#endif
	return recv(c->fd, c->reply, sizeof(c->reply), 0);
}

/*
 * Sends the prepared request with sequence seq, receives one datagram and
 * returns the payload of attribute c->reply_attr of the reply.
 */
static const struct nlattr *exchange(struct raw_client *c, uint32_t seq)
{
	const struct nlmsghdr *nlh = (const struct nlmsghdr *)c->reply;
	ssize_t received;
	long remaining;

	((struct nlmsghdr *)c->request)->nlmsg_seq = seq;
	if (!STEP(c, 3)) {
		if (send(c->fd, c->request, c->request_length, 0) != (ssize_t)c->request_length)
			rt_fail(CLIENT, "send: %s", strerror(errno));
	} else if (sendto(c->fd, c->request, c->request_length, 0, (const struct sockaddr *)&c->kernel,
			  sizeof(c->kernel)) != (ssize_t)c->request_length) {
		rt_fail(CLIENT, "sendto: %s", strerror(errno));
	}
	do
		received = receive(c);
	while (received < 0 && errno == EINTR);
	if (received < 0)
		rt_fail(CLIENT, "recv: %s", strerror(errno));
	if (received < NLMSG_HDRLEN || nlh->nlmsg_len > (uint32_t)received || received > (ssize_t)sizeof(c->reply))
		rt_fail(CLIENT, "truncated reply of %zd bytes", received);
#ifdef RT_STEPS
	if (STEP(c, 4) && c->sender.nl_pid != 0)
		rt_fail(CLIENT, "a datagram from port %u, not the kernel", c->sender.nl_pid);
#endif
	if (nlh->nlmsg_seq != seq || nlh->nlmsg_pid != c->port)
		rt_fail(CLIENT, "reply to seq %u port %u, expected seq %u port %u", nlh->nlmsg_seq,
			nlh->nlmsg_pid, seq, c->port);
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		const struct nlmsgerr *err = NLMSG_DATA(nlh);

		rt_fail(CLIENT, "the kernel answered with error %d (%s)", err->error, strerror(-err->error));
	}
	if (nlh->nlmsg_len < NLMSG_HDRLEN + GENL_HDRLEN)
		rt_fail(CLIENT, "reply of %u bytes has no generic netlink header", nlh->nlmsg_len);

	remaining = (long)nlh->nlmsg_len - NLMSG_HDRLEN - GENL_HDRLEN;
	for (const struct nlattr *attr = (const void *)(c->reply + NLMSG_HDRLEN + GENL_HDRLEN);
	     remaining >= NLA_HDRLEN && attr->nla_len >= NLA_HDRLEN && attr->nla_len <= remaining;
	     remaining -= NLA_ALIGN(attr->nla_len),
	     attr = (const void *)((const unsigned char *)attr + NLA_ALIGN(attr->nla_len))) {
		if ((attr->nla_type & NLA_TYPE_MASK) == c->reply_attr)
			return attr;
	}
	rt_fail(CLIENT, "reply carries no attribute %u", c->reply_attr);
}

static uint16_t attr_u16(const struct nlattr *attr)
{
	uint16_t value;

	if (attr->nla_len != NLA_HDRLEN + sizeof(value))
		rt_fail(CLIENT, "attribute %u has %u bytes, expected a u16", attr->nla_type, attr->nla_len);
	memcpy(&value, (const unsigned char *)attr + NLA_HDRLEN, sizeof(value));
	return value;
}

static uint32_t attr_u32(const struct nlattr *attr)
{
	uint32_t value;

	if (attr->nla_len != NLA_HDRLEN + sizeof(value))
		rt_fail(CLIENT, "attribute %u has %u bytes, expected a u32", attr->nla_type, attr->nla_len);
	memcpy(&value, (const unsigned char *)attr + NLA_HDRLEN, sizeof(value));
	return value;
}

static void open_socket(struct raw_client *c)
{
	c->fd = rt_open_socket(CLIENT, &c->port, &c->kernel);
	if (!STEP(c, 4) && connect(c->fd, (struct sockaddr *)&c->kernel, sizeof(c->kernel)) < 0)
		rt_fail(CLIENT, "connect: %s", strerror(errno));
#ifdef RT_STEPS
	c->iov.iov_base = c->reply;
	c->iov.iov_len = sizeof(c->reply);
	c->header.msg_name = &c->sender;
	c->header.msg_iov = &c->iov;
	c->header.msg_iovlen = 1;
#endif
}

/* Resolves a family id with one CTRL_CMD_GETFAMILY, through the same code path as the measured requests. */
static uint16_t resolve_family(struct raw_client *c, const char *name)
{
	unsigned char *at = put_headers(c, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1);

	finish_request(c, rt_put_attr(at, CTRL_ATTR_FAMILY_NAME, name, (uint16_t)(strlen(name) + 1)));
	c->reply_attr = CTRL_ATTR_FAMILY_ID;
	return attr_u16(exchange(c, 1));
}

static void prepare(struct raw_client *c, const struct rt_options *options)
{
	unsigned char *at;

	c->target = options->target;
	c->family = resolve_family(c, rt_family_name(options->target));
	if (options->target == RT_TARGET_NLCTRL) {
		at = put_headers(c, c->family, CTRL_CMD_GETFAMILY, 1);
		at = rt_put_attr(at, CTRL_ATTR_FAMILY_NAME, RT_NLCTRL_FAMILY, sizeof(RT_NLCTRL_FAMILY));
		c->reply_attr = CTRL_ATTR_FAMILY_ID;
	} else if (options->target == RT_TARGET_ETHTOOL) {
		struct nlattr *header;
		size_t name_length = strlen(options->device) + 1;

		if (name_length > IFNAMSIZ)
			rt_fail(CLIENT, "--device %s: longer than a device name can be", options->device);
		at = put_headers(c, c->family, ETHTOOL_MSG_CHANNELS_GET, ETHTOOL_GENL_VERSION);
		header = (struct nlattr *)at;
		at = rt_put_attr(at, ETHTOOL_A_CHANNELS_HEADER | NLA_F_NESTED, NULL, 0);
		at = rt_put_attr(at, ETHTOOL_A_HEADER_DEV_NAME, options->device, (uint16_t)name_length);
		header->nla_len = (uint16_t)(at - (unsigned char *)header);
		c->reply_attr = ETHTOOL_A_CHANNELS_RX_COUNT;
		finish_request(c, at);
		/* Sequence 2 is this request's first run: what every timed reply must say again. */
		c->rx_count = attr_u32(exchange(c, 2));
		return;
	} else {
		uint32_t value = 0;
		uint8_t flag = RT_ECHO_FLAG;

		at = put_headers(c, c->family, VNET_NL_CMD_ECHO, VNET_NL_FAMILY_VERSION);
		at = rt_put_attr(at, VNET_NL_ATTR_MSG, RT_ECHO_MESSAGE, sizeof(RT_ECHO_MESSAGE));
		c->value_offset = (uint32_t)(at - c->request) + NLA_HDRLEN;
		at = rt_put_attr(at, VNET_NL_ATTR_VALUE, &value, sizeof(value));
		at = rt_put_attr(at, VNET_NL_ATTR_FLAG, &flag, sizeof(flag));
		c->reply_attr = VNET_NL_ATTR_VALUE;
	}
	finish_request(c, at);
}

static void round_trip(void *state, uint32_t n)
{
	struct raw_client *c = state;
	/* Sequence 1 was the family resolution, 2 the ethtool target's first request. */
	uint32_t seq = n + 2;

	if (c->target == RT_TARGET_ETHTOOL) {
		uint32_t count = attr_u32(exchange(c, seq));

		if (count != c->rx_count)
			rt_fail(CLIENT, "CHANNELS_GET returned rx count %u, expected %u", count, c->rx_count);
	} else if (c->target == RT_TARGET_VNET) {
		memcpy(c->request + c->value_offset, &n, sizeof(n));
		uint32_t echoed = attr_u32(exchange(c, seq));

		if (echoed != n)
			rt_fail(CLIENT, "ECHO returned value %u, sent %u", echoed, n);
	} else {
		uint16_t id = attr_u16(exchange(c, seq));

		if (id != c->family)
			rt_fail(CLIENT, "GETFAMILY returned family id %u, expected %u", id, c->family);
	}
}

#ifdef RT_STEPS
static void *idle(void *unused)
{
	(void)unused;
	for (;;)
		pause();
	return NULL;
}

/*
 * --idle-thread: a second thread that only sleeps, as a JVM always has many. A process with more than one thread
 * shares its file table, so each system call on the socket takes and drops a reference to the file (fdget/fput
 * with atomics) where a single-threaded process borrows it; the JVM pays that on every send and recv.
 */
static void start_idle_thread(void)
{
	pthread_t thread;
	int error = pthread_create(&thread, NULL, idle, NULL);

	if (error)
		rt_fail(CLIENT, "pthread_create: %s", strerror(error));
}
#endif

#ifdef RT_THREADS

/* One thread's client and what it measured. */
struct worker {
	pthread_t thread;
	const struct rt_options *options;
	struct raw_client *client;
	long done;		/* timed round trips */
};

static pthread_barrier_t ready;

static void *work(void *arg)
{
	struct worker *w = arg;
	uint32_t n = 0;

	for (long i = 0; i < w->options->warmup; i++)
		round_trip(w->client, ++n);
	/* Every thread warmed up and waiting: the clock starts for all of them at once. */
	pthread_barrier_wait(&ready);
	for (long i = 0; i < w->options->iterations; i++)
		round_trip(w->client, ++n);
	w->done = w->options->iterations;
	return NULL;
}

/*
 * Runs --threads N workers, each --iterations timed round trips after --warmup ones on a socket of its own, and
 * prints JSON: the threads, the round trips of all of them and their rate, from the moment all had warmed up to
 * the moment the last finished.
 */
static void run_threads(long threads, const struct rt_options *options)
{
	struct worker *workers = calloc((size_t)threads, sizeof(*workers));
	uint64_t start, end;
	long total = 0;
	int error;

	if (!workers)
		rt_fail(CLIENT, "cannot allocate %ld workers", threads);
	for (long t = 0; t < threads; t++) {
		workers[t].options = options;
		workers[t].client = aligned_alloc(64, (sizeof(struct raw_client) + 63) / 64 * 64);
		if (!workers[t].client)
			rt_fail(CLIENT, "cannot allocate a client");
		memset(workers[t].client, 0, sizeof(struct raw_client));
		open_socket(workers[t].client);
		prepare(workers[t].client, options);
	}
	if ((error = pthread_barrier_init(&ready, NULL, (unsigned)threads + 1)))
		rt_fail(CLIENT, "pthread_barrier_init: %s", strerror(error));
	for (long t = 0; t < threads; t++)
		if ((error = pthread_create(&workers[t].thread, NULL, work, &workers[t])))
			rt_fail(CLIENT, "pthread_create: %s", strerror(error));
	pthread_barrier_wait(&ready);
	start = rt_now_ns();
	for (long t = 0; t < threads; t++) {
		pthread_join(workers[t].thread, NULL);
		total += workers[t].done;
	}
	end = rt_now_ns();
	printf("{\n  \"client\": \"%s\",\n  \"target\": \"%s\",\n  \"threads\": %ld,\n  \"round_trips\": %ld,\n"
	       "  \"seconds\": %.6f,\n  \"ops_per_s\": %.1f\n}\n", CLIENT, rt_target_name(options->target), threads,
	       total, (double)(end - start) / 1e9, (double)total * 1e9 / (double)(end - start));
	for (long t = 0; t < threads; t++) {
		close(workers[t].client->fd);
		free(workers[t].client);
	}
	free(workers);
}
#endif

int main(int argc, char **argv)
{
	static struct raw_client client;
	struct rt_options options;

#ifdef RT_THREADS
	long threads;
	char *end;

	if (argc < 3 || strcmp(argv[1], "--threads"))
		rt_fail(CLIENT, "usage: rt-threads --threads N --target nlctrl|vnet|ethtool [--iterations N per thread] "
			"[--warmup N per thread]");
	threads = strtol(argv[2], &end, 10);
	if (*end || threads < 1 || threads > 1024)
		rt_fail(CLIENT, "--threads must be 1..1024, got \"%s\"", argv[2]);
	argv[2] = argv[0];
	argc -= 2;
	argv += 2;
	rt_parse_args(argc, argv, CLIENT, &options);
	run_threads(threads, &options);
	return 0;
#elif defined(RT_STEPS)
	static char label[80];
	int threaded = 0;

	if (argc < 3 || strcmp(argv[1], "--steps"))
		rt_fail(CLIENT, "usage: rt-steps --steps 0..%d [--idle-thread] --target nlctrl|vnet [--iterations N] "
			"[--warmup N]", STEPS);
	client.steps = atoi(argv[2]);
	if (client.steps < 0 || client.steps > STEPS)
		rt_fail(CLIENT, "--steps must be 0..%d", STEPS);
	if (argc > 3 && !strcmp(argv[3], "--idle-thread")) {
		threaded = 1;
		start_idle_thread();
		argv[3] = argv[0];
		argc--;
		argv++;
	}
	argv[2] = argv[0];
	argc -= 2;
	argv += 2;
	rt_parse_args(argc, argv, CLIENT, &options);
	snprintf(label, sizeof(label), "%s+%d%s%s%s", rt_target_name(options.target), client.steps,
		 client.steps ? ":" : "", client.steps ? steps[client.steps - 1] : "", threaded ? "+idle-thread" : "");
	options.target_label = label;
#else
	rt_parse_args(argc, argv, CLIENT, &options);
#endif
	open_socket(&client);
	prepare(&client, &options);
	rt_run(&options, round_trip, &client);
	close(client.fd);
	return 0;
}
