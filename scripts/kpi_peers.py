#!/usr/bin/env python3
"""DuckDB beside SupportKit's KPI fold, on the same events.

The events come from `export-kpi-workload N FILE.csv` (Benchmarks/), which also prints
SupportKit's own fold and report times for them. This script loads the CSV into a DuckDB
table (not timed) and times only the queries that compute the same wall-clock KPIs:
first-response percentiles, resolution percentiles, busiest hours (weekday x hour in
Europe/Stockholm) and NPS.

    scripts/kpi_peers.sh 1000000     # builds the exporter, exports, runs both
"""
import sys
import time

import duckdb

path = sys.argv[1]
con = duckdb.connect()
con.execute("SET threads TO 1")  # one core, like the fold
con.execute(f"""
    CREATE TABLE events AS SELECT sequence, "at" AS ts, thread, party, kind, agent, channel, language, score, to_status FROM read_csv('{path}', header = true, columns = {{
        'sequence': 'BIGINT', 'at': 'DOUBLE', 'thread': 'UBIGINT', 'party': 'VARCHAR', 'kind': 'VARCHAR',
        'agent': 'VARCHAR', 'channel': 'VARCHAR', 'language': 'VARCHAR', 'score': 'INTEGER', 'to_status': 'VARCHAR'}})
""")
count = con.execute("SELECT count(*) FROM events").fetchone()[0]

queries = {
    "first_response": """
        WITH t AS (SELECT thread, min(ts) FILTER (WHERE kind = 'received') AS first_in,
                          min(ts) FILTER (WHERE kind = 'replied' AND agent <> '') AS first_out
                   FROM events GROUP BY thread)
        SELECT count(*), quantile_disc(first_out - first_in, [0.5, 0.9, 0.99]) FROM t WHERE first_out >= first_in""",
    "resolution": """
        WITH t AS (SELECT thread, min(ts) FILTER (WHERE kind = 'received') AS first_in,
                          max(ts) FILTER (WHERE kind = 'status' AND to_status = 'solved') AS solved
                   FROM events GROUP BY thread)
        SELECT count(*), quantile_disc(solved - first_in, [0.5, 0.9, 0.99]) FROM t WHERE solved >= first_in""",
    "busiest_hours": """
        SELECT isodow(timezone('Europe/Stockholm', to_timestamp(ts))) AS day,
               hour(timezone('Europe/Stockholm', to_timestamp(ts))) AS hour, count(*)
        FROM events WHERE kind = 'received' GROUP BY day, hour ORDER BY day, hour""",
    "nps": """
        SELECT 100.0 * (count(*) FILTER (WHERE score >= 9) - count(*) FILTER (WHERE score <= 6)) / count(*)
        FROM events WHERE kind = 'nps'""",
}
total = 0.0
for name, sql in queries.items():
    start = time.perf_counter()
    rows = con.execute(sql).fetchall()
    elapsed = time.perf_counter() - start
    total += elapsed
    shown = rows[0] if len(rows) == 1 else f"{len(rows)} rows"
    print(f"DuckDB {duckdb.__version__} {name}: {elapsed:.3f} s -> {shown}")
print(f"DuckDB {duckdb.__version__}: {count} events, the four KPI queries in {total:.3f} s (1 thread; load not timed)")
