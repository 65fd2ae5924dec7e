import { randomBytes } from "node:crypto";
import fs, { constants, type FileHandle, open } from "node:fs/promises";
import path from "node:path";
import { CliError } from "./cli-error";

/**
 * A report file about to be written. Reports hold who can do what on which cluster, so the file is
 * private (0600), never written through a symbolic link someone placed at the destination, never
 * replaces an existing file unless asked (--force), and never appears half-written: the bytes go to a
 * temporary file in the same folder (created exclusively, O_NOFOLLOW) that is then moved into place.
 */
export interface PendingReportFile {
  readonly path: string;
  write(bytes: Uint8Array): Promise<void>;
  /** Moves the written file into place; without --force, fails if something appeared there meanwhile. */
  commit(): Promise<void>;
  /** Removes the temporary file (after a failure); safe to call twice. */
  discard(): Promise<void>;
}

function reason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === "string" ? `${code}: ${(error as Error).message}` : String(error);
}

async function refuseExisting(out: string, force: boolean): Promise<void> {
  const existing = await fs.lstat(out).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return null;
    throw new CliError(`cannot write ${out}: ${reason(error)}`);
  });
  if (!existing) return;
  if (existing.isDirectory()) throw new CliError(`${out} is a directory; give a file name with --out`);
  if (!force) {
    const what = existing.isSymbolicLink() ? "a symbolic link" : "a file";
    throw new CliError(`${out} already exists (${what}); pass --force to replace it`);
  }
  // With --force a symbolic link is replaced by the file (rename swaps the entry), never followed.
}

/** Checks the destination and creates the private temporary file beside it, before anything is stored. */
export async function prepareReportFile(
  out: string,
  options: { force: boolean },
): Promise<PendingReportFile> {
  const target = path.resolve(out);
  await refuseExisting(target, options.force);
  const folder = path.dirname(target);
  const temp = path.join(folder, `.${path.basename(target)}.${randomBytes(6).toString("hex")}.tmp`);
  let handle: FileHandle | null;
  try {
    handle = await open(
      temp,
      constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW,
      0o600,
    );
  } catch (error) {
    throw new CliError(`cannot write a file in ${folder}: ${reason(error)}`);
  }
  let committed = false;
  const discard = async () => {
    await handle?.close().catch(() => {});
    handle = null;
    if (!committed) await fs.rm(temp, { force: true });
  };
  return {
    path: target,
    async write(bytes) {
      if (!handle) throw new Error("the report file was already closed");
      try {
        await handle.chmod(0o600); // whatever the umask, and even if the folder's ACLs say otherwise
        await handle.writeFile(bytes);
        await handle.sync();
        await handle.close();
        handle = null;
      } catch (error) {
        await discard();
        throw new CliError(`cannot write ${target}: ${reason(error)}`);
      }
    },
    async commit() {
      try {
        if (options.force) {
          await fs.rename(temp, target);
        } else {
          // link() fails with EEXIST instead of replacing: no file that appeared since the check is lost.
          await fs.link(temp, target).catch(async (error: NodeJS.ErrnoException) => {
            // A file system without hard links: check again, then rename (a narrow race, said in the docs).
            if (error.code !== "EPERM" && error.code !== "ENOTSUP" && error.code !== "ENOSYS") throw error;
            await refuseExisting(target, false);
            await fs.rename(temp, target);
          });
          await fs.rm(temp, { force: true });
        }
        committed = true;
      } catch (error) {
        await discard();
        if ((error as NodeJS.ErrnoException).code === "EEXIST")
          throw new CliError(`${target} appeared while the report was written; pass --force to replace it`);
        throw new CliError(`cannot write ${target}: ${reason(error)}`);
      }
    },
    discard,
  };
}
