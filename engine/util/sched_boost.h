/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vigil's threads above the processes they watch, as auditd's
 * priority_boost: on a host whose cores are all busy, the reader of the
 * ring buffer gets the CPU it needs instead of an equal share, which left
 * it behind the kernel and dropping events (docs/performance.md).
 */
#ifndef VIGIL_UTIL_SCHED_BOOST_H
#define VIGIL_UTIL_SCHED_BOOST_H

/*
 * Lowers the nice value of every thread of this process by steps (to -20
 * at most); threads started later inherit it from their creator. 0 or
 * -errno of the first thread that could not be raised (no CAP_SYS_NICE).
 */
int vg_sched_boost(unsigned steps);

#endif
