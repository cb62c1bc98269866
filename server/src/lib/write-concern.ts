/**
 * Write concern for bookkeeping whose loss in a crash costs nothing: rate-limit windows, daily
 * caps, duplicate-submission locks, sequence counters a journaled write consumes. Acknowledged once
 * applied; the database's next journal commit makes it durable (MongoDB's `j: false`, honoured by
 * the embedded engine too, ADR 002). The journal keeps order, so once a journaled write after it
 * (the submission itself) is acknowledged, this one is durable as well. Never for a submission.
 */
export const COUNTER_WRITE_CONCERN = { w: 1, j: false } as const;
