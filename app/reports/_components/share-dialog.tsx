"use client";

import { type FormEvent, useCallback, useId, useRef, useState } from "react";
import { z } from "zod";
import { formatDateTime } from "@/components/ui/format";

// The share dialog of a report: create a link (expiry, redaction), copy it, and see or revoke the links
// that exist. The token of a link is shown once, right after it is created; the list never has it.

const shareSchema = z.object({
  id: z.string(),
  redact: z.boolean(),
  status: z.enum(["active", "expired", "revoked"]),
  createdAt: z.string(),
  expiresAt: z.string(),
  revokedAt: z.string().nullable(),
  views: z.number(),
  lastViewedAt: z.string().nullable(),
});
type Share = z.infer<typeof shareSchema>;
const createdSchema = shareSchema.extend({ path: z.string() });
const listSchema = z.object({ shares: z.array(shareSchema) });
const apiErrorSchema = z.object({ error: z.object({ code: z.string(), message: z.string() }) });

const when = (iso: string | null) => (iso ? formatDateTime(iso) : "never");

async function errorMessage(response: Response, fallback: string): Promise<string> {
  if (response.status === 403) return "Your role does not allow this (revoking needs an administrator).";
  const body = apiErrorSchema.safeParse(await response.json().catch(() => null));
  return body.success ? body.data.error.message : `${fallback} (HTTP ${response.status}).`;
}

export function ShareDialog({
  reportId,
  reportRedacted,
  defaultDays,
  maxDays,
}: {
  reportId: string;
  reportRedacted: boolean;
  defaultDays: number;
  maxDays: number;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  const [shares, setShares] = useState<Share[] | null>(null);
  const [created, setCreated] = useState<(z.infer<typeof createdSchema> & { url: string }) | null>(null);
  const [message, setMessage] = useState<string>("");
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const response = await fetch(`/api/reports/${reportId}/shares`, { cache: "no-store" });
    const body = listSchema.safeParse(await response.json().catch(() => null));
    if (response.ok && body.success) setShares(body.data.shares);
    else setMessage(await errorMessage(response, "The links could not be loaded"));
  }, [reportId]);

  function open() {
    setCreated(null);
    setMessage("");
    dialog.current?.showModal();
    void load();
  }

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setMessage("");
    try {
      const response = await fetch(`/api/reports/${reportId}/shares`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          expiresInDays: Number(form.get("days")),
          redact: form.get("redact") === "on",
        }),
      });
      const body = createdSchema.safeParse(
        await response
          .clone()
          .json()
          .catch(() => null),
      );
      if (response.status === 201 && body.success) {
        // The address this browser reached the app at is the one to hand over.
        setCreated({ ...body.data, url: `${window.location.origin}${body.data.path}` });
        setMessage("Link created. Copy it now: it is not shown again.");
        await load();
      } else setMessage(await errorMessage(response, "The link could not be created"));
    } catch {
      setMessage("The server could not be reached.");
    } finally {
      setBusy(false);
    }
  }

  async function copy() {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.url);
      setMessage("Link copied to the clipboard.");
    } catch {
      // Clipboard access needs a secure context; selecting the text still lets the user copy it.
      document.getElementById(`${id}-url`)?.focus();
      (document.getElementById(`${id}-url`) as HTMLInputElement | null)?.select();
      setMessage("Copy the selected link with Ctrl+C.");
    }
  }

  async function revoke(shareId: string) {
    setMessage("");
    const response = await fetch(`/api/shares/${shareId}`, { method: "DELETE" });
    if (response.ok) {
      setMessage("Link revoked: it now answers “revoked” to anyone who opens it.");
      if (created?.id === shareId) setCreated(null);
      await load();
    } else setMessage(await errorMessage(response, "The link could not be revoked"));
  }

  return (
    <>
      <button
        type="button"
        onClick={open}
        className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-brand-600"
      >
        Share…
      </button>
      <dialog
        ref={dialog}
        aria-labelledby={`${id}-title`}
        className="m-auto w-[min(44rem,calc(100vw-2rem))] rounded-lg border border-slate-200 p-0 shadow-xl backdrop:bg-slate-900/40"
      >
        <div className="flex items-center justify-between border-b border-slate-200 px-5 py-3">
          <h2 id={`${id}-title`} className="font-semibold">
            Share report #{reportId}
          </h2>
          <button
            type="button"
            onClick={() => dialog.current?.close()}
            className="rounded px-2 py-1 text-sm text-slate-700 hover:bg-slate-100"
          >
            Close
          </button>
        </div>
        <div className="space-y-5 px-5 py-4">
          <form onSubmit={create} className="flex flex-wrap items-end gap-4">
            <label className="flex flex-col gap-1 text-sm">
              <span className="font-medium">Expires in (days)</span>
              <input
                name="days"
                type="number"
                min={1}
                max={maxDays}
                defaultValue={defaultDays}
                required
                className="w-28 rounded border border-slate-300 px-2 py-1.5"
              />
            </label>
            <label className="flex items-center gap-2 pb-2 text-sm">
              <input
                name="redact"
                type="checkbox"
                defaultChecked={reportRedacted}
                disabled={reportRedacted}
              />
              Redact personal data{reportRedacted ? " (this report always is)" : ""}
            </label>
            <button
              type="submit"
              disabled={busy}
              className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
            >
              {busy ? "Creating…" : "Create link"}
            </button>
          </form>
          <p className="text-xs text-slate-600">
            Anyone with the link can read this report, without signing in, until it expires (at most {maxDays}{" "}
            days) or is revoked. Each opening is counted.
          </p>

          {created ? (
            <div className="flex flex-wrap items-center gap-2 rounded border border-brand-100 bg-brand-50 p-3">
              <label htmlFor={`${id}-url`} className="text-sm font-medium">
                New link
              </label>
              <input
                id={`${id}-url`}
                readOnly
                value={created.url}
                onFocus={(e) => e.currentTarget.select()}
                className="min-w-0 flex-1 rounded border border-slate-300 bg-white px-2 py-1 font-mono text-xs"
              />
              <button
                type="button"
                onClick={copy}
                className="rounded border border-slate-300 bg-white px-2 py-1 text-sm"
              >
                Copy
              </button>
            </div>
          ) : null}

          <p role="status" aria-live="polite" className="min-h-5 text-sm text-slate-800">
            {message}
          </p>

          <div>
            <h3 className="mb-2 text-sm font-semibold">Links</h3>
            {shares === null ? (
              <p className="text-sm text-slate-600">Loading…</p>
            ) : shares.length === 0 ? (
              <p className="text-sm text-slate-600">This report has not been shared yet.</p>
            ) : (
              <table className="w-full text-left text-sm">
                <thead className="border-b border-slate-200 text-slate-700">
                  <tr>
                    <th scope="col" className="py-1 pr-2 font-medium">
                      Link
                    </th>
                    <th scope="col" className="py-1 pr-2 font-medium">
                      Status
                    </th>
                    <th scope="col" className="py-1 pr-2 font-medium">
                      Expires
                    </th>
                    <th scope="col" className="py-1 pr-2 text-right font-medium">
                      Views
                    </th>
                    <th scope="col" className="py-1 font-medium">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {shares.map((share) => (
                    <tr key={share.id}>
                      <td className="py-1.5 pr-2">
                        #{share.id}
                        {share.redact ? <span className="ml-1 text-xs text-slate-600">redacted</span> : null}
                        <div className="text-xs text-slate-600">created {when(share.createdAt)}</div>
                      </td>
                      <td className="py-1.5 pr-2">{share.status}</td>
                      <td className="py-1.5 pr-2">{when(share.expiresAt)}</td>
                      <td className="py-1.5 pr-2 text-right tabular-nums">{share.views}</td>
                      <td className="py-1.5 text-right">
                        {share.status === "active" ? (
                          <button
                            type="button"
                            onClick={() => void revoke(share.id)}
                            aria-label={`Revoke link #${share.id}`}
                            className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-800 hover:bg-red-50"
                          >
                            Revoke
                          </button>
                        ) : null}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </div>
      </dialog>
    </>
  );
}
