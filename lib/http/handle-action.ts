import { unstable_rethrow } from "next/navigation";
import { AppError } from "./app-error";

// The one wrapper of every server action, the counterpart of handle() for forms: it runs the action and
// turns what it throws into the action's own state. A 4xx AppError is the person's to fix and is answered
// in words (`refused`); anything else is a bug, logged and answered with `failed`, never with its details.
// Next's own control flow (redirect(), notFound()) passes through untouched.

export async function handleAction<S>(
  what: string,
  run: () => Promise<S>,
  answers: { refused: (error: AppError) => S; failed: S },
): Promise<S> {
  try {
    return await run();
  } catch (error) {
    unstable_rethrow(error);
    if (error instanceof AppError && error.status < 500) return answers.refused(error);
    console.error(`[atlas] ${what} failed`, error);
    return answers.failed;
  }
}
