import { RequireRole } from "@/components/auth/require-role";
import { ScanNowButton } from "@/components/scans/scan-now-button";

/** "Scan now" for operators and admins; viewers do not see a button the server would refuse. */
export function ScanNow({ tenantId }: { tenantId?: string }) {
  return (
    <RequireRole minimum="operator">
      <ScanNowButton tenantId={tenantId} />
    </RequireRole>
  );
}
