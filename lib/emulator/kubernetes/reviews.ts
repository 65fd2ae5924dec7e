import { z } from "zod";
import { type EmulatorResponse, jsonResponse } from "@/lib/emulator/http-kit";
import type {
  Decision,
  KubernetesUser,
  NonResourceRule,
  RequestAttributes,
  ResourceRule,
} from "@/lib/emulator/kubernetes/rbac";

// authorization.k8s.io/v1 reviews (pkg/registry/authorization/*/rest.go, types in
// k8s.io/api/authorization/v1/types.go) and authentication.k8s.io/v1 SelfSubjectReview. The
// review is created by POST and answered in the response; nothing is stored.

const resourceAttributesSchema = z.looseObject({
  namespace: z.string().optional(),
  verb: z.string().optional(),
  group: z.string().optional(),
  version: z.string().optional(),
  resource: z.string().optional(),
  subresource: z.string().optional(),
  name: z.string().optional(),
});
const nonResourceAttributesSchema = z.looseObject({
  path: z.string().optional(),
  verb: z.string().optional(),
});

const accessReviewSpecSchema = z.looseObject({
  resourceAttributes: resourceAttributesSchema.nullable().optional(),
  nonResourceAttributes: nonResourceAttributesSchema.nullable().optional(),
  user: z.string().optional(),
  groups: z.array(z.string()).nullable().optional(),
  uid: z.string().optional(),
  extra: z.record(z.string(), z.array(z.string())).nullable().optional(),
});

const reviewSchema = z.looseObject({
  kind: z.string().optional(),
  apiVersion: z.string().optional(),
  metadata: z.looseObject({}).optional(),
  spec: z.looseObject({}).optional(),
});

export type ReviewKind =
  | "SelfSubjectAccessReview"
  | "SubjectAccessReview"
  | "LocalSubjectAccessReview"
  | "SelfSubjectRulesReview"
  | "SelfSubjectReview";

export type ReviewEnvironment = {
  /** The authenticated (or impersonated) user posting the review. */
  caller: KubernetesUser;
  /** The namespace of the URL (LocalSubjectAccessReview only). */
  urlNamespace?: string;
  /** The cluster's authorizer chain for any user. */
  decide(user: KubernetesUser, attributes: RequestAttributes): Decision;
  rulesFor(
    user: KubernetesUser,
    namespace: string,
  ): {
    resourceRules: ResourceRule[];
    nonResourceRules: NonResourceRule[];
    incomplete: boolean;
    evaluationError?: string;
  };
};

function status(
  code: number,
  reason: string,
  message: string,
  details?: Record<string, unknown>,
): EmulatorResponse {
  return jsonResponse(code, {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  });
}

/** 422 Invalid, as apierrors.NewInvalid words it. */
function invalid(
  kind: string,
  group: string,
  field: string,
  value: string,
  detail: string,
): EmulatorResponse {
  return status(
    422,
    "Invalid",
    `${kind}.${group} "" is invalid: ${field}: Invalid value: ${value}: ${detail}`,
    {
      group,
      kind,
      causes: [{ reason: "FieldValueInvalid", message: `Invalid value: ${value}: ${detail}`, field }],
    },
  );
}

function parseBody(
  body: Buffer,
  kind: ReviewKind,
  group: string,
): { ok: true; review: z.infer<typeof reviewSchema> } | { ok: false; response: EmulatorResponse } {
  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    return {
      ok: false,
      response: status(
        400,
        "BadRequest",
        `the body of the request was in an unknown format - accepted media types include: application/json: ${(error as Error).message}`,
      ),
    };
  }
  const parsed = reviewSchema.safeParse(json);
  if (!parsed.success)
    return { ok: false, response: status(400, "BadRequest", "the body of the request is not a JSON object") };
  const expectedApiVersion = `${group}/v1`;
  if (parsed.data.kind !== undefined && parsed.data.kind !== kind) {
    return {
      ok: false,
      response: status(
        400,
        "BadRequest",
        `${parsed.data.kind} in version "v1" cannot be handled as a ${kind}: the object kind does not match the resource`,
      ),
    };
  }
  if (parsed.data.apiVersion !== undefined && parsed.data.apiVersion !== expectedApiVersion) {
    return {
      ok: false,
      response: status(
        400,
        "BadRequest",
        `the API version in the data (${parsed.data.apiVersion}) does not match the expected API version (${expectedApiVersion})`,
      ),
    };
  }
  return { ok: true, review: parsed.data };
}

function attributesOf(spec: z.infer<typeof accessReviewSpecSchema>): RequestAttributes {
  if (spec.nonResourceAttributes) {
    return { verb: spec.nonResourceAttributes.verb ?? "", path: spec.nonResourceAttributes.path ?? "" };
  }
  const attributes = spec.resourceAttributes ?? {};
  return {
    verb: attributes.verb ?? "",
    group: attributes.group ?? "",
    resource: attributes.resource ?? "",
    ...(attributes.subresource ? { subresource: attributes.subresource } : {}),
    ...(attributes.namespace ? { namespace: attributes.namespace } : {}),
    ...(attributes.name ? { name: attributes.name } : {}),
  };
}

function accessStatus(decision: Decision) {
  return { allowed: decision.allowed, ...(decision.reason ? { reason: decision.reason } : {}) };
}

export function answerReview(
  kind: ReviewKind,
  body: Buffer,
  environment: ReviewEnvironment,
): EmulatorResponse {
  const group = kind === "SelfSubjectReview" ? "authentication.k8s.io" : "authorization.k8s.io";
  const parsedBody = parseBody(body, kind, group);
  if (!parsedBody.ok) return parsedBody.response;
  const parsedReview = parsedBody.review;
  const envelope = {
    kind,
    apiVersion: `${group}/v1`,
    metadata: { ...(parsedReview.metadata ?? {}), creationTimestamp: null },
  };
  const { caller } = environment;

  if (kind === "SelfSubjectReview") {
    return jsonResponse(201, {
      ...envelope,
      status: {
        userInfo: {
          username: caller.name,
          ...(caller.uid ? { uid: caller.uid } : {}),
          groups: caller.groups,
          ...(caller.extra ? { extra: caller.extra } : {}),
        },
      },
    });
  }

  if (kind === "SelfSubjectRulesReview") {
    const spec = z.looseObject({ namespace: z.string().optional() }).safeParse(parsedReview.spec ?? {});
    const namespace = spec.success ? (spec.data.namespace ?? "") : "";
    if (!namespace) return status(400, "BadRequest", "no namespace on request");
    const rules = environment.rulesFor(caller, namespace);
    return jsonResponse(201, {
      ...envelope,
      spec: parsedReview.spec ?? {},
      status: {
        resourceRules: rules.resourceRules,
        nonResourceRules: rules.nonResourceRules,
        incomplete: rules.incomplete,
        ...(rules.evaluationError ? { evaluationError: rules.evaluationError } : {}),
      },
    });
  }

  const specParse = accessReviewSpecSchema.safeParse(parsedReview.spec ?? {});
  if (!specParse.success) {
    return invalid(kind, group, "spec", '""', specParse.error.issues[0]?.message ?? "malformed spec");
  }
  const spec = specParse.data;
  // ValidateSelfSubjectAccessReviewSpec / ValidateSubjectAccessReviewSpec: exactly one of them.
  if (!!spec.resourceAttributes === !!spec.nonResourceAttributes) {
    return invalid(
      kind,
      group,
      "spec.resourceAttributes",
      spec.resourceAttributes ? "{}" : '"null"',
      "exactly one of nonResourceAttributes or resourceAttributes must be specified",
    );
  }
  const attributes = attributesOf(spec);

  if (kind === "SelfSubjectAccessReview") {
    return jsonResponse(201, {
      ...envelope,
      spec: parsedReview.spec,
      status: accessStatus(environment.decide(caller, attributes)),
    });
  }

  // SubjectAccessReview / LocalSubjectAccessReview: the user in the spec, exactly as given (the
  // API server adds no groups to it).
  if (!spec.user && !(spec.groups && spec.groups.length > 0)) {
    return invalid(kind, group, "spec.user", '""', "at least one of user or group must be specified");
  }
  if (kind === "LocalSubjectAccessReview") {
    const namespace = "namespace" in attributes ? (attributes.namespace ?? "") : "";
    if (!spec.resourceAttributes || namespace !== environment.urlNamespace) {
      return invalid(
        kind,
        group,
        "spec.resourceAttributes.namespace",
        `"${namespace}"`,
        "must match metadata.namespace",
      );
    }
  }
  const subject: KubernetesUser = {
    name: spec.user ?? "",
    groups: spec.groups ?? [],
    ...(spec.uid ? { uid: spec.uid } : {}),
    ...(spec.extra ? { extra: spec.extra } : {}),
  };
  return jsonResponse(201, {
    ...envelope,
    spec: parsedReview.spec,
    status: accessStatus(environment.decide(subject, attributes)),
  });
}
