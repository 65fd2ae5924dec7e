-- The step dictionary (docs/scanner.md, "Path steps stored once"). Four fifths of what a scan stored were
-- the steps of access and finding paths, and a cluster's paths reuse a few thousand distinct steps hundreds
-- of times (docs/performance.md, "Sizing the payload"). Each distinct step is stored here once per tenant,
-- under a reference derived from its content (lib/model/path-step-refs.ts), and a stored path holds the
-- reference, a JSON string, where it held the step, a JSON object. Rows are immutable and shared by every
-- scan: a reference names one content forever, so history, drift and retention need nothing from here.
-- Paths stored before this table hold their steps inline, and read exactly as before.
CREATE TABLE "path_steps" (
  "tenant_id" TEXT NOT NULL,
  "ref" TEXT NOT NULL,
  "step" JSONB NOT NULL,
  CONSTRAINT "path_steps_pkey" PRIMARY KEY ("tenant_id", "ref")
);

-- Paths (an array of arrays of steps) with every reference replaced by its step. A reference with no step
-- stays the string it is, so a reader's schema refuses it loudly instead of showing a shorter path. The
-- references are looked up together, once per call: as a join per step (a plain SQL function) this took
-- 1.7 ms a row, 110 µs this way. Readers of many rows put the steps back in TypeScript instead
-- (lib/queries/path-steps.ts), one query for all their rows.
CREATE FUNCTION atlas_path_steps(p_tenant TEXT, p_paths JSONB) RETURNS JSONB
LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
DECLARE
  refs TEXT[];
  steps JSONB;
BEGIN
  IF jsonb_typeof(p_paths) IS DISTINCT FROM 'array' THEN
    RETURN p_paths;
  END IF;
  SELECT array_agg(DISTINCT s #>> '{}') INTO refs
  FROM jsonb_array_elements(p_paths) AS p(path)
  CROSS JOIN LATERAL jsonb_array_elements(CASE WHEN jsonb_typeof(p.path) = 'array' THEN p.path ELSE '[]' END) AS s
  WHERE jsonb_typeof(s) = 'string';
  IF refs IS NULL THEN
    RETURN p_paths;
  END IF;
  SELECT coalesce(jsonb_object_agg(d.ref, d.step), '{}') INTO steps
  FROM path_steps d WHERE d.tenant_id = p_tenant AND d.ref = ANY(refs);
  RETURN (
    SELECT jsonb_agg(
      CASE WHEN jsonb_typeof(p.path) <> 'array' THEN p.path
      ELSE coalesce((SELECT jsonb_agg(CASE WHEN jsonb_typeof(s.step) = 'string'
                                           THEN coalesce(steps -> (s.step #>> '{}'), s.step) ELSE s.step END
                                      ORDER BY s.ord)
                     FROM jsonb_array_elements(p.path) WITH ORDINALITY AS s(step, ord)), '[]')
      END ORDER BY p.ord)
    FROM jsonb_array_elements(p_paths) WITH ORDINALITY AS p(path, ord));
END
$$;

-- A stored document as the engine produced it: an access row's `paths` and a finding's `evidence.paths`
-- with their steps (the kinds of PATHS_AT in lib/model/path-step-refs.ts); any other document as it is.
CREATE FUNCTION atlas_record_data(p_tenant TEXT, p_kind TEXT, p_data JSONB) RETURNS JSONB
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN p_kind IN ('access.grant', 'access.escalation') AND jsonb_typeof(p_data->'paths') = 'array'
      THEN jsonb_set(p_data, '{paths}', atlas_path_steps(p_tenant, p_data->'paths'))
    WHEN p_kind = 'finding' AND jsonb_typeof(p_data#>'{evidence,paths}') = 'array'
      THEN jsonb_set(p_data, '{evidence,paths}', atlas_path_steps(p_tenant, p_data#>'{evidence,paths}'))
    ELSE p_data
  END
$$;
