"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function ClustersError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The clusters could not be loaded" error={error} reset={reset} />;
}
