-- Metric values Shipcheck reads from a project's Prometheus (a PromQL query of a metric or watch
-- item) are stored beside the ones CI posts: where they came from, the query, and, when the answer
-- was no usable value, why (value is then NULL, which the gate never counts as a pass).
ALTER TABLE "Metric" ALTER COLUMN "value" DROP NOT NULL;
ALTER TABLE "Metric" ADD COLUMN "source" TEXT NOT NULL DEFAULT 'ci';
ALTER TABLE "Metric" ADD COLUMN "query" TEXT;
ALTER TABLE "Metric" ADD COLUMN "error" TEXT;

-- The project's Prometheus: its base URL, and the bearer token sent to it (needed in clear to be
-- sent; never returned by the API nor logged).
ALTER TABLE "Project" ADD COLUMN "prometheusUrl" TEXT;
ALTER TABLE "Project" ADD COLUMN "prometheusBearerToken" TEXT;
