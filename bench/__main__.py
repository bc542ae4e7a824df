"""`python -m bench` (make bench): every benchmark, on SQLite and, when it answers, on the local
PostgreSQL. Arguments are passed on to the search runs (for example `--profiles 20000`); the
matching benchmarks run with their defaults (10,000 exporters x 2,000 partners).

Each database runs in a process of its own: Django reads DATABASE_URL once, at setup.
"""

import subprocess
import sys

from bench.search_bench import DATABASE_URLS


def _postgres_answers() -> bool:
    import psycopg

    try:
        psycopg.connect(
            DATABASE_URLS["postgres"].rsplit("/", 1)[0] + "/postgres", connect_timeout=3
        ).close()
    except psycopg.OperationalError:
        return False
    return True


def main() -> int:
    databases = ["sqlite"]
    if _postgres_answers():
        databases.append("postgres")
    else:
        print("PostgreSQL does not answer at 127.0.0.1:5432; benchmarking SQLite only.")
    failed = 0
    for database in databases:
        print(f"\n######## search benchmark on {database} ########", flush=True)
        command = [sys.executable, "-m", "bench.search_bench", "--database", database]
        failed |= subprocess.run([*command, *sys.argv[1:]], check=False).returncode
        print(f"\n######## matching benchmark on {database} ########", flush=True)
        command = [sys.executable, "-m", "bench.matching_bench", "--database", database]
        failed |= subprocess.run(command, check=False).returncode
    print("\n######## matching engine benchmark (no database) ########", flush=True)
    failed |= subprocess.run(
        [sys.executable, "-m", "bench.matching_engine"], check=False
    ).returncode
    return failed


if __name__ == "__main__":
    sys.exit(main())
