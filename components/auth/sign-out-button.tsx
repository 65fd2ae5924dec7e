/** A plain form POST: works without JavaScript; the proxy checks its Origin like any other write. */
export function SignOutButton() {
  return (
    <form method="post" action="/auth/sign-out">
      <button
        type="submit"
        className="rounded px-2 py-1 text-sm text-slate-700 underline-offset-2 hover:bg-slate-100 hover:underline focus:outline-none focus:ring-2 focus:ring-brand-500"
      >
        Sign out
      </button>
    </form>
  );
}
