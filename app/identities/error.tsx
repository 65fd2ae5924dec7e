"use client";

import { ErrorPanel } from "@/components/ui/error-panel";

export default function IdentitiesError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorPanel title="The identities could not be loaded" error={error} reset={reset} />;
}
