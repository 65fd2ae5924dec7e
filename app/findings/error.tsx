"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function FindingsError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The findings could not be loaded" error={error} reset={reset} />;
}
