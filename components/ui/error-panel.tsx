"use client";

import { useEffect } from "react";

/** What a segment's error.tsx renders: a plain message and a retry, never a stack trace. */
export function ErrorPanel({
  title,
  error,
  reset,
}: {
  title: string;
  error: Error & { digest?: string };
  reset: () => void;
}) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div role="alert" className="rounded-lg border border-red-200 bg-white p-6">
      <h1 className="text-lg font-semibold text-red-900">{title}</h1>
      <p className="mt-2 text-sm text-slate-700">
        Something went wrong while reading this page. The server log has the details
        {error.digest ? (
          <>
            {" "}
            (reference <code className="rounded bg-slate-100 px-1">{error.digest}</code>)
          </>
        ) : null}
        .
      </p>
      <button
        type="button"
        onClick={reset}
        className="mt-4 rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
      >
        Try again
      </button>
    </div>
  );
}
