import { PageSkeleton } from "@/components/ui/layout";

export default function Loading() {
  return <PageSkeleton title="Object drift" sections={3} />;
}
