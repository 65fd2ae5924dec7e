import { readAuthConfig } from "@/lib/auth/config";

/** Says plainly, on every page, that nobody signed in and everyone here is an administrator. */
export function AnonymousBanner() {
  const config = readAuthConfig();
  if (config.mode !== "anonymous") return null;
  return (
    <div className="border-b border-amber-300 bg-amber-50 px-4 py-1.5 text-center text-xs text-amber-950 sm:py-2 sm:text-sm">
      <strong>Local demo without sign-in:</strong> everyone who can open this page is an administrator.{" "}
      {/* the how-to half only where there is room for it: on a phone the banner stays one or two lines */}
      <span className="hidden sm:inline">
        {config.allowAnonymousAnywhere
          ? "ATLAS_ALLOW_ANONYMOUS=1 lets it serve beyond this machine — configure Entra ID sign-in before sharing it."
          : "It answers on this machine only; configure Entra ID sign-in (docs/security.md) to share it."}
      </span>
    </div>
  );
}
