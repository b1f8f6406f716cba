// SPDX-License-Identifier: Apache-2.0
#include "util/sched_boost.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/resource.h>

/* Linux keeps the nice value per thread: PRIO_PROCESS with a thread id sets one. */
static int boost_thread(id_t tid, int steps)
{
	int cur;

	errno = 0;
	cur = getpriority(PRIO_PROCESS, tid);
	if (cur == -1 && errno)
		return errno == ESRCH ? 0 : -errno; /* it has exited */
	if (setpriority(PRIO_PROCESS, tid, cur - steps < -20 ? -20 : cur - steps) != 0)
		return errno == ESRCH ? 0 : -errno;
	return 0;
}

int vg_sched_boost(unsigned steps)
{
	DIR *d;
	struct dirent *e;
	int err = 0;

	if (!steps)
		return 0;
	if (!(d = opendir("/proc/self/task")))
		return -errno;
	while ((e = readdir(d))) {
		int tid = atoi(e->d_name), r;

		if (tid > 0 && (r = boost_thread((id_t)tid, (int)steps)) != 0 && !err)
			err = r;
	}
	closedir(d);
	return err;
}
