/**
 * The small page a share link answers with when it is not the report (unknown, expired or revoked link).
 * It says nothing about the report; like the report document it has no script and loads nothing.
 */
export function SharedLinkMessage({ title, text }: { title: string; text: string }) {
  return (
    <html lang="en">
      {/* biome-ignore lint/style/noHeadElement: a standalone document rendered to a string, not a Next page */}
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="robots" content="noindex" />
        <meta name="referrer" content="no-referrer" />
        <title>{title}</title>
        <style>{`body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Arial,sans-serif;color:#0f172a;background:#f8fafc;margin:0}
main{max-width:34rem;margin:12vh auto;padding:2rem;background:#fff;border:1px solid #e2e8f0;border-radius:8px}
h1{font-size:1.35rem;margin:0 0 .5rem}p{color:#475569;line-height:1.5}`}</style>
      </head>
      <body>
        <main>
          <h1>{title}</h1>
          <p>{text}</p>
        </main>
      </body>
    </html>
  );
}
