import { PageSkeleton } from "@/components/ui/layout";

export default function Loading() {
  return <PageSkeleton title="Settings" sections={2} />;
}
