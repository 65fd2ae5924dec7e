import { PageSkeleton } from "@/components/ui/layout";

export default function Loading() {
  return <PageSkeleton title="Drift" sections={2} />;
}
