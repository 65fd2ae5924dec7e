import { PageSkeleton } from "@/components/ui/layout";

export default function Loading() {
  return <PageSkeleton title="Scans" sections={2} />;
}
