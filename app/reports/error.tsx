"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function ReportsError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The report could not be loaded" error={error} reset={reset} />;
}
