"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function ClusterDriftError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The cluster's drift could not be loaded" error={error} reset={reset} />;
}
