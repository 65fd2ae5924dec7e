/**
 * Reads a tenant file (lib/model/wire/tenant-file.ts) from disk. Kept apart from the format so the
 * model, the engines and the findings never load node:fs.
 */
import { readFile } from "node:fs/promises";
import {
  parseJsonText,
  parseTenantFile,
  stripByteOrderMark,
  type TenantFile,
  TenantFileError,
  type TenantFileValidation,
  validateTenantFile,
} from "@/lib/model/wire/tenant-file";

export async function readTenantFileText(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "file not found"
        : code === "EISDIR"
          ? "is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    throw new TenantFileError(
      `Cannot read tenant file ${path}: ${reason}`,
      [{ path: "$", message: reason }],
      false,
    );
  }
}

/** Reads and validates a tenant file from disk, with warnings. Throws TenantFileError only for unreadable or non-JSON files. */
export async function validateTenantFileAt(path: string): Promise<TenantFileValidation> {
  const text = await readTenantFileText(path);
  return validateTenantFile(parseJsonText(stripByteOrderMark(text), path));
}

/** Reads a tenant file from disk. Every failure is a TenantFileError with a readable message. */
export async function readTenantFile(path: string): Promise<TenantFile> {
  const text = await readTenantFileText(path);
  return parseTenantFile(parseJsonText(stripByteOrderMark(text), path), path);
}
