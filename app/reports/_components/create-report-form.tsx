"use client";

import { useRouter } from "next/navigation";
import { type FormEvent, useId, useState } from "react";
import { z } from "zod";
import { formatDateTime } from "@/components/ui/format";
import type { ReportFormOptions } from "@/lib/reports/report-form-options";

const createdSchema = z.object({ id: z.string() });
const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

type ScopeKind = "tenant" | "subscriptions" | "clusters";

const inputClass =
  "min-w-0 rounded border border-slate-300 bg-white px-2 py-1.5 text-sm focus-visible:outline-2 focus-visible:outline-brand-600";

/** The "new report" form: scope, frameworks, redaction; posts to /api/reports and opens the report. */
export function CreateReportForm({ options }: { options: ReportFormOptions }) {
  const router = useRouter();
  const id = useId();
  const [scopeKind, setScopeKind] = useState<ScopeKind>("tenant");
  const [state, setState] = useState<
    { kind: "idle" } | { kind: "creating" } | { kind: "error"; message: string }
  >({
    kind: "idle",
  });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const frameworks = form.getAll("framework").map(String);
    if (frameworks.length === 0) {
      setState({ kind: "error", message: "Choose at least one framework." });
      return;
    }
    const subscriptionIds = scopeKind === "subscriptions" ? form.getAll("subscription").map(String) : [];
    const clusters = scopeKind === "clusters" ? form.getAll("cluster").map(String) : [];
    if (scopeKind !== "tenant" && subscriptionIds.length === 0 && clusters.length === 0) {
      setState({
        kind: "error",
        message: `Choose at least one ${scopeKind === "clusters" ? "cluster" : "subscription"}.`,
      });
      return;
    }
    const title = String(form.get("title") ?? "").trim();
    setState({ kind: "creating" });
    try {
      const response = await fetch("/api/reports", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          scanId: String(form.get("scan") ?? "") || undefined,
          ...(title ? { title } : {}),
          scope: { subscriptionIds, clusters },
          frameworks,
          redact: form.get("redact") === "on",
        }),
      });
      const body: unknown = await response.json().catch(() => null);
      const created = createdSchema.safeParse(body);
      if (response.status === 201 && created.success) {
        router.push(`/reports/${created.data.id}`);
        router.refresh();
        return;
      }
      const error = apiErrorSchema.safeParse(body);
      setState({
        kind: "error",
        message: error.success
          ? error.data.error.message
          : `The report could not be created (HTTP ${response.status}).`,
      });
    } catch {
      setState({ kind: "error", message: "The server could not be reached." });
    }
  }

  if (options.scans.length === 0) {
    return (
      <p className="text-sm text-slate-600">A report is made from a completed scan: run a scan first.</p>
    );
  }

  return (
    <form onSubmit={submit} className="space-y-5" aria-describedby={`${id}-status`}>
      {/* minmax(0, 1fr) and min-w-0: a long scan label must not widen the form past a phone's screen */}
      <div className="grid grid-cols-[minmax(0,1fr)] gap-4 md:grid-cols-2">
        <label className="flex min-w-0 flex-col gap-1 text-sm">
          <span className="font-medium">Title</span>
          <input
            name="title"
            maxLength={200}
            placeholder="AKS identity compliance report, <date>"
            className={inputClass}
          />
        </label>
        <label className="flex min-w-0 flex-col gap-1 text-sm">
          <span className="font-medium">Scan</span>
          <select name="scan" defaultValue={options.scans[0].id} className={`${inputClass} w-full min-w-0`}>
            {options.scans.map((scan) => (
              <option key={scan.id} value={scan.id}>
                #{scan.id} · {scan.tenant} · {scan.status}
                {scan.finishedAt ? ` · ${formatDateTime(scan.finishedAt)}` : ""}
              </option>
            ))}
          </select>
        </label>
      </div>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Scope</legend>
        <div className="flex flex-wrap gap-4 text-sm">
          {(
            [
              ["tenant", "The whole tenant"],
              ["subscriptions", "Some subscriptions"],
              ["clusters", "Some clusters"],
            ] as const
          ).map(([value, label]) => (
            <label key={value} className="flex items-center gap-2">
              <input
                type="radio"
                name="scopeKind"
                value={value}
                checked={scopeKind === value}
                onChange={() => setScopeKind(value)}
              />
              {label}
            </label>
          ))}
        </div>
        {scopeKind === "subscriptions" ? (
          <div className="flex flex-wrap gap-x-5 gap-y-1 rounded border border-slate-200 p-3 text-sm">
            {options.subscriptions.map((s) => (
              <label key={s.subscriptionId} className="flex items-center gap-2">
                <input type="checkbox" name="subscription" value={s.subscriptionId} />
                {s.displayName} <span className="font-mono text-xs text-slate-600">{s.subscriptionId}</span>
              </label>
            ))}
          </div>
        ) : null}
        {scopeKind === "clusters" ? (
          <div className="grid gap-x-5 gap-y-1 rounded border border-slate-200 p-3 text-sm sm:grid-cols-2 lg:grid-cols-3">
            {options.clusters.map((c) => (
              <label key={c.id} className="flex items-center gap-2">
                <input type="checkbox" name="cluster" value={c.id} />
                {c.name} <span className="text-xs text-slate-600">{c.resourceGroup}</span>
              </label>
            ))}
          </div>
        ) : null}
      </fieldset>

      <fieldset className="space-y-2">
        <legend className="text-sm font-medium">Frameworks</legend>
        <div className="grid gap-2 sm:grid-cols-2">
          {options.frameworks.map((f) => (
            <label key={f.id} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                name="framework"
                value={f.id}
                defaultChecked={f.selected}
                className="mt-1"
              />
              <span>
                <span className="font-medium">{f.title}</span>
                <span className="block text-xs text-slate-600">{f.description}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>

      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="redact" className="mt-1" />
        <span>
          <span className="font-medium">Redact personal data</span>
          <span className="block text-xs text-slate-600">
            Every download and link of this report shows user names, user principal names and e-mail addresses
            as pseudonyms such as “User 3f2a”.
          </span>
        </span>
      </label>

      <div className="flex flex-wrap items-center gap-3">
        <button
          type="submit"
          disabled={state.kind === "creating"}
          className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600 disabled:opacity-60"
        >
          {state.kind === "creating" ? "Creating…" : "Create report"}
        </button>
        <p id={`${id}-status`} role="status" aria-live="polite" className="text-sm">
          {state.kind === "error" ? <span className="text-red-800">{state.message}</span> : null}
        </p>
      </div>
    </form>
  );
}
