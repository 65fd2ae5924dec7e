"use client";

import { useRouter } from "next/navigation";
import { useEffect, useId, useRef, useState } from "react";
import { z } from "zod";

// The header search: a combobox (WAI-ARIA 1.2 pattern) over clusters, principals and managed
// identities. Typing asks /api/search (debounced, the latest answer wins); arrows move, Enter opens,
// Escape closes.

const hitSchema = z.object({
  type: z.enum(["cluster", "principal", "identity"]),
  id: z.string(),
  label: z.string(),
  detail: z.string(),
  href: z.string(),
});
const answerSchema = z.object({ hits: z.array(hitSchema) });
type Hit = z.infer<typeof hitSchema>;

const TYPE_LABEL: Record<Hit["type"], string> = {
  cluster: "Cluster",
  principal: "Principal",
  identity: "Identity",
};
const DEBOUNCE_MS = 150;

export function HeaderSearch() {
  const router = useRouter();
  const listId = useId();
  const [query, setQuery] = useState("");
  const [hits, setHits] = useState<Hit[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [message, setMessage] = useState("");
  const latest = useRef(0);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits([]);
      setMessage("");
      return;
    }
    const request = ++latest.current;
    const timer = setTimeout(async () => {
      try {
        const response = await fetch(`/api/search?q=${encodeURIComponent(q)}`);
        const parsed = answerSchema.safeParse(await response.json());
        if (request !== latest.current) return;
        const found = parsed.success ? parsed.data.hits : [];
        setHits(found);
        setActive(-1);
        setOpen(true);
        setMessage(
          !response.ok && response.status === 404
            ? "Nothing scanned yet."
            : found.length === 0
              ? `No match for “${q}”.`
              : `${found.length} result${found.length === 1 ? "" : "s"}.`,
        );
      } catch {
        if (request === latest.current) setMessage("Search is unavailable.");
      }
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [query]);

  function go(hit: Hit | undefined) {
    if (!hit) return;
    setOpen(false);
    setQuery("");
    router.push(hit.href);
  }

  function onKeyDown(event: React.KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setOpen(true);
      setActive((index) => Math.min(hits.length - 1, index + 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((index) => Math.max(-1, index - 1));
    } else if (event.key === "Enter") {
      event.preventDefault();
      go(hits[Math.max(active, 0)]);
    } else if (event.key === "Escape") {
      setOpen(false);
      setActive(-1);
    }
  }

  const expanded = open && hits.length > 0;
  return (
    <search className="relative block w-full sm:ml-auto sm:w-44 xl:w-48">
      <label htmlFor={`${listId}-input`} className="sr-only">
        Search clusters, principals and identities
      </label>
      <input
        id={`${listId}-input`}
        type="search"
        role="combobox"
        aria-expanded={expanded}
        aria-controls={`${listId}-list`}
        aria-autocomplete="list"
        aria-activedescendant={expanded && active >= 0 ? `${listId}-option-${active}` : undefined}
        autoComplete="off"
        placeholder="Search…"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onFocus={() => setOpen(true)}
        className="w-full rounded border border-slate-300 bg-white px-3 py-1.5 text-sm placeholder:text-slate-500 focus-visible:outline-2 focus-visible:outline-brand-600"
      />
      {/* the combobox pattern: options are never focused, the input points at the active one */}
      <div
        id={`${listId}-list`}
        role="listbox"
        aria-label="Search results"
        hidden={!expanded}
        className="absolute right-0 z-40 mt-1 max-h-96 w-full min-w-72 overflow-auto rounded border border-slate-200 bg-white py-1 shadow-lg"
      >
        {hits.map((hit, index) => (
          // biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/useFocusableInteractive: the input owns the keyboard (aria-activedescendant)
          <div
            key={`${hit.type}:${hit.id}`}
            id={`${listId}-option-${index}`}
            role="option"
            aria-selected={index === active}
            onMouseDown={(event) => event.preventDefault()}
            onClick={() => go(hit)}
            className={`cursor-pointer px-3 py-1.5 text-sm ${index === active ? "bg-brand-50" : "hover:bg-slate-50"}`}
          >
            <div className="font-medium text-slate-900">{hit.label}</div>
            <div className="text-xs text-slate-600">
              {TYPE_LABEL[hit.type]} · {hit.detail}
            </div>
          </div>
        ))}
      </div>
      <div role="status" aria-live="polite" className="sr-only">
        {message}
      </div>
    </search>
  );
}
