import { ScanNow } from "@/components/scans/scan-now";
import { EmptyState } from "@/components/ui/layout";

/** What every data page shows before the first scan has finished. */
export function NoScanYet() {
  return (
    <EmptyState title="No completed scan yet">
      <p>
        Nothing to show until a scan of the tenant has finished. With no Azure credentials configured the app
        scans the built-in demo tenant at start; otherwise start one now (or run{" "}
        <code className="rounded bg-slate-100 px-1">aks-atlas scan</code>).
      </p>
      <div className="mt-4 flex justify-center">
        <ScanNow />
      </div>
    </EmptyState>
  );
}
