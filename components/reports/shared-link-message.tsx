import { DocumentHead } from "./report-document";

const MESSAGE_CSS = `body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#0f172a;background:#f8fafc;margin:0}
main{max-width:34rem;margin:12vh auto;padding:2rem;background:#fff;border:1px solid #e2e8f0;border-radius:8px}
h1{font-size:1.35rem;margin:0 0 .5rem}p{color:#475569;line-height:1.5}`;

/**
 * The small page a share link answers with when it is not the report (unknown, expired or revoked link).
 * It says nothing about the report; like the report document it has no script and loads nothing.
 */
export function SharedLinkMessage({ title, text }: { title: string; text: string }) {
  return (
    <html lang="en">
      <DocumentHead title={title} robots="noindex" css={MESSAGE_CSS} />
      <body>
        <main>
          <h1>{title}</h1>
          <p>{text}</p>
        </main>
      </body>
    </html>
  );
}
