// SPDX-License-Identifier: GPL-2.0
/*
 * xsb-memtop: dom0's memory sampler for the Xen-in-QEMU harness
 * (dom0-init.sh). Once a second it prints one line
 *
 *   XSB-MEM <xen_free_kb> <name>:<domid>:<mem_kb>:<target_kb>:<state> ...
 *
 * with one field for every domain but dom0: mem_kb is the memory the
 * hypervisor has given the domain (tot_pages, what xentop's MEM(k) shows),
 * target_kb its balloon target (xenstore memory/target, "-" when unreadable)
 * and state xentop's six STATE flags (d s b c p r, '-' when not set). Xen's
 * free memory and the domains' memory come from one libxenstat snapshot,
 * the library xentop is built on: xentop's batch mode prints no "Mem:"
 * summary line. With -f FILE each line also replaces FILE (written beside
 * it and renamed); -n N stops after N lines.
 *
 * Built on the host against the unpacked Xen libraries (run-domu.sh).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenstat.h>
#include <xenstore.h>

static void line(xenstat_node *node, struct xs_handle *xs, char *buf, size_t size)
{
	unsigned int i, n = xenstat_node_num_domains(node);
	size_t len;

	len = snprintf(buf, size, "XSB-MEM %llu", xenstat_node_free_mem(node) / 1024);
	for (i = 0; i < n && len < size; i++) {
		xenstat_domain *d = xenstat_node_domain_by_index(node, i);
		unsigned int id = xenstat_domain_id(d);
		char path[64], *target = NULL;
		unsigned int tlen;

		if (id == 0)
			continue;
		if (xs) {
			snprintf(path, sizeof(path), "/local/domain/%u/memory/target", id);
			target = xs_read(xs, XBT_NULL, path, &tlen);
		}
		len += snprintf(buf + len, size - len, " %s:%u:%llu:%s:%c%c%c%c%c%c",
				xenstat_domain_name(d), id,
				xenstat_domain_cur_mem(d) / 1024,
				target ? target : "-",
				xenstat_domain_dying(d) ? 'd' : '-',
				xenstat_domain_shutdown(d) ? 's' : '-',
				xenstat_domain_blocked(d) ? 'b' : '-',
				xenstat_domain_crashed(d) ? 'c' : '-',
				xenstat_domain_paused(d) ? 'p' : '-',
				xenstat_domain_running(d) ? 'r' : '-');
		free(target);
	}
	if (len >= size - 1)
		len = size - 2;
	buf[len] = '\n';
	buf[len + 1] = '\0';
}

int main(int argc, char **argv)
{
	const char *file = NULL;
	long count = 0, done = 0;
	char buf[4096], tmp[256];
	struct timespec next;
	xenstat_handle *xh;
	struct xs_handle *xs;
	int opt;

	while ((opt = getopt(argc, argv, "f:n:")) != -1) {
		switch (opt) {
		case 'f':
			file = optarg;
			break;
		case 'n':
			count = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: %s [-f FILE] [-n COUNT]\n", argv[0]);
			return 2;
		}
	}
	xh = xenstat_init();
	if (!xh) {
		perror("xsb-memtop: xenstat_init");
		return 1;
	}
	xs = xs_open(0);
	if (file)
		snprintf(tmp, sizeof(tmp), "%s.tmp", file);
	clock_gettime(CLOCK_MONOTONIC, &next);
	while (count == 0 || done < count) {
		xenstat_node *node = xenstat_get_node(xh, 0);

		if (!node) {
			fprintf(stderr, "xsb-memtop: xenstat_get_node failed\n");
			return 1;
		}
		line(node, xs, buf, sizeof(buf));
		xenstat_free_node(node);
		fputs(buf, stdout);
		fflush(stdout);
		if (file) {
			FILE *f = fopen(tmp, "w");

			if (f) {
				fputs(buf, f);
				if (fclose(f) == 0)
					rename(tmp, file);
			}
		}
		if (++done == count)
			break;
		/* one line a second, however long a snapshot took */
		next.tv_sec++;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return 0;
}
