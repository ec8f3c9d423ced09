-- Dashboard figures (issue 7): every chart's numbers per month, township and dimension, recomputed
-- from the raw tables by a refresh (hourly in the server, after `jiuye demo`, on demand) in one
-- transaction, so a dashboard reads a few hundred rows instead of grouping millions, and never a
-- half-written snapshot. `period` is 'YYYY-MM', or 'now' for figures of the current state.
CREATE TABLE stat_cells (
    metric TEXT NOT NULL,
    period TEXT NOT NULL,
    township_code TEXT NOT NULL,
    dim TEXT NOT NULL DEFAULT '',
    value INTEGER NOT NULL,
    PRIMARY KEY (metric, period, township_code, dim)
);
CREATE INDEX stat_cells_period ON stat_cells(period, township_code);

CREATE TABLE stat_refreshes (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    finished_at TEXT NOT NULL,
    cells INTEGER NOT NULL,
    millis INTEGER NOT NULL,
    refreshed_by TEXT NOT NULL
);
