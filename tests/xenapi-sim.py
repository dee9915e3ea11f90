#!/usr/bin/env python3
"""xenapi-sim.py: a XenAPI pool master for tests, over HTTPS on loopback.

Written from XenAPI's documented wire protocol: XML-RPC at POST /, every
reply a struct {Status, Value} or {Status, ErrorDescription}, ints sent as
digit strings, some values untyped; event.from with tokens and a blocking
timeout; the host's /rrd_updates xport.  The pool: two hosts, their control
domains, a driver domain, running, paused, halted and suspended guests, one
above 4 TiB, a template and a snapshot.

Test controls (loopback only, no session): POST /_sim/MODE with MODE one of
normal, garble, truncate, silent, slow (the next reply 3 s late), http500, expire (drop every
session), slave:ADDRESS (logins answer HOST_IS_SLAVE), vms:N (N more
running guests), lose-vbd:NAME (VM NAME's first VBD gone, its ref kept);
GET /_sim/state (the VMs as JSON), GET /_sim/calls (calls
by method, as JSON).

Usage: xenapi-sim.py PORT CERT KEY [PASSWORD [ADDRESS]]; prints "listening" when
ready.  ADDRESS is a loopback address (default 127.0.0.1).
"""
import http.server
import json
import ssl
import sys
import threading
import time
import uuid as uuidlib
import xmlrpc.client

GiB = 1024 ** 3
LOCK = threading.Condition()
STATE = {"mode": "normal", "slave": None}
SESSIONS = set()
CALLS = {}
EVENTS = []          # (id, class, operation, ref)
DB = {"VM": {}, "VM_metrics": {}, "host": {}, "host_metrics": {}, "pool": {}, "VBD": {},
      "VIF": {}, "VDI": {}, "SR": {}, "network": {}}
PASSWORD = "xen-secret"
USER = "root"


class Failure(Exception):
    def __init__(self, *desc):
        super().__init__(desc[0])
        self.desc = [str(d) for d in desc]


def ref():
    return "OpaqueRef:" + str(uuidlib.uuid4())


def s(n):
    """XenAPI's ints travel as digit strings."""
    return str(int(n))


def event(cls, op, r):
    EVENTS.append((len(EVENTS) + 1, cls, op, r))
    LOCK.notify_all()


def add_vm(name, power, domid, static_max, actual=None, vcpus=2, control=False, host=None,
           template=False, snapshot=False, domain_type="hvm", u=None):
    r, mr = ref(), ref()
    DB["VM_metrics"][mr] = {"uuid": str(uuidlib.uuid4()),
                            "memory_actual": s(actual if actual is not None else static_max),
                            "VCPUs_number": s(vcpus), "VCPUs_utilisation": {"0": 0.0}}
    DB["VM"][r] = {
        "uuid": u or str(uuidlib.uuid4()), "name_label": name, "name_description": "",
        "power_state": power, "is_a_template": template, "is_a_snapshot": snapshot,
        "is_control_domain": control, "domid": s(domid),
        "memory_static_max": s(static_max), "memory_static_min": s(static_max // 4),
        "memory_dynamic_max": s(static_max), "memory_dynamic_min": s(static_max // 2),
        "memory_target": s(static_max), "memory_overhead": s(8 * 1024 * 1024),
        "VCPUs_max": s(vcpus), "VCPUs_at_startup": s(vcpus), "metrics": mr,
        "guest_metrics": "OpaqueRef:NULL",
        "resident_on": host if power in ("Running", "Paused") else "OpaqueRef:NULL",
        "domain_type": domain_type, "HVM_boot_policy": "BIOS order" if domain_type == "hvm" else "",
        "HVM_boot_params": {"order": "cd"}, "PV_kernel": "", "PV_ramdisk": "", "PV_args": "",
        "PV_bootloader": "" if domain_type == "hvm" else "pygrub",
        "actions_after_shutdown": "destroy", "actions_after_reboot": "restart",
        "actions_after_crash": "restart", "other_config": {}, "VBDs": [], "VIFs": [],
        "allowed_operations": [], "current_operations": {},
    }
    return r


def add_disk(vm, device, kind="Disk", mode="RW"):
    vdi, vbd = ref(), ref()
    sr = next(iter(DB["SR"]))
    DB["VDI"][vdi] = {"uuid": str(uuidlib.uuid4()), "SR": sr, "virtual_size": s(20 * GiB)}
    DB["VBD"][vbd] = {"uuid": str(uuidlib.uuid4()), "VM": vm, "VDI": vdi, "device": device,
                      "userdevice": "0", "type": kind, "mode": mode}
    DB["VM"][vm]["VBDs"].append(vbd)


def add_nic(vm, device, mac):
    vif = ref()
    net = next(iter(DB["network"]))
    DB["VIF"][vif] = {"uuid": str(uuidlib.uuid4()), "VM": vm, "device": device, "MAC": mac,
                      "network": net}
    DB["VM"][vm]["VIFs"].append(vif)


def build_pool():
    hosts = []
    for name, total in (("xs1", 256 * GiB), ("xs2", 128 * GiB)):
        h, m = ref(), ref()
        DB["host_metrics"][m] = {"uuid": str(uuidlib.uuid4()), "memory_total": s(total),
                                 "memory_free": s(total // 2), "live": True}
        DB["host"][h] = {"uuid": str(uuidlib.uuid4()), "name_label": name, "hostname": name,
                         "address": "127.0.0.1", "metrics": m,
                         "cpu_info": {"cpu_count": "16", "socket_count": "2", "speed": "2400.000",
                                      "modelname": "Sim CPU @ 2.40GHz"},
                         "software_version": {"xen": "4.17.3", "product_version": "8.2.1"}}
        hosts.append(h)
    DB["pool"][ref()] = {"uuid": str(uuidlib.uuid4()), "name_label": "simpool",
                         "master": hosts[0]}
    DB["SR"][ref()] = {"uuid": "5ca1ab1e-0000-4000-8000-000000000001"}
    DB["network"][ref()] = {"uuid": str(uuidlib.uuid4()), "bridge": "xenbr0"}
    # dom0 of the master: static max far above the host's memory ("no limit")
    d0 = add_vm("Control domain on host: xs1", "Running", 0, 2 ** 62, 4 * GiB, 16, True,
                hosts[0], domain_type="pv", u="00000000-0000-4000-8000-0000000000d0")
    DB["VM"][d0]["resident_on"] = hosts[0]
    DB["host"][hosts[0]]["control_domain"] = d0
    d1 = add_vm("Control domain on host: xs2", "Running", 0, 4 * GiB, 4 * GiB, 8, True,
                hosts[1], domain_type="pv", u="00000000-0000-4000-8000-0000000000d1")
    DB["host"][hosts[1]]["control_domain"] = d1
    add_vm("drv-net", "Running", 5, 1 * GiB, 1 * GiB, 1, True, hosts[0], domain_type="pv",
           u="00000000-0000-4000-8000-000000000005")
    web = add_vm("web", "Running", 7, 4 * GiB, 3584 * 1024 * 1024, 2, host=hosts[0],
                 u="00000000-0000-4000-8000-000000000007")
    add_disk(web, "xvda")
    add_disk(web, "xvdd", "CD", "RO")
    add_nic(web, "0", "aa:bb:cc:00:00:07")
    add_vm("db", "Paused", 8, 8 * GiB, 8 * GiB, 4, host=hosts[0],
           u="00000000-0000-4000-8000-000000000008")
    add_vm("idle", "Halted", -1, 2 * GiB, None, 1, u="00000000-0000-4000-8000-000000000009")
    add_vm("saved", "Suspended", -1, 2 * GiB, None, 2, u="00000000-0000-4000-8000-00000000000a")
    add_vm("big", "Running", 9, 5 * 1024 * GiB, 5 * 1024 * GiB, 64, host=hosts[1],
           u="00000000-0000-4000-8000-00000000000b")
    add_vm("Debian Template", "Halted", -1, 1 * GiB, None, 1, template=True)
    add_vm("web-snap", "Halted", -1, 4 * GiB, None, 2, snapshot=True)
    return hosts


HOSTS = build_pool()


def add_guests(n):
    for i in range(n):
        r = add_vm("guest-%05d" % i, "Running", 100 + i, 1 * GiB, 1 * GiB, 1, host=HOSTS[0])
        add_disk(r, "xvda")
        add_nic(r, "0", "aa:bb:cc:%02x:%02x:%02x" % ((i >> 16) & 255, (i >> 8) & 255, i & 255))


def vm_of(r):
    if r not in DB["VM"]:
        raise Failure("HANDLE_INVALID", "VM", r)
    return DB["VM"][r]


def power(r, want, new, domid=None):
    vm = vm_of(r)
    if vm["is_a_template"]:
        raise Failure("VM_IS_TEMPLATE", r)
    if vm["is_control_domain"]:
        raise Failure("OPERATION_NOT_ALLOWED", "control domains cannot be changed")
    if vm["power_state"] not in want:
        raise Failure("VM_BAD_POWER_STATE", r, want[0].lower(), vm["power_state"].lower())
    vm["power_state"] = new
    if new in ("Halted", "Suspended"):
        vm["domid"] = "-1"
        vm["resident_on"] = "OpaqueRef:NULL"
    elif domid is not None:
        STATE["next_domid"] = STATE.get("next_domid", 20) + 1
        vm["domid"] = s(STATE["next_domid"])
        vm["resident_on"] = HOSTS[0]
    event("vm", "mod", r)
    return ""


REQUIRED = ["name_label", "name_description", "user_version", "is_a_template", "affinity",
            "memory_static_max", "memory_dynamic_max", "memory_dynamic_min",
            "memory_static_min", "VCPUs_params", "VCPUs_max", "VCPUs_at_startup",
            "actions_after_shutdown", "actions_after_reboot", "actions_after_crash",
            "PV_bootloader", "PV_kernel", "PV_ramdisk", "PV_args", "PV_bootloader_args",
            "PV_legacy_args", "HVM_boot_policy", "HVM_boot_params", "platform", "PCI_bus",
            "other_config", "recommendations"]


def vm_create(rec):
    for f in REQUIRED:
        if f not in rec:
            raise Failure("FIELD_TYPE_ERROR", f)
    mem = [int(rec[k]) for k in ("memory_static_min", "memory_dynamic_min",
                                 "memory_dynamic_max", "memory_static_max")]
    if mem != sorted(mem):
        raise Failure("MEMORY_CONSTRAINT_VIOLATION", "static_min <= dynamic_min <= "
                      "dynamic_max <= static_max")
    r = add_vm(rec["name_label"], "Halted", -1, int(rec["memory_static_max"]), None,
               int(rec["VCPUs_max"]), domain_type="hvm" if rec["HVM_boot_policy"] else "pv")
    vm = DB["VM"][r]
    for k in REQUIRED:
        if k not in ("user_version", "affinity", "VCPUs_params", "platform", "PCI_bus",
                     "recommendations"):
            vm[k] = rec[k]
    vm["created_by_create"] = True
    event("vm", "add", r)
    return r


def event_from(classes, token, timeout):
    start = int(token.split(",")[0]) if token else -1
    deadline = time.time() + float(timeout)
    with LOCK:
        if start < 0:
            evs = [(0, "vm", "add", r) for r in DB["VM"]]
        else:
            while True:
                evs = [e for e in EVENTS if e[0] > start]
                left = deadline - time.time()
                if evs or left <= 0:
                    break
                LOCK.wait(left)
        out = []
        for eid, cls, op, r in evs:
            if cls not in [c.lower() for c in classes] and "*" not in classes:
                continue
            e = {"id": s(eid), "timestamp": "%.6f" % time.time(), "class": cls,
                 "operation": op, "ref": r}
            if op != "del":
                e["snapshot"] = DB["VM"].get(r, {})
            out.append(e)
        last = EVENTS[-1][0] if EVENTS else 0
        return {"events": out, "valid_ref_counts": {"vm": len(DB["VM"])},
                "token": "%020d,%020d" % (last, 0)}


def dispatch(method, params):
    if method == "session.login_with_password":
        if STATE["slave"]:
            raise Failure("HOST_IS_SLAVE", STATE["slave"])
        if len(params) < 2:
            raise Failure("MESSAGE_PARAMETER_COUNT_MISMATCH", method, "2", str(len(params)))
        if params[0] != USER or params[1] != PASSWORD:
            raise Failure("SESSION_AUTHENTICATION_FAILED", params[0],
                          "Authentication failure")
        sref = ref()
        SESSIONS.add(sref)
        return sref
    if not params or params[0] not in SESSIONS:
        raise Failure("SESSION_INVALID", params[0] if params else "")
    if method == "session.logout":
        SESSIONS.discard(params[0])
        return ""
    args = params[1:]
    cls, _, op = method.partition(".")
    if op == "get_all_records" and cls in DB:
        return DB[cls]
    if method == "pool.get_all":
        return list(DB["pool"])
    if op == "get_record" and cls in DB:
        if args[0] not in DB[cls]:
            raise Failure("HANDLE_INVALID", cls, args[0])
        return DB[cls][args[0]]
    if op == "get_uuid" and cls in DB:
        if args[0] not in DB[cls]:
            raise Failure("HANDLE_INVALID", cls, args[0])
        return DB[cls][args[0]]["uuid"]
    if method == "network.get_bridge":
        return DB["network"][args[0]]["bridge"]
    if method == "VM.get_by_uuid":
        for r, vm in DB["VM"].items():
            if vm["uuid"] == args[0]:
                return r
        raise Failure("UUID_INVALID", "VM", args[0])
    if method == "event.from":
        return event_from(args[0], args[1], args[2])
    if op.startswith("get_") and cls in DB and args and op[4:] in next(iter(DB[cls].values()), {}):
        # XenAPI has a getter for every field of every class
        if args[0] not in DB[cls]:
            raise Failure("HANDLE_INVALID", cls, args[0])
        return DB[cls][args[0]][op[4:]]
    table = {
        "VM.start": (["Halted"], "Running", True), "VM.resume": (["Suspended"], "Running", True),
        "VM.clean_shutdown": (["Running"], "Halted", None),
        "VM.hard_shutdown": (["Running", "Paused", "Suspended"], "Halted", None),
        "VM.pause": (["Running"], "Paused", None), "VM.unpause": (["Paused"], "Running", None),
        "VM.suspend": (["Running"], "Suspended", None),
        "VM.clean_reboot": (["Running"], "Running", None),
        "VM.hard_reboot": (["Running", "Paused"], "Running", None),
    }
    with LOCK:
        if method in table:
            want, new, domid = table[method]
            return power(args[0], want, new, domid)
        if method == "VM.destroy":
            vm = vm_of(args[0])
            if vm["power_state"] != "Halted":
                raise Failure("VM_BAD_POWER_STATE", args[0], "halted", vm["power_state"].lower())
            del DB["VM"][args[0]]
            event("vm", "del", args[0])
            return ""
        if method == "VM.create":
            return vm_create(args[0])
        if method == "VM.add_to_other_config":
            vm_of(args[0])["other_config"][args[1]] = args[2]
            event("vm", "mod", args[0])
            return ""
        if method == "VM.remove_from_other_config":
            vm_of(args[0])["other_config"].pop(args[1], None)
            return ""
    raise Failure("MESSAGE_METHOD_UNKNOWN", method)


def rrd_updates():
    now = int(time.time())
    legend, values = [], []
    for r, vm in DB["VM"].items():
        if vm["power_state"] != "Running":
            continue
        for k in range(int(vm["VCPUs_max"])):
            legend.append("AVERAGE:vm:%s:cpu%d" % (vm["uuid"], k))
            values.append("0.25")
        for vbd in vm["VBDs"]:
            d = DB["VBD"][vbd]["device"]
            legend += ["AVERAGE:vm:%s:vbd_%s_read" % (vm["uuid"], d),
                       "AVERAGE:vm:%s:vbd_%s_write" % (vm["uuid"], d)]
            values += ["4096", "8192"]
        for vif in vm["VIFs"]:
            d = DB["VIF"][vif]["device"]
            legend += ["AVERAGE:vm:%s:vif_%s_rx" % (vm["uuid"], d),
                       "AVERAGE:vm:%s:vif_%s_tx" % (vm["uuid"], d)]
            values += ["1000", "2000"]
        legend.append("AVERAGE:vm:%s:memory" % vm["uuid"])
        values.append(str(int(vm["memory_static_max"])))
    h = DB["host"][HOSTS[0]]
    legend += ["AVERAGE:host:%s:memory_total_kib" % h["uuid"],
               "AVERAGE:host:%s:memory_free_kib" % h["uuid"]]
    values += [str(256 * 1024 * 1024), str(128 * 1024 * 1024)]
    rows = []
    # newest first; the newest row has no data yet (NaN), as xapi's often does
    rows.append("<row><t>%d</t>%s</row>" % (now, "".join("<v>NaN</v>" for _ in values)))
    rows.append("<row><t>%d</t>%s</row>" % (now - 5, "".join("<v>%s</v>" % v for v in values)))
    return ("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xport><meta><start>%d</start>"
            "<step>5</step><end>%d</end><rows>2</rows><columns>%d</columns><legend>%s</legend>"
            "</meta><data>%s</data></xport>\n"
            % (now - 5, now, len(values), "".join("<entry>%s</entry>" % e for e in legend),
               "".join(rows)))


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def reply(self, code, body, ctype="text/xml"):
        data = body.encode()
        mode = STATE["mode"]
        if mode == "silent":
            time.sleep(3600)
        if mode == "slow":
            # one reply 3 s late, then normal again
            STATE["mode"] = "normal"
            time.sleep(3)
        if mode == "truncate":
            self.send_response(200)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        if mode == "garble":
            data = b"<methodResponse><params><param><value><struct><member><name>Status"
        if mode == "http500":
            code, data, ctype = 500, b"<html><body>Internal error</body></html>", "text/html"
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        n = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(n).decode()
        if self.path.startswith("/_sim/"):
            return self.control(self.path[6:])
        try:
            params, method = xmlrpc.client.loads(body)
        except Exception:
            return self.reply(500, "<html>malformed request</html>", "text/html")
        CALLS[method] = CALLS.get(method, 0) + 1
        try:
            with LOCK:
                value = dispatch(method, list(params))
            out = {"Status": "Success", "Value": value}
        except Failure as f:
            out = {"Status": "Failure", "ErrorDescription": f.desc}
        text = xmlrpc.client.dumps((out,), methodresponse=True, allow_none=False)
        # XenAPI's own examples send the status untyped
        text = text.replace("<value><string>Success</string></value>", "<value>Success</value>")
        self.reply(200, text)

    def do_GET(self):
        if self.path.startswith("/_sim/"):
            what = self.path[6:]
            data = {"state": lambda: {vm["name_label"]: vm for vm in DB["VM"].values()},
                    "calls": lambda: CALLS}.get(what)
            body = json.dumps(data() if data else {})
            self.send_response(200 if data else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body.encode())
            return
        if self.path.startswith("/rrd_updates"):
            CALLS["GET /rrd_updates"] = CALLS.get("GET /rrd_updates", 0) + 1
            q = dict(p.split("=", 1) for p in self.path.split("?", 1)[-1].split("&") if "=" in p)
            if q.get("session_id") not in SESSIONS:
                return self.reply(401, "<html>no session</html>", "text/html")
            with LOCK:
                return self.reply(200, rrd_updates())
        self.reply(404, "<html>not found</html>", "text/html")

    def control(self, cmd):
        with LOCK:
            if cmd == "expire":
                SESSIONS.clear()
            elif cmd.startswith("slave:"):
                STATE["slave"] = cmd[6:] or None
            elif cmd.startswith("vms:"):
                add_guests(int(cmd[4:]))
            elif cmd.startswith("lose-vbd:"):
                # the VBD is destroyed, the VM's record still names it (a
                # record read between the two): VBD.get_record answers
                # HANDLE_INVALID
                vm = next(v for v in DB["VM"].values() if v["name_label"] == cmd[9:])
                DB["VBD"].pop(vm["VBDs"][0], None)
            else:
                STATE["mode"] = cmd
        body = b"ok\n"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    global PASSWORD
    port, cert, key = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    if len(sys.argv) > 4:
        PASSWORD = sys.argv[4]
    address = sys.argv[5] if len(sys.argv) > 5 else "127.0.0.1"
    if not address.startswith("127."):
        sys.exit("xenapi-sim.py: loopback addresses only")
    srv = http.server.ThreadingHTTPServer((address, port), Handler)
    srv.daemon_threads = True
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("listening", flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()
