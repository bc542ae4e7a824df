"""daphne, as `python -m daphne`, optionally under a profiler: the chat benchmark's server.

`python -m bench.chat_server <daphne arguments>`. With BENCH_CHAT_PROFILE=<path> set, yappi
(CPU time, every thread: the event loop and the threads database_sync_to_async runs in)
profiles the server and writes pstats to <path> when daphne stops (SIGTERM); yappi is not a
dependency of the project, so the benchmark puts it on PYTHONPATH itself. With
BENCH_CHAT_QUERIES=<path> set, every SQL statement the server runs is counted by its first words
and the counts are written to <path> at exit.
"""

import atexit
import collections
import json
import os
import sys


def _count_queries(path: str) -> None:
    from django.db.backends.signals import connection_created

    counts: collections.Counter = collections.Counter()

    def counter(execute, sql, params, many, context):
        counts[" ".join(sql.split()[:6])[:120]] += 1
        return execute(sql, params, many, context)

    def installed(sender, connection, **kwargs):
        if counter not in connection.execute_wrappers:
            connection.execute_wrappers.append(counter)

    def write() -> None:
        with open(path, "w") as output:
            output.write(json.dumps(counts.most_common(), indent=1))

    connection_created.connect(installed, weak=False)
    atexit.register(write)


def main() -> None:
    profile = os.environ.get("BENCH_CHAT_PROFILE")
    queries = os.environ.get("BENCH_CHAT_QUERIES")
    if queries:
        _count_queries(queries)
    if profile:
        import yappi

        yappi.set_clock_type("cpu")
        yappi.start(builtins=False)
    from daphne.cli import CommandLineInterface

    sys.argv[0] = "daphne"
    try:
        CommandLineInterface.entrypoint()
    finally:
        if profile:
            yappi.stop()
            yappi.convert2pstats(yappi.get_func_stats()).dump_stats(profile)


if __name__ == "__main__":
    main()
