import type { EmulatorRequest, EmulatorResponse } from "@/lib/emulator/http-kit";

// Microsoft Graph JSON batching: POST /v1.0/$batch with up to 20 requests, each answered as if sent alone
// (https://learn.microsoft.com/graph/json-batching). The offline collector sends its Graph reads this way
// (one `az rest` process per 20 reads instead of per read). Each step is routed through the same handler as
// a direct request, with the batch's own Authorization header, so permissions and errors are the same.

const MAX_STEPS = 20;

type Step = { id: string; method: string; url: string; headers?: Record<string, string>; body?: unknown };

function error(status: number, code: string, message: string): EmulatorResponse {
  return {
    status,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ error: { code, message, innerError: { date: new Date().toISOString() } } }),
  };
}

export async function handleGraphBatch(
  request: EmulatorRequest,
  graphBase: URL,
  handleStep: (step: EmulatorRequest, path: string[]) => Promise<EmulatorResponse>,
): Promise<EmulatorResponse> {
  if (request.method !== "POST") return error(405, "Request_BadRequest", "Only POST is supported on $batch.");
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.toString("utf8") || "null");
  } catch {
    return error(400, "BadRequest", "Invalid batch payload format.");
  }
  const steps = (parsed as { requests?: unknown } | null)?.requests;
  if (!Array.isArray(steps) || steps.length === 0)
    return error(400, "BadRequest", "Invalid batch payload format.");
  if (steps.length > MAX_STEPS)
    return error(400, "BadRequest", `Number of batch request steps exceeds the maximum of ${MAX_STEPS}.`);
  const ids = new Set<string>();
  for (const step of steps as Step[]) {
    if (typeof step?.id !== "string" || typeof step.method !== "string" || typeof step.url !== "string")
      return error(400, "BadRequest", "Each batch request needs an id, a method and a url.");
    if (ids.has(step.id))
      return error(400, "BadRequest", `Batch request id '${step.id}' is used more than once.`);
    ids.add(step.id);
  }
  const responses = [];
  for (const step of steps as Step[]) {
    // Step urls are relative to the version segment: "/users/{id}/owners?$top=999".
    const url = new URL(`${graphBase.pathname.replace(/\/$/, "")}/${step.url.replace(/^\//, "")}`, graphBase);
    const body = step.body === undefined ? Buffer.alloc(0) : Buffer.from(JSON.stringify(step.body));
    const path = url.pathname.replace(/\/+/g, "/");
    const segments = path.split("/").filter(Boolean).map(decodeURIComponent);
    const sub: EmulatorRequest = {
      method: step.method.toUpperCase(),
      url,
      path,
      segments,
      query: url.searchParams,
      headers: {
        ...Object.fromEntries(Object.entries(step.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
        authorization: request.headers.authorization,
        ...(step.body === undefined ? {} : { "content-type": "application/json" }),
      },
      body,
    };
    const answer = await handleStep(sub, segments.slice(2));
    let answerBody: unknown = answer.body;
    try {
      answerBody = answer.body ? JSON.parse(answer.body) : null;
    } catch {
      // not JSON: returned as the string it is
    }
    responses.push({ id: step.id, status: answer.status, headers: answer.headers, body: answerBody });
  }
  return {
    status: 200,
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ responses }),
  };
}
