"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function DriftError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The drift could not be loaded" error={error} reset={reset} />;
}
