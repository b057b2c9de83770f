/*
 * Input of the benchmarks' bindings (package org.vnetnl.bench.ffm, class CHeaders, under bench/src/main/java):
 * the headers the C baselines in bench/c include, so that the Java benchmarks send exactly what the C ones send.
 * Which declarations are emitted is decided by bench.args (the allowlist).
 */
#include <linux/genetlink.h>
#include <linux/vnet_nl.h>

#include <netlink/netlink.h>
#include <netlink/socket.h>
#include <netlink/msg.h>
#include <netlink/attr.h>
#include <netlink/handlers.h>
#include <netlink/genl/genl.h>
#include <netlink/genl/ctrl.h>
