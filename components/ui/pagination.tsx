import Link from "next/link";

/** The href of the same list with some params replaced (undefined removes a param). */
export function hrefWith(
  basePath: string,
  params: Record<string, string | string[] | undefined>,
  changes: Record<string, string | undefined>,
): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...params, ...changes })) {
    if (value === undefined || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) query.append(key, item);
  }
  const text = query.toString();
  return text ? `${basePath}?${text}` : basePath;
}

export function Pagination({
  basePath,
  params,
  page,
  pageSize,
  total,
  label,
}: {
  basePath: string;
  params: Record<string, string | string[] | undefined>;
  page: number;
  pageSize: number;
  total: number;
  label: string;
}) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  if (pages <= 1) return null;
  const link = "rounded border border-slate-300 bg-white px-3 py-1 text-sm hover:bg-slate-50";
  return (
    <nav aria-label={`${label} pages`} className="flex items-center justify-between gap-2 pt-3 text-sm">
      <span className="text-slate-600">
        Page {page} of {pages}
      </span>
      <span className="flex gap-2">
        {page > 1 ? (
          <Link className={link} href={hrefWith(basePath, params, { page: String(page - 1) })} rel="prev">
            Previous
          </Link>
        ) : null}
        {page < pages ? (
          <Link className={link} href={hrefWith(basePath, params, { page: String(page + 1) })} rel="next">
            Next
          </Link>
        ) : null}
      </span>
    </nav>
  );
}
