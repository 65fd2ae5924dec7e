"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function ScansError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The scan could not be loaded" error={error} reset={reset} />;
}
