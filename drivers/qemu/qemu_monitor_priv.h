/*
 * qemu_monitor_priv.h: what the monitor keeps of QMP events, for the
 * monitor and its tests only (the driver learns state by asking, not from
 * events a short-lived connection happened to see).
 */
#ifndef QEMU_MONITOR_PRIV_H
#define QEMU_MONITOR_PRIV_H

#include <json-c/json.h>

#include "qemu_monitor.h"

/* At most this many events are kept between takes; later ones are dropped
 * (a guest flooding RTC_CHANGE must not grow us while we wait for a
 * reply). */
#define QMP_MAX_EVENTS 1024

/* The events received so far (a new reference to a JSON array of event
 * objects, oldest first), and forgets them. */
json_object *qemu_monitor_take_events(struct qemu_monitor *mon);

#endif /* QEMU_MONITOR_PRIV_H */
