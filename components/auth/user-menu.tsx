import { currentUser } from "@/lib/auth/current-user";
import { SignOutButton } from "./sign-out-button";

/** Header slot: who is signed in, with which role, and the way out. */
export async function UserMenu() {
  const user = await currentUser();
  if (!user) {
    return (
      <a href="/auth/sign-in" className="text-sm text-brand-700 underline">
        Sign in
      </a>
    );
  }
  if (user.kind === "anonymous") {
    return (
      <span className="text-sm text-slate-600">
        Local demo · <span className="font-medium">admin</span>
      </span>
    );
  }
  return (
    <div className="flex items-center gap-2 text-sm">
      <span className="text-slate-800">
        <span className="font-medium">{user.name}</span>
        <span className="text-slate-600"> · {user.role ?? "no role"}</span>
      </span>
      <SignOutButton />
    </div>
  );
}
