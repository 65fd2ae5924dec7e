"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function PrincipalsError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The principal could not be loaded" error={error} reset={reset} />;
}
