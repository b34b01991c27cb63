-- Rows that ingest updates in place again and again keep room on their page, so PostgreSQL can
-- update them without touching their indexes (a HOT update): the latest run of a key when the
-- suite runs again (10,000 of them for a 10,000-test report: the upsert took 157 ms, 65-75 ms
-- with the room), a check's tally on every batch, a token's rate-limit window on every request.
-- None of the columns these updates change is indexed. Pages written from now on keep the room;
-- the rest get it as rows move. docs/decisions/023.
ALTER TABLE "ResultState" SET (fillfactor = 70);
ALTER TABLE "CheckTally" SET (fillfactor = 70);
ALTER TABLE "RateLimitWindow" SET (fillfactor = 70);
