import Link from "next/link";
import type { ReactNode } from "react";

// A GET form: filters live in the URL, work without script, and every view can be shared.

export function FilterForm({
  action,
  label,
  children,
  clearHref,
}: {
  action: string;
  label: string;
  children: ReactNode;
  clearHref: string;
}) {
  return (
    <form
      action={action}
      method="get"
      aria-label={label}
      className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-3"
    >
      {children}
      <div className="flex items-center gap-3">
        <button
          type="submit"
          className="rounded bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700"
        >
          Apply
        </button>
        <Link href={clearHref} className="text-sm text-brand-700 underline">
          Clear
        </Link>
      </div>
    </form>
  );
}

export function SelectFilter({
  name,
  label,
  value,
  options,
}: {
  name: string;
  label: string;
  value: string | undefined;
  options: { value: string; label: string }[];
}) {
  return (
    <label className="flex min-w-0 max-w-full flex-col gap-1 text-sm">
      <span className="text-slate-700">{label}</span>
      <select
        name={name}
        defaultValue={value ?? ""}
        className="w-full max-w-full rounded border border-slate-300 bg-white px-2 py-1.5 sm:max-w-72"
      >
        <option value="">Any</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export function TextFilter({
  name,
  label,
  value,
  placeholder,
}: {
  name: string;
  label: string;
  value: string | undefined;
  placeholder?: string;
}) {
  return (
    <label className="flex min-w-48 flex-1 flex-col gap-1 text-sm">
      <span className="text-slate-700">{label}</span>
      <input
        type="search"
        name={name}
        defaultValue={value ?? ""}
        placeholder={placeholder}
        className="rounded border border-slate-300 bg-white px-2 py-1.5 placeholder:text-slate-500"
      />
    </label>
  );
}
