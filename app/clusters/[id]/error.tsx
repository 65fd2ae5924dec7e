"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function ClusterError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The cluster could not be loaded" error={error} reset={reset} />;
}
