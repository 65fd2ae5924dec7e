import { PageSkeleton } from "@/components/ui/layout";

export default function Loading() {
  return <PageSkeleton title="Principals" sections={2} />;
}
