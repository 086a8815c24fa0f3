"""A throw-away Virtuoso 7 server on loopback, for tests and benchmarks.

Stable API (the benchmarks reuse it; extend, do not change):

    from virtuoso_server import start_virtuoso, virtuoso_available

    server = start_virtuoso(directory, memory_mb=2048)   # blocks until /sparql answers
    server.sparql          # http://127.0.0.1:PORT/sparql            (anonymous reads)
    server.sparql_auth     # http://127.0.0.1:PORT/sparql-auth       (digest auth, reads and updates)
    server.gsp_auth        # http://127.0.0.1:PORT/sparql-graph-crud-auth  (Graph Store Protocol, digest)
    server.isql("SPARQL SELECT COUNT(*) WHERE { ?s ?p ?o };")   # -> isql-vt's output text
    server.bulk_load(path)  # N-Quads (.nq), N-Triples (.nt), Turtle (.ttl), optionally .gz; -> seconds
                            # (triples without a graph: graph=..., default guidegraph's stand-in default graph)
    server.remote_config(timeout=10)   # guidegraph settings for store "remote" on this server
    server.url, server.sql_port, server.http_port, server.directory, server.log_path
    server.started_in      # seconds from launch until /sparql answered
    server.stop()          # SQL shutdown (Virtuoso checkpoints), waits for the process; kills it after 30 s

    with start_virtuoso(directory) as server: ...   # stops on leaving

``directory`` must be empty or absent; the database, its log and virtuoso.ini
go there and ``directory / "load"`` is the one directory the bulk loader may read
(``bulk_load`` copies or links files into it).

Writes: the user ``USER`` (password ``PASSWORD``) has the SPARQL_UPDATE role and
write permission on every graph; it is used by guidegraph through the ``-auth``
endpoints with HTTP digest authentication. The anonymous ``SPARQL`` user stays
read-only, as on a real deployment, and Virtuoso's own graphs are private
(``OWN_GRAPHS`` in the PrivateGraphs group), so readers see only the data.

Isolation: ``DefaultIsolation = 4`` (repeatable read), without which readers
see a SPARQL update half done.

Sizing: ``memory_mb`` sets the page buffers (NumberOfBuffers, MaxDirtyBuffers) by
OpenLink's rule of thumb (about two thirds of the memory in 8 KB pages); the
SPARQL section allows results of any size and no server-side time limit
(guidegraph sends its own per-query ``timeout``, see
guidegraph/store/remote_dialects.py).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

from guidegraph.store.remote_dialects import VIRTUOSO_DEFAULT_GRAPH

VIRTUOSO = "virtuoso-t"
ISQL = "isql-vt"
DBA_PASSWORD = "dba"  # the server listens on 127.0.0.1 only and lives for one run
USER = "guidegraph"
PASSWORD = "guidegraph-test"
MAX_ROWS = 2_000_000_000

INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = {remap}
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 32
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
DefaultIsolation = 4
MaxStaticCursorRows = 5000
AllowOSCalls = 0
DirsAllowed = ., {dir}, {load_dir}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
PrefixResultNames = 0
IndexTreeMaps = 64
MaxMemPoolSize = 200000000
MaxQueryMem = {query_mem}M
VectorSize = 1000
MaxVectorSize = 1000000
AdjustVectorSize = 0
ThreadsPerQuery = {threads}
AsyncQueueMaxThreads = 10
MaxSortedTopRows = {max_rows}
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty_buffers}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {dir}/vsp
MaxClientConnections = 32
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
TempASPXDir = 0
ServerThreads = 32
MaxKeepAlives = 32
KeepAliveTimeout = 10
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryCostEstimationTime = 0
MaxQueryExecutionTime = 0
"""

# Virtuoso's own graphs (quad-map metadata, service description, LDP terms) sit
# in the union default graph of every reader unless made private.
PRIVATE_GRAPHS = "http://www.openlinksw.com/schemas/virtrdf#PrivateGraphs"
OWN_GRAPHS = ("http://www.openlinksw.com/schemas/virtrdf#", "http://www.w3.org/ns/ldp#", "http://localuriqaserver/sparql")

# Run once on a fresh database: a writing user for the -auth endpoints; anonymous
# readers may read the data and nothing of Virtuoso's own.
SETUP_SQL = f"""
DB.DBA.USER_CREATE ('{USER}', '{PASSWORD}');
GRANT SPARQL_UPDATE TO "{USER}";
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('{USER}', 15);
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 1);
DB.DBA.RDF_GRAPH_GROUP_CREATE ('{PRIVATE_GRAPHS}', 1);
""" + "".join(f"DB.DBA.RDF_GRAPH_GROUP_INS ('{PRIVATE_GRAPHS}', '{g}');\n" for g in OWN_GRAPHS) + """
DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 0, 1);
"""


class VirtuosoError(RuntimeError):
    pass


def virtuoso_available() -> bool:
    return shutil.which(VIRTUOSO) is not None and shutil.which(ISQL) is not None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class VirtuosoServer:
    directory: Path
    sql_port: int
    http_port: int
    process: subprocess.Popen = field(repr=False)
    started_in: float = 0.0  # seconds from launch until /sparql answered

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        return self.url + "/sparql"

    @property
    def sparql_auth(self) -> str:
        return self.url + "/sparql-auth"

    @property
    def gsp_auth(self) -> str:
        return self.url + "/sparql-graph-crud-auth"

    @property
    def load_dir(self) -> Path:
        return self.directory / "load"

    @property
    def log_path(self) -> Path:
        return self.directory / "virtuoso.log"

    def remote_config(self, **extra) -> dict:
        """guidegraph's settings for a remote store on this server (add your own)."""
        return {
            "store": "remote",
            "remote_dialect": "virtuoso",
            "endpoint": self.sparql,
            "update_endpoint": self.sparql_auth,
            "gsp_endpoint": self.gsp_auth,
            "remote_user": USER,
            "remote_password": PASSWORD,
            **extra,
        }

    # -- SQL -------------------------------------------------------------
    def isql(self, sql: str, timeout: float = 600) -> str:
        """Run SQL statements (each ending in ';') as dba; raises VirtuosoError on an SQL error."""
        result = subprocess.run(
            [ISQL, f"127.0.0.1:{self.sql_port}", "dba", DBA_PASSWORD, "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF",
             "ERRORS=STDOUT", f"EXEC={sql}"],
            capture_output=True, text=True, timeout=timeout, stdin=subprocess.DEVNULL,
        )
        output = result.stdout + result.stderr
        if result.returncode != 0 or "*** Error" in output:
            raise VirtuosoError(f"isql failed ({result.returncode}): {output.strip()[-1500:]}")
        return output

    def bulk_load(self, path: str | os.PathLike, graph: str = VIRTUOSO_DEFAULT_GRAPH) -> float:
        """Load an RDF file with Virtuoso's bulk loader; returns the seconds it took.

        N-Quads keep their graph names; triples of N-Triples/Turtle (and quads
        without a graph) go to ``graph``. The file is hard-linked (or copied)
        into the load directory, loaded with ``ld_dir`` + ``rdf_loader_run()``,
        then checkpointed so a restart keeps it.
        """
        source = Path(path)
        name = source.name
        if not name.endswith((".nq", ".nq.gz", ".nt", ".nt.gz", ".ttl", ".ttl.gz", ".n4", ".n4.gz")):
            raise ValueError(f"the bulk loader needs .nq, .nt or .ttl (optionally .gz), not {name}")
        self.load_dir.mkdir(exist_ok=True)
        target = self.load_dir / name
        if target.exists():
            target.unlink()
        try:
            os.link(source, target)
        except OSError:
            shutil.copyfile(source, target)
        started = time.perf_counter()
        out = self.isql(
            f"DELETE FROM DB.DBA.LOAD_LIST WHERE ll_file = '{target}';"
            f"ld_dir ('{self.load_dir}', '{_sql_string(name)}', '{_sql_string(graph)}');"
            "rdf_loader_run ();"
            "checkpoint;"
            f"SELECT ll_state, ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file = '{target}';"
        )
        elapsed = time.perf_counter() - started
        target.unlink()
        errors = self.isql(f"SELECT ll_error FROM DB.DBA.LOAD_LIST WHERE ll_file = '{target}' AND ll_error IS NOT NULL;")
        if "Rows." in errors and "\n0 Rows." not in errors and not errors.strip().startswith("0 Rows"):
            raise VirtuosoError(f"bulk load of {name} failed: {errors.strip()[-1500:]} ({out.strip()[-300:]})")
        return elapsed

    # -- life cycle ------------------------------------------------------
    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        try:
            subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", DBA_PASSWORD, "EXEC=shutdown;"],
                           capture_output=True, timeout=30, stdin=subprocess.DEVNULL)
            self.process.wait(30)
        except (subprocess.TimeoutExpired, OSError):
            self.process.kill()
            self.process.wait()

    def __enter__(self) -> "VirtuosoServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def _sql_string(text: str) -> str:
    return text.replace("'", "''")


def write_ini(directory: Path, sql_port: int, http_port: int, *, memory_mb: int = 2048, threads: int = 2) -> Path:
    buffers = max(2000, memory_mb * 1024 * 1024 * 2 // 3 // 8192)
    ini = INI.format(
        dir=directory, load_dir=directory / "load", sql_port=sql_port, http_port=http_port,
        buffers=buffers, dirty_buffers=buffers * 3 // 4, remap=max(2000, buffers // 4),
        query_mem=max(256, memory_mb // 2), threads=threads, max_rows=MAX_ROWS,
    )
    path = directory / "virtuoso.ini"
    path.write_text(ini, encoding="utf-8")
    return path


def start_virtuoso(directory: str | os.PathLike, *, memory_mb: int = 2048, threads: int = 2,
                   timeout: float = 120.0) -> VirtuosoServer:
    """Start ``virtuoso-t +foreground`` with its own ini in ``directory`` on free loopback ports.

    Returns once /sparql answers and the writing user exists. ``threads`` is
    ThreadsPerQuery (this machine's cores is a fair value)."""
    if not virtuoso_available():
        raise VirtuosoError("Virtuoso is not installed (apt-get install virtuoso-opensource)")
    directory = Path(directory).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    if any(directory.iterdir()):
        raise VirtuosoError(f"{directory} is not empty; Virtuoso needs a fresh directory")
    (directory / "vsp").mkdir()
    (directory / "load").mkdir()
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = write_ini(directory, sql_port, http_port, memory_mb=memory_mb, threads=threads)
    started = time.perf_counter()
    # Output to a file: an unread pipe would fill up and stall the server.
    with open(directory / "stdout.log", "wb") as out:
        process = subprocess.Popen([VIRTUOSO, "+foreground", "+configfile", str(ini)], cwd=directory,
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    server = VirtuosoServer(directory, sql_port, http_port, process)
    try:
        _wait_for_sparql(server, timeout)
        server.isql(SETUP_SQL)
    except BaseException:
        server.stop()
        if process.poll() is None:
            process.kill()
        raise
    server.started_in = time.perf_counter() - started
    return server


def _wait_for_sparql(server: VirtuosoServer, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    probe = server.sparql + "?query=ASK%7B%7D"
    last: Exception | None = None
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise VirtuosoError(f"virtuoso-t exited ({server.process.returncode}): {_tail(server)}")
        try:
            with urllib.request.urlopen(probe, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError) as exc:
            last = exc
        time.sleep(0.05)
    raise VirtuosoError(f"Virtuoso did not answer at {probe} within {timeout:g} s ({last}): {_tail(server)}")


def _tail(server: VirtuosoServer) -> str:
    for path in (server.log_path, server.directory / "stdout.log"):
        if path.exists():
            return path.read_text(errors="replace")[-2000:]
    return "(no log)"

