#!/usr/bin/env python3
"""flowd speed against PostgreSQL's own ceiling, in one run (docs/performance.md, "flowd").

    cmake --build build-bench --target flowd track_load   # a Release build
    python3 bench/flowd_bench.py [--build build-bench] [--quick] [--timers 100000] ...

PostgreSQL: with PGHOST set, the libpq environment names the server to use (the user must
be allowed to create databases); otherwise the script runs itself again under
`pg_virtualenv -t` (a throwaway cluster, pg_stat_statements preloaded) and drops it at the
end. Each phase gets a fresh database.

  ceiling   pgbench, single-row INSERT transactions into a one-table schema
  track     (a) POST /v1/track at maximum throughput (closed loop), each request a new contact
            enrolled into a 3-step workflow: send a template, delay 1 s, update the contact
            (b) latency at an offered 1,000 events/s (open loop, latency from the due time)
            (c) executions completed per second: the executions of (a), first track to last
            COMPLETED, from the database
            (a0) the same as (a) with an event no workflow is triggered by: the track alone
  timers    (d) N executions WAITING in a delay that all fall due at one instant: 1,000
            enrolled by /v1/track, the rest copies of one of them made in SQL (its contact
            and every row of it, frame included) while flowd runs; N / (last completion -
            first due time). --timer-setup http enrols all N by HTTP instead and keeps flowd
            stopped until all are due.
            (e) flowd's VmRSS/VmHWM with 1,000 and with N executions waiting, and after (d)

Rates are also printed as a fraction of the pgbench ceiling, and with the CPU seconds flowd
and PostgreSQL spent per event (steadier than wall-clock rates on a shared machine). Rerun
when the load average (printed per phase) is low.
"""
import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PUBLIC_KEY = "pk_bench_public"
SECRET_KEY = "sk_bench_secret"

FLOW = """template welcome {{
  type transactional
  subject "Welcome, {{{{ firstName ?? "friend" }}}}"
  from "hello@acme.test"
  html "<p>Hi {{{{ firstName ?? "there" }}}}, welcome to Acme. Your plan: {{{{ plan ?? "free" }}}}.</p>"
}}

workflow bench_signup on "bench.signup" {{
  name "Bench: welcome, delay, update"
  send welcome
  delay 1s
  update contact {{ welcomed: true }}
}}
"""

FLOW_TIMER = """workflow bench_timer on "bench.timer" {{
  name "Bench: a timer"
  delay {timer_delay}s
  update contact {{ reminded: true }}
}}
"""


def log(message):
    print(message, flush=True)


def load_average():
    return "load average %.1f" % os.getloadavg()[0]


# --- PostgreSQL -------------------------------------------------------------------------

def psql(sql, database=None):
    """Runs sql with psql (libpq environment) and returns the unaligned, tuples-only output."""
    args = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-At", "-c", sql]
    if database:
        args += ["-d", database]
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout.strip()


def create_database(name):
    psql("DROP DATABASE IF EXISTS %s" % name, "postgres")
    psql("CREATE DATABASE %s" % name, "postgres")
    return name


def postmaster_pid():
    with open(os.path.join(psql("SHOW data_directory", "postgres"), "postmaster.pid")) as f:
        return int(f.readline())


def process_cpu(pid, with_reaped_children=False):
    """User + system CPU seconds of a process (and of its children that have exited)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    ticks = int(fields[11]) + int(fields[12])
    if with_reaped_children:
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


def postgres_cpu():
    """CPU seconds of our PostgreSQL server so far, apart from other clusters on the machine:
    the postmaster, its live children (backends, WAL writer, checkpointer...) and, through
    the postmaster's cutime/cstime, the backends that have exited."""
    postmaster = postmaster_pid()
    total = process_cpu(postmaster, with_reaped_children=True)
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open("/proc/%s/stat" % entry) as f:
                    parent = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == postmaster:
                total += process_cpu(int(entry))
    return total


def client_cpu():
    times = os.times()
    return times.children_user + times.children_system


def pgbench_ceiling(seconds, clients_list):
    database = create_database("flowd_bench_pgbench")
    psql("CREATE TABLE rows (id bigserial PRIMARY KEY, contact_id bigint NOT NULL, data jsonb NOT NULL, "
         "created_at timestamptz NOT NULL DEFAULT now())", database)
    best = None
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write("\\set contact random(1, 1000000000)\n"
                     "INSERT INTO rows (contact_id, data) VALUES (:contact, '{\"firstName\": \"Ann\"}');\n")
    try:
        for clients in clients_list:
            cpu_pg, cpu_client = postgres_cpu(), client_cpu()
            out = subprocess.run(["pgbench", "-n", "-M", "prepared", "-f", script.name, "-c", str(clients),
                                  "-j", str(min(clients, 2)), "-T", str(seconds), database],
                                 check=True, capture_output=True, text=True).stdout
            cpu = postgres_cpu() - cpu_pg + client_cpu() - cpu_client
            tps = float(re.search(r"tps = ([0-9.]+)", out).group(1))
            done = int(re.search(r"number of transactions actually processed: ([0-9]+)", out).group(1))
            latency = re.search(r"latency average = ([0-9.]+) ms", out)
            log("  pgbench -c %d -j %d -T %d: %.0f transactions/s (latency average %s ms; CPU %.3f ms per transaction,"
                " PostgreSQL and pgbench; %s)" % (clients, min(clients, 2), seconds, tps,
                                                  latency.group(1) if latency else "?", cpu / done * 1000, load_average()))
            if best is None or tps > best["tps"]:
                best = {"tps": tps, "cpu_ms": cpu / done * 1000, "clients": clients}
    finally:
        os.unlink(script.name)
    return best


# --- flowd ------------------------------------------------------------------------------

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Flowd:
    def __init__(self, binary, flows, database, workers, work_dir, data_root):
        self.binary, self.flows, self.database, self.workers = binary, flows, database, workers
        self.data_dir = os.path.join(data_root, "data-" + database)
        self.log_path = os.path.join(work_dir, "flowd-%s.log" % database)
        self.process = None
        self.port = None

    def start(self):
        self.port = free_port()
        with open(self.log_path, "a") as log_file:
            self.process = subprocess.Popen(
                [self.binary, "serve", "--flows", self.flows, "--database-url", "dbname=" + self.database,
                 "--listen", "127.0.0.1:%d" % self.port, "--workers", str(self.workers), "--data-dir", self.data_dir,
                 "--secret-key", SECRET_KEY, "--public-key", PUBLIC_KEY],
                stdout=log_file, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.process.poll() is not None:
                sys.exit("flowd exited at start; see " + self.log_path)
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
                connection.request("GET", "/healthz")
                status = connection.getresponse().status
                connection.close()
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.05)
        sys.exit("flowd did not answer /healthz; see " + self.log_path)

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        self.process = None

    def memory(self):
        """VmRSS and VmHWM in MiB."""
        with open("/proc/%d/status" % self.process.pid) as f:
            status = dict(line.split(":", 1) for line in f if ":" in line)
        return tuple(int(status[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))

    def cpu(self):
        return process_cpu(self.process.pid)


def track_load(args, flowd, **options):
    """Runs bench/track_load; returns its RESULT json."""
    command = [os.path.join(args.build, "bench", "track_load"), "--port", str(flowd.port), "--key", PUBLIC_KEY]
    for name, value in options.items():
        command += ["--" + name.replace("_", "-"), str(value)]
    before = client_cpu()
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    result = json.loads(out.rsplit("RESULT ", 1)[1])
    result["client_cpu"] = client_cpu() - before
    if result["failed"] or result["bad_status"]:
        log("  !! %d failed, %d non-2xx answers" % (result["failed"], result["bad_status"]))
    return result


def wait_for(database, sql, expected, timeout, interval=1.0):
    """Polls the count `sql` until it reaches `expected` (or, for expected 0, falls to it).
    Each poll is a psql process and a count: too often would take CPU from what is measured."""
    deadline = time.time() + timeout
    while True:
        value = int(psql(sql, database))
        if (value == 0 if expected == 0 else value >= expected) or time.time() > deadline:
            return value
        time.sleep(interval)


def fraction(rate, ceiling):
    return "%.3f of the pgbench ceiling" % (rate / ceiling["tps"])


class CpuMeter:
    """CPU seconds spent by flowd, by our PostgreSQL and by this script's children
    (track_load) since the meter was made: per event, they say what a figure would be on an
    idle machine, where the wall-clock rates of a shared one cannot."""

    def __init__(self, flowd):
        self.flowd = flowd
        self.start = (time.time(), flowd.cpu(), postgres_cpu(), client_cpu())

    def read(self):
        now = (time.time(), self.flowd.cpu(), postgres_cpu(), client_cpu())
        wall, flowd, pg, client = (b - a for a, b in zip(self.start, now))
        return {"wall": wall, "flowd": flowd, "postgres": pg, "client": client}

    @staticmethod
    def describe(cpu, count, what, ceiling):
        per = (cpu["flowd"] + cpu["postgres"]) / count * 1000
        return ("CPU per %s: flowd %.3f ms + PostgreSQL %.3f ms = %.3f ms (%.1f pgbench transactions; "
                "2 idle cores would allow at most %.0f/s) [%.1f s wall; this script's children, track_load and psql: %.1f s CPU]"
                % (what, cpu["flowd"] / count * 1000, cpu["postgres"] / count * 1000, per, per / ceiling["cpu_ms"],
                   2000 / per, cpu["wall"], cpu["client"]))


# --- phases -----------------------------------------------------------------------------

def pg_stat_statements_reset(database):
    try:
        psql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", database)
        psql("SELECT pg_stat_statements_reset()", database)
        return True
    except subprocess.CalledProcessError:
        return False


def print_top_statements(database, count):
    where = "WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
    calls, execute, plan = psql("SELECT sum(calls), round(sum(total_exec_time)), round(sum(total_plan_time)) "
                                "FROM pg_stat_statements " + where, database).split("|")
    log("  pg_stat_statements: %s statements, %s ms executing, %s ms planning (track_planning); top by time:"
        % (calls, execute, plan))
    log("    execute ms | plan ms | calls | rows | query")
    rows = psql("SELECT round(total_exec_time), round(total_plan_time), calls, rows, "
                "left(regexp_replace(query, '\\s+', ' ', 'g'), 100) FROM pg_stat_statements " + where +
                " ORDER BY total_exec_time + total_plan_time DESC LIMIT %d" % count, database)
    for row in rows.splitlines():
        log("    " + row.replace("|", " | "))


def phase_track(args, flows, work_dir, ceiling, figures):
    database = create_database("flowd_bench_track")
    flowd = Flowd(args.flowd, flows, database, args.workers, work_dir, args.data_dir_root)
    flowd.start()
    statements = pg_stat_statements_reset(database)
    unfinished = "SELECT count(*) FROM executions WHERE status <> 'COMPLETED'"
    track_load(args, flowd, connections=args.connections, duration=1, prefix="warm")  # sessions, caches
    wait_for(database, unfinished, 0, args.drain_timeout)
    if statements:
        pg_stat_statements_reset(database)

    log("(a) /v1/track, closed loop, %d connections, %g s (%s)" % (args.connections, args.seconds, load_average()))
    meter = CpuMeter(flowd)
    perf = start_perf(args, work_dir, flowd) if args.perf else None
    a = track_load(args, flowd, connections=args.connections, duration=args.seconds, prefix="a")
    load_cpu = meter.read()
    if perf:
        report_perf(perf, work_dir)
    done_during = int(psql("SELECT count(*) FROM executions e JOIN contacts c ON c.id = e.contact_id "
                           "WHERE c.email LIKE 'a-%' AND e.status = 'COMPLETED'", database))
    log("  %.0f events/s, latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms (%d answered) — %s"
        % (a["throughput"], a["p50_ms"], a["p90_ms"], a["p99_ms"], a["max_ms"], a["ok"],
           fraction(a["throughput"], ceiling)))
    log("  during the load (the workers run executions meanwhile): " +
        CpuMeter.describe(load_cpu, a["ok"], "accepted event", ceiling))
    figures["track_throughput"] = dict(a, cpu=load_cpu)

    # (c): every execution of (a), from its track to its completion.
    wait_for(database, unfinished, 0, args.drain_timeout)
    all_cpu = meter.read()
    count, span = psql("SELECT count(*), extract(epoch FROM max(ended_at) - min(started_at)) FROM executions e "
                       "JOIN contacts c ON c.id = e.contact_id WHERE c.email LIKE 'a-%' AND e.status = 'COMPLETED'",
                       database).split("|")
    count, span = int(count), float(span)
    rate = count / span
    log("(c) %d executions completed %.1f s after the first track: %.0f executions/s — %s"
        % (count, span, rate, fraction(rate, ceiling)))
    log("  %d of them had completed when the load stopped; " % done_during +
        CpuMeter.describe(all_cpu, count, "execution, track to COMPLETED", ceiling))
    figures["completions"] = {"rate": rate, "span": span, "count": count, "done_during_load": done_during,
                              "cpu": all_cpu}
    if count < a["ok"]:
        log("  !! only %d of %d executions completed within %g s" % (count, a["ok"], args.drain_timeout))
    if statements:
        print_top_statements(database, args.statements)

    log("(b) /v1/track, open loop at %d events/s for %g s (%s)" % (args.rate, args.seconds, load_average()))
    b = track_load(args, flowd, connections=args.connections, rate=args.rate, duration=args.seconds, prefix="b")
    log("  %.0f events/s answered, latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms — offered %s"
        % (b["throughput"], b["p50_ms"], b["p90_ms"], b["p99_ms"], b["max_ms"], fraction(args.rate, ceiling)))
    figures["track_at_rate"] = b

    # (a0): what the track itself costs, apart from the executions it starts.
    wait_for(database, unfinished, 0, args.drain_timeout)
    log("(a0) /v1/track of an event that starts no workflow, closed loop, %d connections, %g s (%s)"
        % (args.connections, args.seconds, load_average()))
    meter = CpuMeter(flowd)
    a0 = track_load(args, flowd, connections=args.connections, duration=args.seconds, prefix="n",
                    event="bench.nothing")
    a0_cpu = meter.read()
    log("  %.0f events/s, latency p50 %.1f ms, p99 %.1f ms — %s; %s"
        % (a0["throughput"], a0["p50_ms"], a0["p99_ms"], fraction(a0["throughput"], ceiling),
           CpuMeter.describe(a0_cpu, a0["ok"], "event", ceiling)))
    figures["track_alone"] = dict(a0, cpu=a0_cpu)
    flowd.stop()  # what (b) left running is not measured


def clone_waiting_contact(database, template_contact, count):
    """Adds `count` contacts, each a copy of `template_contact` with its rows in every table
    that has a contact_id (events, its one execution with its frame, step history...): the
    database as `count` more tracks at the template's instant would have left it. The
    frame holds no contact or execution id, so every copy is the frame the VM would have
    written; they all fall due at the template's wake_at. Columns come from the catalogue,
    so the copy follows the schema's migrations."""
    def columns(table):
        return psql("SELECT string_agg(column_name, ',' ORDER BY ordinal_position) FROM information_schema.columns "
                    "WHERE table_schema = 'public' AND table_name = '%s' AND coalesce(column_default, '') "
                    "NOT LIKE 'nextval%%' AND column_name NOT IN ('contact_id', 'execution_id', 'email')" % table,
                    database).split(",")
    tables = psql("SELECT string_agg(table_name, ',') FROM information_schema.columns WHERE table_schema = 'public' "
                  "AND column_name = 'contact_id'", database).split(",")
    sql = ["BEGIN;",
           "CREATE TEMP TABLE clone AS SELECT g AS n, nextval('contacts_id_seq') AS contact_id, "
           "nextval('executions_id_seq') AS execution_id FROM generate_series(1, %d) g;" % count]
    keep = columns("contacts")
    sql.append("INSERT INTO contacts (id, email, %s) SELECT c.contact_id, 'tc-' || c.n || '@bench.test', %s "
               "FROM clone c, contacts t WHERE t.id = %d;"
               % (",".join(keep), ",".join("t." + k for k in keep), template_contact))
    for table in sorted(tables, key=lambda t: t != "executions"):  # executions first: others refer to it
        keep = columns(table)
        target, source = ["contact_id"] + keep, ["c.contact_id"] + ["t." + k for k in keep]
        if table == "executions":
            target, source = ["id"] + target, ["c.execution_id"] + source
        elif "execution_id" in psql("SELECT string_agg(column_name, ',') FROM information_schema.columns WHERE "
                                    "table_schema = 'public' AND table_name = '%s'" % table, database).split(","):
            target, source = target + ["execution_id"], source + ["c.execution_id"]
        sql.append("INSERT INTO %s (%s) SELECT %s FROM clone c, %s t WHERE t.contact_id = %d;"
                   % (table, ",".join(target), ",".join(source), table, template_contact))
    sql.append("COMMIT; ANALYZE;")
    subprocess.run(["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database], input="\n".join(sql),
                   check=True, capture_output=True, text=True)


def phase_timers(args, work_dir, ceiling, figures):
    small = min(1000, args.timers)
    if args.timer_setup == "sql":
        timer_delay = args.timer_delay or 60 + args.timers // 2000
    else:  # the delay must outlast the enrolment: from the rate (c) measured, else a guess
        rate_guess = min(figures.get("track_throughput", {}).get("throughput", 500),
                         2 * figures.get("completions", {}).get("rate", 250))
        timer_delay = args.timer_delay or int(30 + 1.5 * args.timers / rate_guess)
    flows = write_flows(work_dir, "timers", FLOW_TIMER.format(timer_delay=timer_delay))
    database = create_database("flowd_bench_timers")
    flowd = Flowd(args.flowd, flows, database, args.workers, work_dir, args.data_dir_root)
    flowd.start()
    count_waiting = "SELECT count(*) FROM executions WHERE status = 'WAITING'"
    log("(e) flowd memory: %d, then %d executions waiting in `delay %ds`, enrolled %s (%s)"
        % (small, args.timers, timer_delay, "by /v1/track" if args.timer_setup == "http" else
           "by /v1/track, then copied in SQL", load_average()))
    rss0, hwm0 = flowd.memory()
    track_load(args, flowd, connections=args.connections, requests=small, duration=3600, event="bench.timer", prefix="t")
    waiting = wait_for(database, count_waiting, small, args.drain_timeout)
    time.sleep(2)  # let the workers' last batch settle
    rss1, hwm1 = flowd.memory()
    log("  started: VmRSS %.1f MiB; %d waiting: VmRSS %.1f MiB (VmHWM %.1f)" % (rss0, waiting, rss1, hwm1))
    if args.timers > small:
        if args.timer_setup == "http":
            enrol = track_load(args, flowd, connections=args.connections, requests=args.timers - small, duration=3600,
                               event="bench.timer", prefix="t", first_index=small)
            log("  enrolled the rest at %.0f events/s" % enrol["throughput"])
        else:
            template = int(psql("SELECT contact_id FROM executions WHERE status = 'WAITING' "
                                "ORDER BY wake_at DESC LIMIT 1", database))
            copied = time.time()
            clone_waiting_contact(database, template, args.timers - small)
            log("  copied contact %d and its rows %d times in %.1f s" % (template, args.timers - small,
                                                                         time.time() - copied))
    waiting = wait_for(database, count_waiting, args.timers, args.drain_timeout)
    all_waiting = time.time()
    time.sleep(2)
    rss2, hwm2 = flowd.memory()
    log("  %d waiting: VmRSS %.1f MiB (VmHWM %.1f)" % (waiting, rss2, hwm2))
    figures["memory"] = {"started_rss": rss0, "small": small, "small_rss": rss1, "small_hwm": hwm1,
                         "large": waiting, "large_rss": rss2, "large_hwm": hwm2}
    first_due, last_due = (float(x) for x in psql(
        "SELECT extract(epoch FROM min(wake_at)), extract(epoch FROM max(wake_at)) FROM executions "
        "WHERE status = 'WAITING'", database).split("|"))
    if first_due < all_waiting:
        log("  !! timers fell due %.1f s before all were enrolled: raise --timer-delay" % (all_waiting - first_due))
    if args.timer_setup == "http":
        # Stopped until the last is due, so that at the restart every timer is due at once.
        flowd.stop()
        log("(d) %d timers: flowd stopped; every delay is due at %s UTC, %.0f s from now"
            % (waiting, time.strftime("%H:%M:%S", time.gmtime(last_due)), last_due - time.time()))
        time.sleep(max(0, last_due - time.time() + 1))
        log("  all due; starting flowd (%s)" % load_average())
        due, since = time.time(), "the restart"
        flowd.start()
        log("  /healthz answered %.2f s after the start" % (time.time() - due))
        meter = CpuMeter(flowd)
    else:
        log("(d) %d timers: %d due at %s UTC, %.0f s from now; flowd keeps running"
            % (waiting, args.timers - small + 1, time.strftime("%H:%M:%S", time.gmtime(last_due)),
               last_due - time.time()))
        time.sleep(max(0, first_due - time.time() - 0.5))
        statements = pg_stat_statements_reset(database)
        meter = CpuMeter(flowd)
        # The 1,000 enrolled by HTTP fall due up to a few seconds before the copies.
        due, since = first_due, "the first was due"
        log("  due (%s)" % load_average())
    done = wait_for(database, "SELECT count(*) FROM executions WHERE status = 'COMPLETED'", args.timers,
                    args.drain_timeout, interval=5)  # the rate comes from ended_at, not from the polls
    cpu = meter.read()
    first_end, last_end = (float(x) for x in psql(
        "SELECT extract(epoch FROM min(ended_at)), extract(epoch FROM max(ended_at)) FROM executions "
        "WHERE status = 'COMPLETED'", database).split("|"))
    span = last_end - due
    rate = done / span
    rss3, hwm3 = flowd.memory()
    log("  %d resumed and completed %.1f s after %s (the first completion %.2f s after it): %.0f timers/s — %s"
        % (done, span, since, first_end - due, rate, fraction(rate, ceiling)))
    log("  " + CpuMeter.describe(cpu, done, "timer", ceiling))
    log("  flowd after the burst: VmRSS %.1f MiB, VmHWM %.1f MiB" % (rss3, hwm3))
    if args.timer_setup == "sql" and statements:
        print_top_statements(database, args.statements)
    figures["timers"] = {"count": done, "span": span, "rate": rate, "cpu": cpu, "setup": args.timer_setup,
                         "rss_after": rss3, "hwm_after": hwm3, "delay": timer_delay}
    flowd.stop()


def start_perf(args, work_dir, flowd):
    pids = [flowd.process.pid, postmaster_pid()] + [int(p) for p in psql(
        "SELECT pid FROM pg_stat_activity WHERE datname = 'flowd_bench_track' AND pid <> pg_backend_pid()",
        "postgres").split()]
    return subprocess.Popen(["perf", "record", "-q", "-F", "499", "-o", os.path.join(work_dir, "perf.data"),
                             "-p", ",".join(map(str, pids)), "--", "sleep", str(args.seconds)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def report_perf(perf, work_dir):
    perf.wait()
    out = subprocess.run(["perf", "report", "-i", os.path.join(work_dir, "perf.data"), "--stdio", "--no-children",
                          "--sort", "comm,dso,sym", "--percent-limit", "0.7"],
                         capture_output=True, text=True).stdout
    with open(os.path.join(work_dir, "perf.txt"), "w") as f:
        f.write(out)
    log("  perf (flowd and its PostgreSQL backends during (a)), samples above 0.7%:")
    for line in out.splitlines():
        if line.strip() and not line.startswith("#"):
            log("    " + line.strip())


def write_flows(work_dir, name, text):
    flows = os.path.join(work_dir, "flows-" + name)
    os.makedirs(flows)
    with open(os.path.join(flows, "bench.flow"), "w") as f:
        f.write(text)
    return flows


OWN_CLUSTER = "FLOWD_BENCH_OWN_CLUSTER"


def use_unix_socket():
    """pg_virtualenv points libpq at localhost, i.e. TCP. flowd's own PostgreSQL (no
    --database-url) listens on a Unix socket only, which costs the kernel less per round trip
    than TCP over loopback (over TCP, kernel time was 42 % of flowd's and its backends'
    samples in (a)), so the script's own cluster is reached the same way, by flowd, pgbench
    and psql alike."""
    directory = psql("SHOW unix_socket_directories", "postgres").split(",")[0].strip()
    if not directory:
        return
    # pg_virtualenv's cluster lets only the system user postgres in through the socket (peer);
    # the script runs as another user, with the password pg_virtualenv set (PGPASSWORD).
    hba = psql("SHOW hba_file", "postgres")
    with open(hba) as f:
        rules = f.read()
    with open(hba, "w") as f:
        f.write("local all all scram-sha-256\n" + rules)
    psql("SELECT pg_reload_conf()", "postgres")
    os.environ["PGHOST"] = directory


def settings_line():
    names = ["server_version", "fsync", "synchronous_commit", "shared_buffers", "max_connections"]
    return ", ".join("%s=%s" % (n, psql("SHOW " + n, "postgres")) for n in names)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build", default="build-bench", help="build directory (Release) with flowd and track_load")
    parser.add_argument("--workers", type=int, default=1, help="flowd --workers (1, flowd's own default)")
    parser.add_argument("--connections", type=int, default=32, help="track_load keep-alive connections")
    parser.add_argument("--seconds", type=float, help="length of (a) and (b)")
    parser.add_argument("--rate", type=int, default=1000, help="offered events/s of (b)")
    parser.add_argument("--timers", type=int, help="executions waiting in (d) and (e)")
    parser.add_argument("--timer-delay", type=int, help="seconds of the timer workflow's delay (default: from the rate of (c))")
    parser.add_argument("--timer-setup", choices=["sql", "http"], default="sql",
                        help="sql: 1,000 enrolled by /v1/track, the rest copies of one of them made in SQL, all due at "
                             "once with flowd running; http: all by /v1/track, flowd stopped until all are due")
    parser.add_argument("--statements", type=int, default=12, help="pg_stat_statements rows to print")
    parser.add_argument("--pgbench-seconds", type=int)
    parser.add_argument("--pgbench-clients", help="pgbench -c values; the best is the ceiling")
    parser.add_argument("--drain-timeout", type=float, default=600, help="seconds to wait for executions to finish")
    parser.add_argument("--only", choices=["track", "timers"], help="run the ceiling and one phase")
    parser.add_argument("--perf", action="store_true", help="perf record flowd and PostgreSQL during (a); report in the work dir")
    parser.add_argument("--data-root", default="/dev/shm" if os.path.isdir("/dev/shm") else None,
                        help="where flowd's data directories (its .eml files) go; default /dev/shm, a tmpfs, so that "
                             "the file system's inode work for tens of thousands of small files is not what is "
                             "measured; --data-root /tmp puts them on disk")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (flowd logs)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 3 s phases, 5,000 timers (explicit flags win)")
    args = parser.parse_args()
    quick = {"seconds": 3, "timers": 5000, "pgbench_seconds": 3, "pgbench_clients": "8"}
    full = {"seconds": 10, "timers": 100000, "pgbench_seconds": 10, "pgbench_clients": "2,8"}
    for name, value in (quick if args.quick else full).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    args.build = os.path.abspath(os.path.join(ROOT, args.build) if not os.path.isabs(args.build) else args.build)
    args.flowd = os.path.join(args.build, "runtime", "flowd", "flowd")
    for binary in (args.flowd, os.path.join(args.build, "bench", "track_load")):
        if not os.access(binary, os.X_OK):
            sys.exit("%s is missing: cmake --build %s --target flowd track_load" % (binary, args.build))

    if "PGHOST" not in os.environ:
        # A throwaway cluster; pg_stat_statements shows where PostgreSQL's time goes.
        os.environ[OWN_CLUSTER] = "1"
        os.execvp("pg_virtualenv", ["pg_virtualenv", "-t", "-o", "shared_preload_libraries=pg_stat_statements",
                                    "-o", "pg_stat_statements.track_planning=on",
                                    sys.executable] + sys.argv)
    if os.environ.pop(OWN_CLUSTER, None):
        use_unix_socket()

    log("flowd benchmark: %s, --workers %d, %s" % (os.path.basename(args.build), args.workers, load_average()))
    log("PostgreSQL: " + settings_line() + ", reached at " + os.environ.get("PGHOST", "(libpq default)"))
    work_dir = tempfile.mkdtemp(prefix="flowd-bench-")
    args.data_dir_root = tempfile.mkdtemp(prefix="flowd-bench-data-", dir=args.data_root)
    log("flowd's data directories (mail as .eml files): " + args.data_dir_root)
    flows = write_flows(work_dir, "track", FLOW.format())
    figures = {}
    try:
        log("ceiling: pgbench, one single-row INSERT per transaction")
        ceiling = pgbench_ceiling(args.pgbench_seconds, [int(c) for c in args.pgbench_clients.split(",")])
        figures["ceiling"] = ceiling
        log("  ceiling %.0f transactions/s" % ceiling["tps"])
        if args.only in (None, "track"):
            phase_track(args, flows, work_dir, ceiling, figures)
        if args.only in (None, "timers"):
            phase_timers(args, work_dir, ceiling, figures)
        log("FIGURES " + json.dumps(figures))
    finally:
        if args.keep:
            log("work directory kept: %s (data: %s)" % (work_dir, args.data_dir_root))
        else:
            shutil.rmtree(work_dir, ignore_errors=True)
            shutil.rmtree(args.data_dir_root, ignore_errors=True)


if __name__ == "__main__":
    main()
