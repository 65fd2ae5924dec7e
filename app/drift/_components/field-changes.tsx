import { TableScroll } from "@/components/ui/table-scroll";
import type { FieldChange } from "@/lib/drift/types";

// Field-level before and after of one changed record. Values are JSON; an absent side says so in words,
// so "was not there" and "was null" never look alike.

function Value({ present, value }: { present: boolean; value: unknown }) {
  if (!present) return <span className="italic text-slate-500">absent</span>;
  const text = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value, null, 1);
  return <code className="whitespace-pre-wrap break-all font-mono text-xs text-slate-900">{text}</code>;
}

export function FieldChanges({ changes, caption }: { changes: readonly FieldChange[]; caption: string }) {
  return (
    <TableScroll label="Field changes">
      <table className="w-full min-w-[36rem] text-left text-sm">
        <caption className="sr-only">{caption}</caption>
        <thead className="bg-slate-50 text-slate-700">
          <tr>
            <th scope="col" className="px-2 py-1 font-medium">
              Field
            </th>
            <th scope="col" className="px-2 py-1 font-medium">
              Before
            </th>
            <th scope="col" className="px-2 py-1 font-medium">
              After
            </th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">
          {changes.map((change) => (
            <tr key={change.path} className="align-top">
              <th scope="row" className="px-2 py-1 font-mono text-xs font-normal text-slate-700">
                {change.path}
              </th>
              <td className="bg-red-50/60 px-2 py-1">
                <Value present={"before" in change} value={change.before} />
              </td>
              <td className="bg-emerald-50/60 px-2 py-1">
                <Value present={"after" in change} value={change.after} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
